"""Formatting numbers, percentages, money and dates in Vietnamese and English (Babel + Polars twins)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ioc.i18n import (
    format_date,
    format_number,
    format_percent,
    format_signed,
    format_value,
    number_text_expr,
    percent_text_expr,
    value_text_expr,
)
from ioc.targets import MeasureUnit


@pytest.mark.parametrize(
    ("x", "decimals", "vi", "en"),
    [
        (1672, None, "1.672", "1,672"),
        (1234.5, None, "1.234,5", "1,234.5"),
        (1234.5, 1, "1.234,5", "1,234.5"),
        (1234567.891, 2, "1.234.567,89", "1,234,567.89"),
        (0, 1, "0,0", "0.0"),
        (-1672.25, 1, "-1.672,3", "-1,672.3"),  # half away from zero
        (84.65, 1, "84,7", "84.7"),
        (-0.04, 1, "0,0", "0.0"),  # no "-0,0"
        (999.96, 1, "1.000,0", "1,000.0"),  # rounding carries into a new group
        (None, 1, "—", "—"),
        (float("nan"), None, "—", "—"),
    ],
)
def test_format_number(x: float | None, decimals: int | None, vi: str, en: str) -> None:
    assert format_number(x, "vi", decimals) == vi
    assert format_number(x, "en", decimals) == en


def test_format_percent() -> None:
    assert format_percent(84.63, "vi") == "84,6%"
    assert format_percent(84.63, "en") == "84.6%"
    assert format_percent(84.63, "vi", 2) == "84,63%"
    assert format_percent(100, "en", 0) == "100%"
    assert format_percent(None, "vi") == "—"


@pytest.mark.parametrize(
    ("x", "unit", "vi", "en"),
    [
        (84.63, MeasureUnit.PERCENT, "84,6%", "84.6%"),
        (1672, MeasureUnit.COUNT, "1.672", "1,672"),
        (12.5, MeasureUnit.COUNT, "13", "13"),  # counts are whole numbers
        (1_250_000, MeasureUnit.MONEY, "1.250.000 ₫", "1,250,000 VND"),
        (0.83, MeasureUnit.RATIO, "0,8", "0.8"),
        (None, MeasureUnit.MONEY, "—", "—"),
    ],
)
def test_format_value(x: float | None, unit: MeasureUnit, vi: str, en: str) -> None:
    assert format_value(x, unit, "vi") == vi
    assert format_value(x, unit.value, "en") == en


def test_format_signed() -> None:
    assert format_signed(2.34, MeasureUnit.PERCENT, "vi") == "+2,3 điểm %"
    assert format_signed(2.34, MeasureUnit.PERCENT, "en") == "+2.3 pp"
    assert format_signed(-2.34, "percent", "en") == "-2.3 pp"
    assert format_signed(0.01, "percent", "vi") == "0,0 điểm %"
    assert format_signed(-1200, "count", "vi") == "-1.200"
    assert format_signed(1500, "money", "en") == "+1,500 VND"
    assert format_signed(None, "count", "en") == "—"


def test_format_date() -> None:
    assert format_date(dt.date(2025, 12, 31), "vi") == "31/12/2025"
    assert format_date(dt.date(2025, 12, 31), "en") == "31 Dec 2025"
    assert format_date(dt.date(2025, 6, 1), "vi") == "01/06/2025"
    assert format_date(dt.date(2025, 6, 1), "en") == "1 Jun 2025"
    assert format_date(dt.datetime(2025, 6, 1, 13, 5), "vi") == "01/06/2025"
    assert format_date("2025-06-30", "en") == "30 Jun 2025"
    assert format_date(None, "en") == "—"


# The Polars twins must write exactly what Babel writes, for ordinary and awkward values.
TWIN_VALUES = [
    -1234.5, -84.63, -0.04, -0.05, 0.0, 0.004, 0.05, 0.15, 0.25, 0.5, 1.005, 2.675, 9.995, 84.63, 84.65,
    99.95, 999.5, 999.96, 1000.0, 1672.0, 12345.678, 999999.5, 1234567.891, 123456789.0, 10**12 + 0.25,
]  # fmt: skip


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("decimals", [0, 1, 2, 3])
def test_number_text_expr_matches_babel(lang: str, decimals: int) -> None:
    frame = pl.DataFrame({"x": [*TWIN_VALUES, None, float("nan")]}, schema={"x": pl.Float64})
    got = frame.select(
        number_text_expr(pl.col("x"), lang, decimals).alias("fixed"),
        number_text_expr(pl.col("x"), lang, pl.lit(decimals)).alias("column"),
        percent_text_expr(pl.col("x"), lang, decimals).alias("percent"),
    )
    want = [format_number(x, lang, decimals) for x in frame["x"].to_list()]
    assert got["fixed"].to_list() == want
    assert got["column"].to_list() == want
    assert got["percent"].to_list() == [format_percent(x, lang, decimals) for x in frame["x"].to_list()]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_value_text_expr_matches_format_value(lang: str) -> None:
    units = [u.value for u in MeasureUnit]
    rows = [(x, u, d) for x in TWIN_VALUES for u in units for d in (0, 1, 2)]
    frame = pl.DataFrame(rows, schema={"x": pl.Float64, "unit": pl.String, "d": pl.Int64}, orient="row")
    got = frame.select(value_text_expr(pl.col("x"), lang, pl.col("unit"), pl.col("d"))).to_series().to_list()
    assert got == [format_value(x, u, lang, d) for x, u, d in rows]
    single = pl.DataFrame({"x": [1672.0]}).select(value_text_expr(pl.col("x"), lang, "count", 1)).item()
    assert single == format_value(1672.0, "count", lang)
