"""CSV encodings: sniffing, transcoding to UTF-8 in chunks, NFC, and refusing legacy font encodings."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import polars as pl
import pytest

import ioc.csvread as csvread
from ioc.csvread import decode_bytes, legacy_font, open_utf8, sniff_delimiter, sniff_encoding
from ioc.export_writers import encode_cp1258

TEXT = "Mã hồ sơ,Đơn vị tiếp nhận,Hình thức nộp\r\nHS-1,Phường Hiến Nam,Trực tuyến\r\nHS-2,Xã Tân Hòa,Bưu chính công ích\r\n"


def test_sniff_encoding() -> None:
    assert sniff_encoding(codecs.BOM_UTF8 + TEXT.encode()) == "utf-8-sig"
    assert sniff_encoding(TEXT.encode()) == "utf-8"
    assert sniff_encoding(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")) == "utf-16-le"
    assert sniff_encoding(codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be")) == "utf-16-be"
    assert sniff_encoding(TEXT.encode("utf-16-le")) == "utf-16-le"  # no BOM: told by the zero bytes
    assert sniff_encoding(encode_cp1258(TEXT)) == "cp1258"
    # a letter cut at the end of the sniffed head is still UTF-8
    assert sniff_encoding("Hòa".encode()[:-1]) == "utf-8"


@pytest.mark.parametrize(
    ("data", "encoding", "transcoded"),
    [
        (TEXT.encode(), "utf-8", False),
        (codecs.BOM_UTF8 + TEXT.encode(), "utf-8-sig", False),
        (codecs.BOM_UTF16_LE + TEXT.replace(",", "\t").encode("utf-16-le"), "utf-16-le", True),
        (encode_cp1258(TEXT), "cp1258", True),
    ],
)
def test_every_encoding_reads_the_same(tmp_path: Path, data: bytes, encoding: str, transcoded: bool) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    tf, issues = open_utf8(path)
    assert issues == [] and tf is not None
    assert (tf.encoding, tf.transcoded) == (encoding, transcoded)
    df = pl.scan_csv(tf.path, separator=tf.delimiter, infer_schema=False).collect()
    tf.cleanup()
    assert df.columns == ["Mã hồ sơ", "Đơn vị tiếp nhận", "Hình thức nộp"]
    assert df.get_column("Đơn vị tiếp nhận").to_list() == ["Phường Hiến Nam", "Xã Tân Hòa"]
    assert not tf.path.exists() or not transcoded


def test_cp1258_decomposed_text_becomes_nfc(tmp_path: Path) -> None:
    data = encode_cp1258(TEXT)
    assert b"\xd2" in data or b"\xde" in data or b"\xf2" in data  # combining tone marks in the bytes
    path = tmp_path / "w.csv"
    path.write_bytes(data)
    tf, _ = open_utf8(path)
    text = tf.path.read_bytes().decode("utf-8")
    tf.cleanup()
    assert text == TEXT and unicodedata.is_normalized("NFC", text)


def test_nfd_bytes_are_normalised_when_decoded() -> None:
    text, enc = decode_bytes(unicodedata.normalize("NFD", TEXT).encode())
    assert enc == "utf-8" and text == TEXT


def test_chunks_never_split_a_letter_from_its_tone_mark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvread, "CHUNK_BYTES", 7)  # tiny chunks: cuts fall inside letters and lines
    big = TEXT + "".join(f"HS-{i},Xã Tân Hòa,Trực tuyến\r\n" for i in range(3, 200))
    path = tmp_path / "w.csv"
    path.write_bytes(encode_cp1258(big))
    seen: list[int] = []
    tf, _ = open_utf8(path, progress=lambda n, total: seen.append(n))
    text = tf.path.read_bytes().decode("utf-8")
    tf.cleanup()
    assert text == big
    assert seen and seen[-1] <= big.count("\n")


def test_tcvn3_is_refused_with_a_vietnamese_message(tmp_path: Path) -> None:
    tcvn3 = "§¬n vÞ,Ghi chó\r\nB¶o Th¾ng,Mêng Kh¬ng\r\n"  # "Đơn vị", "Bảo Thắng", "Mường Khương" in .VnTime
    path = tmp_path / "old.csv"
    path.write_bytes(tcvn3.encode("latin-1"))  # the bytes of the .VnTime font
    tf, issues = open_utf8(path)
    assert tf is None
    (e,) = issues
    assert e.code == "legacy-font-encoding" and "TCVN3" in e.message_vi and "Unikey" in e.hint_vi
    # the same text saved as UTF-8 by someone who opened it in Excel is refused too
    path.write_bytes(tcvn3.encode("utf-8"))
    assert open_utf8(path)[1][0].code == "legacy-font-encoding"


def test_vni_and_unicode_are_told_apart() -> None:
    assert legacy_font("Vieät Nam, Ñoàng Nai, Hoaø Bình") == "VNI"
    assert legacy_font("B¶o Th¾ng, Mêng Kh¬ng") == "TCVN3"
    assert legacy_font("Việt Nam, Đồng Nai, Hòa Bình, Võ Thị Sáu, Hùng Vương") is None


def test_broken_utf16_is_an_issue(tmp_path: Path) -> None:
    path = tmp_path / "u.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "ab\tcd\n".encode("utf-16-le") + b"\x00\xd8")  # lone surrogate
    tf, issues = open_utf8(path)
    assert tf is None and issues[0].code == "csv-encoding" and "Unicode Text" in issues[0].hint


def test_sniff_delimiter() -> None:
    assert sniff_delimiter("a\tb\tc") == "\t"
    assert sniff_delimiter("a;b;c") == ";"
    assert sniff_delimiter("a,b;c") == ","
    assert sniff_delimiter("abc") == ","
