"""Page models: turn scores into the frames each page shows, labelled and formatted for one language.

Pure functions (no Streamlit): pages call one of these and lay out what comes back, and tests check the
same frames the user sees.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import polars as pl

from ioc.config import Config
from ioc.i18n import format_date, format_pace, format_value
from ioc.labels import STATUS, STATUS_ORDER, TREND, t
from ioc.period_labels import format_period
from ioc.periods import (
    REPORT_DEADLINE_DAY,
    DeadlineDay,
    due_months,
    frequency_of,
    is_month_expr,
    last_month_expr,
    parse_period,
    period_end,
    period_end_expr,
    period_months,
    periods_between,
    periods_spanning,
    report_deadline_expr,
    shift,
)
from ioc.targets import Frequency, Level, ReportDeadlines

_GRANULARITY = {"month": Frequency.MONTHLY, "quarter": Frequency.QUARTERLY, "year": Frequency.YEARLY}
_LEVEL_RANK = {Level.PROVINCE.value: 0, Level.DEPARTMENT.value: 1, Level.COMMUNE.value: 2}


def indicator_meta(config: Config, lang: str) -> pl.DataFrame:
    """One row per indicator: names, pillar, unit, direction, owner and display order."""
    rows = []
    for order, ind in enumerate(config.targets.indicators):
        pillar = config.targets.pillar(ind.pillar)
        rows.append(
            {
                "indicator": ind.id,
                "order": order,
                "name": ind.name.get(lang),
                "pillar_name": pillar.name.get(lang),
                "measure": ind.unit.value,
                "direction": ind.direction.value,
                "owner": ind.owner,
                "decimals": ind.decimals,
                "frequency": ind.frequency.value,
            }
        )
    return pl.DataFrame(rows)


def unit_names(config: Config, lang: str) -> pl.DataFrame:
    """unit_code → display name in the language."""
    frame = config.registry.units_frame()
    return frame.select("unit_code", pl.col("name_vi" if lang == "vi" else "name_en").alias("unit_name"))


def _fmt(values: list[float | None], measures: list[str], decimals: list[int], lang: str) -> list[str]:
    # Display only: a page shows at most a few hundred rows, formatted through Babel.
    from ioc.targets import MeasureUnit

    return [
        format_value(v, MeasureUnit(m), lang, d) if v is not None else "—"
        for v, m, d in zip(values, measures, decimals, strict=True)
    ]


def decorate(scores: pl.DataFrame, config: Config, lang: str) -> pl.DataFrame:
    """Add names, formatted numbers, status/trend words with icons and the reason in `lang`."""
    if scores.is_empty():
        return scores
    df = scores.join(indicator_meta(config, lang), on="indicator", how="left").join(
        unit_names(config, lang), on="unit_code", how="left"
    )
    measures = df["measure"].to_list()
    decimals = df["decimals"].to_list()
    status_word = {k: v.label(lang) for k, v in STATUS.items()}
    trend_word = {k: v.label(lang) for k, v in TREND.items()}
    df = df.with_columns(
        pl.Series("value_text", _fmt(df["value"].to_list(), measures, decimals, lang)),
        pl.Series("target_text", _fmt(df["target"].to_list(), measures, decimals, lang)),
        pl.Series("expected_text", _fmt(df["expected"].to_list(), measures, decimals, lang)),
        pl.Series(
            "pace_text",
            [
                format_pace(p, m, lang, d) if p is not None else "—"
                for p, m, d in zip(df["pace_needed"].to_list(), measures, decimals, strict=True)
            ],
            dtype=pl.String,
        ),
        pl.col("status").replace_strict(status_word, default="").alias("status_text"),
        # the status as a one-tag list: tables draw it as a tag in the status colour (icon + word inside)
        pl.concat_list(pl.col("status").replace_strict(status_word, default="")).alias("status_chip"),
        pl.col("trend").replace_strict(trend_word, default="").alias("trend_text"),
        pl.col(f"reason_{lang}").alias("reason"),
        pl.Series(
            "period_text",
            [format_period(p, lang) if p else "—" for p in df["period"].to_list()],
        ),
        pl.Series(
            "deadline_text",
            [format_date(d, lang) if d else "—" for d in df["deadline"].to_list()],
        ),
        pl.col("status")
        .replace_strict({s: i for i, s in enumerate(STATUS_ORDER)}, default=9)
        .alias("status_rank"),
    )
    cols = [
        "value",
        "target",
        "direction",
        "months_left",
        "pace_needed",
        "deadline_passed",
        "measure",
        "decimals",
        "target_text",
        "deadline_text",
    ]
    reasons = [_trend_reason(r, lang) for r in df.select(cols).iter_rows(named=True)]
    return df.with_columns(pl.Series("trend_reason", reasons, dtype=pl.String))


def _trend_reason(r: dict, lang: str) -> str:
    """What the trend means in practice: the pace now needed and the months left (from the period viewed),
    that the target is met, or that the deadline has passed — decided by the same rule as the status."""
    if r["value"] is None or r["target"] is None:
        return ""
    lower = r["direction"] == "lower"
    if (r["value"] <= r["target"]) if lower else (r["value"] >= r["target"]):
        return t("trend.met", lang)
    if r.get("deadline_passed"):
        return t("trend.passed", lang, deadline=r["deadline_text"], target=r["target_text"])
    if r["pace_needed"] is None or not r["months_left"]:
        # the period viewed holds the deadline: what is still missing, not a pace
        return t("trend.due_now", lang, deadline=r["deadline_text"], target=r["target_text"])
    months = r["months_left"]
    return t(
        "trend.pace",
        lang,
        pace=format_pace(r["pace_needed"], r["measure"], lang, r["decimals"]),
        months=format_value(months, "ratio", lang, 0 if months >= 1.5 else 1),
        target=r["target_text"],
        deadline=r["deadline_text"],
    )


def headline(scores: pl.DataFrame, config: Config) -> pl.DataFrame:
    """One row per indicator: the province value if measured there, else the owner department's own row."""
    owners = pl.DataFrame(
        {
            "indicator": [i.id for i in config.targets.indicators],
            "_owner": [i.owner for i in config.targets.indicators],
        }
    )
    rank = (
        pl.when(pl.col("level") == Level.PROVINCE.value)
        .then(0)
        .when((pl.col("level") == Level.DEPARTMENT.value) & (pl.col("unit_code") == pl.col("_owner")))
        .then(1)
        .when(pl.col("level") == Level.DEPARTMENT.value)
        .then(2)
        .otherwise(3)
    )
    return (
        scores.join(owners, on="indicator", how="left")
        .with_columns(rank.alias("_lr"))
        .sort("indicator", "_lr", "unit_code")
        .group_by("indicator", maintain_order=True)
        .first()
        .drop("_lr", "_owner")
    )


@dataclass(frozen=True)
class Overview:
    """What the overview page shows."""

    counts: dict[str, int]  # status → number of indicators (headline rows)
    by_pillar: pl.DataFrame  # pillar_name, and one column per status
    worst: pl.DataFrame
    improved: pl.DataFrame
    completeness: float | None  # 0–1
    completeness_by_department: pl.DataFrame


def previous_period(as_of: str) -> str:
    """The period before `as_of` at the same granularity (2025-08 → 2025-07, 2025-Q3 → 2025-Q2)."""
    return shift(as_of, -1)


def overview(scores: pl.DataFrame, previous: pl.DataFrame, config: Config, lang: str) -> Overview:
    """Province status per pillar, the indicators most behind and most improved, completeness."""
    head = decorate(headline(scores, config), config, lang)
    counts = {s: int((head["status"] == s).sum()) for s in STATUS_ORDER}
    by_pillar = (
        head.group_by("pillar_name", "status")
        .len()
        .pivot(on="status", index="pillar_name", values="len")
        .fill_null(0)
    )
    for s in STATUS_ORDER:
        if s not in by_pillar.columns:
            by_pillar = by_pillar.with_columns(pl.lit(0, pl.UInt32).alias(s))
    pillar_order = {p.name.get(lang): i for i, p in enumerate(config.targets.pillars)}
    by_pillar = (
        by_pillar.with_columns(pl.col("pillar_name").replace_strict(pillar_order, default=99).alias("_o"))
        .sort("_o")
        .drop("_o")
        .select("pillar_name", *STATUS_ORDER)
    )

    behind = head.filter(pl.col("status").is_in(["red", "amber"])).with_columns(
        (pl.col("gap") / pl.when(pl.col("tolerance") > 0).then(pl.col("tolerance")).otherwise(1.0)).alias(
            "_severity"
        )
    )
    worst = behind.sort(["status_rank", "_severity"], descending=[False, True]).head(5)

    # only values judged in both periods compare: a stale or missing value has not improved
    current = pl.col("status").is_in(["green", "amber", "red"])
    prev_head = (
        headline(previous, config).filter(current).select("indicator", pl.col("value").alias("prev_value"))
    )
    improved = (
        head.filter(current)
        .join(prev_head, on="indicator", how="inner")
        .filter(pl.col("value").is_not_null() & pl.col("prev_value").is_not_null())
        .with_columns(
            (
                (pl.col("value") - pl.col("prev_value"))
                * pl.when(pl.col("direction") == "lower").then(-1.0).otherwise(1.0)
            ).alias("_delta")
        )
        .with_columns(
            # a percentage point and a 1 % relative change weigh the same
            pl.when(pl.col("measure") == "percent")
            .then(pl.col("_delta"))
            .otherwise(100 * pl.col("_delta") / pl.col("prev_value").abs().clip(lower_bound=1e-9))
            .alias("_improvement")
        )
        .filter(pl.col("_improvement") > 0)
        .sort("_improvement", descending=True)
        .head(5)
    )
    improved = improved.with_columns(
        pl.Series(
            "change_text",
            [
                _delta_text(v - p, m, lang)
                for v, p, m in zip(
                    improved["value"].to_list(),
                    improved["prev_value"].to_list(),
                    improved["measure"].to_list(),
                    strict=True,
                )
            ],
            dtype=pl.String,
        )
    )

    comp = completeness(scores, config)
    total = comp["expected"].sum()
    share = float(comp["reported"].sum() / total) if total else None
    return Overview(counts, by_pillar, worst, improved, share, comp)


def _delta_text(delta: float, measure: str, lang: str) -> str:
    from ioc.targets import MeasureUnit

    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    if measure == "percent":
        unit = " điểm %" if lang == "vi" else " pp"
        return sign + format_value(abs(delta), MeasureUnit.COUNT, lang, 1).rstrip() + unit
    return sign + format_value(abs(delta), MeasureUnit(measure), lang, 1)


def completeness(scores: pl.DataFrame, config: Config) -> pl.DataFrame:
    """Per owner department: indicator × unit pairs due for the period shown, and how many have a value for it.

    A pair counts as reported only when its value is for the period itself (a month's value for a monthly
    indicator, the quarter's for a quarterly one).
    """
    owners = pl.DataFrame(
        {
            "indicator": [i.id for i in config.targets.indicators],
            "owner": [i.owner for i in config.targets.indicators],
        }
    )
    dept_names = config.registry.departments.select(pl.col("id").alias("owner"), "name_vi", "name_en")
    # `reference_period`: the period of the indicator's frequency that the period shown asks for
    reported = (pl.col("period") == pl.col("reference_period")) & pl.col("status").is_in(
        ["green", "amber", "red"]
    )
    return (
        scores.join(owners, on="indicator")
        .group_by("owner")
        .agg(pl.len().alias("expected"), reported.sum().alias("reported"))
        .with_columns((pl.col("reported") / pl.col("expected")).alias("share"))
        .join(dept_names, on="owner", how="left")
        .sort("share", "owner")
    )


def department_rows(scores: pl.DataFrame, config: Config, department: str, lang: str) -> pl.DataFrame:
    """The department's scorecard: every indicator measured for it, and every indicator it owns.

    Its own row wherever an indicator is measured per department (whoever reports it); for an owned indicator
    not measured per department, the province row (a department answers for a provincial figure).
    """
    owned = [i.id for i in config.targets.indicators if i.owner == department]
    own = scores.filter((pl.col("level") == "department") & (pl.col("unit_code") == department))
    rest = headline(
        scores.filter(
            pl.col("indicator").is_in(owned) & ~pl.col("indicator").is_in(own["indicator"].implode())
        ),
        config,
    ).filter(pl.col("level") != "department")
    out = pl.concat([own, rest], how="diagonal_relaxed")
    if out.is_empty():
        return out
    return decorate(out, config, lang).sort("order")


def commune_rows(scores: pl.DataFrame, config: Config, code: str, lang: str) -> pl.DataFrame:
    """The commune's scorecard with the province value beside each of its values."""
    mine = scores.filter((pl.col("level") == "commune") & (pl.col("unit_code") == code))
    province = scores.filter(pl.col("level") == "province").select(
        "indicator", pl.col("value").alias("province_value")
    )
    df = decorate(mine.join(province, on="indicator", how="left"), config, lang)
    if df.is_empty():
        return df
    return df.with_columns(
        pl.Series(
            "province_text",
            _fmt(df["province_value"].to_list(), df["measure"].to_list(), df["decimals"].to_list(), lang),
        )
    ).sort("order")


def indicator_rows(scores: pl.DataFrame, config: Config, indicator: str, lang: str) -> pl.DataFrame:
    """Every unit's row for one indicator: province first, then departments, then communes by status."""
    df = decorate(scores.filter(pl.col("indicator") == indicator), config, lang)
    if df.is_empty():
        return df
    return df.with_columns(pl.col("level").replace_strict(_LEVEL_RANK, default=9).alias("_lr")).sort(
        "_lr", "status_rank", "unit_name"
    )


def sparklines(observations: pl.DataFrame, as_of: str, n: int = 12) -> pl.DataFrame:
    """The last `n` values per indicator and unit up to `as_of`, oldest first, for sparkline columns."""
    if observations.is_empty():
        return pl.DataFrame(
            schema={"indicator": pl.String, "unit_code": pl.String, "spark": pl.List(pl.Float64)}
        )
    end = period_end(as_of)
    return (
        observations.filter(period_end_expr("period") <= pl.lit(end))
        .sort("indicator", "unit_code", period_end_expr("period"))
        .group_by("indicator", "unit_code", maintain_order=True)
        .agg(pl.col("value").tail(n).alias("spark"))
    )


def _months(observations: pl.DataFrame) -> pl.Series:
    """The period of every row that is a month."""
    return observations.filter(is_month_expr("period"))["period"]


def period_choices(observations: pl.DataFrame, granularity: str) -> list[str]:
    """Periods a user may pick at a granularity, newest first, from the months that have data."""
    months = _months(observations)
    if months.is_empty():
        return []
    return list(reversed(periods_spanning(months.min(), months.max(), _GRANULARITY[granularity])))


def data_as_of(observations: pl.DataFrame) -> str | None:
    """The latest month with any value."""
    months = _months(observations)
    return None if months.is_empty() else months.max()


def granularity_of(period: str) -> str:
    """month / quarter / year for a period string."""
    return {f: g for g, f in _GRANULARITY.items()}[frequency_of(period)]


def status_legend(lang: str) -> list[tuple[str, str, str]]:
    """(icon + word, colour, explanation) for every status, for legends."""
    explain = {
        "green": (
            "đạt mục tiêu, hoặc bằng/vượt mức kỳ vọng",
            "target met, or at or ahead of the expected value",
        ),
        "amber": ("chậm trong ngưỡng cho phép", "behind, within the tolerance"),
        "red": ("chậm quá ngưỡng cho phép", "behind by more than the tolerance"),
        "stale": ("báo cáo đã đến hạn nhưng chưa có", "a report that was due is missing"),
        "no_data": ("chưa có số liệu", "no value reported"),
        "no_target": (
            "đơn vị không được giao mục tiêu riêng; không tính vào màu nào",
            "the unit has no target of its own; counted in no colour",
        ),
    }
    return [
        (STATUS[s].label(lang), STATUS[s].colour, explain[s][0 if lang == "vi" else 1]) for s in STATUS_ORDER
    ]


def composite_status(composite: pl.Expr) -> pl.Expr:
    """Colour of a composite score: two thirds or more green → green, a third or more → amber, else red."""
    return (
        pl.when(composite.is_null())
        .then(pl.lit("no_data"))
        .when(composite >= 2 / 3)
        .then(pl.lit("green"))
        .when(composite >= 1 / 3)
        .then(pl.lit("amber"))
        .otherwise(pl.lit("red"))
    )


def composite_map_rows(ranking: pl.DataFrame, config: Config, lang: str) -> pl.DataFrame:
    """Rows for the map coloured by composite score: value = composite as a percentage, with the rank."""
    status_word = {k: v.label(lang) for k, v in STATUS.items()}
    rank_word = t("col.rank", lang)
    return (
        ranking.join(unit_names(config, lang), on="unit_code", how="left")
        .with_columns(
            pl.format(
                "{}% ({} {}/{})",
                (pl.col("composite") * 100).round(0).cast(pl.Int64),
                pl.lit(rank_word),
                pl.col("rank"),
                pl.len(),
            ).alias("value_text"),
            pl.lit("—").alias("target_text"),
            composite_status(pl.col("composite")).alias("status"),
        )
        .with_columns(pl.col("status").replace_strict(status_word).alias("status_text"))
    )


def reporting_months(as_of: str, n: int = 12) -> list[str]:
    """The `n` months a Reporting status view of `as_of` shows, newest first (the period's last month first)."""
    last = period_months(as_of)[1]
    return list(reversed(periods_between(shift(last, -(n - 1)), last)))


REPORT_STATES = ("on_time", "late", "rejected", "missing", "not_due")
_REPORT_ICONS = {"on_time": "✔", "late": "◷", "missing": "○", "rejected": "✖", "not_due": "·"}
_REPORT_LOOK = {
    "on_time": "green",
    "late": "amber",
    "rejected": "red",
    "missing": "red",
    "not_due": "no_data",
}


def report_tags(lang: str) -> tuple[list[str], list[str]]:
    """(labels, colours) of the Reporting status cells: icon + word on the matching status colour."""
    labels = [f"{_REPORT_ICONS[k]} {t(f'report.{k}', lang)}" for k in REPORT_STATES]
    return labels, [chip_colour(STATUS[_REPORT_LOOK[k]].colour) for k in REPORT_STATES]


def reporting_matrix(
    submissions: pl.DataFrame,
    config: Config,
    months: list[str],
    lang: str,
    *,
    due_day: DeadlineDay = REPORT_DEADLINE_DAY,
    timezone: str = "Asia/Ho_Chi_Minh",
) -> pl.DataFrame:
    """Departments × months (in the order of `months`): on time, late, rejected, missing, or not due.

    A department owes a report in a month when one of its workbook indicators is due then (monthly: every
    month; quarterly: the quarter's last month; yearly: December); only departments that owe reports have a
    row. A report is on time when accepted by the end of its deadline day (`due_day`: a number or the
    `reporting.deadline_day` setting, per frequency) of the month after its period, in the province's time.
    Each cell is a one-tag list (icon + word), for a table that colours it.
    """
    from ioc.targets import WorkbookSource

    days = (
        due_day
        if isinstance(due_day, ReportDeadlines)
        else ReportDeadlines(monthly=due_day, quarterly=due_day, yearly=due_day)
    )
    owes: dict[str, set[int]] = {}
    for ind in config.targets.indicators:
        if isinstance(ind.source, WorkbookSource):
            owes.setdefault(ind.owner, set()).update(due_months(ind.frequency))
    owners = sorted(owes)
    labels = dict(zip(REPORT_STATES, report_tags(lang)[0], strict=True))
    subs = (
        submissions.filter(pl.col("department").is_in(owners))
        .with_columns(pl.col("periods").str.split(",").alias("period"))
        .explode("period")
        .filter(pl.col("period") != "")
        # a quarterly or yearly report counts in the period's last month
        .with_columns(last_month_expr("period").alias("month"))
    )
    local_day = pl.col("submitted_at").dt.replace_time_zone("UTC").dt.convert_time_zone(timezone).dt.date()
    deadline = report_deadline_expr("period", days)
    state = (
        subs.filter(pl.col("month").is_in(months))
        .with_columns(
            pl.when(pl.col("status").is_in(["accepted", "superseded"]))
            .then(pl.when(local_day <= deadline).then(pl.lit("on_time")).otherwise(pl.lit("late")))
            .otherwise(pl.lit("rejected"))
            .alias("state")
        )
        .with_columns(pl.col("state").replace_strict({"on_time": 0, "late": 1, "rejected": 2}).alias("_rank"))
        .sort("_rank")
        .group_by("department", "month", maintain_order=True)
        .first()
    )
    owed = pl.DataFrame(
        [(d, m) for d in owners for m in months if parse_period(m).index in owes[d]],
        schema={"department": pl.String, "month": pl.String},
        orient="row",
    ).with_columns(pl.lit(True).alias("_owed"))
    grid = pl.DataFrame({"department": owners}, schema={"department": pl.String}).join(
        pl.DataFrame({"month": months}, schema={"month": pl.String}), how="cross"
    )
    names = config.registry.departments.select(
        pl.col("id").alias("department"), pl.col("name_vi" if lang == "vi" else "name_en").alias("unit_name")
    )
    cell = (
        pl.when(pl.col("state").is_not_null())
        .then(pl.col("state"))
        .when(pl.col("_owed"))
        .then(pl.lit("missing"))
        .otherwise(pl.lit("not_due"))
    )
    if grid.is_empty():
        return pl.DataFrame(
            schema={
                "department": pl.String,
                "unit_name": pl.String,
                **dict.fromkeys(months, pl.List(pl.String)),
            }
        )
    return (
        grid.join(owed, on=["department", "month"], how="left")
        .join(state.select("department", "month", "state"), on=["department", "month"], how="left")
        .with_columns(cell.alias("state"))
        .with_columns(pl.col("state").replace_strict(labels).alias("cell"))
        .pivot(on="month", index="department", values="cell")
        .join(names, on="department", how="left")
        .with_columns(pl.coalesce("unit_name", "department").alias("unit_name"))
        .select("department", "unit_name", *(pl.concat_list(pl.col(m)).alias(m) for m in months))
        .sort("unit_name")
    )


def preview_rows(observations: pl.DataFrame, config: Config, lang: str) -> pl.DataFrame:
    """The values a file would store, named and formatted, with the cell each came from."""
    if observations.is_empty():
        return observations
    df = observations.join(indicator_meta(config, lang), on="indicator", how="left").join(
        unit_names(config, lang), on="unit_code", how="left"
    )
    return df.with_columns(
        pl.Series(
            "value_text", _fmt(df["value"].to_list(), df["measure"].to_list(), df["decimals"].to_list(), lang)
        ),
        pl.Series("period_text", [format_period(p, lang) for p in df["period"].to_list()]),
        pl.concat_str(
            pl.col("sheet").fill_null(""),
            pl.lit(" "),
            pl.col("column").fill_null(""),
            pl.col("row").cast(pl.String).fill_null(""),
        )
        .str.strip_chars()
        .alias("cell"),
    ).sort("order", "unit_code")


def with_provenance(rows: pl.DataFrame, observations: pl.DataFrame) -> pl.DataFrame:
    """Add `source_text`: the file, sheet and cell each row's value came from ("rollup" for derived values)."""
    if rows.is_empty():
        return rows.with_columns(pl.lit(None, pl.String).alias("source_text"))
    cell = pl.concat_str(pl.col("column").fill_null(""), pl.col("row").cast(pl.String).fill_null(""))
    source = observations.select(
        "indicator",
        "unit_code",
        "period",
        pl.concat_str(
            pl.col("source_file").fill_null(""),
            pl.when(pl.col("sheet").is_not_null())
            .then(pl.lit(" › ") + pl.col("sheet"))
            .otherwise(pl.lit("")),
            pl.when(cell != "").then(pl.lit(" › ") + cell).otherwise(pl.lit("")),
        ).alias("source_text"),
    ).unique(["indicator", "unit_code", "period"], keep="last")
    return rows.join(source, on=["indicator", "unit_code", "period"], how="left", maintain_order="left")


def province_disagreement(
    observations: pl.DataFrame, config: Config, indicator: str, as_of: str, lang: str
) -> str | None:
    """A warning for the Indicator page when the province value reported directly for the period judged at
    `as_of` disagrees with the roll-up of its units beyond the tolerance (a leader's first question when
    the province reads "met" while its departments are red), or a note of how many units reported when a
    sum over some of them cannot be compared with it; None when they agree."""
    from ioc.consistency import province_disagreements
    from ioc.periods import reference_period

    ind = config.targets.indicator(indicator)
    period = reference_period(as_of, ind.frequency)  # the period the page judges
    rows = province_disagreements(observations.filter(pl.col("indicator") == indicator), config, as_of)
    rows = rows.filter(pl.col("period") == period)
    if rows.is_empty():
        return None
    r = rows.row(0, named=True)
    value = format_value(r["province_value"], ind.unit, lang, ind.decimals)
    rolled = format_value(r["rollup_value"], ind.unit, lang, ind.decimals)
    pp = ind.unit.value == "percent"
    diff = format_value(abs(r["difference"]), "ratio" if pp else ind.unit, lang, ind.decimals)
    tol = format_value(r["tolerance"], "ratio", lang, ind.decimals)
    unit_vi, unit_en = (" điểm %", " pp") if pp else ("", "")
    tol_vi, tol_en = (tol + unit_vi, tol + unit_en) if pp else (f"{tol}%", f"{tol}%")
    level = t(f"level.{r['unit_level']}", lang).lower()
    if not r["comparable"]:  # a sum over some of the units only: say how many, claim nothing
        return t(
            "indicator.units_missing",
            lang,
            period=format_period(r["period"], lang),
            value=value,
            n=r["n_units"],
            total=r["n_expected"],
            level=level,
            rollup=rolled,
        )
    return t(
        "indicator.disagrees",
        lang,
        period=format_period(r["period"], lang),
        value=value,
        n=r["n_units"],
        level=level,
        rollup=rolled,
        diff=diff + (unit_vi if lang == "vi" else unit_en),
        tol=tol_vi if lang == "vi" else tol_en,
    )


# ---- at a glance: status tags, counts, sparklines, commune names, map bands, local times ----------------


def chip_colour(hex_colour: str, factor: float = 0.78) -> str:
    """A status colour darkened so that the white word on a table tag stays legible (same hue)."""
    h = hex_colour.lstrip("#")
    r, g, b = (round(int(h[i : i + 2], 16) * factor) for i in (0, 2, 4))
    return f"#{r:02x}{g:02x}{b:02x}"


def status_tags(lang: str, statuses: tuple[str, ...] = STATUS_ORDER) -> tuple[list[str], list[str]]:
    """(labels, colours) of the status tags in a table: icon + word, on the status colour darkened."""
    return [STATUS[s].label(lang) for s in statuses], [chip_colour(STATUS[s].colour) for s in statuses]


def count_statuses(rows: pl.DataFrame, statuses: tuple[str, ...] = STATUS_ORDER) -> dict[str, int]:
    """How many rows have each status, in `statuses` order (every status present, zero or not)."""
    if rows.is_empty():
        return dict.fromkeys(statuses, 0)
    return {s: int((rows["status"] == s).sum()) for s in statuses}


def composite_counts(ranking_row: dict) -> dict[str, int]:
    """A unit's counts by status from its composite ranking row (n_green … n_no_target), each apart."""
    return {s: int(ranking_row.get(f"n_{s}") or 0) for s in STATUS_ORDER}


def scale_sparklines(spark: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """Add `spark_scaled`: each history on one scale shared by every unit of the same indicator and level.

    The scale runs from min(0, lowest value) to the highest value any such unit reported in the window, so a
    count moving 0 → 3 where other units count in hundreds stays flat, and a percentage's scale is its own
    spread from zero — movement is never magnified by a row scaled to itself. Values map to 0–1.
    """
    if spark.is_empty():
        return spark.with_columns(pl.lit(None, pl.List(pl.Float64)).alias("spark_scaled"))
    levels = units.select("unit_code", "level")
    scales = (
        spark.join(levels, on="unit_code", how="left")
        .explode("spark")
        .group_by("indicator", "level")
        .agg(
            pl.min_horizontal(pl.col("spark").min(), pl.lit(0.0)).alias("_lo"),
            pl.col("spark").max().alias("_hi"),
        )
    )
    out = (
        spark.with_row_index("_i")
        .join(levels, on="unit_code", how="left")
        .join(scales, on=["indicator", "level"], how="left")
        .with_columns(
            pl.when(pl.col("_hi") > pl.col("_lo"))
            .then(pl.col("_hi") - pl.col("_lo"))
            .otherwise(1.0)
            .alias("_span")
        )
    )
    scaled = (
        out.select("_i", "spark", "_lo", "_span")
        .explode("spark")
        .with_columns(((pl.col("spark") - pl.col("_lo")) / pl.col("_span")).alias("spark_scaled"))
        .group_by("_i", maintain_order=True)
        .agg(pl.col("spark_scaled"))
    )
    return out.join(scaled, on="_i", how="left").sort("_i").drop("_i", "_lo", "_hi", "_span", "level")


_VI_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_VI_TONES = {"": 0, "\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}
_VI_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn make letters (ă â ê ô ơ ư)


def _syllable_key(word: str) -> tuple:
    """One word's place: a number by its value before any letter, then letters, then tones (dictionary)."""
    import unicodedata

    if word.isdigit():
        return (0, (int(word),), ())
    letters: list[int] = []
    tones: list[int] = []
    for ch in word:
        parts = unicodedata.normalize("NFD", ch)
        letter = unicodedata.normalize(
            "NFC", "".join(c for c in parts if not unicodedata.combining(c) or c in _VI_LETTER_MARKS)
        )
        pos = _VI_LETTERS.find(letter) if len(letter) == 1 else -1
        # letters outside the Vietnamese alphabet (f, j, w, z in minority-language names) and signs after
        letters.append(pos if pos >= 0 else 100 + ord(letter[:1] or " "))
        tones.append(next((_VI_TONES[c] for c in parts if c in _VI_TONES), 0))
    return (1, tuple(letters), tuple(tones))


def commune_sort_key(name: str, unit_type: str | None = None) -> tuple:
    """Vietnamese dictionary order of a commune's name without its type word ("Xã", "Phường", "Đặc khu").

    Word by word, as a Vietnamese dictionary reads: a shorter word that begins a longer one comes first
    ("An Phú" before "Anh Sơn"), letters in the Vietnamese alphabet order (a ă â b c d đ e ê … o ô ơ …
    u ư …), then tone marks (none, huyền, sắc, hỏi, ngã, nặng) before the next word; numbers by their value
    ("Phường 2" before "Phường 10"). The type breaks a tie, so "Phường An Phú" and "Xã An Phú" sit together.
    """
    import re
    import unicodedata

    words = re.split(r"[\s\-]+", unicodedata.normalize("NFC", name).casefold().strip())
    return (tuple(_syllable_key(w) for w in words if w), unit_type or "")


def commune_choices(communes: pl.DataFrame, lang: str, query: str = "") -> list[tuple[str, str]]:
    """(code, label) of the communes matching `query`, in Vietnamese name order, the type word aside.

    The label reads "An Phú (phường · 90012)"; `query` matches the name or the code, with or without
    diacritics ("tan hoa" finds "Tân Hòa", "Tân Hoà" too).
    """
    from ioc.textnorm import ascii_fold, canonical_key

    def folded(text: str) -> str:
        return ascii_fold(canonical_key(text))

    wanted = folded(query) if query.strip() else ""
    rows = []
    for code, name, unit_type, display, name_en in communes.select(
        "code", "name", "type", "display_name", "name_en"
    ).iter_rows():
        shown = name if lang == "vi" else (name_en or name)
        if wanted and wanted not in folded(display) and not code.startswith(query.strip()):
            continue
        label = (
            f"{shown} ({unit_type} · {code})"
            if lang == "vi"
            else f"{shown} ({_TYPE_EN.get(unit_type, unit_type)} · {code})"
        )
        rows.append((commune_sort_key(name, unit_type), code, label))
    rows.sort()
    return [(code, label) for _k, code, label in rows]


_TYPE_EN = {"xã": "commune", "phường": "ward", "đặc khu": "special zone"}


# Colour-blind-safe sequential bands for the composite map (viridis, light → dark = low → high).
COMPOSITE_BANDS = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")


def composite_bands(values: pl.Series, n: int = len(COMPOSITE_BANDS)) -> list[tuple[float, float]]:
    """Quantile bands of the composite score (0–1): up to `n` (low, high) ranges that split units evenly.

    Equal cut points are merged, so five units all at 40 % give one band, never an empty one.
    """
    vals = values.drop_nulls().sort()
    if vals.is_empty():
        return []
    cuts = sorted({float(vals.quantile(i / n, "nearest")) for i in range(n + 1)})
    if len(cuts) == 1:
        return [(cuts[0], cuts[0])]
    return list(itertools.pairwise(cuts))


def band_of(value: float | None, bands: list[tuple[float, float]]) -> int | None:
    """Index of the band holding `value` (a band includes its upper bound; the first also its lower)."""
    if value is None:
        return None
    for i, (_lo, hi) in enumerate(bands):
        if value <= hi + 1e-12:
            return i
    return len(bands) - 1


def band_colours(bands: list[tuple[float, float]]) -> list[str]:
    """Colours for `bands`, spread over the sequential scale (two bands: its two ends)."""
    k = len(bands)
    if k <= 1:
        return [COMPOSITE_BANDS[2]] * k
    last = len(COMPOSITE_BANDS) - 1
    return [COMPOSITE_BANDS[round(i * last / (k - 1))] for i in range(k)]


def band_label(band: tuple[float, float], lang: str, *, first: bool = True) -> str:
    """A composite band's range in whole percentages and the language's digits, each edge said once.

    A band holds its upper bound (`band_of`), so only the lowest (`first`) holds its lower one too: "30–39%",
    then ">39–46%" — a unit at exactly 39% is in the first, never read as either. Bounds that would round to
    the same whole number get one decimal (">39,1–39,4%" in Vietnamese, ">39.1–39.4%" in English).
    """
    from ioc.i18n import format_number

    lo, hi = (x * 100 for x in band)
    decimals = 0 if round(lo) != round(hi) or lo == hi else 1
    lo_text, hi_text = (format_number(x, lang, decimals) for x in (lo, hi))
    if lo == hi:
        return f"{hi_text}%"
    return f"{lo_text}–{hi_text}%" if first else f">{lo_text}–{hi_text}%"


def composite_map_legend(bands: list[tuple[float, float]], lang: str) -> list[tuple[str, str]]:
    """(label, colour) per band for the map legend; plus the no-data swatch."""
    labels = (band_label(b, lang, first=i == 0) for i, b in enumerate(bands))
    out = list(zip(labels, band_colours(bands), strict=True))
    return [*out, (STATUS["no_data"].label(lang), STATUS["no_data"].colour)]


def with_composite_bands(rows: pl.DataFrame, bands: list[tuple[float, float]]) -> pl.DataFrame:
    """Add `fill` (hex) to composite map rows: the quantile band's colour, no-data grey without a score."""
    colours = band_colours(bands)
    fills = [
        STATUS["no_data"].colour if (i := band_of(v, bands)) is None else colours[i]
        for v in rows["composite"].to_list()
    ]
    return rows.with_columns(pl.Series("fill", fills, dtype=pl.String))


def format_local_time(moment: dt.datetime | None, lang: str, timezone: str) -> str:
    """A stored moment shown in the province's time zone: vi "14:05 21/11/2026", en "21/11/2026, 2:05 PM".

    A naive moment is taken as UTC (the ledger stores UTC).
    """
    if moment is None:
        return "—"
    from zoneinfo import ZoneInfo

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(ZoneInfo(timezone))
    if lang == "vi":
        return local.strftime("%H:%M %d/%m/%Y")
    return local.strftime("%d/%m/%Y, ") + local.strftime("%I:%M %p").lstrip("0")


def deadline_text(deadlines: ReportDeadlines | int, lang: str) -> str:
    """The report deadline in words, exactly: "hạn: hết ngày 10 tháng sau" (per frequency when they differ)."""
    if isinstance(deadlines, int):
        deadlines = ReportDeadlines(monthly=deadlines, quarterly=deadlines, yearly=deadlines)
    days = {f: deadlines.day(f) for f in Frequency}
    if len(set(days.values())) == 1:
        return t("reporting.deadline", lang, day=days[Frequency.MONTHLY])
    parts = [t(f"reporting.deadline_{f.value}", lang, day=d) for f, d in days.items()]
    return t("reporting.deadline_prefix", lang) + "; ".join(parts)
