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

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum

import polars as pl

from ioc.config import Config
from ioc.i18n import (
    MAX_DECIMALS,
    MISSING,
    digits_text_expr,
    format_date,
    format_value,
    scaled_int_expr,
    unit_decimals_expr,
    unit_suffix_expr,
    value_text_expr,
)
from ioc.observations import STORED_SCHEMA
from ioc.period_labels import format_period, period_text_expr
from ioc.periods import (
    DAYS_PER_MONTH,
    FREQUENCY_CODE,
    PERIOD_RE,
    ended_by_expr,
    frequency_code_expr,
    is_period,
    judged_month,
    last_due_period,
    local_today,
    period_end,
    period_end_expr,
    period_index,
    period_index_expr,
    period_of,
    periods_between,
    reference_period,
)
from ioc.target_path import TargetPath, indicator_path
from ioc.targets import Direction, Indicator, Level, MeasureUnit, ReportDeadlines, UnitTarget


class Status(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    STALE = "stale"
    NO_DATA = "no_data"
    NO_TARGET = "no_target"  # a unit below the province with no target of its own: counted in no colour


# today's date where the province is, unless a caller says otherwise (tests, benchmarks, a fixed clock)
TODAY = object()


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
    # the month the view is judged at (a period not yet due is judged at its latest month due), whether the
    # deadline has passed by then, and how the province target applies to this unit (same/share/none/own;
    # "province" on the province's own row)
    "judged_month", "deadline_passed", "unit_rule",
)  # fmt: skip

# Comparisons allow for float noise (a straight line evaluated in days, a relative tolerance), so a
# value exactly on a boundary lands where the rule says, not one ulp off.
_EPS = 1e-9
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
    "judged_month": pl.String(),
    "view_end": pl.Date(),  # last day of the month judged: months left and "deadline passed" count from it
    "due_index": pl.Int64(),  # the latest period of the indicator's frequency that is due: staleness
    "rule": pl.String(),  # the indicator's unit target rule
    "target": pl.Float64(),
    "deadline": pl.Date(),
    "baseline": pl.Float64(),
    "baseline_at": pl.Date(),
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
    # a unit's share of the province target (unit_target share/none); scales the whole path
    "o_scale": pl.Float64(),
    "o_rule": pl.String(),  # "own" (declared in targets.yaml), "share" or "none"
}


# ---- parameters from the configuration (a loop over the ~60 declared indicators) --------------------


def scored_levels(ind: Indicator) -> list[str]:
    """The levels an indicator is scored at: its declared levels, and the province whenever communes report
    it (the headline of a commune-level indicator is its province roll-up)."""
    levels = {lv.value for lv in ind.levels}
    if Level.COMMUNE.value in levels:
        levels.add(Level.PROVINCE.value)
    return sorted(levels, key=_LEVEL_RANK.__getitem__)


def _param_row(
    ind: Indicator, default_tolerance: float, as_of: str | None, today: dt.date | None, days: ReportDeadlines
) -> dict:
    judged = judged_month(as_of, today, days) if as_of else None
    ref = reference_period(judged, ind.frequency) if judged else None
    # staleness counts from the latest report of the indicator's own frequency that is due (never a later one)
    due = min(ref, last_due_period(today, ind.frequency, days)) if ref and today else ref
    base = ind.target.baseline
    return {
        "indicator": ind.id,
        "pillar": ind.pillar,
        "unit": ind.unit.value,
        "sign": 1.0 if ind.direction == Direction.HIGHER else -1.0,
        "fcode": FREQUENCY_CODE[ind.frequency],
        "levels": scored_levels(ind),
        "reference_period": ref,
        "ref_end": period_end(ref) if ref else None,
        "ref_index": period_index(ref) if ref else None,
        "ref_vi": format_period(ref, "vi") if ref else None,
        "ref_en": format_period(ref, "en") if ref else None,
        "judged_month": judged,
        "view_end": period_end(judged) if judged else None,
        "due_index": period_index(due) if due else None,
        "rule": ind.effective_unit_target().value,
        "target": ind.target.value,
        "deadline": ind.target.by,
        "baseline": base.value if base else None,
        "baseline_at": base.at if base else None,
        "tol_setting": ind.tolerance(default_tolerance),
        "weight": ind.weight,
        "decimals": ind.decimals,
        "target_vi": format_value(ind.target.value, ind.unit, "vi", ind.decimals),
        "target_en": format_value(ind.target.value, ind.unit, "en", ind.decimals),
        "deadline_vi": format_date(ind.target.by, "vi"),
        "deadline_en": format_date(ind.target.by, "en"),
    }


def indicator_params(config: Config, as_of: str | None = None, today: dt.date | None = None) -> pl.DataFrame:
    """One row per declared indicator: direction, frequency, reference period, target, baseline, texts.

    `today` decides which months are due (a period not yet due is judged at its latest month due); None
    judges `as_of` as a whole.
    """
    default = config.targets.status.amber_tolerance
    days = config.targets.reporting.deadline_day
    rows = [
        _param_row(ind, default, as_of, today, days)
        for ind in sorted(config.targets.indicators, key=lambda i: i.id)
    ]
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
                    "o_rule": "own",
                }
            )
    return pl.DataFrame(rows, schema=_OVERRIDES_SCHEMA).unique(["indicator", "unit_code"], keep="last")


def _basis_values(
    observations: pl.LazyFrame, inds: dict[str, Indicator], level_units: pl.DataFrame
) -> pl.LazyFrame:
    """(indicator, unit_code, basis) for the units of one level: each unit's value in the indicator's basis
    period (`share_basis: 2025-01`, default the first period its units reported), summed per unit."""
    declared = pl.DataFrame(
        {
            "indicator": list(inds),
            "_declared": [
                i.share_basis if i.share_basis and is_period(i.share_basis) else None for i in inds.values()
            ],
        },
        schema={"indicator": pl.String, "_declared": pl.String},
    ).lazy()
    obs = observations.filter(
        pl.col("indicator").is_in(list(inds)) & pl.col("unit_code").is_in(level_units["unit_code"].implode())
    )
    first = obs.group_by("indicator").agg(pl.col("period").min().alias("_first"))
    return (
        obs.join(declared, on="indicator")
        .join(first, on="indicator")
        .filter(pl.col("period") == pl.coalesce("_declared", "_first"))
        .group_by("indicator", "unit_code")
        .agg(pl.col("value").sum().alias("basis"))
    )


def _column_basis(config: Config, inds: dict[str, Indicator]) -> pl.LazyFrame:
    """(indicator, unit_code, basis) from a numeric column of the communes registry (`share_basis: population`)."""
    frames = []
    communes = config.registry.communes
    for ind_id, ind in inds.items():
        col = ind.share_basis
        if col and not is_period(col) and col in communes.columns:
            frames.append(
                communes.select(
                    pl.lit(ind_id).alias("indicator"),
                    pl.col("code").cast(pl.String).alias("unit_code"),
                    pl.col(col).cast(pl.Float64, strict=False).alias("basis"),
                )
            )
    if not frames:
        return pl.LazyFrame(schema={"indicator": pl.String, "unit_code": pl.String, "basis": pl.Float64})
    return pl.concat(frames).lazy()


def share_overrides(observations: pl.DataFrame, config: Config, declared: pl.DataFrame) -> pl.DataFrame:
    """Each unit's share of a province target, for indicators whose `unit_target` is `share` or `none`.

    A province target such as "25,000 cashless acceptance points" is not a commune's target. Under `share`
    each unit (commune or department) is held to the target, baseline and milestones scaled by its share of
    the level's total in the basis (`share_basis`: a period, or a communes registry column; default the first
    period reported). A unit missing from the basis, or at zero there, gets the median share of the others,
    so no unit's target is zero by accident. Under `none` the same share only measures the unit's trend
    (its status is "no unit target"). Overrides declared in targets.yaml win.
    """
    shared = {
        ind.id: ind
        for ind in config.targets.indicators
        if ind.effective_unit_target() in (UnitTarget.SHARE, UnitTarget.NONE)
    }
    if not shared:
        return pl.DataFrame(schema=_OVERRIDES_SCHEMA)
    obs = observations.lazy()
    levels = {
        Level.COMMUNE: config.registry.communes.select(pl.col("code").cast(pl.String).alias("unit_code")),
        Level.DEPARTMENT: config.registry.departments.select(pl.col("id").cast(pl.String).alias("unit_code")),
    }
    parts = []
    for level, level_units in levels.items():
        inds = {k: v for k, v in shared.items() if level in v.levels}
        if not inds or level_units.is_empty():
            continue
        column = _column_basis(config, inds) if level == Level.COMMUNE else None
        basis = _basis_values(obs, inds, level_units)
        if column is not None:
            with_column = column.select("indicator").unique()
            basis = pl.concat([basis.join(with_column, on="indicator", how="anti"), column])
        grid = pl.DataFrame({"indicator": list(inds)}).join(level_units, how="cross")
        parts.append(
            grid.lazy()
            .join(basis, on=["indicator", "unit_code"], how="left")
            .with_columns(
                (pl.col("basis") / pl.col("basis").sum().over("indicator")).alias("share"),
            )
            .with_columns(
                pl.when(pl.col("share") > 0)
                .then(pl.col("share"))
                .otherwise(pl.col("share").filter(pl.col("share") > 0).median().over("indicator"))
                .alias("share")
            )
            .drop_nulls("share")
            .collect()
        )
    if not parts:
        return pl.DataFrame(schema=_OVERRIDES_SCHEMA)
    shares = pl.concat(parts).join(
        declared.select("indicator", "unit_code"), on=["indicator", "unit_code"], how="anti"
    )
    if shares.is_empty():
        return pl.DataFrame(schema=_OVERRIDES_SCHEMA)
    meta = pl.DataFrame(
        {
            "indicator": list(shared),
            "_target": [i.target.value for i in shared.values()],
            "_unit": [i.unit.value for i in shared.values()],
            "_dec": [i.decimals for i in shared.values()],
            "o_rule": [i.effective_unit_target().value for i in shared.values()],
        }
    )
    target = pl.col("_target") * pl.col("share")
    # a share is written with the decimals it needs: a commune's 0.4 overdue dossiers is not "0"
    decimals = pl.max_horizontal(pl.col("_dec"), (-(target.abs().log10())).ceil().cast(pl.Int64).clip(0, 3))
    return (
        shares.join(meta, on="indicator")
        .with_columns(
            target.alias("o_target"),
            pl.lit(None, pl.Date).alias("o_deadline"),
            value_text_expr(target, "vi", pl.col("_unit"), decimals).alias("o_target_vi"),
            value_text_expr(target, "en", pl.col("_unit"), decimals).alias("o_target_en"),
            pl.lit(None, pl.String).alias("o_deadline_vi"),
            pl.lit(None, pl.String).alias("o_deadline_en"),
            pl.col("share").alias("o_scale"),
        )
        .select(list(_OVERRIDES_SCHEMA))
    )


# ---- the value used: one pass over the observations -------------------------------------------------


_PERIOD_PATTERN = PERIOD_RE.pattern
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
        .filter(ended_by_expr(as_of) & pl.col("value").is_not_nan())
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
        (frequency_code_expr("period") == pl.col("fcode"))
        & (frequency_code_expr("first_period") == pl.col("fcode"))
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
            .filter(frequency_code_expr("period") == pl.col("fcode"))
        )
        redone = _gather(obs, _pick(exact).join(fcodes, on="indicator", how="inner").collect())
        out = pl.concat([out.filter(pl.col("_ok")).drop("_ok"), redone], how="vertical")
    return out.drop("_ok", "fcode", strict=False)


# ---- expressions: gap, status, reason, trend -----------------------------------------------------------


def _days(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """Days from b to a."""
    return (a - b).dt.total_days()


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
        .when(pl.col("_due_lag") > stale_after)
        .then(pl.lit(Status.STALE.value))
        .when(pl.col("no_unit_target"))
        .then(pl.lit(Status.NO_TARGET.value))
        .when(pl.col("met") | (pl.col("gap") <= eps))
        .then(pl.lit(Status.GREEN.value))
        .when(pl.col("gap") <= pl.col("tolerance") + eps)
        .then(pl.lit(Status.AMBER.value))
        .otherwise(pl.lit(Status.RED.value))
    )


def _reason_decimals_expr() -> pl.Expr:
    """Decimals for the numbers of each row's reason: the indicator's own, or more where that would make the
    words contradict the colour — an amber or red row never reads "behind by 0", its value never equals its
    expected value on screen, value + gap = expected as written, a tolerance is never written "0", and the
    gap reads within the tolerance exactly when the row is amber."""
    dv = pl.col("_dv")
    behind = pl.col("status").is_in([Status.AMBER.value, Status.RED.value])
    amber = pl.col("status") == Status.AMBER.value
    chain = None
    for d in range(MAX_DECIMALS + 1):
        g, tol = scaled_int_expr(pl.col("gap"), d), scaled_int_expr(pl.col("tolerance"), d)
        v, e = scaled_int_expr(pl.col("value"), d), scaled_int_expr(pl.col("expected"), d)
        agrees = (
            (g > 0)
            & (v != e)
            & (g == (e - v).abs())  # the three numbers add up as written
            & ((tol > 0) | (pl.col("tolerance") <= 0))  # a tolerance is never written as 0 when it is not
            & pl.when(amber).then(g <= tol).otherwise(g > tol)
        )
        ok = (pl.lit(d) >= dv) & (~behind | agrees.fill_null(True))
        chain = (pl.when(ok) if chain is None else chain.when(ok)).then(pl.lit(d, pl.Int64))
    return chain.otherwise(pl.lit(MAX_DECIMALS, pl.Int64))


def _digit_groups(widest: float | None) -> int:
    """How many thousands groups a number up to `widest` needs (so the text builder does no more work
    than the data requires)."""
    if widest is None or widest != widest or widest >= 1e18:
        return 7
    return (len(str(int(widest))) + 2) // 3


def _number_text_exprs(
    src: str, short: str, groups: int, *, change: bool, needed: pl.Expr, decimals: str = "_rd"
) -> list[list[pl.Expr]]:
    """Two stages of expressions adding `_{short}_vi` / `_{short}_en`: `src` in its unit ("84,6%",
    "1.672", "3,4 điểm %" for a change) with the row's `decimals`, only on rows whose reason shows it
    (`needed`); "—" elsewhere.

    The English digits are built once and the Vietnamese ones swap the two separators.
    """
    x = pl.col(src)
    digits = digits_text_expr(
        pl.when(needed).then(scaled_int_expr(x, pl.col(decimals))),
        (x < 0).fill_null(False),
        pl.col(decimals),
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


def _reason_fragments(r: dict, lang: str) -> dict[str, str]:
    """The fixed words of every reason in `lang` for one targets row (an indicator or a unit's own target).

    A reason is one of: `_nodata` · "số liệu gần nhất {period} — quá hạn báo cáo" · {value}`_none` ·
    {value}`_met` · {value}`_p1`{expected}`_p2` · {value}`_b1`{gap}`_b2`{expected}`_b3`{tolerance}`_b4`
    (behind, before the deadline) · {value}`_d1`{expected}`_d2`{gap}`_d3`{tolerance}`_d4` (behind, after
    it). The numbers are written per row with the decimals the row needs; the words depend on the
    indicator (and the unit's target) only, so they are written once per targets row.
    """
    ref, target, deadline, province_target = (
        r[f"{k}_{lang}"] or MISSING for k in ("ref", "target", "deadline", "ind_target")
    )
    kind, milestone = r["expected_kind"], r["expected_milestone"]
    mref = format_period(milestone, lang) if milestone else ref
    if lang == "vi":
        path = {"milestone": f"mốc {mref} là ", "target": "mục tiêu "}.get(kind, f"mức kỳ vọng {ref} là ")
        return {
            "_nodata": f"chưa có số liệu cho {ref}",
            "_none": f" — không giao mục tiêu riêng cho đơn vị (mục tiêu toàn tỉnh {province_target})",
            "_met": f" — đã đạt mục tiêu {target}",
            "_p1": " — " + path,
            "_p2": " → đạt hoặc vượt kế hoạch",
            "_b1": " — chậm ",
            "_b2": " so với " + path,
            "_b3": " (ngưỡng ",
            "_b4": ")",
            "_d1": f" — hạn {deadline} đã qua, chưa đạt ",
            "_d2": " (chậm ",
            "_d3": ", ngưỡng ",
            "_d4": ")",
        }
    path = {"milestone": f"milestone for {mref} is ", "target": "target is "}.get(
        kind, f"expected for {ref} is "
    )
    what = {"milestone": f"the milestone for {mref}", "target": "the target"}.get(
        kind, f"the expected value for {ref}"
    )
    return {
        "_nodata": f"no data for {ref}",
        "_none": f" — no target of its own (province target {province_target})",
        "_met": f" — target {target} met",
        "_p1": " — " + path,
        "_p2": " → at or ahead of plan",
        "_b1": " — ",
        "_b2": " behind ",
        "_b3": f", {what} (tolerance ",
        "_b4": ")",
        "_d1": f" — deadline {deadline} passed, target ",
        "_d2": " not met (",
        "_d3": " behind, tolerance ",
        "_d4": ")",
    }


_FRAGMENTS = (
    "_nodata",
    "_none",
    "_met",
    "_p1",
    "_p2",
    "_b1",
    "_b2",
    "_b3",
    "_b4",
    "_d1",
    "_d2",
    "_d3",
    "_d4",
)
# what every indicator × unit row carries from its targets row
_ROW_PARAMS = [
    "pillar", "unit", "sign", "reference_period", "ref_index", "judged_month", "view_end", "due_index",
    "target", "deadline", "baseline", "baseline_at", "weight", "has_override", "no_unit_target", "unit_rule",
    "_dv", "deadline_passed", "expected", "expected_kind", "tolerance",
    *(f"{name}_{lang}" for lang in ("vi", "en") for name in _FRAGMENTS),
]  # fmt: skip


def reason_expr(lang: str) -> pl.Expr:
    """The reason for each row's status, chosen by that status (so the words and the colour agree).

    Needs the row's status, `met`, `deadline_passed`, the formatted value `_v_{lang}`, gap `_g_{lang}`,
    expected value `_e_{lang}` and tolerance `_t_{lang}`, the stale period `_per_{lang}`, and the
    fragments of `_reason_fragments` (`{fragment}_{lang}`).
    """
    status = pl.col("status")
    f = {name: pl.col(f"{name}_{lang}") for name in _FRAGMENTS}
    v, g, e, tol = (pl.col(f"_{k}_{lang}") for k in ("v", "g", "e", "t"))
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
        .when(status == Status.NO_TARGET.value)
        .then(pl.concat_str(v, f["_none"]))
        .when(pl.col("met"))
        .then(pl.concat_str(v, f["_met"]))
        .when(status == Status.GREEN.value)
        .then(pl.concat_str(v, f["_p1"], e, f["_p2"]))
        .when(pl.col("deadline_passed"))
        .then(pl.concat_str(v, f["_d1"], e, f["_d2"], g, f["_d3"], tol, f["_d4"]))
        .otherwise(pl.concat_str(v, f["_b1"], g, f["_b2"], e, f["_b3"], tol, f["_b4"]))
    )


def _trend_exprs() -> list[pl.Expr]:
    """b, t_b, paces, q, trend, months left and pace needed (signs flipped when lower is better).

    Months left count from the month the view is judged at, not from the latest value's period.
    """
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
        .then((_days(pl.col("deadline"), pl.col("view_end")) / DAYS_PER_MONTH).clip(lower_bound=0.0))
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


def deadline_passed(view_end: dt.date | None, deadline: dt.date | None) -> bool:
    """Whether a deadline has passed when viewing a period ending `view_end` — the one rule every text uses.

    The period that holds the deadline's day is still before it (a value for 12/2025 meets a deadline of
    31/12/2025); any later period is after it.
    """
    return view_end is not None and deadline is not None and view_end > deadline


def _path_of(ind: Indicator, row: dict) -> TargetPath:
    """The path a targets row follows: the indicator's own, a declared unit target's straight line, or the
    indicator's whole path scaled by a unit's share."""
    if not row["has_override"]:
        return indicator_path(ind)
    if row["o_scale"] is not None:
        return indicator_path(ind, scale=row["o_scale"])
    return indicator_path(ind, target=row["target"], deadline=row["deadline"], milestones=False)


def _targets(params: pl.DataFrame, overrides: pl.DataFrame, config: Config) -> pl.DataFrame:
    """One row per indicator (`_okey` "") and per unit target (`_okey` = the unit): target, deadline, and what
    follows from them at the reference period — expected value, its kind, tolerance, texts.

    These depend on the indicator (and the unit's target) only, so they are computed here on a few hundred
    rows rather than on every unit's row; the expected value comes from the same `TargetPath` as the chart.
    """
    default = params.with_columns(
        pl.lit("").alias("_okey"),
        pl.lit(False).alias("has_override"),
        pl.lit(None, pl.Float64).alias("o_scale"),
        pl.lit(False).alias("no_unit_target"),
        pl.col("rule").alias("unit_rule"),
        pl.col("target_vi").alias("ind_target_vi"),
        pl.col("target_en").alias("ind_target_en"),
    )
    overridden = (
        overrides.join(params, on="indicator", how="inner", maintain_order="left")
        .with_columns(
            pl.col("unit_code").alias("_okey"),
            pl.lit(True).alias("has_override"),
            (pl.col("o_rule") == UnitTarget.NONE.value).alias("no_unit_target"),
            pl.col("o_rule").alias("unit_rule"),
            pl.col("target_vi").alias("ind_target_vi"),
            pl.col("target_en").alias("ind_target_en"),
            (pl.col("baseline") * pl.col("o_scale").fill_null(1.0)).alias("baseline"),
            pl.col("o_target").alias("target"),
            pl.coalesce("o_deadline", "deadline").alias("deadline"),
            pl.col("o_target_vi").alias("target_vi"),
            pl.col("o_target_en").alias("target_en"),
            pl.coalesce("o_deadline_vi", "deadline_vi").alias("deadline_vi"),
            pl.coalesce("o_deadline_en", "deadline_en").alias("deadline_en"),
        )
        .select(default.columns)
    )
    rows = pl.concat([default, overridden])
    indicators = {i.id: i for i in config.targets.indicators}
    expected = []
    for r in rows.select(
        "indicator", "has_override", "o_scale", "target", "deadline", "ref_end", "view_end"
    ).iter_rows(named=True):
        e = _path_of(indicators[r["indicator"]], r).at(r["ref_end"]) if r["ref_end"] else None
        expected.append(
            {
                "expected": e.value if e else None,
                "expected_kind": e.kind if e else None,
                "expected_milestone": e.milestone if e else None,
                "deadline_passed": deadline_passed(r["view_end"], r["deadline"]),
            }
        )
    numeric = pl.concat(
        [
            rows,
            pl.DataFrame(
                expected,
                schema={
                    "expected": pl.Float64,
                    "expected_kind": pl.String,
                    "expected_milestone": pl.String,
                    "deadline_passed": pl.Boolean,
                },
            ),
        ],
        how="horizontal",
    ).with_columns(
        unit_decimals_expr(pl.col("unit"), pl.col("decimals")).clip(0, MAX_DECIMALS).alias("_dv"),
        _tolerance_expr().alias("tolerance"),
    )
    # the reason words: a few hundred rows (one per indicator and unit target), written through Babel
    fragments = [
        {f"{name}_{lang}": text for lang in ("vi", "en") for name, text in _reason_fragments(r, lang).items()}
        for r in numeric.iter_rows(named=True)
    ]
    schema = {f"{name}_{lang}": pl.String() for lang in ("vi", "en") for name in _FRAGMENTS}
    return pl.concat([numeric, pl.DataFrame(fragments, schema=schema)], how="horizontal")


def _skeleton(
    params: pl.DataFrame, overrides: pl.DataFrame, units: pl.DataFrame, config: Config
) -> pl.DataFrame:
    """Every (indicator, unit) the configuration expects, with the unit's own target where it has one.

    Built in output order — params by indicator id with levels province → department → commune, units by
    code — and later joins keep the left order, so score() needs no sort of its 200k-row result. The
    per-indicator columns are gathered by row number from `_targets` rather than hash-joined.
    """
    units = (
        units.select(pl.col("unit_code").cast(pl.String), pl.col("level").cast(pl.String))
        .unique()
        .sort("unit_code")
    )
    overrides = overrides.join(params.select("indicator"), on="indicator", how="semi", maintain_order="left")
    targets = _targets(params, overrides, config)  # params' rows first (row i = params row i), then overrides
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
    province = pl.col("level") == Level.PROVINCE.value
    return pl.concat([keys.select("indicator", "level", "unit_code"), picked], how="horizontal").with_columns(
        # a unit under `unit_target: none` has no target even when it has no share (nothing in the basis)
        (pl.col("no_unit_target") | ((pl.col("unit_rule") == UnitTarget.NONE.value) & ~province)).alias(
            "no_unit_target"
        ),
        pl.when(province).then(pl.lit("province")).otherwise(pl.col("unit_rule")).alias("unit_rule"),
    )


def unit_targets(observations: pl.DataFrame, config: Config) -> pl.DataFrame:
    """Every unit target below the province: declared overrides, then the shares of `share`/`none` rules."""
    declared = override_params(config)
    return pl.concat([declared, share_overrides(observations, config, declared)])


def _resolve_today(today: object) -> dt.date | None:
    return local_today() if today is TODAY else today  # type: ignore[return-value]


def score(
    observations: pl.DataFrame,
    config: Config,
    as_of: str,
    *,
    units: pl.DataFrame | None = None,
    today: dt.date | object | None = TODAY,
) -> pl.DataFrame:
    """One row per (indicator, unit) at every scored level: value used, expected, status, reasons, trend.

    `today` (default: today in the province) decides which reports are due: a period not yet due as a whole
    is judged at its latest month due, and a value counts as stale only when a later report was due.
    `today=None` judges `as_of` as a whole. Sorted by indicator, level (province, department, commune) and
    unit code. See PRODUCT.md §5.
    """
    today = _resolve_today(today)
    stale_after = config.targets.status.stale_after_periods
    params = indicator_params(config, as_of, today)
    units = config.registry.units_frame() if units is None else units
    days = config.targets.reporting.deadline_day
    latest = latest_values(observations, params, judged_month(as_of, today, days))
    skeleton = _skeleton(params, unit_targets(observations, config), units, config)
    facts, first_facts = _period_facts(latest)
    # which numbers each reason shows
    judged = pl.col("status").is_in(
        [Status.GREEN.value, Status.AMBER.value, Status.RED.value, Status.NO_TARGET.value]
    )
    behind = pl.col("status").is_in([Status.AMBER.value, Status.RED.value])
    shows_expected = pl.col("status").is_in([Status.GREEN.value, Status.AMBER.value, Status.RED.value])
    widest_value = latest["value"].abs().max()
    widest_expected = skeleton["expected"].abs().max() or 0.0
    widest = None if widest_value is None else max(widest_value, widest_expected)
    widest_gap = None if widest is None else widest + widest_expected
    texts = [
        _number_text_exprs("value", "v", _digit_groups(widest), change=False, needed=judged),
        _number_text_exprs("gap", "g", _digit_groups(widest_gap), change=True, needed=behind),
        _number_text_exprs("expected", "e", _digit_groups(widest), change=False, needed=shows_expected),
        _number_text_exprs("tolerance", "t", _digit_groups(widest), change=True, needed=behind),
    ]
    trend_vi = {k.value: v[0] for k, v in TREND_LABELS.items()}
    trend_en = {k.value: v[1] for k, v in TREND_LABELS.items()}
    sign = pl.col("sign")
    no_target = pl.col("status") == Status.NO_TARGET.value
    # One lazy query from here on: independent expressions run in parallel.
    return (
        skeleton.lazy()
        .join(latest.lazy(), on=["indicator", "unit_code"], how="left", maintain_order="left")
        .join(facts.lazy(), on="period", how="left", maintain_order="left")
        .join(first_facts.lazy(), on="first_period", how="left", maintain_order="left")
        .with_columns(
            (pl.col("ref_index") - pl.col("_pidx")).alias("lag"),
            (pl.col("due_index") - pl.col("_pidx")).alias("_due_lag"),
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
        .with_columns(_trend_expr().alias("trend"), _reason_decimals_expr().alias("_rd"))
        .with_columns(expr for stages in texts for expr in stages[0])
        .with_columns(expr for stages in texts for expr in stages[1])
        .with_columns(
            reason_expr("vi").alias("reason_vi"),
            reason_expr("en").alias("reason_en"),
            pl.col("trend").replace_strict(trend_vi, return_dtype=pl.String).alias("trend_vi"),
            pl.col("trend").replace_strict(trend_en, return_dtype=pl.String).alias("trend_en"),
        )
        # a unit with no target of its own shows no target, expected value, gap or pace
        .with_columns(
            pl.when(~no_target).then(pl.col(c)).alias(c)
            for c in ("target", "expected", "gap", "tolerance", "pace_needed", "months_left", "q", "r_req")
        )
        .select(SCORE_COLUMNS)
        .collect(engine="in-memory")  # 200k rows: the streaming engine's joins cost more than they save here
    )


# ---- chart data ----------------------------------------------------------------------------------------


def unit_path(
    observations: pl.DataFrame, config: Config, indicator_id: str, unit_code: str
) -> TargetPath | None:
    """The path `unit_code` is held to for one indicator: its own declared target, its share of the province
    target, or the province's path; None for a unit with no target of its own (`unit_target: none`)."""
    ind = config.targets.indicator(indicator_id)
    if unit_code == config.registry.province_code:
        return indicator_path(ind)
    for o in ind.overrides:
        if o.unit == unit_code:
            return indicator_path(ind, target=o.value, deadline=o.by, milestones=False)
    rule = ind.effective_unit_target()
    if rule == UnitTarget.SAME:
        return indicator_path(ind)
    if rule == UnitTarget.NONE:
        return None
    shares = share_overrides(
        observations.filter(pl.col("indicator") == indicator_id),
        config,
        pl.DataFrame(schema=_OVERRIDES_SCHEMA),
    ).filter((pl.col("indicator") == indicator_id) & (pl.col("unit_code") == unit_code))
    return indicator_path(ind, scale=shares["o_scale"][0]) if shares.height else None


def history(observations: pl.DataFrame, config: Config, indicator_id: str, unit_code: str) -> pl.DataFrame:
    """(period, period_end, value, expected, target) for one indicator and unit, for trend charts.

    Periods run from the one holding the baseline date (else the first value) to the one holding the
    deadline, plus any period with a value outside that range; `expected` comes from the same path as the
    traffic lights. A unit with no target of its own has null expected and target.
    """
    ind = config.targets.indicator(indicator_id)
    path = unit_path(observations, config, indicator_id, unit_code)
    fcode = FREQUENCY_CODE[ind.frequency]
    values = (
        observations.filter(
            (pl.col("indicator") == indicator_id)
            & (pl.col("unit_code") == unit_code)
            & pl.col("value").is_not_nan()
        )
        .filter((frequency_code_expr() == fcode) & period_end_expr("period").is_not_null())
        .group_by("period")
        .agg(pl.col("value").last())
    )
    observed = values["period"].to_list()
    base = ind.target.baseline
    deadline = path.deadline if path else ind.target.by
    start = period_of(base.at, ind.frequency) if base else (min(observed) if observed else None)
    end = period_of(deadline, ind.frequency)
    periods = sorted(set(periods_between(start, end) if start and start <= end else []) | set(observed))
    ends = [period_end(p) for p in periods]
    expected = [path.at(d).value for d in ends] if path else [None] * len(periods)
    frame = pl.DataFrame(
        {
            "period": periods,
            "period_end": ends,
            "expected": expected,
            "target": [path.target if path else None] * len(periods),
        },
        schema={"period": pl.String, "period_end": pl.Date, "expected": pl.Float64, "target": pl.Float64},
    )
    return (
        frame.join(values, on="period", how="left")
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

    w = indicator weight × pillar weight; no-data and stale rows count as not green; rows with no unit target
    weigh nothing. Ties share the best
    rank ("min"). Sorted by rank, then unit code.
    """
    pillar_w = pl.DataFrame(
        {"pillar": [p.id for p in config.targets.pillars], "_pw": [p.weight for p in config.targets.pillars]},
        schema={"pillar": pl.String, "_pw": pl.Float64},
    )
    # a row with no target of its own is counted in no colour: it weighs nothing in the composite
    counted = (pl.col("status") != Status.NO_TARGET.value).cast(pl.Float64)
    w = pl.col("weight") * pl.col("_pw").fill_null(1.0) * counted
    return (
        scores.filter(pl.col("level") == Level(level).value)
        .join(pillar_w, on="pillar", how="left")
        .group_by("unit_code")
        .agg(
            *_count_exprs(),
            pl.when(w.sum() > 0)
            .then((w * (pl.col("status") == Status.GREEN.value).cast(pl.Float64)).sum() / w.sum())
            .alias("composite"),
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
