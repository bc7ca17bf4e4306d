"""The upload gate: checks on a file's raw bytes (size, type, zip budget, macros) before any parser runs.

Parsers (calamine, openpyxl) trust what a file declares; this gate trusts nothing: it reads the zip
directory itself and stream-decompresses every entry under a running byte cap (ECOSYSTEM §3.2).
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
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


def _issue(code: str, message: str, message_vi: str, name: str, **kw: str | None) -> Issue:
    return Issue(code=code, message=message, message_vi=message_vi, file=name, **kw)


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
        return _check_zip(data, name, max_uncompressed=max_uncompressed, max_ratio=max_ratio)
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


def _check_zip(data: bytes, name: str, *, max_uncompressed: int, max_ratio: int) -> list[Issue]:
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
        return _stream_budget(data, infos, name, max_uncompressed, max_ratio)


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
    data: bytes, infos: list[zipfile.ZipInfo], name: str, max_total: int, max_ratio: int
) -> list[Issue]:
    """Inflate every entry in chunks, counting real bytes; stop as soon as a budget is exceeded."""
    total = 0
    size = len(data)
    for info in infos:
        if info.is_dir():
            continue
        head = b""
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
    return []


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
