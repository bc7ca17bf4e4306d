"""Stage 2 of loading `targets.yaml`: pydantic validation, each error mapped to an `Issue` with a line."""

from __future__ import annotations

import dataclasses
import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from ioc.config_yaml import Located, Path_, dotted
from ioc.issues import Issue, Severity
from ioc.messages import Words, issue, text, words
from ioc.targets import HOUR_PATTERN, ID_PATTERN, PERIOD_PATTERN, TargetsFile


@dataclasses.dataclass
class _Err:
    path: Path_  # real steps in the data
    tags: list[tuple[int, str]]  # (position in `path`, union member tag) — pydantic's union branches
    type: str
    msg: str
    ctx: dict[str, Any]
    input: Any
    chosen: list[tuple[int, str]] = dataclasses.field(default_factory=list)  # tags already resolved


def _clean(loc: tuple, etype: str, data: Any) -> tuple[Path_, list[tuple[int, str]]]:
    """Split a pydantic `loc` into real data steps and union-member tags ('ExportSource', 'str', …)."""
    path: list[str | int] = []
    tags: list[tuple[int, str]] = []
    cur = data
    for i, step in enumerate(loc):
        last = i == len(loc) - 1
        in_list = isinstance(step, int) and isinstance(cur, list) and 0 <= step < len(cur)
        in_dict = isinstance(step, str) and isinstance(cur, dict) and step in cur
        if in_list or in_dict:
            path.append(step)
            cur = cur[step]
        elif step == "[key]":
            continue
        elif last and etype == "missing" and isinstance(cur, dict):
            path.append(step)
        else:
            tags.append((len(path), str(step)))
    return tuple(path), tags


_TYPE_ERRORS = {
    "string_type",
    "int_type",
    "int_parsing",
    "int_from_float",
    "float_type",
    "float_parsing",
    "bool_type",
    "bool_parsing",
    "date_type",
    "date_parsing",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
    "list_type",
    "dict_type",
    "model_type",
    "model_attributes_type",
    "enum",
    "literal_error",
    "union_type",
}


def _mismatch(branch: list[_Err], prefix: Path_) -> bool:
    """A union branch rejected only because the value has another type (e.g. a list given for a text)."""
    return all(e.path == prefix and e.type in _TYPE_ERRORS for e in branch)


def _resolve_unions(errs: list[_Err], data: Any) -> list[_Err]:
    """Keep, for every union, the branch the user evidently meant; merge pure type mismatches into one."""
    while any(e.tags for e in errs):
        tagged = [e for e in errs if e.tags]
        pos, _ = min(e.tags[0] for e in tagged)
        prefix = min((e.path[:pos] for e in tagged if e.tags[0][0] == pos), key=len)
        group = [e for e in tagged if e.tags[0][0] == pos and e.path[:pos] == prefix]
        rest = [e for e in errs if not any(e is g for g in group)]
        branches: dict[str, list[_Err]] = {}
        for e in group:
            branches.setdefault(e.tags[0][1], []).append(e)

        meant = [b for b in branches.values() if not _mismatch(b, prefix)]
        if len(branches) == 1 or meant:
            chosen = min(
                meant or list(branches.values()),
                key=lambda b: (sum(e.type == "extra_forbidden" for e in b), len(b)),
            )
            for e in chosen:
                e.chosen.append(e.tags.pop(0))
            errs = rest + chosen
        else:
            words = []
            for b in branches.values():
                for w in (_expected(e) for e in b):
                    if w and w not in words:
                        words.append(w)
            merged = _Err(
                path=prefix,
                tags=[],
                type="union_type",
                msg="",
                ctx={"expected": words},
                input=group[0].input,
            )
            errs = [*rest, merged]
    return errs


_WORDS: dict[str, tuple[str, str]] = {
    "text": ("text", "văn bản"),
    "int": ("a whole number", "một số nguyên"),
    "float": ("a number", "một số"),
    "bool": ("true or false", "true hoặc false"),
    "date": (
        "a date like 2025-12-31 or a period like 2025-12, 2025-Q4, 2025 (its last day)",
        "một ngày dạng 2025-12-31 hoặc một kỳ dạng 2025-12, 2025-Q4, 2025 (ngày cuối kỳ)",
    ),
    "list": ("a list (lines starting with '- ')", "một danh sách (các dòng bắt đầu bằng '- ')"),
    "dict": ("a block of 'key: value' lines", "một khối các dòng 'khóa: giá trị'"),
}


def _join(items: list[str], conj: str) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conj} {items[-1]}"


def _expected(e: _Err) -> tuple[str, str] | None:
    """What was expected, in plain words (English, Vietnamese)."""
    t = e.type
    if t == "union_type":
        words = list(e.ctx["expected"])
        if _WORDS["float"] in words and _WORDS["int"] in words:
            words.remove(_WORDS["int"])  # "a number" already covers whole numbers
        words = [("true/false", "true/false") if w == _WORDS["bool"] else w for w in words]
        return _join([w[0] for w in words], "or"), _join([w[1] for w in words], "hoặc")
    if t == "string_type":
        return _WORDS["text"]
    if t.startswith("int_"):
        return _WORDS["int"]
    if t.startswith("float_"):
        return _WORDS["float"]
    if t.startswith("bool_"):
        return _WORDS["bool"]
    if t.startswith("date_"):
        return _WORDS["date"]
    if t == "list_type":
        return _WORDS["list"]
    if t in ("dict_type", "model_type", "model_attributes_type"):
        return _WORDS["dict"]
    if t in ("enum", "literal_error"):
        expected = str(e.ctx.get("expected", ""))
        options = re.findall(r"'([^']*)'", expected) or [expected.lower()]
        joined = ", ".join(options)
        return f"one of: {joined}", f"một trong: {joined}"
    return None


_PATTERNS = {
    ID_PATTERN: (
        "an id of lower-case letters, digits and '_', starting with a letter (e.g. dossier_online_rate)",
        "một mã gồm chữ thường không dấu, chữ số và '_', bắt đầu bằng chữ cái (ví dụ dossier_online_rate)",
    ),
    PERIOD_PATTERN: (
        'a period like "2025-08" (month), "2025-Q3" (quarter) or "2025" (year)',
        'một kỳ dạng "2025-08" (tháng), "2025-Q3" (quý) hoặc "2025" (năm)',
    ),
    HOUR_PATTERN: (
        'a time of day like "22:00" or "6:30" (0:00–23:59, in quotes)',
        'một giờ trong ngày dạng "22:00" hoặc "6:30" (0:00–23:59, trong dấu nháy)',
    ),
    r"^[A-Z]{1,3}$": ('an Excel column letter like "C"', 'một chữ cái cột Excel, ví dụ "C"'),
}


def _bad_value_words(e: _Err) -> tuple[str, str]:
    """Plain words for a value of the right type that breaks a rule (English, Vietnamese)."""
    c = e.ctx
    if e.type == "string_pattern_mismatch":
        return _PATTERNS.get(c.get("pattern"), ("text of another form", "văn bản khác dạng"))
    if e.type == "too_short":
        n = c.get("min_length", 1)
        if isinstance(e.input, str):
            return "some text (it is empty)", "một giá trị (đang để trống)"
        return f"a list of at least {n} item(s)", f"một danh sách có ít nhất {n} mục"
    if e.type == "too_long":
        return f"at most {c.get('max_length')} characters or items", f"tối đa {c.get('max_length')} ký tự/mục"
    comparisons = {
        "greater_than": ("a number greater than {}", "một số lớn hơn {}", "gt"),
        "greater_than_equal": ("a number of at least {}", "một số không nhỏ hơn {}", "ge"),
        "less_than": ("a number less than {}", "một số nhỏ hơn {}", "lt"),
        "less_than_equal": ("a number of at most {}", "một số không lớn hơn {}", "le"),
    }
    if e.type in comparisons:
        en, vi, key = comparisons[e.type]
        return en.format(c.get(key)), vi.format(c.get(key))
    if e.type == "value_error":
        reason = str(c.get("error", e.msg))
        return reason, reason
    return e.msg, e.msg


def _unwrap(tp: Any, tag: str | None) -> Any:
    """Strip Annotated/Optional and pick the union member named by a pydantic tag."""
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        members = [m for m in typing.get_args(tp) if m is not type(None)]
        if len(members) == 1:
            return _unwrap(members[0], None)
        if tag:
            for m in members:
                origin = typing.get_origin(m)
                name = getattr(origin or m, "__name__", "")
                if (origin and tag.startswith(f"{name}[")) or (not origin and re.search(rf"\b{name}\b", tag)):
                    return _unwrap(m, None)
        models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
        return _unwrap(models[0], None) if models else None
    return tp


def _allowed_fields(path: Path_, tags: dict[int, str]) -> list[str]:
    """The field names of the model found at `path` (following the union branches pydantic reported)."""
    tp: Any = TargetsFile
    for i, step in enumerate(path):
        tp = _unwrap(tp, tags.get(i))
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            fields = {f.alias or name: f for name, f in tp.model_fields.items()}
            if step not in fields:
                return []
            tp = fields[step].annotation
        elif typing.get_origin(tp) is list:
            tp = typing.get_args(tp)[0]
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        else:
            return []
    tp = _unwrap(tp, tags.get(len(path)))
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [f.alias or name for name, f in tp.model_fields.items()]
    return []


_OWNERS = ("indicators", "pillars", "exports")  # named list items: "phrase.owner-<section>" of the catalog


def owner_prefix(path: Path_, data: Any) -> tuple[str, str]:
    """Prefix "indicator 'dossier_online_rate': " when the path lies inside a named list item."""
    if len(path) >= 2 and path[0] in _OWNERS and isinstance(path[1], int):
        item = Located(data, {}).get(path[:2])
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            key = f"phrase.owner-{path[0]}"
            return text(key, "en", id=item["id"]), text(key, "vi", id=item["id"])
    return "", ""


def located(doc: Located, file: str, key: str, path: Path_, *, warning: bool = False, **kw: Any) -> Issue:
    """The catalog's issue `key` (`ioc.messages`) at `path` of the file: line, column, dotted field and
    the owner prefix ("indicator 'x': ") filled in."""
    pos = doc.position(path) or (None, None)
    found = issue(
        key,
        severity=Severity.WARNING if warning else Severity.ERROR,
        file=file,
        line=pos[0],
        col=pos[1],
        field=dotted(path),
        **kw,
    )
    pre_en, pre_vi = owner_prefix(path, doc.data)
    if not pre_en:
        return found
    return dataclasses.replace(
        found, message=pre_en + found.message, message_vi=pre_vi + (found.message_vi or "")
    )


def did_you_mean(word: str, options: list[str]) -> Words | str:
    """ " Did you mean 'x'?" in both languages for the closest option, or ""."""
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return words("phrase.did-you-mean-sentence", name=f"'{close[0]}'") if close else ""


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    if isinstance(value, bool):
        text = str(value).lower()
    return text if len(text) <= 80 else text[:77] + "…"


def _shape_issue(e: _Err, doc: Located, file: str) -> Issue:
    name = str(e.path[-1]) if e.path else ""
    if e.type == "missing":
        parent = dotted(e.path[:-1]) or words("phrase.top-level")
        return located(doc, file, "missing-field", e.path, name=name, parent=parent)
    if e.type == "extra_forbidden":
        allowed = _allowed_fields(e.path[:-1], dict(e.chosen))
        return located(
            doc,
            file,
            "unknown-field" if allowed else "unknown-field:anywhere",
            e.path,
            value=name,
            expected=", ".join(allowed) or None,
            guess=did_you_mean(name, allowed),
            allowed=", ".join(allowed),
        )
    expected = _expected(e)
    if expected is not None:
        key = "wrong-type"
        if e.type == "string_type" and isinstance(e.input, int | float) and not isinstance(e.input, bool):
            key = "wrong-type:quote"
        elif expected == _WORDS["date"]:
            key = "wrong-type:date"
        return located(
            doc,
            file,
            key,
            e.path,
            value=_show(e.input),
            expected=expected[0],
            expected_words=Words(expected[1], expected[0]),
            raw=str(e.input),
        )
    en, vi = _bad_value_words(e)
    if e.type == "value_error":
        return located(doc, file, "bad-value:rule", e.path, rule=Words(vi, en))
    return located(
        doc, file, "bad-value", e.path, value=_show(e.input), expected=en, expected_words=Words(vi, en)
    )


def _coerce_years(data: Any) -> None:
    """`period: 2025` is read by YAML as a number; a milestone period is always text, so make it "2025"."""
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        return
    for ind in data["indicators"]:
        target = ind.get("target") if isinstance(ind, dict) else None
        milestones = target.get("milestones") if isinstance(target, dict) else None
        for m in milestones if isinstance(milestones, list) else []:
            if isinstance(m, dict) and type(m.get("period")) is int and 1000 <= m["period"] <= 9999:
                m["period"] = str(m["period"])


def validate_shape(doc: Located, file: str) -> tuple[TargetsFile | None, list[Issue]]:
    """Stage 2: validate the data against `TargetsFile`; every error carries a line and a dotted field."""
    _coerce_years(doc.data)
    try:
        return TargetsFile.model_validate(doc.data), []
    except ValidationError as exc:
        errs = []
        for raw in exc.errors():
            path, tags = _clean(raw["loc"], raw["type"], doc.data)
            errs.append(_Err(path, tags, raw["type"], raw["msg"], raw.get("ctx") or {}, raw.get("input")))
        errs = _resolve_unions(errs, doc.data)
        return None, [_shape_issue(e, doc, file) for e in errs]
