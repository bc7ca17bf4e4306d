"""A department's own workbook handed back with its problem cells marked (openpyxl; no Streamlit).

Each cell an issue points at is filled (errors red, warnings amber) and carries a comment with the
message in the chosen language; a sheet at the front lists every issue with its cell. Text copied from
the file into the list is neutralised (a leading `=`, `+`, `-`, `@` never becomes a formula).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string

from ioc.ingest import csv_safe
from ioc.issues import Issue

ERROR_FILL = PatternFill("solid", fgColor="F4B6A6")  # light red, with the word "Lỗi" in the list sheet
WARNING_FILL = PatternFill("solid", fgColor="FCE4A8")  # light amber
LIST_SHEET = {"vi": "Danh sách lỗi", "en": "Problems"}
_HEADERS = {
    "vi": ["Mức độ", "Trang tính", "Ô", "Giá trị trong tệp", "Giá trị hợp lệ", "Nội dung", "Cách sửa"],
    "en": ["Severity", "Sheet", "Cell", "Value found", "Expected", "Problem", "How to fix"],
}
_SEVERITY = {"vi": {"error": "Lỗi", "warning": "Cảnh báo"}, "en": {"error": "Error", "warning": "Warning"}}


def marked_copy(data: bytes, issues: Sequence[Issue], lang: str = "vi") -> bytes | None:
    """The workbook `data` with every issue's cell marked and a list sheet first; None for a file openpyxl
    cannot open (an .xls, a damaged file) — the page then offers no copy."""
    try:
        wb = load_workbook(io.BytesIO(data))
    except Exception:  # not an xlsx openpyxl reads: there is nothing to mark
        return None
    lang = "vi" if lang == "vi" else "en"
    for issue in issues:
        if not (issue.sheet and issue.row and issue.column) or issue.sheet not in wb.sheetnames:
            continue
        ws = wb[issue.sheet]
        try:
            cell = ws.cell(issue.row, column_index_from_string(issue.column))
        except ValueError:  # a column that is not a letter (a field name)
            continue
        if ws.protection.sheet:
            ws.protection.sheet = False  # the template's header protection would stop the department editing
        cell.fill = ERROR_FILL if issue.is_error else WARNING_FILL
        note = issue.text(lang) + (f"\n→ {issue.hint_text(lang)}" if issue.hint_text(lang) else "")
        if cell.comment is not None:
            note = f"{cell.comment.text}\n\n{note}"
        cell.comment = Comment(note[:2000], "IOC")
    listed = wb.create_sheet(LIST_SHEET[lang], 0)
    listed.append(_HEADERS[lang])
    for c in listed[1]:
        c.font = Font(bold=True)
    for issue in sorted(issues, key=lambda i: (i.sheet or "", i.row or 0, i.column or "")):
        cell_ref = f"{issue.column or ''}{issue.row or ''}"
        listed.append(
            [
                csv_safe(v)
                for v in (
                    _SEVERITY[lang]["error" if issue.is_error else "warning"],
                    issue.sheet or "",
                    cell_ref,
                    issue.value or "",
                    issue.expected or "",
                    issue.text(lang),
                    issue.hint_text(lang) or "",
                )
            ]
        )
    for letter, width in zip("ABCDEFG", (10, 16, 8, 18, 24, 60, 40), strict=True):
        listed.column_dimensions[letter].width = width
    wb.active = 0
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
