"""Reading a sheet's cells: fastexcel values plus a defusedxml scan of .xlsx XML (types, formats, merges)."""

from __future__ import annotations

import contextlib
import posixpath
import re
import zipfile
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastexcel
import polars as pl

from ioc.issues import Issue, IssueError
from ioc.messages import issue
from ioc.textnorm import nfc
from ioc.workbook_layout import (
    META_SHEET,
)

# A department workbook holds one row per indicator and commune (a province: ~170 communes × 60 indicators =
# 10,200 rows). A sheet far longer than that is not one, and reading it cell by cell would take minutes: it is
# refused with its row count before the cell scan (a report-system export is read by its own loader).
MAX_SHEET_ROWS = 100_000

try:  # untrusted XML: refuse entity tricks (ECOSYSTEM §3.2)
    from defusedxml.ElementTree import fromstring as _xml_fromstring
    from defusedxml.ElementTree import iterparse as _xml_iterparse
except ImportError:  # pragma: no cover - defusedxml is a requirement
    from xml.etree.ElementTree import fromstring as _xml_fromstring
    from xml.etree.ElementTree import iterparse as _xml_iterparse


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


@dataclass
class SheetGrid:
    """One sheet as text: `frame` has `row` (as Excel shows it) and one String column per Excel letter."""

    name: str
    frame: pl.DataFrame
    letters: list[str]
    # row, column, kind (number|text|bool|error|date or null when unknown), percent, no_value, shown
    facts: pl.DataFrame
    merges: list[tuple[int, int, int, int]]  # (first_row, first_col, last_row, last_col), 1-based / 0-based
    merges_known: bool = True  # False until an export grid's merges are asked for (`load_export_sheet`)

    @property
    def absolute(self) -> list[int]:
        """The 0-based sheet column of each grid column, in order (the grid starts at the first used one)."""
        return [col_index(x) for x in self.letters]

    def cells(self) -> pl.DataFrame:
        """Every cell as text, one String column per Excel letter, one row per Excel row from row 1."""
        return self.frame.select(self.letters)

    def text_rows(self, limit: int | None = None) -> list[tuple[str | None, ...]]:
        """The rows as tuples of cell text (None when empty), the first `limit` rows only when given."""
        cells = self.cells()
        return (cells.head(limit) if limit is not None else cells).rows()


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


def _too_many_rows(file: str, sheet: str, rows: int) -> Issue:
    return issue(
        "too-many-rows",
        file=file,
        sheet=sheet,
        value=f"{rows:,} rows",
        expected=f"at most {MAX_SHEET_ROWS:,} rows",
        rows=rows,
        limit=MAX_SHEET_ROWS,
    )


def load_sheet(
    reader: fastexcel.ExcelReader,
    name: str,
    path: Path,
    *,
    max_rows: int | None = MAX_SHEET_ROWS,
    facts: bool = True,
) -> SheetGrid:
    """Read one sheet as text with exact Excel rows and letters (blank rows kept).

    `max_rows` refuses a longer sheet before any cell scan (None: no limit). With `facts=False` the XML is
    not scanned at all: a report-system export of 300,000 rows needs its values, not a Python pass over
    every cell; `facts` is then empty and the merges are read when asked for (`load_export_sheet`).
    """
    sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
    return _grid_of(reader, sheet, path, max_rows=max_rows, facts=facts)


def _grid_of(
    reader: fastexcel.ExcelReader,
    sheet: fastexcel.ExcelSheet,
    path: Path,
    *,
    max_rows: int | None,
    facts: bool,
) -> SheetGrid:
    name = sheet.name
    if max_rows is not None and sheet.total_height > max_rows:
        raise IssueError([_too_many_rows(path.name, name, sheet.total_height)])
    raw = sheet.to_polars()
    # fastexcel starts at the first used column: name each column by its real letter
    letters = [col_letter(c.absolute_index) for c in sheet.available_columns()]
    frame = raw.rename(dict(zip(raw.columns, letters, strict=True))).with_columns(
        pl.col(letters).cast(pl.String)
    )
    frame = frame.with_row_index("row", offset=1).with_columns(pl.col("row").cast(pl.Int64))
    is_xml = path.suffix.lower() in (".xlsx", ".xlsm")
    if not facts:
        cell_facts, merges = pl.DataFrame(schema=_FACTS_SCHEMA), []
    elif is_xml:
        cell_facts, merges = _xlsx_facts(path, name)
    else:
        cell_facts, merges = _xls_facts(reader, name, letters), []
    # formula cells without a value are outside fastexcel's range: widen the grid to hold them
    if cell_facts.height:
        max_row = int(cell_facts["row"].max())
        extra_letters = sorted(set(cell_facts["column"].unique().to_list()) - set(letters), key=col_index)
        if extra_letters:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(x) for x in extra_letters)
            letters = sorted([*letters, *extra_letters], key=col_index)
        if max_row > frame.height:
            more = pl.DataFrame({"row": list(range(frame.height + 1, max_row + 1))}, schema={"row": pl.Int64})
            frame = pl.concat([frame, more], how="diagonal")
    frame = frame.select("row", *letters)
    return SheetGrid(name, frame, letters, cell_facts, merges, merges_known=facts)


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _xlsx_merges(path: Path, sheet_name: str) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a sheet, found by a byte scan of its XML (no per-cell parsing).

    `<mergeCells>` follows `<sheetData>`; cell text cannot hide a match, since a `<` in it is escaped.
    """
    merges: list[tuple[int, int, int, int]] = []
    with zipfile.ZipFile(path) as zf:
        sheet_part, _ = _xlsx_parts(zf, sheet_name)
        if sheet_part is None or sheet_part not in zf.namelist():
            return merges
        tail = b""
        found = False
        with zf.open(sheet_part) as stream:
            while chunk := stream.read(1 << 20):
                buf = tail + chunk
                if not found:
                    at = buf.find(b"mergeCells")  # a plain byte search: the sheet may be 100 MB of cells
                    if at < 0:
                        tail = buf[-64:]  # a tag split across two chunks
                        continue
                    found, buf = True, buf[at:]
                tail = buf
        for m in _MERGE_REF.finditer(tail if found else b""):
            a, b = m.group(1).decode().split(":")
            (r1, c1), (r2, c2) = _split_ref(a), _split_ref(b)
            merges.append((r1, c1, r2, c2))
    return merges


# One read of a file (detection's sniffs, then the loader) parses each sheet once: `one_read()` opens a
# scope, per call and per thread (a context variable, not a global), that keeps the grids loaded inside it.
_READ_SCOPE: ContextVar[dict[tuple[object, ...], SheetGrid] | None] = ContextVar(
    "ioc_read_scope", default=None
)


@contextlib.contextmanager
def one_read() -> Iterator[None]:
    """Within this block, `load_export_sheet` parses a file's sheet once; nested blocks share the outer one."""
    if _READ_SCOPE.get() is not None:
        yield
        return
    token = _READ_SCOPE.set({})
    try:
        yield
    finally:
        _READ_SCOPE.reset(token)


def load_export_sheet(path: Path, sheet: str | int | None, *, merges: bool = False) -> SheetGrid:
    """The grid of a report-system export: the configured sheet (name or index), else the first visible.

    No row limit (an export may hold 300,000 dossiers) and no per-cell facts. With `merges` the merged
    ranges are read from the XML (an .xlsx; none for other formats): only a merged header needs them, and
    the scan costs a large export a good share of its read. Inside `one_read()` the grid is kept for the
    next caller of the same file.
    """
    path = Path(path)
    scope = _READ_SCOPE.get()
    key: tuple[object, ...] = ()
    if scope is not None:
        st = path.stat()
        key = (str(path.resolve()), st.st_mtime_ns, st.st_size, sheet)
        if key in scope:
            return _with_merges(scope[key], path) if merges else scope[key]
    reader = open_workbook(path)
    candidates: list[str | int] = [sheet] if sheet is not None else list(range(len(reader.sheet_names)))
    loaded = None
    for idx in candidates:
        loaded = reader.load_sheet(idx, header_row=None, skip_rows=0, dtypes="string")
        if sheet is not None or loaded.visible == "visible":
            break
    assert loaded is not None
    grid = _grid_of(reader, loaded, path, max_rows=None, facts=False)
    if scope is not None:
        scope.clear()  # one file at a time: the previous file's grid is not needed any more
        scope[key] = grid
    return _with_merges(grid, path) if merges else grid


def _with_merges(grid: SheetGrid, path: Path) -> SheetGrid:
    """The grid with its merged ranges read (once)."""
    if not grid.merges_known:
        grid.merges = _xlsx_merges(path, grid.name) if path.suffix.lower() in (".xlsx", ".xlsm") else []
        grid.merges_known = True
    return grid


def head_grid(reader: fastexcel.ExcelReader, name: str, n_rows: int) -> SheetGrid:
    """The first `n_rows` rows of a sheet as text, for recognising a header (no cell facts, no merges)."""
    sheet = reader.load_sheet(name, header_row=None, skip_rows=0, n_rows=n_rows, dtypes="string")
    raw = sheet.to_polars()
    letters = [col_letter(c.absolute_index) for c in sheet.available_columns()]
    frame = raw.rename(dict(zip(raw.columns, letters, strict=True))).with_columns(
        pl.col(letters).cast(pl.String)
    )
    frame = frame.with_row_index("row", offset=1).with_columns(pl.col("row").cast(pl.Int64))
    return SheetGrid(name, frame.select("row", *letters), letters, pl.DataFrame(schema=_FACTS_SCHEMA), [])


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
