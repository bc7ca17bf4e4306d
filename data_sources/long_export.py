"""Generic long exports: one row per unit, period and indicator with its value (and numerator, denominator).

Header labels come from the `exports:` entry (defaults: Vietnamese and English). Units are resolved
through the registry (codes, department ids, names, aliases), periods are normalised ("08/2025" →
"2025-08"), indicators are matched by id or by their Vietnamese/English name, numbers are parsed in the
export's locale. CSV (any supported encoding) or a spreadsheet.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from rapidfuzz import process

from data_sources import DataSource, ParseResult, Progress
from data_sources._export_common import (
    FORMER_LAST_MONTH,
    MAX_EXAMPLES,
    ambiguous_column_issue,
    choose_export,
    find_header_row,
    header_key,
    is_spreadsheet,
    letter,
    load_sheet_strings,
    match_columns,
    missing_column_issue,
    normalise_period,
    period_months,
    resolve_units,
    restrict_to_period,
    unit_issue,
)
from ioc.config import Config
from ioc.csvread import check_legacy_font, head_lines, open_utf8
from ioc.exports_config import ExportConfig, ExportKind
from ioc.issues import Issue, IssueCap
from ioc.messages import Words, indicator_words, issue, period_words, unit_words, with_row_count, words
from ioc.numbers import count_values, is_fraction, parse_number_column_both
from ioc.observations import conform
from ioc.targets import MeasureUnit
from ioc.textnorm import clean_text

log = logging.getLogger(__name__)
NAME = "long"
HEAD_ROWS = 20
FIELDS = ("unit", "period", "indicator", "value", "numerator", "denominator")


def _read_table(
    path: Path, file: str, export: ExportConfig, progress: Progress | None, *, n_rows: int | None = None
) -> tuple[pl.DataFrame | None, dict[str, str], str | None, list[Issue], dict[str, object]]:
    """(rows as strings with canonical column names and `row`, field → column name, sheet, issues, detail)."""
    if is_spreadsheet(path):
        grid, rows, absolute, names, sheet_name, detail = _sheet_cells(path, export, n_rows)
    else:
        opened = _csv_cells(path, file, export, progress, n_rows)
        if isinstance(opened, list):
            return None, {}, None, opened, {}
        grid, rows, absolute, names, sheet_name, detail = opened
    hr = export.header_row - 1 if export.header_row else find_header_row(rows, export.column_specs())
    if hr is None:
        return (
            None,
            {},
            sheet_name,
            [issue("header-not-found:long", file=file, sheet=sheet_name, export=export.id)],
            detail,
        )
    headers = [clean_text(h) if h is not None else None for h in rows[hr]]
    if not names:
        names = [h or f"#{i + 1}" for i, h in enumerate(headers)]
    found, problems = _columns(export, headers, absolute, names, file=file, sheet=sheet_name, row=hr + 1)
    if problems:
        return None, {}, sheet_name, problems, detail
    cols = grid.columns
    data = grid.slice(hr + 1).select(
        pl.int_range(pl.len(), dtype=pl.Int64).add(hr + 2).alias("row"),
        *(pl.col(cols[i]).alias(f) for f, i in found.items()),
    )
    detail["header_row"] = hr + 1
    return data, {f: names[i] for f, i in found.items()}, sheet_name, [], detail


# (cells, the first rows for the header search, sheet column of each, column names, sheet name, detail)
_Cells = tuple[pl.DataFrame, Sequence[Sequence[Any]], list[int], list[str], str | None, dict[str, object]]


def _sheet_cells(path: Path, export: ExportConfig, n_rows: int | None) -> _Cells:
    """The cells of a spreadsheet, its columns named by their letters."""
    grid, absolute, name = load_sheet_strings(path, export.sheet)
    if n_rows is not None:
        grid = grid.head(n_rows)
    rows = grid.head(HEAD_ROWS).rows()
    return grid, rows, absolute, [letter(a) for a in absolute], name, {"format": "xlsx", "sheet": name}


def _csv_cells(
    path: Path, file: str, export: ExportConfig, progress: Progress | None, n_rows: int | None
) -> _Cells | list[Issue]:
    """The cells of delimited text (names come from the header row later), or why it cannot be opened."""
    tf, problems = open_utf8(
        path, file=file, encoding=export.encoding, delimiter=export.delimiter, progress=progress
    )
    if tf is None:
        return problems
    try:
        rows = head_lines(tf, HEAD_ROWS)
        width = max((len(r) for r in rows), default=0)
        grid = pl.read_csv(
            tf.path,
            has_header=False,
            separator=tf.delimiter,
            infer_schema=False,
            schema={f"c{i}": pl.String for i in range(width)},
            truncate_ragged_lines=True,
            missing_columns="insert",  # a title line above the header has fewer fields than the table
            n_rows=n_rows,
        )
    finally:
        tf.cleanup()
    detail: dict[str, object] = {"format": "csv", "encoding": tf.encoding, "delimiter": tf.delimiter}
    return grid, rows, list(range(grid.width)), [], None, detail


def _columns(
    export: ExportConfig,
    headers: list[str | None],
    absolute: list[int],
    names: list[str],
    *,
    file: str,
    sheet: str | None,
    row: int,
) -> tuple[dict[str, int], list[Issue]]:
    """Each field's position in the header row, and the fields that are ambiguous or missing (required)."""
    specs = export.column_specs()
    found, ambiguous = match_columns(headers, specs, absolute)
    problems = []
    for fld, spec in specs.items():
        if fld in ambiguous:
            problems.append(
                ambiguous_column_issue(
                    fld, [names[i] for i in ambiguous[fld]], file=file, sheet=sheet, row=row
                )
            )
        elif fld not in found and spec.required:
            problems.append(
                missing_column_issue(export, fld, spec, file=file, sheet=sheet, row=row, headers=headers)
            )
    return found, problems


def _indicator_index(config: Config) -> dict[str, str]:
    """Header key of an indicator's id and names → id."""
    out: dict[str, str] = {}
    for ind in config.targets.indicators:
        for text in (ind.id, ind.name.vi, ind.name.en):
            out.setdefault(header_key(text), ind.id)
    return out


@dataclass
class _Where:
    """What the located issues say: the file, its sheet and each field's column (letter or header)."""

    file: str
    sheet: str | None
    cols: dict[str, str]

    def located(self, code: str, fld: str, rows: pl.DataFrame, **kw: Any) -> list[Issue]:
        """The first rows of `rows` as issues, each saying how many rows in all have the problem."""
        n = rows.height
        out = []
        for row, value in rows.head(MAX_EXAMPLES).select("row", fld).iter_rows():
            found = issue(
                code,
                file=self.file,
                sheet=self.sheet,
                row=row,
                column=self.cols.get(fld),
                field=fld,
                value=value,
                **kw,
            )
            out.append(with_row_count(found, n))
        return out


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
    """Read a long export into observations; never raises on bad input.

    Steps: table (header, columns) → periods → indicators → numbers → counts → values → units →
    duplicates → observations.
    """
    path = Path(path)
    file = display_name or path.name
    export = choose_export(config, ExportKind.LONG, export)
    res = ParseResult(source=NAME, department=department, export_id=export.id)
    t0 = time.perf_counter()
    try:
        data, cols, sheet, problems, detail = _read_table(path, file, export, progress)
    except Exception as e:  # the reader's own words are not for the user: say what to do, log the rest
        log.warning("reading %s as a long export failed: %s", file, e)
        res.issues.append(issue("unreadable-file:table", file=file))
        return res
    res.issues += problems
    res.detail.update(detail)
    if data is None:
        return res
    data = data.filter(pl.any_horizontal([pl.col(f).is_not_null() for f in cols]))
    res.rows_read = data.height
    legacy = check_legacy_font(
        " ".join(data.get_column("unit").drop_nulls().unique().head(200).to_list()), file=file, sheet=sheet
    )
    if legacy is not None:
        res.issues.append(legacy)
        return res
    where = _Where(file, sheet, cols)
    for step in (_periods, _indicators, _numbers, _whole_counts, _missing_values, _units):
        data, problems = step(data, config, export, where)
        res.issues += problems
    res.issues += _duplicates(data, config, where)
    if res.errors:
        return res
    obs = _observations(data, config, where)
    obs, outside = restrict_to_period(obs, normalise_period(period) if period else None, file=file)
    res.issues += outside
    res.observations = obs
    res.detail["seconds"] = round(time.perf_counter() - t0, 3)
    if progress is not None:
        progress(res.rows_read, res.rows_read)
    return res


def _periods(
    data: pl.DataFrame, config: Config, export: ExportConfig, where: _Where
) -> tuple[pl.DataFrame, list[Issue]]:
    """`__p`: each row's period, normalised; `__former`: whether it ends by 30 June 2025."""
    distinct = data.get_column("period").drop_nulls().unique()
    canon = [normalise_period(p) for p in distinct.to_list()]
    pmap = pl.DataFrame(
        {
            "period": distinct,
            "__p": canon,
            # data for a period ending by 30 June 2025 may name former communes
            "__former": [p is not None and period_months(p)[1] <= FORMER_LAST_MONTH for p in canon],
        },
        schema={"period": pl.String, "__p": pl.String, "__former": pl.Boolean},
    )
    data = data.join(pmap, on="period", how="left")
    return data, where.located(
        "bad-period:long",
        "period",
        data.filter(pl.col("__p").is_null()),
        expected="2025-08, 08/2025, 2025-Q3 or 2025",
    )


def _indicators(
    data: pl.DataFrame, config: Config, export: ExportConfig, where: _Where
) -> tuple[pl.DataFrame, list[Issue]]:
    """`__i`: each row's indicator id, matched by id or name; a near name is suggested for unknown ones."""
    index = _indicator_index(config)
    distinct = data.get_column("indicator").drop_nulls().unique()
    imap = pl.DataFrame(
        {"indicator": distinct, "__i": [index.get(header_key(t)) for t in distinct.to_list()]},
        schema={"indicator": pl.String, "__i": pl.String},
    )
    data = data.join(imap, on="indicator", how="left")
    out: list[Issue] = []
    for (text,), g in data.filter(pl.col("__i").is_null()).group_by("indicator", maintain_order=True):
        near = process.extractOne(header_key(text or ""), list(index)) if text else None
        guess = words("phrase.did-you-mean", name=index[near[0]]) if near and near[1] >= 80 else ""
        out += where.located("unknown-indicator:export", "indicator", g, text=text, guess=guess)
    return data, out


def _numbers(
    data: pl.DataFrame, config: Config, export: ExportConfig, where: _Where
) -> tuple[pl.DataFrame, list[Issue]]:
    """`__value`, `__numerator`, `__denominator` parsed in the export's locale; `__why_*` why not."""
    out: list[Issue] = []
    for fld in ("value", "numerator", "denominator"):
        if fld not in data.columns:
            continue
        vals, reasons, reasons_vi = parse_number_column_both(data.get_column(fld), export.decimal_comma)
        data = data.with_columns(
            vals.alias(f"__{fld}"), reasons.alias(f"__why_{fld}"), reasons_vi.alias(f"__why_vi_{fld}")
        )
        bad = data.filter(pl.col(f"__why_{fld}").is_not_null())
        for (why, why_vi), g in bad.group_by(f"__why_{fld}", f"__why_vi_{fld}", maintain_order=True):
            out += where.located("bad-number:export", fld, g.sort("row"), reason=Words(str(why_vi), str(why)))
    return data, out


def _whole_counts(
    data: pl.DataFrame, config: Config, export: ExportConfig, where: _Where
) -> tuple[pl.DataFrame, list[Issue]]:
    """Counts: "1,234" is a thousands separator (a count is never 1.234); "2,5" is an error, not 2.5."""
    counts = [i.id for i in config.targets.indicators if i.unit == MeasureUnit.COUNT]
    out: list[Issue] = []
    for fld in ("value", "numerator", "denominator"):
        if fld not in data.columns or not counts:
            continue
        is_count = pl.col("__i").is_in(counts).fill_null(False) & pl.col(f"__why_{fld}").is_null()
        data = data.with_columns(
            pl.when(is_count)
            .then(count_values(pl.col(fld), pl.col(f"__{fld}")))
            .otherwise(pl.col(f"__{fld}"))
            .alias(f"__{fld}")
        )
        fractions = data.filter(is_count & is_fraction(pl.col(f"__{fld}")))
        out += where.located(
            "count-not-whole:export", fld, fractions.sort("row"), expected="a whole number (1.234 or 1234)"
        )
        data = data.with_columns(
            pl.when(is_count & is_fraction(pl.col(f"__{fld}")))
            .then(pl.lit("a count must be a whole number"))
            .otherwise(pl.col(f"__why_{fld}"))
            .alias(f"__why_{fld}")
        )
    return data, out


def _missing_values(
    data: pl.DataFrame, config: Config, export: ExportConfig, where: _Where
) -> tuple[pl.DataFrame, list[Issue]]:
    """Rows with neither a value nor both numerator and denominator."""
    if "value" not in data.columns:
        return data, []
    missing = data.filter(pl.col("__value").is_null() & pl.col("__why_value").is_null())
    if "__numerator" in data.columns and "__denominator" in data.columns:
        missing = missing.filter(pl.col("__numerator").is_null() | pl.col("__denominator").is_null())
    return data, where.located("missing-value:export", "value", missing)


def _units(
    data: pl.DataFrame, config: Config, export: ExportConfig, where: _Where
) -> tuple[pl.DataFrame, list[Issue]]:
    """`unit_code` of each row (before 1 July 2025 former communes are accepted); missing and unknown units."""
    former = pl.col("__former").fill_null(False)
    labels = data.filter(pl.col("unit").is_not_null()).select(
        pl.col("unit").alias("label"), former.alias("former")
    )
    out = where.located("missing-unit:export", "unit", data.filter(pl.col("unit").is_null()))
    units = resolve_units(labels, config, export, levels=None)
    data = data.with_columns(former.alias("__former")).join(
        units.rename({"label": "unit", "former": "__former"}), on=["unit", "__former"], how="left"
    )
    bad = data.filter(pl.col("unit").is_not_null() & pl.col("unit_code").is_null())
    for (label,), g in bad.group_by("unit", maintain_order=True):
        out.append(
            unit_issue(
                export,
                str(label),
                g["reason"][0],
                g["reason_vi"][0],
                count=g.height,
                rows=g["row"].to_list(),
                file=where.file,
                sheet=where.sheet,
                column=where.cols.get("unit"),
            )
        )
    return data, out


def _duplicates(data: pl.DataFrame, config: Config, where: _Where) -> list[Issue]:
    """Rows repeating a unit, period and indicator: the first few, and how many in all."""
    key = pl.struct("unit_code", "__p", "__i")
    dup = data.filter(
        ~key.is_first_distinct() & pl.col("unit_code").is_not_null() & pl.col("__i").is_not_null()
    )
    # a million repeated rows are listed by their first few and counted, never dropped in silence
    cap = IssueCap(MAX_EXAMPLES)
    for row, u, p, i in dup.select("row", "unit_code", "__p", "__i").head(MAX_EXAMPLES).iter_rows():
        cap.add(
            issue(
                "duplicate-row:export",
                file=where.file,
                sheet=where.sheet,
                row=row,
                indicator=indicator_words(config, i),
                unit=unit_words(config, u),
                period=period_words(p),
            )
        )
    if dup.height > MAX_EXAMPLES:
        cap.count("duplicate-row", dup.height - MAX_EXAMPLES)
    return cap.issues()


def _observations(data: pl.DataFrame, config: Config, where: _Where) -> pl.DataFrame:
    """One observation per row: its value, else numerator / denominator (×100 for a percentage)."""
    num = pl.col("__numerator") if "__numerator" in data.columns else pl.lit(None, dtype=pl.Float64)
    den = pl.col("__denominator") if "__denominator" in data.columns else pl.lit(None, dtype=pl.Float64)
    scale = {ind.id: (100.0 if ind.unit.value == "percent" else 1.0) for ind in config.targets.indicators}
    computed = num * pl.col("__i").replace_strict(scale, return_dtype=pl.Float64) / den
    value = pl.col("__value") if "__value" in data.columns else pl.lit(None, dtype=pl.Float64)
    obs = data.select(
        pl.col("__i").alias("indicator"),
        "unit_code",
        pl.col("__p").alias("period"),
        pl.coalesce(value, pl.when(den != 0).then(computed)).alias("value"),
        num.alias("numerator"),
        den.alias("denominator"),
        pl.lit(where.file).alias("source_file"),
        pl.lit(where.sheet, dtype=pl.String).alias("sheet"),
        "row",
        pl.lit(where.cols.get("value"), dtype=pl.String).alias("column"),
    )
    return conform(obs).sort("indicator", "unit_code", "period")


def sniff(path: Path, config: Config) -> ExportConfig | bool:
    """The long export whose unit, period, indicator and value headers are in the file, else False."""
    exports = [e for e in config.targets.exports if e.kind == ExportKind.LONG]
    for export in exports or [ExportConfig(id=NAME, kind=ExportKind.LONG)]:
        try:
            data, _, _, problems, _ = _read_table(Path(path), Path(path).name, export, None, n_rows=HEAD_ROWS)
        except Exception:
            return False
        if data is not None and not problems:
            return export
    return False


SOURCE = DataSource(
    name=NAME,
    looks_for=(
        "a long table with columns unit, period, indicator, value",
        "bảng dạng dọc với các cột đơn vị, kỳ, chỉ tiêu, giá trị",
    ),
    is_a=("a long export from a report system", "tệp xuất dạng dọc từ hệ thống báo cáo"),
    sniffer=sniff,
    reader=read,
    export_kind=ExportKind.LONG,
)
