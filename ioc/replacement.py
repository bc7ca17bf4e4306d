"""What a report-system export file replaces before it is confirmed: the earlier files, months and totals.

A new file of an export replaces, for each month it covers, the latest accepted file of the same export
and department as a whole (`ioc.ledger.current_observations`). Before confirmation the check says which
submission, file and months that is, and how the numbers change: rows of the file, values stored, and
per indicator and month the province value (reported, or rolled up from the communes) old → new. A
file with markedly fewer rows or values than the one it replaces gets a warning: a partial export
(one filter forgotten, a download cut short) must not quietly take the place of a complete one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
from sqlalchemy import Engine

from ioc import ledger
from ioc.config import Config
from ioc.i18n import format_period
from ioc.issues import Issue
from ioc.messages import Words, text, warning, words
from ioc.rollup import rollup

SHRINK_RATIO = 0.8  # fewer than 80 % of the replaced rows (or values) → a warning

TOTALS_SCHEMA: dict[str, pl.DataType] = {
    "indicator": pl.String(),
    "period": pl.String(),
    "old_value": pl.Float64(),
    "new_value": pl.Float64(),
    "old_values": pl.Int64(),  # observations of the indicator in that month, before and after
    "new_values": pl.Int64(),
}


@dataclass
class ReplacedFile:
    """One earlier accepted submission the new file takes the place of, for `months`."""

    submission_id: int
    file_name: str
    months: list[str]
    whole: bool  # every month of the earlier file is covered: it will be marked superseded
    rows_read: int
    n_observations: int  # its values in `months`


@dataclass
class Replacement:
    """What confirming the file replaces, and by how much the totals change."""

    files: list[ReplacedFile]
    months: list[str]
    old_rows: int | None  # rows of the replaced files, when each is replaced whole (else not comparable)
    new_rows: int
    old_observations: int  # values stored for the replaced months, before and after
    new_observations: int
    totals: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=TOTALS_SCHEMA))

    def describe(self, lang: str = "en") -> str:
        """One sentence per replaced file, then the change of the counts."""
        vi = lang == "vi"
        out = []
        for f in self.files:
            months = ", ".join(f.months)
            if vi:
                out.append(f"Thay thế lần nộp số {f.submission_id} ({f.file_name}) cho các tháng {months}.")
            else:
                out.append(f"Replaces submission #{f.submission_id} ({f.file_name}) for {months}.")
        if self.old_rows is not None:
            out.append(
                f"Số dòng: {self.old_rows} → {self.new_rows}."
                if vi
                else f"Rows: {self.old_rows} → {self.new_rows}."
            )
        out.append(
            f"Số giá trị: {self.old_observations} → {self.new_observations}."
            if vi
            else f"Values: {self.old_observations} → {self.new_observations}."
        )
        return " ".join(out)


def plan_replacement(
    engine: Engine,
    config: Config,
    observations: pl.DataFrame,
    *,
    export_id: str | None,
    department: str | None,
    rows_read: int,
    file: str,
) -> tuple[Replacement | None, list[Issue]]:
    """What accepting these observations of `export_id` would replace (None: nothing), and its warnings."""
    if export_id is None or observations.is_empty():
        return None, []
    months = sorted(observations.get_column("period").drop_nulls().unique().to_list())
    with engine.connect() as conn:
        stored = ledger.export_months(conn, export_id, department)
    # per month, the file that counts today: the latest accepted one covering it
    owners = (
        stored.filter(pl.col("period").is_in(months))
        .filter(pl.col("submission_id") == pl.col("submission_id").max().over("period"))
        .sort("submission_id", "period")
    )
    if owners.is_empty():
        return None, []
    old_obs = []
    files = []
    for (sid,), part in owners.group_by("submission_id", maintain_order=True):
        its = part.get_column("period").to_list()
        obs = ledger.submission_observations(engine, int(sid)).filter(pl.col("period").is_in(its))
        old_obs.append(obs)
        files.append(
            ReplacedFile(
                submission_id=int(sid),
                file_name=str(part.get_column("file_name")[0]),
                months=its,
                whole=set(str(part.get_column("periods")[0]).split(",")) <= set(months),
                rows_read=int(part.get_column("rows_read")[0] or 0),
                n_observations=obs.height,
            )
        )
    old = pl.concat(old_obs)
    new = observations.filter(pl.col("period").is_in(owners.get_column("period").unique().implode()))
    plan = Replacement(
        files=files,
        months=sorted(owners.get_column("period").unique().to_list()),
        old_rows=sum(f.rows_read for f in files) if all(f.whole for f in files) else None,
        new_rows=rows_read,
        old_observations=old.height,
        new_observations=new.height,
        totals=province_totals(old, new, config),
    )
    return plan, _shrink_warnings(plan, file)


def province_totals(old: pl.DataFrame, new: pl.DataFrame, config: Config) -> pl.DataFrame:
    """Per indicator and month: the province value (reported or rolled up) and the number of values,
    old → new."""
    province = config.registry.province_code

    def summary(obs: pl.DataFrame, side: str) -> pl.DataFrame:
        counts = obs.group_by("indicator", "period").agg(pl.len().cast(pl.Int64).alias(f"{side}_values"))
        values = (
            rollup(obs, config)
            .filter(pl.col("unit_code") == province)
            .select("indicator", "period", pl.col("value").alias(f"{side}_value"))
        )
        return counts.join(values, on=["indicator", "period"], how="left")

    both = summary(old, "old").join(
        summary(new, "new"), on=["indicator", "period"], how="full", coalesce=True
    )
    return (
        both.with_columns(pl.col("old_values", "new_values").fill_null(0))
        .select(pl.col(c).cast(t) for c, t in TOTALS_SCHEMA.items())
        .sort("indicator", "period")
    )


def _shrink_warnings(plan: Replacement, file: str) -> list[Issue]:
    out = []
    checks = [
        ("rows", plan.old_rows, plan.new_rows),
        ("values", plan.old_observations, plan.new_observations),
    ]
    for what, old, new in checks:
        if old is None or old == 0 or new >= SHRINK_RATIO * old:
            continue
        share = round(100 * new / old)
        ids = Words(
            *(
                ", ".join(
                    text("phrase.submission-number", lang, submission=str(f.submission_id), file=f.file_name)
                    for f in plan.files
                )
                for lang in ("vi", "en")
            )
        )
        out.append(
            warning(
                "replacement-shrinks",
                new=new,
                old=old,
                share=share,
                what=words(f"phrase.{what}"),
                months=Words(
                    *(", ".join(format_period(m, lang) for m in plan.months) for lang in ("vi", "en"))
                ),
                ids=ids,
                file=file,
                field=what,
                value=str(new),
                expected=f"about {old}",
                extra={"old": old, "new": new},
            )
        )
    return out
