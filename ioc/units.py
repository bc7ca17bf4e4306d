"""The units registry: province, departments and communes, their codes and names, and name resolution."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from rapidfuzz import fuzz, process

from ioc.issues import Issue, IssueError
from ioc.messages import issue
from ioc.targets import Level, Province, RegistryFiles, Text
from ioc.textnorm import (
    ascii_fold,
    canonical_key,
    clean_text,
    full_key,
    is_unaccented,
    split_type,
    unaccented_key,
)
from ioc.unit_crosswalk import validate_boundaries, validate_crosswalk
from ioc.unit_files import (
    COMMUNE_COLUMNS,
    COMMUNE_SCHEMA,
    COMMUNE_TYPES,
    CROSSWALK_COLUMNS,
    DEPARTMENT_COLUMNS,
    DEPARTMENT_SCHEMA,
    TYPE_EN,
    VN_LAT,
    VN_LON,
    check_name_clashes,
    commune_code_expr,
    pad_code,
    read_registry_csv,
    validate_communes,
    validate_departments,
)

__all__ = [
    "COMMUNE_COLUMNS",
    "COMMUNE_SCHEMA",
    "COMMUNE_TYPES",
    "CROSSWALK_COLUMNS",
    "DEPARTMENT_COLUMNS",
    "DEPARTMENT_SCHEMA",
    "TYPE_EN",
    "VN_LAT",
    "VN_LON",
    "Resolution",
    "UnitRegistry",
    "commune_code_expr",
    "load_registry",
    "pad_code",
    "read_registry_csv",
]


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
    matched_by: str | None = None  # code | id | name | alias | short | former | unaccented

    @property
    def ok(self) -> bool:
        return self.code is not None


@dataclass(frozen=True)
class _Entry:
    code: str
    level: Level
    via: str  # name | alias | short | unaccented (typed without diacritics, one unit has that name)
    unit_type: str | None  # the unit type the spelling implies (commune type, or the alias's own prefix)


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
        self._folded_index = self._build_folded_index()
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
        depts = validate_departments(departments, files.get("departments"), rows.get("departments"), issues)
        comms = validate_communes(communes, files.get("communes"), rows.get("communes"), issues)
        known = set(comms.get_column("code").to_list()) if comms.height else set()
        xwalk = None
        if crosswalk is not None:
            xwalk = validate_crosswalk(
                crosswalk, known, files.get("crosswalk"), rows.get("crosswalk"), issues
            )
        geo = None
        if boundaries is not None:
            geo = validate_boundaries(boundaries, known, files.get("boundaries"), issues)
        check_name_clashes(comms, files.get("communes"), issues)
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

    def _build_folded_index(self) -> dict[str, list[_Entry]]:
        """Commune name and alias keys without diacritics ("đ" → "d") → the communes that have them."""
        index: dict[str, list[_Entry]] = {}
        for key, entries in self._index.items():
            for e in entries:
                if e.level != Level.COMMUNE:
                    continue
                folded = index.setdefault(ascii_fold(key), [])
                if not any(f.code == e.code and f.unit_type == e.unit_type for f in folded):
                    folded.append(e)
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
        if not found and Level.COMMUNE in allowed and is_unaccented(text):
            found = self._unaccented(text)
        if len(found) == 1:
            ((code, entry),) = found.items()
            return self._hit(raw, code, entry.via)
        if len(found) > 1:
            codes = sorted(found)
            listed_en = [self.label(c, "vi") for c in codes]
            folded = any(e.via == "unaccented" for e in found.values())
            return Resolution(
                raw,
                None,
                candidates=codes,
                reason=f"ambiguous: '{text}' matches {_join_names(listed_en, 'and')}"
                + (" without diacritics" if folded else "")
                + "; write "
                + ("the name with its diacritics, " if folded else "")
                + "the unit type (Xã/Phường/Đặc khu) or the code",
                reason_vi=f"không rõ: '{text}' khớp với {_join_names(listed_en, 'và')}"
                + (" khi bỏ dấu" if folded else "")
                + "; hãy ghi "
                + ("tên có dấu, " if folded else "")
                + "rõ loại (Xã/Phường/Đặc khu) hoặc ghi mã",
            )
        return self._miss(raw, text, allowed)

    def _unaccented(self, text: str) -> dict[str, _Entry]:
        """Communes whose name or alias, without diacritics, is `text` (typed without any); a typed unit
        type ("Xa", "Phuong") must agree, and a name that itself starts with such a word is tried whole."""
        typed_type, key = unaccented_key(text)
        tries = [(typed_type, key)] + ([(None, ascii_fold(canonical_key(text)))] if typed_type else [])
        for want, k in tries:
            found: dict[str, _Entry] = {}
            for e in self._folded_index.get(k, []):
                if want in (None, e.unit_type):
                    found.setdefault(e.code, _Entry(e.code, e.level, "unaccented", e.unit_type))
            if found:
                return found
        return {}

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
        # adding an alias is the administrator's remedy: it is the issue's admin hint (ioc.messages), never
        # part of the reason a department head reads
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
            issues.append(issue("registry-file-missing", file=files.boundaries, path=path))
        else:
            try:
                geo = json.loads(path.read_bytes().decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                issues.append(
                    issue(
                        "boundary-bad-json", file=files.boundaries, line=getattr(e, "lineno", None), error=e
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
