"""Row-level checks of a department workbook: cell values, indicators, units and periods."""

from __future__ import annotations

from typing import Any

import polars as pl

from data_sources.sheet_header import Header
from data_sources.workbook_context import ReadContext
from ioc.config import Config
from ioc.messages import Words, indicator_words, period_words, text, unit_words, words
from ioc.periods import normalise_period
from ioc.targets import Level
from ioc.textnorm import full_key_expr

MAX_LISTED_ROWS = 12  # rows listed in one summarising warning


_PROVINCE_WORDS = frozenset({"toàn tỉnh", "cả tỉnh", "tỉnh", "province", "whole province"})


def _rows_text(rows: list[int]) -> str:
    """Compact row list: "7, 9–12, 15" (at most MAX_LISTED_ROWS runs, then "…")."""
    runs: list[tuple[int, int]] = []
    for r in sorted(rows):
        if runs and r == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    parts = [f"{a}" if a == b else f"{a}–{b}" for a, b in runs[:MAX_LISTED_ROWS]]
    return ", ".join(parts) + (", …" if len(runs) > MAX_LISTED_ROWS else "")


def _resolve_units(config: Config, texts: pl.Series) -> pl.DataFrame:
    """text → code, level, reason(_vi), candidates, via the registry; "Toàn tỉnh" → the province code."""
    registry = config.registry
    res = registry.resolve_many(texts)
    province = registry.province_code
    is_prov = full_key_expr(pl.col("text")).is_in(list(_PROVINCE_WORDS))
    return res.with_columns(
        pl.when(pl.col("code").is_null() & is_prov)
        .then(pl.lit(province))
        .otherwise(pl.col("code"))
        .alias("code"),
        pl.when(pl.col("code").is_null() & is_prov)
        .then(pl.lit(Level.PROVINCE.value))
        .otherwise(pl.col("level"))
        .alias("level"),
    )


def cell_issue(ctx: ReadContext, rec: dict[str, Any]) -> None:
    """Report the problem of one cell that could not be read as a number."""
    if rec["problem"] == "formula-no-value":
        ctx.add("formula-no-value", row=rec["row"], column=rec["column"], expected="a number")
        return
    shown = rec["text"] if rec["text"] is not None else rec.get("shown")
    if rec["problem"] == "count-not-whole":
        ctx.add(
            "count-not-whole",
            row=rec["row"],
            column=rec["column"],
            value=shown,
            expected="a whole number (1.234 or 1234)",
            shown=shown,
        )
        return
    reason: Words
    if rec["kind"] == "error":
        reason = words("phrase.excel-error")
    elif rec["kind"] == "bool":
        reason = words("phrase.bool")
    elif rec["kind"] == "date":
        reason = words("phrase.date")
    elif rec["reason"]:
        reason = Words(rec["reason_vi"] or rec["reason"], rec["reason"])
    else:
        reason = words("phrase.not-a-number", shown=shown)
    ctx.add(
        "bad-number",
        row=rec["row"],
        column=rec["column"],
        value=shown,
        expected="a number, e.g. 84,63 or 1.672",
        reason=reason,
    )


def empty_value_warnings(ctx: ReadContext, empty: pl.DataFrame, config: Config) -> None:
    """One warning per indicator and column: which rows have no value (they are skipped)."""
    if empty.is_empty():
        return
    groups = (
        empty.with_columns(pl.coalesce("value_col", "numerator_col").alias("_col"))
        .group_by("indicator", "_col", maintain_order=True)
        .agg(pl.col("row").sort())
    )
    for ind, col, rows in groups.iter_rows():
        ctx.add(
            "empty-value",
            warning=True,
            count=len(rows),
            indicator=indicator_words(config, ind),
            rows=_rows_text(rows),
            row=rows[0],
            column=col,
            expected="a number, or leave it empty if there is no data",
            extra={"rows": rows},
        )


def check_indicators(
    ctx: ReadContext, live: pl.DataFrame, department: str, header: Header, config: Config
) -> pl.DataFrame:
    """Unknown, foreign and export-sourced indicators are errors; `ok` marks rows that pass."""
    ok = pl.col("indicator").is_not_null() & (pl.col("owner") == department) & pl.col("workbook")
    live = live.with_columns(ok.fill_null(False).alias("ok"))
    bad = live.filter(~pl.col("ok")).select(
        "row", "indicator_text", "indicator", "ind_col", "owner", "export"
    )
    if header.layout == "wide":
        # the problem is the column header, not each data row
        bad = bad.unique(["indicator", "ind_col"], keep="first", maintain_order=True).with_columns(
            pl.lit(header.last_row, dtype=pl.Int64).alias("row")
        )
    for rec in bad.iter_rows(named=True):
        text, ind = rec["indicator_text"], rec["indicator"]
        where: dict[str, Any] = {"row": rec["row"], "column": rec["ind_col"]}
        if text is None:
            ctx.add("missing-indicator", expected="an indicator id from targets.yaml", **where)
        elif ind is None:
            ctx.add(
                "unknown-indicator",
                value=text,
                expected="an indicator id of the department's template",
                **where,
            )
        elif rec["owner"] != department:
            ctx.add(
                "indicator-not-owned",
                value=text,
                expected=f"an indicator of {department}",
                indicator=indicator_words(config, ind),
                owner=unit_words(config, rec["owner"]),
                department=unit_words(config, department),
                **where,
            )
        else:
            ctx.add(
                "indicator-not-workbook",
                value=text,
                indicator=indicator_words(config, ind),
                export=rec["export"],
                **where,
            )
    return live


def check_units(ctx: ReadContext, live: pl.DataFrame, config: Config, department: str) -> pl.DataFrame:
    """Resolve unit codes/names; unknown, ambiguous and wrong-level units are errors."""
    texts = pl.concat([live.get_column("code_text"), live.get_column("name_text")]).drop_nulls()
    res = _resolve_units(config, texts)
    code_res = res.select(
        pl.col("text").alias("code_text"),
        pl.col("code").alias("_c_code"),
        pl.col("level").alias("_c_level"),
        pl.col("candidates").alias("_c_cands"),
        pl.col("reason").alias("_c_reason"),
        pl.col("reason_vi").alias("_c_reason_vi"),
    )
    name_res = res.select(
        pl.col("text").alias("name_text"),
        pl.col("code").alias("_n_code"),
        pl.col("level").alias("_n_level"),
        pl.col("candidates").alias("_n_cands"),
        pl.col("reason").alias("_n_reason"),
        pl.col("reason_vi").alias("_n_reason_vi"),
    )
    live = live.join(code_res, on="code_text", how="left", maintain_order="left").join(
        name_res, on="name_text", how="left", maintain_order="left"
    )
    # the code column wins; the name column is used when there is no code
    use_code = pl.col("code_text").is_not_null()
    live = live.with_columns(
        pl.when(use_code).then(pl.col("_c_code")).otherwise(pl.col("_n_code")).alias("unit_code"),
        pl.when(use_code).then(pl.col("_c_level")).otherwise(pl.col("_n_level")).alias("unit_level"),
    )
    # a province- or department-only indicator may leave the unit empty
    only = pl.col("levels").list.len() == 1
    no_unit = pl.col("code_text").is_null() & pl.col("name_text").is_null()
    live = live.with_columns(
        pl.when(no_unit & only & (pl.col("levels").list.first() == Level.PROVINCE.value))
        .then(pl.lit(config.registry.province_code))
        .when(no_unit & only & (pl.col("levels").list.first() == Level.DEPARTMENT.value))
        .then(pl.lit(department))
        .otherwise(pl.col("unit_code"))
        .alias("unit_code"),
        pl.when(no_unit & only)
        .then(pl.col("levels").list.first())
        .otherwise(pl.col("unit_level"))
        .alias("unit_level"),
    )
    in_levels = pl.col("levels").list.contains(pl.col("unit_level")).fill_null(False)
    # A department-level indicator is reported by its owner for every department, so a row for another
    # department is expected; only which indicators a department may report is checked (indicator-not-owned).
    name_differs = (
        pl.col("code_text").is_not_null()
        & pl.col("_n_code").is_not_null()
        & (pl.col("_n_code") != pl.col("unit_code"))
    )
    live = live.with_columns(
        pl.col("unit_code").is_null().alias("_unresolved"),
        (pl.col("unit_code").is_not_null() & ~in_levels).alias("_level_bad"),
        (in_levels & name_differs.fill_null(False)).alias("_name_differs"),
    )
    flagged = live.filter(pl.col("ok") & pl.any_horizontal("_unresolved", "_level_bad", "_name_differs"))
    # an unknown unit is one problem per row, however many indicator cells the row has
    unresolved = flagged.filter(pl.col("_unresolved")).unique("row", keep="first", maintain_order=True)
    for rec in unresolved.iter_rows(named=True):
        _unit_issue(ctx, rec, config)
    for rec in flagged.filter(~pl.col("_unresolved")).iter_rows(named=True):
        where = {
            "row": rec["row"],
            "column": rec["code_col"] if rec["code_text"] else rec["name_col"],
            "value": rec["code_text"] or rec["name_text"],
        }
        if rec["_level_bad"]:
            ctx.add(
                "unit-level-mismatch",
                expected=", ".join(rec["levels"]),
                unit=unit_words(config, rec["unit_code"]),
                level=words(f"phrase.{rec['unit_level']}"),
                indicator=indicator_words(config, rec["indicator"]),
                levels=Words(
                    *(", ".join(text(f"phrase.{x}", lang) for x in rec["levels"]) for lang in ("vi", "en"))
                ),
                **where,
            )
        else:
            ctx.add(
                "unit-name-mismatch",
                warning=True,
                code=rec["unit_code"],
                unit=unit_words(config, rec["unit_code"]),
                named=unit_words(config, rec["_n_code"]),
                row=rec["row"],
                column=rec["name_col"],
                value=rec["name_text"],
                expected=config.registry.name_of(rec["unit_code"]) or rec["unit_code"],
            )
    ok = pl.col("ok") & ~pl.col("_unresolved") & ~pl.col("_level_bad")
    return live.with_columns(ok.fill_null(False).alias("ok"))


def _unit_issue(ctx: ReadContext, rec: dict[str, Any], config: Config) -> None:
    use_code = rec["code_text"] is not None
    text = rec["code_text"] if use_code else rec["name_text"]
    column = rec["code_col"] if use_code else rec["name_col"]
    if text is None:
        ctx.add(
            "missing-unit",
            row=rec["row"],
            column=rec["code_col"] or rec["name_col"] or rec["value_col"],
            expected="a commune code, a department id or the province code",
        )
        return
    p = "_c_" if use_code else "_n_"
    cands = rec[f"{p}cands"] or []
    if len(cands) > 1:
        listed = "; ".join(config.registry.label(c) for c in cands)
        ctx.add(
            "ambiguous-unit",
            row=rec["row"],
            column=column,
            value=text,
            expected=f"one of: {listed}",
            extra={"candidates": list(cands)},
            reason=_reason(rec, p) or words("phrase.several-units", text=text, listed=listed),
        )
    else:
        ctx.add(
            "unknown-unit",
            row=rec["row"],
            column=column,
            value=text,
            expected="a commune code or name, a department id or the province code",
            reason=_reason(rec, p) or words("phrase.unknown-unit", text=text),
        )


def _reason(rec: dict[str, Any], p: str) -> Words | None:
    """Why the registry found no unit, in both languages (None when it gave no reason)."""
    en = rec[f"{p}reason"]
    return None if not en else Words(rec[f"{p}reason_vi"] or en, en)


def check_periods(ctx: ReadContext, live: pl.DataFrame, period: str, config: Config) -> pl.DataFrame:
    """The observation period from the file's period and the indicator's frequency; a period column
    in the sheet must agree."""
    typed = {t: normalise_period(t) for t in live.get_column("period_text").drop_nulls().unique().to_list()}
    live = live.with_columns(
        pl.col("period").alias("obs_period"),
        pl.col("period_text").replace_strict(typed, default=None, return_dtype=pl.String).alias("_typed"),
    )
    typed_bad = pl.col("period_text").is_not_null() & pl.col("_typed").ne_missing(pl.col("obs_period"))
    flagged = live.filter(pl.col("ok") & (pl.col("obs_period").is_null() | ~pl.col("due") | typed_bad))
    for rec in flagged.iter_rows(named=True):
        column = rec["value_col"] or rec["ind_col"]
        if rec["obs_period"] is None:
            ctx.add(
                "period-mismatch:frequency",
                row=rec["row"],
                column=column,
                value=period,
                indicator=indicator_words(config, rec["indicator"]),
                frequency=words(f"phrase.{rec['frequency']}"),
                period=period_words(period),
            )
            continue
        if rec["period_text"] is not None and rec["_typed"] != rec["obs_period"]:
            ctx.add(
                "period-mismatch:row",
                period=period_words(rec["obs_period"]),
                row=rec["row"],
                column=rec["period_col"],
                value=rec["period_text"],
                expected=rec["obs_period"],
            )
        if not rec["due"]:
            ctx.add(
                "not-due",
                warning=True,
                indicator=indicator_words(config, rec["indicator"]),
                frequency=words(f"phrase.{rec['frequency']}"),
                period=period_words(rec["obs_period"]),
                row=rec["row"],
                column=column,
                value=rec["obs_period"],
            )
    ok = pl.col("ok") & pl.col("obs_period").is_not_null() & ~typed_bad
    return live.with_columns(ok.fill_null(False).alias("ok")).drop("_typed")
