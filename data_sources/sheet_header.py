"""Finding the header row of a department sheet (one to three rows, merged cells) and its layout."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from data_sources.xlsx_cells import SheetGrid, col_index, col_letter
from ioc.config import Config
from ioc.textnorm import full_key, nfc
from ioc.workbook_layout import (
    HEADER_SYNONYMS,
)

HEADER_SCAN_ROWS = 40  # the header must start within the first 40 rows


MAX_HEADER_ROWS = 3


VALUE_ROLES = ("value", "numerator", "denominator")


_BRACKET_ID = re.compile(r"\[\s*([a-z][a-z0-9_]*)\s*\]\s*$")


@lru_cache(maxsize=65536)
def _label_keys(text: str) -> tuple[str, ...]:
    """Matching keys of a header label: the full key, and without a trailing "(…)" or ":"."""
    key = full_key(text).strip(" :*.")
    keys = [key]
    bare = re.sub(r"\s*[(\[][^()\[\]]*[)\]]\s*$", "", key).strip(" :*.")
    if bare and bare != key:
        keys.append(bare)
    return tuple(keys)


@dataclass
class HeaderLookup:
    """Header label keys → column role, and indicator ids/names → indicator id."""

    roles: dict[str, str]
    indicators: dict[str, str]

    @classmethod
    def build(cls, config: Config) -> HeaderLookup:
        roles: dict[str, str] = {}
        for role, labels in HEADER_SYNONYMS.items():
            for label in labels:
                roles.setdefault(full_key(label).strip(" :*."), role)
        inds: dict[str, str] = {}
        for ind in config.targets.indicators:
            inds[ind.id] = ind.id
            for name in (ind.name.vi, ind.name.en):
                for k in _label_keys(name):
                    inds.setdefault(k, ind.id)
        return cls(roles, inds)

    def role(self, label: str) -> str | None:
        for k in _label_keys(label):
            if k in self.roles:
                return self.roles[k]
        return None

    def indicator(self, label: str) -> str | None:
        m = _BRACKET_ID.search(nfc(label).strip())
        if m and m.group(1) in self.indicators:
            return self.indicators[m.group(1)]
        stripped = nfc(label).strip()
        if stripped in self.indicators:
            return stripped
        for k in _label_keys(label):
            if k in self.indicators:
                return self.indicators[k]
        return None


@dataclass
class Header:
    """A found header: its rows, layout and which column holds what."""

    first_row: int
    last_row: int
    layout: str  # long | wide
    roles: dict[str, str]  # role → letter (first column with that role)
    indicator_cols: list[tuple[str, str, str]]  # (letter, indicator id, value|numerator|denominator)
    unknown: list[tuple[str, str]]  # (letter, label) columns with a header we do not know
    labels: dict[str, str]  # letter → joined header label
    score: int = 0


def _classify(labels: list[str], lk: HeaderLookup) -> tuple[str, str, str | None] | None:
    """("role", role, None) or ("ind", indicator id, part) for a column's header labels, or None."""
    if not labels:
        return None
    joined = " ".join(labels)
    role = lk.role(joined)
    if role is not None:
        return ("role", role, None)
    ind = lk.indicator(joined)
    if ind is not None:
        return ("ind", ind, "value")
    roles = {r for r in (lk.role(x) for x in labels) if r is not None}
    inds = {i for i in (lk.indicator(x) for x in labels) if i is not None}
    if len(inds) == 1:
        parts = roles & set(VALUE_ROLES)
        if roles <= set(VALUE_ROLES) and len(parts) <= 1:
            return ("ind", inds.pop(), parts.pop() if parts else "value")
        return None
    if not inds and len(roles) == 1:
        return ("role", roles.pop(), None)
    return None


def _header_cells(sheet: SheetGrid, last: int) -> dict[int, dict[int, str]]:
    """Header-zone text by Excel row and 0-based column, merged ranges filled with their top-left text."""
    zone = sheet.frame.filter(pl.col("row") <= last)
    cells: dict[int, dict[int, str]] = {}
    idx = [col_index(x) for x in sheet.letters]
    for values in zone.iter_rows():
        row = values[0]
        cells[row] = {}
        for c, v in zip(idx, values[1:], strict=True):
            if v is not None:
                text = re.sub(r"\s+", " ", nfc(v)).strip()
                if text:
                    cells[row][c] = text
    for r1, c1, r2, c2 in sheet.merges:
        if r1 > last:
            continue
        top = cells.get(r1, {}).get(c1)
        if top is None:
            continue
        for r in range(r1, min(r2, last) + 1):
            for c in range(c1, c2 + 1):
                cells.setdefault(r, {})[c] = top
    return cells


def _evaluate(cells: dict[int, dict[int, str]], r: int, k: int, lk: HeaderLookup) -> Header | None:
    columns: dict[int, list[str]] = {}
    for rr in range(r, r + k):
        for c, text in cells.get(rr, {}).items():
            labels = columns.setdefault(c, [])
            if not labels or labels[-1] != text:  # a vertical merge repeats the same text
                labels.append(text)
    roles: dict[str, str] = {}
    dupes = 0
    inds: list[tuple[str, str, str]] = []
    seen_parts: set[tuple[str, str]] = set()
    unknown: list[tuple[str, str]] = []
    labels_out: dict[str, str] = {}
    for c in sorted(columns):
        letter = col_letter(c)
        labels_out[letter] = " ".join(columns[c])
        got = _classify(columns[c], lk)
        if got is None:
            unknown.append((letter, labels_out[letter]))
        elif got[0] == "role":
            if got[1] in roles:
                dupes += 1
            else:
                roles[got[1]] = letter
        else:
            if (got[1], got[2]) in seen_parts:
                dupes += 1
            else:
                seen_parts.add((got[1], got[2]))
                inds.append((letter, got[1], got[2] or "value"))
    has_unit = "unit_code" in roles or "unit_name" in roles
    long_ok = "indicator" in roles and has_unit and bool({"value", "numerator"} & set(roles))
    wide_ok = has_unit and bool(inds) and "indicator" not in roles
    if not (long_ok or wide_ok):
        return None
    score = len(roles) + len(inds) - dupes
    return Header(
        r,
        r + k - 1,
        "long" if long_ok else "wide",
        roles,
        inds if wide_ok else [],
        unknown,
        labels_out,
        score,
    )


def find_header(sheet: SheetGrid, lk: HeaderLookup, hint_row: int | None = None) -> Header | None:
    """The best header block (one to three rows) in the first rows of the sheet, or None.

    Best = most recognised columns; on a tie, fewer rows, then the earlier start. A header whose
    cells are merged with rows above it (a two-row header with merged single columns) starts there.
    """
    last = min(sheet.frame.height, HEADER_SCAN_ROWS + MAX_HEADER_ROWS - 1)
    cells = _header_cells(sheet, last)
    if hint_row is not None:
        got = _evaluate(cells, hint_row, 1, lk)
        if got is not None:
            return got
    best: Header | None = None
    for r in range(1, min(HEADER_SCAN_ROWS, last) + 1):
        if not cells.get(r):
            continue
        for k in range(1, MAX_HEADER_ROWS + 1):
            if r + k - 1 > last:
                break
            got = _evaluate(cells, r, k, lk)
            if got is None:
                continue
            if best is None or (got.score, best.last_row - best.first_row) > (best.score, k - 1):
                best = got
    if best is None:
        return None
    used = {col_index(x) for x in (*best.roles.values(), *(c for c, _, _ in best.indicator_cols))}
    tops = [
        r1
        for r1, c1, r2, c2 in sheet.merges
        if r1 < best.first_row <= r2 and any(c1 <= c <= c2 for c in used)
    ]
    if tops and best.last_row - min(tops) < MAX_HEADER_ROWS:
        wider = _evaluate(cells, min(tops), best.last_row - min(tops) + 1, lk)
        if wider is not None and wider.score >= best.score:
            best = wider
    return best


def best_guess_labels(sheet: SheetGrid) -> str:
    """The first non-empty row's text, to show the user what the loader saw instead of a header."""
    for values in sheet.frame.head(HEADER_SCAN_ROWS).iter_rows():
        texts = [re.sub(r"\s+", " ", nfc(v)).strip() for v in values[1:] if v is not None and str(v).strip()]
        if len(texts) >= 2:
            return f"row {values[0]}: " + " | ".join(texts[:8])[:200]
    return ""
