"""The Ministry's four words for IOC data — "đúng, đủ, sạch, sống" — as a scorecard per department for a
period, computed from the ledger's submissions and the issues recorded with them.

Definitions (shown beside the scorecard, one click away):
- đủ (complete): of the indicator × unit values the department owes for the period, the share received
  (the same count as the overview's completeness);
- sống (live): whether each report the department owes for the view (the period each of its indicators is
  judged against) was first taken in by its deadline (`reporting.deadline_day`, local time), and the most
  days late — a report still missing after its deadline counts its days overdue until today;
- sạch (clean): of the department's files for the period, the share accepted without errors, and the
  warnings per 100 values in the files accepted;
- đúng (correct): of the values the department sent for the period, how many were later superseded (a
  corrected file) or withdrawn, and how many values were flagged as outliers or jumps when checked.
A department's files are those naming a period it owes; a report-system export (which names no department)
counts for the department owning the indicators computed from it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

import polars as pl
from sqlalchemy import Engine, or_, select

from ioc.config import Config
from ioc.periods import REPORT_DEADLINE_DAY, DeadlineDay, report_deadline
from ioc.store import submissions as subs_t

OUTLIER_CODES = ("value-outlier", "value-jump")
WORDS = ("du", "song", "sach", "dung")

QUALITY_SCHEMA: dict[str, pl.DataType] = {
    "department": pl.String(),
    "department_name": pl.String(),
    "due": pl.Int64(),  # values owed for the period
    "received": pl.Int64(),
    "complete_share": pl.Float64(),  # đủ, 0–1 (null when nothing is owed)
    "first_at": pl.Datetime("us"),  # the first file taken in (UTC, naive)
    "deadline": pl.Date(),
    "on_time": pl.Boolean(),  # sống (null: not yet due and nothing in)
    "days_late": pl.Int64(),
    "files": pl.Int64(),
    "files_clean": pl.Int64(),
    "clean_share": pl.Float64(),  # sạch, 0–1
    "warnings_per_100": pl.Float64(),
    "values_sent": pl.Int64(),
    "values_replaced": pl.Int64(),  # đúng: superseded or withdrawn later
    "replaced_share": pl.Float64(),
    "outliers": pl.Int64(),
    "missing": pl.Boolean(),  # a report owed for the view has not been taken in
}


def export_owners(config: Config) -> dict[str, str]:
    """export id → the department owning the indicators computed from it (a report-system export carries no
    department of its own: its timeliness and cleanliness count for the department that answers for it)."""
    from ioc.targets import ExportSource

    out: dict[str, str] = {}
    for ind in config.targets.indicators:
        if isinstance(ind.source, ExportSource):
            out.setdefault(ind.source.export, ind.owner)
    return out


_SUBS_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "department": pl.String(),
    "export_id": pl.String(),
    "periods": pl.String(),
    "submitted_at": pl.Datetime("us"),
    "status": pl.String(),
    "n_observations": pl.Int64(),
    "n_errors": pl.Int64(),
    "n_warnings": pl.Int64(),
    "outliers": pl.Int64(),
}


def period_submissions(engine: Engine, periods: Iterable[str]) -> pl.DataFrame:
    """Submissions naming one of `periods`, with the values flagged as outliers or jumps counted."""
    wanted = sorted({p for p in periods if p})
    if not wanted:
        return pl.DataFrame(schema=_SUBS_SCHEMA)
    cols = [subs_t.c[c] for c in ("id", "department", "export_id", "periods", "submitted_at", "status")]
    cols += [subs_t.c.n_observations, subs_t.c.n_errors, subs_t.c.n_warnings, subs_t.c.issues_json]
    query = select(*cols).where(or_(*(subs_t.c.periods.contains(p) for p in wanted))).order_by(subs_t.c.id)
    rows = []
    with engine.connect() as conn:
        for r in conn.execute(query).mappings():
            try:
                issues = json.loads(r["issues_json"] or "[]")
            except ValueError:
                issues = []
            outliers = sum(1 for i in issues if i.get("code") in OUTLIER_CODES)
            rows.append({**{k: r[k] for k in r if k != "issues_json"}, "outliers": outliers})
    return pl.DataFrame(rows, schema=_SUBS_SCHEMA)


def owed_periods(scores: pl.DataFrame, config: Config) -> pl.DataFrame:
    """(department, period): the reports each owner department owes for the view — the period each of its
    indicators is judged against (`reference_period`: the month, or the quarter or year holding it)."""
    owners = pl.DataFrame(
        {
            "indicator": [i.id for i in config.targets.indicators],
            "department": [i.owner for i in config.targets.indicators],
        }
    )
    if scores.is_empty():
        return pl.DataFrame(schema={"department": pl.String, "period": pl.String})
    return (
        scores.join(owners, on="indicator")
        .select("department", pl.col("reference_period").alias("period"))
        .unique()
        .sort("department", "period")
    )


def scorecard(
    subs: pl.DataFrame,
    scores: pl.DataFrame,
    config: Config,
    lang: str,
    *,
    today: dt.date,
    timezone: str = "Asia/Ho_Chi_Minh",
    deadline_day: DeadlineDay = REPORT_DEADLINE_DAY,
) -> pl.DataFrame:
    """One row per department that owes values for the view (see the module docstring).

    `subs`: `period_submissions` of the owed periods; `scores`: the view's scores (undecorated is enough).
    """
    from ioc.views import completeness

    owed = completeness(scores, config).select(
        pl.col("owner").alias("department"),
        pl.col("expected").cast(pl.Int64).alias("due"),
        pl.col("reported").cast(pl.Int64).alias("received"),
    )
    pairs = owed_periods(scores, config).with_columns(
        pl.col("period")
        .map_elements(lambda p: report_deadline(p, deadline_day), return_dtype=pl.Date)
        .alias("deadline")
    )
    files = (
        subs.with_columns(
            pl.coalesce(
                "department", pl.col("export_id").replace_strict(export_owners(config), default=None)
            ).alias("department"),
            pl.col("periods").str.split(",").alias("period"),
        )
        .explode("period")
        .join(pairs, on=["department", "period"], how="inner")
    )
    taken = pl.col("status") != "rejected"
    local_day = pl.col("submitted_at").dt.replace_time_zone("UTC").dt.convert_time_zone(timezone).dt.date()
    per_report = (
        pairs.join(
            files.filter(taken)
            .group_by("department", "period")
            .agg(pl.col("submitted_at").min(), local_day.min().alias("first_day")),
            on=["department", "period"],
            how="left",
        )
        .with_columns(
            pl.when(pl.col("first_day").is_not_null())
            .then(pl.max_horizontal((pl.col("first_day") - pl.col("deadline")).dt.total_days(), pl.lit(0)))
            .when(pl.col("deadline") < pl.lit(today))
            .then((pl.lit(today) - pl.col("deadline")).dt.total_days())
            .alias("late"),
            (pl.col("first_day").is_not_null() | (pl.col("deadline") < pl.lit(today))).alias("judged"),
        )
        .group_by("department")
        .agg(
            pl.col("submitted_at").min().alias("first_at"),
            pl.col("deadline").min(),
            pl.col("late").max().cast(pl.Int64).alias("days_late"),
            pl.col("judged").any().alias("_judged"),
            pl.col("first_day").is_null().any().alias("_missing"),
        )
    )
    one = files.unique("id")  # a file naming two owed periods counts once
    per_file = one.group_by("department").agg(
        pl.len().cast(pl.Int64).alias("files"),
        taken.sum().cast(pl.Int64).alias("files_clean"),
        pl.col("n_warnings").filter(taken).sum().cast(pl.Int64).alias("_warn"),
        pl.col("n_observations").filter(taken).sum().cast(pl.Int64).alias("values_sent"),
        pl.col("n_observations")
        .filter(pl.col("status").is_in(["superseded", "withdrawn"]))
        .sum()
        .cast(pl.Int64)
        .alias("values_replaced"),
        pl.col("outliers").sum().cast(pl.Int64).alias("outliers"),
    )
    names = config.registry.departments.select(
        pl.col("id").alias("department"),
        pl.col("name_vi" if lang == "vi" else "name_en").alias("department_name"),
    )
    zero = ("files", "files_clean", "values_sent", "values_replaced", "outliers", "_warn")
    frame = (
        owed.join(per_report, on="department", how="left")
        .join(per_file, on="department", how="left")
        .with_columns(pl.col(c).fill_null(0) for c in zero)
        .with_columns(
            pl.when(pl.col("due") > 0).then(pl.col("received") / pl.col("due")).alias("complete_share"),
            pl.when(pl.col("_judged")).then(pl.col("days_late") == 0).alias("on_time"),
            pl.when(pl.col("_judged")).then(pl.col("days_late")).alias("days_late"),
            pl.when(pl.col("files") > 0).then(pl.col("files_clean") / pl.col("files")).alias("clean_share"),
            pl.when(pl.col("values_sent") > 0)
            .then(100 * pl.col("_warn") / pl.col("values_sent"))
            .alias("warnings_per_100"),
            pl.when(pl.col("values_sent") > 0)
            .then(pl.col("values_replaced") / pl.col("values_sent"))
            .alias("replaced_share"),
            pl.col("_missing").fill_null(True).alias("missing"),
        )
    )
    return (
        frame.join(names, on="department", how="left")
        .with_columns(pl.coalesce("department_name", "department").alias("department_name"))
        .select([pl.col(c).cast(t) for c, t in QUALITY_SCHEMA.items()])
        .sort(pl.col("complete_share").fill_null(2.0), "department_name")
    )


def quality_texts(card: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Add the four words as short texts a table shows: "12/12 (100%)", "đúng hạn" / "trễ 3 ngày", …"""
    from ioc.i18n import format_number, format_percent
    from ioc.labels import t

    def pct(x: float | None) -> str:
        return "—" if x is None else format_percent(100 * x, lang, 0)

    du, song, sach, dung = [], [], [], []
    for r in card.iter_rows(named=True):
        du.append(f"{r['received']}/{r['due']} ({pct(r['complete_share'])})" if r["due"] else "—")
        if r["on_time"] is None:
            song.append(t("dq.not_due", lang))
        elif r["missing"]:
            song.append(t("dq.missing_days", lang, n=r["days_late"]))
        elif r["on_time"]:
            song.append(t("dq.on_time", lang))
        else:
            song.append(t("dq.late_days", lang, n=r["days_late"]))
        warn = "—" if r["warnings_per_100"] is None else format_number(r["warnings_per_100"], lang, 1)
        sach.append(
            t("dq.clean", lang, ok=r["files_clean"], n=r["files"], share=pct(r["clean_share"]), warn=warn)
            if r["files"]
            else "—"
        )
        dung.append(
            t(
                "dq.correct",
                lang,
                replaced=r["values_replaced"],
                sent=r["values_sent"],
                outliers=r["outliers"],
            )
            if r["values_sent"]
            else "—"
        )
    return card.with_columns(
        pl.Series("du_text", du, dtype=pl.String),
        pl.Series("song_text", song, dtype=pl.String),
        pl.Series("sach_text", sach, dtype=pl.String),
        pl.Series("dung_text", dung, dtype=pl.String),
    )


def definitions(lang: str) -> list[tuple[str, str]]:
    """(word, definition) for each of the four words, in the order đủ, sống, sạch, đúng."""
    from ioc.labels import t

    return [(t(f"dq.{w}", lang), t(f"dq.{w}_def", lang)) for w in WORDS]
