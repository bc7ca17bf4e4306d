"""Dropping blank cells from an .xlsx sheet before any parser builds its grid (stray cells far from the table).

A single space typed at XFD1048576 makes a 101-row template a sheet of 1,048,576 × 16,384 cells to a reader
that densifies the used range (calamine does). The upload gate marks such sheets as sparse; here their blank
cells (no value, or only spaces, and no formula) are removed from a copy of the workbook, so trailing empty
rows and columns never reach the grid. A value far from the table is not dropped: it is reported.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from ioc.filegate import SPARSE_FACTOR, SPARSE_MIN_AREA
from ioc.issues import Issue
from ioc.messages import issue, words

_CELL = re.compile(rb"<((?:[\w.-]+:)?)c\b([^>]*?)(?:/>|>(.*?)</\1c>)", re.S)
_ATTR_R = re.compile(rb'\sr="\$?([A-Za-z]+)\$?(\d+)"')
_ATTR_T = re.compile(rb'\st="([^"]*)"')
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v\b[^>]*>(.*?)</(?:[\w.-]+:)?v>", re.S)
_TEXT = re.compile(rb"<(?:[\w.-]+:)?t\b[^>]*>(.*?)</(?:[\w.-]+:)?t>", re.S)
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
_SI = re.compile(rb"<((?:[\w.-]+:)?)si\b[^>]*?(?:/>|>(.*?)</\1si>)", re.S)
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*/>")


def _text(raw: bytes) -> str:
    return html.unescape(raw.decode("utf-8", "replace"))


def _blank_strings(zf: zipfile.ZipFile) -> set[int]:
    """Indices of shared strings that hold nothing but spaces."""
    part = next((n for n in zf.namelist() if n.lower().endswith("sharedstrings.xml")), None)
    if part is None:
        return set()
    out = set()
    for i, m in enumerate(_SI.finditer(zf.read(part))):
        if not "".join(_text(t) for t in _TEXT.findall(m.group(2) or b"")).strip():
            out.add(i)
    return out


def _letters_index(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


class _Stripper:
    """Removes blank cells from one sheet's XML and remembers the cells that stay."""

    def __init__(self, blank: set[int]) -> None:
        self.blank = blank
        self.kept: list[tuple[int, int, str, str]] = []  # row, column, reference, value as text

    def __call__(self, m: re.Match[bytes]) -> bytes:
        attrs, body = m.group(2), m.group(3) or b""
        if _FORMULA.search(body):
            value = "="
        else:
            kind = _ATTR_T.search(attrs)
            kind_s = kind.group(1) if kind else b"n"
            v = _VALUE.search(body)
            if kind_s == b"inlineStr":
                value = "".join(_text(t) for t in _TEXT.findall(body))
            elif kind_s == b"s":
                idx = int(v.group(1)) if v and v.group(1).strip().isdigit() else -1
                value = "" if idx in self.blank or v is None else f"#{idx}"
            else:
                value = _text(v.group(1)) if v else ""
            if not value.strip():
                return b""
        ref = _ATTR_R.search(attrs)
        if ref:
            row, col = int(ref.group(2)), _letters_index(ref.group(1))
            self.kept.append((row, col, (ref.group(1) + ref.group(2)).decode(), value))
        return m.group(0)


def drop_blank_cells(
    src: Path, dst: Path, parts: Sequence[str], names: dict[str, str], file: str
) -> list[Issue]:
    """Write `src` to `dst` without the blank cells of `parts`; an issue per sheet still sparse after that.

    `names` maps a part to its sheet's name (for messages); `file` is the name the user knows the file by.
    """
    issues: list[Issue] = []
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        blank = _blank_strings(zin) if parts else set()
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in parts:
                stripper = _Stripper(blank)
                data = _DIMENSION.sub(b"", _CELL.sub(stripper, data))
                issue = _still_sparse(stripper.kept, names.get(info.filename, info.filename), file)
                if issue is not None:
                    issues.append(issue)
            zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return issues


def _still_sparse(kept: list[tuple[int, int, str, str]], sheet: str, file: str) -> Issue | None:
    """A value far from the rest of the table (the sheet would still be a huge grid): name the farthest cell."""
    if not kept:
        return None
    max_row = max(r for r, *_ in kept)
    max_col = max(c for _, c, *_ in kept)
    if max_row * max_col <= SPARSE_MIN_AREA + SPARSE_FACTOR * len(kept):
        return None
    far = max(kept, key=lambda k: k[0] / max_row + k[1] / max_col)  # the cell farthest out
    shown = far[3] if len(far[3]) <= 40 else far[3][:40] + "…"
    shown = "(a formula)" if shown == "=" else f"'{shown}'" if not shown.startswith("#") else "(a text)"
    return issue(
        "stray-cell",
        cell=far[2],
        shown=words("phrase.a-formula")
        if shown == "(a formula)"
        else words("phrase.a-text")
        if shown == "(a text)"
        else shown,
        rows=max_row,
        columns=max_col,
        file=file,
        sheet=sheet,
        row=far[0],
        column=re.sub(r"\d", "", far[2]).upper(),
        value=shown,
        expected="no value outside the table",
    )
