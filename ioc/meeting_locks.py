"""Period locks: an administrator locks a period before the monthly meeting so the numbers discussed do not
move; every write that would change a locked period's data is refused in the core, whatever the channel.

Decisions taken here:
- locks are append-only events (`store.period_locks`): a lock and an unlock are rows with who and when; the
  latest event of a period says whether it is locked now, and the whole list is the history;
- a lock covers the periods inside it: locking 10/2026 refuses data for 10/2026; locking Q4/2026 refuses
  Q4/2026 and its three months; locking 2026 refuses every period of 2026. A yearly report for 2026 is not
  refused by a lock of 10/2026 alone (it does not lie inside the month), so one locked month never blocks a
  whole year's reporting;
- refused are: accepting a submission (page, command line, inbox — all through `ioc.ingest`), withdrawing
  one and restoring one (`ioc.ledger`), when any of its periods is covered by a lock;
- only an administrator locks and unlocks (`require_meeting_admin`, also used by `ioc.decisions`). Unlike the
  ledger's writes there is no trusted system path (`actor=None`): a lock is a person's decision, recorded
  with that person's name, so the command line needs `--user` naming an administrator account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, insert, select
from sqlalchemy.engine import Connection

from ioc.accounts import ADMINISTRATOR, User
from ioc.issues import Issue, IssueError
from ioc.messages import Words, issue, period_words
from ioc.periods import is_period, period_end, period_start
from ioc.store import period_locks, utcnow, write_transaction

ACTIONS = ("lock", "unlock")


@dataclass(frozen=True)
class Lock:
    """A period that is locked now: who locked it and when (UTC, naive)."""

    period: str
    at: dt.datetime
    who: str
    note: str | None = None


class PeriodLockedError(IssueError):
    """A write touched a locked period; nothing was written."""


def covers(locked: str, period: str) -> bool:
    """Whether a lock of `locked` covers data for `period` (the period lies inside the locked one)."""
    if not (is_period(locked) and is_period(period)):
        return False
    return period_start(locked) <= period_start(period) and period_end(period) <= period_end(locked)


def _local_time(moment: dt.datetime, lang: str, timezone: str) -> str:
    """vi "08:00 01/11/2026", en "01/11/2026, 8:00 AM" in the province's time zone."""
    from ioc.views import format_local_time

    return format_local_time(moment, lang, timezone)


def current_locks(conn: Connection | Engine) -> dict[str, Lock]:
    """Every period locked now (period → its lock), read from the latest event of each period."""
    if isinstance(conn, Engine):
        with conn.connect() as c:
            return current_locks(c)
    rows = conn.execute(select(period_locks).order_by(period_locks.c.id)).mappings().all()
    state: dict[str, Lock | None] = {}
    for r in rows:
        state[r["period"]] = (
            Lock(r["period"], r["at"], r["who"], r["note"]) if r["action"] == "lock" else None
        )
    return {p: lock for p, lock in state.items() if lock is not None}


def lock_of(conn: Connection | Engine, period: str) -> Lock | None:
    """The lock covering `period` now (its own, or of a quarter or year holding it), or None."""
    for locked, lock in sorted(current_locks(conn).items()):
        if covers(locked, period):
            return lock
    return None


def locked_issue(lock: Lock, period: str, *, action: str = "submit", timezone: str | None = None) -> Issue:
    """The refusal in both languages: "Kỳ 10/2026 đã khoá lúc 08:00 01/11/2026 bởi …; liên hệ quản trị để mở khoá"."""
    if timezone is None:
        from ioc.settings import get_settings

        timezone = get_settings().timezone
    what_en = {"submit": "no data can be submitted for it", "withdraw": "no submission for it can be withdrawn",
               "restore": "no submission for it can be restored"}.get(action, "it cannot be changed")  # fmt: skip
    return issue(
        "period-locked",
        value=period,
        expected="a period that is not locked",
        period=period_words(lock.period),
        at=Words(_local_time(lock.at, "vi", timezone), _local_time(lock.at, "en", timezone)),
        who=lock.who,
        what=Words("", what_en),
    )


def lock_issues(
    conn: Connection | Engine, periods: Iterable[str], *, action: str = "submit", timezone: str | None = None
) -> list[Issue]:
    """One `period-locked` error per locked lock that covers one of `periods` (empty when none is locked)."""
    wanted = [p for p in periods if p]
    if not wanted:
        return []
    locks = current_locks(conn)
    out: list[Issue] = []
    seen: set[str] = set()
    for p in sorted(set(wanted)):
        for locked, lock in sorted(locks.items()):
            if covers(locked, p) and locked not in seen:
                seen.add(locked)
                out.append(locked_issue(lock, p, action=action, timezone=timezone))
    return out


def refuse_if_locked(
    conn: Connection | Engine, periods: Iterable[str], *, action: str = "submit", timezone: str | None = None
) -> None:
    """Raise `PeriodLockedError` when a lock covers one of `periods` (the one check every write path calls)."""
    issues = lock_issues(conn, periods, action=action, timezone=timezone)
    if issues:
        raise PeriodLockedError(issues)


def require_meeting_admin(actor: User | None) -> str:
    """The name history records for `actor` ("Nguyễn Văn A (nva)"); IssueError unless an administrator.

    Locking, unlocking and recording meeting decisions are the administrator's (PRODUCT §9): a department
    account, a viewer and nobody at all (None) are refused with the reason in both languages.
    """
    if actor is None:
        raise IssueError([issue("admin-required:meeting")])
    if actor.role != ADMINISTRATOR:
        raise IssueError([issue("admin-only:meeting", value=actor.username, expected=ADMINISTRATOR)])
    return actor.label


def _check_period(period: str) -> None:
    if not is_period(period):
        raise IssueError([issue("bad-period:meeting", value=period, expected="YYYY-MM, YYYY-Qn or YYYY")])


def lock_period(engine: Engine, period: str, actor: User | None, *, note: str | None = None) -> Lock:
    """Lock `period` (an administrator, before the meeting); refused when it is already locked or when
    `actor` is not an administrator."""
    who = require_meeting_admin(actor)
    _check_period(period)
    with write_transaction(engine) as conn:
        if period in current_locks(conn):
            raise IssueError([issue("period-already-locked", value=period, period=period_words(period))])
        at = utcnow()
        conn.execute(insert(period_locks).values(period=period, action="lock", at=at, who=who, note=note))
    return Lock(period, at, who, note)


def unlock_period(engine: Engine, period: str, actor: User | None, *, note: str | None = None) -> None:
    """Unlock `period` (an administrator); refused when it is not locked. The lock stays in the history
    beside the unlock."""
    who = require_meeting_admin(actor)
    _check_period(period)
    with write_transaction(engine) as conn:
        if period not in current_locks(conn):
            raise IssueError([issue("period-not-locked", value=period, period=period_words(period))])
        conn.execute(
            insert(period_locks).values(period=period, action="unlock", at=utcnow(), who=who, note=note)
        )


LOCK_HISTORY_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "period": pl.String(),
    "action": pl.String(),
    "at": pl.Datetime("us"),
    "who": pl.String(),
    "note": pl.String(),
}


def lock_history(engine: Engine, period: str | None = None) -> pl.DataFrame:
    """Every lock and unlock (of one period, or all), newest first."""
    query = select(period_locks).order_by(period_locks.c.id.desc())
    if period is not None:
        query = query.where(period_locks.c.period == period)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    return pl.DataFrame(rows, schema=LOCK_HISTORY_SCHEMA)


def revision(engine: Engine) -> int:
    """Changes whenever a period is locked or unlocked (the last event's id): a cache key."""
    from sqlalchemy import func

    with engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(period_locks.c.id), 0))).scalar_one())
