"""Writers of report-system export files (dossier lists, procedure statistics, long exports).

They produce the files the loaders in `data_sources` read — in the layouts and encodings the provincial
systems and Excel produce — for the tests, the demo generator and the benchmark. Never used on input.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ioc.exports_config import DEFAULT_COLUMNS, DEFAULT_VOCAB, DOSSIER_FIELDS, ExportKind

FileFormat = Literal["xlsx", "csv-utf8", "csv-utf8-bom", "csv-utf16", "csv-cp1258"]

# The header a dossier export carries for each canonical field (the first default label).
DOSSIER_HEADERS: dict[str, str] = {
    f: DEFAULT_COLUMNS[ExportKind.DOSSIERS][f]["labels"][0] for f in DOSSIER_FIELDS
}
# canonical vocabulary value → the label written in the file ("online" → "Trực tuyến")
VOCAB_LABELS: dict[str, dict[str, str]] = {
    fld: {canon: labels[0] for canon, labels in values.items()}
    for fld, values in DEFAULT_VOCAB[ExportKind.DOSSIERS].items()
}
DATE_FIELDS = ("received_date", "due_date", "result_date")


def format_from_suffix(path: Path) -> FileFormat:
    """xlsx for .xlsx, CSV UTF-8 for .csv, UTF-16 tab-separated ("Unicode text") for .txt."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return "xlsx"
    if suffix == ".txt":
        return "csv-utf16"
    return "csv-utf8"


_CP1258_TONES = "\u0300\u0301\u0303\u0309\u0323"  # the combining tone marks Windows-1258 has


def encode_cp1258(text: str) -> bytes:
    """Encode Vietnamese text as Windows-1258 does: precomposed where the code page has the letter,
    else the letter followed by a combining tone mark (so "ệ" → "ê" + dot below)."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in parts if c in _CP1258_TONES)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _CP1258_TONES))
            out += base.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


def _cell_text(fld: str, value: object, date_format: str) -> str:
    """A dossier value as text in a CSV (or a text cell): dates dd/mm/yyyy, booleans Có/Không."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime(date_format)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return VOCAB_LABELS.get(fld, {}).get(text, text)


def _xlsx_value(fld: str, value: object, date_style: str, date_format: str) -> object:
    if isinstance(value, (dt.date, dt.datetime)) and date_style == "excel":
        return value  # a real Excel date cell
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = _cell_text(fld, value, date_format)
    return text or None


def write_dossiers(
    path: Path | str,
    rows: Iterable[Mapping[str, object]],
    *,
    fmt: FileFormat | None = None,
    headers: Mapping[str, str] | None = None,
    fields: Sequence[str] | None = None,
    date_style: Literal["text", "excel"] = "text",
    date_format: str = "%d/%m/%Y",
    sheet: str = "Danh sách hồ sơ",
    title_rows: Sequence[str] = (),
) -> Path:
    """Write a dossier-level export, one row per dossier, as the provincial systems export it.

    `rows` are dicts keyed by canonical field (code, procedure, field, unit, channel, received_date, …);
    canonical vocabulary values ("online", "yes") and booleans are written as their Vietnamese labels,
    dates as "dd/mm/yyyy" text — or, in xlsx with `date_style="excel"`, as Excel date cells. `fmt`
    (default from the suffix): xlsx; csv-utf8; csv-utf8-bom (Excel's "CSV UTF-8"); csv-utf16 (Excel's
    "Unicode text": UTF-16 LE with BOM, tab-separated); csv-cp1258 (plain CSV from a Vietnamese
    Windows). `headers` maps canonical field → header text; `fields` selects and orders the columns
    (default: every standard field, or the keys of the first row when it has others). `rows` may be a
    generator: it is consumed once, row by row (xlsx via openpyxl write-only mode).
    """
    path = Path(path)
    fmt = fmt or format_from_suffix(path)
    heads = {**DOSSIER_HEADERS, **(headers or {})}
    it = iter(rows)
    first = next(it, None)
    if fields is None:
        fields = list(DOSSIER_FIELDS) if first is None else list(first.keys())
    header = [heads.get(f, f) for f in fields]

    def all_rows() -> Iterable[Mapping[str, object]]:
        if first is not None:
            yield first
        yield from it

    if fmt == "xlsx":
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(sheet)
        for t in title_rows:
            ws.append([t])
        ws.append(header)
        for r in all_rows():
            ws.append([_xlsx_value(f, r.get(f), date_style, date_format) for f in fields])
        wb.save(path)
        return path
    delimiter = "\t" if fmt == "csv-utf16" else ","
    if fmt == "csv-cp1258":
        import io

        buf = io.StringIO(newline="")
        w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
        for t in title_rows:
            w.writerow([t])
        w.writerow(header)
        for r in all_rows():
            w.writerow([_cell_text(f, r.get(f), date_format) for f in fields])
        path.write_bytes(encode_cp1258(buf.getvalue()))
        return path
    encoding = {"csv-utf8": "utf-8", "csv-utf8-bom": "utf-8-sig", "csv-utf16": "utf-16-le"}[fmt]
    with path.open("w", encoding=encoding, newline="") as fh:
        if fmt == "csv-utf16":
            fh.write(codecs.BOM_UTF16_LE.decode("utf-16-le"))
        w = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        for t in title_rows:
            w.writerow([t])
        w.writerow(header)
        for r in all_rows():
            w.writerow([_cell_text(f, r.get(f), date_format) for f in fields])
    return path


# The standard layout of the procedure statistics report: (canonical measure, column) in order.
PROCEDURE_LAYOUT: tuple[str, ...] = (
    "received_total",
    "received_online",
    "received_offline",
    "received_carried_over",
    "settled_total",
    "settled_early",
    "settled_on_time",
    "settled_late",
    "in_progress_total",
    "in_progress_on_time",
    "in_progress_overdue",
)
_PARTS = {
    "received_total": ("received_online", "received_offline", "received_carried_over"),
    "settled_total": ("settled_early", "settled_on_time", "settled_late"),
    "in_progress_total": ("in_progress_on_time", "in_progress_overdue"),
}
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _with_totals(row: Mapping[str, object]) -> dict[str, object]:
    """A unit's figures with the three totals filled as the sum of their parts when not given."""
    out = dict(row)
    for total, parts in _PARTS.items():
        if out.get(total) is None:
            out[total] = sum(int(out.get(p) or 0) for p in parts)  # type: ignore[call-overload]
    return out


def write_procedure_report(
    path: Path | str,
    units: Sequence[Mapping[str, object]],
    *,
    period_text: str | None = "Kỳ báo cáo: Tháng 8/2025",
    agency: str = "UBND TỈNH MẪU",
    title: str = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
    sheet: str = "Biểu II.06",
    groups: Sequence[tuple[str, Sequence[Mapping[str, object]]]] | None = None,
    total_row: bool = True,
    number_row: bool = True,
    signatures: bool = True,
) -> Path:
    """Write a procedure statistics report (thống kê tình hình giải quyết TTHC) as an xlsx.

    Layout: title rows (agency, title, the period line `period_text`, unit of measure), a 3-row merged
    header — received (total; in period: online, in person/postal; carried over), settled (total; early;
    on time; late), in progress (total; within deadline; overdue) — a row of column numbers, one row per
    receiving unit, a "Tổng cộng" total row, then notes and signature rows. `units` are dicts with `unit`
    (the name as written) and the canonical measures; a missing total is the sum of its parts (give it
    explicitly to write an inconsistent report). With `groups` = [(group name, units), …] the units are
    listed under group rows ("I", "Cấp tỉnh") carrying their subtotals, as many real reports do.
    """
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ncol = 2 + len(PROCEDURE_LAYOUT)
    last = get_column_letter(ncol)
    r = 1
    for text in [agency, title, period_text, "Đơn vị tính: hồ sơ"]:
        if text is None:
            continue
        ws.cell(r, 1, text).font = bold
        ws.merge_cells(f"A{r}:{last}{r}")
        r += 1
    r += 1  # a blank row before the table
    h = r
    head = {
        (0, 1): "STT",
        (0, 2): "Đơn vị",
        (0, 3): "Số hồ sơ nhận giải quyết",
        (0, 7): "Kết quả giải quyết",
        (1, 3): "Tổng số",
        (1, 4): "Trong kỳ",
        (1, 6): "Từ kỳ trước chuyển sang",
        (1, 7): "Số hồ sơ đã giải quyết",
        (1, 11): "Số hồ sơ đang giải quyết",
        (2, 4): "Trực tuyến",
        (2, 5): "Trực tiếp, dịch vụ bưu chính công ích",
        (2, 7): "Tổng số",
        (2, 8): "Trước hạn",
        (2, 9): "Đúng hạn",
        (2, 10): "Trễ hạn",
        (2, 11): "Tổng số",
        (2, 12): "Trong hạn",
        (2, 13): "Quá hạn",
    }
    for (dr, c), text in head.items():
        cell = ws.cell(h + dr, c, text)
        cell.font = bold
        cell.alignment = center
    for rng in (
        "A{0}:A{2}",
        "B{0}:B{2}",
        "C{0}:F{0}",
        "G{0}:M{0}",
        "C{1}:C{2}",
        "D{1}:E{1}",
        "F{1}:F{2}",
        "G{1}:J{1}",
        "K{1}:M{1}",
    ):
        ws.merge_cells(rng.format(h, h + 1, h + 2))
    r = h + 3
    if number_row:
        for c in range(1, ncol + 1):
            ws.cell(r, c, f"({c})").alignment = center
        r += 1

    def put_figures(row: int, figures: Mapping[str, object]) -> None:
        for j, m in enumerate(PROCEDURE_LAYOUT):
            v = figures.get(m)
            if v is not None:
                ws.cell(row, 3 + j, v)

    def sums(items: Sequence[Mapping[str, object]]) -> dict[str, int]:
        full = [_with_totals(u) for u in items]
        return {m: sum(int(u.get(m) or 0) for u in full) for m in PROCEDURE_LAYOUT}  # type: ignore[call-overload]

    everything: list[Mapping[str, object]] = []
    n = 0
    for gi, (gname, members) in enumerate(groups if groups is not None else [("", units)]):
        if groups is not None:
            ws.cell(r, 1, _ROMAN[gi]).font = bold
            ws.cell(r, 2, gname).font = bold
            put_figures(r, sums(members))
            r += 1
        for u in members:
            n += 1
            ws.cell(r, 1, n)
            ws.cell(r, 2, str(u["unit"]))
            put_figures(r, _with_totals(u))
            everything.append(u)
            r += 1
    if total_row:
        ws.cell(r, 2, "Tổng cộng").font = bold
        put_figures(r, sums(everything))
        r += 1
    if signatures:
        r += 1
        ws.cell(r, 1, "Ghi chú: số liệu trích xuất từ Hệ thống thông tin giải quyết TTHC tỉnh.")
        r += 2
        ws.cell(r, 2, "Người lập biểu").font = bold
        ws.cell(r, 9, "THỦ TRƯỞNG ĐƠN VỊ").font = bold
        r += 1
        ws.cell(r, 9, "(Ký, ghi rõ họ tên, đóng dấu)")
    ws.column_dimensions["B"].width = 34
    wb.save(path)
    return path


LONG_HEADERS = {
    "unit": "Đơn vị",
    "period": "Kỳ",
    "indicator": "Chỉ tiêu",
    "value": "Giá trị",
    "numerator": "Tử số",
    "denominator": "Mẫu số",
}


def write_long_export(
    path: Path | str,
    rows: Iterable[Mapping[str, object]],
    *,
    fmt: FileFormat | None = None,
    headers: Mapping[str, str] | None = None,
    fields: Sequence[str] = ("unit", "period", "indicator", "value", "numerator", "denominator"),
    sheet: str = "Số liệu",
) -> Path:
    """Write a generic long export: one row per unit, period and indicator with its value
    (and numerator/denominator), as xlsx or CSV (formats as in `write_dossiers`)."""
    path = Path(path)
    fmt = fmt or format_from_suffix(path)
    heads = {**LONG_HEADERS, **(headers or {})}
    header = [heads.get(f, f) for f in fields]
    if fmt == "xlsx":
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(sheet)
        ws.append(header)
        for r in rows:
            ws.append([r.get(f) for f in fields])
        wb.save(path)
        return path
    encoding = {
        "csv-utf8": "utf-8",
        "csv-utf8-bom": "utf-8-sig",
        "csv-utf16": "utf-16",
        "csv-cp1258": "cp1258",
    }[fmt]
    delimiter = "\t" if fmt == "csv-utf16" else ","
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if r.get(f) is None else r.get(f) for f in fields])
    return path
