"""Numbers, percentages, money and dates as text in Vietnamese or English (Babel + Polars twins).

Every single value is formatted through Babel. The `*_expr` functions are vectorised twins for whole
columns (the scoring reasons): they give the same text as the Babel functions for the same value,
which `tests/test_i18n.py` checks. Both round half away from zero on `|x| * 10**decimals`, so a
value sitting on a tie (84.65 → "84,7") comes out the same either way.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

import polars as pl
from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal as _babel_decimal
from babel.numbers import format_percent as _babel_percent

# periods are labelled by their owner, ioc.period_labels; `format_period` is re-exported for the modules
# that take all their formatting from here (meeting, wall)
from ioc.period_labels import MISSING as MISSING
from ioc.period_labels import format_period as format_period
from ioc.targets import MeasureUnit

MAX_DECIMALS = 6
_MONEY = {"vi": " ₫", "en": " VND"}
_PP = {"vi": " điểm %", "en": " pp"}


def _lang(lang: str) -> str:
    """ "vi" or "en" (anything not Vietnamese is English)."""
    return "vi" if str(lang) == "vi" else "en"


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _pattern(decimals: int, suffix: str = "") -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + suffix


def _rounded(x: float, decimals: int) -> Decimal:
    """x rounded half away from zero to `decimals` places, exactly as `number_text_expr` rounds."""
    n = Decimal(abs(float(x)) * 10**decimals).to_integral_value(rounding=ROUND_HALF_UP)
    q = n.scaleb(-decimals)
    return -q if (float(x) < 0 and n != 0) else q


def format_number(x: float | int | None, lang: str, decimals: int | None = None) -> str:
    """1672 → "1.672" (vi) / "1,672" (en); 1234.5 → "1.234,5" / "1,234.5"; None/NaN → "—".

    decimals=None keeps Babel's default (up to three fraction digits); an int fixes the digits.
    """
    if _missing(x):
        return MISSING
    if decimals is None:
        return _babel_decimal(x, locale=_lang(lang))
    return _babel_decimal(_rounded(x, decimals), _pattern(decimals), locale=_lang(lang))


def format_percent(x_0_100: float | None, lang: str, decimals: int = 1) -> str:
    """A percentage given as 0–100: 84.63 → "84,6%" (vi) / "84.6%" (en)."""
    if _missing(x_0_100):
        return MISSING
    return _babel_percent(_rounded(x_0_100, decimals).scaleb(-2), _pattern(decimals, "%"), locale=_lang(lang))


def _decimals_for(unit: MeasureUnit, decimals: int) -> int:
    # counts are whole things and the đồng has no minor unit
    return 0 if unit in (MeasureUnit.COUNT, MeasureUnit.MONEY) else decimals


def format_value(x: float | None, unit: MeasureUnit | str, lang: str, decimals: int = 1) -> str:
    """A value in its indicator's unit: "84,6%", "1.672", "1.250.000 ₫" / "1,250,000 VND", "0,8"."""
    if _missing(x):
        return MISSING
    unit = MeasureUnit(unit)
    if unit == MeasureUnit.PERCENT:
        return format_percent(x, lang, decimals)
    text = format_number(x, lang, _decimals_for(unit, decimals))
    return text + _MONEY[_lang(lang)] if unit == MeasureUnit.MONEY else text


def format_signed(x: float | None, unit: MeasureUnit | str, lang: str, decimals: int = 1) -> str:
    """A change with its sign: "+2,3 điểm %" / "+2.3 pp" for percentages, "-1.200" for counts; 0 unsigned."""
    if _missing(x):
        return MISSING
    unit = MeasureUnit(unit)
    d = decimals if unit == MeasureUnit.PERCENT else _decimals_for(unit, decimals)
    r = _rounded(x, d)
    pattern = _pattern(d) if r == 0 else f"+{_pattern(d)};-{_pattern(d)}"
    text = _babel_decimal(r, pattern, locale=_lang(lang))
    if unit == MeasureUnit.PERCENT:
        return text + _PP[_lang(lang)]
    return text + _MONEY[_lang(lang)] if unit == MeasureUnit.MONEY else text


def format_pace(x: float | None, unit: MeasureUnit | str, lang: str, decimals: int = 1) -> str:
    """A pace per month in the indicator's unit, signed, with at least one significant digit:
    "+3,3 điểm %/tháng" / "+3.3 pp/month", "−0,5/tháng", "+1.250.000 ₫/tháng"."""
    if _missing(x):
        return MISSING
    unit = MeasureUnit(unit)
    d = decimals if unit in (MeasureUnit.PERCENT, MeasureUnit.RATIO) else 0
    if 0 < abs(x) < 1:  # the first significant digit is always shown: −0,5 is not "−1" nor "0"
        d = min(MAX_DECIMALS, max(d, math.ceil(-math.log10(abs(x)))))
    r = _rounded(x, d)
    text = _babel_decimal(r, f"+{_pattern(d)};-{_pattern(d)}", locale=_lang(lang)).replace("-", "−")
    suffix = {MeasureUnit.PERCENT: _PP[_lang(lang)], MeasureUnit.MONEY: _MONEY[_lang(lang)]}.get(unit, "")
    return f"{text}{suffix}/{'tháng' if _lang(lang) == 'vi' else 'month'}"


def format_date(d: dt.date | dt.datetime | str | None, lang: str) -> str:
    """ "31/12/2025" (vi) / "31 Dec 2025" (en)."""
    if d is None:
        return MISSING
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10])
    if isinstance(d, dt.datetime):
        d = d.date()
    pattern = "dd/MM/y" if _lang(lang) == "vi" else "d MMM y"
    return _babel_date(d, pattern, locale=_lang(lang))


# ---- Polars twins ---------------------------------------------------------------------------------


def _as_expr(x: int | str | pl.Expr, dtype: pl.DataType) -> pl.Expr:
    return x if isinstance(x, pl.Expr) else pl.lit(x, dtype)


def scaled_int_expr(x: pl.Expr, decimals: int | pl.Expr) -> pl.Expr:
    """round(|x| · 10^decimals) half away from zero, as Int64 — the digits `format_number` shows."""
    factor = float(10**decimals) if isinstance(decimals, int) else pl.lit(10.0).pow(decimals.cast(pl.Int64))
    return (
        (x.cast(pl.Float64).abs() * factor).round(0, mode="half_away_from_zero").cast(pl.Int64, strict=False)
    )


def _thousands(w: pl.Expr, groups: int) -> pl.Expr:
    """A non-negative integer with "," between groups of three digits (en style).

    Built from `groups` arithmetic groups, each written only where the number reaches it (nulls are
    skipped by the join), which is several times faster than a regex over the digits. Digits beyond
    `groups` groups stay in the leading group, so a too-small `groups` still gives the right digits.
    """
    parts = []
    for k in reversed(range(max(1, groups))):
        lower = 10 ** (3 * k) if k else 0  # the units group is always written
        if k == groups - 1:  # leading group: no modulo, no padding
            parts.append(pl.when(w >= lower).then((w // 10 ** (3 * k)).cast(pl.String)))
            continue
        g = (w // 10 ** (3 * k)) % 1000
        parts.append(
            pl.when(w >= 10 ** (3 * (k + 1)))
            .then(g.cast(pl.String).str.zfill(3))
            .when(w >= lower)
            .then(g.cast(pl.String))
        )
    return pl.concat_str(parts, separator=",", ignore_nulls=True)


def digits_text_expr(
    n: pl.Expr, negative: pl.Expr, decimals: int | pl.Expr, lang: str, groups: int = 7
) -> pl.Expr:
    """Text of ±n / 10^decimals (n from `scaled_int_expr`); "-" only when the rounded number is not 0.

    `groups` bounds the digit groups written (7 covers every Int64); fewer is faster when values are small.
    """
    n = n.cast(pl.Int64)
    # null stays null (concat_str with ignore_nulls would otherwise turn it into "")
    if isinstance(decimals, int):
        d = pl.lit(decimals, pl.Int64)
        factor = pl.lit(10**decimals, pl.Int64)
    else:
        d = decimals.cast(pl.Int64)
        factor = pl.lit(10, pl.Int64).pow(d).cast(pl.Int64)
    body = pl.when(n.is_not_null()).then(_thousands(n // factor, groups))
    if not (isinstance(decimals, int) and decimals == 0):
        frac = (n % factor).cast(pl.String).str.zfill(d)
        body = pl.when(d > 0).then(pl.concat_str(body, pl.lit("."), frac)).otherwise(body)
    text = pl.concat_str(pl.when(negative & (n > 0)).then(pl.lit("-")).otherwise(pl.lit("")), body)
    if _lang(lang) == "vi":
        text = text.str.replace_many([",", "."], [".", ","])  # one pass, so the swap does not cascade
    return text


def number_text_expr(expr: pl.Expr, lang: str, decimals: int | pl.Expr = 1) -> pl.Expr:
    """Vectorised `format_number(x, lang, decimals)`: round, group thousands, swap separators; null → "—".

    `decimals` may be a column (0–6) so rows of different indicators format in one pass.
    """
    x = expr.cast(pl.Float64)
    if not isinstance(decimals, int):
        decimals = decimals.cast(pl.Int64).clip(0, MAX_DECIMALS)
    text = digits_text_expr(scaled_int_expr(x, decimals), x < 0, decimals, lang)
    return text.fill_null(MISSING)  # null and NaN (NaN does not survive the Int64 cast)


def percent_text_expr(expr: pl.Expr, lang: str, decimals: int | pl.Expr = 1) -> pl.Expr:
    """Vectorised `format_percent`: "84,6%" / "84.6%"."""
    x = expr.cast(pl.Float64)
    if not isinstance(decimals, int):
        decimals = decimals.cast(pl.Int64).clip(0, MAX_DECIMALS)
    text = digits_text_expr(scaled_int_expr(x, decimals), x < 0, decimals, lang)
    return pl.concat_str(text, pl.lit("%")).fill_null(MISSING)


def unit_decimals_expr(unit: pl.Expr, decimals: int | pl.Expr) -> pl.Expr:
    """Decimals a value of `unit` is written with: 0 for counts and money, else `decimals`."""
    whole = unit.is_in([MeasureUnit.COUNT.value, MeasureUnit.MONEY.value])
    return pl.when(whole).then(pl.lit(0, pl.Int64)).otherwise(_as_expr(decimals, pl.Int64()).cast(pl.Int64))


def unit_suffix_expr(unit: pl.Expr, lang: str, *, change: bool = False) -> pl.Expr:
    """What follows the number: "%" (or " điểm %"/" pp" for a change in percent), " ₫"/" VND", or nothing."""
    pct = _PP[_lang(lang)] if change else "%"
    return (
        pl.when(unit == MeasureUnit.PERCENT.value)
        .then(pl.lit(pct))
        .when(unit == MeasureUnit.MONEY.value)
        .then(pl.lit(_MONEY[_lang(lang)]))
        .otherwise(pl.lit(""))
    )


def value_text_expr(
    expr: pl.Expr, lang: str, unit: MeasureUnit | str | pl.Expr, decimals: int | pl.Expr = 1
) -> pl.Expr:
    """Vectorised `format_value`; `unit` (a MeasureUnit value) and `decimals` may be columns."""
    u = unit if isinstance(unit, pl.Expr) else pl.lit(MeasureUnit(unit).value)
    x = expr.cast(pl.Float64)
    d = unit_decimals_expr(u, decimals).clip(0, MAX_DECIMALS)
    text = digits_text_expr(scaled_int_expr(x, d), x < 0, d, lang)
    return pl.concat_str(text, unit_suffix_expr(u, lang)).fill_null(MISSING)
