"""Department workbooks — our template or what people actually send — read into observations.

Cells are read with fastexcel (ECOSYSTEM §2.2): every row kept, so `row` is the row number Excel shows
and `column` the letter Excel shows. For .xlsx a small scan of the sheet's XML adds what fastexcel does
not expose: whether a cell is text or a number, percent number formats, formulas saved without a value,
and merged header cells.

Rules the loader follows (PRODUCT §6.1):
- Sheet: the template's input sheet, else the first visible sheet; hidden sheets are never read.
- Header: found by its labels (canonical keys, `HEADER_SYNONYMS` in `ioc.template`), one to three rows
  (the non-empty labels of the header rows are joined per column; merged cells count for every column
  they cover). Long layout: indicator code, unit code or name, value (and numerator/denominator). Wide
  layout: unit code or name, one column per indicator (id, Vietnamese or English name, or "… [id]").
- Rows: blank rows, total rows ("Tổng cộng", "Cộng", "Tổng", "Toàn tỉnh"), repeated header rows and a
  column-numbering row are skipped; the table ends at the first note or signature row ("Ghi chú: …",
  "Người lập biểu", "…, ngày … tháng … năm …").
- Numbers: a numeric cell is taken as typed, except that a cell with a percent number format holding a
  percent indicator's value is a fraction and is multiplied by 100 (0.8463 shown as 84,63% → 84.63).
  Text cells are parsed in Vietnamese style by `ioc.numbers` ("84,63" → 84.63, "84,63%" → 84.63,
  "1.672" → 1672). A percent value in (0, 1] (not from a percent-formatted cell) gets the warning
  `looks-like-fraction` when more than half of the other values in its column are above 1; it is kept
  as typed. Numerator and denominator cells are never rescaled. In .xls files text and numbers cannot
  be told apart, so a text such as "1.672" that is also an English-style number is read as 1.672.
- Units: codes, department ids and names go through `UnitRegistry.resolve`; an ambiguous or unknown
  name is an error listing the candidates — never a guess.
- Ratio indicators: with numerator and denominator, value = 100·num/den (percent) or num/den.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import fastexcel
import polars as pl

from data_sources import ParseResult, Progress
from ioc.config import Config
from ioc.exports_config import ExportConfig
from ioc.issues import Issue, Severity
from ioc.numbers import NumberParseError, parse_number, parse_number_column
from ioc.observations import conform
from ioc.targets import Level, MeasureUnit, Rollup, WorkbookSource
from ioc.template import (
    HEADER_SYNONYMS,
    INPUT_SHEET,
    LISTS_SHEET,
    META_SHEET,
    TEMPLATE_VERSION,
    indicator_period,
    is_due,
    is_period,
    period_label_vi,
)
from ioc.textnorm import full_key, full_key_expr, nfc, nfc_expr

try:  # untrusted XML: refuse entity tricks (ECOSYSTEM §3.2)
    from defusedxml.ElementTree import fromstring as _xml_fromstring
    from defusedxml.ElementTree import iterparse as _xml_iterparse
except ImportError:  # pragma: no cover - defusedxml is a requirement
    from xml.etree.ElementTree import fromstring as _xml_fromstring
    from xml.etree.ElementTree import iterparse as _xml_iterparse

NAME = "workbook"
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb")
HEADER_SCAN_ROWS = 40  # the header must start within the first 40 rows
MAX_HEADER_ROWS = 3
MAX_LISTED_ROWS = 12  # rows listed in one summarising warning
VALUE_RATIO_TOLERANCE = 0.05
VALUE_ROLES = ("value", "numerator", "denominator")

# Labels of total rows (full keys, trailing ":" and "." removed). Never read as a unit.
TOTAL_LABELS = frozenset(
    {"tổng cộng", "cộng", "tổng", "tổng số", "cộng chung", "toàn tỉnh", "cả tỉnh", "total", "grand total"}
)
_TOTAL_PREFIX = r"^(tổng cộng|tổng số|cộng toàn|toàn tỉnh)\b"
# First cell of a note/signature row: the table ends above it.
_NOTE_RE = (
    r"^(\(?\*|ghi chú|chú thích|chú ý|lưu ý|nguồn\s*:|nguồn số liệu|người lập|người ký|người báo cáo|"
    r"người tổng hợp|thủ trưởng|lãnh đạo|giám đốc|kế toán|nơi nhận|xác nhận|ký tên|\(ký|notes?\b|"
    r"source\s*:|prepared by)|ngày\s+\S*\s*tháng\s+\S*\s*năm"
)
_NUMBERING_TOKEN = re.compile(r"^\(?(\d{1,2}|[A-Za-z]|\d+\s*[=+*/-].*)\)?$")
_BRACKET_ID = re.compile(r"\[\s*([a-z][a-z0-9_]*)\s*\]\s*$")
_PROVINCE_WORDS = frozenset({"toàn tỉnh", "cả tỉnh", "tỉnh", "province", "whole province"})


# ------------------------------------------------------------------------------------------ small helpers


def col_letter(index: int) -> str:
    """Excel column letters of a 0-based column index (0 → A, 26 → AA)."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def col_index(letters: str) -> int:
    """0-based index of Excel column letters (A → 0)."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@lru_cache(maxsize=65536)
def _label_keys(text: str) -> tuple[str, ...]:
    """Matching keys of a header label: the full key, and without a trailing "(…)" or ":"."""
    key = full_key(text).strip(" :*.")
    keys = [key]
    bare = re.sub(r"\s*[(\[][^()\[\]]*[)\]]\s*$", "", key).strip(" :*.")
    if bare and bare != key:
        keys.append(bare)
    return tuple(keys)


def _rows_text(rows: list[int]) -> str:
    """Compact row list: "7, 9–12, 15" (at most MAX_LISTED_ROWS runs, then "…")."""
    runs: list[tuple[int, int]] = []
    for r in sorted(rows):
        if runs and r == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    parts = [f"{a}" if a == b else f"{a}–{b}" for a, b in runs[:MAX_LISTED_ROWS]]
    return ", ".join(parts) + (", …" if len(runs) > MAX_LISTED_ROWS else "")


def _num_text(x: float) -> str:
    return f"{x:.6g}"


# ---------------------------------------------------------------------------------------------- issues


@dataclass
class _Ctx:
    """What every issue of one file shares, and the issues found so far."""

    file: str
    sheet: str | None = None
    issues: list[Issue] = field(default_factory=list)

    def add(
        self,
        code: str,
        en: str,
        vi: str,
        *,
        warning: bool = False,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        expected: str | None = None,
        hint: str | None = None,
        hint_vi: str | None = None,
        sheet: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.issues.append(
            Issue(
                code,
                en,
                vi,
                Severity.WARNING if warning else Severity.ERROR,
                file=self.file,
                sheet=sheet if sheet is not None else self.sheet,
                row=row,
                column=column,
                value=None if value is None else str(value),
                expected=expected,
                hint=hint,
                hint_vi=hint_vi,
                extra=extra or {},
            )
        )


# -------------------------------------------------------------------------------------- reading cells


@dataclass
class SheetGrid:
    """One sheet as text: `frame` has `row` (as Excel shows it) and one String column per Excel letter."""

    name: str
    frame: pl.DataFrame
    letters: list[str]
    # row, column, kind (number|text|bool|error|date or null when unknown), percent, no_value, shown
    facts: pl.DataFrame
    merges: list[tuple[int, int, int, int]]  # (first_row, first_col, last_row, last_col), 1-based / 0-based


_FACTS_SCHEMA = {
    "row": pl.Int64,
    "column": pl.String,
    "kind": pl.String,
    "percent": pl.Boolean,
    "no_value": pl.Boolean,
    "shown": pl.String,
}


def _split_ref(ref: str) -> tuple[int, int]:
    """ "B12" → (12, 1)."""
    m = re.match(r"\$?([A-Z]+)\$?(\d+)", ref)
    if not m:
        raise ValueError(ref)
    return int(m.group(2)), col_index(m.group(1))


def _zip_target(base_dir: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base_dir, target))


def _xlsx_parts(zf: zipfile.ZipFile, sheet_name: str) -> tuple[str | None, str | None]:
    """The zip paths of the sheet named `sheet_name` and of the styles part."""
    root_rels = _xml_fromstring(zf.read("_rels/.rels"))
    wb_path = "xl/workbook.xml"
    for el in root_rels.iter():
        if _local(el.tag) == "Relationship" and el.get("Type", "").endswith("/officeDocument"):
            wb_path = _zip_target("", el.get("Target", wb_path))
    wb_dir = posixpath.dirname(wb_path)
    rels_path = posixpath.join(wb_dir, "_rels", posixpath.basename(wb_path) + ".rels")
    rid = None
    for el in _xml_fromstring(zf.read(wb_path)).iter():
        if _local(el.tag) == "sheet" and nfc(el.get("name", "")) == nfc(sheet_name):
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
    sheet_part = styles_part = None
    for el in _xml_fromstring(zf.read(rels_path)).iter():
        if _local(el.tag) != "Relationship":
            continue
        target = _zip_target(wb_dir, el.get("Target", ""))
        if el.get("Id") == rid:
            sheet_part = target
        if el.get("Type", "").endswith("/styles"):
            styles_part = target
    return sheet_part, styles_part


def _percent_formats(code: str) -> bool:
    """Whether an Excel number format shows a percentage (a '%' outside quotes and escapes)."""
    bare = re.sub(r'"[^"]*"|\\.', "", code)
    return "%" in bare


def _percent_styles(zf: zipfile.ZipFile, styles_part: str | None) -> set[int]:
    """Indices of cell styles (`s=` on a cell) whose number format is a percentage."""
    if not styles_part or styles_part not in zf.namelist():
        return set()
    root = _xml_fromstring(zf.read(styles_part))
    percent_ids = {9, 10}  # built-in "0%" and "0.00%"
    xfs: list[int] = []
    for el in root.iter():
        tag = _local(el.tag)
        if tag == "numFmt" and _percent_formats(el.get("formatCode", "")):
            percent_ids.add(int(el.get("numFmtId", "-1")))
        elif tag == "cellXfs":
            xfs = [int(x.get("numFmtId", "0")) for x in el if _local(x.tag) == "xf"]
    return {i for i, fid in enumerate(xfs) if fid in percent_ids}


_XML_KIND = {"s": "text", "str": "text", "inlineStr": "text", "b": "bool", "e": "error", "d": "date"}


def _xlsx_facts(path: Path, sheet_name: str) -> tuple[pl.DataFrame, list[tuple[int, int, int, int]]]:
    """Per cell of the sheet: kind, percent format, formula saved without a value; and merged ranges."""
    cols: dict[str, list[Any]] = {k: [] for k in _FACTS_SCHEMA}
    merges: list[tuple[int, int, int, int]] = []
    with zipfile.ZipFile(path) as zf:
        sheet_part, styles_part = _xlsx_parts(zf, sheet_name)
        if sheet_part is None or sheet_part not in zf.namelist():
            return pl.DataFrame(schema=_FACTS_SCHEMA), merges
        percent = _percent_styles(zf, styles_part)
        cur_row, cur_col = 0, -1
        with zf.open(sheet_part) as stream:
            for event, el in _xml_iterparse(stream, events=("start", "end")):
                tag = _local(el.tag)
                if event == "start":
                    if tag == "row":
                        cur_row = int(el.get("r")) if el.get("r") else cur_row + 1
                        cur_col = -1
                    continue
                if tag == "c":
                    ref = el.get("r")
                    row, col = _split_ref(ref) if ref else (cur_row, cur_col + 1)
                    cur_col = col
                    has_formula = False
                    value = None
                    for child in el:
                        name = _local(child.tag)
                        if name == "f":
                            has_formula = True
                        elif name == "v":
                            value = child.text
                        elif name == "is":
                            value = "".join(t.text or "" for t in child.iter() if _local(t.tag) == "t")
                    cols["row"].append(row)
                    cols["column"].append(col_letter(col))
                    cols["kind"].append(_XML_KIND.get(el.get("t", "n"), "number"))
                    cols["percent"].append(int(el.get("s", "0")) in percent)
                    cols["no_value"].append(has_formula and (value is None or value == ""))
                    cols["shown"].append(value if el.get("t") == "e" else None)
                    el.clear()
                elif tag == "row":
                    el.clear()
                elif tag == "mergeCell" and el.get("ref") and ":" in el.get("ref"):
                    a, b = el.get("ref").split(":")
                    (r1, c1), (r2, c2) = _split_ref(a), _split_ref(b)
                    merges.append((r1, c1, r2, c2))
    return pl.DataFrame(cols, schema=_FACTS_SCHEMA), merges


def _xls_facts(reader: fastexcel.ExcelReader, sheet_name: str, letters: list[str]) -> pl.DataFrame:
    """For .xls (no XML to scan): only error cells (#N/A, #DIV/0!) are known, from fastexcel's cell errors."""
    sheet = reader.load_sheet(sheet_name, header_row=None, skip_rows=0, dtypes="float")
    _, errors = sheet.to_arrow_with_errors()
    cols: dict[str, list[Any]] = {k: [] for k in _FACTS_SCHEMA}
    for err in errors.errors if errors is not None else []:
        m = re.search(r"got 'Error\((\w+)\)'", err.detail)
        if not m:
            continue
        r, c = err.position
        cols["row"].append(r + 1)
        cols["column"].append(letters[c] if c < len(letters) else col_letter(c))
        cols["kind"].append("error")
        cols["percent"].append(False)
        cols["no_value"].append(False)
        cols["shown"].append(f"#{m.group(1)}")
    return pl.DataFrame(cols, schema=_FACTS_SCHEMA)


def load_sheet(reader: fastexcel.ExcelReader, name: str, path: Path) -> SheetGrid:
    """Read one sheet as text with exact Excel rows and letters (blank rows kept)."""
    sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
    raw = sheet.to_polars()
    # fastexcel starts at the first used column: name each column by its real letter
    letters = [col_letter(c.absolute_index) for c in sheet.available_columns()]
    frame = raw.rename(dict(zip(raw.columns, letters, strict=True))).with_columns(
        pl.col(letters).cast(pl.String)
    )
    frame = frame.with_row_index("row", offset=1).with_columns(pl.col("row").cast(pl.Int64))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        facts, merges = _xlsx_facts(path, name)
    else:
        facts, merges = _xls_facts(reader, name, letters), []
    # formula cells without a value are outside fastexcel's range: widen the grid to hold them
    if facts.height:
        max_row = int(facts["row"].max())
        extra_letters = sorted(set(facts["column"].unique().to_list()) - set(letters), key=col_index)
        if extra_letters:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(x) for x in extra_letters)
            letters = sorted([*letters, *extra_letters], key=col_index)
        if max_row > frame.height:
            more = pl.DataFrame({"row": list(range(frame.height + 1, max_row + 1))}, schema={"row": pl.Int64})
            frame = pl.concat([frame, more], how="diagonal")
    frame = frame.select("row", *letters)
    return SheetGrid(name, frame, letters, facts, merges)


# -------------------------------------------------------------------------------------------- _meta


def read_meta(reader: fastexcel.ExcelReader) -> dict[str, tuple[str, int]] | None:
    """The `_meta` sheet as key → (value, Excel row); None when the workbook has none."""
    if META_SHEET not in reader.sheet_names:
        return None
    df = reader.load_sheet(META_SHEET, header_row=None, skip_rows=0, dtypes="string").to_polars()
    if df.width < 2:
        return {}
    out: dict[str, tuple[str, int]] = {}
    for i, (key, value) in enumerate(df.select(df.columns[:2]).iter_rows(), start=1):
        if key:
            out[nfc(key).strip()] = (nfc(value).strip() if value else "", i)
    return out


def open_workbook(path: Path) -> fastexcel.ExcelReader:
    """A fastexcel reader over the file (.xlsx, .xlsm, .xls, .xlsb)."""
    return fastexcel.read_excel(path)


# ------------------------------------------------------------------------------------------- headers


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
class _Header:
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


def _evaluate(cells: dict[int, dict[int, str]], r: int, k: int, lk: HeaderLookup) -> _Header | None:
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
    return _Header(
        r,
        r + k - 1,
        "long" if long_ok else "wide",
        roles,
        inds if wide_ok else [],
        unknown,
        labels_out,
        score,
    )


def find_header(sheet: SheetGrid, lk: HeaderLookup, hint_row: int | None = None) -> _Header | None:
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
    best: _Header | None = None
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


def _best_guess_labels(sheet: SheetGrid) -> str:
    """The first non-empty row's text, to show the user what the loader saw instead of a header."""
    for values in sheet.frame.head(HEADER_SCAN_ROWS).iter_rows():
        texts = [re.sub(r"\s+", " ", nfc(v)).strip() for v in values[1:] if v is not None and str(v).strip()]
        if len(texts) >= 2:
            return f"row {values[0]}: " + " | ".join(texts[:8])[:200]
    return ""


# --------------------------------------------------------------------------------------------- source


class WorkbookLoader:
    """The loader for department workbooks (long or wide), with or without our `_meta` sheet."""

    name = NAME

    def sniff(self, path: Path, config: Config) -> ExportConfig | bool:
        """True when the file is an Excel workbook with our `_meta` sheet and template version."""
        path = Path(path)
        if path.suffix.lower() not in EXCEL_SUFFIXES:
            return False
        try:
            reader = open_workbook(path)
            if META_SHEET not in reader.sheet_names:
                return False
            meta = read_meta(reader) or {}
        except (fastexcel.FastExcelError, OSError, ValueError, zipfile.BadZipFile):
            return False
        version = meta.get("template_version", ("", 0))[0]
        return version.split("/")[0] == TEMPLATE_VERSION.split("/")[0]

    def read(
        self,
        path: Path,
        config: Config,
        export: ExportConfig | None = None,
        *,
        display_name: str | None = None,
        progress: Progress | None = None,
        department: str | None = None,
        period: str | None = None,
    ) -> ParseResult:
        """Parse a department workbook into observations; every problem is an Issue, never an exception."""
        path = Path(path)
        ctx = _Ctx(file=display_name or path.name)
        result = ParseResult(source=NAME)
        if progress:
            progress(0, None)
        _read(path, config, ctx, result, department, period)
        result.issues = ctx.issues
        if progress:
            progress(result.rows_read, result.rows_read)
        return result


SOURCE = WorkbookLoader()


def _read(
    path: Path, config: Config, ctx: _Ctx, result: ParseResult, department: str | None, period: str | None
) -> None:
    try:
        reader = open_workbook(path)
        meta = read_meta(reader)
    except (fastexcel.FastExcelError, OSError, ValueError) as e:
        ctx.add(
            "unreadable-file",
            f"the file cannot be read as an Excel workbook ({type(e).__name__}: {str(e)[:200]})",
            f"không đọc được tệp dạng Excel ({type(e).__name__}: {str(e)[:200]})",
            hint="open it in Excel and save it again as .xlsx",
            hint_vi="mở tệp bằng Excel và lưu lại dạng .xlsx",
        )
        return
    department, period, header_hint, input_sheet = _context(config, ctx, meta, department, period)
    if department is None or period is None:
        return
    result.department = department
    sheet_name = _choose_sheet(reader, ctx, input_sheet, result)
    if sheet_name is None:
        return
    ctx.sheet = sheet_name
    try:
        sheet = load_sheet(reader, sheet_name, path)
    except (fastexcel.FastExcelError, OSError, ValueError, zipfile.BadZipFile, KeyError) as e:
        ctx.add(
            "unreadable-sheet",
            f"sheet '{sheet_name}' cannot be read ({type(e).__name__}: {str(e)[:200]})",
            f"không đọc được sheet '{sheet_name}' ({type(e).__name__}: {str(e)[:200]})",
            hint="open it in Excel and save it again as .xlsx",
            hint_vi="mở tệp bằng Excel và lưu lại dạng .xlsx",
        )
        return
    lk = HeaderLookup.build(config)
    header = find_header(sheet, lk, header_hint)
    if header is None:
        seen = _best_guess_labels(sheet)
        ctx.add(
            "missing-header",
            f"no header row found in the first {HEADER_SCAN_ROWS} rows of sheet '{sheet_name}'",
            f"không tìm thấy dòng tiêu đề cột trong {HEADER_SCAN_ROWS} dòng đầu của sheet '{sheet_name}'",
            value=seen or None,
            expected="long layout: Mã chỉ tiêu, Mã đơn vị or Tên đơn vị, Giá trị (Tử số, Mẫu số); wide "
            "layout: Mã đơn vị or Tên đơn vị, then one column per indicator (its id or name)",
            hint="use the template downloaded from the app, or rename the columns as listed",
            hint_vi="dùng biểu mẫu tải từ ứng dụng, hoặc đặt lại tên cột như trên",
        )
        result.detail.update({"sheet": sheet_name, "layout": None, "header_row": None})
        return
    result.detail.update(
        {
            "sheet": sheet_name,
            "layout": header.layout,
            "header_row": header.first_row,
            "header_rows": header.last_row - header.first_row + 1,
            "period": period,
        }
    )
    if header.layout == "wide":
        for letter, label in header.unknown:
            ctx.add(
                "unknown-column",
                f"column header '{label}' is not an indicator of targets.yaml; the column was ignored",
                f"tiêu đề cột '{label}' không phải chỉ tiêu trong targets.yaml; cột này bị bỏ qua",
                warning=True,
                row=header.last_row,
                column=letter,
                value=label,
                expected="an indicator id, its Vietnamese or English name, or 'name [id]'",
            )
    table = _table_rows(sheet, header, result)
    cells = _cells(table, header)
    obs = _observations(cells, sheet, header, config, ctx, department, period, result)
    result.observations = conform(obs.with_columns(pl.lit(ctx.file).alias("source_file")))
    if obs.is_empty() and not ctx.issues:
        ctx.add(
            "no-values",
            "no values were found below the header",
            "không có số liệu nào bên dưới dòng tiêu đề",
            warning=True,
            row=header.last_row,
            expected="one row per unit (and indicator) with a value",
        )


def _context(
    config: Config,
    ctx: _Ctx,
    meta: dict[str, tuple[str, int]] | None,
    department: str | None,
    period: str | None,
) -> tuple[str | None, str | None, int | None, str | None]:
    """Department, period, header row hint and input sheet: from `_meta`, checked against the declared."""
    header_hint = input_sheet = None
    if meta is not None:
        version, vrow = meta.get("template_version", ("", 0))
        if version.split("/")[0] != TEMPLATE_VERSION.split("/")[0]:
            ctx.add(
                "not-a-template",
                f"the '{META_SHEET}' sheet does not come from this app's template (template_version "
                f"'{version}')",
                f"sheet '{META_SHEET}' không thuộc biểu mẫu của ứng dụng (template_version '{version}')",
                sheet=META_SHEET,
                row=vrow or None,
                column="B" if vrow else None,
                value=version,
                expected=TEMPLATE_VERSION,
                hint="download a new template from the app",
                hint_vi="tải biểu mẫu mới từ ứng dụng",
            )
            return None, None, None, None
        meta_dep, dep_row = meta.get("department", ("", 0))
        meta_period, per_row = meta.get("period", ("", 0))
        if department is not None:
            # the declared department may be a name ("Sở Y tế"); compare ids
            department = _department_id(config, department) or department
        if department is not None and department != meta_dep:
            ctx.add(
                "department-mismatch",
                f"the template is for department '{meta_dep}' but the upload is declared for '{department}'",
                f"biểu mẫu dành cho '{meta_dep}' nhưng lần nộp khai báo cho '{department}'",
                sheet=META_SHEET,
                row=dep_row,
                column="B",
                value=meta_dep,
                expected=department,
                hint="choose the right department when uploading, or download that department's template",
                hint_vi="chọn đúng sở, ngành khi nộp, hoặc tải biểu mẫu của sở, ngành đó",
            )
        if period is not None and period != meta_period:
            ctx.add(
                "period-mismatch",
                f"the template is for period {meta_period} but the upload is declared for {period}",
                f"biểu mẫu dành cho kỳ {_period_vi(meta_period)} nhưng lần nộp khai báo kỳ {_period_vi(period)}",
                sheet=META_SHEET,
                row=per_row,
                column="B",
                value=meta_period,
                expected=period,
                hint="choose the right period when uploading, or download the template for that period",
                hint_vi="chọn đúng kỳ khi nộp, hoặc tải biểu mẫu của kỳ đó",
            )
        department, period = meta_dep, meta_period
        sha, sha_row = meta.get("targets_sha256", ("", 0))
        if sha and sha != config.sha256:
            ctx.add(
                "targets-changed",
                "the template was made from an earlier version of targets.yaml; it is read with the current one",
                "biểu mẫu được tạo từ phiên bản targets.yaml cũ; hệ thống đọc theo phiên bản hiện tại",
                warning=True,
                sheet=META_SHEET,
                row=sha_row,
                column="B",
                hint="download a new template for the next period",
                hint_vi="kỳ sau hãy tải biểu mẫu mới",
            )
        hint_row = meta.get("header_row", ("", 0))[0]
        header_hint = int(hint_row) if hint_row.isdigit() else None
        input_sheet = meta.get("input_sheet", (INPUT_SHEET, 0))[0] or INPUT_SHEET
    elif department is None or period is None:
        missing = [n for n, v in (("department", department), ("period", period)) if v is None]
        missing_vi = {"department": "sở, ngành", "period": "kỳ báo cáo"}
        ctx.add(
            "not-a-template",
            f"the file has no '{META_SHEET}' sheet (it is not this app's template), so the "
            f"{' and '.join(missing)} must be declared when uploading",
            f"tệp không có sheet '{META_SHEET}' (không phải biểu mẫu của ứng dụng), nên phải khai báo "
            f"{' và '.join(missing_vi[m] for m in missing)} khi nộp",
            sheet=None,
            hint="choose the department and period in the upload form, or use the app's template",
            hint_vi="chọn sở, ngành và kỳ báo cáo trên trang nộp, hoặc dùng biểu mẫu của ứng dụng",
        )
        return None, None, None, None
    ok = True
    if not is_period(period):
        ctx.add(
            "bad-period",
            f"'{period}' is not a period",
            f"'{period}' không phải kỳ báo cáo hợp lệ",
            sheet=META_SHEET if meta is not None else None,
            value=period,
            expected="2025-08, 2025-Q3 or 2025",
        )
        ok = False
    resolved = _department_id(config, department)
    if resolved is None:
        ctx.add(
            "unknown-department",
            f"'{department}' is not a department of the registry",
            f"'{department}' không phải sở, ngành trong danh mục",
            sheet=META_SHEET if meta is not None else None,
            value=department,
            hint="use a department id from departments.csv (e.g. so_y_te)",
            hint_vi="dùng mã sở, ngành trong departments.csv (ví dụ so_y_te)",
        )
        ok = False
    if not ok or any(i.is_error for i in ctx.issues):
        return None, None, None, None
    return resolved, period, header_hint, input_sheet


def _period_vi(period: str) -> str:
    return period_label_vi(period) if is_period(period) else period


def _department_id(config: Config, department: str) -> str | None:
    """A department id, or a department name/alias resolved through the registry."""
    ids = config.registry.departments.get_column("id").to_list()
    if department in ids:
        return department
    res = config.registry.resolve(department, levels=[Level.DEPARTMENT])
    return res.code


def _choose_sheet(
    reader: fastexcel.ExcelReader, ctx: _Ctx, input_sheet: str | None, result: ParseResult
) -> str | None:
    """The template's input sheet, else the first visible sheet with content (hidden sheets ignored)."""
    names = reader.sheet_names
    visible: list[str] = []
    hidden: list[str] = []
    empty: set[str] = set()
    for n in names:
        if n in (META_SHEET, LISTS_SHEET):
            continue
        try:
            sheet = reader.load_sheet(n, header_row=None, n_rows=1, dtypes="string")
            state, has_cells = sheet.visible, sheet.total_height > 0 and sheet.width > 0
        except fastexcel.FastExcelError:
            state, has_cells = "visible", False  # an empty sheet is still one people see
        (visible if state == "visible" else hidden).append(n)
        if not has_cells:
            empty.add(n)
    result.detail["hidden_sheets"] = hidden
    filled = [n for n in visible if n not in empty]
    if input_sheet is not None and input_sheet in names:
        chosen = input_sheet
    elif visible:
        # a blank "Sheet1" left in front of the real one is common: skip it
        chosen = filled[0] if filled else visible[0]
    else:
        ctx.add(
            "no-visible-sheet",
            "the workbook has no visible sheet to read",
            "tệp không có sheet nào đang hiển thị để đọc",
            hint="unhide the sheet with the figures (right-click a sheet tab → Unhide)",
            hint_vi="bỏ ẩn sheet chứa số liệu (nhấp phải vào tên sheet → Unhide)",
        )
        return None
    result.detail["sheet"] = chosen
    result.detail["other_sheets"] = [n for n in visible if n != chosen]
    return chosen


# ------------------------------------------------------------------------------------------ table rows


def _clean(expr: pl.Expr) -> pl.Expr:
    """NFC, whitespace collapsed and stripped; empty text becomes null."""
    text = nfc_expr(expr)
    return pl.when(text == "").then(None).otherwise(text)


def _is_total(expr: pl.Expr) -> pl.Expr:
    key = full_key_expr(expr).str.strip_chars(" :.")
    return key.is_in(list(TOTAL_LABELS)) | key.str.contains(_TOTAL_PREFIX)


def _table_rows(sheet: SheetGrid, header: _Header, result: ParseResult) -> pl.DataFrame:
    """Data rows of the table: below the header, above the first note row; blank, total, repeated-header
    and numbering rows dropped. Columns: row + every Excel letter (cleaned text)."""
    letters = sheet.letters
    data = sheet.frame.filter(pl.col("row") > header.last_row).with_columns(
        _clean(pl.col(x)).alias(x) for x in letters
    )
    first_text = pl.coalesce([pl.col(x) for x in letters]) if letters else pl.lit(None, dtype=pl.String)
    data = data.with_columns(full_key_expr(first_text).str.contains(_NOTE_RE).fill_null(False).alias("_note"))
    stop = data.filter(pl.col("_note")).get_column("row").min()
    if stop is not None:
        data = data.filter(pl.col("row") < stop)
        result.detail["table_ends_before_row"] = int(stop)
    roles = header.roles
    table_letters = [x for r, x in roles.items() if r not in ("stt", "note")] + [
        x for x, _, _ in header.indicator_cols
    ]
    blank = pl.all_horizontal([pl.col(x).is_null() for x in table_letters]) if table_letters else pl.lit(True)
    label_letters = [roles[r] for r in ("unit_name", "unit_code", "indicator_name", "stt") if r in roles]
    first_letter = min(table_letters, key=col_index) if table_letters else None
    if first_letter and first_letter not in label_letters:
        label_letters.append(first_letter)
    total = pl.any_horizontal([_is_total(pl.col(x)).fill_null(False) for x in label_letters])
    if header.layout == "long":
        # a long row that names an indicator is data even when its unit is written "Toàn tỉnh"
        ind = pl.col(roles["indicator"])
        total = total & (ind.is_null() | _is_total(ind).fill_null(False))
    repeated = pl.lit(False)
    for role in ("unit_code", "unit_name", "indicator"):
        if role in roles:
            syn = [full_key(s).strip(" :*.") for s in HEADER_SYNONYMS[role]]
            repeated = repeated | full_key_expr(pl.col(roles[role])).str.strip_chars(" :*.").is_in(
                syn
            ).fill_null(False)
    data = data.with_columns(blank.alias("_blank"), total.alias("_total"), repeated.alias("_repeat"))
    numbering = _numbering_rows(data.filter(~pl.col("_blank")).head(2), table_letters)
    skipped_totals = data.filter(pl.col("_total") & ~pl.col("_blank")).get_column("row").to_list()
    result.detail["total_rows_skipped"] = skipped_totals
    keep = data.filter(
        ~pl.col("_blank") & ~pl.col("_total") & ~pl.col("_repeat") & ~pl.col("row").is_in(numbering)
    )
    result.rows_read = keep.height
    return keep.drop("_note", "_blank", "_total", "_repeat")


def _numbering_rows(head: pl.DataFrame, letters: list[str]) -> list[int]:
    """Rows right under the header that only number the columns: (1) (2) (3), A B 1 2, "3=4+5"."""
    out = []
    for rec in head.select("row", *letters).iter_rows(named=True):
        tokens = [rec[x] for x in sorted(letters, key=col_index) if rec[x] is not None]
        if len(tokens) < 2 or not all(_NUMBERING_TOKEN.match(t) for t in tokens):
            continue
        ints = [int(re.sub(r"\D", "", t)) for t in tokens if re.fullmatch(r"\(?\d{1,2}\)?", t)]
        if ints == sorted(set(ints)):
            out.append(rec["row"])
    return out


def _cells(table: pl.DataFrame, header: _Header) -> pl.DataFrame:
    """One row per value cell: row, indicator_text, ind_col, code_text, code_col, name_text, name_col,
    period_text, period_col, role, column, text."""
    roles = header.roles

    def opt(role: str) -> tuple[pl.Expr, pl.Expr]:
        if role in roles:
            return pl.col(roles[role]), pl.lit(roles[role])
        return pl.lit(None, dtype=pl.String), pl.lit(None, dtype=pl.String)

    code, code_col = opt("unit_code")
    name, name_col = opt("unit_name")
    per, per_col = opt("period")
    base = [
        pl.col("row"),
        code.alias("code_text"),
        code_col.alias("code_col"),
        name.alias("name_text"),
        name_col.alias("name_col"),
        per.alias("period_text"),
        per_col.alias("period_col"),
    ]
    parts = []
    if header.layout == "long":
        ind, ind_col = opt("indicator")
        for role in VALUE_ROLES:
            if role in roles:
                parts.append(
                    table.select(
                        *base,
                        ind.alias("indicator_text"),
                        ind_col.alias("ind_col"),
                        pl.lit(role).alias("role"),
                        pl.lit(roles[role]).alias("column"),
                        pl.col(roles[role]).alias("text"),
                    )
                )
    else:
        # an indicator's value/numerator/denominator columns share its first column as its place
        first_col: dict[str, str] = {}
        for letter, ind_id, _ in header.indicator_cols:
            first_col.setdefault(ind_id, letter)
        for letter, ind_id, role in header.indicator_cols:
            parts.append(
                table.select(
                    *base,
                    pl.lit(ind_id).alias("indicator_text"),
                    pl.lit(first_col[ind_id]).alias("ind_col"),
                    pl.lit(role).alias("role"),
                    pl.lit(letter).alias("column"),
                    pl.col(letter).alias("text"),
                )
            )
    schema = {
        "row": pl.Int64,
        "code_text": pl.String,
        "code_col": pl.String,
        "name_text": pl.String,
        "name_col": pl.String,
        "period_text": pl.String,
        "period_col": pl.String,
        "indicator_text": pl.String,
        "ind_col": pl.String,
        "role": pl.String,
        "column": pl.String,
        "text": pl.String,
    }
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts, how="vertical").select(pl.col(c).cast(t) for c, t in schema.items())


# ---------------------------------------------------------------------------------------------- numbers


def _parse_values(cells: pl.DataFrame, facts: pl.DataFrame, percent_ind: pl.Expr) -> pl.DataFrame:
    """Add `num` (Float64), `problem` (bad-number | formula-no-value | null), `reason`/`reason_vi`,
    `from_percent_format` and `text_number` to the value cells."""
    df = cells.join(facts, on=["row", "column"], how="left").with_columns(
        pl.col("percent").fill_null(False), pl.col("no_value").fill_null(False)
    )
    plain = pl.col("text").str.contains(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
    # xlsx: the XML says number or text; .xls: unknown, so a plain English-style number is a number
    numeric = (pl.col("kind") == "number") | (pl.col("kind").is_null() & plain.fill_null(False))
    df = df.with_columns(numeric.fill_null(False).alias("_numeric"))
    is_text = ~pl.col("_numeric") & (pl.col("kind").is_null() | (pl.col("kind") == "text"))
    as_text = df.filter(is_text & pl.col("text").is_not_null())
    if as_text.height:
        distinct = as_text.get_column("text").unique()
        values, reasons = parse_number_column(distinct)
        reasons_vi = [
            None if r is None else _reason_vi(t)
            for t, r in zip(distinct.to_list(), reasons.to_list(), strict=True)
        ]
        parsed = pl.DataFrame(
            {"text": distinct, "_tval": values, "reason": reasons, "reason_vi": reasons_vi},
            schema={"text": pl.String, "_tval": pl.Float64, "reason": pl.String, "reason_vi": pl.String},
        )
    else:
        parsed = pl.DataFrame(
            schema={"text": pl.String, "_tval": pl.Float64, "reason": pl.String, "reason_vi": pl.String}
        )
    df = df.join(parsed, on="text", how="left", maintain_order="left")
    cast = pl.col("text").cast(pl.Float64, strict=False)
    pct_fraction = pl.col("_numeric") & pl.col("percent") & percent_ind & (pl.col("role") == "value")
    num = (
        pl.when(pl.col("_numeric") & pct_fraction)
        .then(cast * 100.0)
        .when(pl.col("_numeric"))
        .then(cast)
        .when(is_text)
        .then(pl.col("_tval"))
        .otherwise(None)
    )
    problem = (
        pl.when(pl.col("no_value") & pl.col("text").is_null())
        .then(pl.lit("formula-no-value"))
        .when(pl.col("kind") == "error")
        .then(pl.lit("bad-number"))
        .when(pl.col("text").is_null())
        .then(None)
        .when(num.is_null())
        .then(pl.lit("bad-number"))
        .otherwise(None)
    )
    return df.with_columns(
        num.alias("num"),
        problem.alias("problem"),
        pct_fraction.fill_null(False).alias("from_percent_format"),
        (is_text & pl.col("text").is_not_null()).fill_null(False).alias("text_number"),
    ).drop("_numeric", "_tval")


def _reason_vi(text: str) -> str | None:
    try:
        parse_number(text)
    except NumberParseError as e:
        return e.reason_vi
    return None


# ------------------------------------------------------------------------------------------ observations


def _indicator_frame(config: Config, department: str, period: str) -> pl.DataFrame:
    """Per indicator: what the loader checks a row against, and the period its value is for."""
    rows = []
    for ind in config.targets.indicators:
        rows.append(
            {
                "indicator": ind.id,
                "measure": ind.unit.value,
                "is_ratio": ind.rollup == Rollup.RATIO,
                "levels": [lv.value for lv in ind.levels],
                "owner": ind.owner,
                "workbook": isinstance(ind.source, WorkbookSource),
                "export": None if isinstance(ind.source, WorkbookSource) else ind.source.export,
                "period": indicator_period(ind.frequency, period),
                "due": is_due(ind.frequency, period),
                "frequency": ind.frequency.value,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "indicator": pl.String,
            "measure": pl.String,
            "is_ratio": pl.Boolean,
            "levels": pl.List(pl.String),
            "owner": pl.String,
            "workbook": pl.Boolean,
            "export": pl.String,
            "period": pl.String,
            "due": pl.Boolean,
            "frequency": pl.String,
        },
    )


def _map_indicators(texts: pl.Series, lk: HeaderLookup) -> pl.DataFrame:
    """indicator_text → indicator id (by id, or by name through the header keys); null when unknown."""
    distinct = texts.drop_nulls().unique().to_list()
    ids = [lk.indicator(t) or lk.indicators.get(t.casefold()) for t in distinct]
    return pl.DataFrame(
        {"indicator_text": distinct, "indicator": ids},
        schema={"indicator_text": pl.String, "indicator": pl.String},
    )


def _resolve_units(config: Config, texts: pl.Series) -> pl.DataFrame:
    """text → code, level, reason(_vi), candidates, via the registry; "Toàn tỉnh" → the province code."""
    registry = config.registry
    res = registry.resolve_many(texts)
    province = registry.province_code
    is_prov = full_key_expr(pl.col("text")).is_in(list(_PROVINCE_WORDS))
    return res.with_columns(
        pl.when(pl.col("code").is_null() & is_prov)
        .then(pl.lit(province))
        .otherwise(pl.col("code"))
        .alias("code"),
        pl.when(pl.col("code").is_null() & is_prov)
        .then(pl.lit(Level.PROVINCE.value))
        .otherwise(pl.col("level"))
        .alias("level"),
    )


def _normalise_period_text(text: str) -> str | None:
    """A period typed in a sheet → canonical: "08/2025", "T8/2025", "Quý 3/2025", "Q3/2025", "2025-08"."""
    raw = text.strip()
    if is_period(raw):
        return raw
    t = full_key(raw).replace(" ", "")
    if m := re.fullmatch(r"(?:t|tháng)?(\d{1,2})[/.-](\d{4})", t):
        month = int(m.group(1))
        return f"{m.group(2)}-{month:02d}" if 1 <= month <= 12 else None
    if m := re.fullmatch(r"(?:q|quý)([1-4])[/.-](\d{4})", t):
        return f"{m.group(2)}-Q{m.group(1)}"
    if m := re.fullmatch(r"(\d{4})-?q([1-4])", t):
        return f"{m.group(1)}-Q{m.group(2)}"
    return None


def _observations(
    cells: pl.DataFrame,
    sheet: SheetGrid,
    header: _Header,
    config: Config,
    ctx: _Ctx,
    department: str,
    period: str,
    result: ParseResult,
) -> pl.DataFrame:
    """Turn value cells into observations; add an Issue for every problem found."""
    lk = HeaderLookup.build(config)
    inds = _indicator_frame(config, department, period)
    if header.layout == "long":
        cells = cells.join(
            _map_indicators(cells.get_column("indicator_text"), lk), on="indicator_text", how="left"
        )
    else:
        cells = cells.with_columns(pl.col("indicator_text").alias("indicator"))
    cells = cells.join(inds, on="indicator", how="left")
    cells = _parse_values(cells, sheet.facts, pl.col("measure") == MeasureUnit.PERCENT.value)
    result.detail["percent_format_cells"] = int(cells["from_percent_format"].sum())
    result.detail["text_number_cells"] = int(cells.filter(pl.col("num").is_not_null())["text_number"].sum())

    for rec in cells.filter(pl.col("problem").is_not_null()).iter_rows(named=True):
        _cell_issue(ctx, rec)
    # one row per (row, indicator): value, numerator, denominator side by side
    keys = [
        "row",
        "indicator_text",
        "indicator",
        "ind_col",
        "code_text",
        "code_col",
        "name_text",
        "name_col",
        "period_text",
        "period_col",
    ]
    wide = cells.group_by(keys, maintain_order=True).agg(
        *(pl.col("num").filter(pl.col("role") == r).first().alias(r) for r in VALUE_ROLES),
        *(pl.col("column").filter(pl.col("role") == r).first().alias(f"{r}_col") for r in VALUE_ROLES),
        *(pl.col("text").filter(pl.col("role") == r).first().alias(f"{r}_text") for r in VALUE_ROLES),
        pl.col("problem").is_not_null().any().alias("bad_cell"),
        pl.col("from_percent_format").filter(pl.col("role") == "value").first().alias("from_pct"),
    )
    for r in VALUE_ROLES:
        if f"{r}_col" not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.String).alias(f"{r}_col"))
    wide = wide.join(inds, on="indicator", how="left")
    # an error cell or an uncalculated formula shows no text but is not an empty row
    has_any = pl.any_horizontal([pl.col(f"{r}_text").is_not_null() for r in VALUE_ROLES]) | pl.col("bad_cell")
    wide = wide.with_columns(has_any.alias("has_any"))

    _empty_value_warnings(ctx, wide.filter(~pl.col("has_any") & pl.col("indicator").is_not_null()))
    live = wide.filter(pl.col("has_any"))
    live = _check_indicators(ctx, live, department, header)
    live = _check_units(ctx, live, config, department)
    live = _check_periods(ctx, live, period)
    live = _ratio_values(ctx, live)
    live = _fraction_warnings(ctx, live)
    live = _duplicates(ctx, live)
    ok = live.filter(pl.col("ok") & pl.col("value").is_not_null() & ~pl.col("bad_cell"))
    return ok.select(
        "indicator",
        pl.col("unit_code"),
        pl.col("obs_period").alias("period"),
        "value",
        "numerator",
        "denominator",
        pl.lit(ctx.sheet).alias("sheet"),
        "row",
        pl.coalesce("value_col", "numerator_col", "denominator_col").alias("column"),
    ).sort("row", "indicator")


def _cell_issue(ctx: _Ctx, rec: dict[str, Any]) -> None:
    if rec["problem"] == "formula-no-value":
        ctx.add(
            "formula-no-value",
            "the cell holds a formula without a saved value",
            "ô có công thức nhưng chưa có giá trị được lưu",
            row=rec["row"],
            column=rec["column"],
            expected="a number",
            hint="formula without a saved value: open and save the file in Excel (or type the number)",
            hint_vi="công thức chưa có giá trị: mở tệp bằng Excel rồi lưu lại (hoặc nhập trực tiếp số)",
        )
        return
    shown = rec["text"] if rec["text"] is not None else rec.get("shown")
    if rec["kind"] == "error":
        en, vi = "is an Excel error value, not a number", "là giá trị lỗi của Excel, không phải số"
    elif rec["kind"] == "bool":
        en, vi = "is TRUE/FALSE, not a number", "là TRUE/FALSE, không phải số"
    elif rec["kind"] == "date":
        en, vi = "is a date, not a number", "là ngày tháng, không phải số"
    elif rec["reason"]:
        en, vi = rec["reason"], rec["reason_vi"] or rec["reason"]
    else:
        en, vi = f"'{shown}' is not a number", f"'{shown}' không phải là số"
    ctx.add(
        "bad-number",
        f"not a number: {en}",
        f"không phải số: {vi}",
        row=rec["row"],
        column=rec["column"],
        value=shown,
        expected="a number, e.g. 84,63 or 1.672",
        hint="type only the number (decimal comma, dot for thousands), no text or symbols",
        hint_vi="chỉ nhập số (dấu phẩy thập phân, dấu chấm hàng nghìn), không kèm chữ hay ký hiệu",
    )


def _empty_value_warnings(ctx: _Ctx, empty: pl.DataFrame) -> None:
    """One warning per indicator and column: which rows have no value (they are skipped)."""
    if empty.is_empty():
        return
    groups = (
        empty.with_columns(pl.coalesce("value_col", "numerator_col").alias("_col"))
        .group_by("indicator", "_col", maintain_order=True)
        .agg(pl.col("row").sort())
    )
    for ind, col, rows in groups.iter_rows():
        n = len(rows)
        listed = _rows_text(rows)
        ctx.add(
            "empty-value",
            f"{n} row(s) of '{ind}' have no value and were skipped (rows {listed})",
            f"{n} dòng của '{ind}' chưa có số liệu nên được bỏ qua (dòng {listed})",
            warning=True,
            row=rows[0],
            column=col,
            expected="a number, or leave it empty if there is no data",
            extra={"rows": rows},
        )


def _check_indicators(ctx: _Ctx, live: pl.DataFrame, department: str, header: _Header) -> pl.DataFrame:
    """Unknown, foreign and export-sourced indicators are errors; `ok` marks rows that pass."""
    ok = pl.col("indicator").is_not_null() & (pl.col("owner") == department) & pl.col("workbook")
    live = live.with_columns(ok.fill_null(False).alias("ok"))
    bad = live.filter(~pl.col("ok")).select(
        "row", "indicator_text", "indicator", "ind_col", "owner", "export"
    )
    if header.layout == "wide":
        # the problem is the column header, not each data row
        bad = bad.unique(["indicator", "ind_col"], keep="first", maintain_order=True).with_columns(
            pl.lit(header.last_row, dtype=pl.Int64).alias("row")
        )
    for rec in bad.iter_rows(named=True):
        text, ind = rec["indicator_text"], rec["indicator"]
        where: dict[str, Any] = {"row": rec["row"], "column": rec["ind_col"]}
        if text is None:
            ctx.add(
                "missing-indicator",
                "the row has a value but no indicator code",
                "dòng có số liệu nhưng thiếu mã chỉ tiêu",
                expected="an indicator id from targets.yaml",
                **where,
            )
        elif ind is None:
            ctx.add(
                "unknown-indicator",
                f"'{text}' is not an indicator in targets.yaml",
                f"'{text}' không phải chỉ tiêu trong targets.yaml",
                value=text,
                expected="an indicator id of the department's template",
                hint="copy the code from the template (column Mã chỉ tiêu)",
                hint_vi="chép mã từ biểu mẫu (cột Mã chỉ tiêu)",
                **where,
            )
        elif rec["owner"] != department:
            ctx.add(
                "indicator-not-owned",
                f"indicator '{ind}' is reported by '{rec['owner']}', not by '{department}'",
                f"chỉ tiêu '{ind}' do '{rec['owner']}' báo cáo, không phải '{department}'",
                value=text,
                expected=f"an indicator of {department}",
                **where,
            )
        else:
            ctx.add(
                "indicator-not-workbook",
                f"indicator '{ind}' is computed from the '{rec['export']}' export; it is not typed in a workbook",
                f"chỉ tiêu '{ind}' được tính từ dữ liệu xuất '{rec['export']}', không nhập qua biểu mẫu",
                value=text,
                **where,
            )
    return live


def _check_units(ctx: _Ctx, live: pl.DataFrame, config: Config, department: str) -> pl.DataFrame:
    """Resolve unit codes/names; unknown, ambiguous, wrong-level and other-department units are errors."""
    texts = pl.concat([live.get_column("code_text"), live.get_column("name_text")]).drop_nulls()
    res = _resolve_units(config, texts)
    code_res = res.select(
        pl.col("text").alias("code_text"),
        pl.col("code").alias("_c_code"),
        pl.col("level").alias("_c_level"),
        pl.col("candidates").alias("_c_cands"),
        pl.col("reason").alias("_c_reason"),
        pl.col("reason_vi").alias("_c_reason_vi"),
    )
    name_res = res.select(
        pl.col("text").alias("name_text"),
        pl.col("code").alias("_n_code"),
        pl.col("level").alias("_n_level"),
        pl.col("candidates").alias("_n_cands"),
        pl.col("reason").alias("_n_reason"),
        pl.col("reason_vi").alias("_n_reason_vi"),
    )
    live = live.join(code_res, on="code_text", how="left", maintain_order="left").join(
        name_res, on="name_text", how="left", maintain_order="left"
    )
    # the code column wins; the name column is used when there is no code
    use_code = pl.col("code_text").is_not_null()
    live = live.with_columns(
        pl.when(use_code).then(pl.col("_c_code")).otherwise(pl.col("_n_code")).alias("unit_code"),
        pl.when(use_code).then(pl.col("_c_level")).otherwise(pl.col("_n_level")).alias("unit_level"),
    )
    # a province- or department-only indicator may leave the unit empty
    only = pl.col("levels").list.len() == 1
    no_unit = pl.col("code_text").is_null() & pl.col("name_text").is_null()
    live = live.with_columns(
        pl.when(no_unit & only & (pl.col("levels").list.first() == Level.PROVINCE.value))
        .then(pl.lit(config.registry.province_code))
        .when(no_unit & only & (pl.col("levels").list.first() == Level.DEPARTMENT.value))
        .then(pl.lit(department))
        .otherwise(pl.col("unit_code"))
        .alias("unit_code"),
        pl.when(no_unit & only)
        .then(pl.col("levels").list.first())
        .otherwise(pl.col("unit_level"))
        .alias("unit_level"),
    )
    in_levels = pl.col("levels").list.contains(pl.col("unit_level")).fill_null(False)
    # A department-level indicator is reported by its owner for every department, so a row for another
    # department is expected; only which indicators a department may report is checked (indicator-not-owned).
    other_dept = pl.lit(False)
    name_differs = (
        pl.col("code_text").is_not_null()
        & pl.col("_n_code").is_not_null()
        & (pl.col("_n_code") != pl.col("unit_code"))
    )
    live = live.with_columns(
        pl.col("unit_code").is_null().alias("_unresolved"),
        (pl.col("unit_code").is_not_null() & ~in_levels).alias("_level_bad"),
        (in_levels & other_dept.fill_null(False)).alias("_dept_bad"),
        (in_levels & ~other_dept.fill_null(False) & name_differs.fill_null(False)).alias("_name_differs"),
    )
    flagged = live.filter(
        pl.col("ok") & pl.any_horizontal("_unresolved", "_level_bad", "_dept_bad", "_name_differs")
    )
    # an unknown unit is one problem per row, however many indicator cells the row has
    unresolved = flagged.filter(pl.col("_unresolved")).unique("row", keep="first", maintain_order=True)
    for rec in unresolved.iter_rows(named=True):
        _unit_issue(ctx, rec, config)
    for rec in flagged.filter(~pl.col("_unresolved")).iter_rows(named=True):
        where = {
            "row": rec["row"],
            "column": rec["code_col"] if rec["code_text"] else rec["name_col"],
            "value": rec["code_text"] or rec["name_text"],
        }
        if rec["_level_bad"]:
            ctx.add(
                "unit-level-mismatch",
                f"unit '{rec['unit_code']}' is a {rec['unit_level']}, but '{rec['indicator']}' is measured "
                f"at: {', '.join(rec['levels'])}",
                f"đơn vị '{rec['unit_code']}' thuộc cấp {_LEVEL_VI.get(rec['unit_level'], rec['unit_level'])}, "
                f"nhưng chỉ tiêu '{rec['indicator']}' đo ở cấp: "
                f"{', '.join(_LEVEL_VI.get(x, x) for x in rec['levels'])}",
                expected=", ".join(rec["levels"]),
                **where,
            )
        elif rec["_dept_bad"]:
            ctx.add(
                "department-mismatch",
                f"the row is for department '{rec['unit_code']}' but the file reports for '{department}'",
                f"dòng này của '{rec['unit_code']}' nhưng tệp báo cáo cho '{department}'",
                expected=department,
                **where,
            )
        else:
            ctx.add(
                "unit-name-mismatch",
                f"code {rec['unit_code']} is {config.registry.label(rec['unit_code'])} but the name says "
                f"'{rec['name_text']}' ({rec['_n_code']}); the code was used",
                f"mã {rec['unit_code']} là {config.registry.label(rec['unit_code'])} nhưng tên ghi "
                f"'{rec['name_text']}' ({rec['_n_code']}); hệ thống dùng theo mã",
                warning=True,
                row=rec["row"],
                column=rec["name_col"],
                value=rec["name_text"],
                expected=config.registry.name_of(rec["unit_code"]) or rec["unit_code"],
            )
    ok = pl.col("ok") & ~pl.col("_unresolved") & ~pl.col("_level_bad") & ~pl.col("_dept_bad")
    return live.with_columns(ok.fill_null(False).alias("ok"))


_LEVEL_VI = {"province": "tỉnh", "department": "sở, ngành", "commune": "xã"}


def _unit_issue(ctx: _Ctx, rec: dict[str, Any], config: Config) -> None:
    use_code = rec["code_text"] is not None
    text = rec["code_text"] if use_code else rec["name_text"]
    column = rec["code_col"] if use_code else rec["name_col"]
    if text is None:
        ctx.add(
            "missing-unit",
            "the row has a value but no unit code or name",
            "dòng có số liệu nhưng thiếu mã hoặc tên đơn vị",
            row=rec["row"],
            column=rec["code_col"] or rec["name_col"] or rec["value_col"],
            expected="a commune code, a department id or the province code",
        )
        return
    p = "_c_" if use_code else "_n_"
    cands = rec[f"{p}cands"] or []
    hint = "write the 5-digit commune code, or ask the IOC administrator to add this spelling as an alias"
    hint_vi = "ghi mã xã 5 chữ số, hoặc đề nghị quản trị IOC thêm cách viết này làm tên gọi khác (alias)"
    if len(cands) > 1:
        listed = "; ".join(config.registry.label(c) for c in cands)
        ctx.add(
            "ambiguous-unit",
            rec[f"{p}reason"] or f"'{text}' matches several units: {listed}",
            rec[f"{p}reason_vi"] or f"'{text}' khớp với nhiều đơn vị: {listed}",
            row=rec["row"],
            column=column,
            value=text,
            expected=f"one of: {listed}",
            hint=hint,
            hint_vi=hint_vi,
            extra={"candidates": list(cands)},
        )
    else:
        ctx.add(
            "unknown-unit",
            rec[f"{p}reason"] or f"unknown unit '{text}'",
            rec[f"{p}reason_vi"] or f"không tìm thấy đơn vị '{text}'",
            row=rec["row"],
            column=column,
            value=text,
            expected="a commune code or name, a department id or the province code",
            hint=hint,
            hint_vi=hint_vi,
        )


def _check_periods(ctx: _Ctx, live: pl.DataFrame, period: str) -> pl.DataFrame:
    """The observation period from the file's period and the indicator's frequency; a period column
    in the sheet must agree."""
    typed = {
        t: _normalise_period_text(t) for t in live.get_column("period_text").drop_nulls().unique().to_list()
    }
    live = live.with_columns(
        pl.col("period").alias("obs_period"),
        pl.col("period_text").replace_strict(typed, default=None, return_dtype=pl.String).alias("_typed"),
    )
    typed_bad = pl.col("period_text").is_not_null() & pl.col("_typed").ne_missing(pl.col("obs_period"))
    flagged = live.filter(pl.col("ok") & (pl.col("obs_period").is_null() | ~pl.col("due") | typed_bad))
    for rec in flagged.iter_rows(named=True):
        column = rec["value_col"] or rec["ind_col"]
        if rec["obs_period"] is None:
            ctx.add(
                "period-mismatch",
                f"'{rec['indicator']}' is reported {rec['frequency']}; it has no value in a report for {period}",
                f"chỉ tiêu '{rec['indicator']}' báo cáo theo {_FREQ_VI[rec['frequency']]}; không có số liệu "
                f"trong báo cáo kỳ {_period_vi(period)}",
                row=rec["row"],
                column=column,
                value=period,
            )
            continue
        if rec["period_text"] is not None and rec["_typed"] != rec["obs_period"]:
            ctx.add(
                "period-mismatch",
                f"the row says period '{rec['period_text']}' but the report is for {rec['obs_period']}",
                f"dòng ghi kỳ '{rec['period_text']}' nhưng báo cáo là kỳ {_period_vi(rec['obs_period'])}",
                row=rec["row"],
                column=rec["period_col"],
                value=rec["period_text"],
                expected=rec["obs_period"],
            )
        if not rec["due"]:
            ctx.add(
                "not-due",
                f"'{rec['indicator']}' is reported {rec['frequency']}; the value is recorded for "
                f"{rec['obs_period']}, which is not over yet",
                f"chỉ tiêu '{rec['indicator']}' báo cáo theo {_FREQ_VI[rec['frequency']]}; số liệu được ghi "
                f"cho kỳ {_period_vi(rec['obs_period'])} (chưa kết thúc)",
                warning=True,
                row=rec["row"],
                column=column,
                value=rec["obs_period"],
            )
    ok = pl.col("ok") & pl.col("obs_period").is_not_null() & ~typed_bad
    return live.with_columns(ok.fill_null(False).alias("ok")).drop("_typed")


_FREQ_VI = {"monthly": "tháng", "quarterly": "quý", "yearly": "năm"}


def _ratio_values(ctx: _Ctx, live: pl.DataFrame) -> pl.DataFrame:
    """value = 100·num/den (percent) or num/den for ratio indicators given both parts; check a typed value."""
    scale = pl.when(pl.col("measure") == MeasureUnit.PERCENT.value).then(100.0).otherwise(1.0)
    has_num, has_den = pl.col("numerator").is_not_null(), pl.col("denominator").is_not_null()
    both = has_num & has_den
    ratio = pl.col("is_ratio").fill_null(False)
    zero_den = ratio & both & (pl.col("denominator") == 0)
    computed = pl.when(ratio & both & ~zero_den).then(scale * pl.col("numerator") / pl.col("denominator"))
    live = live.with_columns(computed.alias("_computed"), zero_den.fill_null(False).alias("_zero_den"))
    mismatch = (pl.col("value") - pl.col("_computed")).abs() > VALUE_RATIO_TOLERANCE
    live = live.with_columns(
        pl.when(~ratio & (has_num | has_den))
        .then(pl.lit("ignored-ratio-parts"))
        .when(pl.col("_zero_den"))
        .then(pl.lit("zero-denominator"))
        .when(ratio & (has_num != has_den))
        .then(pl.lit("incomplete-ratio"))
        .when(mismatch.fill_null(False))
        .then(pl.lit("value-ratio-mismatch"))
        .alias("_ratio_issue")
    )
    for rec in live.filter(
        pl.col("ok") & ~pl.col("bad_cell") & pl.col("_ratio_issue").is_not_null()
    ).iter_rows(named=True):
        row, code = rec["row"], rec["_ratio_issue"]
        part_col = rec["numerator_col"] if rec["numerator"] is not None else rec["denominator_col"]
        if code == "ignored-ratio-parts":
            ctx.add(
                code,
                f"'{rec['indicator']}' is not a ratio indicator: numerator/denominator were ignored",
                f"chỉ tiêu '{rec['indicator']}' không tính theo tỷ lệ: tử số/mẫu số bị bỏ qua",
                warning=True,
                row=row,
                column=part_col,
            )
        elif code == "zero-denominator":
            ctx.add(
                code,
                "the denominator is 0: the ratio cannot be computed",
                "mẫu số bằng 0: không tính được tỷ lệ",
                row=row,
                column=rec["denominator_col"],
                value=rec["denominator_text"],
                expected="a number above 0, or leave numerator and denominator empty",
            )
        elif code == "incomplete-ratio":
            ctx.add(
                code,
                "only one of numerator and denominator is given; it was ignored",
                "chỉ có một trong hai tử số, mẫu số; giá trị này bị bỏ qua",
                warning=True,
                row=row,
                column=part_col,
                expected="both numerator and denominator, or neither",
            )
        else:
            ctx.add(
                code,
                f"the value {_num_text(rec['value'])} differs from numerator/denominator = "
                f"{_num_text(rec['_computed'])}; the computed value was used",
                f"giá trị {_num_text(rec['value'])} khác tử số/mẫu số = {_num_text(rec['_computed'])}; "
                "hệ thống dùng giá trị tính từ tử số/mẫu số",
                warning=True,
                row=row,
                column=rec["value_col"],
                value=rec["value_text"],
                expected=_num_text(rec["_computed"]),
            )
    keep_parts = ratio & both & ~pl.col("_zero_den")
    return live.with_columns(
        pl.coalesce("_computed", "value").alias("value"),
        pl.when(keep_parts).then(pl.col("numerator")).alias("numerator"),
        pl.when(keep_parts).then(pl.col("denominator")).alias("denominator"),
        (pl.col("ok") & ~pl.col("_zero_den")).alias("ok"),
    ).drop("_computed", "_zero_den", "_ratio_issue")


def _fraction_warnings(ctx: _Ctx, live: pl.DataFrame) -> pl.DataFrame:
    """Percent values in (0, 1] whose column mostly holds values above 1: probably a fraction (0.8463)."""
    cand = live.filter(
        pl.col("ok") & (pl.col("measure") == MeasureUnit.PERCENT.value) & pl.col("value").is_not_null()
    ).with_columns(
        ((pl.col("value") > 0) & (pl.col("value") <= 1) & ~pl.col("from_pct").fill_null(False)).alias(
            "_small"
        ),
        pl.col("value_col").fill_null("").alias("_grp"),
    )
    cand = cand.with_columns(
        (pl.col("value") > 1).sum().over("indicator", "_grp").alias("_n_big"),
        pl.len().over("indicator", "_grp").alias("_n"),
    )
    flagged = cand.filter(pl.col("_small") & (pl.col("_n") > 1) & (pl.col("_n_big") * 2 > (pl.col("_n") - 1)))
    for rec in flagged.iter_rows(named=True):
        v = rec["value"]
        ctx.add(
            "looks-like-fraction",
            f"{_num_text(v)} looks like a fraction while the other values of this column are percentages; "
            f"did you mean {_num_text(v * 100)}%? (kept as {_num_text(v)})",
            f"{_num_text(v)} có vẻ là phân số trong khi các giá trị khác của cột là phần trăm; có phải "
            f"{_num_text(v * 100)}%? (vẫn ghi nhận {_num_text(v)})",
            warning=True,
            row=rec["row"],
            column=rec["value_col"],
            value=rec["value_text"],
            expected="a percentage 0–100, e.g. 84,63",
        )
    return live


def _duplicates(ctx: _Ctx, live: pl.DataFrame) -> pl.DataFrame:
    """Two rows for the same indicator, unit and period: an error on every repeat."""
    ok = live.filter(pl.col("ok") & ~pl.col("bad_cell") & pl.col("value").is_not_null())
    first = ok.group_by("indicator", "unit_code", "obs_period").agg(pl.col("row").min().alias("_first"))
    dup = ok.join(first, on=["indicator", "unit_code", "obs_period"]).filter(
        pl.col("row") != pl.col("_first")
    )
    for rec in dup.sort("row").iter_rows(named=True):
        ctx.add(
            "duplicate-row",
            f"'{rec['indicator']}' for {rec['unit_code']} ({rec['obs_period']}) is already given on row "
            f"{rec['_first']}",
            f"chỉ tiêu '{rec['indicator']}' của {rec['unit_code']} (kỳ {_period_vi(rec['obs_period'])}) đã có "
            f"ở dòng {rec['_first']}",
            row=rec["row"],
            column=rec["value_col"] or rec["numerator_col"],
            value=rec["value_text"],
            expected="one row per indicator and unit",
        )
    repeats = dup.select("row", "indicator", pl.lit(True).alias("_repeat"))
    return (
        live.join(repeats, on=["row", "indicator"], how="left", maintain_order="left")
        .with_columns((pl.col("ok") & pl.col("_repeat").is_null()).alias("ok"))
        .drop("_repeat")
    )
