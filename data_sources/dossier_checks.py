"""Dossier rows that must not pass silently: empty or repeated dossier codes, exact copies of a row,
and a result dated before the dossier was received.

Everything is a Polars expression over the lazy rows of `data_sources.dossiers`: the cheap tests are
boolean columns that join the loader's one group-by, the repeated codes one more aggregation collected
with it, and the rows themselves are fetched again only when something is wrong (rare, and then only
the rows of the repeated codes). Each problem lists at most `MAX_LISTED` rows as located issues, then
one "… and N more" issue with the count — the way `ioc.validation` caps its lists.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from ioc.issues import Issue, more_like_this
from ioc.messages import issue, with_row_count

MAX_LISTED = 20  # located issues per problem; one more issue counts the rest
MAX_ROWS_SHOWN = 10  # rows named in one issue's message (a code repeated many times)
CHECKED_FIELDS = ("code", "received_date", "result_date")  # read whenever the file has them

NO_CODE = "__no_code"
RESULT_FIRST = "__result_first"


def flag_columns(present: Sequence[str]) -> dict[str, pl.Expr]:
    """Boolean columns (name → expression on the typed rows) counted by the loader's group-by."""
    out: dict[str, pl.Expr] = {}
    if "code" in present:
        out[NO_CODE] = pl.col("code").fill_null("").str.len_bytes() == 0
    if "received_date" in present and "result_date" in present:
        out[RESULT_FIRST] = (pl.col("result_date") < pl.col("received_date")).fill_null(False)
    return out


def repeated_codes(lf: pl.LazyFrame, row: str) -> pl.LazyFrame:
    """Codes that occur on more than one row: code, how many rows, the first row."""
    return (
        lf.filter(pl.col("code").fill_null("").str.len_bytes() > 0)
        .group_by("code")
        .agg(pl.len().alias("__n"), pl.col(row).min().alias(row))
        .filter(pl.col("__n") > 1)
    )


def _capped(found: list[Issue], total: int) -> list[Issue]:
    """The first `MAX_LISTED` issues, then one issue saying how many more there are ("… và 12 lỗi tương tự")."""
    listed = found[:MAX_LISTED]
    more = total - len(listed)
    return listed + ([more_like_this(listed[0], more)] if more > 0 and listed else [])


def _rows_text(rows: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:MAX_ROWS_SHOWN])
    return shown + (f" … (+{len(rows) - MAX_ROWS_SHOWN})" if len(rows) > MAX_ROWS_SHOWN else "")


def check_rows(
    agg: pl.DataFrame,
    repeated: pl.DataFrame | None,
    lf: pl.LazyFrame,
    raw: pl.LazyFrame,
    *,
    row: str,
    count: str,
    columns: dict[str, str],
    file: str,
    sheet: str | None,
) -> list[Issue]:
    """Issues for empty codes, repeated codes, exact copies and results before receipt.

    `agg` is the loader's grouped frame (with the flag columns and a row count `count`), `repeated` the
    collected `repeated_codes`, `lf` the typed rows, `raw` every column of the file as written (with the
    row number `row`), `columns` field → Excel letter or CSV header.
    """
    out: list[Issue] = []
    if NO_CODE in agg.columns:
        out += _empty_codes(agg, lf, row=row, count=count, column=columns.get("code"), file=file, sheet=sheet)
    if repeated is not None and not repeated.is_empty():
        out += _repeats(repeated, lf, raw, row=row, column=columns.get("code"), file=file, sheet=sheet)
    if RESULT_FIRST in agg.columns:
        out += _result_first(
            agg, lf, row=row, count=count, column=columns.get("result_date"), file=file, sheet=sheet
        )
    return out


def _empty_codes(
    agg: pl.DataFrame,
    lf: pl.LazyFrame,
    *,
    row: str,
    count: str,
    column: str | None,
    file: str,
    sheet: str | None,
) -> list[Issue]:
    total = int(agg.filter(pl.col(NO_CODE)).get_column(count).sum() or 0)
    if total == 0:
        return []
    rows = lf.filter(pl.col(NO_CODE)).select(row).bottom_k(MAX_LISTED, by=row).collect().sort(row)
    found = [
        with_row_count(
            issue("missing-code", file=file, sheet=sheet, row=int(r), column=column, field="code"), total
        )
        for r in rows.get_column(row).to_list()
    ]
    return _capped(
        found,
        total,
    )


def _repeats(
    repeated: pl.DataFrame,
    lf: pl.LazyFrame,
    raw: pl.LazyFrame,
    *,
    row: str,
    column: str | None,
    file: str,
    sheet: str | None,
) -> list[Issue]:
    """Exact copies of a row (every cell the same), then codes shared by rows that differ."""
    # The rows of the repeated codes only: a small frame, fetched once.
    rows = (
        lf.join(repeated.lazy().select("code"), on="code", how="semi").select(row, "code").collect().sort(row)
    )
    cells = [c for c in raw.collect_schema().names() if c != row]
    same = (
        raw.join(rows.lazy().select(row), on=row, how="semi")
        .collect()
        .join(rows, on=row)
        .sort(row)
        # the first of identical rows is the dossier; the others are its copies
        .with_columns(pl.col(row).min().over(cells).alias("__first"))
    )
    copies = same.filter(pl.col(row) != pl.col("__first"))
    out = _capped(
        [
            issue(
                "duplicate-row:dossier",
                first=str(first),
                file=file,
                sheet=sheet,
                row=int(r),
                column=column,
                field="code",
                value=code,
                extra={"rows": [int(first), int(r)]},
            )
            for r, first, code in copies.select(row, "__first", "code").head(MAX_LISTED).iter_rows()
        ],
        copies.height,
    )
    # Codes still on two or more distinct rows once the exact copies are set aside.
    conflicts = (
        same.filter(pl.col(row) == pl.col("__first"))
        .group_by("code")
        .agg(pl.col(row).sort().alias("__rows"))
        .filter(pl.col("__rows").list.len() > 1)
        .sort(pl.col("__rows").list.first())
    )
    found = []
    for code, code_rows in conflicts.head(MAX_LISTED).iter_rows():
        shown = _rows_text(code_rows)
        found.append(
            issue(
                "duplicate-code",
                count=len(code_rows),
                rows=shown,
                file=file,
                sheet=sheet,
                row=int(code_rows[1]),
                column=column,
                field="code",
                value=code,
                extra={"rows": [int(r) for r in code_rows[:MAX_ROWS_SHOWN]], "count": len(code_rows)},
            )
        )
    return out + _capped(
        found,
        conflicts.height,
    )


def _result_first(
    agg: pl.DataFrame,
    lf: pl.LazyFrame,
    *,
    row: str,
    count: str,
    column: str | None,
    file: str,
    sheet: str | None,
) -> list[Issue]:
    total = int(agg.filter(pl.col(RESULT_FIRST)).get_column(count).sum() or 0)
    if total == 0:
        return []
    rows = (
        lf.filter(pl.col(RESULT_FIRST))
        .select(row, "received_date", "result_date")
        .bottom_k(MAX_LISTED, by=row)
        .collect()
        .sort(row)
    )
    found = [
        issue(
            "result-before-received",
            result=f"{result:%d/%m/%Y}",
            received=f"{received:%d/%m/%Y}",
            file=file,
            sheet=sheet,
            row=int(r),
            column=column,
            field="result_date",
            value=f"{result:%d/%m/%Y}",
            expected=f"on or after {received:%d/%m/%Y}",
            extra={"count": total},
        )
        for r, received, result in rows.iter_rows()
    ]
    return _capped(
        found,
        total,
    )
