"""Dossier-level exports (one row per administrative-procedure dossier) → indicators per unit and month.

One pass over the file: the rows are scanned lazily (CSV through `pl.scan_csv`, after transcoding when
not UTF-8; xlsx through fastexcel), dates and numbers parsed with vectorised expressions, every
row-level test of the indicators' filters (date comparisons, fee > 0, …) computed as a boolean, and the
rows grouped by receiving unit, month, the raw vocabulary labels, those booleans and the error flags.
Everything else — vocabulary and unit mapping, error reports with example rows, the indicators' sums —
works on that small grouped frame, so a file of millions of rows costs about one read.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from data_sources import DataSource, ParseResult, Progress, dossier_checks
from data_sources._export_common import (
    FORMER_LAST_MONTH,
    MAX_EXAMPLES,
    ambiguous_column_issue,
    check_indicators,
    choose_export,
    export_indicators,
    find_header_row,
    header_key,
    is_spreadsheet,
    letter,
    load_sheet_strings,
    match_columns,
    missing_column_issue,
    observations,
    quantities,
    resolve_units,
    restrict_to_period,
    unit_issue,
)
from data_sources.dossier_checks import CHECKED_FIELDS
from ioc.config import Config
from ioc.csvread import check_legacy_font, head_lines, open_utf8, sniff_delimiter, sniff_encoding
from ioc.exports_config import Condition, ExportConfig, ExportKind, FieldType, Quantity
from ioc.filters import compile_condition, quantity_fields
from ioc.issues import Issue
from ioc.messages import issue, warning, with_row_count
from ioc.textnorm import clean_text

NAME = "dossiers"
HEAD_ROWS = 40  # rows searched for the header
_ROW = "__row"
_N = "__n"
_PERIOD = "__period"
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_ROW_LEVEL: set[str] = {"date", "number", "text"}


@dataclass
class _Table:
    """The file's rows as a lazy frame of canonical fields (raw strings), and where they came from."""

    lf: pl.LazyFrame
    sheet: str | None
    header_row: int  # 1-based, as Excel or a text editor shows it
    columns: dict[str, str]  # field → Excel letter, or the CSV header
    excel: bool
    detail: dict[str, object] = field(default_factory=dict)
    cleanup: list[Path] = field(default_factory=list)
    raw: pl.LazyFrame | None = None  # every column of the file as written, with the row number


# ---- value parsing (vectorised) ---------------------------------------------------------------------------


def date_expr(raw: pl.Expr, fmt: str, *, excel: bool) -> pl.Expr:
    """Parse dates: the configured format (a time after it is allowed), ISO dates, and in xlsx files
    Excel date cells (read as "2025-08-01 00:00:00") and bare Excel serial numbers."""
    # Quick path: one strptime of the form nearly every cell has (a workbook's date cells, which fastexcel
    # gives as "2025-08-01 00:00:00"; else the configured format). Only the cells it misses take the slow
    # path, whose input is null elsewhere, so its string work costs next to nothing. strptime skips
    # whitespace inside a date ("01/ 08/2025") where the slow path does not: such cells take the slow path.
    # (A format starting with the year could read an ISO date differently: the slow path decides those.)
    if excel and (not fmt.startswith("%Y") or fmt == "%Y-%m-%d"):
        plain = raw.str.contains(r"^\d{4}-\d{2}-\d{2} ")
        quick = pl.when(plain).then(raw.str.strptime(pl.Date, "%Y-%m-%d %H:%M:%S", strict=False))
    elif not excel and not re.search(r"\s", fmt):
        plain = ~raw.str.contains(r"\S\s")
        quick = pl.when(plain).then(raw.str.strptime(pl.Date, fmt, strict=False))
    else:
        return _date_slow(raw, fmt, excel=excel)
    return pl.coalesce(quick, _date_slow(pl.when(quick.is_null()).then(raw), fmt, excel=excel))


def _date_slow(raw: pl.Expr, fmt: str, *, excel: bool) -> pl.Expr:
    # the date part only: a time after it ("01/08/2025 14:30", Excel's "2025-08-01 00:00:00") is dropped;
    # exact matching, since a partial match would read "31/02/2025" as 1 February
    s = raw.str.strip_chars().str.extract(r"^(\S+)", 1)
    parts = [
        s.str.strptime(pl.Date, fmt, strict=False),
        s.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
    ]
    if excel:
        serial = s.cast(pl.Float64, strict=False)
        ok = (serial >= 1) & (serial < 2958466)  # Excel's calendar ends on 31/12/9999
        parts.append(
            pl.when(ok)
            .then(pl.lit(_EXCEL_EPOCH) + pl.duration(days=serial.floor().cast(pl.Int64)))
            .otherwise(None)
            .cast(pl.Date)
        )
    return pl.coalesce(parts)


def number_expr(raw: pl.Expr, *, decimal_comma: bool) -> pl.Expr:
    """Parse amounts typed or exported as text: "50000", "50.000", "50.000 đ", "1.234,5" (vi-VN), "12.5".

    With `decimal_comma`, dots that group thousands are dropped and the comma is the decimal mark; a dot
    followed by other than three digits is a decimal point (what Excel writes for a numeric cell).
    """
    # Quick path: plain integers ("50000"), what systems export; the rest take the slow path (see date_expr).
    fast = raw.cast(pl.Int64, strict=False).cast(pl.Float64)
    return pl.coalesce(fast, _number_slow(pl.when(fast.is_null()).then(raw), decimal_comma=decimal_comma))


def _number_slow(raw: pl.Expr, *, decimal_comma: bool) -> pl.Expr:
    s = (
        raw.str.strip_chars()
        .str.replace_all(r"(?i)\s*(vnđ|vnd|đồng|đ)$", "")
        .str.replace_all(r"[\s\u00a0]", "")
    )
    dec, thou = (",", r"\.") if decimal_comma else (r"\.", ",")
    return (
        pl.when(s.str.contains(r"^[+-]?\d+$"))
        .then(s)
        .when(s.str.contains(rf"^[+-]?\d{{1,3}}({thou}\d{{3}})+({dec}\d+)?$"))
        .then(s.str.replace_all(thou, "").str.replace(dec, "."))
        .when(s.str.contains(rf"^[+-]?\d+{dec}\d+$"))
        .then(s.str.replace(dec, "."))
        .when(s.str.contains(r"^[+-]?\d+\.\d+$"))
        .then(s)
        .otherwise(None)
        .cast(pl.Float64, strict=False)
    )


# ---- opening the file ------------------------------------------------------------------------------------


def _header_issues(
    export: ExportConfig,
    needed: set[str],
    specs: dict,
    found: dict[str, int],
    ambiguous: dict[str, list[int]],
    *,
    file: str,
    sheet: str | None,
    row: int,
    headers: list,
    names: list[str],
) -> list[Issue]:
    out = []
    for fld, spec in specs.items():
        if fld in ambiguous:
            out.append(
                ambiguous_column_issue(
                    fld, [names[i] for i in ambiguous[fld]], file=file, sheet=sheet, row=row
                )
            )
        elif fld not in found and (spec.required or fld in needed):
            out.append(
                missing_column_issue(export, fld, spec, file=file, sheet=sheet, row=row, headers=headers)
            )
    for fld in sorted(needed - set(specs)):
        out.append(
            issue(
                "export-config:undeclared-field",
                file="targets.yaml",
                field=f"exports[{export.id}].columns",
                fld=fld,
                export=export.id,
            )
        )
    return out


def _open_xlsx(
    path: Path, file: str, export: ExportConfig, needed: set[str]
) -> tuple[_Table | None, list[Issue]]:
    specs = export.column_specs()
    try:
        grid, absolute, sheet = load_sheet_strings(path, export.sheet)
    except Exception as e:  # calamine's errors: not a workbook, sheet not found …
        return None, [issue("unreadable-file:workbook", file=file, error=e)]
    rows = grid.head(HEAD_ROWS).rows()
    hr = export.header_row - 1 if export.header_row else find_header_row(rows, specs)
    if hr is None or hr >= len(rows):
        return None, [_no_header(export, file, sheet)]
    headers = list(rows[hr])
    legacy = check_legacy_font(" ".join(str(h) for h in headers if h), file=file, sheet=sheet)
    if legacy is not None:
        return None, [legacy]
    found, ambiguous = match_columns(headers, specs, absolute)
    names = [letter(a) for a in absolute]
    problems = _header_issues(
        export,
        needed,
        specs,
        found,
        ambiguous,
        file=file,
        sheet=sheet,
        row=hr + 1,
        headers=headers,
        names=names,
    )
    if any(i.is_error for i in problems):
        return None, problems
    use = {f: absolute[i] for f, i in found.items() if _read_field(f, specs, needed)}
    names = grid.columns
    raw = (
        grid.lazy().slice(hr + 1).with_columns(pl.int_range(pl.len(), dtype=pl.Int64).add(hr + 2).alias(_ROW))
    )
    lf = raw.select(_ROW, *(pl.col(names[absolute.index(a)]).alias(f) for f, a in use.items()))
    cols = {f: letter(a) for f, a in use.items()}
    detail: dict[str, object] = {"format": "xlsx", "sheet": sheet, "header_row": hr + 1}
    return _Table(lf, sheet, hr + 1, cols, True, detail, raw=raw), problems


def _read_field(f: str, specs: dict, needed: set[str]) -> bool:
    """Whether a found column is read: the indicators need it, it is required, or the row checks use it."""
    return f in needed or specs[f].required or f in CHECKED_FIELDS


def _open_csv(
    path: Path, file: str, export: ExportConfig, needed: set[str], progress: Progress | None
) -> tuple[_Table | None, list[Issue]]:
    specs = export.column_specs()
    tf, problems = open_utf8(
        path, file=file, encoding=export.encoding, delimiter=export.delimiter, progress=progress
    )
    if tf is None:
        return None, problems
    rows = head_lines(tf, HEAD_ROWS)
    hr = export.header_row - 1 if export.header_row else find_header_row(rows, specs)
    cleanup = [tf.path] if tf.transcoded else []
    if hr is None or hr >= len(rows):
        tf.cleanup()
        return None, [_no_header(export, file, None)]
    headers = [clean_text(h) for h in rows[hr]]
    found, ambiguous = match_columns(headers, specs)
    problems = _header_issues(
        export,
        needed,
        specs,
        found,
        ambiguous,
        file=file,
        sheet=None,
        row=hr + 1,
        headers=headers,
        names=headers,
    )
    if any(i.is_error for i in problems):
        tf.cleanup()
        return None, problems
    n = len(headers)
    lf = pl.scan_csv(
        tf.path,
        separator=tf.delimiter,
        has_header=False,
        skip_rows=hr + 1,
        schema={f"c{i}": pl.String for i in range(n)},
        truncate_ragged_lines=True,
        encoding="utf8",
    )
    use = {f: i for f, i in found.items() if _read_field(f, specs, needed)}
    raw = lf.with_row_index(_ROW, offset=hr + 2).with_columns(pl.col(_ROW).cast(pl.Int64))
    lf = raw.select(_ROW, *(pl.col(f"c{i}").alias(f) for f, i in use.items()))
    cols = {f: headers[i] for f, i in use.items()}
    detail = {"format": "csv", "encoding": tf.encoding, "delimiter": tf.delimiter, "header_row": hr + 1}
    return _Table(lf, None, hr + 1, cols, False, detail, cleanup, raw=raw), problems


def _no_header(export: ExportConfig, file: str, sheet: str | None) -> Issue:
    labels = "; ".join(f"{f}: {' / '.join(s.labels)}" for f, s in export.column_specs().items() if s.required)
    return issue(
        "header-not-found:dossiers", file=file, sheet=sheet, expected=labels, export=export.id, rows=HEAD_ROWS
    )


# ---- the pass over the rows -------------------------------------------------------------------------------


def _is_row_level(c: Condition, types: dict[str, FieldType]) -> bool:
    return c.operator.endswith("_field") or types.get(c.field, "text") in _ROW_LEVEL


def _cond_key(c: Condition) -> str:
    return c.model_dump_json(exclude_none=True, by_alias=True)


def _vocab_table(export: ExportConfig, fld: str) -> dict[str, str]:
    """Label key → canonical value (the canonical value itself is accepted as a label too)."""
    out: dict[str, str] = {}
    for canon, labels in export.vocabularies()[fld].items():
        out[header_key(canon)] = canon
        for lab in labels:
            out[header_key(lab)] = canon
    return out


def _examples(frame: pl.DataFrame, n: int = MAX_EXAMPLES) -> pl.DataFrame:
    return frame.sort(_ROW).head(n)


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
    """Compute the dossier indicators of `export` per receiving unit and month; never raises on bad input."""
    path = Path(path)
    file = display_name or path.name
    export = choose_export(config, ExportKind.DOSSIERS, export)
    res = ParseResult(source=NAME, department=department, export_id=export.id)
    t0 = time.perf_counter()
    if progress is not None:
        progress(0, None)
    indicators = export_indicators(config, export.id)
    specs = export.column_specs()
    vocab = export.vocabularies()
    types: dict[str, FieldType] = {f: export.field_type(f) for f in {*specs, *vocab}}
    res.issues += check_indicators(export, indicators, types)
    if export.field_type(export.period_field) != "date":
        res.issues.append(
            issue(
                "export-config:period-field",
                file="targets.yaml",
                field=f"exports[{export.id}].period_field",
                fld=export.period_field,
            )
        )
    if res.errors:
        return res
    if not indicators:
        res.issues.append(warning("no-indicators", file=file, export=export.id))
    qs: list[Quantity] = [q for ind in indicators for q in quantities(ind).values()]  # type: ignore[misc]
    needed = {"unit", export.period_field}.union(*(quantity_fields(q) for q in qs))
    try:
        if is_spreadsheet(path):
            table, problems = _open_xlsx(path, file, export, needed)
        else:
            table, problems = _open_csv(path, file, export, needed, progress)
    except Exception as e:  # a file the readers cannot parse at all
        res.issues.append(issue("unreadable-file:dossiers", file=file, error=e))
        return res
    res.issues += problems
    if table is None:
        return res
    try:
        _compute(
            res, config, table, export, indicators, types, needed, file=file, period=period, progress=progress
        )
    except pl.exceptions.ComputeError as e:  # e.g. invalid UTF-8 past the sniffed head of a CSV
        res.issues.append(issue("unreadable-file:dossiers", file=file, error=e))
    finally:
        for p in table.cleanup:
            p.unlink(missing_ok=True)
    res.detail.update(table.detail)
    res.detail["seconds"] = round(time.perf_counter() - t0, 3)
    return res


def _compute(
    res: ParseResult,
    config: Config,
    table: _Table,
    export: ExportConfig,
    indicators: list,
    types: dict[str, FieldType],
    needed: set[str],
    *,
    file: str,
    period: str | None,
    progress: Progress | None,
) -> None:
    """Steps: typed values → row-level tests → one group-by → problems → units → indicators."""
    sheet = table.sheet
    present = [f for f in table.columns if f in needed or f in CHECKED_FIELDS]
    lf = table.lf.filter(pl.any_horizontal([pl.col(f).is_not_null() for f in table.columns]))
    lf, flags = _typed(lf, present, types, export, excel=table.excel)
    # the month as a date (first of the month): a cheap group key, written as "YYYY-MM" once grouped
    lf = lf.with_columns(pl.col(export.period_field).dt.month_start().alias(_PERIOD))
    checks = dossier_checks.flag_columns(present)
    lf = lf.with_columns(e.alias(name) for name, e in checks.items())
    lf, atoms = _row_tests(lf, indicators, types)
    vocab_fields = [f for f in present if types.get(f) in ("vocab", "unit")]
    keys = [_PERIOD, *vocab_fields, *atoms.values(), *flags, *checks]
    agg, repeated = _group(lf, keys, indicators, present)
    res.rows_read = int(agg.get_column(_N).sum() or 0)
    res.detail["groups"] = agg.height
    if progress is not None:
        progress(res.rows_read, res.rows_read)
    # problems, each found on the grouped frame; examples are the first rows where it occurs
    res.issues += _bad_cells(lf, agg, flags, types, table, export, file=file)
    res.issues += dossier_checks.check_rows(
        agg,
        repeated,
        lf,
        table.raw if table.raw is not None else lf,
        row=_ROW,
        count=_N,
        columns=table.columns,
        file=file,
        sheet=sheet,
    )
    res.issues += _missing(agg, table, export, file=file)
    mapped, problems = _vocab_values(agg, vocab_fields, types, table, export, file=file)
    res.issues += problems
    with_units, units, problems = _unit_codes(agg, config, table, export, file=file)
    res.issues += problems
    if res.errors:
        return
    obs = _indicators(with_units, units, mapped, indicators, types, atoms, file=file, sheet=sheet)
    obs, outside = restrict_to_period(obs, period, file=file)
    res.issues += outside
    res.observations = obs


def _typed(
    lf: pl.LazyFrame, present: list[str], types: dict[str, FieldType], export: ExportConfig, *, excel: bool
) -> tuple[pl.LazyFrame, list[str]]:
    """Dates, numbers and texts parsed in place (the raw text kept as `__raw_*`); the `__bad_*` flags."""
    typed: list[pl.Expr] = []
    flags: list[str] = []
    for f in present:
        t = types.get(f, "text")
        if t == "date":
            typed.append(date_expr(pl.col(f), export.date_format, excel=excel).alias(f))
        elif t == "number":
            typed.append(number_expr(pl.col(f), decimal_comma=export.decimal_comma).alias(f))
        elif t == "text":
            typed.append(pl.col(f).str.normalize("NFC").str.strip_chars().alias(f))
        else:  # vocab and unit: kept as written, cleaned and mapped later on their distinct values
            continue
        if t in ("date", "number"):
            flags.append(f"__bad_{f}")
            typed.append((pl.col(f).str.len_bytes().fill_null(0) > 0).alias(f"__has_{f}"))
    lf = lf.with_columns(pl.col(f).alias(f"__raw_{f}") for f in present if types.get(f) in ("date", "number"))
    lf = lf.with_columns(typed).with_columns(
        (pl.col(f"__has_{f.removeprefix('__bad_')}") & pl.col(f.removeprefix("__bad_")).is_null()).alias(f)
        for f in flags
    )
    return lf, flags


def _row_tests(
    lf: pl.LazyFrame, indicators: list, types: dict[str, FieldType]
) -> tuple[pl.LazyFrame, dict[str, str]]:
    """Each row-level test of the filters computed once, as a boolean column (condition key → column)."""
    atoms: dict[str, str] = {}
    for ind in indicators:
        for q in quantities(ind).values():
            for c in q.conditions():  # type: ignore[union-attr]
                if _is_row_level(c, types) and _cond_key(c) not in atoms:
                    atoms[_cond_key(c)] = f"__a{len(atoms)}"
    conds = {_cond_key(c): c for ind in indicators for q in quantities(ind).values() for c in q.conditions()}  # type: ignore[union-attr]
    lf = lf.with_columns(compile_condition(conds[k], types).alias(name) for k, name in atoms.items())
    return lf, atoms


def _group(
    lf: pl.LazyFrame, keys: list[str], indicators: list, present: list[str]
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """One group-by over the file (rows, first row, summed amounts) and the repeated dossier codes."""
    sums = sorted({f for ind in indicators for q in quantities(ind).values() for f in (q.sum or [])})  # type: ignore[union-attr]
    grouped = lf.group_by(keys).agg(
        pl.len().alias(_N),
        pl.col(_ROW).min().alias(_ROW),
        *(pl.col(f).sum().alias(f) for f in sums),
    )
    # the repeated dossier codes: one more aggregation, collected in the same call
    if "code" in present:
        agg, repeated = pl.collect_all([grouped, dossier_checks.repeated_codes(lf, _ROW)], engine="streaming")
    else:
        agg, repeated = grouped.collect(engine="streaming"), None
    return agg.with_columns(pl.col(_PERIOD).dt.strftime("%Y-%m")), repeated


def _bad_cells(
    lf: pl.LazyFrame,
    agg: pl.DataFrame,
    flags: list[str],
    types: dict[str, FieldType],
    table: _Table,
    export: ExportConfig,
    *,
    file: str,
) -> list[Issue]:
    """Dates and numbers that do not parse: the first rows of each, with how many rows in all."""
    bad_flags = [flag for flag in flags if agg.get_column(flag).any()]
    # the cells themselves only when something is wrong: one more pass, for the first rows of each problem
    # (carrying the raw text through the group-by would cost every file a good share of its read)
    examples = (
        pl.collect_all(
            [
                lf.filter(pl.col(flag))
                .select(_ROW, pl.col(f"__raw_{flag.removeprefix('__bad_')}").alias("raw"))
                .bottom_k(MAX_EXAMPLES, by=_ROW)
                for flag in bad_flags
            ],
            engine="streaming",
        )
        if bad_flags
        else []
    )
    out: list[Issue] = []
    for flag, rows_df in zip(bad_flags, examples, strict=True):
        f = flag.removeprefix("__bad_")
        total = int(agg.filter(pl.col(flag)).get_column(_N).sum())
        kind = types[f]
        for row, raw in rows_df.sort(_ROW).iter_rows():
            what = f"'{export.date_format.replace('%d', 'dd').replace('%m', 'mm').replace('%Y', 'yyyy')}'"
            out.append(
                with_row_count(
                    issue(
                        "bad-date" if kind == "date" else "bad-number:amount",
                        format=what,
                        export=export.id,
                        file=file,
                        sheet=table.sheet,
                        row=row,
                        column=table.columns.get(f),
                        field=f,
                        value=raw,
                        expected=f"a date {what} or an Excel date" if kind == "date" else "a number",
                    ),
                    total,
                )
            )
    return out


def _missing(agg: pl.DataFrame, table: _Table, export: ExportConfig, *, file: str) -> list[Issue]:
    """Rows without a date (that is not merely unreadable) or without a receiving unit."""
    out: list[Issue] = []
    for f, key in ((export.period_field, "missing-date"), ("unit", "missing-unit:dossier")):
        col = _PERIOD if f == export.period_field else f
        if col not in agg.columns:
            continue
        missing = agg.filter(pl.col(col).is_null())
        if f == export.period_field:
            missing = missing.filter(~pl.col(f"__bad_{f}")) if f"__bad_{f}" in agg.columns else missing
        if missing.is_empty():
            continue
        total = int(missing.get_column(_N).sum())
        for (row,) in _examples(missing).select(_ROW).iter_rows():
            out.append(
                with_row_count(
                    issue(key, file=file, sheet=table.sheet, row=row, column=table.columns.get(f), field=f),
                    total,
                )
            )
    return out


def _vocab_values(
    agg: pl.DataFrame,
    vocab_fields: list[str],
    types: dict[str, FieldType],
    table: _Table,
    export: ExportConfig,
    *,
    file: str,
) -> tuple[dict[str, pl.DataFrame], list[Issue]]:
    """Each vocabulary field's labels → canonical values, and the labels the export does not know."""
    mapped: dict[str, pl.DataFrame] = {}
    out: list[Issue] = []
    for f in vocab_fields:
        if types[f] != "vocab":
            continue
        table_map = _vocab_table(export, f)
        values = agg.group_by(f).agg(pl.col(_N).sum(), pl.col(_ROW).min()).filter(pl.col(f).is_not_null())
        canon = [table_map.get(header_key(v)) for v in values.get_column(f).to_list()]
        values = values.with_columns(pl.Series("__canon", canon, dtype=pl.String))
        mapped[f] = values.select(f, "__canon")
        allowed = "; ".join(f"{c}: {', '.join(labs)}" for c, labs in export.vocabularies()[f].items())
        for raw, n, row in (
            values.filter(pl.col("__canon").is_null()).sort(_ROW).select(f, _N, _ROW).iter_rows()
        ):
            legacy = check_legacy_font(raw, file=file, sheet=table.sheet)
            if legacy is not None:
                out.append(legacy)
                continue
            out.append(
                issue(
                    "unknown-value",
                    count=int(n),
                    allowed=allowed,
                    export=export.id,
                    file=file,
                    sheet=table.sheet,
                    row=row,
                    column=table.columns.get(f),
                    field=f,
                    value=raw,
                    expected=allowed,
                    extra={"count": int(n)},
                )
            )
    return mapped, out


def _unit_codes(
    agg: pl.DataFrame, config: Config, table: _Table, export: ExportConfig, *, file: str
) -> tuple[pl.DataFrame, pl.DataFrame, list[Issue]]:
    """The groups with a unit and a month, the unit codes of their labels, and the unknown labels."""
    # units: the label with the period's side of 1 July 2025
    with_units = agg.filter(pl.col("unit").is_not_null() & pl.col(_PERIOD).is_not_null()).with_columns(
        (pl.col(_PERIOD) <= FORMER_LAST_MONTH).alias("__former")
    )
    labels = with_units.group_by("unit", "__former").agg(pl.col(_N).sum(), pl.col(_ROW).min())
    units = resolve_units(
        labels.select(pl.col("unit").alias("label"), pl.col("__former").alias("former")), config, export
    )
    # examples: the first row of each group (month, values …) where the label occurs
    bad_units = with_units.join(units, left_on=["unit", "__former"], right_on=["label", "former"]).filter(
        pl.col("unit_code").is_null()
    )
    out: list[Issue] = []
    for label, rows_df in bad_units.sort(_ROW).group_by("unit", maintain_order=True):
        first = rows_df.sort(_ROW)
        rows = [int(r) for r in first.get_column(_ROW).to_list()]
        out.append(
            unit_issue(
                export,
                str(label[0]),
                first.get_column("reason")[0],
                first.get_column("reason_vi")[0],
                count=int(first.get_column(_N).sum()),
                rows=rows,
                file=file,
                sheet=table.sheet,
                column=table.columns.get("unit"),
            )
        )
    return with_units, units, out


def _indicators(
    with_units: pl.DataFrame,
    units: pl.DataFrame,
    mapped: dict[str, pl.DataFrame],
    indicators: list,
    types: dict[str, FieldType],
    atoms: dict[str, str],
    *,
    file: str,
    sheet: str | None,
) -> pl.DataFrame:
    """The indicators on the grouped frame, per unit code and month."""
    frame = with_units.join(
        units.select(pl.col("label").alias("unit"), pl.col("former").alias("__former"), "unit_code"),
        on=["unit", "__former"],
        how="left",
    ).drop("unit")
    for f, m in mapped.items():
        frame = frame.join(m, on=f, how="left").drop(f).rename({"__canon": f})
    frame = frame.with_columns(pl.col("unit_code").alias("unit"), pl.col(_PERIOD).alias("period"))
    parts: dict[str, dict[str, pl.Expr]] = {}
    for ind in indicators:
        parts[ind.id] = {side: _quantity_expr(q, types, atoms) for side, q in quantities(ind).items()}  # type: ignore[arg-type]
    return observations(frame, indicators, parts, source_file=file, sheet=sheet)


def _quantity_expr(q: Quantity, types: dict[str, FieldType], atoms: dict[str, str]) -> pl.Expr:
    """A quantity on the grouped frame: the group's row count where its tests hold, or summed amounts."""
    if q.sum is not None:
        return pl.sum_horizontal([pl.col(f).cast(pl.Float64) for f in q.sum]).fill_null(0.0)
    n = pl.col(_N).cast(pl.Float64)
    if q.all:
        return n
    tests = [
        pl.col(atoms[_cond_key(c)]) if _is_row_level(c, types) else compile_condition(c, types)
        for c in q.conditions()
    ]
    return pl.when(pl.all_horizontal(tests) if tests else pl.lit(True)).then(n).otherwise(0.0)


def _head_texts(path: Path, export: ExportConfig) -> list[list[object]]:
    """The first rows of the file, for sniffing (no transcoding of the whole file)."""
    if is_spreadsheet(path):
        grid, _, _ = load_sheet_strings(path, export.sheet)
        return [list(r) for r in grid.head(HEAD_ROWS).rows()]
    with Path(path).open("rb") as fh:
        head = fh.read(1 << 16)
    enc = export.encoding or sniff_encoding(head)
    codec = {"utf-8": "utf-8-sig"}.get(enc, enc)
    text = (
        codecs.getincrementaldecoder(codec)(errors="replace").decode(head, final=False).removeprefix("\ufeff")
    )
    lines = text.splitlines()[:HEAD_ROWS]
    delim = export.delimiter or sniff_delimiter(lines[0] if lines else "")
    return [list(r) for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=delim)]


def sniff(path: Path, config: Config) -> ExportConfig | bool:
    """The dossiers export whose required headers are all in the file's header row, else False."""
    exports = [e for e in config.targets.exports if e.kind == ExportKind.DOSSIERS]
    for export in exports or [ExportConfig(id=NAME, kind=ExportKind.DOSSIERS)]:
        try:
            rows = _head_texts(Path(path), export)
        except Exception:
            return False
        specs = {f: s for f, s in export.column_specs().items() if s.required and s.labels}
        hr = find_header_row(rows, specs)
        if hr is None:
            continue
        found, _ = match_columns(rows[hr], specs)
        if set(found) >= set(specs):
            return export
    return False


SOURCE = DataSource(
    name=NAME,
    looks_for=("a dossier list (one row per dossier)", "danh sách hồ sơ (mỗi dòng một hồ sơ)"),
    is_a=(
        "a dossier list exported from the administrative-procedure system",
        "danh sách hồ sơ xuất từ hệ thống giải quyết TTHC",
    ),
    sniffer=sniff,
    reader=read,
    export_kind=ExportKind.DOSSIERS,
)
