"""The units registry: province, departments and communes, their codes and names, and name resolution."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from rapidfuzz import fuzz, process

from ioc.issues import Issue, IssueError, Severity
from ioc.targets import ID_PATTERN, Level, Province, RegistryFiles, Text
from ioc.textnorm import (
    ascii_fold,
    canonical_key,
    canonical_key_expr,
    clean_text,
    full_key,
    nfc,
    nfc_expr,
    split_type,
    type_expr,
)

COMMUNE_TYPES = ("xã", "phường", "đặc khu")
TYPE_EN = {"xã": "Commune", "phường": "Ward", "đặc khu": "Special Zone", "thị trấn": "Township"}
# Mainland plus Hoàng Sa and Trường Sa (Trường Sa reaches ~6.5°N, ~117.8°E).
VN_LAT = (6.0, 23.5)
VN_LON = (102.0, 118.0)
CROSSWALK_COLUMNS = ("former_code", "former_name", "former_type", "code", "weight", "valid_until")
COMMUNE_COLUMNS = ("code", "name", "type")
DEPARTMENT_COLUMNS = ("id", "name_vi", "name_en")
_ALIAS_HINT = "add it as an alias in communes.csv (or departments.csv for a department)"
_ALIAS_HINT_VI = "hãy thêm tên này vào cột aliases của communes.csv (hoặc departments.csv nếu là sở, ngành)"


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving one typed unit name or code.

    `code` is set only when exactly one unit matched; `candidates` lists the codes that matched (several
    when ambiguous); `suggestions` are near misses to offer a person ("Did you mean …?"), never accepted.
    `reason`/`reason_vi` say why there is no code ("" when resolved).
    """

    text: str
    code: str | None
    level: Level | None = None
    candidates: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    reason: str = ""
    reason_vi: str = ""
    matched_by: str | None = None  # code | id | name | alias | short | former

    @property
    def ok(self) -> bool:
        return self.code is not None


@dataclass(frozen=True)
class _Entry:
    code: str
    level: Level
    via: str  # name | alias | short
    unit_type: str | None  # the unit type the spelling implies (commune type, or the alias's own prefix)


def pad_code(value: Any) -> str | None:
    """A commune code as 5-digit text: 1234 / "1234" / "01234" → "01234"; None when it is not one."""
    if value is None:
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    s = clean_text(str(value))
    if s.endswith(".0") and s[:-2].isdigit():  # a code column read as float somewhere upstream
        s = s[:-2]
    if not s.isdigit() or len(s) > 5 or not s.isascii():
        return None
    return s.zfill(5)


def _join_names(items: list[str], conj: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {conj} " + items[-1]


class UnitRegistry:
    """The province's units: codes, names, aliases, boundaries and the former-unit crosswalk."""

    def __init__(
        self,
        province_code: str,
        province_name: Text,
        departments: pl.DataFrame,
        communes: pl.DataFrame,
        boundaries: dict | None = None,
        crosswalk: pl.DataFrame | None = None,
        issues: list[Issue] | None = None,
    ):
        """Use `from_frames` or `load_registry`; this takes already validated frames."""
        self.province_code = province_code
        self.province_name = province_name
        self.departments = departments
        self.communes = communes
        self.boundaries = boundaries
        self.crosswalk = crosswalk
        self.issues: list[Issue] = issues or []  # warnings found while loading
        self._levels: dict[str, Level] = {province_code: Level.PROVINCE}
        self._levels.update({d: Level.DEPARTMENT for d in departments.get_column("id").to_list()})
        self._levels.update({c: Level.COMMUNE for c in communes.get_column("code").to_list()})
        self._names: dict[str, tuple[str, str]] = {province_code: (province_name.vi, province_name.en)}
        for row in departments.select("id", "name_vi", "name_en").iter_rows():
            self._names[row[0]] = (row[1], row[2])
        for row in communes.select("code", "display_name", "name_en").iter_rows():
            self._names[row[0]] = (row[1], row[2])
        self._dept_ids = {d.casefold(): d for d in departments.get_column("id").to_list()}
        self._index = self._build_index()
        self._former_index = self._build_former_index()
        self._suggest_keys = sorted(self._index)
        self._suggest_folded = [ascii_fold(k) for k in self._suggest_keys]

    # ---- construction -------------------------------------------------------------------------------

    @classmethod
    def from_frames(
        cls,
        province_code: str,
        province_name: Text,
        departments: pl.DataFrame,
        communes: pl.DataFrame,
        boundaries: dict | None = None,
        crosswalk: pl.DataFrame | None = None,
        *,
        files: dict[str, str] | None = None,
        rows: dict[str, list[int]] | None = None,
    ) -> UnitRegistry:
        """Validate and build a registry; raise `IssueError` with every error found.

        `files` names the source of each part ("departments", "communes", "boundaries", "crosswalk") for
        issue locations; `rows` gives each frame row's line in its file (default: row index + 2, header = 1).
        """
        files = files or {}
        rows = rows or {}
        issues: list[Issue] = []
        depts = _validate_departments(departments, files.get("departments"), rows.get("departments"), issues)
        comms = _validate_communes(communes, files.get("communes"), rows.get("communes"), issues)
        known = set(comms.get_column("code").to_list()) if comms.height else set()
        xwalk = None
        if crosswalk is not None:
            xwalk = _validate_crosswalk(
                crosswalk, known, files.get("crosswalk"), rows.get("crosswalk"), issues
            )
        geo = None
        if boundaries is not None:
            geo = _validate_boundaries(boundaries, known, files.get("boundaries"), issues)
        _check_name_clashes(comms, files.get("communes"), issues)
        if any(i.is_error for i in issues):
            raise IssueError(issues)
        return cls(clean_text(str(province_code)), province_name, depts, comms, geo, xwalk, issues)

    def _build_index(self) -> dict[str, list[_Entry]]:
        index: dict[str, list[_Entry]] = {}

        def add(key: str, entry: _Entry) -> None:
            entries = index.setdefault(key, [])
            if not any(e.code == entry.code and e.unit_type == entry.unit_type for e in entries):
                entries.append(entry)

        for code, key, unit_type, aliases in self.communes.select(
            "code", "key", "type", "aliases"
        ).iter_rows():
            add(key, _Entry(code, Level.COMMUNE, "name", unit_type))
            for alias in aliases:
                alias_type, _ = split_type(alias)
                add(canonical_key(alias), _Entry(code, Level.COMMUNE, "alias", alias_type or unit_type))
                if alias_type and alias_type != unit_type:
                    # the current type also matches: "Xã Văn Giang" for a former "Thị trấn Văn Giang" alias
                    add(canonical_key(alias), _Entry(code, Level.COMMUNE, "alias", unit_type))
        for did, name_vi, name_en, short, aliases in self.departments.select(
            "id", "name_vi", "name_en", "short", "aliases"
        ).iter_rows():
            add(full_key(name_vi), _Entry(did, Level.DEPARTMENT, "name", None))
            add(full_key(name_en), _Entry(did, Level.DEPARTMENT, "name", None))
            if short:
                add(full_key(short), _Entry(did, Level.DEPARTMENT, "short", None))
            for alias in aliases:
                add(full_key(alias), _Entry(did, Level.DEPARTMENT, "alias", None))
        for name in {self.province_name.vi, self.province_name.en}:
            add(full_key(name), _Entry(self.province_code, Level.PROVINCE, "name", None))
        return index

    def _build_former_index(self) -> dict[str, list[str]]:
        """Former name key → former codes; also fills the former code → (name, type) table."""
        self._former: dict[str, tuple[str | None, str | None]] = {}
        if self.crosswalk is None:
            return {}
        index: dict[str, list[str]] = {}
        rows = self.crosswalk.select("former_code", "former_key", "former_name", "former_type").unique()
        for code, key, name, typ in rows.sort("former_code").iter_rows():
            self._former.setdefault(code, (name, typ))
            index.setdefault(key, [])
            if code not in index[key]:
                index[key].append(code)
        return index

    # ---- lookups ------------------------------------------------------------------------------------

    def level_of(self, code: str) -> Level | None:
        """The level of a unit code (province code, department id or commune code), None if unknown."""
        return self._levels.get(code)

    def name_of(self, code: str, lang: str = "vi") -> str | None:
        """The official display name of a unit ("Xã Tân Hòa", "Sở Y tế") in `lang`, None if unknown."""
        names = self._names.get(code)
        if names is None:
            return None
        return names[0] if lang == "vi" else names[1]

    def label(self, code: str, lang: str = "vi") -> str:
        """Display name with its code, "Xã Tân Hòa (90012)"; the bare code when unknown."""
        name = self.name_of(code, lang)
        return code if name is None else f"{name} ({code})"

    def units_frame(self) -> pl.DataFrame:
        """Every unit: unit_code, level, name_vi, name_en — province first, then departments, communes."""
        province = pl.DataFrame(
            {
                "unit_code": [self.province_code],
                "level": [Level.PROVINCE.value],
                "name_vi": [self.province_name.vi],
                "name_en": [self.province_name.en],
            }
        )
        depts = self.departments.select(
            pl.col("id").alias("unit_code"),
            pl.lit(Level.DEPARTMENT.value).alias("level"),
            "name_vi",
            "name_en",
        )
        comms = self.communes.select(
            pl.col("code").alias("unit_code"),
            pl.lit(Level.COMMUNE.value).alias("level"),
            pl.col("display_name").alias("name_vi"),
            "name_en",
        )
        return pl.concat([province, depts, comms], how="vertical")

    def commune_codes(self) -> list[str]:
        """All commune codes, sorted."""
        return sorted(self.communes.get_column("code").to_list())

    # ---- resolution ---------------------------------------------------------------------------------

    def resolve(self, text: str, *, levels: Iterable[Level | str] | None = None) -> Resolution:
        """Resolve a code, department id or (alias) name to one unit; ambiguity and misses are explained."""
        allowed = _allowed_levels(levels)
        raw = text
        text = _as_text(text)
        if not text:
            return Resolution(raw, None, reason="no unit given", reason_vi="chưa ghi đơn vị")
        # 1. codes: the province code, a commune code (padded), a department id
        if Level.PROVINCE in allowed and text == self.province_code:
            return self._hit(raw, text, "code")
        if Level.COMMUNE in allowed and text.isdigit():
            code = pad_code(text)
            if code is not None and self._levels.get(code) == Level.COMMUNE:
                return self._hit(raw, code, "code")
        if Level.DEPARTMENT in allowed and text.casefold() in self._dept_ids:
            return self._hit(raw, self._dept_ids[text.casefold()], "id")
        # 2. names through the canonical key; a typed unit type must agree with the unit's
        typed_type, _ = split_type(text)
        short_key, long_key = canonical_key(text), full_key(text)
        found: dict[str, _Entry] = {}
        # communes are indexed without their type prefix; departments and the province exactly as named
        for e in self._index.get(short_key, []):
            if e.level == Level.COMMUNE and e.level in allowed and typed_type in (None, e.unit_type):
                found.setdefault(e.code, e)
        for e in self._index.get(long_key, []):
            if e.level != Level.COMMUNE and e.level in allowed:
                found.setdefault(e.code, e)
        if len(found) == 1:
            ((code, entry),) = found.items()
            return self._hit(raw, code, entry.via)
        if len(found) > 1:
            codes = sorted(found)
            listed_en = [self.label(c, "vi") for c in codes]
            return Resolution(
                raw,
                None,
                candidates=codes,
                reason=f"ambiguous: '{text}' matches {_join_names(listed_en, 'and')}; "
                "write the unit type (Xã/Phường/Đặc khu) or the code",
                reason_vi=f"không rõ: '{text}' khớp với {_join_names(listed_en, 'và')}; "
                "hãy ghi rõ loại (Xã/Phường/Đặc khu) hoặc ghi mã",
            )
        return self._miss(raw, text, allowed)

    def _hit(self, raw: str, code: str, via: str) -> Resolution:
        return Resolution(raw, code, self._levels[code], candidates=[code], matched_by=via)

    def _miss(self, raw: str, text: str, allowed: set[Level]) -> Resolution:
        suggestions = self.suggest(text, levels=allowed)
        shown = [self.label(c, "vi") for c in suggestions]
        en = f"unknown unit '{text}'"
        vi = f"không tìm thấy đơn vị '{text}'"
        former = self.resolve_former(text) if self._former_index else None
        if former is not None and former.code is not None and Level.COMMUNE in allowed:
            now = self.crosswalk_for(former.code).get_column("code").to_list()
            now_names = [self.label(c, "vi") for c in now]
            en += f": it is a former unit (before 1 July 2025), now part of {_join_names(now_names, 'and')}"
            vi += f": đây là đơn vị cũ (trước 1/7/2025), nay thuộc {_join_names(now_names, 'và')}"
        if shown:
            en += f"; did you mean {_join_names(shown, 'or')}?"
            vi += f"; có phải {_join_names(shown, 'hoặc')}?"
        en += f" — {_ALIAS_HINT} if it is another spelling of a unit"
        vi += f" — nếu là cách viết khác của một đơn vị, {_ALIAS_HINT_VI}"
        return Resolution(raw, None, suggestions=suggestions, reason=en, reason_vi=vi)

    def suggest(self, text: str, *, levels: Iterable[Level | str] | None = None, limit: int = 3) -> list[str]:
        """Codes of up to `limit` units whose names look like `text` (fuzzy, accent-blind): suggestions only."""
        allowed = _allowed_levels(levels)
        key = canonical_key(text)
        if not key or not self._suggest_keys:
            return []
        # rank on the accent-free key so "Son Ha" finds both "Sơn Hà" and "Sơn Hạ"; break ties on the real key
        hits = process.extract(
            ascii_fold(key), self._suggest_folded, scorer=fuzz.WRatio, limit=25, score_cutoff=75
        )
        scored = []
        for _, score, i in hits:
            cand = self._suggest_keys[i]
            scored.append((-score, -fuzz.ratio(key, cand), cand))
        out: list[str] = []
        for *_, cand in sorted(scored):
            for e in self._index[cand]:
                if e.level in allowed and e.code not in out:
                    out.append(e.code)
        return out[:limit]

    def resolve_many(self, texts: pl.Series, *, levels: Iterable[Level | str] | None = None) -> pl.DataFrame:
        """Resolve each distinct text once: text, code, level, n_candidates, candidates, suggestions, reason(_vi).

        The frame has one row per distinct non-null text, keyed by the text exactly as given, for a join.
        """
        distinct = texts.cast(pl.String).drop_nulls().unique(maintain_order=True).to_list()
        res = [self.resolve(t, levels=levels) for t in distinct]
        return pl.DataFrame(
            {
                "text": distinct,
                "code": [r.code for r in res],
                "level": [r.level.value if r.level else None for r in res],
                "n_candidates": [len(r.candidates) for r in res],
                "candidates": [r.candidates for r in res],
                "suggestions": [r.suggestions for r in res],
                "matched_by": [r.matched_by for r in res],
                "reason": [r.reason or None for r in res],
                "reason_vi": [r.reason_vi or None for r in res],
            },
            schema={
                "text": pl.String,
                "code": pl.String,
                "level": pl.String,
                "n_candidates": pl.Int64,
                "candidates": pl.List(pl.String),
                "suggestions": pl.List(pl.String),
                "matched_by": pl.String,
                "reason": pl.String,
                "reason_vi": pl.String,
            },
        )

    # ---- former units (before the 1 July 2025 reorganisation) ---------------------------------------

    def former_units(self) -> pl.DataFrame:
        """The crosswalk rows: former_code, former_name, former_type, code, weight, valid_until, former_key."""
        if self.crosswalk is None:
            return pl.DataFrame(
                schema={
                    "former_code": pl.String,
                    "former_name": pl.String,
                    "former_type": pl.String,
                    "code": pl.String,
                    "weight": pl.Float64,
                    "valid_until": pl.Date,
                    "former_key": pl.String,
                }
            )
        return self.crosswalk

    def crosswalk_for(self, former_code: str) -> pl.DataFrame:
        """The current communes (code, weight) a former unit maps to; empty when it is not known."""
        return (
            self.former_units()
            .filter(pl.col("former_code") == former_code)
            .select("code", "weight")
            .sort("code")
        )

    def resolve_former(self, text: str) -> Resolution:
        """Resolve a former unit by former_code or former_name; `code` is the FORMER code (see crosswalk_for)."""
        raw = text
        text = _as_text(text)
        if not text or not self._former:
            return Resolution(
                raw,
                None,
                reason=f"unknown former unit '{text}'",
                reason_vi=f"không tìm thấy đơn vị cũ '{text}'",
            )
        code = pad_code(text) if text.isdigit() else None
        if code is not None and code in self._former:
            return Resolution(raw, code, Level.COMMUNE, candidates=[code], matched_by="former")
        typed_type, _ = split_type(text)
        codes = self._former_index.get(canonical_key(text), [])
        if typed_type is not None:
            codes = [c for c in codes if self._former[c][1] in (None, typed_type)]
        if len(codes) == 1:
            return Resolution(raw, codes[0], Level.COMMUNE, candidates=codes, matched_by="former")
        if codes:
            codes = sorted(codes)
            listed = [f"{self._former[c][0]} ({c})" for c in codes]
            return Resolution(
                raw,
                None,
                candidates=codes,
                reason=f"ambiguous: former unit '{text}' matches {_join_names(listed, 'and')}; use its code",
                reason_vi=f"không rõ: đơn vị cũ '{text}' khớp với {_join_names(listed, 'và')}; hãy ghi mã",
            )
        return Resolution(
            raw, None, reason=f"unknown former unit '{text}'", reason_vi=f"không tìm thấy đơn vị cũ '{text}'"
        )


def _as_text(value: Any) -> str:
    """Typed input as clean text; a number from an Excel cell (90012, 90012.0) becomes its digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value))


def _allowed_levels(levels: Iterable[Level | str] | None) -> set[Level]:
    if levels is None:
        return set(Level)
    if isinstance(levels, (str, Level)):
        levels = [levels]
    return {Level(v) for v in levels}


# ---- validation (vectorised: flags per row as Polars expressions; only failing rows become issues) ------


def commune_code_expr(expr: pl.Expr) -> pl.Expr:
    """Polars: a code column as 5-digit text (1234 → "01234", "1234.0" → "01234"); null where it is not one."""
    s = expr.cast(pl.String).str.normalize("NFC").str.strip_chars().str.replace(r"\.0$", "")
    return pl.when(s.str.contains(r"^[0-9]{1,5}$")).then(s.str.zfill(5)).otherwise(None)


def _text(df: pl.DataFrame, name: str) -> pl.Expr:
    """A column as NFC, space-collapsed text (null when the column is absent)."""
    if name not in df.columns:
        return pl.lit(None, dtype=pl.String)
    return nfc_expr(pl.col(name).cast(pl.String))


def _raw(df: pl.DataFrame, name: str) -> pl.Expr:
    return pl.col(name).cast(pl.String) if name in df.columns else pl.lit(None, dtype=pl.String)


def _aliases(df: pl.DataFrame, name: str = "aliases") -> pl.Expr:
    """`|`-separated text or a list column → list[str], NFC, trimmed, empties and repeats dropped."""
    if name not in df.columns:
        return pl.lit([], dtype=pl.List(pl.String))
    col = pl.col(name)
    if df.schema[name] == pl.List(pl.String):
        items = col.fill_null(pl.lit([], dtype=pl.List(pl.String)))
    else:
        items = col.cast(pl.String).fill_null("").str.split("|")
    return (
        items.list.eval(nfc_expr(pl.element()))
        .list.eval(pl.element().filter(pl.element().str.len_chars() > 0))
        .list.unique(maintain_order=True)
    )


def _with_rows(df: pl.DataFrame, given: list[int] | None) -> pl.DataFrame:
    """The frame with `_row`: each row's line in its file (header = 1; default row index + 2)."""
    rows = given if given is not None and len(given) == df.height else list(range(2, df.height + 2))
    return df.with_columns(pl.Series("_row", rows, dtype=pl.Int64))


def _missing_columns(df: pl.DataFrame, needed: Iterable[str], file: str, issues: list[Issue]) -> bool:
    missing = [c for c in needed if c not in df.columns]
    for c in missing:
        issues.append(
            Issue(
                "registry-missing-column",
                f"column '{c}' is missing (columns: {', '.join(df.columns)})",
                f"thiếu cột '{c}' (các cột hiện có: {', '.join(df.columns)})",
                file=file,
                row=1,
                column=c,
                expected=c,
            )
        )
    return bool(missing)


def _emit(frame: pl.DataFrame, flag: str, make: Any, issues: list[Issue]) -> None:
    """One issue per row where the boolean column `flag` is true (`make(row_dict) -> Issue`)."""
    for row in frame.filter(pl.col(flag)).iter_rows(named=True):
        issues.append(make(row))


def _sorted_by_row(issues: list[Issue], start: int) -> None:
    """Order the issues appended since `start` by row, so a file's report reads top to bottom."""
    issues[start:] = sorted(issues[start:], key=lambda i: i.row if i.row is not None else 0)


DEPARTMENT_SCHEMA = {
    "id": pl.String,
    "name_vi": pl.String,
    "name_en": pl.String,
    "short": pl.String,
    "aliases": pl.List(pl.String),
}
COMMUNE_SCHEMA = {
    "code": pl.String,
    "name": pl.String,
    "type": pl.String,
    "display_name": pl.String,
    "name_en": pl.String,
    "aliases": pl.List(pl.String),
    "lat": pl.Float64,
    "lon": pl.Float64,
    "key": pl.String,
}


def _validate_departments(
    df: pl.DataFrame, file: str | None, given_rows: list[int] | None, issues: list[Issue]
) -> pl.DataFrame:
    file = file or "departments"
    if _missing_columns(df, DEPARTMENT_COLUMNS, file, issues):
        return pl.DataFrame(schema=DEPARTMENT_SCHEMA)
    start = len(issues)
    d = _with_rows(df, given_rows).select(
        "_row",
        _text(df, "id").alias("id"),
        _text(df, "name_vi").alias("name_vi"),
        _text(df, "name_en").alias("name_en"),
        _text(df, "short").replace("", None).alias("short"),
        _aliases(df).alias("aliases"),
    )
    d = d.with_columns(bad_id=~pl.col("id").str.contains(ID_PATTERN).fill_null(False))
    d = d.with_columns(
        dup=~pl.col("bad_id") & ~pl.col("id").is_first_distinct(),
        first_row=pl.col("_row").min().over("id"),
        no_vi=pl.col("name_vi").fill_null("") == "",
        no_en=pl.col("name_en").fill_null("") == "",
    )
    _emit(
        d,
        "bad_id",
        lambda r: Issue(
            "registry-bad-department-id",
            f"department id '{r['id'] or ''}' must be lower-case letters, digits and '_', starting with a letter",
            f"mã sở '{r['id'] or ''}' chỉ gồm chữ thường, số và '_' và phải bắt đầu bằng chữ",
            file=file,
            row=r["_row"],
            column="id",
            value=r["id"],
            expected="e.g. so_y_te",
        ),
        issues,
    )
    _emit(
        d,
        "dup",
        lambda r: Issue(
            "registry-duplicate-department",
            f"department id '{r['id']}' appears twice (first on row {r['first_row']})",
            f"mã sở '{r['id']}' bị lặp (lần đầu ở dòng {r['first_row']})",
            file=file,
            row=r["_row"],
            column="id",
            value=r["id"],
        ),
        issues,
    )
    for flag, col in (("no_vi", "name_vi"), ("no_en", "name_en")):
        _emit(
            d.filter(~pl.col("bad_id")),
            flag,
            lambda r, col=col: Issue(
                "registry-missing-name",
                f"department '{r['id']}' has no {col}",
                f"sở '{r['id']}' chưa có {col}",
                file=file,
                row=r["_row"],
                column=col,
            ),
            issues,
        )
    _sorted_by_row(issues, start)
    return d.filter(~pl.col("bad_id") & ~pl.col("dup") & ~pl.col("no_vi") & ~pl.col("no_en")).select(
        list(DEPARTMENT_SCHEMA)
    )


def _validate_communes(
    df: pl.DataFrame, file: str | None, given_rows: list[int] | None, issues: list[Issue]
) -> pl.DataFrame:
    file = file or "communes"
    if _missing_columns(df, COMMUNE_COLUMNS, file, issues):
        return pl.DataFrame(schema=COMMUNE_SCHEMA)
    start = len(issues)
    c = _with_rows(df, given_rows).select(
        "_row",
        _raw(df, "code").alias("raw_code"),
        commune_code_expr(pl.col("code")).alias("code"),
        _raw(df, "type").alias("raw_type"),
        _text(df, "type").str.to_lowercase().alias("type"),
        _text(df, "name").alias("raw_name"),
        _text(df, "name_en").replace("", None).alias("given_en"),
        _aliases(df).alias("aliases"),
        _text(df, "lat").alias("raw_lat"),
        _text(df, "lon").alias("raw_lon"),
    )
    lat, lon = pl.col("lat"), pl.col("lon")
    c = c.with_columns(
        pl.col("raw_lat").cast(pl.Float64, strict=False).alias("lat"),
        pl.col("raw_lon").cast(pl.Float64, strict=False).alias("lon"),
        # "Xã Tân Hòa" typed in the name column of a xã: keep the official name without its type
        pl.when(type_expr(pl.col("raw_name")) == pl.col("type"))
        .then(pl.col("raw_name").str.replace(r"(?i)^(?:(?:xã|phường|đặc khu)\s+|[px]\.\s*)", ""))
        .otherwise(pl.col("raw_name"))
        .alias("name"),
    ).with_columns(
        bad_code=pl.col("code").is_null(),
        dup=pl.col("code").is_not_null() & ~pl.col("code").is_first_distinct(),
        first_row=pl.col("_row").min().over("code"),
        bad_type=~pl.col("type").is_in(list(COMMUNE_TYPES)).fill_null(False),
        no_name=pl.col("name").fill_null("") == "",
        bad_coord=((pl.col("raw_lat").fill_null("") != "") | (pl.col("raw_lon").fill_null("") != ""))
        & (lat.is_null() | lon.is_null() | ~lat.is_between(*VN_LAT) | ~lon.is_between(*VN_LON)).fill_null(
            True
        ),
    )
    _emit(
        c,
        "bad_code",
        lambda r: Issue(
            "registry-bad-code",
            f"commune code '{r['raw_code'] or ''}' is not a 5-digit code",
            f"mã xã '{r['raw_code'] or ''}' không phải mã 5 chữ số",
            file=file,
            row=r["_row"],
            column="code",
            value=r["raw_code"],
            expected="5 digits, leading zeros kept (e.g. 01234)",
            hint="format the code column as Text so Excel keeps the leading zeros",
            hint_vi="định dạng cột mã là Text để Excel giữ số 0 ở đầu",
        ),
        issues,
    )
    _emit(
        c,
        "dup",
        lambda r: Issue(
            "registry-duplicate-code",
            f"commune code {r['code']} appears twice (first on row {r['first_row']})",
            f"mã xã {r['code']} bị lặp (lần đầu ở dòng {r['first_row']})",
            file=file,
            row=r["_row"],
            column="code",
            value=r["code"],
        ),
        issues,
    )
    _emit(
        c,
        "bad_type",
        lambda r: Issue(
            "registry-bad-type",
            f"unit type '{r['raw_type'] or ''}' is not one of xã, phường, đặc khu",
            f"loại đơn vị '{r['raw_type'] or ''}' không thuộc xã, phường, đặc khu",
            file=file,
            row=r["_row"],
            column="type",
            value=r["raw_type"],
            expected="xã | phường | đặc khu",
        ),
        issues,
    )
    _emit(
        c,
        "no_name",
        lambda r: Issue(
            "registry-missing-name",
            "commune has no name",
            "đơn vị chưa có tên",
            file=file,
            row=r["_row"],
            column="name",
        ),
        issues,
    )
    _emit(
        c,
        "bad_coord",
        lambda r: Issue(
            "registry-bad-coordinates",
            f"lat/lon ({r['raw_lat']}, {r['raw_lon']}) is not a point in Vietnam",
            f"tọa độ ({r['raw_lat']}, {r['raw_lon']}) không nằm trong lãnh thổ Việt Nam",
            file=file,
            row=r["_row"],
            column="lat" if r["lat"] is None or not VN_LAT[0] <= r["lat"] <= VN_LAT[1] else "lon",
            value=f"{r['raw_lat']}, {r['raw_lon']}",
            expected=f"lat {VN_LAT[0]}–{VN_LAT[1]}, lon {VN_LON[0]}–{VN_LON[1]} (decimal degrees, '.' decimals)",
        ),
        issues,
    )
    _sorted_by_row(issues, start)
    ok = ~(pl.col("bad_code") | pl.col("dup") | pl.col("bad_type") | pl.col("no_name") | pl.col("bad_coord"))
    type_en = pl.col("type").replace_strict(TYPE_EN, default="", return_dtype=pl.String)
    return (
        c.filter(ok)
        .with_columns(
            (
                pl.col("type").str.slice(0, 1).str.to_uppercase()
                + pl.col("type").str.slice(1)
                + " "
                + pl.col("name")
            ).alias("display_name"),
            pl.coalesce("given_en", pl.col("name") + " " + type_en).alias("name_en"),
            canonical_key_expr(pl.col("name")).alias("key"),
        )
        .select(list(COMMUNE_SCHEMA))
    )


def _check_name_clashes(comms: pl.DataFrame, file: str | None, issues: list[Issue]) -> None:
    """Warn about two communes of the same type and name: only their codes can tell them apart."""
    if comms.height == 0:
        return
    dup = (
        comms.group_by("type", "key")
        .agg(pl.col("code").sort(), pl.col("display_name").first())
        .filter(pl.col("code").list.len() > 1)
        .sort("key")
    )
    for _typ, _key, codes, display in dup.iter_rows():
        issues.append(
            Issue(
                "registry-duplicate-name",
                f"{display} is the name of several units ({', '.join(codes)}); files must use their codes",
                f"{display} là tên của nhiều đơn vị ({', '.join(codes)}); tệp dữ liệu phải dùng mã",
                severity=Severity.WARNING,
                file=file or "communes",
                column="name",
                value=display,
            )
        )


def _validate_crosswalk(
    df: pl.DataFrame, known: set[str], file: str | None, given_rows: list[int] | None, issues: list[Issue]
) -> pl.DataFrame | None:
    file = file or "crosswalk"
    if _missing_columns(df, CROSSWALK_COLUMNS, file, issues):
        return None
    start = len(issues)
    x = _with_rows(df, given_rows).select(
        "_row",
        _raw(df, "former_code").alias("raw_former_code"),
        commune_code_expr(pl.col("former_code")).alias("former_code"),
        _text(df, "former_name").alias("former_name"),
        _text(df, "former_type").str.to_lowercase().replace("", None).alias("former_type"),
        _raw(df, "code").alias("raw_code"),
        commune_code_expr(pl.col("code")).alias("code"),
        _text(df, "weight").alias("raw_weight"),
        _text(df, "valid_until").alias("raw_until"),
    )
    x = x.with_columns(
        # a weight typed "0,5" in a Vietnamese spreadsheet means 0.5
        pl.col("raw_weight")
        .str.replace(",", ".", literal=True)
        .cast(pl.Float64, strict=False)
        .alias("weight"),
        pl.col("raw_until").str.to_date("%Y-%m-%d", strict=False).alias("valid_until"),
    ).with_columns(
        bad_former=pl.col("former_code").is_null(),
        unknown=~pl.col("code").is_in(sorted(known)).fill_null(False),
        bad_weight=~pl.col("weight").is_between(0, 1, closed="right").fill_null(False),
        bad_type=~pl.col("former_type").is_in(list(TYPE_EN)).fill_null(True),
        bad_date=pl.col("valid_until").is_null(),
        dup_pair=pl.struct("former_code", "code").is_duplicated() & pl.col("former_code").is_not_null(),
    )
    _emit(
        x,
        "bad_former",
        lambda r: Issue(
            "crosswalk-bad-code",
            f"former_code '{r['raw_former_code'] or ''}' is not a 5-digit code",
            f"former_code '{r['raw_former_code'] or ''}' không phải mã 5 chữ số",
            file=file,
            row=r["_row"],
            column="former_code",
            value=r["raw_former_code"],
        ),
        issues,
    )
    _emit(
        x,
        "unknown",
        lambda r: Issue(
            "crosswalk-unknown-commune",
            f"target code '{r['raw_code'] or ''}' is not a commune in the registry",
            f"mã đích '{r['raw_code'] or ''}' không có trong danh mục xã",
            file=file,
            row=r["_row"],
            column="code",
            value=r["raw_code"],
            hint="the crosswalk must point at current communes listed in communes.csv",
            hint_vi="bảng chuyển đổi phải trỏ tới các xã hiện hành trong communes.csv",
        ),
        issues,
    )
    _emit(
        x,
        "bad_weight",
        lambda r: Issue(
            "crosswalk-bad-weight",
            f"weight '{r['raw_weight'] or ''}' must be a number in (0, 1]",
            f"trọng số '{r['raw_weight'] or ''}' phải là số trong khoảng (0, 1]",
            file=file,
            row=r["_row"],
            column="weight",
            value=r["raw_weight"],
            expected="0 < weight ≤ 1",
        ),
        issues,
    )
    _emit(
        x,
        "bad_type",
        lambda r: Issue(
            "crosswalk-bad-type",
            f"former_type '{r['former_type']}' is not xã, phường or thị trấn",
            f"former_type '{r['former_type']}' không phải xã, phường hoặc thị trấn",
            file=file,
            row=r["_row"],
            column="former_type",
            value=r["former_type"],
            expected="xã | phường | thị trấn",
        ),
        issues,
    )
    _emit(
        x,
        "bad_date",
        lambda r: Issue(
            "crosswalk-bad-date",
            f"valid_until '{r['raw_until'] or ''}' is not a date YYYY-MM-DD",
            f"valid_until '{r['raw_until'] or ''}' không phải ngày dạng YYYY-MM-DD",
            file=file,
            row=r["_row"],
            column="valid_until",
            value=r["raw_until"],
            expected="2025-06-30",
        ),
        issues,
    )
    _emit(
        x,
        "dup_pair",
        lambda r: Issue(
            "crosswalk-duplicate-row",
            f"former unit {r['former_code']} → {r['code']} appears more than once",
            f"dòng {r['former_code']} → {r['code']} bị lặp",
            file=file,
            row=r["_row"],
            column="code",
            value=r["code"],
        ),
        issues,
    )
    sums = (
        x.filter(pl.col("former_code").is_not_null() & ~pl.col("bad_weight"))
        .group_by("former_code")
        .agg(pl.col("weight").sum().alias("total"), pl.col("_row").min().alias("first_row"))
        .filter((pl.col("total") - 1).abs() > 1e-6)
    )
    for fc, total, first_row in sums.iter_rows():
        issues.append(
            Issue(
                "crosswalk-weights-sum",
                f"weights of former unit {fc} sum to {total:g}, not 1",
                f"tổng trọng số của đơn vị cũ {fc} là {total:g}, không bằng 1",
                file=file,
                row=first_row,
                column="weight",
                value=f"{total:g}",
                expected="1",
                hint="a split unit has one row per current commune; its weights must add up to 1",
                hint_vi="đơn vị bị chia có một dòng cho mỗi xã mới; tổng trọng số phải bằng 1",
            )
        )
    _sorted_by_row(issues, start)
    if len(issues) > start:
        return None
    return x.select(
        "former_code",
        "former_name",
        "former_type",
        "code",
        "weight",
        "valid_until",
        canonical_key_expr(pl.col("former_name").fill_null("")).alias("former_key"),
    )


def _validate_boundaries(geo: dict, known: set[str], file: str | None, issues: list[Issue]) -> dict | None:
    file = file or "boundaries"
    if (
        not isinstance(geo, dict)
        or geo.get("type") != "FeatureCollection"
        or not isinstance(geo.get("features"), list)
    ):
        issues.append(
            Issue(
                "boundary-not-feature-collection",
                "the boundaries file is not a GeoJSON FeatureCollection",
                "tệp ranh giới không phải GeoJSON FeatureCollection",
                file=file,
            )
        )
        return None
    seen: set[str] = set()
    features = []
    for i, feat in enumerate(geo["features"]):
        props = (feat or {}).get("properties") or {}
        raw = props.get("code")
        code = pad_code(raw)
        where = {"feature": i}
        if raw is None:
            issues.append(
                Issue(
                    "boundary-missing-code",
                    f"feature #{i + 1} has no properties.code",
                    f"đối tượng thứ {i + 1} thiếu properties.code",
                    file=file,
                    field=f"features[{i}]",
                    extra=where,
                )
            )
            continue
        if code is None or code not in known:
            issues.append(
                Issue(
                    "boundary-unknown-code",
                    f"feature #{i + 1} has code '{raw}', not a commune in the registry",
                    f"đối tượng thứ {i + 1} có mã '{raw}' không có trong danh mục xã",
                    file=file,
                    field=f"features[{i}].properties.code",
                    value=str(raw),
                    extra=where,
                )
            )
            continue
        if code in seen:
            issues.append(
                Issue(
                    "boundary-duplicate-code",
                    f"commune {code} has more than one boundary feature",
                    f"xã {code} có nhiều hơn một ranh giới",
                    file=file,
                    field=f"features[{i}].properties.code",
                    value=code,
                    extra=where,
                )
            )
            continue
        seen.add(code)
        features.append({**feat, "properties": {**props, "code": code}})
    missing = sorted(known - seen)
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        issues.append(
            Issue(
                "boundary-missing",
                f"{len(missing)} commune(s) have no boundary: {shown}",
                f"{len(missing)} xã chưa có ranh giới: {shown}",
                severity=Severity.WARNING,
                file=file,
                extra={"codes": missing},
            )
        )
    return {**geo, "features": features}


# ---- files ---------------------------------------------------------------------------------------------


def _decode(data: bytes, file: str, issues: list[Issue]) -> str | None:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is an issue, never guessed."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return nfc(data.decode("utf-16"))
    try:
        return nfc(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        issues.append(
            Issue(
                "registry-encoding",
                f"the file is not UTF-8 (first bad byte on line {line})",
                f"tệp không ở bảng mã UTF-8 (byte lỗi đầu tiên ở dòng {line})",
                file=file,
                row=line,
                hint="save it as 'CSV UTF-8 (Comma delimited)'",
                hint_vi="hãy lưu lại dạng 'CSV UTF-8 (Comma delimited)'",
            )
        )
        return None


def read_registry_csv(path: Path, file: str, issues: list[Issue]) -> tuple[pl.DataFrame, list[int]] | None:
    """Read a registry CSV as all-text columns (codes never become numbers) with each row's file line.

    The csv module, not Polars, so that blank lines and quoted line breaks keep row numbers exact.
    """
    if not path.is_file():
        issues.append(
            Issue(
                "registry-file-missing", f"file not found: {path}", f"không tìm thấy tệp: {path}", file=file
            )
        )
        return None
    text = _decode(path.read_bytes(), file, issues)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    records: list[list[str]] = []
    lines: list[int] = []
    start = 1
    for rec in reader:
        if not any(cell.strip() for cell in rec):
            start = reader.line_num + 1
            continue
        if header is None:
            header = [clean_text(h).casefold() for h in rec]
        else:
            if len(rec) != len(header):
                issues.append(
                    Issue(
                        "registry-bad-row",
                        f"row has {len(rec)} fields, the header has {len(header)}",
                        f"dòng có {len(rec)} ô, dòng tiêu đề có {len(header)}",
                        file=file,
                        row=start,
                    )
                )
            rec = (rec + [""] * len(header))[: len(header)]
            records.append([clean_text(c) for c in rec])
            lines.append(start)
        start = reader.line_num + 1
    if header is None:
        issues.append(Issue("registry-empty-file", "the file is empty", "tệp rỗng", file=file))
        return None
    cols = {h: [r[i] or None for r in records] for i, h in enumerate(header)}
    return pl.DataFrame(cols, schema={h: pl.String for h in header}), lines


def load_registry(files: RegistryFiles, base_dir: Path, province: Province) -> UnitRegistry:
    """Read and validate the registry files named in targets.yaml; raise `IssueError` listing every problem."""
    issues: list[Issue] = []
    base_dir = Path(base_dir)
    depts = read_registry_csv(base_dir / files.departments, files.departments, issues)
    comms = read_registry_csv(base_dir / files.communes, files.communes, issues)
    xwalk = None
    if files.crosswalk:
        xwalk = read_registry_csv(base_dir / files.crosswalk, files.crosswalk, issues)
    geo = None
    if files.boundaries:
        path = base_dir / files.boundaries
        if not path.is_file():
            issues.append(
                Issue(
                    "registry-file-missing",
                    f"file not found: {path}",
                    f"không tìm thấy tệp: {path}",
                    file=files.boundaries,
                )
            )
        else:
            try:
                geo = json.loads(path.read_bytes().decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                issues.append(
                    Issue(
                        "boundary-bad-json",
                        f"not valid GeoJSON: {e}",
                        f"không phải GeoJSON hợp lệ: {e}",
                        file=files.boundaries,
                        line=getattr(e, "lineno", None),
                    )
                )
    if depts is None or comms is None or (files.crosswalk and xwalk is None):
        raise IssueError(issues)
    try:
        registry = UnitRegistry.from_frames(
            province.code,
            province.name,
            depts[0],
            comms[0],
            boundaries=geo,
            crosswalk=xwalk[0] if xwalk else None,
            files={
                "departments": files.departments,
                "communes": files.communes,
                "crosswalk": files.crosswalk or "",
                "boundaries": files.boundaries or "",
            },
            rows={
                "departments": depts[1],
                "communes": comms[1],
                **({"crosswalk": xwalk[1]} if xwalk else {}),
            },
        )
    except IssueError as e:
        raise IssueError(issues + e.issues) from None
    if any(i.is_error for i in issues):
        raise IssueError(issues + registry.issues)
    registry.issues[:0] = issues
    return registry
