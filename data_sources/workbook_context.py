"""What one workbook read shares: the issue collector, the department and period from `_meta`, the sheet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import fastexcel

from data_sources import ParseResult
from ioc.config import Config
from ioc.issues import Issue, IssueCap, Severity
from ioc.messages import issue, joined, period_words, unit_words
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
        /,
        *,
        warning: bool = False,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        expected: str | None = None,
        sheet: str | None = None,
        extra: dict[str, Any] | None = None,
        **fields: Any,
    ) -> None:
        """Add the issue `code` (texts from `ioc.messages`) at a cell of this file; `fields` fill its texts."""
        severity = Severity.WARNING if warning else Severity.ERROR
        stable = code.split(":", 1)[0]
        if not self.cap.room(stable, severity):  # counted, not built: a million bad rows cost nothing
            self.cap.count(stable, 1, severity)
            return
        if "cell" not in fields and column and row and column.isalpha():
            fields["cell"] = f"{column}{row}"  # a hint can point at the cell: "check the name in cell C7"
        self.cap.add(
            issue(
                code,
                severity=severity,
                file=self.file,
                sheet=sheet if sheet is not None else self.sheet,
                row=row,
                column=column,
                value=None if value is None else str(value),
                expected=expected,
                extra=extra,
                **fields,
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
                sheet=META_SHEET,
                row=vrow or None,
                column="B" if vrow else None,
                value=version,
                expected=TEMPLATE_VERSION,
                version=version,
            )
            return None, None, None, None
        if version != TEMPLATE_VERSION:  # our template family, but a layout this version cannot read
            ctx.add(
                "unknown-template-version",
                sheet=META_SHEET,
                row=vrow or None,
                column="B" if vrow else None,
                value=version,
                expected=TEMPLATE_VERSION,
                version=version,
                current=TEMPLATE_VERSION,
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
                sheet=META_SHEET,
                row=dep_row,
                column="B",
                value=meta_dep,
                expected=department,
                template=unit_words(config, meta_dep),
                declared=unit_words(config, department),
            )
        if period is not None and period != meta_period:
            ctx.add(
                "period-mismatch:template",
                sheet=META_SHEET,
                row=per_row,
                column="B",
                value=meta_period,
                expected=period,
                template=period_words(meta_period),
                declared=period_words(period),
            )
        department, period = meta_dep, meta_period
        if is_period(meta_period) and period_start(meta_period) > _latest_reportable():
            ctx.add(
                "period-in-future",
                sheet=META_SHEET,
                row=per_row,
                column="B",
                value=meta_period,
                expected=f"a period that has begun (today is {dt.date.today().isoformat()})",
                period=period_words(meta_period),
            )
            return None, None, None, None
        sha, sha_row = meta.get("targets_sha256", ("", 0))
        if sha and sha != config.sha256:
            ctx.add("targets-changed", warning=True, sheet=META_SHEET, row=sha_row, column="B")
        hint_row = meta.get("header_row", ("", 0))[0]
        header_hint = int(hint_row) if hint_row.isdigit() else None
        input_sheet = meta.get("input_sheet", (INPUT_SHEET, 0))[0] or INPUT_SHEET
    elif department is None or period is None:
        missing = [n for n, v in (("department", department), ("period", period)) if v is None]
        ctx.add("not-a-template:no-meta", sheet=None, missing=joined([f"phrase.the-{m}" for m in missing]))
        return None, None, None, None
    ok = True
    if not is_period(period):
        ctx.add(
            "bad-period:declared",
            sheet=META_SHEET if meta is not None else None,
            value=period,
            expected="2025-08, 2025-Q3 or 2025",
            period=period,
        )
        ok = False
    resolved = _department_id(config, department)
    if resolved is None:
        ctx.add(
            "unknown-department",
            sheet=META_SHEET if meta is not None else None,
            value=department,
            department=department,
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
        ctx.add("no-visible-sheet")
        return None
    result.detail["sheet"] = chosen
    result.detail["other_sheets"] = [n for n in visible if n != chosen]
    return chosen
