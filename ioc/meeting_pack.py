"""The meeting pack: a styled Excel workbook of a `MeetingView` (openpyxl), from the page's button and from
`python -m ioc meeting-pack`.

Sheets: a summary (period, data as of, lock, counts by status per pillar, completeness, legend), one sheet
per pillar (every indicator × unit with value, target, expected, status, reason, trend, pace and source), the
at-risk list, the action items and notes, and the data-quality scorecard.

Decisions taken here:
- numbers are numbers with a cell format, never text: percentages are stored as fractions with a `0.0%`
  format, counts and money with thousands grouping, dates as dates (`dd/mm/yyyy`); Excel shows the
  separators of the reader's locale (Vietnamese Excel: 84,6%, 1.672);
- a status cell carries the fill of its colour, its icon and its word, so colour is never the only signal;
- every text cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is stored as text with
  Excel's quote prefix: it is shown exactly as written and never runs as a formula, even after an edit;
- every sheet prints A4 landscape, fit to one page wide, its header row repeated on each page.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ioc.config import Config
from ioc.i18n import format_period
from ioc.labels import STATUS, STATUS_ORDER, t
from ioc.meeting import MeetingView
from ioc.views import chip_colour, format_local_time

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
HEADER_FONT = Font(bold=True, color="FFFFFF")
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def status_fill(status: str | None) -> PatternFill:
    """The fill of a status cell: the status colour darkened so that its white word stays legible."""
    return PatternFill("solid", fgColor=chip_colour(STATUS[status or "no_data"].colour).lstrip("#").upper())


def number_format(measure: str, decimals: int) -> str:
    """The cell format of a value: `0.0%` for percentages (stored as fractions), `#,##0` for counts, …"""
    places = "." + "0" * decimals if decimals > 0 else ""
    if measure == "percent":
        return f"0{places}%"
    if measure == "money":
        return '#,##0 "₫"'
    if measure == "count":
        return "#,##0"
    return f"#,##0{places}"


def shortfall_format(measure: str, decimals: int, lang: str) -> str:
    """The cell format of a shortfall in the indicator's own unit: percentage points for percentages
    (`0.0" điểm %"`, a number of points, not a fraction), the value's own format otherwise."""
    if measure == "percent":
        places = "." + "0" * decimals if decimals > 0 else ""
        return f'0{places}" điểm %"' if lang == "vi" else f'0{places}" pp"'
    return number_format(measure, decimals)


def cell_value(measure: str, value: float | None) -> float | None:
    """A value as stored in its cell: a percentage as a fraction (84.6 → 0.846), anything else as it is."""
    if value is None:
        return None
    return value / 100.0 if measure == "percent" else value


def put(ws: Worksheet, row: int, col: int, value: Any, *, fmt: str | None = None, wrap: bool = False):  # type: ignore[no-untyped-def]
    """Write one cell; text that a spreadsheet would read as a formula is kept as quoted text."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = value
        if value.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # openpyxl took a leading "=" for a formula: it is text
            cell.quotePrefix = True  # and stays text when someone edits it in Excel
    elif isinstance(value, dt.datetime):
        cell.value = value
        cell.number_format = fmt or DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = fmt or DATE_FORMAT
    else:
        cell.value = value
        if fmt and value is not None:
            cell.number_format = fmt
    cell.alignment = WRAP if wrap else TOP
    return cell


def _header(ws: Worksheet, row: int, labels: Sequence[str], widths: Sequence[float]) -> None:
    for col, (label, width) in enumerate(zip(labels, widths, strict=True), start=1):
        cell = put(ws, row, col, label, wrap=True)
        cell.fill, cell.font, cell.border = HEADER_FILL, HEADER_FONT, BORDER
        ws.column_dimensions[get_column_letter(col)].width = width


def _print_setup(ws: Worksheet, header_row: int) -> None:
    """A4 landscape, fit to one page wide (as many pages tall as needed), the header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def _status_cell(ws: Worksheet, row: int, col: int, status: str | None, lang: str) -> None:
    cell = put(ws, row, col, STATUS[status or "no_data"].label(lang))
    cell.fill, cell.font, cell.border = status_fill(status), Font(bold=True, color="FFFFFF"), BORDER


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, none of []:*?/\\)."""
    base = _SHEET_BAD.sub(" ", name).strip()[:31] or "Sheet"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def _summary(ws: Worksheet, view: MeetingView, config: Config, timezone: str) -> None:
    lang = view.lang
    province = config.targets.province.name.get(lang)
    put(ws, 1, 1, t("pack.title", lang, period=format_period(view.period, lang))).font = Font(
        bold=True, size=14
    )
    put(ws, 2, 1, province)
    facts = [
        (t("side.period", lang), format_period(view.period, lang)),
        (t("pack.judged", lang), format_period(view.judged, lang)),
        (t("pack.data_as_of", lang), format_period(view.data_as_of, lang)),
        (t("pack.generated", lang), format_local_time(view.generated_at, lang, timezone)),
        (
            t("pack.lock", lang),
            t(
                "meeting.locked_by",
                lang,
                time=format_local_time(view.lock.at, lang, timezone),
                who=view.lock.who,
            )
            if view.lock
            else t("meeting.unlocked", lang),
        ),
        (t("meeting.completeness", lang), view.completeness),
    ]
    for i, (label, value) in enumerate(facts, start=3):
        put(ws, i, 1, label).font = Font(bold=True)
        put(ws, i, 2, value, fmt="0%" if isinstance(value, float) else None)
    header_row = 3 + len(facts) + 1
    labels = [t("col.pillar", lang), *(STATUS[s].label(lang) for s in STATUS_ORDER), t("pack.total", lang)]
    _header(ws, header_row, labels, [34, *([21] * len(STATUS_ORDER)), 10])  # the longest status word fits
    for col, s in enumerate(STATUS_ORDER, start=2):
        ws.cell(row=header_row, column=col).fill = status_fill(s)
    r = header_row
    for r, row in enumerate(view.counts_by_pillar.iter_rows(named=True), start=header_row + 1):
        put(ws, r, 1, row["pillar_name"])
        for col, s in enumerate(STATUS_ORDER, start=2):
            put(ws, r, col, row[s], fmt="0")
        put(ws, r, len(STATUS_ORDER) + 2, row["total"], fmt="0").font = Font(bold=True)
    legend_row = r + 2
    put(ws, legend_row, 1, t("glance.legend", lang)).font = Font(bold=True)
    for i, (s, (_label, _colour, explain)) in enumerate(
        zip(STATUS_ORDER, view.legend, strict=False), start=1
    ):
        _status_cell(ws, legend_row + i, 1, s, lang)
        ws.merge_cells(start_row=legend_row + i, start_column=2, end_row=legend_row + i, end_column=7)
        put(ws, legend_row + i, 2, explain, wrap=True)
    _print_setup(ws, header_row)
    ws.freeze_panes = None  # the summary is one screen: nothing to freeze


ROW_COLUMNS = (
    ("name", "col.indicator", 40),
    ("unit_name", "col.unit", 26),
    ("level", "col.level", 12),
    ("value", "col.value", 12),
    ("target", "col.target", 12),
    ("expected", "col.expected", 12),
    ("status", "col.status", 20),
    ("reason", "col.reason", 60),
    ("trend_text", "col.trend", 20),
    ("pace_text", "col.pace_needed", 20),
    ("source_department", "pack.department", 18),
    ("submission_id", "pack.submission", 10),
    ("source_at", "pack.submitted", 16),
)


def _rows_sheet(ws: Worksheet, rows: pl.DataFrame, lang: str, timezone: str) -> None:
    _header(ws, 1, [t(label, lang) for _c, label, _w in ROW_COLUMNS], [w for *_x, w in ROW_COLUMNS])
    for r, row in enumerate(rows.iter_rows(named=True), start=2):
        fmt = number_format(row["measure"], row["decimals"])
        for col, (key, _label, _w) in enumerate(ROW_COLUMNS, start=1):
            value = row.get(key)
            if key == "status":
                _status_cell(ws, r, col, value, lang)
            elif key in ("value", "target", "expected"):
                put(ws, r, col, cell_value(row["measure"], value), fmt=fmt)
            elif key == "level":
                put(ws, r, col, t(f"level.{value}", lang) if value else None)
            elif key == "source_at":
                put(ws, r, col, _local(value, timezone), fmt=DATE_FORMAT)
            else:
                put(ws, r, col, value, wrap=key in ("name", "reason", "unit_name"))
    _print_setup(ws, 1)


def _local(moment: dt.datetime | None, timezone: str) -> dt.datetime | None:
    """A stored UTC moment as the province's wall-clock time (Excel cells carry no time zone)."""
    if moment is None:
        return None
    from zoneinfo import ZoneInfo

    return moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


RISK_COLUMNS = (
    ("name", "col.indicator", 40),
    ("unit_name", "col.unit", 24),
    ("status", "col.status", 20),
    ("reason", "col.reason", 56),
    ("owner_name", "meeting.col.owner", 26),
    ("pace_vs", "meeting.col.pace", 30),
    ("months_left", "col.months_left", 10),
    ("behind", "meeting.col.behind", 12),
)


def _risk_sheet(ws: Worksheet, risk: pl.DataFrame, lang: str) -> None:
    _header(ws, 1, [t(label, lang) for _c, label, _w in RISK_COLUMNS], [w for *_x, w in RISK_COLUMNS])
    for r, row in enumerate(risk.iter_rows(named=True), start=2):
        for col, (key, _label, _w) in enumerate(RISK_COLUMNS, start=1):
            value = row.get(key)
            if key == "status":
                _status_cell(ws, r, col, value, lang)
            elif key == "months_left":
                put(ws, r, col, value, fmt="0.0")
            elif key == "behind":  # a number with the indicator's format, never the text beside it
                put(ws, r, col, row["shortfall"], fmt=shortfall_format(row["measure"], row["decimals"], lang))
            else:
                put(ws, r, col, value, wrap=key in ("name", "reason", "pace_vs", "owner_name", "unit_name"))
    _print_setup(ws, 1)


ACTION_COLUMNS = (
    ("decision_id", "#", 6),
    ("kind", "meeting.col.kind", 14),
    ("name", "col.indicator", 36),
    ("unit_name", "col.unit", 20),
    ("text", "meeting.action_text", 44),
    ("owner_name", "meeting.owner", 22),
    ("due", "meeting.due", 12),
    ("then_text", "meeting.col.then", 26),
    ("now_text", "meeting.col.now", 26),
    ("movement_text", "col.change", 14),
    ("author", "meeting.col.author", 18),
    ("recorded_at", "meeting.col.recorded", 16),
    ("closing_note", "meeting.closing_note", 30),
)


def _actions_sheet(ws: Worksheet, items: pl.DataFrame, lang: str, timezone: str) -> None:
    labels = [label if label == "#" else t(label, lang) for _c, label, _w in ACTION_COLUMNS]
    _header(ws, 1, labels, [w for *_x, w in ACTION_COLUMNS])
    for r, row in enumerate(items.iter_rows(named=True), start=2):
        for col, (key, _label, _w) in enumerate(ACTION_COLUMNS, start=1):
            value = row.get(key)
            if key == "kind":
                value = t(f"meeting.state.{row['state']}", lang)
            elif key == "recorded_at":
                value = _local(value, timezone)
            put(ws, r, col, value, wrap=key in ("text", "name", "closing_note", "then_text", "now_text"))
    _print_setup(ws, 1)


QUALITY_COLUMNS = (
    ("department_name", "col.unit", 32, None),
    ("du_text", "dq.du", 18, None),
    ("complete_share", "dq.du", 10, "0%"),
    ("song_text", "dq.song", 24, None),
    ("days_late", "dq.song", 8, "0"),
    ("sach_text", "dq.sach", 34, None),
    ("warnings_per_100", "dq.sach", 10, "0.0"),
    ("dung_text", "dq.dung", 40, None),
    ("outliers", "dq.dung", 8, "0"),
)


def _quality_sheet(ws: Worksheet, quality: pl.DataFrame, lang: str) -> None:
    _header(
        ws,
        1,
        [t(label, lang) for _c, label, _w, _f in QUALITY_COLUMNS],
        [w for _c, _l, w, _f in QUALITY_COLUMNS],
    )
    r = 1
    for r, row in enumerate(quality.iter_rows(named=True), start=2):
        for col, (key, _label, _w, fmt) in enumerate(QUALITY_COLUMNS, start=1):
            put(ws, r, col, row.get(key), fmt=fmt, wrap=fmt is None)
    from ioc.data_quality import definitions

    for i, (_word, meaning) in enumerate(definitions(lang), start=r + 2):
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=len(QUALITY_COLUMNS))
        put(ws, i, 1, meaning, wrap=True)
        ws.row_dimensions[i].height = 32
    _print_setup(ws, 1)


def _ordered(rows: pl.DataFrame, config: Config) -> pl.DataFrame:
    order = {ind.id: i for i, ind in enumerate(config.targets.indicators)}
    level = {"province": 0, "department": 1, "commune": 2}
    return rows.with_columns(
        pl.col("indicator").replace_strict(order, default=999).alias("_o"),
        pl.col("level").replace_strict(level, default=9).alias("_l"),
    ).sort("_o", "_l", "unit_name", nulls_last=True)


def build_pack(view: MeetingView, config: Config, *, timezone: str = "Asia/Ho_Chi_Minh") -> bytes:
    """The meeting pack of `view` as .xlsx bytes."""
    lang = view.lang
    wb = Workbook()
    taken: set[str] = set()
    summary = wb.active
    summary.title = sheet_title(t("pack.summary", lang), taken)
    _summary(summary, view, config, timezone)
    rows = _ordered(view.rows, config) if not view.rows.is_empty() else view.rows
    for pillar in config.targets.pillars:
        ws = wb.create_sheet(sheet_title(pillar.name.get(lang), taken))
        part = rows.filter(pl.col("pillar") == pillar.id) if not rows.is_empty() else rows
        _rows_sheet(ws, part, lang, timezone)
    _risk_sheet(wb.create_sheet(sheet_title(t("pack.at_risk", lang), taken)), view.at_risk, lang)
    items = pl.concat([view.actions, _notes_rows(view, config)], how="diagonal_relaxed")
    _actions_sheet(wb.create_sheet(sheet_title(t("pack.actions", lang), taken)), items, lang, timezone)
    _quality_sheet(wb.create_sheet(sheet_title(t("pack.quality", lang), taken)), view.quality, lang)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _notes_rows(view: MeetingView, config: Config) -> pl.DataFrame:
    """The period's notes (and actions recorded for it but already closed), not already among the open items."""
    if view.notes.is_empty():
        return view.notes
    shown = set(view.actions["decision_id"].to_list()) if not view.actions.is_empty() else set()
    names = {i.id: i.name.get(view.lang) for i in config.targets.indicators}
    units = config.registry.units_frame()
    unit_name = dict(
        zip(units["unit_code"], units["name_vi" if view.lang == "vi" else "name_en"], strict=True)
    )
    return view.notes.filter(~pl.col("decision_id").is_in(list(shown))).with_columns(
        pl.col("indicator").replace_strict(names, default=None).alias("name"),
        pl.col("unit_code").replace_strict(unit_name, default=None).alias("unit_name"),
        pl.col("owner").replace_strict(unit_name, default=None).alias("owner_name"),
    )
