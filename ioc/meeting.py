"""The monthly meeting's model: what changed since the previous period and the same period last year, what
is at risk and how far behind, the open action items beside their indicator's movement, the data-quality
scorecard and the lock — one `MeetingView` for the page, the Excel pack and the command line.

Decisions taken here:
- "turned red": red now and not red in the compared period (any other status, a row that had no data
  included); "turned green": green now and amber, red, stale or without data then;
- movers compare values judged in both periods (green, amber or red); a change is measured in percentage
  points for percentages and in % of the earlier value otherwise, oriented so that "up" is better;
- at risk: amber or red now, or green with a deadline still ahead whose observed pace (since the baseline,
  the SDG method) is below the pace now needed; "how far behind" is the shortfall projected at the deadline
  at the observed pace (or, when there is no pace, the gap to the expected value or to the target),
  in percentage points for percentages and in % of the target otherwise; sorted by it, largest first;
- an open action item's movement is its indicator's (or unit's) value and status for the period it was
  recorded for against the period of the meeting.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl
from sqlalchemy import Engine

from ioc import data_quality, decisions, meeting_locks
from ioc.config import Config
from ioc.i18n import format_pace, format_period, format_value
from ioc.labels import STATUS, STATUS_ORDER, t
from ioc.meeting_locks import Lock
from ioc.periods import frequency_of, judged_month, shift
from ioc.targets import Frequency
from ioc.views import completeness, decorate, headline, status_legend

ScoresOf = Callable[[str], pl.DataFrame]
JUDGED = ("green", "amber", "red")
MOVERS = 5
_PER_YEAR = {Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4, Frequency.YEARLY: 1}


def last_year(as_of: str) -> str:
    """The same period a year earlier (10/2026 → 10/2025, Q4/2026 → Q4/2025, 2026 → 2025)."""
    return shift(as_of, -_PER_YEAR[frequency_of(as_of)])


def _improvement(value: pl.Expr, before: pl.Expr) -> pl.Expr:
    """A change oriented so that positive is better: pp for percentages, % of the earlier value otherwise."""
    delta = (value - before) * pl.when(pl.col("direction") == "lower").then(-1.0).otherwise(1.0)
    return (
        pl.when(pl.col("measure") == "percent")
        .then(delta)
        .otherwise(100 * delta / before.abs().clip(lower_bound=1e-9))
    )


def _change_text(delta: float | None, measure: str, decimals: int, lang: str) -> str:
    if delta is None:
        return "—"
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    if measure == "percent":
        return (
            sign + format_value(abs(delta), "ratio", lang, decimals) + (" điểm %" if lang == "vi" else " pp")
        )
    return sign + format_value(abs(delta), measure, lang, decimals)


CHANGE_KINDS = ("turned_red", "turned_green", "up", "down")


def changes(
    now: pl.DataFrame, before: pl.DataFrame, config: Config, lang: str, before_period: str
) -> pl.DataFrame:
    """Rows that turned red, turned green, and the biggest movers up and down, each with its reason.

    `now` and `before` are decorated scores (`views.decorate`); `kind` is one of CHANGE_KINDS; `headline`
    marks the indicator's own row (province, or the owner department). Movers: the `MOVERS` largest each way
    among headline rows, and the same among units.
    """
    empty = now.head(0).with_columns(
        pl.lit(None, pl.String).alias("kind"),
        pl.lit(None, pl.Boolean).alias("headline"),
        pl.lit(None, pl.String).alias("before_status"),
        pl.lit(None, pl.Float64).alias("before_value"),
        pl.lit(None, pl.String).alias("before_text"),
        pl.lit(None, pl.String).alias("change_text"),
        pl.lit(None, pl.Float64).alias("improvement"),
    )
    if now.is_empty() or before.is_empty():
        return empty
    heads = headline(now, config).select("indicator", "unit_code", pl.lit(True).alias("headline"))
    prev = before.select(
        "indicator",
        "unit_code",
        pl.col("status").alias("before_status"),
        pl.col("value").alias("before_value"),
        pl.col("value_text").alias("before_value_text"),
        pl.col("status_text").alias("before_status_text"),
    )
    both = (
        now.join(prev, on=["indicator", "unit_code"], how="inner")
        .join(heads, on=["indicator", "unit_code"], how="left")
        .with_columns(pl.col("headline").fill_null(False))
        .with_columns(
            pl.when(pl.col("status").is_in(JUDGED) & pl.col("before_status").is_in(JUDGED))
            .then(_improvement(pl.col("value"), pl.col("before_value")))
            .alias("improvement")
        )
    )
    red = both.filter((pl.col("status") == "red") & (pl.col("before_status") != "red")).with_columns(
        pl.lit("turned_red").alias("kind")
    )
    green = both.filter(
        (pl.col("status") == "green") & pl.col("before_status").is_in(["amber", "red", "stale", "no_data"])
    ).with_columns(pl.lit("turned_green").alias("kind"))
    moved = both.filter(pl.col("improvement").is_not_null() & (pl.col("improvement") != 0))
    movers = []
    for is_head in (True, False):
        part = moved.filter(pl.col("headline") == is_head)
        movers.append(
            part.filter(pl.col("improvement") > 0).sort("improvement", descending=True).head(MOVERS)
        )
        movers.append(part.filter(pl.col("improvement") < 0).sort("improvement").head(MOVERS))
    up_down = pl.concat(movers).with_columns(
        pl.when(pl.col("improvement") > 0).then(pl.lit("up")).otherwise(pl.lit("down")).alias("kind")
    )
    out = pl.concat([red, green, up_down], how="diagonal_relaxed")
    if out.is_empty():
        return empty
    when = format_period(before_period, lang)
    texts = [
        _change_text(None if b is None or v is None else v - b, m, d, lang)
        for v, b, m, d in out.select("value", "before_value", "measure", "decimals").iter_rows()
    ]
    return (
        out.with_columns(
            pl.Series("change_text", texts, dtype=pl.String),
            pl.format(
                "{}: {} · {}", pl.lit(when), pl.col("before_status_text"), pl.col("before_value_text")
            ).alias("before_text"),
            pl.col("kind").replace_strict({k: i for i, k in enumerate(CHANGE_KINDS)}).alias("_k"),
        )
        .sort(
            "_k",
            pl.col("headline").not_(),
            pl.col("improvement").abs().fill_null(0),
            descending=[False, False, True],
        )
        .drop("_k", "before_value_text", "before_status_text")
    )


def _observed_text(x: float | None, measure: str, decimals: int, lang: str) -> str:
    """The observed pace as a bare signed number ("+0,8"), in the unit of the needed pace beside it."""
    if x is None:
        return "—"
    return re.split(r"[ /]", format_pace(x, measure, lang, decimals))[0]


def at_risk(scores: pl.DataFrame, config: Config, lang: str) -> pl.DataFrame:
    """Indicators and units at risk, largest shortfall first (see the module docstring for the rule).

    `scores` are decorated; adds `observed_pace`, `behind` (pp or % of target: the sort key), `shortfall` (the
    same in the indicator's own unit, pp for percentages: the number the pack writes), `behind_text`, `pace_vs`
    ("cần +2,1 điểm %/tháng, đang +0,8"), `months_text`, `owner_name`, `headline`.
    """
    if scores.is_empty():
        return scores.with_columns(
            *(pl.lit(None, pl.Float64).alias(c) for c in ("observed_pace", "behind", "shortfall")),
            *(
                pl.lit(None, pl.String).alias(c)
                for c in ("behind_text", "pace_vs", "months_text", "owner_name")
            ),
            pl.lit(None, pl.Boolean).alias("headline"),
        )
    sign = pl.when(pl.col("direction") == "lower").then(-1.0).otherwise(1.0)
    met = ((pl.col("value") - pl.col("target")) * sign) >= 0
    ahead = pl.col("months_left").fill_null(0) > 0
    observed = pl.col("r_obs") * sign  # in the indicator's own direction, per month
    slow = ahead & pl.col("pace_needed").is_not_null() & pl.col("r_obs").is_not_null()
    slow = slow & (pl.col("r_obs") < pl.col("pace_needed") * sign) & met.not_()
    at = pl.col("status").is_in(["amber", "red"]) | ((pl.col("status") == "green") & slow.fill_null(False))
    projected = pl.col("value") + observed * pl.col("months_left")
    short_deadline = (
        pl.col("target") - pl.when(slow.fill_null(False)).then(projected).otherwise(pl.col("value"))
    ) * sign
    raw = pl.max_horizontal(short_deadline, pl.col("gap").fill_null(0.0), pl.lit(0.0))
    # a target of 0 (no villages without signal) is measured against the value itself, never divided by 0
    base = pl.max_horizontal(pl.col("target").abs(), pl.col("value").abs(), pl.lit(1.0))
    scale = pl.when(pl.col("measure") == "percent").then(1.0).otherwise(100.0 / base)
    owners = {i.id: i.owner for i in config.targets.indicators}
    dept_names = dict(
        zip(
            config.registry.departments["id"].to_list(),
            config.registry.departments["name_vi" if lang == "vi" else "name_en"].to_list(),
            strict=True,
        )
    )
    heads = headline(scores, config).select("indicator", "unit_code", pl.lit(True).alias("headline"))
    rows = (
        scores.filter(at & pl.col("value").is_not_null())
        .with_columns(observed.alias("observed_pace"), raw.alias("shortfall"))
        .with_columns((pl.col("shortfall") * scale).alias("behind"))
        .join(heads, on=["indicator", "unit_code"], how="left")
        .with_columns(pl.col("headline").fill_null(False))
        .sort("behind", "status_rank", descending=[True, False])
    )
    pace_vs, behind_text, months_text = [], [], []
    for r in rows.iter_rows(named=True):
        m, d = r["measure"], r["decimals"]
        if r["pace_needed"] is not None and r["months_left"]:
            pace_vs.append(
                t(
                    "meeting.pace_vs",
                    lang,
                    needed=format_pace(r["pace_needed"], m, lang, d),
                    observed=_observed_text(r["observed_pace"], m, d, lang),
                )
            )
        else:
            pace_vs.append("—")
        raw_text = format_value(r["shortfall"], "ratio" if m == "percent" else m, lang, d)
        behind_text.append(raw_text + (" điểm %" if lang == "vi" else " pp") if m == "percent" else raw_text)
        months = r["months_left"]
        months_text.append(
            "—"
            if months is None
            else format_value(months, "ratio", lang, 0 if months >= 1.5 or not months else 1)
        )
    return rows.with_columns(
        pl.Series("pace_vs", pace_vs, dtype=pl.String),
        pl.Series("behind_text", behind_text, dtype=pl.String),
        pl.Series("months_text", months_text, dtype=pl.String),
        pl.col("indicator")
        .replace_strict(owners, default=None)
        .replace_strict(dept_names, default=None)
        .alias("owner_name"),
    )


def _pick(
    frame: pl.DataFrame, indicator: str, unit: str | None, config: Config, heads: pl.DataFrame | None = None
) -> dict | None:
    """The row of `unit` for `indicator` (or the indicator's headline row when no unit is named)."""
    if frame.is_empty():
        return None
    if unit:
        hit = frame.filter((pl.col("indicator") == indicator) & (pl.col("unit_code") == unit))
    else:
        hit = (heads if heads is not None else headline(frame, config)).filter(
            pl.col("indicator") == indicator
        )
    return hit.row(0, named=True) if hit.height else None


def _state_text(row: dict | None, period: str, lang: str) -> str:
    """ "10/2026: 84,6% · ✔ Đạt kế hoạch" """
    if row is None:
        return f"{format_period(period, lang)}: —"
    return f"{format_period(period, lang)}: {row['value_text']} · {row['status_text']}"


def action_movement(
    actions: pl.DataFrame, scores_of: ScoresOf, now: pl.DataFrame, config: Config, lang: str, as_of: str
) -> pl.DataFrame:
    """Open action items with their indicator's (or unit's) value and status then and now.

    `now` is the meeting period's decorated scores; each item's own period is scored through `scores_of`.
    """
    base = actions.with_columns(
        *(
            pl.lit(None, pl.String).alias(c)
            for c in ("name", "unit_name", "then_text", "now_text", "movement_text")
        ),
        pl.lit(None, pl.String).alias("now_status"),
        pl.lit(None, pl.String).alias("owner_name"),
    )
    if actions.is_empty():
        return base
    heads_now = headline(now, config) if not now.is_empty() else now
    names = {i.id: i.name.get(lang) for i in config.targets.indicators}
    units = config.registry.units_frame()
    unit_name = dict(zip(units["unit_code"], units["name_vi" if lang == "vi" else "name_en"], strict=True))
    measures = {i.id: (i.unit.value, i.decimals) for i in config.targets.indicators}
    cache: dict[str, pl.DataFrame] = {as_of: now}
    out = []
    for r in actions.iter_rows(named=True):
        ind, unit = r["indicator"], r["unit_code"]
        if r["period"] not in cache:
            cache[r["period"]] = decorate(scores_of(r["period"]), config, lang)
        then = cache[r["period"]]

        a, b = _pick(then, ind, unit, config), _pick(now, ind, unit, config, heads_now)
        m, d = measures.get(ind, ("ratio", 1))

        if r["period"] == as_of:
            movement = t("meeting.recorded_now", lang)
        elif a is None or b is None or a["value"] is None or b["value"] is None:
            movement = "—"
        else:
            movement = _change_text(b["value"] - a["value"], m, d, lang)
        out.append(
            {
                **r,
                "name": names.get(ind, ind),
                "unit_name": unit_name.get(unit) if unit else None,
                "then_text": _state_text(a, r["period"], lang),
                "now_text": _state_text(b, as_of, lang),
                "movement_text": movement,
                "now_status": None if b is None else b["status"],
                "owner_name": unit_name.get(r["owner"], r["owner"]),
            }
        )
    return pl.DataFrame(out, schema=base.schema)


@dataclass(frozen=True)
class MeetingView:
    """Everything a monthly meeting shows, for one period and language."""

    period: str
    lang: str
    judged: str
    previous: str
    last_year: str
    data_as_of: str | None
    generated_at: dt.datetime
    lock: Lock | None
    rows: pl.DataFrame  # every indicator × unit, decorated, with provenance (department, submission, date)
    head: pl.DataFrame  # one row per indicator
    counts_by_pillar: pl.DataFrame  # pillar_name, one column per status
    completeness: float | None
    vs_previous: pl.DataFrame
    vs_last_year: pl.DataFrame
    at_risk: pl.DataFrame
    actions: pl.DataFrame  # open action items with movement
    notes: pl.DataFrame  # notes and actions recorded for this period (current versions)
    quality: pl.DataFrame
    legend: list[tuple[str, str, str]] = field(default_factory=list)


def department_names(config: Config, lang: str) -> dict[str, str]:
    """Department id → its name in `lang` ("vp_ubnd" → "Văn phòng UBND tỉnh")."""
    departments = config.registry.departments
    return dict(
        zip(
            departments["id"].to_list(),
            departments["name_vi" if lang == "vi" else "name_en"].to_list(),
            strict=True,
        )
    )


def _with_source(rows: pl.DataFrame, submissions: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    """Add the source of each value: the department that sent it (by name, from `names`; an id the registry
    does not know stays as it is), the submission number and its date."""
    if rows.is_empty():
        return rows.with_columns(
            pl.lit(None, pl.String).alias("source_department"),
            pl.lit(None, pl.Datetime("us")).alias("source_at"),
        )
    subs = submissions.select(
        pl.col("id").alias("submission_id"),
        pl.col("department").replace(names).alias("source_department"),
        pl.col("submitted_at").alias("source_at"),
    )
    return rows.join(subs, on="submission_id", how="left", maintain_order="left")


def pillar_counts(head: pl.DataFrame, config: Config, lang: str) -> pl.DataFrame:
    """Headline indicators counted by status per pillar, in the configuration's pillar order."""
    rows = []
    for p in config.targets.pillars:
        part = head.filter(pl.col("pillar") == p.id) if not head.is_empty() else head
        counts = {s: int((part["status"] == s).sum()) if not part.is_empty() else 0 for s in STATUS_ORDER}
        rows.append(
            {"pillar": p.id, "pillar_name": p.name.get(lang), **counts, "total": sum(counts.values())}
        )
    return pl.DataFrame(rows)


def build_view(
    engine: Engine,
    config: Config,
    as_of: str,
    lang: str,
    *,
    scores_of: ScoresOf,
    submissions: pl.DataFrame,
    today: dt.date,
    data_as_of: str | None = None,
    timezone: str = "Asia/Ho_Chi_Minh",
) -> MeetingView:
    """The meeting of `as_of` in `lang`: one call for the page, the Excel pack and the command line.

    `scores_of(period)` scores a period judged as of `today` (the page passes its cached scores);
    `submissions` is `ledger.submissions(engine)` (for each value's source).
    """
    deadline_day = config.targets.reporting.deadline_day
    previous, year_ago = shift(as_of, -1), last_year(as_of)
    raw_now = scores_of(as_of)
    now = decorate(raw_now, config, lang)
    before = decorate(scores_of(previous), config, lang)
    year = decorate(scores_of(year_ago), config, lang)
    rows = _with_source(now, submissions, department_names(config, lang))
    head = headline(rows, config) if not rows.is_empty() else rows
    comp = completeness(raw_now, config) if not raw_now.is_empty() else None
    total = 0 if comp is None else comp["expected"].sum()
    share = float(comp["reported"].sum() / total) if total else None

    current = decisions.current(engine)
    open_items = decisions.open_actions(engine, before=as_of)
    notes = current.filter(pl.col("period") == as_of) if not current.is_empty() else current
    owed = data_quality.owed_periods(raw_now, config)
    subs = data_quality.period_submissions(engine, [as_of, *owed["period"].to_list()])
    card = data_quality.scorecard(
        subs, raw_now, config, lang, today=today, timezone=timezone, deadline_day=deadline_day
    )
    quality = data_quality.quality_texts(card, lang)
    return MeetingView(
        period=as_of,
        lang=lang,
        judged=judged_month(as_of, today, deadline_day),
        previous=previous,
        last_year=year_ago,
        data_as_of=data_as_of,
        generated_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        lock=meeting_locks.lock_of(engine, as_of),
        rows=rows,
        head=head,
        counts_by_pillar=pillar_counts(head, config, lang),
        completeness=share,
        vs_previous=changes(now, before, config, lang, previous),
        vs_last_year=changes(now, year, config, lang, year_ago),
        at_risk=at_risk(rows, config, lang),
        actions=action_movement(open_items, scores_of, now, config, lang, as_of),
        notes=notes,
        quality=quality,
        legend=status_legend(lang),
    )


def status_word(status: str | None, lang: str) -> str:
    """Icon and word of a status ("✖ Chậm kế hoạch")."""
    return STATUS[status or "no_data"].label(lang)
