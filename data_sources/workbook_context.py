"""What one workbook read shares: the issue collector, the department and period from `_meta`, the sheet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import fastexcel

from data_sources import ParseResult
from ioc.config import Config
from ioc.issues import Issue, IssueCap, Severity
from ioc.periods import is_period, period_start
from ioc.targets import Level
from ioc.workbook_layout import (
    INPUT_SHEET,
    LISTS_SHEET,
    META_SHEET,
    TEMPLATE_VERSION,
    period_label_vi,
)


@dataclass
class ReadContext:
    """What every issue of one file shares, and the issues found so far."""

    file: str
    sheet: str | None = None
    cap: IssueCap = field(default_factory=IssueCap)

    @property
    def issues(self) -> list[Issue]:
        """The issues found so far: at most `MAX_PER_CODE` per code, then one counting the rest."""
        return self.cap.issues()

    def add(
        self,
        code: str,
        en: str,
        vi: str,
        *,
        warning: bool = False,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        expected: str | None = None,
        hint: str | None = None,
        hint_vi: str | None = None,
        sheet: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        severity = Severity.WARNING if warning else Severity.ERROR
        if not self.cap.room(code, severity):  # counted, not built: a million bad rows cost nothing
            self.cap.count(code, 1, severity)
            return
        self.cap.add(
            Issue(
                code,
                en,
                vi,
                severity,
                file=self.file,
                sheet=sheet if sheet is not None else self.sheet,
                row=row,
                column=column,
                value=None if value is None else str(value),
                expected=expected,
                hint=hint,
                hint_vi=hint_vi,
                extra=extra or {},
            )
        )


def _latest_reportable() -> dt.date:
    """The latest period start a file may report on: the next month's (a clock or a time zone apart)."""
    today = dt.date.today()
    return dt.date(today.year + today.month // 12, today.month % 12 + 1, 1)


def file_context(
    config: Config,
    ctx: ReadContext,
    meta: dict[str, tuple[str, int]] | None,
    department: str | None,
    period: str | None,
) -> tuple[str | None, str | None, int | None, str | None]:
    """Department, period, header row hint and input sheet: from `_meta`, checked against the declared."""
    header_hint = input_sheet = None
    if meta is not None:
        version, vrow = meta.get("template_version", ("", 0))
        if version.split("/")[0] != TEMPLATE_VERSION.split("/")[0]:
            ctx.add(
                "not-a-template",
                f"the '{META_SHEET}' sheet does not come from this app's template (template_version "
                f"'{version}')",
                f"sheet '{META_SHEET}' không thuộc biểu mẫu của ứng dụng (template_version '{version}')",
                sheet=META_SHEET,
                row=vrow or None,
                column="B" if vrow else None,
                value=version,
                expected=TEMPLATE_VERSION,
                hint="download a new template from the app",
                hint_vi="tải biểu mẫu mới từ ứng dụng",
            )
            return None, None, None, None
        if version != TEMPLATE_VERSION:  # our template family, but a layout this version cannot read
            ctx.add(
                "unknown-template-version",
                f"the template version '{version}' is not one this app reads ({TEMPLATE_VERSION})",
                f"phiên bản biểu mẫu '{version}' không phải phiên bản ứng dụng đọc được ({TEMPLATE_VERSION})",
                sheet=META_SHEET,
                row=vrow or None,
                column="B" if vrow else None,
                value=version,
                expected=TEMPLATE_VERSION,
                hint="download a new template from the app",
                hint_vi="tải biểu mẫu mới từ ứng dụng",
            )
            return None, None, None, None
        meta_dep, dep_row = meta.get("department", ("", 0))
        meta_period, per_row = meta.get("period", ("", 0))
        if department is not None:
            # the declared department may be a name ("Sở Y tế"); compare ids
            department = _department_id(config, department) or department
        if department is not None and department != meta_dep:
            ctx.add(
                "department-mismatch",
                f"the template is for department '{meta_dep}' but the upload is declared for '{department}'",
                f"biểu mẫu dành cho '{meta_dep}' nhưng lần nộp khai báo cho '{department}'",
                sheet=META_SHEET,
                row=dep_row,
                column="B",
                value=meta_dep,
                expected=department,
                hint="choose the right department when uploading, or download that department's template",
                hint_vi="chọn đúng sở, ngành khi nộp, hoặc tải biểu mẫu của sở, ngành đó",
            )
        if period is not None and period != meta_period:
            ctx.add(
                "period-mismatch",
                f"the template is for period {meta_period} but the upload is declared for {period}",
                f"biểu mẫu dành cho kỳ {period_vi(meta_period)} nhưng lần nộp khai báo kỳ {period_vi(period)}",
                sheet=META_SHEET,
                row=per_row,
                column="B",
                value=meta_period,
                expected=period,
                hint="choose the right period when uploading, or download the template for that period",
                hint_vi="chọn đúng kỳ khi nộp, hoặc tải biểu mẫu của kỳ đó",
            )
        department, period = meta_dep, meta_period
        if is_period(meta_period) and period_start(meta_period) > _latest_reportable():
            ctx.add(
                "period-in-future",
                f"the template's period {meta_period} has not begun yet",
                f"kỳ {period_vi(meta_period)} của biểu mẫu chưa bắt đầu",
                sheet=META_SHEET,
                row=per_row,
                column="B",
                value=meta_period,
                expected=f"a period that has begun (today is {dt.date.today().isoformat()})",
                hint="download the template for the period you report on",
                hint_vi="tải biểu mẫu của kỳ cần báo cáo",
            )
            return None, None, None, None
        sha, sha_row = meta.get("targets_sha256", ("", 0))
        if sha and sha != config.sha256:
            ctx.add(
                "targets-changed",
                "the template was made from an earlier version of targets.yaml; it is read with the current one",
                "biểu mẫu được tạo từ phiên bản targets.yaml cũ; hệ thống đọc theo phiên bản hiện tại",
                warning=True,
                sheet=META_SHEET,
                row=sha_row,
                column="B",
                hint="download a new template for the next period",
                hint_vi="kỳ sau hãy tải biểu mẫu mới",
            )
        hint_row = meta.get("header_row", ("", 0))[0]
        header_hint = int(hint_row) if hint_row.isdigit() else None
        input_sheet = meta.get("input_sheet", (INPUT_SHEET, 0))[0] or INPUT_SHEET
    elif department is None or period is None:
        missing = [n for n, v in (("department", department), ("period", period)) if v is None]
        missing_vi = {"department": "sở, ngành", "period": "kỳ báo cáo"}
        ctx.add(
            "not-a-template",
            f"the file has no '{META_SHEET}' sheet (it is not this app's template), so the "
            f"{' and '.join(missing)} must be declared when uploading",
            f"tệp không có sheet '{META_SHEET}' (không phải biểu mẫu của ứng dụng), nên phải khai báo "
            f"{' và '.join(missing_vi[m] for m in missing)} khi nộp",
            sheet=None,
            hint="choose the department and period in the upload form, or use the app's template",
            hint_vi="chọn sở, ngành và kỳ báo cáo trên trang nộp, hoặc dùng biểu mẫu của ứng dụng",
        )
        return None, None, None, None
    ok = True
    if not is_period(period):
        ctx.add(
            "bad-period",
            f"'{period}' is not a period",
            f"'{period}' không phải kỳ báo cáo hợp lệ",
            sheet=META_SHEET if meta is not None else None,
            value=period,
            expected="2025-08, 2025-Q3 or 2025",
        )
        ok = False
    resolved = _department_id(config, department)
    if resolved is None:
        ctx.add(
            "unknown-department",
            f"'{department}' is not a department of the registry",
            f"'{department}' không phải sở, ngành trong danh mục",
            sheet=META_SHEET if meta is not None else None,
            value=department,
            hint="use a department id from departments.csv (e.g. so_y_te)",
            hint_vi="dùng mã sở, ngành trong departments.csv (ví dụ so_y_te)",
        )
        ok = False
    if not ok or any(i.is_error for i in ctx.issues):
        return None, None, None, None
    return resolved, period, header_hint, input_sheet


def period_vi(period: str) -> str:
    """A period as Vietnamese text ("08/2025", "Quý 3/2025"); any other text unchanged."""
    return period_label_vi(period) if is_period(period) else period


def _department_id(config: Config, department: str) -> str | None:
    """A department id, or a department name/alias resolved through the registry."""
    ids = config.registry.departments.get_column("id").to_list()
    if department in ids:
        return department
    res = config.registry.resolve(department, levels=[Level.DEPARTMENT])
    return res.code


def choose_sheet(
    reader: fastexcel.ExcelReader, ctx: ReadContext, input_sheet: str | None, result: ParseResult
) -> str | None:
    """The template's input sheet, else the first visible sheet with content (hidden sheets ignored)."""
    names = reader.sheet_names
    visible: list[str] = []
    hidden: list[str] = []
    empty: set[str] = set()
    for n in names:
        if n in (META_SHEET, LISTS_SHEET):
            continue
        try:
            sheet = reader.load_sheet(n, header_row=None, n_rows=1, dtypes="string")
            state, has_cells = sheet.visible, sheet.total_height > 0 and sheet.width > 0
        except fastexcel.FastExcelError:
            state, has_cells = "visible", False  # an empty sheet is still one people see
        (visible if state == "visible" else hidden).append(n)
        if not has_cells:
            empty.add(n)
    result.detail["hidden_sheets"] = hidden
    filled = [n for n in visible if n not in empty]
    if input_sheet is not None and input_sheet in names:
        chosen = input_sheet
    elif visible:
        # a blank "Sheet1" left in front of the real one is common: skip it
        chosen = filled[0] if filled else visible[0]
    else:
        ctx.add(
            "no-visible-sheet",
            "the workbook has no visible sheet to read",
            "tệp không có sheet nào đang hiển thị để đọc",
            hint="unhide the sheet with the figures (right-click a sheet tab → Unhide)",
            hint_vi="bỏ ẩn sheet chứa số liệu (nhấp phải vào tên sheet → Unhide)",
        )
        return None
    result.detail["sheet"] = chosen
    result.detail["other_sheets"] = [n for n in visible if n != chosen]
    return chosen
