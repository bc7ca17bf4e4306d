"""Whether a province value reported directly agrees with the roll-up of its units' values.

A province value is "reported directly" when it came from a file (not a row `ioc.rollup.rollup` derived,
whose `source_file` is "rollup"). Its units are the communes when the indicator is measured at commune
level, else the departments when it is measured at department level. The roll-up follows the
indicator's rule, as `rollup()` does: ratio = Σnumerator / Σdenominator (× 100 for percent; units lacking
either part left out), sum = Σvalue, mean = unweighted mean. A disagreement is a difference beyond the
indicator's amber tolerance: percentage points for percent indicators, relative % of the roll-up
otherwise (any difference from a roll-up of 0).

A `sum` over fewer units than the level has (98 of 100 communes) is not the province's total: when the
province value is above it, the missing units may make up the difference, so the row is returned with
`comparable` false — the page says how many units reported instead of claiming a disagreement. A province
value below such a partial sum still disagrees (the missing units can only add to it).
"""

from __future__ import annotations

import polars as pl

from ioc.config import Config
from ioc.periods import period_end, period_end_expr
from ioc.targets import Level, MeasureUnit, Rollup

DERIVED_SOURCES = ("rollup",)  # `source_file` of province rows computed here, not reported

DISAGREEMENT_SCHEMA: dict[str, pl.DataType] = {
    "indicator": pl.String(),
    "period": pl.String(),
    "province_value": pl.Float64(),
    "rollup_value": pl.Float64(),
    "n_units": pl.Int64(),  # units whose values made the roll-up
    "n_expected": pl.Int64(),  # units at that level in the registry
    "comparable": pl.Boolean(),  # false: a partial sum below the province value (see the module docstring)
    "unit_level": pl.String(),  # commune or department
    "difference": pl.Float64(),  # province − roll-up, in the indicator's unit (points for percent)
    "relative_difference": pl.Float64(),  # % of the roll-up; null when the roll-up is 0
    "tolerance": pl.Float64(),
    "tolerance_unit": pl.String(),  # "pp" (percent indicators) or "%" (relative)
}

_RULES_SCHEMA: dict[str, pl.DataType] = {
    "indicator": pl.String(),
    "rollup": pl.String(),
    "is_percent": pl.Boolean(),
    "unit_level": pl.String(),
    "tolerance": pl.Float64(),
}


def _rules(config: Config) -> pl.DataFrame:
    """Per indicator: its roll-up rule, whether it is a percentage, the level of its units, its tolerance."""
    default = config.targets.status.amber_tolerance
    rows = []
    for ind in config.targets.indicators:
        if Level.COMMUNE in ind.levels:
            level = Level.COMMUNE.value
        elif Level.DEPARTMENT in ind.levels:
            level = Level.DEPARTMENT.value
        else:
            continue  # measured at province level only: nothing to compare with
        rows.append(
            {
                "indicator": ind.id,
                "rollup": ind.rollup.value,
                "is_percent": ind.unit == MeasureUnit.PERCENT,
                "unit_level": level,
                "tolerance": float(ind.tolerance(default)),
            }
        )
    return pl.DataFrame(rows, schema=_RULES_SCHEMA)


def _units(config: Config) -> pl.DataFrame:
    """unit_code → level (commune or department), every unit of the registry."""
    reg = config.registry
    return pl.concat(
        [
            reg.communes.select(
                pl.col("code").cast(pl.String).alias("unit_code"), pl.lit("commune").alias("level")
            ),
            reg.departments.select(
                pl.col("id").cast(pl.String).alias("unit_code"), pl.lit("department").alias("level")
            ),
        ]
    )


def _rolled_up(units: pl.LazyFrame) -> pl.LazyFrame:
    """The roll-up of the units' values per indicator and period, and how many units made it."""
    parts = pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null()
    usable = pl.col("value").is_not_null() & pl.col("value").is_not_nan()
    grouped = units.group_by("indicator", "period").agg(
        pl.col("rollup", "is_percent", "unit_level", "tolerance").first(),
        pl.col("numerator").filter(parts).sum().alias("_num"),
        pl.col("denominator").filter(parts).sum().alias("_den"),
        parts.sum().alias("_n_parts"),
        pl.col("value").filter(usable).sum().alias("_sum"),
        pl.col("value").filter(usable).mean().alias("_mean"),
        usable.sum().alias("_n_values"),
    )
    is_ratio = pl.col("rollup") == Rollup.RATIO.value
    scale = pl.when(pl.col("is_percent")).then(100.0).otherwise(1.0)
    return grouped.with_columns(
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
        .alias("rollup_value"),
        pl.when(is_ratio)
        .then(pl.col("_n_parts"))
        .otherwise(pl.col("_n_values"))
        .cast(pl.Int64)
        .alias("n_units"),
    )


def province_disagreements(observations: pl.DataFrame, config: Config, as_of: str) -> pl.DataFrame:
    """Periods up to `as_of` where a province value reported directly differs from the roll-up of its units
    beyond the indicator's amber tolerance; columns as `DISAGREEMENT_SCHEMA`, sorted by indicator, period.
    A row with `comparable` false is a partial sum, not a disagreement (see the module docstring)."""
    province = config.registry.province_code
    rules = _rules(config).lazy()
    obs = observations.lazy().filter(period_end_expr("period") <= period_end(as_of))
    reported = (
        obs.filter(
            (pl.col("unit_code") == province) & ~pl.col("source_file").fill_null("").is_in(DERIVED_SOURCES)
        )
        .filter(pl.col("value").is_not_null() & pl.col("value").is_not_nan())
        .group_by("indicator", "period")
        .agg(pl.col("value").last().alias("province_value"))
    )
    registry = _units(config)
    expected = registry.group_by("level").agg(pl.len().cast(pl.Int64).alias("n_expected"))
    units = (
        obs.join(registry.lazy(), on="unit_code", how="inner")
        .join(rules, on="indicator", how="inner")
        .filter(pl.col("level") == pl.col("unit_level"))
    )
    diff = pl.col("province_value") - pl.col("rollup_value")
    relative = pl.when(pl.col("rollup_value") != 0).then(diff / pl.col("rollup_value").abs() * 100.0)
    beyond = (
        pl.when(pl.col("is_percent"))
        .then(diff.abs() > pl.col("tolerance"))
        .when(pl.col("rollup_value") == 0)
        .then(diff.abs() > 0)
        .otherwise(relative.abs() > pl.col("tolerance"))
    )
    partial = (pl.col("rollup") == Rollup.SUM.value) & (pl.col("n_units") < pl.col("n_expected"))
    out = (
        reported.join(_rolled_up(units), on=["indicator", "period"], how="inner")
        .join(expected.lazy(), left_on="unit_level", right_on="level", how="left")
        .filter(pl.col("rollup_value").is_not_null() & beyond)
        .with_columns(
            ~(partial & (diff > 0)).alias("comparable"),
            diff.alias("difference"),
            relative.alias("relative_difference"),
            pl.when(pl.col("is_percent")).then(pl.lit("pp")).otherwise(pl.lit("%")).alias("tolerance_unit"),
        )
        .select(pl.col(c).cast(t) for c, t in DISAGREEMENT_SCHEMA.items())
        .sort("indicator", "period")
        .collect()
    )
    return out
