"""Simulated demo values: every indicator × unit × period moving from its baseline towards its target.

Each unit gets its own pace (a few ahead, most on or behind the line, a few worsening) and monthly
noise; percent stays in 0–100, counts are whole and ≥ 0, ratio roll-ups carry numerator and
denominator. Random draws come from `random.Random(seed)` in a fixed order; the arithmetic is Polars.
"""

from __future__ import annotations

import datetime as dt
import random

import polars as pl

from ioc.config import Config
from ioc.periods import indicator_period, is_due, period_end, periods_between
from ioc.targets import Direction, Frequency, Indicator, Level, MeasureUnit, Rollup

HISTORY_START = dt.date(2024, 7, 1)

# Indicator-wide pace relative to the straight line to the target: mixes green, amber and red.
_INDICATOR_PACES = [1.25, 1.1, 1.0, 0.95, 0.85, 0.7, 0.55]


def month_range(first: str, last: str) -> list[str]:
    """Months from `first` to `last` inclusive, as "YYYY-MM"."""
    return periods_between(first, last)


def periods_for(frequency: Frequency, months: list[str]) -> list[tuple[str, dt.date]]:
    """The reporting periods of a frequency that end within `months`, with their end dates."""
    ends = [indicator_period(frequency, p) for p in months if is_due(frequency, p)]
    return [(p, period_end(p)) for p in ends if p is not None]


def unit_sizes(config: Config, seed: int) -> pl.DataFrame:
    """A population-like size per commune (phường bigger, islands small): code, size."""
    rng = random.Random(f"{seed}:sizes")
    communes = config.registry.communes.sort("code")
    span = {"phường": (14_000, 42_000), "xã": (6_000, 21_000), "đặc khu": (2_500, 7_000)}
    sizes = [rng.randint(*span.get(t, (6_000, 21_000))) for t in communes.get_column("type").to_list()]
    return pl.DataFrame({"unit_code": communes.get_column("code"), "size": sizes})


def rolls_up_from(ind: Indicator) -> Level | None:
    """The level the demo province's value of `ind` is made from: its communes when it is measured there,
    else its departments, else none (a value only the province reports).

    A province value typed beside its units' values must agree with their roll-up: a department that
    reports 100% for the province while its own departments sit at 51–66% contradicts itself on screen.
    """
    if Level.PROVINCE not in ind.levels:
        return None
    for level in (Level.COMMUNE, Level.DEPARTMENT):
        if level in ind.levels:
            return level
    return None


# Indicators whose province value is simulated on its own even though units report too, each with why it
# is on purpose (shown in the demo's description). None today: every province value is its units' roll-up.
INDEPENDENT_PROVINCE: dict[str, str] = {}


def _units_of(ind: Indicator, config: Config) -> list[tuple[str, str]]:
    """(unit_code, level) the indicator is simulated for; the province only where no unit level makes it."""
    reg = config.registry
    out: list[tuple[str, str]] = []
    if Level.COMMUNE in ind.levels:
        out += [(c, Level.COMMUNE.value) for c in reg.commune_codes()]
    if Level.DEPARTMENT in ind.levels:
        out += [(d, Level.DEPARTMENT.value) for d in sorted(reg.departments.get_column("id").to_list())]
    if Level.PROVINCE in ind.levels and (rolls_up_from(ind) is None or ind.id in INDEPENDENT_PROVINCE):
        out.append((reg.province_code, Level.PROVINCE.value))
    return out


def _baseline(ind: Indicator) -> tuple[float, dt.date]:
    """The declared baseline, or a plausible one (well short of the target) at the start of history."""
    t = ind.target
    if t.baseline is not None:
        return t.baseline.value, t.baseline.at
    lower = ind.direction == Direction.LOWER
    if ind.unit == MeasureUnit.PERCENT:
        b = min(100.0, t.value * 2 + 5) if lower else t.value * 0.6
    else:
        b = t.value * 1.6 if lower else t.value * 0.55
    return b, HISTORY_START - dt.timedelta(days=1)


def _params(config: Config, seed: int) -> pl.DataFrame:
    """One row per indicator × unit: baseline, target, pace, noise, denominator scale."""
    rng = random.Random(f"{seed}:params")
    reg = config.registry
    sizes = dict(unit_sizes(config, seed).iter_rows())
    total = sum(sizes.values())
    rows = []
    codes = sorted(sizes)
    for ind in config.targets.indicators:
        b, b_at = _baseline(ind)
        # a small total (villages without signal) sits in a dozen communes, not a fraction in each
        few = ind.rollup == Rollup.SUM and max(b, ind.target.value) < 3 * len(codes)
        hot = set(rng.sample(codes, min(12, len(codes)))) if few else set(codes)
        hot_total = sum(sizes[c] for c in hot)
        pace = rng.choice(_INDICATOR_PACES)
        gap = ind.target.value - b
        den_scale = rng.uniform(0.01, 0.25)  # e.g. dossiers or households per inhabitant
        overrides = {o.unit: o.value for o in ind.overrides}
        source = rolls_up_from(ind)
        n_departments = max(1, reg.departments.height)
        for code, level in _units_of(ind, config):
            if level == Level.DEPARTMENT.value:
                share = 1 / n_departments
            else:
                share = sizes.get(code, total / len(sizes)) / total
            if few and level == Level.COMMUNE.value:
                share = sizes[code] / hot_total if code in hot else 0.0
            summed = source is not None and level == source.value and ind.rollup == Rollup.SUM
            if summed:  # the province target is a total: each unit carries its share
                bu, xu = b * share, ind.target.value * share
            elif level == Level.PROVINCE.value:  # the plan's own baseline
                bu, xu = b, ind.target.value
            else:
                spread = 0.15 * abs(gap) + (2.5 if ind.unit == MeasureUnit.PERCENT else 0.05 * abs(b))
                bu = b + rng.gauss(0, spread)
                xu = ind.target.value
            xu = overrides.get(code, xu)
            r = rng.random()
            if level == Level.PROVINCE.value:
                p = pace * rng.uniform(0.9, 1.1)
            elif r < 0.07:
                p = rng.uniform(-0.3, -0.05)  # worsening
            elif r < 0.2:
                p = pace * rng.uniform(1.15, 1.5)  # ahead
            else:
                p = pace * rng.uniform(0.7, 1.2)
            if ind.unit == MeasureUnit.PERCENT:
                # noise well inside the amber band, or a tight band would flicker between colours
                tol = ind.tolerance(config.targets.status.amber_tolerance)
                sd = min(0.5 + 0.04 * abs(xu - bu), 0.3 * tol)
            else:
                sd = 0.03 * max(abs(bu), abs(xu))
            rows.append(
                {
                    "indicator": ind.id,
                    "unit_code": code,
                    "level": level,
                    "b": bu,
                    "x": xu,
                    "pace": p,
                    "sd": sd,
                    "monotone": ind.unit == MeasureUnit.COUNT and ind.direction == Direction.HIGHER and p > 0,
                    "den": max(20.0, sizes.get(code, total / len(sizes)) * den_scale),
                    "b_at": b_at,
                    "by": ind.target.by,
                }
            )
    return pl.DataFrame(rows, schema_overrides={"b_at": pl.Date, "by": pl.Date})


def simulate(config: Config, months: list[str], seed: int) -> pl.DataFrame:
    """Values for every indicator × unit × period in `months`: indicator, unit_code, level, period, value,
    numerator, denominator (a province value is rolled up from its communes, else its departments, by the
    indicator's rule; only a province-only indicator has a path of its own)."""
    params = _params(config, seed)
    meta = pl.DataFrame(
        [
            {
                "indicator": ind.id,
                "unit": ind.unit.value,
                "rollup": ind.rollup.value,
                "decimals": ind.decimals,
                "lo": ind.value_range()[0],
                "hi": ind.value_range()[1],
                "period": p,
                "end": end,
            }
            for ind in config.targets.indicators
            for p, end in periods_for(ind.frequency, months)
        ],
        schema_overrides={"end": pl.Date, "lo": pl.Float64, "hi": pl.Float64},
    )
    df = params.join(meta, on="indicator").sort("indicator", "unit_code", "end")
    rng = random.Random(f"{seed}:noise")
    noise = [rng.gauss(0, 1) for _ in range(2 * df.height)]
    df = df.with_columns(pl.Series("z", noise[: df.height]), pl.Series("z_den", noise[df.height :]))
    days = lambda a, b: (pl.col(a) - pl.col(b)).dt.total_days().cast(pl.Float64)  # noqa: E731
    frac = days("end", "b_at") / pl.max_horizontal(days("by", "b_at"), pl.lit(1.0))
    # past the deadline progress keeps going, slowly
    g = pl.when(frac <= 1).then(frac).otherwise(1 + 0.2 * (frac - 1))
    raw = pl.col("b") + (pl.col("x") - pl.col("b")) * pl.col("pace") * g + pl.col("sd") * pl.col("z")
    clipped = raw.clip(pl.col("lo"), pl.col("hi"))
    whole = pl.col("unit").is_in([MeasureUnit.COUNT.value, MeasureUnit.MONEY.value])
    digits = pl.when(pl.col("unit") == MeasureUnit.RATIO.value).then(4).otherwise(2)
    value = pl.when(whole).then(clipped.round(0)).otherwise((clipped * 10**digits).round(0) / 10**digits)
    df = df.with_columns(value.alias("value"))
    # counts that only grow (points, teams, courses held) never fall back from one period to the next
    df = df.with_columns(
        pl.when(pl.col("monotone"))
        .then(pl.col("value").cum_max().over("indicator", "unit_code", order_by="end"))
        .otherwise(pl.col("value"))
        .alias("value")
    )
    # ratio roll-ups: a denominator around the unit's size, the numerator that gives the value
    ratio = (pl.col("rollup") == Rollup.RATIO.value) & (pl.col("level") != Level.PROVINCE.value)
    per = pl.when(pl.col("unit") == MeasureUnit.PERCENT.value).then(100.0).otherwise(1.0)
    den = (pl.col("den") * (1 + 0.05 * pl.col("z_den"))).round(0).clip(1, None)
    df = df.with_columns(pl.when(ratio).then(den).alias("denominator"))
    df = df.with_columns(
        pl.when(ratio).then((pl.col("value") / per * pl.col("denominator")).round(0)).alias("numerator")
    )
    df = df.with_columns(
        pl.when(ratio)
        .then((pl.col("numerator") / pl.col("denominator") * per).round(2))
        .otherwise(pl.col("value"))
        .alias("value")
    )
    df = df.select("indicator", "unit_code", "level", "period", "value", "numerator", "denominator")
    return pl.concat([df, _province_rows(config, df)]).sort("indicator", "unit_code", "period")


def _province_rows(config: Config, df: pl.DataFrame) -> pl.DataFrame:
    """Province values rolled up from the level each indicator is measured at below the province
    (communes, else departments) by the indicator's rule — what a department types in the province row of
    its template, so the province never contradicts its own units."""
    inds = [i for i in config.targets.indicators if rolls_up_from(i) and i.id not in INDEPENDENT_PROVINCE]
    rules = pl.DataFrame(
        {
            "indicator": [i.id for i in inds],
            "rollup": [i.rollup.value for i in inds],
            "per": [100.0 if i.unit == MeasureUnit.PERCENT else 1.0 for i in inds],
            "digits": [4 if i.unit == MeasureUnit.RATIO else 2 for i in inds],
            "source": [rolls_up_from(i).value for i in inds],  # type: ignore[union-attr]
        },
        schema_overrides={"indicator": pl.String, "rollup": pl.String, "source": pl.String},
    )
    units = df.join(rules, left_on=["indicator", "level"], right_on=["indicator", "source"])
    num, den = pl.col("numerator").sum(), pl.col("denominator").sum()
    value = (
        pl.when(pl.first("rollup") == Rollup.SUM.value)
        .then(pl.col("value").sum())
        .when(pl.first("rollup") == Rollup.RATIO.value)
        .then((num / den * pl.first("per")).round(2))
        .otherwise((pl.col("value").mean() * 10 ** pl.first("digits")).round(0) / 10 ** pl.first("digits"))
    )
    ratio = pl.first("rollup") == Rollup.RATIO.value
    return (
        units.group_by("indicator", "period")
        .agg(
            value.alias("value"),
            pl.when(ratio).then(num).alias("numerator"),
            pl.when(ratio).then(den).alias("denominator"),
        )
        .select(
            "indicator",
            pl.lit(config.registry.province_code).alias("unit_code"),
            pl.lit(Level.PROVINCE.value).alias("level"),
            "period",
            "value",
            "numerator",
            "denominator",
        )
    )
