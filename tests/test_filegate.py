"""The upload gate on hand-made hostile files: zip bomb, renamed program, macros, path traversal, DTDs."""

from __future__ import annotations

import io
import time
import unicodedata
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from ioc.filegate import MB, TEXT_HEAD_BYTES, check_file, sniff_text_encoding


def codes(data: bytes, name: str, **kw) -> list[str]:
    return [i.code for i in check_file(data, name, **kw)]


def real_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Dữ liệu"
    ws.append(["Mã xã", "Chỉ tiêu", "Kỳ", "Giá trị"])
    ws.append(["90001", "online_rate", "2025-08", 84.63])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def zip_with(entries: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_a_real_workbook_passes() -> None:
    assert check_file(real_xlsx(), "bao_cao.xlsx") == []


def test_a_real_xls_header_and_csv_text_pass() -> None:
    assert check_file(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600, "old.xls") == []
    assert check_file('Mã xã,Giá trị\n90001,"84,63"\n'.encode(), "x.csv") == []
    assert check_file("Mã xã,Giá trị\n".encode("utf-16"), "x.csv") == []
    assert check_file(unicodedata.normalize("NFD", "Mã xã,Giá trị\n").encode("cp1258"), "x.csv") == []


def test_zip_bomb_is_refused_fast_with_little_memory(tmp_path: Path) -> None:
    # 300 MB of zeros as a "sheet", written in chunks so the test never holds it in memory.
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            chunk = b"\0" * MB
            for _ in range(300):
                fh.write(chunk)
    data = path.read_bytes()
    assert len(data) < 2 * MB  # tiny on disk
    t0 = time.perf_counter()
    issues = check_file(data, "bomb.xlsx")
    assert [i.code for i in issues] == ["zip-bomb"]
    assert time.perf_counter() - t0 < 10
    assert issues[0].message_vi


def test_the_ratio_budget_also_catches_a_smaller_bomb() -> None:
    data = zip_with({"xl/worksheets/sheet1.xml": b"\0" * (30 * MB)})
    assert codes(data, "x.xlsx") == ["zip-bomb"]
    # the same content is fine under a generous explicit budget
    assert codes(data, "x.xlsx", max_ratio=100_000) == []


def test_declared_sizes_are_not_trusted() -> None:
    # Forge the archive: the 5 MB entry claims to be 10 bytes, with the CRC of those 10 bytes, so a
    # reader that believes the header (Python's zipfile does) sees a valid 10-byte part.
    content = b"A" * (5 * MB)
    data = bytearray(zip_with({"xl/worksheets/sheet1.xml": content}))
    crc = zlib.crc32(content[:10]).to_bytes(4, "little")
    for header, at in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):  # local header, central directory
        pos = data.find(header)
        data[pos + at : pos + at + 4] = crc
        data[pos + at + 8 : pos + at + 12] = (10).to_bytes(4, "little")  # uncompressed size
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        assert zf.read("xl/worksheets/sheet1.xml") == b"A" * 10  # the lie works on a trusting reader
    assert codes(bytes(data), "x.xlsx", max_uncompressed=1 * MB) == ["zip-bomb"]


def test_a_renamed_program_is_refused() -> None:
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 200 + b"This program cannot be run in DOS mode"
    assert codes(exe, "bao_cao.xlsx") == ["not-a-spreadsheet"]
    assert codes(exe, "bao_cao.csv") == ["not-a-spreadsheet"]


def test_macros_are_refused() -> None:
    data = zip_with({"[Content_Types].xml": b"<Types/>", "xl/vbaProject.bin": b"\x01" * 100})
    assert codes(data, "x.xlsx") == ["macros-not-allowed"]
    assert codes(real_xlsx(), "x.xlsm") == ["macros-not-allowed"]
    xls_with_vba = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 100 + "_VBA_PROJECT".encode("utf-16-le")
    assert codes(xls_with_vba, "x.xls") == ["macros-not-allowed"]


@pytest.mark.parametrize(
    "entry", ["../../etc/cron.d/evil", "/etc/passwd", "C:\\Windows\\evil.dll", "xl/../../x"]
)
def test_path_traversal_entries_are_refused(entry: str) -> None:
    data = zip_with({"[Content_Types].xml": b"<Types/>", entry: b"x"})
    assert codes(data, "x.xlsx") == ["zip-unsafe-path"]


def test_too_many_entries_are_refused() -> None:
    data = zip_with({f"xl/part{i}.xml": b"<a/>" for i in range(501)}, method=zipfile.ZIP_STORED)
    assert codes(data, "x.xlsx") == ["zip-too-many-entries"]


def test_an_xml_part_with_a_dtd_is_refused() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><a>&lol2;</a>'
    )
    data = zip_with({"[Content_Types].xml": b"<Types/>", "xl/sharedStrings.xml": laughs})
    assert codes(data, "x.xlsx") == ["xml-doctype"]


def test_type_mismatches_and_unsupported_files() -> None:
    assert codes(b"", "x.xlsx") == ["empty-file"]
    assert codes(b"a,b\n1,2\n", "x.xlsx") == ["extension-mismatch"]
    assert codes(real_xlsx(), "x.xls") == ["extension-mismatch"]
    assert codes(real_xlsx(), "x.csv") == ["extension-mismatch"]
    assert codes(b"<html><table><tr><td>1</td></tr></table></html>", "export.xls") == ["extension-mismatch"]
    assert codes(b"hello", "notes.docx") == ["unsupported-file-type"]
    assert codes(b"hello", "noextension") == ["unsupported-file-type"]
    assert codes(b"\x81\x8d\x8f\x90\x9d" * 10, "x.csv") == ["not-text"]
    assert codes(b"a,b\x00,c\n", "x.csv") == ["not-text"]
    # password-protected xlsx files are OLE containers: the hint says so
    enc = check_file(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 100, "secret.xlsx")
    assert [i.code for i in enc] == ["extension-mismatch"] and "password" in (enc[0].hint or "")


def test_size_limit() -> None:
    data = b"a,b\n" * (MB // 4 + 1)
    assert codes(data, "x.csv", max_bytes=1 * MB) == ["file-too-large"]
    assert codes(data, "x.csv", max_bytes=2 * MB) == []


def test_only_the_head_of_a_big_text_file_is_decoded() -> None:
    """Decoding a CSV of millions of rows would cost as much as reading it; the loader decodes every byte."""
    body = "Mã xã,Giá trị\n".encode() + b"90001,84\n" * (TEXT_HEAD_BYTES // 9 + 1)
    assert codes(body + b"90002,\x81\x8d\n", "x.csv") == []  # past the head: the loader reports it
    assert codes(b"90002,\x81\x8d\n" + body, "x.csv") == ["not-text"]
    assert codes(body + b"a,b\x00,c\n", "x.csv") == ["not-text"]  # a NUL byte is searched for everywhere
    # a letter cut by the end of the head is not an error
    cut = b"a" * (TEXT_HEAD_BYTES - 1) + "ò".encode() + b"\n"
    assert codes(cut, "x.csv") == []


def test_corrupt_zip_is_reported() -> None:
    data = real_xlsx()
    assert codes(data[: len(data) // 2], "x.xlsx") == ["corrupt-file"]


def test_sniff_text_encoding() -> None:
    assert sniff_text_encoding("a".encode("utf-8-sig")) == "utf-8-sig"
    assert sniff_text_encoding("Hòa".encode("utf-16")) == "utf-16"
    assert sniff_text_encoding("Hòa".encode()) == "utf-8"
    assert sniff_text_encoding(unicodedata.normalize("NFD", "Hòa").encode("cp1258")) == "cp1258"
