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

from ioc.issues import Issue

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
_EXECUTABLE_MAGICS = {
    b"MZ": "a Windows program (.exe/.dll)",
    b"\x7fELF": "a Linux program",
    b"%PDF": "a PDF document",
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


def _issue(code: str, message: str, message_vi: str, name: str, **kw: str | None) -> Issue:
    return Issue(code=code, message=message, message_vi=message_vi, file=name, **kw)


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
    """A plain description of what the bytes really are, when it is something we recognise."""
    for magic, what in _EXECUTABLE_MAGICS.items():
        if data.startswith(magic):
            return what
    if data.startswith(_XLSX_MAGIC):
        return "a zip archive (an .xlsx workbook or another zip)"
    if data.startswith(_OLE_MAGIC):
        return "an old-format Excel file (.xls) or a password-protected workbook"
    head = data[:512].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype html", b"<table")):
        return "a web page (HTML) saved with a spreadsheet name"
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
        return [_issue("empty-file", "The file is empty.", "Tệp rỗng, không có dữ liệu.", name)]
    if len(data) > max_bytes:
        return [
            _issue(
                "file-too-large",
                f"The file is {len(data) / MB:.1f} MB; the limit is {max_bytes / MB:.0f} MB.",
                f"Tệp có dung lượng {len(data) / MB:.1f} MB, vượt giới hạn {max_bytes / MB:.0f} MB.",
                name,
                value=f"{len(data)} bytes",
                expected=f"at most {max_bytes} bytes",
                hint="Split the file by month, or ask the administrator to ingest it from the inbox folder.",
                hint_vi="Hãy tách tệp theo tháng, hoặc nhờ quản trị viên nạp tệp qua thư mục inbox.",
            )
        ]
    what = _what_it_is(data)
    if any(data.startswith(m) for m in _EXECUTABLE_MAGICS):
        return [
            _issue(
                "not-a-spreadsheet",
                f"The file is named {name!r} but it is {what}, not a spreadsheet.",
                f"Tệp tên {name!r} nhưng thực chất không phải bảng tính.",
                name,
                value=what,
                expected=", ".join(EXTENSIONS),
            )
        ]
    if ext == ".xlsm" or ext == ".xlsb":
        return [
            _issue(
                "macros-not-allowed",
                f"{ext} workbooks may carry macros and are not accepted.",
                f"Không nhận tệp {ext} (có thể chứa macro).",
                name,
                value=ext,
                expected=".xlsx",
                hint="Save the workbook as 'Excel Workbook (*.xlsx)'.",
                hint_vi="Hãy lưu lại tệp dưới dạng 'Excel Workbook (*.xlsx)'.",
            )
        ]
    if ext not in EXTENSIONS:
        return [
            _issue(
                "unsupported-file-type",
                f"Files of type {ext or '(no extension)'} are not accepted.",
                f"Không nhận loại tệp {ext or '(không có phần mở rộng)'}.",
                name,
                value=ext or None,
                expected=", ".join(EXTENSIONS),
                hint="Upload the template workbook (.xlsx), an .xls report, or a .csv export.",
                hint_vi="Hãy tải lên tệp mẫu (.xlsx), báo cáo .xls hoặc tệp .csv xuất từ hệ thống.",
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
            return [
                _issue(
                    "macros-not-allowed",
                    "The workbook contains macros (VBA); workbooks with macros are not accepted.",
                    "Tệp có chứa macro (VBA); không nhận tệp có macro.",
                    name,
                    hint="Save a copy as 'Excel Workbook (*.xlsx)' and upload that.",
                    hint_vi="Hãy lưu một bản dạng 'Excel Workbook (*.xlsx)' rồi tải lên bản đó.",
                )
            ]
        return []
    return _check_text(data, name, what)


def _mismatch(name: str, ext: str, what: str | None) -> Issue:
    hint = "Open the file in Excel and save it as 'Excel Workbook (*.xlsx)'."
    hint_vi = "Hãy mở tệp bằng Excel và lưu lại dưới dạng 'Excel Workbook (*.xlsx)'."
    if what and "password" in what and ext == ".xlsx":
        hint = "The workbook may be password-protected: remove the password, or " + hint[0].lower() + hint[1:]
        hint_vi = "Tệp có thể đang đặt mật khẩu: hãy bỏ mật khẩu, hoặc " + hint_vi[0].lower() + hint_vi[1:]
    return _issue(
        "extension-mismatch",
        f"The file is named {ext} but its content is {what or 'not a ' + ext + ' file'}.",
        f"Tệp có đuôi {ext} nhưng nội dung không đúng định dạng {ext}.",
        name,
        value=what,
        expected=f"a real {ext} file",
        hint=hint,
        hint_vi=hint_vi,
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
        return [
            _issue(
                "corrupt-file",
                f"The workbook cannot be opened: it is damaged or incomplete ({exc}).",
                "Không mở được tệp: tệp bị hỏng hoặc chưa tải lên đầy đủ.",
                name,
                hint="Open it in Excel, save it again and re-upload.",
                hint_vi="Hãy mở tệp bằng Excel, lưu lại rồi tải lên lại.",
            )
        ]
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            return [
                _issue(
                    "zip-too-many-entries",
                    f"The workbook has {len(infos)} internal parts; at most {MAX_ENTRIES} are accepted.",
                    f"Tệp có {len(infos)} thành phần bên trong, vượt giới hạn {MAX_ENTRIES}.",
                    name,
                    value=str(len(infos)),
                    expected=f"at most {MAX_ENTRIES}",
                )
            ]
        issues: list[Issue] = []
        for info in infos:
            if _unsafe_name(info.filename):
                issues.append(
                    _issue(
                        "zip-unsafe-path",
                        f"The workbook contains a part with an unsafe path: {info.filename!r}.",
                        f"Tệp chứa thành phần có đường dẫn không an toàn: {info.filename!r}.",
                        name,
                        value=info.filename,
                    )
                )
            base = PurePosixPath(info.filename.replace("\\", "/")).name.lower()
            if base == "vbaproject.bin" or "/activex/" in f"/{info.filename.lower()}":
                issues.append(
                    _issue(
                        "macros-not-allowed",
                        "The workbook contains macros or ActiveX controls; they are not accepted.",
                        "Tệp có chứa macro hoặc ActiveX; không nhận tệp loại này.",
                        name,
                        value=info.filename,
                        hint="Save a copy as 'Excel Workbook (*.xlsx)' and upload that.",
                        hint_vi="Hãy lưu một bản dạng 'Excel Workbook (*.xlsx)' rồi tải lên bản đó.",
                    )
                )
            if info.flag_bits & 0x1:
                issues.append(
                    _issue(
                        "encrypted-file",
                        "Part of the workbook is encrypted.",
                        "Một phần của tệp bị mã hóa.",
                        name,
                        value=info.filename,
                        hint="Remove the password and upload again.",
                        hint_vi="Hãy bỏ mật khẩu rồi tải lên lại.",
                    )
                )
        if issues:
            return issues
        return _stream_budget(data, infos, name, max_uncompressed, max_ratio, report)


def _bomb(name: str, total: int, size: int) -> Issue:
    return _issue(
        "zip-bomb",
        f"The workbook expands to more than {total / MB:.0f} MB from {size / MB:.2f} MB: refused as unsafe.",
        f"Tệp giải nén ra hơn {total / MB:.0f} MB từ {size / MB:.2f} MB: bị từ chối vì không an toàn.",
        name,
        value=f"> {total} bytes uncompressed",
        hint="If this is a genuine workbook, remove empty formatted rows and columns and save again.",
        hint_vi="Nếu đây là tệp thật, hãy xóa các dòng/cột trống đã định dạng rồi lưu lại.",
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
                        return [
                            _issue(
                                "xml-doctype",
                                f"Part {info.filename!r} declares a DTD, which spreadsheets never do.",
                                f"Thành phần {info.filename!r} khai báo DTD, điều tệp bảng tính không có.",
                                name,
                                value=info.filename,
                            )
                        ]
                total += len(chunk)
                if total > max_total or (total > _RATIO_FLOOR and total > max_ratio * size):
                    return [_bomb(name, total, size)]
                if scanner is not None:
                    scanner.feed(chunk)
        except _UnreadableEntryError as exc:
            return [
                _issue(
                    "corrupt-file",
                    f"Part {info.filename!r} of the workbook cannot be read ({exc}).",
                    f"Không đọc được thành phần {info.filename!r} của tệp.",
                    name,
                    value=info.filename,
                    hint="Open it in Excel, save it again and re-upload.",
                    hint_vi="Hãy mở tệp bằng Excel, lưu lại rồi tải lên lại.",
                )
            ]
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


def _vi(n: int) -> str:
    """A count written the Vietnamese way (1.048.576)."""
    return f"{n:,}".replace(",", ".")


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "…"


def _sheet_issues(sc: _PartScanner, sheet: str, name: str) -> list[Issue]:
    limit = f"{_column_letters(MAX_COLUMNS)}{MAX_ROWS}"
    hint = (
        "Delete the stray cell (Ctrl+End shows the last cell Excel uses), save the workbook and upload again."
    )
    hint_vi = "Hãy xóa ô lạc đó (Ctrl+End cho thấy ô cuối Excel đang dùng), lưu lại rồi tải lên lại."
    if sc.bad_ref is not None:
        return [
            _issue(
                "xlsx-cell-out-of-range",
                f"Sheet '{sheet}' has a cell at {_shown(sc.bad_ref)}, beyond the last cell Excel allows "
                f"({limit}): the file was not written by a spreadsheet program and is refused as unsafe.",
                f"Trang '{sheet}' có ô tại {_shown(sc.bad_ref)}, vượt ô cuối cùng Excel cho phép ({limit}): "
                "tệp không do chương trình bảng tính tạo ra và bị từ chối vì không an toàn.",
                name,
                sheet=sheet,
                value=_shown(sc.bad_ref),
                expected=f"a cell within A1:{limit}",
                hint="Open the data in Excel, save it as a new workbook and upload that.",
                hint_vi="Hãy mở dữ liệu bằng Excel, lưu thành tệp mới rồi tải lên tệp đó.",
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
                        f"Sheet '{sheet}' declares its used range as {_shown(sc.dimension)!r}, which is not "
                        f"a range within A1:{limit}: refused as unsafe.",
                        f"Trang '{sheet}' khai báo vùng dữ liệu {_shown(sc.dimension)!r}, không nằm trong "
                        f"A1:{limit}: bị từ chối vì không an toàn.",
                        name,
                        sheet=sheet,
                        value=_shown(sc.dimension),
                        expected=f"a range within A1:{limit}",
                        hint="Open the data in Excel, save it as a new workbook and upload that.",
                        hint_vi="Hãy mở dữ liệu bằng Excel, lưu thành tệp mới rồi tải lên tệp đó.",
                    )
                )
                break
    area = sc.max_row * sc.max_col
    if area > MAX_GRID_CELLS and not (area > SPARSE_MIN_AREA + SPARSE_FACTOR * sc.cells):
        last = f"{_column_letters(sc.max_col)}{sc.max_row}"
        issues.append(
            _issue(
                "xlsx-too-many-cells",
                f"Sheet '{sheet}' uses A1:{last}, {sc.max_row:,} rows × {sc.max_col:,} columns = {area:,} cells; "
                f"at most {MAX_GRID_CELLS:,} are read.",
                f"Trang '{sheet}' dùng vùng A1:{last}, {_vi(sc.max_row)} dòng × {_vi(sc.max_col)} cột = "
                f"{_vi(area)} ô; chỉ đọc tối đa {_vi(MAX_GRID_CELLS)} ô.",
                name,
                sheet=sheet,
                value=f"A1:{last}",
                expected=f"at most {MAX_GRID_CELLS:,} cells",
                hint="Split the data over several files (for example one per month). " + hint,
                hint_vi="Hãy tách dữ liệu thành nhiều tệp (ví dụ mỗi tháng một tệp). " + hint_vi,
            )
        )
    return issues


def _sst_issues(sc: _PartScanner, name: str) -> list[Issue]:
    unique, count = sc.declared.get("uniqueCount", -1), sc.declared.get("count", -1)
    issues = []
    if unique > sc.strings + SHARED_STRINGS_SLACK or count > MAX_GRID_CELLS:
        key, n = ("uniqueCount", unique) if unique > sc.strings + SHARED_STRINGS_SLACK else ("count", count)
        what, what_vi = f"{key}={n:,}", f"{key}={_vi(n)}"
        issues.append(
            _issue(
                "xlsx-shared-strings-count",
                f"The workbook's shared-strings table ({sc.part}) declares {what} but holds {sc.strings:,} "
                "text(s): a spreadsheet reader would reserve memory for the declared number, so the file is "
                "refused as unsafe.",
                f"Bảng chuỗi dùng chung của tệp ({sc.part}) khai báo {what_vi} nhưng chỉ có {_vi(sc.strings)} chuỗi: "
                "trình đọc bảng tính sẽ cấp phát bộ nhớ theo số khai báo, nên tệp bị từ chối vì không an toàn.",
                name,
                value=what,
                expected=f"at most {sc.strings + SHARED_STRINGS_SLACK:,}",
                hint="Open the data in Excel, save it as a new workbook and upload that.",
                hint_vi="Hãy mở dữ liệu bằng Excel, lưu thành tệp mới rồi tải lên tệp đó.",
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
        return [
            _issue(
                "not-text",
                "The file is named .csv but is not readable text.",
                "Tệp có đuôi .csv nhưng không phải văn bản đọc được.",
                name,
                expected="text in UTF-8, UTF-16 or Windows-1258",
                hint="Export the table again as CSV (UTF-8).",
                hint_vi="Hãy xuất lại bảng dưới dạng CSV (UTF-8).",
            )
        ]
    return []
