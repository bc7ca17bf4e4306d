"""Periods as people read them, in Vietnamese and English: "08/2025", "Quý 3/2025" / "Q3 2025", "2025".

The labels half of `ioc.periods` (which owns parsing and calendar arithmetic). This module imports nothing
from `ioc.i18n`, so that `ioc.i18n` can re-export `format_period` and `MISSING` for its own callers.
"""

from __future__ import annotations

import polars as pl

from ioc.periods import is_partial, parse_period
from ioc.targets import Frequency

MISSING = "—"  # what a missing value (or period) shows, everywhere

# how a period of each frequency is written in targets.yaml, for hints in configuration errors
_EXAMPLE = {Frequency.MONTHLY: "2025-06", Frequency.QUARTERLY: "2025-Q2", Frequency.YEARLY: "2025"}
_SHAPE = {
    f: (f'a {noun} like "{_EXAMPLE[f]}"', f'một {noun_vi} dạng "{_EXAMPLE[f]}"')
    for f, noun, noun_vi in (
        (Frequency.MONTHLY, "month", "tháng"),
        (Frequency.QUARTERLY, "quarter", "quý"),
        (Frequency.YEARLY, "year", "năm"),
    )
}
_EVERY = {
    Frequency.MONTHLY: ("monthly", "hằng tháng"),
    Frequency.QUARTERLY: ("quarterly", "hằng quý"),
    Frequency.YEARLY: ("yearly", "hằng năm"),
}


def _vi(lang: str) -> bool:
    return str(lang) == "vi"  # anything not Vietnamese is English


def format_period(period: str | None, lang: str) -> str:
    """ "08/2025" for a month (both languages); "Quý 3/2025" / "Q3 2025" for a quarter; "2025" for a year."""
    if not period:
        return MISSING
    p = parse_period(period)
    if p.frequency == Frequency.MONTHLY:
        return f"{p.index:02d}/{p.year}"
    if p.frequency == Frequency.QUARTERLY:
        return f"Quý {p.index}/{p.year}" if _vi(lang) else f"Q{p.index} {p.year}"
    return str(p.year)


def format_view(as_of: str, judged: str | None, lang: str) -> str:
    """The period shown, and the month it is judged at when that is before its end (PRODUCT §5):
    "Quý 4/2026 — đến 10/2026" / "Q4 2026 — to 10/2026"; just "Quý 3/2026" for a period judged whole."""
    text = format_period(as_of, lang)
    if judged and is_partial(as_of, judged):
        return f"{text} — {'đến' if _vi(lang) else 'to'} {format_period(judged, lang)}"
    return text


def period_shape(frequency: Frequency, lang: str) -> str:
    """How a period of `frequency` is written: 'a quarter like "2025-Q2"' / 'một quý dạng "2025-Q2"'."""
    return _SHAPE[Frequency(frequency)][1 if _vi(lang) else 0]


def period_file_stem(period: str) -> str:
    """A period as a file name part, read the way people say it: "10-2026" for a month, else "2026-Q4", "2026"."""
    p = parse_period(period)
    return f"{p.index:02d}-{p.year}" if p.frequency == Frequency.MONTHLY else period


def period_example(frequency: Frequency) -> str:
    """A period of `frequency` as it is written: "2025-06", "2025-Q2", "2025"."""
    return _EXAMPLE[Frequency(frequency)]


def frequency_text(frequency: Frequency, lang: str) -> str:
    """The reporting frequency as a word: "monthly" / "hằng tháng"."""
    return _EVERY[Frequency(frequency)][1 if _vi(lang) else 0]


def period_text_expr(col: str | pl.Expr, lang: str) -> pl.Expr:
    """Vectorised `format_period`: "08/2025", "Quý 3/2025" / "Q3 2025", "2025"; null → "—"."""
    p = pl.col(col) if isinstance(col, str) else col
    year, n = p.str.slice(0, 4), p.str.len_bytes()
    is_q = p.str.slice(5, 1) == "Q"
    q = p.str.slice(6, 1)
    quarter = (
        pl.concat_str(pl.lit("Quý "), q, pl.lit("/"), year)
        if _vi(lang)
        else pl.concat_str(pl.lit("Q"), q, pl.lit(" "), year)
    )
    return (
        pl.when(p.is_null())
        .then(pl.lit(MISSING))
        .when(n == 4)
        .then(year)
        .when(is_q)
        .then(quarter)
        .otherwise(pl.concat_str(p.str.slice(5, 2), pl.lit("/"), year))
    )
