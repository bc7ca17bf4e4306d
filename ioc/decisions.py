"""Notes and action items recorded in a meeting against an indicator (optionally a unit), append-only.

A note is a short remark on an indicator for a period; an action item is a decision — what, the department
that carries it out, a due date — that stays open until it is closed with a note. Nothing is ever updated
or deleted: an edit or a closing is a new version row with the same `decision_id` (`store.meeting_decisions`),
so the whole history says who wrote what and when. Core functions take the acting user (`actor`, an
`ioc.accounts.User`) and refuse anyone but an administrator (`meeting_locks.require_meeting_admin`); the
author recorded is the account's label ("Nguyễn Văn A (nva)").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.engine import Connection

from ioc.accounts import User
from ioc.issues import IssueError
from ioc.meeting_locks import require_meeting_admin
from ioc.messages import issue
from ioc.periods import is_period
from ioc.store import meeting_decisions as dec_t
from ioc.store import utcnow, write_transaction

KINDS = ("note", "action")
MAX_TEXT = 2000

DECISION_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "decision_id": pl.Int64(),
    "version": pl.Int64(),
    "kind": pl.String(),
    "period": pl.String(),
    "indicator": pl.String(),
    "unit_code": pl.String(),
    "text": pl.String(),
    "owner": pl.String(),
    "due": pl.Date(),
    "state": pl.String(),
    "closing_note": pl.String(),
    "author": pl.String(),
    "recorded_at": pl.Datetime("us"),
}


@dataclass(frozen=True)
class Decision:
    """One version of a note or action item."""

    decision_id: int
    version: int
    kind: str
    period: str
    indicator: str
    unit_code: str | None
    text: str
    owner: str | None
    due: dt.date | None
    state: str
    closing_note: str | None
    author: str
    recorded_at: dt.datetime


def _problem(code: str, value: object = None, **fields: object) -> IssueError:
    """The catalog's issue `code` (texts in `ioc.messages`) raised as an IssueError."""
    return IssueError([issue(code, value=None if value is None else str(value), **fields)])


def _clean_text(text: str, field: str) -> str:
    value = (text or "").strip()
    if not value:
        raise _problem(f"{field}-required")
    if len(value) > MAX_TEXT:
        raise _problem(f"{field}-too-long", len(value), length=len(value), limit=MAX_TEXT)
    return value


def _row(conn: Connection, values: dict) -> Decision:
    conn.execute(insert(dec_t).values(**values))
    return Decision(**{k: values.get(k) for k in Decision.__dataclass_fields__})  # type: ignore[arg-type]


def _new_id(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(dec_t.c.decision_id), 0))).scalar_one()) + 1


def add_note(
    engine: Engine,
    *,
    period: str,
    indicator: str,
    text: str,
    actor: User | None,
    unit_code: str | None = None,
) -> Decision:
    """Attach a note to an indicator (and optionally a unit) for a meeting's period."""
    return _add(engine, "note", period, indicator, unit_code, text, actor, None, None)


def add_action(
    engine: Engine,
    *,
    period: str,
    indicator: str,
    text: str,
    owner: str,
    due: dt.date,
    actor: User | None,
    unit_code: str | None = None,
) -> Decision:
    """Record an action item decided in the meeting: what, the owner department, the due date."""
    require_meeting_admin(actor)  # a refusal says who may, before what is missing
    if not (owner or "").strip():
        raise _problem("owner-required")
    if not isinstance(due, dt.date):
        raise _problem("due-required")
    return _add(engine, "action", period, indicator, unit_code, text, actor, owner.strip(), due)


def _add(
    engine: Engine,
    kind: str,
    period: str,
    indicator: str,
    unit_code: str | None,
    text: str,
    actor: User | None,
    owner: str | None,
    due: dt.date | None,
) -> Decision:
    who = require_meeting_admin(actor)
    if not is_period(period):
        raise _problem("bad-period:meeting", period)
    if not (indicator or "").strip():
        raise _problem("indicator-required")
    body = _clean_text(text, "text")
    with write_transaction(engine) as conn:
        return _row(
            conn,
            {
                "decision_id": _new_id(conn),
                "version": 1,
                "kind": kind,
                "period": period,
                "indicator": indicator,
                "unit_code": unit_code or None,
                "text": body,
                "owner": owner,
                "due": due,
                "state": "open" if kind == "action" else "note",
                "closing_note": None,
                "author": who,
                "recorded_at": utcnow(),
            },
        )


def _latest(conn: Connection, decision_id: int) -> dict:
    row = (
        conn.execute(select(dec_t).where(dec_t.c.decision_id == decision_id).order_by(dec_t.c.version.desc()))
        .mappings()
        .first()
    )
    if row is None:
        raise _problem("decision-not-found", decision_id, decision=decision_id)
    return dict(row)


def edit(
    engine: Engine,
    decision_id: int,
    *,
    actor: User | None,
    text: str | None = None,
    owner: str | None = None,
    due: dt.date | None = None,
) -> Decision:
    """A new version of a note or action item with the fields given changed; the earlier versions stay."""
    who = require_meeting_admin(actor)
    with write_transaction(engine) as conn:
        last = _latest(conn, decision_id)
        if last["state"] == "closed":
            raise _problem("decision-closed", decision_id, decision=decision_id)
        values = {k: last[k] for k in DECISION_SCHEMA if k != "id"}
        if text is not None:
            values["text"] = _clean_text(text, "text")
        if last["kind"] == "action":
            if owner is not None and owner.strip():
                values["owner"] = owner.strip()
            if due is not None:
                values["due"] = due
        if all(values[k] == last[k] for k in ("text", "owner", "due")):
            raise _problem("no-change", decision_id, decision=decision_id)
        values.update(version=last["version"] + 1, author=who, recorded_at=utcnow())
        return _row(conn, values)


def close_action(engine: Engine, decision_id: int, *, actor: User | None, note: str) -> Decision:
    """Close an open action item with a note (a new version; the open versions stay in the history)."""
    who = require_meeting_admin(actor)
    closing = _clean_text(note, "note")
    with write_transaction(engine) as conn:
        last = _latest(conn, decision_id)
        if last["kind"] != "action" or last["state"] != "open":
            raise _problem("not-an-open-action", decision_id, decision=decision_id)
        values = {k: last[k] for k in DECISION_SCHEMA if k != "id"}
        values.update(
            version=last["version"] + 1,
            state="closed",
            closing_note=closing,
            author=who,
            recorded_at=utcnow(),
        )
        return _row(conn, values)


def _read(engine: Engine, query) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    return pl.DataFrame(rows, schema=DECISION_SCHEMA)


def all_versions(engine: Engine, decision_id: int | None = None) -> pl.DataFrame:
    """Every version (of one item, or of all), oldest first: the append-only history."""
    query = select(dec_t).order_by(dec_t.c.decision_id, dec_t.c.version)
    if decision_id is not None:
        query = query.where(dec_t.c.decision_id == decision_id)
    return _read(engine, query)


def current(engine: Engine) -> pl.DataFrame:
    """The latest version of every note and action item, with `first_recorded_at` (when it was first written)
    and `first_period`; newest items first."""
    versions = all_versions(engine)
    if versions.is_empty():
        return versions.with_columns(
            pl.lit(None, pl.Datetime("us")).alias("first_recorded_at"),
            pl.lit(None, pl.String).alias("first_author"),
        )
    first = versions.filter(pl.col("version") == 1).select(
        "decision_id",
        pl.col("recorded_at").alias("first_recorded_at"),
        pl.col("author").alias("first_author"),
    )
    return (
        versions.sort("decision_id", "version")
        .group_by("decision_id", maintain_order=True)
        .last()
        .join(first, on="decision_id", how="left")
        .sort("decision_id", descending=True)
    )


def open_actions(engine: Engine, *, before: str | None = None) -> pl.DataFrame:
    """Action items still open (recorded for `before` or an earlier period, when given), oldest first."""
    from ioc.periods import period_end

    cur = current(engine).filter((pl.col("kind") == "action") & (pl.col("state") == "open"))
    if before is not None and not cur.is_empty():
        limit = period_end(before)
        cur = cur.filter(
            pl.col("period").map_elements(lambda p: period_end(p) <= limit, return_dtype=pl.Boolean)
        )
    return cur.sort("decision_id")


def for_indicator(engine: Engine, indicator: str, unit_code: str | None = None) -> pl.DataFrame:
    """Current notes and action items of an indicator (those of `unit_code` and of the indicator as a whole)."""
    cur = current(engine).filter(pl.col("indicator") == indicator)
    if unit_code is not None:
        cur = cur.filter(pl.col("unit_code").is_null() | (pl.col("unit_code") == unit_code))
    return cur


def revision(engine: Engine) -> int:
    """Changes whenever a note or action item is recorded (the last version row's id): a cache key."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(dec_t.c.id), 0))).scalar_one())
