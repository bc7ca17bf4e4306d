"""Value checks of a department workbook: ratios against their parts, fraction-looking percents, duplicates."""

from __future__ import annotations

import polars as pl

from data_sources.workbook_context import ReadContext
from ioc.config import Config
from ioc.messages import Num, indicator_words, period_words, unit_words
from ioc.targets import MeasureUnit

VALUE_RATIO_TOLERANCE = 0.05


def _num_text(x: float) -> str:
    return f"{x:.6g}"


def ratio_values(ctx: ReadContext, live: pl.DataFrame, config: Config) -> pl.DataFrame:
    """value = 100·num/den (percent) or num/den for ratio indicators given both parts; check a typed value."""
    scale = pl.when(pl.col("measure") == MeasureUnit.PERCENT.value).then(100.0).otherwise(1.0)
    has_num, has_den = pl.col("numerator").is_not_null(), pl.col("denominator").is_not_null()
    both = has_num & has_den
    ratio = pl.col("is_ratio").fill_null(False)
    zero_den = ratio & both & (pl.col("denominator") == 0)
    computed = pl.when(ratio & both & ~zero_den).then(scale * pl.col("numerator") / pl.col("denominator"))
    live = live.with_columns(computed.alias("_computed"), zero_den.fill_null(False).alias("_zero_den"))
    mismatch = (pl.col("value") - pl.col("_computed")).abs() > VALUE_RATIO_TOLERANCE
    live = live.with_columns(
        pl.when(~ratio & (has_num | has_den))
        .then(pl.lit("ignored-ratio-parts"))
        .when(pl.col("_zero_den"))
        .then(pl.lit("zero-denominator"))
        .when(ratio & (has_num != has_den))
        .then(pl.lit("incomplete-ratio"))
        .when(mismatch.fill_null(False))
        .then(pl.lit("value-ratio-mismatch"))
        .alias("_ratio_issue")
    )
    for rec in live.filter(
        pl.col("ok") & ~pl.col("bad_cell") & pl.col("_ratio_issue").is_not_null()
    ).iter_rows(named=True):
        row, code = rec["row"], rec["_ratio_issue"]
        part_col = rec["numerator_col"] if rec["numerator"] is not None else rec["denominator_col"]
        if code == "ignored-ratio-parts":
            ctx.add(
                "ignored-ratio-parts",
                indicator=indicator_words(config, rec["indicator"]),
                warning=True,
                row=row,
                column=part_col,
            )
        elif code == "zero-denominator":
            ctx.add(
                "zero-denominator",
                row=row,
                column=rec["denominator_col"],
                value=rec["denominator_text"],
                expected="a number above 0, or leave numerator and denominator empty",
            )
        elif code == "incomplete-ratio":
            ctx.add(
                "incomplete-ratio",
                warning=True,
                row=row,
                column=part_col,
                expected="both numerator and denominator, or neither",
            )
        else:
            ctx.add(
                "value-ratio-mismatch",
                value_num=rec["value"],
                computed=rec["_computed"],
                warning=True,
                row=row,
                column=rec["value_col"],
                value=rec["value_text"],
                expected=_num_text(rec["_computed"]),
            )
    keep_parts = ratio & both & ~pl.col("_zero_den")
    return live.with_columns(
        pl.coalesce("_computed", "value").alias("value"),
        pl.when(keep_parts).then(pl.col("numerator")).alias("numerator"),
        pl.when(keep_parts).then(pl.col("denominator")).alias("denominator"),
        (pl.col("ok") & ~pl.col("_zero_den")).alias("ok"),
    ).drop("_computed", "_zero_den", "_ratio_issue")


def fraction_warnings(ctx: ReadContext, live: pl.DataFrame) -> pl.DataFrame:
    """Percent values in (0, 1] whose column mostly holds values above 1: probably a fraction (0.8463)."""
    cand = live.filter(
        pl.col("ok") & (pl.col("measure") == MeasureUnit.PERCENT.value) & pl.col("value").is_not_null()
    ).with_columns(
        ((pl.col("value") > 0) & (pl.col("value") <= 1) & ~pl.col("from_pct").fill_null(False)).alias(
            "_small"
        ),
        pl.col("value_col").fill_null("").alias("_grp"),
    )
    cand = cand.with_columns(
        (pl.col("value") > 1).sum().over("indicator", "_grp").alias("_n_big"),
        pl.len().over("indicator", "_grp").alias("_n"),
    )
    flagged = cand.filter(pl.col("_small") & (pl.col("_n") > 1) & (pl.col("_n_big") * 2 > (pl.col("_n") - 1)))
    for rec in flagged.iter_rows(named=True):
        v = rec["value"]
        ctx.add(
            "looks-like-fraction",
            value_num=Num(v, None),
            percent=Num(v * 100, None),
            warning=True,
            row=rec["row"],
            column=rec["value_col"],
            value=rec["value_text"],
            expected="a percentage 0–100, e.g. 84,63",
        )
    return live


def check_duplicates(ctx: ReadContext, live: pl.DataFrame, config: Config) -> pl.DataFrame:
    """Two rows for the same indicator, unit and period: an error on every repeat."""
    ok = live.filter(pl.col("ok") & ~pl.col("bad_cell") & pl.col("value").is_not_null())
    first = ok.group_by("indicator", "unit_code", "obs_period").agg(pl.col("row").min().alias("_first"))
    dup = ok.join(first, on=["indicator", "unit_code", "obs_period"]).filter(
        pl.col("row") != pl.col("_first")
    )
    room = ctx.cap.room("duplicate-row")
    ctx.cap.count("duplicate-row", max(dup.height - room, 0))  # the rest are counted, never built
    for rec in dup.sort("row").head(room).iter_rows(named=True):
        ctx.add(
            "duplicate-row",
            indicator=indicator_words(config, rec["indicator"]),
            unit=unit_words(config, rec["unit_code"]),
            period=period_words(rec["obs_period"]),
            first=str(rec["_first"]),
            row=rec["row"],
            column=rec["value_col"] or rec["numerator_col"],
            value=rec["value_text"],
            expected="one row per indicator and unit",
        )
    repeats = dup.select("row", "indicator", pl.lit(True).alias("_repeat"))
    return (
        live.join(repeats, on=["row", "indicator"], how="left", maintain_order="left")
        .with_columns((pl.col("ok") & pl.col("_repeat").is_null()).alias("ok"))
        .drop("_repeat")
    )
