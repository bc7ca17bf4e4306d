"""Loading `targets.yaml`: YAML with line stamps → shape (pydantic, mapped to lines) → whole-file rules.

Every stage collects all of its issues; `load_config` raises one `IssueError` carrying them all.
Nothing in the file is ever executed: nodes are composed with PyYAML's SafeLoader and only plain
scalars, lists and mappings are built (no custom tags, no merge keys).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import difflib
import hashlib
import logging
import re
import types
import typing
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ioc.config import Config
from ioc.issues import Issue, IssueError, Severity
from ioc.targets import (
    ID_PATTERN,
    PERIOD_PATTERN,
    ExportSource,
    Frequency,
    Indicator,
    Level,
    MeasureUnit,
    Rollup,
    TargetsFile,
)

log = logging.getLogger(__name__)

Path_ = tuple[str | int, ...]  # a location in the data: ("indicators", 3, "target", "by")
Pos = tuple[int, int]  # 1-based (line, column)

_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_COLLECTION_TAGS = {_YAML + "map", _YAML + "seq"}
_MAX_NODES = 200_000  # an alias bomb ("billion laughs") must not hang the loader


# ---------------------------------------------------------------------------------------------------
# Stage 1: YAML → plain data + a map of every path to its line and column


@dataclasses.dataclass
class Located:
    """The plain data of a YAML document and where each mapping key and list item sits in the file."""

    data: Any
    positions: dict[Path_, Pos]

    def position(self, path: Path_) -> Pos | None:
        """The line and column of `path`, or of its nearest ancestor that is in the file."""
        for cut in range(len(path), -1, -1):
            pos = self.positions.get(tuple(path[:cut]))
            if pos is not None:
                return pos
        return None

    def get(self, path: Path_) -> Any:
        """The value at `path`, or None when any step is missing."""
        cur = self.data
        for step in path:
            in_dict = isinstance(cur, dict) and step in cur
            in_list = isinstance(cur, list) and isinstance(step, int) and 0 <= step < len(cur)
            if not (in_dict or in_list):
                return None
            cur = cur[step]
        return cur


def _nfc(value: Any) -> Any:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def _mark(node: yaml.Node) -> Pos:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    """Builds plain Python data from composed nodes, recording positions and YAML-level issues."""

    def __init__(self, file: str):
        self.file = file
        self.positions: dict[Path_, Pos] = {}
        self.issues: list[Issue] = []
        self._constructor = yaml.SafeLoader("")
        self._active: set[int] = set()
        self._count = 0

    def issue(self, code: str, pos: Pos, en: str, vi: str, **kw: Any) -> None:
        self.issues.append(
            Issue(code=code, message=en, message_vi=vi, file=self.file, line=pos[0], col=pos[1], **kw)
        )

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self._count += 1
        if self._count > _MAX_NODES:
            raise _TooLargeError
        if id(node) in self._active:
            self.issue(
                "yaml-recursion",
                _mark(node),
                "an alias refers to the block that contains it",
                "bí danh (alias) trỏ tới chính khối chứa nó",
                field=_dotted(path),
            )
            return None
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.ScalarNode):
                return self._scalar(node, path)
            if node.tag not in _COLLECTION_TAGS:
                self._bad_tag(node, path)
            if isinstance(node, yaml.SequenceNode):
                out = []
                for i, child in enumerate(node.value):
                    self.positions.setdefault((*path, i), _mark(child))
                    out.append(self.build(child, (*path, i)))
                return out
            return self._mapping(node, path)
        finally:
            self._active.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_seen: dict[str, Pos] = {}
        for key_node, value_node in node.value:
            pos = _mark(key_node)
            if key_node.tag == _YAML + "merge":
                self.issue(
                    "yaml-merge",
                    pos,
                    "merge keys ('<<') are not supported; write the fields out",
                    "không hỗ trợ khóa gộp ('<<'); hãy viết đầy đủ các trường",
                    field=_dotted(path),
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.issue(
                    "yaml-bad-key",
                    pos,
                    "a key must be plain text, not a list or mapping",
                    "khóa phải là văn bản, không phải danh sách hay nhóm",
                    field=_dotted(path),
                )
                continue
            # Every key of targets.yaml is text, so keys keep their source text: `yes:` stays "yes",
            # `2025:` stays "2025" (YAML 1.1 would turn them into a boolean and an integer).
            key = _nfc(key_node.value)
            if key in first_seen:
                line = first_seen[key][0]
                self.issue(
                    "duplicate-key",
                    pos,
                    f"key '{key}' appears twice in the same block (first at line {line}); "
                    "only the last one would count",
                    f"khóa '{key}' xuất hiện hai lần trong cùng một khối (lần đầu ở dòng {line})",
                    field=_dotted((*path, key)),
                    value=key,
                    hint="delete or rename one of them",
                    hint_vi="xóa hoặc đổi tên một trong hai",
                )
            first_seen[key] = pos
            self.positions[(*path, key)] = pos
            out[key] = self.build(value_node, (*path, key))
        return out

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self._bad_tag(node, path)
            return _nfc(node.value)
        try:
            value = self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            # e.g. `by: 2025-13-45` looks like a date but is not one: keep the text so the shape
            # stage reports it as "expected a date like 2025-12-31"
            value = node.value
        return _nfc(value)

    def _bad_tag(self, node: yaml.Node, path: Path_) -> None:
        self.issue(
            "yaml-tag",
            _mark(node),
            f"the tag '{node.tag}' is not allowed: targets.yaml holds plain values, lists and mappings only",
            f"không được dùng thẻ '{node.tag}': targets.yaml chỉ chứa giá trị, danh sách và nhóm khóa",
            field=_dotted(path),
            value=node.tag,
        )


class _TooLargeError(Exception):
    pass


_SYNTAX_HINTS = [
    (
        "cannot start any token",
        "use spaces for indentation, never tabs; quote values that start with @ or `",
        "thụt lề bằng dấu cách, không dùng tab; đặt giá trị bắt đầu bằng @ hoặc ` trong dấu nháy",
    ),
    (
        "mapping values are not allowed",
        "a value containing ': ' must be put in quotes",
        "giá trị có chứa ': ' phải đặt trong dấu nháy",
    ),
    (
        "could not find expected ':'",
        "each line of a block needs 'key: value'; check the indentation",
        "mỗi dòng trong khối cần dạng 'khóa: giá trị'; kiểm tra thụt lề",
    ),
    (
        "expected <block end>",
        "check the indentation: items of one block must line up",
        "kiểm tra thụt lề: các mục cùng khối phải thẳng hàng",
    ),
    (
        "found unexpected end of stream",
        "a quote or bracket is not closed",
        "thiếu dấu nháy hoặc dấu ngoặc đóng",
    ),
    (
        "expected a single document",
        "the file must hold one document: remove the extra '---'",
        "tệp chỉ được có một tài liệu: xóa dòng '---' thừa",
    ),
]


def _syntax_issue(err: yaml.YAMLError, file: str) -> Issue:
    problem = getattr(err, "problem", None) or str(err)
    context = getattr(err, "context", None)
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    text = f"{problem} ({context})" if context else problem
    hint = hint_vi = None
    for needle, en, vi in _SYNTAX_HINTS:
        if needle in text:
            hint, hint_vi = en, vi
    return Issue(
        code="yaml-syntax",
        message=f"YAML syntax error: {text}",
        message_vi=f"Lỗi cú pháp YAML: {text}",
        file=file,
        line=mark.line + 1 if mark else None,
        col=mark.column + 1 if mark else None,
        hint=hint,
        hint_vi=hint_vi,
    )


def read_yaml(text: str, file: str) -> tuple[Located | None, list[Issue]]:
    """Stage 1: parse YAML text into plain data plus positions; never constructs arbitrary objects."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        return None, [_syntax_issue(err, file)]
    if root is None:
        return None, [
            Issue(
                code="empty-file",
                message="the file is empty",
                message_vi="tệp rỗng",
                file=file,
                line=1,
                hint="start from the demo province's targets.yaml",
                hint_vi="hãy bắt đầu từ tệp targets.yaml của tỉnh mẫu",
            )
        ]
    builder = _Builder(file)
    builder.positions[()] = _mark(root)
    try:
        data = builder.build(root, ())
    except _TooLargeError:
        return None, [
            Issue(
                code="yaml-too-large",
                message=f"the document expands to more than {_MAX_NODES} values (aliases repeated?)",
                message_vi=f"tài liệu mở rộng thành hơn {_MAX_NODES} giá trị (bí danh lặp lại?)",
                file=file,
                line=1,
            )
        ]
    return Located(data, builder.positions), builder.issues


# ---------------------------------------------------------------------------------------------------
# Stage 2: shape (pydantic), every error mapped back to a line


def _dotted(path: Path_) -> str:
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += ("." if out else "") + str(step)
    return out


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
    "date": ("a date like 2025-12-31", "một ngày dạng 2025-12-31"),
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


_OWNERS = {
    "indicators": ("indicator", "chỉ tiêu"),
    "pillars": ("pillar", "trụ cột"),
    "exports": ("export", "nguồn xuất"),
}


def _owner_prefix(path: Path_, data: Any) -> tuple[str, str]:
    """Prefix "indicator 'dossier_online_rate': " when the path lies inside a named list item."""
    if len(path) >= 2 and path[0] in _OWNERS and isinstance(path[1], int):
        item = Located(data, {}).get(path[:2])
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            en, vi = _OWNERS[str(path[0])]
            return f"{en} '{item['id']}': ", f"{vi} '{item['id']}': "
    return "", ""


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    if isinstance(value, bool):
        text = str(value).lower()
    return text if len(text) <= 80 else text[:77] + "…"


def _shape_issue(e: _Err, doc: Located, file: str) -> Issue:
    pos = doc.position(e.path) or (None, None)
    pre_en, pre_vi = _owner_prefix(e.path, doc.data)
    field = _dotted(e.path)
    common = {"file": file, "line": pos[0], "col": pos[1], "field": field}
    name = str(e.path[-1]) if e.path else ""
    if e.type == "missing":
        parent = _dotted(e.path[:-1]) or "the top level"
        return Issue(
            code="missing-field",
            message=f"{pre_en}required field '{name}' is missing",
            message_vi=f"{pre_vi}thiếu trường bắt buộc '{name}'",
            hint=f"add '{name}:' under {parent}",
            hint_vi=f"thêm '{name}:' vào {parent}",
            **common,
        )
    if e.type == "extra_forbidden":
        allowed = _allowed_fields(e.path[:-1], dict(e.chosen))
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        mean_en = f" Did you mean '{close[0]}'?" if close else ""
        mean_vi = f" Có phải ý bạn là '{close[0]}'?" if close else ""
        return Issue(
            code="unknown-field",
            message=f"{pre_en}unknown field '{name}'.{mean_en}",
            message_vi=f"{pre_vi}trường không hợp lệ '{name}'.{mean_vi}",
            value=name,
            expected=", ".join(allowed) or None,
            hint=f"allowed here: {', '.join(allowed)}" if allowed else None,
            hint_vi=f"các trường được phép: {', '.join(allowed)}" if allowed else None,
            **common,
        )
    words = _expected(e)
    if words is not None:
        hint = hint_vi = None
        if e.type == "string_type" and isinstance(e.input, int | float) and not isinstance(e.input, bool):
            hint = f'put it in quotes: "{e.input}" (codes keep their leading zeros only as text)'
            hint_vi = f'đặt trong dấu nháy: "{e.input}" (mã chỉ giữ được số 0 đầu khi là văn bản)'
        elif words == _WORDS["date"]:
            hint, hint_vi = "write dates as YYYY-MM-DD", "viết ngày theo dạng NNNN-TT-NN"
        return Issue(
            code="wrong-type",
            message=f"{pre_en}expected {words[0]}, got {_show(e.input)}",
            message_vi=f"{pre_vi}cần {words[1]}, nhận được {_show(e.input)}",
            value=_show(e.input),
            expected=words[0],
            hint=hint,
            hint_vi=hint_vi,
            **common,
        )
    en, vi = _bad_value_words(e)
    is_rule = e.type == "value_error"
    return Issue(
        code="bad-value",
        message=f"{pre_en}{en}" if is_rule else f"{pre_en}expected {en}, got {_show(e.input)}",
        message_vi=f"{pre_vi}{vi}" if is_rule else f"{pre_vi}cần {vi}, nhận được {_show(e.input)}",
        value=None if is_rule else _show(e.input),
        expected=None if is_rule else en,
        **common,
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


# ---------------------------------------------------------------------------------------------------
# Stage 3: whole-file rules


def _suggest(word: str, options: list[str]) -> tuple[str, str]:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return (f" Did you mean '{close[0]}'?", f" Có phải ý bạn là '{close[0]}'?") if close else ("", "")


def _period_bounds(period: str) -> tuple[Frequency, dt.date, dt.date]:
    """The frequency, first day and last day of a period "2025", "2025-Q3" or "2025-08"."""
    year = int(period[:4])
    if len(period) == 4:
        return Frequency.YEARLY, dt.date(year, 1, 1), dt.date(year, 12, 31)
    if period[5] == "Q":
        q = int(period[6])
        last = 3 * q
        return (
            Frequency.QUARTERLY,
            dt.date(year, last - 2, 1),
            dt.date(year, last, calendar.monthrange(year, last)[1]),
        )
    month = int(period[5:7])
    return (
        Frequency.MONTHLY,
        dt.date(year, month, 1),
        dt.date(year, month, calendar.monthrange(year, month)[1]),
    )


_PERIOD_SHAPE = {
    Frequency.MONTHLY: ('a month like "2025-06"', 'một tháng dạng "2025-06"'),
    Frequency.QUARTERLY: ('a quarter like "2025-Q2"', 'một quý dạng "2025-Q2"'),
    Frequency.YEARLY: ('a year like "2025"', 'một năm dạng "2025"'),
}
_FREQ_VI = {Frequency.MONTHLY: "hằng tháng", Frequency.QUARTERLY: "hằng quý", Frequency.YEARLY: "hằng năm"}


class _Rules:
    """The whole-file rules; each method yields the issues of one rule."""

    def __init__(self, targets: TargetsFile, doc: Located, file: str, registry: Any | None):
        self.t = targets
        self.doc = doc
        self.file = file
        self.registry = registry

    def issue(self, code: str, path: Path_, en: str, vi: str, *, warning: bool = False, **kw: Any) -> Issue:
        pos = self.doc.position(path) or (None, None)
        pre_en, pre_vi = _owner_prefix(path, self.doc.data)
        return Issue(
            code=code,
            message=pre_en + en,
            message_vi=pre_vi + vi,
            severity=Severity.WARNING if warning else Severity.ERROR,
            file=self.file,
            line=pos[0],
            col=pos[1],
            field=_dotted(path),
            **kw,
        )

    def all(self) -> Iterator[Issue]:
        yield from self.duplicate_ids()
        yield from self.pillars()
        yield from self.exports()
        yield from self.rollups()
        yield from self.ranges()
        yield from self.tolerances()
        yield from self.dates()
        if self.registry is not None:
            yield from self.owners()
            yield from self.overrides()

    def duplicate_ids(self) -> Iterator[Issue]:
        for section, code, en_kind, vi_kind in (
            ("indicators", "duplicate-id", "indicator", "chỉ tiêu"),
            ("pillars", "duplicate-pillar", "pillar", "trụ cột"),
            ("exports", "duplicate-export", "export", "nguồn xuất"),
        ):
            first: dict[str, int] = {}
            for i, item in enumerate(getattr(self.t, section)):
                if item.id in first:
                    line = (self.doc.position((section, first[item.id], "id")) or (0, 0))[0]
                    yield self.issue(
                        code,
                        (section, i, "id"),
                        f"{en_kind} id '{item.id}' is used twice (first at line {line})",
                        f"mã {vi_kind} '{item.id}' bị dùng hai lần (lần đầu ở dòng {line})",
                        value=item.id,
                        hint=f"give every {en_kind} its own id",
                        hint_vi=f"mỗi {vi_kind} cần một mã riêng",
                    )
                else:
                    first[item.id] = i

    def pillars(self) -> Iterator[Issue]:
        ids = [p.id for p in self.t.pillars]
        used = set()
        for i, ind in enumerate(self.t.indicators):
            used.add(ind.pillar)
            if ind.pillar not in ids:
                en, vi = _suggest(ind.pillar, ids)
                yield self.issue(
                    "unknown-pillar",
                    ("indicators", i, "pillar"),
                    f"pillar '{ind.pillar}' is not declared under 'pillars'.{en}",
                    f"trụ cột '{ind.pillar}' chưa được khai báo trong 'pillars'.{vi}",
                    value=ind.pillar,
                    expected=", ".join(ids),
                    hint=f"declared pillars: {', '.join(ids)}",
                    hint_vi=f"các trụ cột đã khai báo: {', '.join(ids)}",
                )
        for i, p in enumerate(self.t.pillars):
            if p.id not in used:
                yield self.issue(
                    "unused-pillar",
                    ("pillars", i, "id"),
                    f"pillar '{p.id}' has no indicators",
                    f"trụ cột '{p.id}' chưa có chỉ tiêu nào",
                    warning=True,
                    hint="add indicators to it or remove it",
                    hint_vi="thêm chỉ tiêu hoặc xóa trụ cột này",
                )

    def exports(self) -> Iterator[Issue]:
        ids = [e.id for e in self.t.exports]
        for i, ind in enumerate(self.t.indicators):
            if isinstance(ind.source, ExportSource) and ind.source.export not in ids:
                en, vi = _suggest(ind.source.export, ids)
                yield self.issue(
                    "unknown-export",
                    ("indicators", i, "source", "export"),
                    f"export '{ind.source.export}' is not declared under 'exports'.{en}",
                    f"nguồn xuất '{ind.source.export}' chưa được khai báo trong 'exports'.{vi}",
                    value=ind.source.export,
                    expected=", ".join(ids) or None,
                    hint=f"declared exports: {', '.join(ids)}"
                    if ids
                    else "declare the export under 'exports:'",
                    hint_vi=f"các nguồn đã khai báo: {', '.join(ids)}"
                    if ids
                    else "khai báo nguồn trong 'exports:'",
                )

    def rollups(self) -> Iterator[Issue]:
        for i, ind in enumerate(self.t.indicators):
            src = ind.source
            if not isinstance(src, ExportSource):
                continue  # a workbook indicator may roll up any way (ratio: the template asks for both parts)
            path = ("indicators", i, "rollup") if "rollup" in self._raw(i) else ("indicators", i, "source")
            if src.numerator is not None and ind.rollup != Rollup.RATIO:
                yield self.issue(
                    "rollup-mismatch",
                    path,
                    f"the source gives a numerator and a denominator but rollup is '{ind.rollup.value}': "
                    "the province value would not be the share of the summed counts",
                    f"nguồn có tử số và mẫu số nhưng rollup là '{ind.rollup.value}': giá trị toàn tỉnh "
                    "sẽ không phải tỷ lệ của tổng",
                    warning=True,
                    hint="set 'rollup: ratio'",
                    hint_vi="đặt 'rollup: ratio'",
                )
            if src.value is not None and ind.rollup == Rollup.RATIO:
                yield self.issue(
                    "rollup-mismatch",
                    path,
                    "rollup is 'ratio' but the source gives a single value, no numerator and denominator",
                    "rollup là 'ratio' nhưng nguồn chỉ cho một giá trị, không có tử số và mẫu số",
                    warning=True,
                    hint="use 'rollup: sum' for counts, or give numerator and denominator",
                    hint_vi="dùng 'rollup: sum' cho số đếm, hoặc khai báo tử số và mẫu số",
                )

    def _raw(self, i: int) -> dict[str, Any]:
        raw = self.doc.get(("indicators", i))
        return raw if isinstance(raw, dict) else {}

    def ranges(self) -> Iterator[Issue]:
        for i, ind in enumerate(self.t.indicators):
            if ind.min is not None and ind.max is not None and ind.min > ind.max:
                yield self.issue(
                    "bad-range",
                    ("indicators", i, "min"),
                    f"min ({_num(ind.min)}) is greater than max ({_num(ind.max)})",
                    f"min ({_num(ind.min)}) lớn hơn max ({_num(ind.max)})",
                    value=_num(ind.min),
                    hint="swap them, or correct one of them",
                    hint_vi="đổi chỗ hai giá trị, hoặc sửa một trong hai",
                )
                continue
            yield from self._target_values(i, ind)

    def _target_values(self, i: int, ind: Indicator) -> Iterator[Issue]:
        lo, hi = ind.value_range()
        base: Path_ = ("indicators", i, "target")
        checks: list[tuple[Path_, float, str, str]] = [
            ((*base, "value"), ind.target.value, "target", "chỉ tiêu")
        ]
        if ind.target.baseline is not None:
            checks.append(
                ((*base, "baseline", "value"), ind.target.baseline.value, "baseline", "giá trị gốc")
            )
        for k, m in enumerate(ind.target.milestones):
            checks.append(
                ((*base, "milestones", k, "value"), m.value, f"milestone {m.period}", f"mốc {m.period}")
            )
        for k, o in enumerate(ind.overrides):
            checks.append(
                (
                    ("indicators", i, "overrides", k, "value"),
                    o.value,
                    f"override for {o.unit}",
                    f"chỉ tiêu riêng của {o.unit}",
                )
            )
        if hi is None:
            span_en, span_vi = f"at least {_num(lo)}", f"không nhỏ hơn {_num(lo)}"
        else:
            span_en = span_vi = f"{_num(lo)}–{_num(hi)}"
        for path, value, what_en, what_vi in checks:
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                yield self.issue(
                    "bad-target",
                    path,
                    f"{what_en} value {_num(value)} is outside the range {span_en}",
                    f"giá trị {what_vi} {_num(value)} nằm ngoài khoảng {span_vi}",
                    value=_num(value),
                    expected=span_en,
                    hint="percent values are written as 0–100 (80 means 80%)"
                    if ind.unit == MeasureUnit.PERCENT
                    else "correct the value, or the indicator's min/max",
                    hint_vi="tỷ lệ viết theo thang 0–100 (80 nghĩa là 80%)"
                    if ind.unit == MeasureUnit.PERCENT
                    else "sửa giá trị, hoặc min/max của chỉ tiêu",
                )

    def tolerances(self) -> Iterator[Issue]:
        if self.t.status.amber_tolerance > 100:
            yield self._tolerance(("status", "amber_tolerance"), self.t.status.amber_tolerance)
        for i, ind in enumerate(self.t.indicators):
            if ind.amber_tolerance is not None and ind.amber_tolerance > 100:
                yield self._tolerance(("indicators", i, "amber_tolerance"), ind.amber_tolerance)

    def _tolerance(self, path: Path_, value: float) -> Issue:
        return self.issue(
            "bad-tolerance",
            path,
            f"amber_tolerance {_num(value)} is more than 100: every shortfall would show amber, never red",
            f"amber_tolerance {_num(value)} lớn hơn 100: mọi mức thiếu hụt đều thành vàng, không bao giờ đỏ",
            value=_num(value),
            expected="0–100",
            hint="percentage points for percent indicators, a relative % for others (10 = within 10%)",
            hint_vi="điểm phần trăm với chỉ tiêu tỷ lệ, % tương đối với loại khác (10 = trong phạm vi 10%)",
        )

    def dates(self) -> Iterator[Issue]:
        for i, ind in enumerate(self.t.indicators):
            tgt = ind.target
            base: Path_ = ("indicators", i, "target")
            if tgt.baseline is not None and tgt.baseline.at >= tgt.by:
                yield self.issue(
                    "bad-baseline",
                    (*base, "baseline", "at"),
                    f"the baseline date {tgt.baseline.at} is not before the deadline {tgt.by}",
                    f"ngày gốc {tgt.baseline.at} không trước hạn {tgt.by}",
                    value=str(tgt.baseline.at),
                    hint="the baseline is where the plan starts: a date before 'by'",
                    hint_vi="giá trị gốc là điểm xuất phát: ngày phải trước 'by'",
                )
            seen: set[str] = set()
            for k, m in enumerate(tgt.milestones):
                yield from self._milestone(ind, (*base, "milestones", k, "period"), m.period, seen)

    def _milestone(self, ind: Indicator, path: Path_, period: str, seen: set[str]) -> Iterator[Issue]:
        freq, start, end = _period_bounds(period)
        tgt = ind.target
        problem: tuple[str, str] | None = None
        hint = hint_vi = None
        if freq != ind.frequency:
            shape_en, shape_vi = _PERIOD_SHAPE[ind.frequency]
            problem = (
                f"milestone period '{period}' does not match the indicator's {ind.frequency.value} reporting",
                f"kỳ của mốc '{period}' không khớp với tần suất báo cáo {_FREQ_VI[ind.frequency]}",
            )
            hint, hint_vi = f"write {shape_en}", f"hãy viết {shape_vi}"
        elif start > tgt.by:
            problem = (
                f"milestone '{period}' lies after the deadline {tgt.by}",
                f"mốc '{period}' nằm sau hạn {tgt.by}",
            )
            hint, hint_vi = "milestones lead up to the deadline", "các mốc phải trước hạn hoàn thành"
        elif tgt.baseline is not None and end < tgt.baseline.at:
            problem = (
                f"milestone '{period}' lies before the baseline date {tgt.baseline.at}",
                f"mốc '{period}' nằm trước ngày gốc {tgt.baseline.at}",
            )
            hint, hint_vi = "milestones come after the baseline", "các mốc phải sau ngày gốc"
        elif period in seen:
            problem = (f"milestone '{period}' is declared twice", f"mốc '{period}' được khai báo hai lần")
            hint, hint_vi = "keep one", "giữ lại một"
        seen.add(period)
        if problem:
            yield self.issue(
                "bad-milestone", path, problem[0], problem[1], value=period, hint=hint, hint_vi=hint_vi
            )

    def owners(self) -> Iterator[Issue]:
        dept_ids = list(self.registry.departments["id"].to_list())
        for i, ind in enumerate(self.t.indicators):
            if ind.owner not in dept_ids:
                en, vi = _suggest(ind.owner, dept_ids)
                yield self.issue(
                    "unknown-owner",
                    ("indicators", i, "owner"),
                    f"owner '{ind.owner}' is not a department of the registry.{en}",
                    f"đơn vị chủ trì '{ind.owner}' không có trong danh mục sở, ngành.{vi}",
                    value=ind.owner,
                    hint=f"department ids are listed in {self.t.registry.departments}",
                    hint_vi=f"mã các sở, ngành nằm trong {self.t.registry.departments}",
                )

    def overrides(self) -> Iterator[Issue]:
        dept_ids = list(self.registry.departments["id"].to_list())
        for i, ind in enumerate(self.t.indicators):
            seen: set[str] = set()
            for k, o in enumerate(ind.overrides):
                path = ("indicators", i, "overrides", k, "unit")
                level = self.registry.level_of(o.unit)
                if level is None:
                    en, vi = self._unit_suggestion(o.unit, dept_ids)
                    yield self.issue(
                        "unknown-unit",
                        path,
                        f"unit '{o.unit}' is neither a commune code nor a department id of the registry.{en}",
                        f"đơn vị '{o.unit}' không phải mã xã/phường hay mã sở, ngành trong danh mục.{vi}",
                        value=o.unit,
                        hint='write a 5-digit commune code in quotes ("90001") or a department id',
                        hint_vi='ghi mã xã 5 chữ số trong dấu nháy ("90001") hoặc mã sở, ngành',
                    )
                elif level not in ind.levels:
                    levels = ", ".join(lv.value for lv in ind.levels)
                    yield self.issue(
                        "override-level",
                        path,
                        f"unit '{o.unit}' is a {level.value} but the indicator is measured at: {levels}",
                        f"đơn vị '{o.unit}' thuộc cấp {_LEVEL_VI[level]} nhưng chỉ tiêu chỉ đo ở cấp: "
                        + ", ".join(_LEVEL_VI[lv] for lv in ind.levels),
                        value=o.unit,
                        hint=f"add '{level.value}' to levels, or remove the override",
                        hint_vi=f"thêm '{level.value}' vào levels, hoặc bỏ chỉ tiêu riêng này",
                    )
                elif o.unit in seen:
                    yield self.issue(
                        "duplicate-override",
                        path,
                        f"unit '{o.unit}' has two overrides",
                        f"đơn vị '{o.unit}' có hai chỉ tiêu riêng",
                        value=o.unit,
                        hint="keep one",
                        hint_vi="giữ lại một",
                    )
                seen.add(o.unit)

    def _unit_suggestion(self, text: str, dept_ids: list[str]) -> tuple[str, str]:
        en, vi = _suggest(text, dept_ids)
        if en:
            return en, vi
        # a name typed instead of a code ("Tân Hòa") resolves to the code to write
        res = self.registry.resolve(text)
        code = res.code or next(iter(res.suggestions), None)
        if code is None:
            return "", ""
        name = self.registry.name_of(code)
        return f" Did you mean '{code}' ({name})?", f" Có phải ý bạn là '{code}' ({name})?"


_LEVEL_VI = {Level.PROVINCE: "tỉnh", Level.DEPARTMENT: "sở, ngành", Level.COMMUNE: "xã"}


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _registry_files(
    targets: TargetsFile, doc: Located, file: str, base_dir: Path
) -> tuple[bool, list[Issue]]:
    """Check that the registry files exist; return whether the required ones (departments, communes) do."""
    issues = []
    required_ok = True
    for name in ("departments", "communes", "boundaries", "crosswalk"):
        rel = getattr(targets.registry, name)
        if rel is None or (base_dir / rel).is_file():
            continue
        required_ok = required_ok and name not in ("departments", "communes")
        pos = doc.position(("registry", name)) or (None, None)
        issues.append(
            Issue(
                code="missing-file",
                message=f"registry.{name}: file '{rel}' not found (looked in {base_dir / rel})",
                message_vi=f"registry.{name}: không tìm thấy tệp '{rel}' (đã tìm ở {base_dir / rel})",
                file=file,
                line=pos[0],
                col=pos[1],
                field=f"registry.{name}",
                value=rel,
                hint="paths are relative to the folder of targets.yaml",
                hint_vi="đường dẫn tính từ thư mục chứa targets.yaml",
            )
        )
    return required_ok, issues


def _load_registry(targets: TargetsFile, doc: Located, file: str, base_dir: Path) -> tuple[Any, list[Issue]]:
    from ioc.units import load_registry

    required_ok, issues = _registry_files(targets, doc, file, base_dir)
    if not required_ok:
        return None, issues
    files = targets.registry
    # optional files that are missing are already reported: load the rest so the other rules still run
    missing = {
        name: None
        for name in ("boundaries", "crosswalk")
        if getattr(files, name) is not None and not (base_dir / getattr(files, name)).is_file()
    }
    if missing:
        files = files.model_copy(update=missing)
    try:
        registry = load_registry(files, base_dir=base_dir, province=targets.province)
    except IssueError as err:
        return None, issues + list(err.issues)
    return registry, issues + list(getattr(registry, "issues", []))  # the registry's warnings


# ---------------------------------------------------------------------------------------------------
# Entry points


def _sort_key(issue: Issue) -> tuple:
    return (issue.file or "", issue.line if issue.line is not None else 1 << 30, issue.col or 0)


def check_config(path: Path | str) -> tuple[Config | None, list[Issue]]:
    """Run all three stages; return the config (None when there is any error) and every issue found."""
    path = Path(path)
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        return None, [
            Issue(
                code="missing-file",
                message=f"cannot read the targets file: {err.strerror or err}",
                message_vi=f"không đọc được tệp chỉ tiêu: {err.strerror or err}",
                file=file,
                hint="set IOC_TARGETS to the path of targets.yaml",
                hint_vi="đặt IOC_TARGETS là đường dẫn tới targets.yaml",
            )
        ]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, [
            Issue(
                code="encoding",
                message="the file is not UTF-8 text",
                message_vi="tệp không phải văn bản UTF-8",
                file=file,
                line=line,
                hint="save targets.yaml as UTF-8",
                hint_vi="lưu targets.yaml với bảng mã UTF-8",
            )
        ]
    doc, issues = read_yaml(text, file)
    if doc is None:
        return None, issues
    targets, shape_issues = validate_shape(doc, file)
    issues += shape_issues
    registry = None
    if targets is not None:
        registry, registry_issues = _load_registry(targets, doc, file, path.parent)
        issues += registry_issues
        issues += list(_Rules(targets, doc, file, registry).all())
    issues.sort(key=_sort_key)
    if targets is None or registry is None or any(i.is_error for i in issues):
        return None, issues
    config = Config(targets=targets, registry=registry, path=path, sha256=hashlib.sha256(raw).hexdigest())
    return config, issues


def load_config(path: Path | str) -> Config:
    """Load and validate targets.yaml and its registry; raise `IssueError` listing every error."""
    config, issues = check_config(path)
    if config is None:
        raise IssueError([i for i in issues if i.is_error] or issues)
    for issue in issues:
        log.warning("%s", issue)
    return config


def format_issues(issues: list[Issue], lang: str = "en") -> str:
    """Compiler-style lines (`targets.yaml:42:5: error[code] field: message Hint: …`), sorted by line."""
    lines = []
    for issue in sorted(issues, key=_sort_key):
        shown = str(dataclasses.replace(issue, message=issue.text(lang), hint=None))
        hint = issue.hint_text(lang)
        if hint:
            shown += f" {'Gợi ý' if lang == 'vi' else 'Hint'}: {hint}"
        lines.append(shown)
    return "\n".join(lines)


def check_main(path: Path | str, lang: str = "en") -> int:
    """`python -m ioc check`: print every issue of targets.yaml; exit code 0 when usable, 1 otherwise."""
    config, issues = check_config(path)
    if issues:
        print(format_issues(issues, lang))
    errors = sum(i.is_error for i in issues)
    warnings = len(issues) - errors
    if config is None:
        print(f"{path}: {errors} error(s), {warnings} warning(s)")
        return 1
    t = config.targets
    print(
        f"{path}: OK — {len(t.indicators)} indicators, {len(t.pillars)} pillars, "
        f"{len(t.exports)} exports; {warnings} warning(s)"
    )
    return 0
