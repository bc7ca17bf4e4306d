"""Traffic lights (PRODUCT.md §5): the value used, expected value, gap, status with its reason, and trend.

Everything is Polars expressions over one frame of indicator × unit rows: a small parameters frame is
built from the configuration (one row per indicator and per override — a loop over the declared
indicators), joined with the latest observation of every indicator/unit (one group_by over the
observations), and the status and both reasons are computed in the same pass — the status picks the
sentence — so the words and the colour can never disagree. No Python loop runs over units or periods.

Decisions the spec leaves open, taken here:
- a milestone applies to the indicator's own target path; a unit with an override follows the straight
  line from the baseline to its own target;
- `r_obs` and `r_req` are in progress per month (signs flipped when lower is better, so positive =
  towards the target); `pace_needed` is in the indicator's own direction ((x* − x) / months left);
- stale values still get a trend; a deadline counts as passed when the reference period ends after it;
- comparisons allow 1e-9 (relative) of float noise, so a value exactly on a boundary lands where the
  rule says (gap = tolerance → amber, value = expected → green);
- rows are ordered by indicator id, level (province, department, commune) and unit code.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import polars as pl

from ioc.config import Config
from ioc.i18n import (
    MAX_DECIMALS,
    MISSING,
    digits_text_expr,
    format_date,
    format_number,
    format_period,
    format_value,
    period_text_expr,
    scaled_int_expr,
    unit_decimals_expr,
    unit_suffix_expr,
    value_text_expr,
)
from ioc.observations import STORED_SCHEMA
from ioc.periods import (
    DAYS_PER_MONTH,
    period_end,
    period_end_expr,
    period_index,
    period_index_expr,
    period_of,
    periods_between,
    reference_period,
)
from ioc.targets import Direction, Frequency, Indicator, Level, MeasureUnit, Rollup


class Status(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    STALE = "stale"
    NO_DATA = "no_data"


class Trend(StrEnum):
    ON_TRACK = "on_track"
    IMPROVING = "improving"
    STAGNATING = "stagnating"
    WORSENING = "worsening"
    INSUFFICIENT = "insufficient"


TREND_LABELS: dict[Trend, tuple[str, str]] = {
    Trend.ON_TRACK: ("Đúng tiến độ", "On track"),
    Trend.IMPROVING: ("Cải thiện vừa phải", "Moderately improving"),
    Trend.STAGNATING: ("Chững lại", "Stagnating"),
    Trend.WORSENING: ("Đi xuống", "Worsening"),
    Trend.INSUFFICIENT: ("Chưa đủ số liệu", "Not enough data"),
}

SCORE_COLUMNS = (
    "indicator", "pillar", "level", "unit_code", "period", "value", "numerator", "denominator",
    "target", "deadline", "baseline", "baseline_at", "expected", "gap", "tolerance", "status",
    "reason_vi", "reason_en", "trend", "trend_vi", "trend_en", "q", "r_obs", "r_req", "months_left",
    "pace_needed", "n_points", "weight", "submission_id", "accepted_at",
    # additive: the period the value is judged against, how `expected` was found, periods behind
    "reference_period", "expected_kind", "lag",
)  # fmt: skip

# Comparisons allow for float noise (a straight line evaluated in days, a relative tolerance), so a
# value exactly on a boundary lands where the rule says, not one ulp off.
_EPS = 1e-9
_FREQ_CODE = {Frequency.MONTHLY: 0, Frequency.QUARTERLY: 1, Frequency.YEARLY: 2}
_PP = {"vi": " điểm %", "en": " pp"}
_LEVEL_RANK = {Level.PROVINCE.value: 0, Level.DEPARTMENT.value: 1, Level.COMMUNE.value: 2}

_PARAMS_SCHEMA: dict[str, pl.DataType] = {
    "indicator": pl.String(),
    "pillar": pl.String(),
    "unit": pl.String(),
    "sign": pl.Float64(),  # +1 higher is better, −1 lower is better
    "fcode": pl.Int8(),
    "levels": pl.List(pl.String()),
    "reference_period": pl.String(),
    "ref_end": pl.Date(),
    "ref_index": pl.Int64(),
    "ref_vi": pl.String(),
    "ref_en": pl.String(),
    "target": pl.Float64(),
    "deadline": pl.Date(),
    "baseline": pl.Float64(),
    "baseline_at": pl.Date(),
    "milestone": pl.Float64(),  # the milestone declared for the reference period, if any
    "tol_setting": pl.Float64(),
    "weight": pl.Float64(),
    "decimals": pl.Int64(),
    "target_vi": pl.String(),
    "target_en": pl.String(),
    "deadline_vi": pl.String(),
    "deadline_en": pl.String(),
}
_OVERRIDES_SCHEMA: dict[str, pl.DataType] = {
    "indicator": pl.String(),
    "unit_code": pl.String(),
    "o_target": pl.Float64(),
    "o_deadline": pl.Date(),
    "o_target_vi": pl.String(),
    "o_target_en": pl.String(),
    "o_deadline_vi": pl.String(),
    "o_deadline_en": pl.String(),
    # a commune's share of a summed provincial target (derived overrides); scales baseline and milestone too
    "o_scale": pl.Float64(),
}


# ---- parameters from the configuration (a loop over the ~60 declared indicators) --------------------


def _param_row(ind: Indicator, default_tolerance: float, as_of: str | None) -> dict:
    ref = reference_period(as_of, ind.frequency) if as_of else None
    base = ind.target.baseline
    milestones = {m.period: m.value for m in ind.target.milestones}
    return {
        "indicator": ind.id,
        "pillar": ind.pillar,
        "unit": ind.unit.value,
        "sign": 1.0 if ind.direction == Direction.HIGHER else -1.0,
        "fcode": _FREQ_CODE[ind.frequency],
        "levels": sorted((lv.value for lv in ind.levels), key=_LEVEL_RANK.__getitem__),
        "reference_period": ref,
        "ref_end": period_end(ref) if ref else None,
        "ref_index": period_index(ref) if ref else None,
        "ref_vi": format_period(ref, "vi") if ref else None,
        "ref_en": format_period(ref, "en") if ref else None,
        "target": ind.target.value,
        "deadline": ind.target.by,
        "baseline": base.value if base else None,
        "baseline_at": base.at if base else None,
        "milestone": milestones.get(ref) if ref else None,
        "tol_setting": ind.tolerance(default_tolerance),
        "weight": ind.weight,
        "decimals": ind.decimals,
        "target_vi": format_value(ind.target.value, ind.unit, "vi", ind.decimals),
        "target_en": format_value(ind.target.value, ind.unit, "en", ind.decimals),
        "deadline_vi": format_date(ind.target.by, "vi"),
        "deadline_en": format_date(ind.target.by, "en"),
    }


def indicator_params(config: Config, as_of: str | None = None) -> pl.DataFrame:
    """One row per declared indicator: direction, frequency, reference period, target, baseline, texts."""
    default = config.targets.status.amber_tolerance
    rows = [_param_row(ind, default, as_of) for ind in sorted(config.targets.indicators, key=lambda i: i.id)]
    return pl.DataFrame(rows, schema=_PARAMS_SCHEMA)


def override_params(config: Config) -> pl.DataFrame:
    """One row per per-unit override: the unit's own target (and deadline), with their texts."""
    rows = []
    for ind in config.targets.indicators:
        for o in ind.overrides:
            rows.append(
                {
                    "indicator": ind.id,
                    "unit_code": o.unit,
                    "o_target": o.value,
                    "o_deadline": o.by,
                    "o_target_vi": format_value(o.value, ind.unit, "vi", ind.decimals),
                    "o_target_en": format_value(o.value, ind.unit, "en", ind.decimals),
                    "o_deadline_vi": format_date(o.by, "vi") if o.by else None,
                    "o_deadline_en": format_date(o.by, "en") if o.by else None,
                    "o_scale": None,
                }
            )
    return pl.DataFrame(rows, schema=_OVERRIDES_SCHEMA).unique(["indicator", "unit_code"], keep="last")


def share_overrides(observations: pl.DataFrame, config: Config, declared: pl.DataFrame) -> pl.DataFrame:
    """Each commune's share of a provincial target that is a sum over communes (`rollup: sum`).

    A province target such as "25,000 cashless acceptance points" is not a commune's target. Each commune gets
    the target, baseline and milestones scaled by its share of the communes' total in the first period they
    reported; a commune absent from that period gets the median share. Overrides declared in targets.yaml win.
    """
    summed = {
        ind.id: ind
        for ind in config.targets.indicators
        if ind.rollup == Rollup.SUM and Level.COMMUNE in ind.levels and Level.PROVINCE in ind.levels
    }
    if not summed or observations.is_empty():
        return pl.DataFrame(schema=_OVERRIDES_SCHEMA)
    communes = config.registry.communes.select(pl.col("code").alias("unit_code"))
    obs = observations.lazy().filter(
        pl.col("indicator").is_in(list(summed)) & pl.col("unit_code").is_in(communes["unit_code"].implode())
    )
    first = obs.group_by("indicator").agg(pl.col("period").min().alias("_first"))
    shares = (
        obs.join(first, on="indicator")
        .filter(pl.col("period") == pl.col("_first"))
        .group_by("indicator", "unit_code")
        .agg(pl.col("value").sum())
        .with_columns((pl.col("value") / pl.col("value").sum().over("indicator")).alias("share"))
        .collect()
    )
    grid = pl.DataFrame({"indicator": list(summed)}).join(communes, how="cross")
    shares = (
        grid.join(shares.select("indicator", "unit_code", "share"), on=["indicator", "unit_code"], how="left")
        .with_columns(pl.col("share").fill_null(pl.col("share").median().over("indicator")))
        .drop_nulls("share")
        .join(declared.select("indicator", "unit_code"), on=["indicator", "unit_code"], how="anti")
    )
    if shares.is_empty():
        return pl.DataFrame(schema=_OVERRIDES_SCHEMA)
    meta = pl.DataFrame(
        {
            "indicator": list(summed),
            "_target": [i.target.value for i in summed.values()],
            "_unit": [i.unit.value for i in summed.values()],
            "_dec": [i.decimals for i in summed.values()],
        }
    )
    target = pl.col("_target") * pl.col("share")
    return (
        shares.join(meta, on="indicator")
        .with_columns(
            target.alias("o_target"),
            pl.lit(None, pl.Date).alias("o_deadline"),
            value_text_expr(target, "vi", pl.col("_unit"), pl.col("_dec")).alias("o_target_vi"),
            value_text_expr(target, "en", pl.col("_unit"), pl.col("_dec")).alias("o_target_en"),
            pl.lit(None, pl.String).alias("o_deadline_vi"),
            pl.lit(None, pl.String).alias("o_deadline_en"),
            pl.col("share").alias("o_scale"),
        )
        .select(list(_OVERRIDES_SCHEMA))
    )


# ---- the value used: one pass over the observations -------------------------------------------------


def _upto_expr(as_of: str) -> pl.Expr:
    """Period ends on or before the end of `as_of` — by string comparisons only (fast on 12M rows).

    Within one frequency period strings sort as time. With M the monthly reference period (year Y), a
    7-character period qualifies when it is ≤ M (every earlier year, months and quarters alike, and the
    months of Y up to M: "Y-Qn" sorts after every "Y-MM") or is one of the quarters of Y already ended.
    """
    p = pl.col("period")
    n = p.str.len_bytes()
    month = reference_period(as_of, Frequency.MONTHLY)
    year_ref = reference_period(as_of, Frequency.YEARLY)
    y, k = month[:4], int(month[5:7]) // 3
    seven = p <= month
    if k:
        seven = seven | ((p >= f"{y}-Q1") & (p <= f"{y}-Q{k}"))
    return pl.when(n == 4).then(p <= year_ref).when(n == 7).then(seven).otherwise(pl.lit(False))


def _frequency_code_expr(col: str = "period") -> pl.Expr:
    """0 monthly, 1 quarterly, 2 yearly — from the period string's shape (assumed well formed)."""
    p = pl.col(col)
    return (
        pl.when(p.str.len_bytes() == 4)
        .then(pl.lit(2, pl.Int8))
        .when(p.str.contains("Q", literal=True))
        .then(pl.lit(1, pl.Int8))
        .otherwise(pl.lit(0, pl.Int8))
    )


_PERIOD_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$"
_LATEST = ["period", "value", "numerator", "denominator", "submission_id", "accepted_at"]


def _pick(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Per indicator × unit: how many rows, and the row numbers of the latest and the earliest."""
    ordered = pl.col("_i").sort_by("period")  # one expression object: the sort is done once per group
    return lf.group_by("indicator", "unit_code").agg(
        pl.len().cast(pl.Int64).alias("n_points"),
        ordered.last().alias("_last"),
        ordered.first().alias("_first"),
    )


def _gather(obs: pl.DataFrame, groups: pl.DataFrame) -> pl.DataFrame:
    """The picked latest and earliest rows' columns beside each group."""
    last = obs.select(_LATEST).gather(groups["_last"])
    first = obs.select(pl.col("period").alias("first_period"), pl.col("value").alias("first_value"))
    return pl.concat([groups.drop("_last", "_first"), last, first.gather(groups["_first"])], how="horizontal")


def latest_values(observations: pl.DataFrame, params: pl.DataFrame, as_of: str) -> pl.DataFrame:
    """Per indicator × unit: the latest and earliest usable observation up to `as_of`, and how many.

    Usable = value present, period ended by the end of `as_of`, period frequency = the indicator's.
    """
    if isinstance(observations, pl.LazyFrame):
        observations = observations.collect()
    obs = observations.with_columns(
        pl.lit(None, STORED_SCHEMA[c]).alias(c) for c in _LATEST if c not in observations.columns
    ).with_columns(pl.col(c).cast(STORED_SCHEMA[c]) for c in _LATEST)
    rows = (
        obs.lazy()
        .select("indicator", "unit_code", "period", "value")
        .with_row_index("_i")
        .filter(_upto_expr(as_of) & pl.col("value").is_not_nan())
    )
    fcodes = params.lazy().select("indicator", "fcode")
    # Fast path: group by indicator × unit only. Periods of one frequency sort as time; a row of another
    # frequency (or a malformed period) that would be picked as latest or earliest shows up in the check
    # below, and only those groups are redone with the frequency filter. (A stray row strictly inside
    # a history is only counted in n_points; it cannot turn a one-point history into two.)
    out = _gather(obs, _pick(rows).join(fcodes, on="indicator", how="inner").collect())
    seen = pl.concat([out["period"], out["first_period"]]).unique().to_frame("p")
    malformed = seen.filter(~pl.col("p").str.contains(_PERIOD_PATTERN))["p"].implode()
    ok = (
        (_frequency_code_expr("period") == pl.col("fcode"))
        & (_frequency_code_expr("first_period") == pl.col("fcode"))
        & ~pl.col("period").is_in(malformed)
        & ~pl.col("first_period").is_in(malformed)
    )
    out = out.with_columns(ok.alias("_ok"))
    if not out["_ok"].all():
        bad = out.filter(~pl.col("_ok")).select("indicator", "unit_code").lazy()
        exact = (
            rows.join(bad, on=["indicator", "unit_code"], how="semi")
            .filter(pl.col("period").str.contains(_PERIOD_PATTERN))
            .join(fcodes, on="indicator", how="inner")
            .filter(_frequency_code_expr("period") == pl.col("fcode"))
        )
        redone = _gather(obs, _pick(exact).join(fcodes, on="indicator", how="inner").collect())
        out = pl.concat([out.filter(pl.col("_ok")).drop("_ok"), redone], how="vertical")
    return out.drop("_ok", "fcode", strict=False)


# ---- expressions: expected, gap, status, reason, trend -----------------------------------------------


def _days(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """Days from b to a."""
    return (a - b).dt.total_days()


def expected_expr(at: pl.Expr, milestone: pl.Expr) -> pl.Expr:
    """Expected value at date `at`: after the deadline the target; else the milestone (units without an
    override); else the straight line baseline → target in days, clamped; with no baseline the target."""
    line = (
        pl.when(pl.col("baseline").is_null())
        .then(pl.col("target"))
        .when(at <= pl.col("baseline_at"))
        .then(pl.col("baseline"))
        .when(at >= pl.col("deadline"))
        .then(pl.col("target"))
        .otherwise(
            pl.col("baseline")
            + (pl.col("target") - pl.col("baseline"))
            * _days(at, pl.col("baseline_at"))
            / _days(pl.col("deadline"), pl.col("baseline_at"))
        )
    )
    return (
        pl.when(at > pl.col("deadline"))
        .then(pl.col("target"))
        .when(milestone.is_not_null() & ~pl.col("has_override"))
        .then(milestone)
        .otherwise(line)
    )


def expected_kind_expr(at: pl.Expr, milestone: pl.Expr) -> pl.Expr:
    """How `expected_expr` found its value: "target", "milestone" or "line"."""
    return (
        pl.when((at > pl.col("deadline")) | (pl.col("baseline").is_null() & milestone.is_null()))
        .then(pl.lit("target"))
        .when(milestone.is_not_null() & ~pl.col("has_override"))
        .then(pl.lit("milestone"))
        .when(pl.col("baseline").is_null())
        .then(pl.lit("target"))
        .otherwise(pl.lit("line"))
    )


def _tolerance_expr() -> pl.Expr:
    """Percentage points for percent indicators; a share of |expected| for every other unit."""
    return (
        pl.when(pl.col("unit") == MeasureUnit.PERCENT.value)
        .then(pl.col("tol_setting"))
        .otherwise(pl.col("tol_setting") * pl.col("expected").abs() / 100.0)
    )


def _status_expr(stale_after: int) -> pl.Expr:
    eps = _EPS * (1.0 + pl.col("expected").abs())
    return (
        pl.when(pl.col("value").is_null())
        .then(pl.lit(Status.NO_DATA.value))
        .when(pl.col("lag") > stale_after)
        .then(pl.lit(Status.STALE.value))
        .when(pl.col("met") | (pl.col("gap") <= eps))
        .then(pl.lit(Status.GREEN.value))
        .when(pl.col("gap") <= pl.col("tolerance") + eps)
        .then(pl.lit(Status.AMBER.value))
        .otherwise(pl.lit(Status.RED.value))
    )


def _digit_groups(widest: float | None) -> int:
    """How many thousands groups a number up to `widest` needs (so the text builder does no more work
    than the data requires)."""
    if widest is None or widest != widest or widest >= 1e18:
        return 7
    return (len(str(int(widest))) + 2) // 3


def _number_text_exprs(
    src: str, short: str, groups: int, *, change: bool, needed: pl.Expr
) -> list[list[pl.Expr]]:
    """Two stages of expressions adding `_{short}_vi` / `_{short}_en`: `src` in its unit ("84,6%",
    "1.672", "3,4 điểm %" for a change), only on rows whose reason shows it (`needed`); "—" elsewhere.

    The English digits are built once and the Vietnamese ones swap the two separators.
    """
    x = pl.col(src)
    digits = digits_text_expr(
        pl.when(needed).then(scaled_int_expr(x, pl.col("_dv"))),
        (x < 0).fill_null(False),
        pl.col("_dv"),
        "en",
        groups,
    )
    d = pl.col(f"_{short}_d")
    return [
        [digits.alias(f"_{short}_d")],
        [
            pl.concat_str(
                d.str.replace_many([",", "."], [".", ","]),
                unit_suffix_expr(pl.col("unit"), "vi", change=change),
            )
            .fill_null(MISSING)
            .alias(f"_{short}_vi"),
            pl.concat_str(d, unit_suffix_expr(pl.col("unit"), "en", change=change))
            .fill_null(MISSING)
            .alias(f"_{short}_en"),
        ],
    ]


def _period_facts(latest: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """End date, index and text of every distinct period picked (they are few), to join by period."""
    periods = pl.concat([latest["period"], latest["first_period"]]).unique().drop_nulls().to_frame("period")
    facts = periods.with_columns(
        period_end_expr("period").alias("_t"),
        period_index_expr("period").alias("_pidx"),
        period_text_expr("period", "vi").alias("_per_vi"),
        period_text_expr("period", "en").alias("_per_en"),
    )
    return facts, facts.select(pl.col("period").alias("first_period"), pl.col("_t").alias("_t_first"))


def _amount_text(x: float | None, unit: MeasureUnit, lang: str, decimals: int) -> str:
    """A gap or tolerance: "3,4 điểm %" / "3.4 pp" for percentages, else in the value's own unit."""
    if unit == MeasureUnit.PERCENT:
        return format_number(x, lang, decimals) + _PP[lang] if x is not None else MISSING
    return format_value(x, unit, lang, decimals)


def _reason_fragments(r: dict, lang: str) -> dict[str, str]:
    """The fixed parts of every reason in `lang` for one targets row (an indicator or an override).

    A reason is one of: `_nodata` · "số liệu gần nhất {period} — quá hạn báo cáo" · {value}`_met` ·
    {value}`_path` · {value}`_mid`{gap}`_tail`. Everything but the value, the gap and the stale period
    depends on the indicator (and override) only, so it is written once per indicator, through Babel.
    """
    unit, decimals = MeasureUnit(r["unit"]), r["decimals"]
    e = format_value(r["expected"], unit, lang, decimals)
    tol = _amount_text(r["tolerance"], unit, lang, decimals)
    ref, target, deadline = (r[f"{k}_{lang}"] or MISSING for k in ("ref", "target", "deadline"))
    kind, passed = r["expected_kind"], r["deadline_passed"]
    if lang == "vi":
        path = f"{'mốc' if kind == 'milestone' else 'mức kỳ vọng'} {ref} là {e}"  # "mốc 08/2025 là 80,0%"
        against = f"mục tiêu {e}" if kind == "target" else path
        return {
            "_nodata": f"chưa có số liệu cho {ref}",
            "_met": f" — đã đạt mục tiêu {target}",
            "_path": f" — {path} → đúng tiến độ",
            # "… — hạn 30/06/2025 đã qua, chưa đạt 80,0% (chậm {gap}, ngưỡng 10,0 điểm %)"
            # "… — chậm {gap} so với mức kỳ vọng 08/2025 là 80,0% (ngưỡng 10,0 điểm %)"
            "_mid": f" — hạn {deadline} đã qua, chưa đạt {target} (chậm " if passed else " — chậm ",
            "_tail": f", ngưỡng {tol})" if passed else f" so với {against} (ngưỡng {tol})",
        }
    word = "milestone" if kind == "milestone" else "expected"
    against = f"target {e}" if kind == "target" else f"{word} {e} for {ref}"
    return {
        "_nodata": f"no data for {ref}",
        "_met": f" — target {target} met",
        "_path": f" — {word} for {ref} is {e} → on track",
        # "… — deadline 30 Jun 2025 passed, target 80.0% not met ({gap} behind, tolerance 10.0 pp)"
        # "… — {gap} behind the expected 80.0% for 08/2025 (tolerance 10.0 pp)"
        "_mid": f" — deadline {deadline} passed, target {target} not met (" if passed else " — ",
        "_tail": f" behind, tolerance {tol})" if passed else f" behind the {against} (tolerance {tol})",
    }


_FRAGMENTS = ("_nodata", "_met", "_path", "_mid", "_tail")
# what every indicator × unit row carries from its targets row
_ROW_PARAMS = [
    "pillar", "unit", "sign", "reference_period", "ref_index", "target", "deadline", "baseline", "baseline_at",
    "weight", "has_override", "_dv", "deadline_passed", "expected", "expected_kind", "tolerance",
    *(f"{name}_{lang}" for lang in ("vi", "en") for name in _FRAGMENTS),
]  # fmt: skip


def reason_expr(lang: str) -> pl.Expr:
    """The reason for each row's status, chosen by that status (so the words and the colour agree).

    Needs the row's status, `met`, the formatted value `_v_{lang}` and gap `_g_{lang}`, the stale
    period `_per_{lang}`, and the fragments of `_reason_fragments` (`{fragment}_{lang}`).
    """
    status = pl.col("status")
    f = {name: pl.col(f"{name}_{lang}") for name in _FRAGMENTS}
    v, g = pl.col(f"_v_{lang}"), pl.col(f"_g_{lang}")
    stale = (
        pl.concat_str(pl.lit("số liệu gần nhất "), pl.col("_per_vi"), pl.lit(" — quá hạn báo cáo"))
        if lang == "vi"
        else pl.concat_str(pl.lit("latest value is from "), pl.col("_per_en"), pl.lit(" — report overdue"))
    )
    return (
        pl.when(status == Status.NO_DATA.value)
        .then(f["_nodata"])
        .when(status == Status.STALE.value)
        .then(stale)
        .when(pl.col("met"))
        .then(pl.concat_str(v, f["_met"]))
        .when(status == Status.GREEN.value)
        .then(pl.concat_str(v, f["_path"]))
        .otherwise(pl.concat_str(v, f["_mid"], g, f["_tail"]))
    )


def _trend_exprs() -> list[pl.Expr]:
    """b, t_b, paces, q, trend, months left and pace needed (signs flipped when lower is better)."""
    declared = pl.col("baseline").is_not_null()
    b = pl.when(declared).then(pl.col("baseline")).otherwise(pl.col("first_value"))
    t_b = pl.when(declared).then(pl.col("baseline_at")).otherwise(pl.col("_t_first"))
    t = pl.col("_t")
    m_req = _days(pl.col("deadline"), t_b) / DAYS_PER_MONTH
    m_obs = _days(t, t_b) / DAYS_PER_MONTH
    return [
        (pl.col("n_points") + declared.cast(pl.Int64)).alias("_points"),
        m_obs.alias("_m_obs"),
        pl.when(m_req > 0).then(pl.col("sign") * (pl.col("target") - b) / m_req).alias("r_req"),
        pl.when(m_obs > 0).then(pl.col("sign") * (pl.col("value") - b) / m_obs).alias("r_obs"),
        pl.when(pl.col("value").is_not_null())
        .then((_days(pl.col("deadline"), t) / DAYS_PER_MONTH).clip(lower_bound=0.0))
        .alias("months_left"),
    ]


def _trend_expr() -> pl.Expr:
    q = pl.col("q")
    return (
        pl.when(pl.col("value").is_null() | (pl.col("_points") < 2) | ~(pl.col("_m_obs") > 0))
        .then(pl.lit(Trend.INSUFFICIENT.value))
        .when(pl.col("met"))
        .then(pl.lit(Trend.ON_TRACK.value))
        .when(pl.col("r_obs") < 0)
        .then(pl.lit(Trend.WORSENING.value))
        .when(q.is_null())
        .then(pl.lit(Trend.INSUFFICIENT.value))
        .when(q >= 1 - _EPS)
        .then(pl.lit(Trend.ON_TRACK.value))
        .when(q >= 0.5 - _EPS)
        .then(pl.lit(Trend.IMPROVING.value))
        .otherwise(pl.lit(Trend.STAGNATING.value))
    )


# ---- score -------------------------------------------------------------------------------------------


def _targets(params: pl.DataFrame, overrides: pl.DataFrame) -> pl.DataFrame:
    """One row per indicator (`_okey` "") and per override (`_okey` = the unit): target, deadline, and what
    follows from them at the reference period — expected value, its kind, tolerance, texts.

    These depend on the indicator (and override) only, so they are computed here on a few dozen rows
    rather than on every unit's row.
    """
    default = params.with_columns(pl.lit("").alias("_okey"), pl.lit(False).alias("has_override"))
    overridden = (
        overrides.join(params, on="indicator", how="left", maintain_order="left")  # row j = overrides row j
        .with_columns(
            pl.col("unit_code").alias("_okey"),
            pl.lit(True).alias("has_override"),
            (pl.col("baseline") * pl.col("o_scale").fill_null(1.0)).alias("baseline"),
            (pl.col("milestone") * pl.col("o_scale").fill_null(1.0)).alias("milestone"),
            pl.col("o_target").alias("target"),
            pl.coalesce("o_deadline", "deadline").alias("deadline"),
            pl.col("o_target_vi").alias("target_vi"),
            pl.col("o_target_en").alias("target_en"),
            pl.coalesce("o_deadline_vi", "deadline_vi").alias("deadline_vi"),
            pl.coalesce("o_deadline_en", "deadline_en").alias("deadline_en"),
        )
        .select(default.columns)
    )
    at = pl.col("ref_end")
    numeric = (
        pl.concat([default, overridden])
        .with_columns(
            unit_decimals_expr(pl.col("unit"), pl.col("decimals")).clip(0, MAX_DECIMALS).alias("_dv"),
            (at > pl.col("deadline")).alias("deadline_passed"),
        )
        .with_columns(
            expected_expr(at, pl.col("milestone")).alias("expected"),
            expected_kind_expr(at, pl.col("milestone")).alias("expected_kind"),
        )
        .with_columns(_tolerance_expr().alias("tolerance"))
    )
    # the reason fragments: a few dozen rows (one per indicator and override), written through Babel
    fragments = [
        {f"{name}_{lang}": text for lang in ("vi", "en") for name, text in _reason_fragments(r, lang).items()}
        for r in numeric.iter_rows(named=True)
    ]
    schema = {f"{name}_{lang}": pl.String() for lang in ("vi", "en") for name in _FRAGMENTS}
    return pl.concat([numeric, pl.DataFrame(fragments, schema=schema)], how="horizontal")


def _skeleton(params: pl.DataFrame, overrides: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """Every (indicator, unit) the configuration expects, with the unit's own target where overridden.

    Built in output order — params by indicator id with levels province → department → commune, units by
    code — and later joins keep the left order, so score() needs no sort of its 200k-row result. The
    per-indicator columns are gathered by row number from `_targets` rather than hash-joined.
    """
    units = (
        units.select(pl.col("unit_code").cast(pl.String), pl.col("level").cast(pl.String))
        .unique()
        .sort("unit_code")
    )
    targets = _targets(params, overrides)  # params' rows first (row i = params row i), then overrides
    override_rows = overrides.select(
        "indicator",
        "unit_code",
        (pl.int_range(pl.len(), dtype=pl.UInt32) + params.height).alias("_override_row"),
    )
    keys = (
        params.select("indicator", pl.col("levels").alias("level"))
        .with_row_index("_row")
        .explode("level")
        .join(units, on="level", how="inner", maintain_order="left_right")
        .join(override_rows, on=["indicator", "unit_code"], how="left", maintain_order="left")
    )
    rows = pl.coalesce("_override_row", "_row")
    picked = targets.select(_ROW_PARAMS).gather(keys.select(rows).to_series())
    return pl.concat([keys.select("indicator", "level", "unit_code"), picked], how="horizontal")


def score(
    observations: pl.DataFrame, config: Config, as_of: str, *, units: pl.DataFrame | None = None
) -> pl.DataFrame:
    """One row per (indicator, unit) at every declared level: value used, expected, status, reasons, trend.

    Sorted by indicator, level (province, department, commune) and unit code. See PRODUCT.md §5.
    """
    stale_after = config.targets.status.stale_after_periods
    params = indicator_params(config, as_of)
    units = config.registry.units_frame() if units is None else units
    latest = latest_values(observations, params, as_of)
    declared = override_params(config)
    overrides = pl.concat([declared, share_overrides(observations, config, declared)])
    skeleton = _skeleton(params, overrides, units)
    facts, first_facts = _period_facts(latest)
    # which numbers each reason shows (expected and tolerance come written with the targets)
    judged = pl.col("status").is_in([Status.GREEN.value, Status.AMBER.value, Status.RED.value])
    behind = pl.col("status").is_in([Status.AMBER.value, Status.RED.value])
    widest_value = latest["value"].abs().max()
    widest_gap = None if widest_value is None else widest_value + (skeleton["expected"].abs().max() or 0.0)
    texts = [
        _number_text_exprs("value", "v", _digit_groups(widest_value), change=False, needed=judged),
        _number_text_exprs("gap", "g", _digit_groups(widest_gap), change=True, needed=behind),
    ]
    trend_vi = {k.value: v[0] for k, v in TREND_LABELS.items()}
    trend_en = {k.value: v[1] for k, v in TREND_LABELS.items()}
    sign = pl.col("sign")
    # One lazy query from here on: independent expressions run in parallel.
    return (
        skeleton.lazy()
        .join(latest.lazy(), on=["indicator", "unit_code"], how="left", maintain_order="left")
        .join(facts.lazy(), on="period", how="left", maintain_order="left")
        .join(first_facts.lazy(), on="first_period", how="left", maintain_order="left")
        .with_columns(
            (pl.col("ref_index") - pl.col("_pidx")).alias("lag"),
            (sign * (pl.col("value") - pl.col("target")) >= -_EPS * (1.0 + pl.col("target").abs()))
            .fill_null(False)
            .alias("met"),
            pl.col("n_points").fill_null(0),
            (sign * (pl.col("expected") - pl.col("value"))).alias("gap"),
            *_trend_exprs(),
        )
        .with_columns(
            _status_expr(stale_after).alias("status"),
            pl.when(pl.col("r_req") > 0).then(pl.col("r_obs") / pl.col("r_req")).alias("q"),
            pl.when(pl.col("value").is_not_null() & ~pl.col("met") & ~pl.col("deadline_passed"))
            .then(
                pl.when(pl.col("months_left") > 0).then(
                    (pl.col("target") - pl.col("value")) / pl.col("months_left")
                )
            )
            .alias("pace_needed"),
        )
        .with_columns(
            _trend_expr().alias("trend"),
            *(expr for stages in texts for expr in stages[0]),
        )
        .with_columns(expr for stages in texts for expr in stages[1])
        .with_columns(
            reason_expr("vi").alias("reason_vi"),
            reason_expr("en").alias("reason_en"),
            pl.col("trend").replace_strict(trend_vi, return_dtype=pl.String).alias("trend_vi"),
            pl.col("trend").replace_strict(trend_en, return_dtype=pl.String).alias("trend_en"),
        )
        .select(SCORE_COLUMNS)
        .collect(engine="in-memory")  # 200k rows: the streaming engine's joins cost more than they save here
    )


# ---- chart data ----------------------------------------------------------------------------------------


def history(observations: pl.DataFrame, config: Config, indicator_id: str, unit_code: str) -> pl.DataFrame:
    """(period, period_end, value, expected, target) for one indicator and unit, for trend charts.

    Periods run from the one holding the baseline date (else the first value) to the one holding the
    deadline, plus any period with a value outside that range; `expected` follows the same rule as `score`.
    """
    ind = config.targets.indicator(indicator_id)
    params = indicator_params(config).filter(pl.col("indicator") == indicator_id)
    over = override_params(config).filter(
        (pl.col("indicator") == indicator_id) & (pl.col("unit_code") == unit_code)
    )
    row = _skeleton(params, over, pl.DataFrame({"unit_code": [unit_code], "level": [ind.levels[0].value]}))
    target, deadline = row["target"][0], row["deadline"][0]
    fcode = _FREQ_CODE[ind.frequency]
    values = (
        observations.filter(
            (pl.col("indicator") == indicator_id)
            & (pl.col("unit_code") == unit_code)
            & pl.col("value").is_not_nan()
        )
        .filter((_frequency_code_expr() == fcode) & period_end_expr("period").is_not_null())
        .group_by("period")
        .agg(pl.col("value").last())
    )
    observed = values["period"].to_list()
    base = ind.target.baseline
    start = period_of(base.at, ind.frequency) if base else (min(observed) if observed else None)
    end = period_of(deadline, ind.frequency)
    path = periods_between(start, end) if start and start <= end else []
    periods = sorted(set(path) | set(observed))
    milestones = {m.period: m.value for m in ind.target.milestones}
    frame = pl.DataFrame({"period": periods}, schema={"period": pl.String}).with_columns(
        pl.col("period")
        .replace_strict(milestones, default=None, return_dtype=pl.Float64)
        .alias("_milestone"),
        pl.lit(target, pl.Float64).alias("target"),
        pl.lit(deadline, pl.Date).alias("deadline"),
        pl.lit(base.value if base else None, pl.Float64).alias("baseline"),
        pl.lit(base.at if base else None, pl.Date).alias("baseline_at"),
        pl.lit(bool(row["has_override"][0])).alias("has_override"),
        period_end_expr("period").alias("period_end"),
    )
    return (
        frame.join(values, on="period", how="left")
        .with_columns(expected_expr(pl.col("period_end"), pl.col("_milestone")).alias("expected"))
        .sort("period_end")
        .select("period", "period_end", "value", "expected", "target")
    )


# ---- scorecards -----------------------------------------------------------------------------------------


def _count_exprs() -> list[pl.Expr]:
    return [
        *((pl.col("status") == s.value).sum().cast(pl.Int64).alias(f"n_{s.value}") for s in Status),
        pl.len().cast(pl.Int64).alias("n_total"),
    ]


def composite(scores: pl.DataFrame, config: Config, level: Level | str) -> pl.DataFrame:
    """Per unit of `level`: counts by status and composite = Σ w·[green] / Σ w, ranked (1 = best).

    w = indicator weight × pillar weight; no-data and stale rows count as not green. Ties share the best
    rank ("min"). Sorted by rank, then unit code.
    """
    pillar_w = pl.DataFrame(
        {"pillar": [p.id for p in config.targets.pillars], "_pw": [p.weight for p in config.targets.pillars]},
        schema={"pillar": pl.String, "_pw": pl.Float64},
    )
    w = pl.col("weight") * pl.col("_pw").fill_null(1.0)
    return (
        scores.filter(pl.col("level") == Level(level).value)
        .join(pillar_w, on="pillar", how="left")
        .group_by("unit_code")
        .agg(
            *_count_exprs(),
            ((w * (pl.col("status") == Status.GREEN.value).cast(pl.Float64)).sum() / w.sum()).alias(
                "composite"
            ),
        )
        .with_columns(pl.col("composite").rank("min", descending=True).cast(pl.Int64).alias("rank"))
        .sort("rank", "unit_code", nulls_last=True)
    )


def status_counts(scores: pl.DataFrame, by: str | Sequence[str] = ("pillar",)) -> pl.DataFrame:
    """Counts of rows per status (n_green … n_no_data, n_total) for each group of `by` columns."""
    keys = [by] if isinstance(by, str) else list(by)
    if not keys:
        return scores.select(_count_exprs())
    return scores.group_by(keys).agg(_count_exprs()).sort(keys)
