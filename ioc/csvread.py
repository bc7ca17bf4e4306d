"""CSV bytes to text Polars can scan: encoding sniffing, transcoding to UTF-8, NFC, legacy-font detection.

Excel saves "CSV UTF-8" (with a BOM), plain CSV in the Windows code page (cp1258 for Vietnamese) and
"Unicode text" (UTF-16 LE with a BOM, tab-separated). `pl.scan_csv` reads only UTF-8, so anything else
is transcoded once, in chunks, into a UTF-8 temporary file. Text typed with the legacy 8-bit font
encodings TCVN3 (ABC, .VnTime) or VNI looks like "B¶o Th¾ng" once decoded and is refused with a message
saying how to convert it — it is never guessed at.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ioc.issues import Issue
from ioc.messages import issue

Progress = Callable[[int, int | None], None]  # the same shape as data_sources.Progress

HEAD_BYTES = 1 << 20  # bytes looked at to decide the encoding and the delimiter
CHUNK_BYTES = 8 << 20  # transcoding chunk
# TCVN3 (ABC) letters decoded as cp1258/Latin-1: "ả" → "¶", "ắ" → "¾", "ơ" → "¬", "ư" → soft hyphen …
# (©, ®, «, », · are left out: they also occur in ordinary Unicode text).
TCVN3_SIGNATURE = frozenset("¨ª¬\u00adµ¶¸¹¼½¾ÆÇ")
# VNI letters are a base letter plus a mark byte: "à" → "aø", "ả" → "aû", "đ" → "ñ", "ư" → "ö" …
# None of these characters is a precomposed Vietnamese letter.
VNI_SIGNATURE = frozenset("øûïñöäåëÿüØÛÏÑÖÄÅË")
_LEGACY_MIN = 2  # signature characters needed …
_LEGACY_SHARE = 0.01  # … and their share of the letters

Encoding = Literal["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "cp1258"]
LegacyFont = Literal["TCVN3", "VNI"]


@dataclass(frozen=True)
class TextFile:
    """A CSV as Polars can scan it: UTF-8 (the original file or a transcoded temporary copy)."""

    path: Path
    encoding: str  # what the original was: utf-8, utf-8-sig, utf-16-le, utf-16-be, cp1258
    delimiter: str
    transcoded: bool
    original: Path

    def cleanup(self) -> None:
        """Delete the temporary UTF-8 copy (nothing when the original was scanned directly)."""
        if self.transcoded:
            self.path.unlink(missing_ok=True)


def nfc(text: str) -> str:
    """NFC form of a string (decomposed text from cp1258 or some keyboards becomes precomposed)."""
    return unicodedata.normalize("NFC", text)


def sniff_encoding(head: bytes) -> Encoding:
    """Guess the encoding from the first bytes: BOM → UTF-8/UTF-16; else strict UTF-8; else cp1258.

    UTF-16 without a BOM is recognised by its zero bytes (ASCII text has one in every other byte).
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    sample = head[:4096]
    if len(sample) >= 4 and sample.count(0) > len(sample) // 4:
        odd_zeros = sample[1::2].count(0)
        return "utf-16-le" if odd_zeros > sample[0::2].count(0) else "utf-16-be"
    try:
        # an incremental decoder forgives a multi-byte letter cut at the end of the sample
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1258"


def legacy_font(text: str) -> LegacyFont | None:
    """ "TCVN3" or "VNI" when the text looks typed with a legacy Vietnamese font encoding, else None."""
    letters = sum(1 for ch in text if ch.isalpha())
    if not letters:
        return None
    for name, signature in (("TCVN3", TCVN3_SIGNATURE), ("VNI", VNI_SIGNATURE)):
        hits = sum(1 for ch in text if ch in signature)
        if hits >= _LEGACY_MIN and hits >= _LEGACY_SHARE * letters:
            return name  # type: ignore[return-value]
    return None


def legacy_font_issue(
    font: LegacyFont, *, file: str | None = None, sheet: str | None = None, sample: str | None = None
) -> Issue:
    """The error for a file typed in TCVN3/VNI: what it is and how to convert it (Unikey)."""
    return issue(
        "legacy-font-encoding",
        file=file,
        sheet=sheet,
        value=sample,
        font=font,
        sample=sample or "",
        source="TCVN3 (ABC)" if font == "TCVN3" else "VNI Windows",
    )


def _legacy_sample(text: str, font: LegacyFont) -> str:
    signature = TCVN3_SIGNATURE if font == "TCVN3" else VNI_SIGNATURE
    for word in text.split():
        if any(ch in signature for ch in word):
            return word[:40]
    return text[:40]


def check_legacy_font(text: str, *, file: str | None = None, sheet: str | None = None) -> Issue | None:
    """The legacy-font error for `text`, or None when the text is ordinary Unicode."""
    font = legacy_font(text)
    if font is None:
        return None
    return legacy_font_issue(font, file=file, sheet=sheet, sample=_legacy_sample(text, font))


def sniff_delimiter(line: str) -> str:
    """The delimiter of a header line: the most frequent of tab, comma and semicolon (comma on a tie)."""
    counts = {d: line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode a small file entirely: (NFC text without BOM, encoding used); raises UnicodeDecodeError."""
    enc = encoding or sniff_encoding(data[:HEAD_BYTES])
    codec = (
        "utf-16"
        if enc.startswith("utf-16") and data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
        else enc
    )
    text = data.decode(codec)
    return nfc(text.removeprefix("\ufeff")), enc


def _encoding_issue(file: str, enc: str, err: UnicodeDecodeError, offset: int) -> Issue:
    return issue("csv-encoding", file=file, encoding=enc, position=str(offset + err.start))


def head_lines(tf: TextFile, n: int = 40) -> list[list[str]]:
    """The first `n` records of a UTF-8 text file, parsed with the csv module (quotes respected)."""
    with tf.path.open(encoding="utf-8-sig", newline="") as fh:
        text = fh.read(HEAD_BYTES)
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=tf.delimiter)
    try:
        for rec in reader:
            rows.append([nfc(c) for c in rec])
            if len(rows) >= n:
                break
    except csv.Error:
        pass
    return rows


def open_utf8(
    path: Path,
    *,
    file: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    workdir: Path | None = None,
    progress: Progress | None = None,
) -> tuple[TextFile | None, list[Issue]]:
    """Make `path` scannable by Polars: UTF-8 files as they are, others transcoded (NFC) to a temp file.

    Returns (None, issues) when the bytes are not text in a supported encoding or use a legacy font.
    `encoding`/`delimiter` force what would otherwise be sniffed. Call `TextFile.cleanup()` when done.
    """
    path = Path(path)
    file = file or path.name
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    enc = encoding or sniff_encoding(head)
    codec = {"utf-16-le": "utf-16-le", "utf-16-be": "utf-16-be"}.get(enc, enc)
    try:
        head_text = codecs.getincrementaldecoder(codec)().decode(head, final=False)
    except (UnicodeDecodeError, LookupError) as e:
        if isinstance(e, LookupError):
            return None, [issue("csv-encoding:unknown", file=file, field="encoding", encoding=enc)]
        if enc == "utf-8" and encoding is None:
            enc = codec = "cp1258"
            head_text = head.decode("cp1258", errors="replace")
        else:
            return None, [_encoding_issue(file, enc, e, 0)]
    head_text = nfc(head_text.removeprefix("\ufeff"))
    bad = check_legacy_font(head_text[:65536], file=file)
    if bad is not None:
        return None, [bad]
    first_line = head_text.split("\n", 1)[0]
    delim = delimiter or sniff_delimiter(first_line)
    if enc in ("utf-8", "utf-8-sig"):
        return TextFile(path, enc, delim, False, path), []
    # transcode to UTF-8 in chunks; cut each chunk after its last newline so that a letter and its
    # combining marks are always normalised together
    fd, tmp_name = tempfile.mkstemp(suffix=".csv", prefix="ioc-utf8-", dir=workdir)
    tmp_path = Path(tmp_name)
    decoder = codecs.getincrementaldecoder(codec)()
    carry = ""
    offset = 0
    lines = 0
    first = True
    try:
        with path.open("rb") as src, os.fdopen(fd, "w", encoding="utf-8", newline="") as tmp:
            while True:
                chunk = src.read(CHUNK_BYTES)
                final = not chunk
                try:
                    text = carry + decoder.decode(chunk, final=final)
                except UnicodeDecodeError as e:
                    tmp_path.unlink(missing_ok=True)
                    return None, [_encoding_issue(file, enc, e, offset)]
                offset += len(chunk)
                if first:
                    text = text.removeprefix("\ufeff")
                    first = False
                if final:
                    tmp.write(nfc(text))
                    break
                cut = text.rfind("\n") + 1
                carry = text[cut:]
                tmp.write(nfc(text[:cut]))
                lines += text.count("\n", 0, cut)
                if progress is not None:
                    progress(lines, None)
    except OSError as e:
        tmp_path.unlink(missing_ok=True)
        return None, [issue("csv-read-failed", file=file, error=e)]
    return TextFile(tmp_path, enc, delim, True, path), []
