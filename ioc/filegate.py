"""The upload gate: checks on a file's raw bytes (size, type, zip budget, macros) before any parser runs.

Parsers (calamine, openpyxl) trust what a file declares; this gate trusts nothing: it reads the zip
directory itself and stream-decompresses every entry under a running byte cap (ECOSYSTEM §3.2).
"""

from __future__ import annotations

import codecs
import html
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from ioc.issues import Issue
from ioc.messages import Num, issue, text, words

MB = 1024 * 1024
MAX_BYTES = 20 * MB
MAX_UNCOMPRESSED = 200 * MB
MAX_RATIO = 200  # total uncompressed / compressed file size
# Below this many decompressed bytes the ratio is not checked: tiny workbooks compress very well.
_RATIO_FLOOR = 20 * MB
MAX_ENTRIES = 500
_CHUNK = 1 * MB
TEXT_HEAD_BYTES = 1 * MB  # bytes of a text file whose encoding the gate checks

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_EXECUTABLE_MAGICS = {  # what the bytes are: a `phrase.*` of the message catalog
    b"MZ": "phrase.windows-program",
    b"\x7fELF": "phrase.linux-program",
    b"%PDF": "phrase.pdf",
}
EXTENSIONS = (".xlsx", ".xls", ".csv")

# What an .xlsx may declare (ECOSYSTEM §3.2: calamine densifies a sheet to rows × columns of its extreme cells
# and reserves the shared-strings table's declared size up front; an allocation failure aborts the process).
MAX_ROWS = 1_048_576  # Excel's own limits: XFD1048576
MAX_COLUMNS = 16_384
MAX_GRID_CELLS = 50_000_000  # rows × columns of a sheet's used range that a parser may be asked to build
SHARED_STRINGS_SLACK = 1_000  # a declared uniqueCount may exceed the strings really there by this much
# A sheet is "sparse" when its used range is far larger than the cells it holds (a stray cell at J1048576
# beside a 100-row table): the parse worker drops its blank cells before any parser builds the grid.
SPARSE_MIN_AREA = 100_000
SPARSE_FACTOR = 8


def _issue(code: str, name: str, /, **kw: Any) -> Issue:
    """The gate's issue `code` (texts from `ioc.messages`) about the file `name`."""
    return issue(code, file=name, **kw)


@dataclass(frozen=True)
class SheetShape:
    """What one worksheet part of an .xlsx declares: its extreme row and column, and how many cells it holds."""

    part: str
    name: str
    max_row: int
    max_col: int  # 1-based; 26 when no reference uses two letters or more
    cells: int

    @property
    def area(self) -> int:
        """Rows × columns of the used range, as a parser would build it."""
        return self.max_row * self.max_col

    @property
    def sparse(self) -> bool:
        """Whether the used range is far larger than the cells it holds (stray cells far from the table)."""
        return self.area > SPARSE_MIN_AREA + SPARSE_FACTOR * self.cells


@dataclass
class GateReport:
    """The gate's verdict on one file: every reason to refuse it, and the shape of each .xlsx sheet."""

    issues: list[Issue] = field(default_factory=list)
    sheets: list[SheetShape] = field(default_factory=list)

    @property
    def sparse_parts(self) -> tuple[str, ...]:
        """The zip paths of the sheets whose blank cells must be dropped before parsing."""
        return tuple(s.part for s in self.sheets if s.sparse)


def _what_it_is(data: bytes) -> str | None:
    """What the bytes really are, when it is something we recognise: a `phrase.*` key of the catalog."""
    for magic, what in _EXECUTABLE_MAGICS.items():
        if data.startswith(magic):
            return what
    if data.startswith(_XLSX_MAGIC):
        return "phrase.zip"
    if data.startswith(_OLE_MAGIC):
        return "phrase.ole"
    head = data[:512].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype html", b"<table")):
        return "phrase.html"
    return None


def check_file(
    data: bytes,
    name: str,
    *,
    max_bytes: int = MAX_BYTES,
    max_uncompressed: int = MAX_UNCOMPRESSED,
    max_ratio: int = MAX_RATIO,
) -> list[Issue]:
    """Every reason these bytes must not reach a parser (an empty list means the gate passes)."""
    return inspect_file(
        data, name, max_bytes=max_bytes, max_uncompressed=max_uncompressed, max_ratio=max_ratio
    ).issues


def inspect_file(
    data: bytes,
    name: str,
    *,
    max_bytes: int = MAX_BYTES,
    max_uncompressed: int = MAX_UNCOMPRESSED,
    max_ratio: int = MAX_RATIO,
) -> GateReport:
    """The gate's checks, plus the shape of every .xlsx sheet (which the parse worker needs)."""
    report = GateReport()
    report.issues = _inspect(data, name, max_bytes, max_uncompressed, max_ratio, report)
    return report


def _inspect(
    data: bytes, name: str, max_bytes: int, max_uncompressed: int, max_ratio: int, report: GateReport
) -> list[Issue]:
    ext = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    if not data:
        return [_issue("empty-file", name)]
    if len(data) > max_bytes:
        return [
            _issue(
                "file-too-large",
                name,
                value=f"{len(data)} bytes",
                expected=f"at most {max_bytes} bytes",
                size=Num(len(data) / MB, 1),
                limit=Num(max_bytes / MB, 0),
            )
        ]
    what = _what_it_is(data)
    if any(data.startswith(m) for m in _EXECUTABLE_MAGICS):
        return [
            _issue(
                "not-a-spreadsheet",
                name,
                value=text(what, "en") if what else None,
                expected=", ".join(EXTENSIONS),
                what=words(what) if what else "",
            )
        ]
    if ext == ".xlsm" or ext == ".xlsb":
        return [_issue("macros-not-allowed", name, value=ext, expected=".xlsx", ext=ext)]
    if ext not in EXTENSIONS:
        return [
            _issue(
                "unsupported-file-type",
                name,
                value=ext or None,
                expected=", ".join(EXTENSIONS),
                ext=ext or words("phrase.no-extension"),
            )
        ]
    if ext == ".xlsx":
        if not data.startswith(_XLSX_MAGIC):
            return [_mismatch(name, ext, what)]
        return _check_zip(data, name, max_uncompressed=max_uncompressed, max_ratio=max_ratio, report=report)
    if ext == ".xls":
        if not data.startswith(_OLE_MAGIC):
            return [_mismatch(name, ext, what)]
        # The VBA storage's directory name is stored in UTF-16: cheap to spot without an OLE parser.
        if "_VBA_PROJECT".encode("utf-16-le") in data:
            return [_issue("macros-not-allowed:content", name)]
        return []
    return _check_text(data, name, what)


def _mismatch(name: str, ext: str, what: str | None) -> Issue:
    """A file whose content is not what its extension says (`what`: a `phrase.*` key, when recognised)."""
    password = what == "phrase.ole" and ext == ".xlsx"
    return _issue(
        "extension-mismatch:password" if password else "extension-mismatch",
        name,
        value=text(what, "en") if what else None,
        expected=f"a real {ext} file",
        ext=ext,
        what=words(what) if what else words("phrase.not-a-kind", ext=ext),
    )


def _unsafe_name(entry: str) -> bool:
    norm = entry.replace("\\", "/")
    return norm.startswith("/") or bool(re.match(r"^[A-Za-z]:", norm)) or ".." in norm.split("/")


def _check_zip(
    data: bytes, name: str, *, max_uncompressed: int, max_ratio: int, report: GateReport
) -> list[Issue]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return [_issue("corrupt-file", name, error=exc)]
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            return [
                _issue(
                    "zip-too-many-entries",
                    name,
                    value=str(len(infos)),
                    expected=f"at most {MAX_ENTRIES}",
                    count=len(infos),
                    limit=MAX_ENTRIES,
                )
            ]
        issues: list[Issue] = []
        for info in infos:
            if _unsafe_name(info.filename):
                issues.append(_issue("zip-unsafe-path", name, value=info.filename))
            base = PurePosixPath(info.filename.replace("\\", "/")).name.lower()
            if base == "vbaproject.bin" or "/activex/" in f"/{info.filename.lower()}":
                issues.append(_issue("macros-not-allowed:content", name, value=info.filename))
            if info.flag_bits & 0x1:
                issues.append(_issue("encrypted-file", name, value=info.filename))
        if issues:
            return issues
        return _stream_budget(data, infos, name, max_uncompressed, max_ratio, report)


def _bomb(name: str, total: int, size: int) -> Issue:
    return _issue(
        "zip-bomb",
        name,
        value=f"> {total} bytes uncompressed",
        total=Num(total / MB, 0),
        size=Num(size / MB, 2),
    )


def _is_xml(entry: str) -> bool:
    return entry.lower().endswith((".xml", ".rels", ".vml"))


def _declares_dtd(head_bytes: bytes) -> bool:
    head = head_bytes.upper()
    return b"<!DOCTYPE" in head or b"<!ENTITY" in head


class _UnreadableEntryError(Exception):
    """An entry whose bytes cannot be walked (bad offset, unknown compression, truncated stream)."""


def _u16(data: bytes | memoryview, at: int) -> int:
    return int.from_bytes(data[at : at + 2], "little")


def _entry_chunks(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The decompressed bytes of one entry, in bounded chunks, decoded from the raw stream.

    Python's zipfile (like other readers) stops at the size the archive *declares*; an attacker sets
    that. Here the deflate stream is inflated until it really ends, so every byte a parser would see
    is counted.
    """
    view = memoryview(data)
    off = info.header_offset
    if off < 0 or off + 30 > len(data) or bytes(view[off : off + 4]) != _XLSX_MAGIC:
        raise _UnreadableEntryError("bad local header offset")
    method = _u16(view, off + 8)
    start = off + 30 + _u16(view, off + 26) + _u16(view, off + 28)
    if method == zipfile.ZIP_STORED:
        end = min(len(data), start + info.compress_size)
        for pos in range(start, end, _CHUNK):
            yield bytes(view[pos : min(pos + _CHUNK, end)])
        return
    if method != zipfile.ZIP_DEFLATED:
        raise _UnreadableEntryError(f"compression method {method} is not used by spreadsheets")
    inflater = zlib.decompressobj(-15)
    pos = start
    try:
        while pos < len(data) and not inflater.eof:
            chunk = view[pos : pos + _CHUNK]
            pos += len(chunk)
            yield inflater.decompress(chunk, _CHUNK)
            while inflater.unconsumed_tail and not inflater.eof:
                yield inflater.decompress(inflater.unconsumed_tail, _CHUNK)
    except zlib.error as exc:
        raise _UnreadableEntryError(str(exc)) from exc
    if not inflater.eof:
        raise _UnreadableEntryError("the compressed data ends early")


def _stream_budget(
    data: bytes,
    infos: list[zipfile.ZipInfo],
    name: str,
    max_total: int,
    max_ratio: int,
    report: GateReport,
) -> list[Issue]:
    """Inflate every entry in chunks, counting real bytes; stop as soon as a budget is exceeded.

    The XML parts are scanned on the way (worksheets: extreme cell references, `<dimension>`, cells held;
    shared strings: declared counts against the strings really there), so what a parser would be asked to
    allocate is known before any parser sees the file.
    """
    total = 0
    size = len(data)
    scanners: list[_PartScanner] = []
    for info in infos:
        if info.is_dir():
            continue
        head = b""
        scanner = _PartScanner(info.filename) if _is_xml(info.filename) else None
        try:
            for chunk in _entry_chunks(data, info):
                # OOXML never declares a DTD; one in an XML part means entity tricks (billion laughs).
                if len(head) < 4096 and _is_xml(info.filename):
                    head += chunk[: 4096 - len(head)]
                    if _declares_dtd(head):
                        return [_issue("xml-doctype", name, value=info.filename)]
                total += len(chunk)
                if total > max_total or (total > _RATIO_FLOOR and total > max_ratio * size):
                    return [_bomb(name, total, size)]
                if scanner is not None:
                    scanner.feed(chunk)
        except _UnreadableEntryError as exc:
            return [_issue("corrupt-file:part", name, value=info.filename, error=exc)]
        if scanner is not None:
            scanner.close()
            scanners.append(scanner)
    return _declared_sizes(scanners, name, report)


# ------------------------------------------------------------------------------ what an .xlsx declares

_MAX_KEEP = 4 * MB  # bytes of a workbook or relationships part kept to name the sheets
_OVERLAP = 64  # bytes carried from one chunk to the next, so that a reference split between them is seen
# A worksheet part up to this size is scanned whole; of a larger one (an export of 100,000 rows is ~70 MB of
# XML, and scanning it all would cost a third of parsing it) the first and the last megabytes are scanned:
# spreadsheet programs write rows in order, so a stray far cell sits at the end. A crafted file that hides
# one in the middle of a large part still cannot take anything down: the parse worker's limits catch it.
FULL_SCAN_BYTES = 8 * MB
_TAIL_BYTES = 2 * MB
_BYTES_PER_CELL = 16  # the least XML a cell with a value takes (<c r="A1"><v>1</v></c> is 22 bytes)
_ROOT = re.compile(rb"<(?:[\w.-]+:)?(worksheet|sst|workbook|Relationships)[\s>/]")
# Patterns that start with a literal, so that the scan runs at the speed of a byte search. Spreadsheet
# programs write `r` first on a row; a row whose `r` comes later only makes the used range look smaller.
_ROW_REF = re.compile(rb'row r="(\d+)"')
# Cell references as calamine reads them (letters in either case, "$" ignored); only the rare ones are matched
# (two letters or more, or seven digits or more), so that a million ordinary cells cost nothing.
_RARE_REF = re.compile(rb'r="\$?(?:([A-Za-z]{2,})\$?(\d+)|([A-Za-z]?)\$?(\d{7,}))"')
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\sref=\"([^\"]*)\"")
_SST_ATTR = re.compile(rb"\s(count|uniqueCount)=\"(\d+)\"")
_SI_OPEN = re.compile(rb"<(?:[\w.-]+:)?si[\s>/]")
_REF_PARTS = re.compile(r"\$?([A-Za-z]+)\$?(\d+)")


def _letters_index(letters: str) -> int:
    """1-based column number of Excel letters (A → 1, XFD → 16384); letters of any length."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def _column_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


class _PartScanner:
    """Follows one XML part chunk by chunk and keeps what the gate bounds (never the whole part)."""

    def __init__(self, part: str) -> None:
        self.part = part
        self.kind: str | None = None
        self._pending = b""  # bytes seen before the root element was recognised
        self._tail = b""
        self.max_row = 0
        self.max_col = 0
        self.cells = 0
        self.bad_ref: str | None = None  # the first reference beyond XFD1048576
        self.dimension: str | None = None
        self.declared: dict[str, int] = {}
        self.strings = 0
        self.text = b""  # workbook and relationships parts: kept (bounded) to name the sheets
        self.size = 0
        self._last: list[bytes] = []  # the last chunks of a large worksheet part, scanned at the end

    def feed(self, chunk: bytes) -> None:
        if self.kind is None:
            self._pending += chunk
            m = _ROOT.search(self._pending)
            if m is None:
                if len(self._pending) > 8192:
                    self.kind, self._pending = "other", b""
                return
            self.kind = m.group(1).decode()
            chunk, self._pending = self._pending, b""
        if self.kind == "worksheet":
            self.size += len(chunk)
            if self.size - len(chunk) < FULL_SCAN_BYTES:
                self._sheet(chunk)
            else:
                self._last = [*self._last, chunk]
                while sum(map(len, self._last)) - len(self._last[0]) >= _TAIL_BYTES:
                    self._last.pop(0)
        elif self.kind == "sst":
            self._sst(chunk)
        elif self.kind in ("workbook", "Relationships") and len(self.text) < _MAX_KEEP:
            self.text += chunk[: _MAX_KEEP - len(self.text)]

    def close(self) -> None:
        if self.kind is None and self._pending:
            pending, self._pending = self._pending, b""
            self.kind = "other"
            m = _ROOT.search(pending)
            if m is not None:
                self.kind = m.group(1).decode()
                self.feed(pending)
        if self._last:  # a large part: its end, then a count of cells estimated from its size
            self._tail = b""
            self._sheet(b"".join(self._last))
            self._last = []
            self.cells = max(self.cells, self.size // _BYTES_PER_CELL)

    def _sheet(self, chunk: bytes) -> None:
        self.cells += chunk.count(b"<c ") + chunk.count(b"<c>") + chunk.count(b":c ")
        buf = self._tail + chunk
        self._tail = chunk[-_OVERLAP:]
        # cell references first, so that a refusal names the cell rather than its row
        for wide, wide_row, short, long_row in sorted(_RARE_REF.findall(buf), reverse=True):
            self._row(int(wide_row or long_row), (wide or short).decode() or None)
        rows = _ROW_REF.findall(buf)
        if rows:
            self._row(max(int(r) for r in rows), None)
        if self.dimension is None and self.size <= _CHUNK:  # it comes before the cells
            m = _DIMENSION.search(buf, 0, 65536)
            if m:
                self.dimension = m.group(1).decode("utf-8", "replace")[:100]
        if self.cells:  # single-letter references are not matched (too many): Z bounds them
            self.max_col = max(self.max_col, 26)

    def _row(self, row: int, letters: str | None) -> None:
        col = _letters_index(letters) if letters else 0
        if self.bad_ref is None and (row > MAX_ROWS or row < 1 or col > MAX_COLUMNS):
            self.bad_ref = f"{letters or ''}{row}"
        self.max_row = max(self.max_row, min(row, MAX_ROWS))
        self.max_col = max(self.max_col, min(col, MAX_COLUMNS))

    def _sst(self, chunk: bytes) -> None:
        if not self.declared:
            head = self._tail + chunk
            root = re.search(rb"<(?:[\w.-]+:)?sst\b[^>]*>", head)
            if root:
                self.declared = {k.decode(): int(v) for k, v in _SST_ATTR.findall(root.group(0))}
                self.declared.setdefault("uniqueCount", -1)
        self.strings += len(_SI_OPEN.findall(chunk))
        self._tail = chunk[-_OVERLAP:] if not self.declared else b""


def _attributes(tag: str) -> dict[str, str]:
    return {k.split(":")[-1]: html.unescape(v) for k, v in re.findall(r'([\w:.-]+)="([^"]*)"', tag)}


def _sheet_names(scanners: list[_PartScanner]) -> dict[str, str]:
    """Zip path of each worksheet → the sheet's name as Excel shows it (from the workbook and its rels)."""
    parts = {s.part: s for s in scanners}
    out: dict[str, str] = {}
    for wb in (s for s in scanners if s.kind == "workbook"):
        folder = posixpath.dirname(wb.part)
        rels = parts.get(posixpath.join(folder, "_rels", posixpath.basename(wb.part) + ".rels"))
        if rels is None:
            continue
        targets: dict[str, str] = {}
        for tag in re.findall(r"<(?:[\w.-]+:)?Relationship\b[^>]*>", rels.text.decode("utf-8", "replace")):
            attrs = _attributes(tag)
            target = attrs.get("Target", "")
            path = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            targets[attrs.get("Id", "")] = path
        for tag in re.findall(r"<(?:[\w.-]+:)?sheet\b[^>]*>", wb.text.decode("utf-8", "replace")):
            attrs = _attributes(tag)
            if attrs.get("id") in targets:
                out[targets[attrs["id"]]] = attrs.get("name", "")
    return out


def _declared_sizes(scanners: list[_PartScanner], name: str, report: GateReport) -> list[Issue]:
    """Refuse references beyond Excel's grid, impossible used ranges and lying shared-string counts."""
    names = _sheet_names(scanners)
    issues: list[Issue] = []
    for sc in scanners:
        sheet = names.get(sc.part, sc.part)
        if sc.kind == "worksheet":
            issues += _sheet_issues(sc, sheet, name)
            report.sheets.append(SheetShape(sc.part, sheet, sc.max_row, sc.max_col, sc.cells))
        elif sc.kind == "sst":
            issues += _sst_issues(sc, name)
    return issues


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "…"


def _sheet_issues(sc: _PartScanner, sheet: str, name: str) -> list[Issue]:
    limit = f"{_column_letters(MAX_COLUMNS)}{MAX_ROWS}"
    if sc.bad_ref is not None:
        return [
            _issue(
                "xlsx-cell-out-of-range",
                name,
                sheet=sheet,
                value=_shown(sc.bad_ref),
                expected=f"a cell within A1:{limit}",
                limit=limit,
            )
        ]
    issues = []
    if sc.dimension:
        ends = sc.dimension.split(":")
        for end in ends:
            m = _REF_PARTS.fullmatch(end.strip())
            if m is None or not (
                1 <= int(m.group(2)) <= MAX_ROWS and _letters_index(m.group(1)) <= MAX_COLUMNS
            ):
                issues.append(
                    _issue(
                        "xlsx-dimension-out-of-range",
                        name,
                        sheet=sheet,
                        value=_shown(sc.dimension),
                        expected=f"a range within A1:{limit}",
                        limit=limit,
                    )
                )
                break
    area = sc.max_row * sc.max_col
    if area > MAX_GRID_CELLS and not (area > SPARSE_MIN_AREA + SPARSE_FACTOR * sc.cells):
        last = f"{_column_letters(sc.max_col)}{sc.max_row}"
        issues.append(
            _issue(
                "xlsx-too-many-cells",
                name,
                sheet=sheet,
                value=f"A1:{last}",
                expected=f"at most {MAX_GRID_CELLS:,} cells",
                rows=sc.max_row,
                columns=sc.max_col,
                area=area,
                limit=MAX_GRID_CELLS,
            )
        )
    return issues


def _sst_issues(sc: _PartScanner, name: str) -> list[Issue]:
    unique, count = sc.declared.get("uniqueCount", -1), sc.declared.get("count", -1)
    issues = []
    if unique > sc.strings + SHARED_STRINGS_SLACK or count > MAX_GRID_CELLS:
        key, n = ("uniqueCount", unique) if unique > sc.strings + SHARED_STRINGS_SLACK else ("count", count)
        issues.append(
            _issue(
                "xlsx-shared-strings-count",
                name,
                value=f"{key}={n:,}",
                expected=f"at most {sc.strings + SHARED_STRINGS_SLACK:,}",
                part=sc.part,
                key=key,
                declared=n,
                strings=sc.strings,
            )
        )
    return issues


def sniff_text_encoding(data: bytes, *, partial: bool = False) -> str | None:
    """The encoding a text file decodes with (BOM, then strict UTF-8, then Windows-1258), or None.

    With `partial`, `data` is the head of a longer file: a letter cut at its end is not an error.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp1258"]
    for enc in candidates:
        try:
            codecs.getincrementaldecoder(enc)().decode(data, final=not partial)
        except UnicodeDecodeError:
            continue
        return enc
    return None


def _check_text(data: bytes, name: str, what: str | None) -> list[Issue]:
    if what is not None:
        return [_mismatch(name, ".csv", what)]
    # Only the head is decoded: decoding a CSV of millions of rows here would cost as much as reading it,
    # and the loader decodes every byte anyway (and reports a bad byte further on as an encoding error).
    # The NUL test is a byte search, cheap over the whole file.
    encoding = sniff_text_encoding(data[:TEXT_HEAD_BYTES], partial=len(data) > TEXT_HEAD_BYTES)
    if encoding is None or (encoding != "utf-16" and b"\x00" in data):
        return [_issue("not-text", name, expected="text in UTF-8, UTF-16 or Windows-1258")]
    return []
