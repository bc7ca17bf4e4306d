"""The department's monthly input workbook: which indicators are due, its layout, and the .xlsx itself.

The loader (`data_sources.workbook`) reads back what this module writes: the sheet names, the header
labels, the hidden `_meta` sheet (all in `ioc.workbook_layout`, which both sides import). Writing uses
openpyxl; the workbook has no formulas in input zones (openpyxl saves no cached values, so a reader would
see empty cells — ECOSYSTEM §3.1).
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import TYPE_CHECKING

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ioc.issues import Issue, IssueError
from ioc.messages import issue, period_words, words
from ioc.period_labels import format_period
from ioc.periods import indicator_period, is_due, is_period, same_frequency_expr
from ioc.targets import Frequency, Indicator, Level, MeasureUnit, Rollup, WorkbookSource
from ioc.workbook_layout import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    HELP_SHEET,
    INPUT_SHEET,
    LISTS_SHEET,
    LONG_COLUMNS,
    MEASURE_VI,
    META_KEYS,
    META_SHEET,
    TEMPLATE_VERSION,
    WIDE_NOTE,
    WIDE_UNIT_COLUMNS,
    Column,
    Layout,
)

if TYPE_CHECKING:
    from ioc.config import Config


def department_indicators(config: Config, department: str) -> list[Indicator]:
    """The indicators `department` owns and types into its workbook, in targets.yaml order."""
    return [
        ind
        for ind in config.targets.indicators
        if ind.owner == department and isinstance(ind.source, WorkbookSource)
    ]


def due_indicators(config: Config, department: str, period: str) -> list[Indicator]:
    """The department's workbook indicators due in the submission for `period`."""
    return [ind for ind in department_indicators(config, department) if is_due(ind.frequency, period)]


def department_name(config: Config, department: str, lang: str = "vi") -> str | None:
    """The department's name from the registry, or None when the id is unknown."""
    deps = config.registry.departments
    hit = deps.filter(pl.col("id") == department)
    if hit.is_empty():
        return None
    return hit.item(0, "name_vi" if lang == "vi" else "name_en")


def template_rows(config: Config, department: str, period: str) -> pl.DataFrame:
    """The long layout's rows: every due indicator × every unit at its declared levels.

    Columns: indicator, indicator_name, unit_code, unit_name, level, measure, period, ratio, lo, hi.
    """
    registry = config.registry
    province = config.targets.province
    communes = registry.communes.sort("code").select(
        pl.col("code").alias("unit_code"), pl.col("display_name").alias("unit_name")
    )
    departments = registry.departments.sort("id").select(
        pl.col("id").alias("unit_code"), pl.col("name_vi").alias("unit_name")
    )
    frames = []
    for ind in due_indicators(config, department, period):
        row_period = indicator_period(ind.frequency, period)
        name = ind.name.vi
        if ind.frequency != Frequency.MONTHLY:
            name = f"{name} ({format_period(row_period, 'vi')})"
        lo, hi = ind.value_range()
        for level in (Level.PROVINCE, Level.DEPARTMENT, Level.COMMUNE):
            if level not in ind.levels:
                continue
            if level == Level.PROVINCE:
                units = pl.DataFrame({"unit_code": [province.code], "unit_name": [province.name.vi]})
            elif level == Level.DEPARTMENT:
                # measured for every department, reported by the indicator's owner
                units = departments
            else:
                units = communes
            frames.append(
                units.with_columns(
                    pl.lit(ind.id).alias("indicator"),
                    pl.lit(name).alias("indicator_name"),
                    pl.lit(level.value).alias("level"),
                    pl.lit(ind.unit.value).alias("measure"),
                    pl.lit(row_period).alias("period"),
                    pl.lit(ind.rollup == Rollup.RATIO).alias("ratio"),
                    pl.lit(lo, dtype=pl.Float64).alias("lo"),
                    pl.lit(hi, dtype=pl.Float64).alias("hi"),
                )
            )
    schema = {
        "indicator": pl.String,
        "indicator_name": pl.String,
        "unit_code": pl.String,
        "unit_name": pl.String,
        "level": pl.String,
        "measure": pl.String,
        "period": pl.String,
        "ratio": pl.Boolean,
        "lo": pl.Float64,
        "hi": pl.Float64,
    }
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat(frames, how="diagonal").select(pl.col(c).cast(t) for c, t in schema.items())


def attach_previous(rows: pl.DataFrame, previous: pl.DataFrame | None) -> pl.DataFrame:
    """Add `previous`: each row's latest value from an earlier period of the same kind (null if none)."""
    if previous is None or previous.is_empty() or rows.is_empty():
        return rows.with_columns(pl.lit(None, dtype=pl.Float64).alias("previous"))
    prev = previous.select(
        pl.col("indicator").cast(pl.String),
        pl.col("unit_code").cast(pl.String),
        pl.col("period").cast(pl.String).alias("prev_period"),
        pl.col("value").cast(pl.Float64).alias("previous"),
    ).filter(pl.col("previous").is_not_null())
    latest = (
        rows.select("indicator", "unit_code", "period")
        .join(prev, on=["indicator", "unit_code"], how="inner")
        .filter(same_frequency_expr("period", "prev_period") & (pl.col("prev_period") < pl.col("period")))
        .sort("prev_period")
        .group_by("indicator", "unit_code", "period")
        .agg(pl.col("previous").last())
    )
    return rows.join(latest, on=["indicator", "unit_code", "period"], how="left", maintain_order="left")


# ---------------------------------------------------------------------------------------------- styling
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_GREY_FILL = PatternFill("solid", fgColor="D9D9D9")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_UNLOCKED = Protection(locked=False)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _fmt_number(x: float | None) -> str:
    if x is None:
        return ""
    text = f"{x:,.4f}".rstrip("0").rstrip(".")
    # vi-VN: "." thousands, "," decimals
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _range_text(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f"từ {_fmt_number(lo)} đến {_fmt_number(hi)}"
    if lo is not None:
        return f"không nhỏ hơn {_fmt_number(lo)}"
    if hi is not None:
        return f"không lớn hơn {_fmt_number(hi)}"
    return "bất kỳ"


def _value_validation(lo: float | None, hi: float | None, measure: str) -> DataValidation:
    """A decimal validation with Vietnamese prompt and error texts (Excel enforces it only when typing)."""
    if lo is not None and hi is not None:
        dv = DataValidation(type="decimal", operator="between", formula1=repr(lo), formula2=repr(hi))
    elif lo is not None:
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=repr(lo))
    elif hi is not None:
        dv = DataValidation(type="decimal", operator="lessThanOrEqual", formula1=repr(hi))
    else:
        dv = DataValidation(type="decimal", operator="between", formula1="-1E+300", formula2="1E+300")
    dv.allow_blank = True
    dv.showErrorMessage = True
    dv.showInputMessage = True
    dv.errorStyle = "stop"
    dv.errorTitle = "Giá trị không hợp lệ"
    dv.error = f"Hãy nhập một số {_range_text(lo, hi)}."
    if measure == MeasureUnit.PERCENT.value:
        dv.error += " Tỷ lệ nhập theo phần trăm, ví dụ 84,63 (không nhập 0,8463)."
    dv.promptTitle = "Nhập số liệu"
    dv.prompt = f"Số {_range_text(lo, hi)}." + (" Ví dụ 84,63 cho 84,63%." if measure == "percent" else "")
    return dv


def _title_block(ws: Worksheet, config: Config, department: str, period: str, last_col: int) -> None:
    province = config.targets.province.name.vi
    dep = department_name(config, department) or department
    lines = [
        (province.upper(), _TITLE),
        (f"Đơn vị báo cáo: {dep}", _BOLD),
        (f"Kỳ báo cáo: {format_period(period, 'vi')}", _BOLD),
    ]
    end = get_column_letter(last_col)
    for i, (text, font) in enumerate(lines, start=1):
        ws.cell(row=i, column=1, value=text).font = font
        ws.merge_cells(f"A{i}:{end}{i}")


def _header(ws: Worksheet, columns: list[Column]) -> None:
    for j, col in enumerate(columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=j, value=col.label)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(j)].width = col.width


def _protect(ws: Worksheet) -> None:
    """Lock everything but the input cells: a guard against accidents, not security (ECOSYSTEM §6.29)."""
    ws.protection.sheet = True
    # let people widen columns, resize rows and sort/filter what they see
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False


def _write_lists(wb: Workbook, rows: pl.DataFrame) -> tuple[int, int]:
    """The hidden `_lists` sheet: indicator ids and names (A, B), unit codes and names (C, D)."""
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    ws.append(["Mã chỉ tiêu", "Tên chỉ tiêu", "Mã đơn vị", "Tên đơn vị"])
    inds = rows.unique("indicator", keep="first", maintain_order=True)
    units = rows.unique("unit_code", keep="first", maintain_order=True)
    for i, (ind, name) in enumerate(inds.select("indicator", "indicator_name").iter_rows(), start=2):
        ws.cell(row=i, column=1, value=ind).number_format = "@"
        ws.cell(row=i, column=2, value=name)
    for i, (code, name) in enumerate(units.select("unit_code", "unit_name").iter_rows(), start=2):
        ws.cell(row=i, column=3, value=code).number_format = "@"
        ws.cell(row=i, column=4, value=name)
    ws.protection.sheet = True
    return inds.height + 1, units.height + 1


def _list_validation(ref: str, what: str) -> DataValidation:
    # OOXML stores validation formulas without the leading "="; the sheet name is quoted to be safe
    dv = DataValidation(type="list", formula1=ref, allow_blank=False)
    dv.showErrorMessage = True
    dv.errorTitle = "Mã không có trong danh sách"
    dv.error = f"Chọn {what} trong danh sách; không tự gõ mã mới."
    return dv


def _write_meta(
    wb: Workbook,
    config: Config,
    department: str,
    period: str,
    layout: Layout,
    indicators: list[str],
    generated_at: dt.datetime,
) -> None:
    """The hidden `_meta` sheet the loader checks: key in column A, value in column B (all text)."""
    ws = wb.create_sheet(META_SHEET)
    ws.sheet_state = "hidden"
    values = {
        "template_version": TEMPLATE_VERSION,
        "department": department,
        "period": period,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "targets_sha256": config.sha256,
        "layout": layout,
        "indicators": ",".join(indicators),
        "province": config.targets.province.code,
        "input_sheet": INPUT_SHEET,
        "header_row": str(HEADER_ROW),
    }
    items = [("key", "value"), *((key, values[key]) for key in META_KEYS)]  # the layout's keys, its order
    for i, (key, value) in enumerate(items, start=1):
        ws.cell(row=i, column=1, value=key).number_format = "@"
        ws.cell(row=i, column=2, value=value).number_format = "@"
    ws.protection.sheet = True


def _write_help(wb: Workbook, config: Config, department: str, period: str, layout: Layout) -> None:
    ws = wb.create_sheet(HELP_SHEET)
    ws.column_dimensions["A"].width = 110
    dep = department_name(config, department) or department
    lines = [
        ("HƯỚNG DẪN NHẬP SỐ LIỆU", _TITLE),
        (f"Đơn vị: {dep} — Kỳ báo cáo: {format_period(period, 'vi')}", _BOLD),
        ("", None),
        ("1. Cách nhập", _BOLD),
        (
            f"• Chỉ nhập vào các ô màu vàng trên sheet “{INPUT_SHEET}”. Các ô khác đã được khóa để tránh "
            "sửa nhầm mã chỉ tiêu, mã đơn vị.",
            None,
        ),
        (
            "• Mỗi dòng là một chỉ tiêu của một đơn vị (tỉnh, sở/ngành hoặc xã, phường, đặc khu)."
            if layout == "long"
            else "• Mỗi dòng là một xã, phường, đặc khu; mỗi cột là một chỉ tiêu.",
            None,
        ),
        ("• Cột “Kỳ trước” là số liệu đã nộp kỳ trước, chỉ để tham khảo; không cần sửa.", None),
        (
            "• Chỉ tiêu tính theo tỷ lệ có cột “Tử số” và “Mẫu số”: nếu nhập cả hai, hệ thống tự tính "
            "Giá trị = Tử số / Mẫu số × 100 (%). Ô xám là không áp dụng.",
            None,
        ),
        ("• Dòng nào chưa có số liệu thì để trống; dòng trống không bị tính là lỗi.", None),
        ("• Không thêm, xóa hay đổi thứ tự cột; không đổi tên sheet; không nhập công thức.", None),
        ("", None),
        ("2. Định dạng số", _BOLD),
        ("• Tỷ lệ nhập theo phần trăm: 84,63 nghĩa là 84,63%. Không nhập 0,8463.", None),
        (
            "• Dấu phẩy là dấu thập phân, dấu chấm phân cách hàng nghìn: 1.672 là một nghìn sáu trăm bảy mươi hai.",
            None,
        ),
        ("• Số lượng là số nguyên không âm; không nhập chữ, ký hiệu hay ghi chú vào ô số liệu.", None),
        ("", None),
        ("3. Sau khi nộp", _BOLD),
        (
            "• Tải tệp lên trang “Nộp số liệu”. Hệ thống kiểm tra từng ô và báo lỗi theo sheet, dòng, cột "
            "(ví dụ: Nhập liệu › G12).",
            None,
        ),
        ("• Có lỗi: toàn bộ tệp bị từ chối, không lưu dòng nào; sửa lỗi và nộp lại.", None),
        ("• Chỉ có cảnh báo: số liệu được nhận, cảnh báo được hiển thị để kiểm tra lại.", None),
        ("• Nộp lại cho cùng kỳ sẽ thay thế lần nộp trước; lịch sử các lần nộp vẫn được lưu.", None),
        ("", None),
        ("4. Liên hệ", _BOLD),
        (
            "• Mọi thắc mắc về biểu mẫu hoặc lỗi khi nộp, liên hệ bộ phận kỹ thuật của Trung tâm Giám sát, "
            f"điều hành thông minh (IOC) — {config.targets.province.name.vi}.",
            None,
        ),
    ]
    for i, (text, font) in enumerate(lines, start=1):
        cell = ws.cell(row=i, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if font is not None:
            cell.font = font
    ws.protection.sheet = True


def _check_request(config: Config, department: str, period: str, layout: str) -> None:
    problems: list[Issue] = []
    if department_name(config, department) is None:
        problems.append(issue("unknown-department:template", field="department", value=department))
    if not is_period(period):
        problems.append(
            issue("bad-period:template", field="period", value=period, expected="2025-08, 2025-Q3 or 2025")
        )
    if layout not in ("long", "wide"):
        problems.append(issue("bad-layout", value=layout, expected="long or wide"))
    if problems:
        raise IssueError(problems)


def _no_indicators(department: str, period: str, commune_level: bool) -> IssueError:
    return IssueError(
        [
            issue(
                "no-indicators-due",
                value=department,
                department=department,
                period=period_words(period),
                what=words("phrase.commune-level") if commune_level else "",
            )
        ]
    )


def build_template(
    config: Config,
    department: str,
    period: str,
    *,
    previous: pl.DataFrame | None = None,
    layout: Layout = "long",
    generated_at: dt.datetime | None = None,
) -> bytes:
    """The department's input workbook for `period` as .xlsx bytes; raise `IssueError` for a bad request.

    `previous` (observations: indicator, unit_code, period, value) fills the "Kỳ trước" column with each
    row's latest earlier value. `layout="wide"` writes communes as rows and the department's
    commune-level indicators as columns.
    """
    _check_request(config, department, period, layout)
    generated_at = generated_at or dt.datetime.now(dt.UTC)
    rows = attach_previous(template_rows(config, department, period), previous)
    if layout == "wide":
        rows = rows.filter(pl.col("level") == Level.COMMUNE.value)
    if rows.is_empty():
        raise _no_indicators(department, period, layout != "long")
    wb = Workbook()
    ws = wb.active
    ws.title = INPUT_SHEET
    indicators = rows.unique("indicator", keep="first", maintain_order=True)["indicator"].to_list()
    if layout == "long":
        _fill_long(ws, config, department, period, rows)
    else:
        _fill_wide(ws, config, department, period, rows)
    n_ind, n_units = _write_lists(wb, rows)
    if layout == "long":
        last = FIRST_DATA_ROW + rows.height - 1
        dv_ind = _list_validation(f"'{LISTS_SHEET}'!$A$2:$A${n_ind}", "mã chỉ tiêu")
        dv_ind.add(f"A{FIRST_DATA_ROW}:A{last}")
        dv_unit = _list_validation(f"'{LISTS_SHEET}'!$C$2:$C${n_units}", "mã đơn vị")
        dv_unit.add(f"C{FIRST_DATA_ROW}:C{last}")
        ws.add_data_validation(dv_ind)
        ws.add_data_validation(dv_unit)
    else:
        n = FIRST_DATA_ROW + rows["unit_code"].n_unique() - 1
        dv_unit = _list_validation(f"'{LISTS_SHEET}'!$C$2:$C${n_units}", "mã đơn vị")
        dv_unit.add(f"A{FIRST_DATA_ROW}:A{n}")
        ws.add_data_validation(dv_unit)
    _write_meta(wb, config, department, period, layout, indicators, generated_at)
    _write_help(wb, config, department, period, layout)
    wb.active = 0
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs of sorted row numbers: [6, 7, 8, 11] → [(6, 8), (11, 11)]."""
    runs: list[tuple[int, int]] = []
    for r in rows:
        if runs and r == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    return runs


def _fill_long(ws: Worksheet, config: Config, department: str, period: str, rows: pl.DataFrame) -> None:
    columns = list(LONG_COLUMNS)
    letter = {c.key: get_column_letter(i) for i, c in enumerate(columns, start=1)}
    _title_block(ws, config, department, period, len(columns))
    _header(ws, columns)
    decimals = {i: config.targets.indicator(i).decimals for i in rows["indicator"].unique().to_list()}
    # Excel rows per validation; written as compact ranges ("G6:G105") after the loop
    validated: dict[tuple[float | None, float | None, str], list[int]] = {}
    ratio_rows: list[int] = []
    for i, r in enumerate(rows.iter_rows(named=True), start=FIRST_DATA_ROW):
        values = {
            "indicator": r["indicator"],
            "indicator_name": r["indicator_name"],
            "unit_code": r["unit_code"],
            "unit_name": r["unit_name"],
            "measure": MEASURE_VI[MeasureUnit(r["measure"])],
            # rounded as the dashboard shows it (84.05, not 84.05332166769956)
            "previous": None if r["previous"] is None else round(r["previous"], decimals[r["indicator"]]),
        }
        for key, value in values.items():
            cell = ws[f"{letter[key]}{i}"]
            cell.value = value
            cell.border = _BORDER
        ws[f"{letter['indicator']}{i}"].number_format = "@"
        ws[f"{letter['unit_code']}{i}"].number_format = "@"
        ws[f"{letter['indicator_name']}{i}"].alignment = _WRAP
        places = decimals[r["indicator"]]
        ws[f"{letter['previous']}{i}"].number_format = "#,##0" + ("." + "0" * places if places else "")
        value_cell = ws[f"{letter['value']}{i}"]
        value_cell.protection = _UNLOCKED
        value_cell.fill = _INPUT_FILL
        value_cell.border = _BORDER
        validated.setdefault((r["lo"], r["hi"], r["measure"]), []).append(i)
        if r["ratio"]:
            ratio_rows.append(i)
        for part in ("numerator", "denominator"):
            cell = ws[f"{letter[part]}{i}"]
            cell.border = _BORDER
            if r["ratio"]:
                cell.protection = _UNLOCKED
                cell.fill = _INPUT_FILL
            else:
                cell.fill = _GREY_FILL  # not used for this indicator; stays locked
        note = ws[f"{letter['note']}{i}"]
        note.protection = _UNLOCKED
        note.border = _BORDER
        note.number_format = "@"
    for key, at in validated.items():
        dv = _value_validation(*key)
        for first, last in _runs(at):
            dv.add(f"{letter['value']}{first}:{letter['value']}{last}")
        ws.add_data_validation(dv)
    if ratio_rows:
        dv = _value_validation(0.0, None, MeasureUnit.COUNT.value)
        dv.error = "Tử số, mẫu số là số không âm."
        dv.prompt = "Số không âm (số lượng)."
        for first, last in _runs(ratio_rows):
            dv.add(f"{letter['numerator']}{first}:{letter['denominator']}{last}")
        ws.add_data_validation(dv)
    ws.freeze_panes = f"{letter['measure']}{FIRST_DATA_ROW}"
    ws.row_dimensions[HEADER_ROW].height = 30
    last = FIRST_DATA_ROW + rows.height - 1
    _signature_block(ws, last + 2, left_col=2, right_col=len(columns) - 2)
    _print_setup(ws, len(columns), last + 8)
    _protect(ws)


SIGNATURE_LEFT = ("Người lập biểu", "(Ký, ghi rõ họ tên)")
SIGNATURE_RIGHT = ("Thủ trưởng đơn vị", "(Ký tên, đóng dấu)")
SIGNATURE_DATE = "……………, ngày …… tháng …… năm 20……"


def _signature_block(ws: Worksheet, row: int, *, left_col: int, right_col: int) -> None:
    """The signatures a Vietnamese report carries, below the table: the date line, "Người lập biểu" on the
    left, "Thủ trưởng đơn vị" on the right. Only the name columns hold text (never a code or value
    column), so the loader reads them as notes below the table."""
    centred = Alignment(horizontal="center")
    date = ws.cell(row=row, column=right_col, value=SIGNATURE_DATE)
    date.font = Font(italic=True)
    date.alignment = centred
    for col, (title, hint) in ((left_col, SIGNATURE_LEFT), (right_col, SIGNATURE_RIGHT)):
        head = ws.cell(row=row + 1, column=col, value=title)
        head.font = Font(bold=True)
        head.alignment = centred
        note = ws.cell(row=row + 2, column=col, value=hint)
        note.font = Font(italic=True)
        note.alignment = centred


def _print_setup(ws: Worksheet, last_col: int, last_row: int) -> None:
    """A4 landscape, every column on one page width, the header row repeated on each printed page."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "Trang &P / &N"


def wide_header(ind: Indicator) -> str:
    """The wide layout's column header of an indicator: its Vietnamese name, unit and id in brackets."""
    return f"{ind.name.vi} ({MEASURE_VI[ind.unit]}) [{ind.id}]"


def _fill_wide(ws: Worksheet, config: Config, department: str, period: str, rows: pl.DataFrame) -> None:
    inds = [config.targets.indicator(i) for i in rows.unique("indicator", maintain_order=True)["indicator"]]
    columns = [
        *WIDE_UNIT_COLUMNS,
        *(Column(ind.id, wide_header(ind), 18) for ind in inds),
        WIDE_NOTE,
    ]
    _title_block(ws, config, department, period, len(columns))
    _header(ws, columns)
    ws.row_dimensions[HEADER_ROW].height = 60
    units = rows.unique("unit_code", keep="first", maintain_order=True).select("unit_code", "unit_name")
    n = units.height
    for i, (code, name) in enumerate(units.iter_rows(), start=FIRST_DATA_ROW):
        a = ws.cell(row=i, column=1, value=code)
        a.number_format = "@"
        a.border = _BORDER
        ws.cell(row=i, column=2, value=name).border = _BORDER
        for j in range(3, len(columns) + 1):
            cell = ws.cell(row=i, column=j)
            cell.protection = _UNLOCKED
            cell.border = _BORDER
            if j < len(columns):
                cell.fill = _INPUT_FILL
            else:
                cell.number_format = "@"
    for j, ind in enumerate(inds, start=3):
        lo, hi = ind.value_range()
        dv = _value_validation(lo, hi, ind.unit.value)
        col = get_column_letter(j)
        dv.add(f"{col}{FIRST_DATA_ROW}:{col}{FIRST_DATA_ROW + n - 1}")
        ws.add_data_validation(dv)
    ws.freeze_panes = f"C{FIRST_DATA_ROW}"
    _signature_block(ws, FIRST_DATA_ROW + n + 1, left_col=2, right_col=max(3, len(columns) - 1))
    _print_setup(ws, len(columns), FIRST_DATA_ROW + n + 7)
    _protect(ws)
