"""Derived observations: province values rolled up from communes, and former communes carried into current ones.

Both return the observation frame with the derived rows added (`source_file` "rollup" / "crosswalk", no
sheet/row/column, `n_units` = how many units contributed), so scoring treats them like any other value.
"""

from __future__ import annotations

import polars as pl

from ioc.config import Config
from ioc.issues import Issue
from ioc.messages import warning
from ioc.periods import period_end_expr
from ioc.targets import Level, MeasureUnit, Rollup

_RULES_SCHEMA: dict[str, pl.DataType] = {
    "indicator": pl.String(),
    "rollup": pl.String(),
    "is_percent": pl.Boolean(),
    "to_province": pl.Boolean(),
}


def _rules(config: Config) -> pl.DataFrame:
    """indicator → roll-up rule, whether it is a percentage, and whether communes roll into the province."""
    rows = [
        {
            "indicator": ind.id,
            "rollup": ind.rollup.value,
            "is_percent": ind.unit == MeasureUnit.PERCENT,
            # a commune-level indicator always has a province value: its headline is the roll-up
            "to_province": Level.COMMUNE in ind.levels,
        }
        for ind in config.targets.indicators
    ]
    return pl.DataFrame(rows, schema=_RULES_SCHEMA)


def _has_parts() -> pl.Expr:
    return pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null()


def _usable_value() -> pl.Expr:
    return pl.col("value").is_not_null() & pl.col("value").is_not_nan()


def _derived(frame: pl.DataFrame, unit_code: pl.Expr, source: str) -> pl.DataFrame:
    """Shape derived rows like observations (no sheet, row or column)."""
    return frame.select(
        "indicator",
        unit_code.cast(pl.String).alias("unit_code"),
        "period",
        "value",
        "numerator",
        "denominator",
        pl.lit(source).alias("source_file"),
        pl.lit(None, pl.String).alias("sheet"),
        pl.lit(None, pl.Int64).alias("row"),
        pl.lit(None, pl.String).alias("column"),
        pl.col("n_units").cast(pl.Int64),
        pl.col("n_missing").cast(pl.Int64),
    )


def _append(observations: pl.DataFrame, derived: pl.DataFrame) -> pl.DataFrame:
    """Observations, then the derived rows; columns only one side has are null on the other."""
    base = observations.with_columns(
        pl.lit(None, pl.Int64).alias(c)
        for c in ("n_units", "n_missing")
        if c in derived.columns and c not in observations.columns
    )
    return pl.concat([base, derived], how="diagonal_relaxed")


def rollup(observations: pl.DataFrame, config: Config) -> pl.DataFrame:
    """Observations plus province rows derived from communes where the province has no value of its own.

    For indicators measured at commune level (whether or not the province reports them), per period: `ratio` → Σnumerator /
    Σdenominator (×100 for percent), communes lacking either part left out and counted in `n_missing`;
    `sum` → Σvalue; `mean` → unweighted mean. Only commune rows count (never departments).
    """
    province = config.registry.province_code
    communes = config.registry.communes.select(pl.col("code").cast(pl.String).alias("unit_code"))
    rules = _rules(config).filter(pl.col("to_province"))
    parts = _has_parts()
    grouped = (
        observations.lazy()
        .join(communes.lazy(), on="unit_code", how="semi")
        .join(rules.lazy(), on="indicator", how="inner")
        .group_by("indicator", "period")
        .agg(
            pl.col("rollup").first(),
            pl.col("is_percent").first(),
            pl.col("numerator").filter(parts).sum().alias("_num"),
            pl.col("denominator").filter(parts).sum().alias("_den"),
            parts.sum().alias("_n_parts"),
            pl.col("value").filter(_usable_value()).sum().alias("_sum"),
            pl.col("value").filter(_usable_value()).mean().alias("_mean"),
            _usable_value().sum().alias("_n_values"),
            pl.len().alias("_n_rows"),
        )
    )
    is_ratio = pl.col("rollup") == Rollup.RATIO.value
    scale = pl.when(pl.col("is_percent")).then(100.0).otherwise(1.0)
    derived = (
        grouped.with_columns(
            pl.when(is_ratio)
            .then(
                pl.when((pl.col("_n_parts") > 0) & (pl.col("_den") != 0)).then(
                    pl.col("_num") / pl.col("_den") * scale
                )
            )
            .when(pl.col("_n_values") == 0)
            .then(None)
            .when(pl.col("rollup") == Rollup.SUM.value)
            .then(pl.col("_sum"))
            .otherwise(pl.col("_mean"))
            .alias("value"),
            pl.when(is_ratio).then(pl.col("_num")).alias("numerator"),
            pl.when(is_ratio).then(pl.col("_den")).alias("denominator"),
            pl.when(is_ratio).then(pl.col("_n_parts")).otherwise(pl.col("_n_values")).alias("n_units"),
            (
                pl.col("_n_rows") - pl.when(is_ratio).then(pl.col("_n_parts")).otherwise(pl.col("_n_values"))
            ).alias("n_missing"),
        )
        .filter(pl.col("value").is_not_null())
        # a value the province reported itself always wins over one derived from its communes
        .join(
            observations.lazy().filter(pl.col("unit_code") == province).select("indicator", "period"),
            on=["indicator", "period"],
            how="anti",
        )
        .sort("indicator", "period")
        .collect()
    )
    return _append(observations, _derived(derived, pl.lit(province), "rollup"))


def _crosswalk_frame(crosswalk: pl.DataFrame) -> pl.DataFrame:
    """former_code, code, weight (missing = 1), valid_until as a Date."""
    until = pl.col("valid_until")
    if crosswalk.schema["valid_until"] == pl.String:
        until = until.str.to_date("%Y-%m-%d", strict=False)
    weight = pl.col("weight")
    if crosswalk.schema["weight"] == pl.String:
        weight = weight.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
    return crosswalk.select(
        pl.col("former_code").cast(pl.String),
        pl.col("code").cast(pl.String),
        weight.cast(pl.Float64).fill_null(1.0).alias("weight"),
        until.cast(pl.Date).alias("valid_until"),
    )


def _split_percent_issues(dropped: pl.DataFrame) -> list[Issue]:
    """One warning per indicator and current commune whose percentages could not be carried over."""
    issues = []
    per_group = (
        dropped.group_by("indicator", "code")
        .agg(
            pl.col("unit_code").unique().sort().alias("formers"),
            pl.col("period").unique().sort().alias("periods"),
            pl.len().alias("n"),
        )
        .sort("indicator", "code")
    )
    for ind, code, formers, periods, n in per_group.iter_rows():
        former_text = ", ".join(formers)
        issues.append(
            warning(
                "crosswalk-split-percent",
                field=ind,
                value=former_text,
                extra={"indicator": ind, "code": code, "former_codes": formers, "periods": periods},
                indicator=f"'{ind}'",
                count=n,
                former=former_text,
                unit=code,
            )
        )
    return issues


def rollup_crosswalk(
    observations: pl.DataFrame, crosswalk: pl.DataFrame, config: Config
) -> tuple[pl.DataFrame, list[Issue]]:
    """Carry values reported under former commune codes (period ending by `valid_until`) into today's communes.

    Per indicator, current commune and period: numerators/denominators × weight are summed and the value
    recomputed (×100 for percent); `sum` indicators → Σ value·weight; `mean` → weighted mean. A percentage
    (or any ratio-rolled value) without numerator/denominator is taken as it is only when the current
    commune has exactly one former unit with weight 1; otherwise it is left out with a
    `crosswalk-split-percent` warning. A value already reported under the current code wins.
    """
    xw = _crosswalk_frame(crosswalk)
    one_to_one = xw.group_by("code").agg(
        ((pl.len() == 1) & ((pl.col("weight") - 1.0).abs() < 1e-9).all()).alias("one_to_one")
    )
    obs = observations.with_row_index("_oid")
    mapped = (
        obs.join(xw, left_on="unit_code", right_on="former_code", how="inner")
        .filter(period_end_expr("period") <= pl.col("valid_until"))
        .join(_rules(config).select("indicator", "rollup", "is_percent"), on="indicator", how="inner")
        .join(one_to_one, on="code", how="left")
    )
    parts = _has_parts()
    rate_like = pl.col("is_percent") | (pl.col("rollup") == Rollup.RATIO.value)
    mapped = mapped.with_columns(
        pl.when(rate_like & parts)
        .then(pl.lit("parts"))
        .when(rate_like)
        .then(pl.lit("rate"))
        .when(pl.col("rollup") == Rollup.SUM.value)
        .then(pl.lit("sum"))
        .otherwise(pl.lit("mean"))
        .alias("_kind")
    )
    is_dropped = (pl.col("_kind") == "rate") & ~pl.col("one_to_one").fill_null(False)
    dropped = mapped.filter(is_dropped & _usable_value())
    kept = mapped.filter(~is_dropped & ((pl.col("_kind") == "parts") | _usable_value()))
    w = pl.col("weight")
    kind = pl.col("_kind")
    grouped = kept.group_by("indicator", "code", "period").agg(
        pl.col("is_percent").first(),
        (pl.col("numerator") * w).filter(kind == "parts").sum().alias("_num"),
        (pl.col("denominator") * w).filter(kind == "parts").sum().alias("_den"),
        (kind == "parts").sum().alias("_n_parts"),
        pl.col("value").filter(kind == "rate").first().alias("_rate"),
        (pl.col("value") * w).filter(kind == "sum").sum().alias("_sum"),
        ((pl.col("value") * w).filter(kind == "mean").sum() / w.filter(kind == "mean").sum()).alias("_wmean"),
        (kind == "sum").any().alias("_is_sum"),
        (kind == "mean").any().alias("_is_mean"),
        pl.len().alias("n_units"),
    )
    scale = pl.when(pl.col("is_percent")).then(100.0).otherwise(1.0)
    has_parts = pl.col("_n_parts") > 0
    derived = (
        grouped.with_columns(
            pl.when(has_parts)
            .then(pl.when(pl.col("_den") != 0).then(pl.col("_num") / pl.col("_den") * scale))
            .when(pl.col("_rate").is_not_null())
            .then(pl.col("_rate"))
            .when(pl.col("_is_sum"))
            .then(pl.col("_sum"))
            .when(pl.col("_is_mean"))
            .then(pl.col("_wmean"))
            .alias("value"),
            pl.when(has_parts).then(pl.col("_num")).alias("numerator"),
            pl.when(has_parts).then(pl.col("_den")).alias("denominator"),
            pl.lit(0, pl.Int64).alias("n_missing"),
        )
        .filter(pl.col("value").is_not_null())
        .sort("indicator", "code", "period")
    )
    rest = obs.filter(~pl.col("_oid").is_in(mapped["_oid"].implode())).drop("_oid")
    # a value reported under the current code for the same period wins over the carried-over one
    derived = derived.join(
        rest.select("indicator", pl.col("unit_code").alias("code"), "period"),
        on=["indicator", "code", "period"],
        how="anti",
    )
    out = _append(rest, _derived(derived, pl.col("code"), "crosswalk").drop("n_missing"))
    return out, _split_percent_issues(dropped)
