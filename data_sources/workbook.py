"""Department workbooks — our template or what people actually send — read into observations.

Cells are read with fastexcel (ECOSYSTEM §2.2): every row kept, so `row` is the row number Excel shows
and `column` the letter Excel shows. For .xlsx a small scan of the sheet's XML adds what fastexcel does
not expose: whether a cell is text or a number, percent number formats, formulas saved without a value,
and merged header cells.

Rules the loader follows (PRODUCT §6.1):
- Sheet: the template's input sheet, else the first visible sheet; hidden sheets are never read.
- Header: found by its labels (canonical keys, `HEADER_SYNONYMS` in `ioc.workbook_layout`), one to three rows
  (the non-empty labels of the header rows are joined per column; merged cells count for every column
  they cover). Long layout: indicator code, unit code or name, value (and numerator/denominator). Wide
  layout: unit code or name, one column per indicator (id, Vietnamese or English name, or "… [id]").
- Rows: blank rows, total rows ("Tổng cộng", "Cộng", "Tổng", "Toàn tỉnh"), repeated header rows and a
  column-numbering row are skipped; the table ends at the first note or signature row ("Ghi chú: …",
  "Người lập biểu", "…, ngày … tháng … năm …").
- Numbers: a numeric cell is taken as typed, except that a cell with a percent number format holding a
  percent indicator's value is a fraction and is multiplied by 100 (0.8463 shown as 84,63% → 84.63).
  Text cells are parsed in Vietnamese style by `ioc.numbers` ("84,63" → 84.63, "84,63%" → 84.63,
  "1.672" → 1672). A percent value in (0, 1] (not from a percent-formatted cell) gets the warning
  `looks-like-fraction` when more than half of the other values in its column are above 1; it is kept
  as typed. Numerator and denominator cells are never rescaled. In .xls files text and numbers cannot
  be told apart, so a text such as "1.672" that is also an English-style number is read as 1.672.
- Units: codes, department ids and names go through `UnitRegistry.resolve`; an ambiguous or unknown
  name is an error listing the candidates — never a guess.
- Ratio indicators: with numerator and denominator, value = 100·num/den (percent) or num/den.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import fastexcel
import polars as pl

from data_sources import DataSource, ParseResult, Progress
from data_sources.sheet_header import (
    HEADER_SCAN_ROWS,
    MAX_HEADER_ROWS,
    VALUE_ROLES,
    Header,
    HeaderLookup,
    best_guess_labels,
    find_header,
)
from data_sources.sheet_rows import TOTAL_LABELS, parse_values, table_cells, table_rows
from data_sources.workbook_checks import (
    MAX_LISTED_ROWS,
    cell_issue,
    check_indicators,
    check_periods,
    check_units,
    empty_value_warnings,
)
from data_sources.workbook_context import ReadContext, choose_sheet, file_context
from data_sources.workbook_values import (
    VALUE_RATIO_TOLERANCE,
    check_duplicates,
    fraction_warnings,
    ratio_values,
)
from data_sources.xlsx_cells import (
    SheetGrid,
    col_index,
    col_letter,
    head_grid,
    load_sheet,
    open_workbook,
    read_meta,
)
from ioc.config import Config
from ioc.exports_config import ExportConfig
from ioc.numbers import count_values, is_fraction
from ioc.observations import conform
from ioc.periods import indicator_period, is_due
from ioc.targets import MeasureUnit, Rollup, WorkbookSource
from ioc.workbook_layout import (
    META_SHEET,
    TEMPLATE_VERSION,
)

__all__ = [
    "EXCEL_SUFFIXES",
    "HEADER_SCAN_ROWS",
    "MAX_HEADER_ROWS",
    "MAX_LISTED_ROWS",
    "NAME",
    "SOURCE",
    "TOTAL_LABELS",
    "VALUE_RATIO_TOLERANCE",
    "VALUE_ROLES",
    "HeaderLookup",
    "SheetGrid",
    "col_index",
    "col_letter",
    "find_header",
    "load_sheet",
    "open_workbook",
    "read_meta",
]

NAME = "workbook"


EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb")


def sniff(path: Path, config: Config) -> ExportConfig | bool:
    """True when the file is an Excel workbook with our `_meta` sheet and template version.

    A workbook in the department's own layout has no `_meta` sheet: `sniff_layout` recognises it, and
    the registry asks it only after the report-system exports had their say.
    """
    path = Path(path)
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        return False
    try:
        reader = open_workbook(path)
        if META_SHEET not in reader.sheet_names:
            return False
        meta = read_meta(reader) or {}
    except (fastexcel.FastExcelError, OSError, ValueError, zipfile.BadZipFile):
        return False
    version = meta.get("template_version", ("", 0))[0]
    return version.split("/")[0] == TEMPLATE_VERSION.split("/")[0]


def sniff_layout(path: Path, config: Config) -> bool:
    """True when an Excel workbook without `_meta` holds a department table in its own layout.

    That is: its first visible sheet with content has, in its first rows, a header that `find_header`
    accepts — a unit column (code or name) and indicator columns (wide), or indicator, unit and value
    columns (long) — whatever title rows, merged titles, totals and notes surround the table.
    """
    path = Path(path)
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        return False
    try:
        reader = open_workbook(path)
        if META_SHEET in reader.sheet_names:
            return False  # the template's own sniff decides about a file with `_meta`
        ctx = ReadContext(file=path.name)
        sheet_name = choose_sheet(reader, ctx, None, ParseResult(source=NAME))
        if sheet_name is None:
            return False
        head = head_grid(reader, sheet_name, HEADER_SCAN_ROWS + MAX_HEADER_ROWS)
    except (fastexcel.FastExcelError, OSError, ValueError, zipfile.BadZipFile):
        return False
    return find_header(head, HeaderLookup.build(config)) is not None


def read(
    path: Path,
    config: Config,
    export: ExportConfig | None = None,
    *,
    display_name: str | None = None,
    progress: Progress | None = None,
    department: str | None = None,
    period: str | None = None,
) -> ParseResult:
    """Parse a department workbook into observations; every problem is an Issue, never an exception."""
    path = Path(path)
    ctx = ReadContext(file=display_name or path.name)
    result = ParseResult(source=NAME)
    if progress:
        progress(0, None)
    _read(path, config, ctx, result, department, period)
    result.issues = ctx.issues
    if progress:
        progress(result.rows_read, result.rows_read)
    return result


SOURCE = DataSource(
    name=NAME,
    looks_for=(
        "a department workbook (the app's template, or a table whose header row names the units and "
        "the indicators)",
        "biểu số liệu của sở, ngành (biểu mẫu của ứng dụng, hoặc bảng có dòng tiêu đề ghi đơn vị và chỉ tiêu)",
    ),
    is_a=("a department workbook", "biểu số liệu của sở, ngành"),
    sniffer=sniff,
    reader=read,
    layout_sniffer=sniff_layout,
)


def _read(
    path: Path,
    config: Config,
    ctx: ReadContext,
    result: ParseResult,
    department: str | None,
    period: str | None,
) -> None:
    try:
        reader = open_workbook(path)
        meta = read_meta(reader)
    except (fastexcel.FastExcelError, OSError, ValueError) as e:
        ctx.add("unreadable-file", error=f"{type(e).__name__}: {str(e)[:200]}")
        return
    department, period, header_hint, input_sheet = file_context(config, ctx, meta, department, period)
    if department is None or period is None:
        return
    result.department = department
    sheet_name = choose_sheet(reader, ctx, input_sheet, result)
    if sheet_name is None:
        return
    ctx.sheet = sheet_name
    try:
        sheet = load_sheet(reader, sheet_name, path)
    except (fastexcel.FastExcelError, OSError, ValueError, zipfile.BadZipFile, KeyError) as e:
        ctx.add("unreadable-sheet", sheet=sheet_name, error=f"{type(e).__name__}: {str(e)[:200]}")
        return
    lk = HeaderLookup.build(config)
    header = find_header(sheet, lk, header_hint)
    if header is None:
        seen = best_guess_labels(sheet)
        ctx.add(
            "missing-header",
            value=seen or None,
            rows=HEADER_SCAN_ROWS,
            sheet=sheet_name,
            expected="long layout: Mã chỉ tiêu, Mã đơn vị or Tên đơn vị, Giá trị (Tử số, Mẫu số); wide "
            "layout: Mã đơn vị or Tên đơn vị, then one column per indicator (its id or name)",
        )
        result.detail.update({"sheet": sheet_name, "layout": None, "header_row": None})
        return
    result.detail.update(
        {
            "sheet": sheet_name,
            "layout": header.layout,
            "header_row": header.first_row,
            "header_rows": header.last_row - header.first_row + 1,
            "period": period,
        }
    )
    if header.layout == "wide":
        for letter, label in header.unknown:
            ctx.add(
                "unknown-column",
                warning=True,
                row=header.last_row,
                column=letter,
                value=label,
                expected="an indicator id, its Vietnamese or English name, or 'name [id]'",
            )
    table = table_rows(sheet, header, result)
    cells = table_cells(table, header)
    obs = _observations(cells, sheet, header, config, ctx, department, period, result)
    result.observations = conform(obs.with_columns(pl.lit(ctx.file).alias("source_file")))
    if obs.is_empty() and not ctx.issues:
        ctx.add(
            "no-values",
            warning=True,
            row=header.last_row,
            expected="one row per unit (and indicator) with a value",
        )


def _indicator_frame(config: Config, department: str, period: str) -> pl.DataFrame:
    """Per indicator: what the loader checks a row against, and the period its value is for."""
    rows = []
    for ind in config.targets.indicators:
        rows.append(
            {
                "indicator": ind.id,
                "measure": ind.unit.value,
                "is_ratio": ind.rollup == Rollup.RATIO,
                "levels": [lv.value for lv in ind.levels],
                "owner": ind.owner,
                "workbook": isinstance(ind.source, WorkbookSource),
                "export": None if isinstance(ind.source, WorkbookSource) else ind.source.export,
                "period": indicator_period(ind.frequency, period),
                "due": is_due(ind.frequency, period),
                "frequency": ind.frequency.value,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "indicator": pl.String,
            "measure": pl.String,
            "is_ratio": pl.Boolean,
            "levels": pl.List(pl.String),
            "owner": pl.String,
            "workbook": pl.Boolean,
            "export": pl.String,
            "period": pl.String,
            "due": pl.Boolean,
            "frequency": pl.String,
        },
    )


def _map_indicators(texts: pl.Series, lk: HeaderLookup) -> pl.DataFrame:
    """indicator_text → indicator id (by id, or by name through the header keys); null when unknown."""
    distinct = texts.drop_nulls().unique().to_list()
    ids = [lk.indicator(t) or lk.indicators.get(t.casefold()) for t in distinct]
    return pl.DataFrame(
        {"indicator_text": distinct, "indicator": ids},
        schema={"indicator_text": pl.String, "indicator": pl.String},
    )


def _observations(
    cells: pl.DataFrame,
    sheet: SheetGrid,
    header: Header,
    config: Config,
    ctx: ReadContext,
    department: str,
    period: str,
    result: ParseResult,
) -> pl.DataFrame:
    """Turn value cells into observations; add an Issue for every problem found."""
    lk = HeaderLookup.build(config)
    inds = _indicator_frame(config, department, period)
    if header.layout == "long":
        cells = cells.join(
            _map_indicators(cells.get_column("indicator_text"), lk), on="indicator_text", how="left"
        )
    else:
        cells = cells.with_columns(pl.col("indicator_text").alias("indicator"))
    cells = cells.join(inds, on="indicator", how="left")
    cells = parse_values(cells, sheet.facts, pl.col("measure") == MeasureUnit.PERCENT.value)
    # a count: "1,234" typed as text is 1234 (a count is never 1.234); a fraction is an error for that cell
    is_count = (pl.col("measure") == MeasureUnit.COUNT.value).fill_null(False) & pl.col("problem").is_null()
    cells = cells.with_columns(
        pl.when(is_count & pl.col("text_number"))
        .then(count_values(pl.col("text"), pl.col("num")))
        .otherwise("num")
        .alias("num")
    ).with_columns(
        pl.when(is_count & is_fraction(pl.col("num")))
        .then(pl.lit("count-not-whole"))
        .otherwise("problem")
        .alias("problem")
    )
    result.detail["percent_format_cells"] = int(cells["from_percent_format"].sum())
    result.detail["text_number_cells"] = int(cells.filter(pl.col("num").is_not_null())["text_number"].sum())

    for rec in cells.filter(pl.col("problem").is_not_null()).iter_rows(named=True):
        cell_issue(ctx, rec)
    # one row per (row, indicator): value, numerator, denominator side by side
    keys = [
        "row",
        "indicator_text",
        "indicator",
        "ind_col",
        "code_text",
        "code_col",
        "name_text",
        "name_col",
        "period_text",
        "period_col",
    ]
    wide = cells.group_by(keys, maintain_order=True).agg(
        *(pl.col("num").filter(pl.col("role") == r).first().alias(r) for r in VALUE_ROLES),
        *(pl.col("column").filter(pl.col("role") == r).first().alias(f"{r}_col") for r in VALUE_ROLES),
        *(pl.col("text").filter(pl.col("role") == r).first().alias(f"{r}_text") for r in VALUE_ROLES),
        pl.col("problem").is_not_null().any().alias("bad_cell"),
        pl.col("from_percent_format").filter(pl.col("role") == "value").first().alias("from_pct"),
    )
    for r in VALUE_ROLES:
        if f"{r}_col" not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.String).alias(f"{r}_col"))
    wide = wide.join(inds, on="indicator", how="left")
    # an error cell or an uncalculated formula shows no text but is not an empty row
    has_any = pl.any_horizontal([pl.col(f"{r}_text").is_not_null() for r in VALUE_ROLES]) | pl.col("bad_cell")
    wide = wide.with_columns(has_any.alias("has_any"))

    empty_value_warnings(ctx, wide.filter(~pl.col("has_any") & pl.col("indicator").is_not_null()), config)
    live = wide.filter(pl.col("has_any"))
    live = check_indicators(ctx, live, department, header, config)
    live = check_units(ctx, live, config, department)
    live = check_periods(ctx, live, period, config)
    live = ratio_values(ctx, live, config)
    live = fraction_warnings(ctx, live)
    live = check_duplicates(ctx, live, config)
    ok = live.filter(pl.col("ok") & pl.col("value").is_not_null() & ~pl.col("bad_cell"))
    return ok.select(
        "indicator",
        pl.col("unit_code"),
        pl.col("obs_period").alias("period"),
        "value",
        "numerator",
        "denominator",
        pl.lit(ctx.sheet).alias("sheet"),
        "row",
        pl.coalesce("value_col", "numerator_col", "denominator_col").alias("column"),
    ).sort("row", "indicator")
