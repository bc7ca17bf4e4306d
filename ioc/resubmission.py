"""What a department's resubmission replaces, value by value, before it is confirmed (no Streamlit).

A workbook's values win per (indicator, unit, period) over what the department sent before
(`ledger.mark_superseded`); a value the new file does not carry stays as it was. The diff says so:
added, changed (old → new), and "not in the new file" (kept) — never a removal the ledger will not do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, select

from ioc import ledger
from ioc.store import submissions as subs_t

KEYS = ["indicator", "unit_code", "period"]
# how two values are told apart: a resubmitted 84.05 that was stored as 84.0500000001 has not changed
_TOLERANCE = 1e-9
DIFF_SCHEMA: dict[str, pl.DataType] = {
    "indicator": pl.String(),
    "unit_code": pl.String(),
    "period": pl.String(),
    "change": pl.String(),  # "added" | "changed" | "kept"
    "old": pl.Float64(),
    "new": pl.Float64(),
}


@dataclass(frozen=True)
class Resubmission:
    """The department's current submission this file replaces, and what changes."""

    previous_id: int
    previous_at: dt.datetime  # UTC, naive
    previous_by: str
    diff: pl.DataFrame  # DIFF_SCHEMA, changes only (unchanged values are left out), in key order

    def counts(self) -> dict[str, int]:
        """How many values are added, changed and kept from before."""
        got = dict(self.diff.group_by("change").len().iter_rows())
        return {k: int(got.get(k, 0)) for k in ("added", "changed", "kept")}


def plan_resubmission(engine: Engine, obs: pl.DataFrame, department: str | None) -> Resubmission | None:
    """The department's accepted workbook values for the file's periods, compared with the file's values.

    None when the department has nothing current for those periods (a first submission).
    """
    if department is None or obs.is_empty():
        return None
    periods = sorted(p for p in obs["period"].unique().to_list() if p is not None)
    with engine.connect() as conn:
        own = conn.execute(
            select(subs_t.c.id, subs_t.c.submitted_at, subs_t.c.submitted_by).where(
                subs_t.c.department == department,
                subs_t.c.export_id.is_(None),
                subs_t.c.status == "accepted",
            )
        ).all()
    if not own:
        return None
    info = {int(r.id): (r.submitted_at, r.submitted_by) for r in own}
    current = ledger.current_observations(engine, periods=periods).filter(
        pl.col("submission_id").is_in(list(info))
    )
    if current.is_empty():
        return None
    old = current.select(*KEYS, pl.col("value").alias("old"), "submission_id")
    new = obs.select(*KEYS, pl.col("value").alias("new"))
    both = old.join(new, on=KEYS, how="full", coalesce=True)
    diff = (
        both.with_columns(
            pl.when(pl.col("old").is_null())
            .then(pl.lit("added"))
            .when(pl.col("new").is_null())
            .then(pl.lit("kept"))
            .when((pl.col("old") - pl.col("new")).abs() > _TOLERANCE)
            .then(pl.lit("changed"))
            .otherwise(pl.lit("same"))
            .alias("change")
        )
        .filter(pl.col("change") != "same")
        .select(pl.col(c).cast(t) for c, t in DIFF_SCHEMA.items())
        .sort(KEYS)
    )
    previous = int(current["submission_id"].max())  # type: ignore[arg-type]
    at, by = info[previous]
    return Resubmission(previous_id=previous, previous_at=at, previous_by=by, diff=diff)
