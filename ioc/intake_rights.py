"""What a request to the intake may do, and what a file's own content may do (`ioc.ingest` asks both).

Up front, before any byte is read: a signed-in account writes only where it may (`accounts.write_refusal`),
and a period that has not ended takes no submission. In the file, once it is read: its `_meta` may not
name another department, a department account may not send a report-system export, and no value may be for
a period that has not begun.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ioc.accounts import User, write_refusal
from ioc.i18n import format_period
from ioc.issues import Issue
from ioc.messages import Words, issue, period_words
from ioc.periods import is_period, period_end, period_start


def _period_not_ended(period: str, today: dt.date) -> Issue:
    return issue(
        "period-not-ended",
        value=period,
        expected=f"a period ended before {today:%Y-%m-%d}",
        period=period_words(period),
    )


def refused_up_front(
    actor: User | None, department: str | None, export_id: str | None, period: str | None, today: dt.date
) -> list[Issue]:
    """What the request itself is not allowed to do, before any byte is read (nothing is recorded)."""
    if actor is not None:
        refusal = write_refusal(actor, department, export=export_id is not None)
        if refusal:
            return refusal
    if period is not None and is_period(period) and period_end(period) >= today:
        return [_period_not_ended(period, today)]
    return []


def refused_in_file(
    actor: User | None,
    *,
    file: str,
    department: str | None,
    source: str | None,
    periods: Iterable[str],
    today: dt.date,
) -> list[Issue]:
    """What the file's own content is not allowed to do: another department's `_meta`, an export sent by
    a department account, a value for a period that has not begun (in a department's workbook, or in any
    file a signed-in user sends). `department`, `source` and `periods` are what the file turned out to hold."""
    from data_sources.registry import EXPORT_SOURCES

    issues = list(write_refusal(actor, department, export=source in EXPORT_SOURCES))
    if actor is None and source in EXPORT_SOURCES:
        return issues  # the system path may load plans and back-filled exports as they come
    future = sorted(p for p in periods if p is not None and is_period(p) and period_start(p) > today)
    if future:
        issues.append(
            issue(
                "future-period",
                file=file,
                value=", ".join(future),
                expected=f"periods up to {today:%Y-%m}",
                periods=Words(*(", ".join(format_period(p, lang) for p in future) for lang in ("vi", "en"))),
            )
        )
    return issues
