"""Typed Vietnamese/English numbers: accepted shapes, rejections with reasons, and the column parser."""

from __future__ import annotations

import polars as pl
import pytest

from ioc.numbers import (
    NumberParseError,
    is_percent_text,
    parse_number,
    parse_number_column,
    parse_percent_text,
    try_parse_number,
)

VI_OK = [
    ("84,63", 84.63),
    ("84,63%", 84.63),
    ("84,63 %", 84.63),
    (" 1.672 ", 1672.0),
    ("1.234,5", 1234.5),
    ("1.234.567", 1234567.0),
    ("1.234.567,25", 1234567.25),
    ("-3", -3.0),
    ("\u22123", -3.0),  # unicode minus
    ("\u2212 3,5", -3.5),
    ("+5", 5.0),
    ("1 234", 1234.0),
    ("1\u00a0234", 1234.0),  # no-break space, as Excel puts it
    ("1\u202f234\u202f567,5", 1234567.5),  # narrow no-break space
    ("12.5", 12.5),  # a typed decimal point: one dot, 1–2 digits after it
    ("84.63", 84.63),
    ("84.63%", 84.63),
    ("0,5", 0.5),
    (",5", 0.5),
    ("007", 7.0),
    ("100", 100.0),
    ("1,672", 1.672),  # vi-VN: the comma is always the decimal mark
    ("3.14159", 3.14159),  # four or more digits after one dot cannot be a thousands group
    ("12 ", 12.0),
    ("\t42\n", 42.0),
]


@pytest.mark.parametrize(("text", "expected"), VI_OK)
def test_vi_accepts(text: str, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected)


EN_OK = [
    ("1,672", 1672.0),
    ("1,234.5", 1234.5),
    ("1,234,567", 1234567.0),
    ("84.63", 84.63),
    ("84.63%", 84.63),
    ("-0.5", -0.5),
    ("1 234.5", 1234.5),
    ("84,63", 84.63),  # the mirror of "84.63" in a vi-VN column: one comma, two digits → typed decimal
]


@pytest.mark.parametrize(("text", "expected"), EN_OK)
def test_en_accepts(text: str, expected: float) -> None:
    assert parse_number(text, decimal_comma=False) == pytest.approx(expected)


VI_REJECT = [
    ("12,3,4", "number-several-decimal-marks"),
    ("abc", "number-not-a-number"),
    ("(1)", "number-parenthesised"),
    ("(1.234)", "number-parenthesised"),
    ("", "number-empty"),
    ("   ", "number-empty"),
    ("%", "number-empty"),
    ("1.23.4", "number-bad-grouping"),
    ("1.2345.678", "number-bad-grouping"),
    ("0.500", "number-ambiguous"),  # a leading-zero group cannot be thousands; nor is it clearly decimal
    ("1,234.5", "number-bad-decimals"),  # English style in a Vietnamese column
    ("12,", "number-bad-decimals"),
    ("12.", "number-bad-decimals"),
    ("12 34", "number-bad-grouping"),
    ("1e3", "number-not-a-number"),
    ("-", "number-not-a-number"),
    ("12a", "number-not-a-number"),
    ("1.234,5,6", "number-several-decimal-marks"),
]


@pytest.mark.parametrize(("text", "code"), VI_REJECT)
def test_vi_rejects_with_reason(text: str, code: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_number(text)
    err = info.value
    assert isinstance(err, NumberParseError)
    assert err.code == code
    assert str(err)  # an English reason …
    assert err.reason_vi and err.reason_vi != str(err)  # … and a Vietnamese one


def test_reason_names_the_text_and_the_expected_style() -> None:
    with pytest.raises(NumberParseError) as info:
        parse_number("1,234.5")
    assert "'1,234.5'" in str(info.value)
    assert "1.234,5" in str(info.value)
    with pytest.raises(NumberParseError) as info:
        parse_number("(1)")
    assert "footnote" in str(info.value)


def test_en_rejects_vietnamese_grouping() -> None:
    with pytest.raises(NumberParseError):
        parse_number("1.234,5", decimal_comma=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("84,63%", True), ("84,63 %", True), (" 50% ", True), ("84,63", False), ("%5", False), ("", False)],
)
def test_is_percent_text(text: str, expected: bool) -> None:
    assert is_percent_text(text) is expected
    assert parse_percent_text(text) is expected


def test_try_parse_number() -> None:
    assert try_parse_number("1.672") == (1672.0, None)
    assert try_parse_number(None) == (None, None)
    value, reason = try_parse_number("abc")
    assert value is None and "not a number" in reason


def test_column_matches_scalar_parser_everywhere() -> None:
    """The vectorised fast paths and the per-value fallback give exactly what parse_number gives."""
    texts = [t for t, _ in VI_OK] + [t for t, _ in VI_REJECT if t.strip()] + ["1.672", "84,63"]
    s = pl.Series("v", texts)
    values, reasons = parse_number_column(s)
    assert values.dtype == pl.Float64 and reasons.dtype == pl.String
    assert values.name == "v" and reasons.name == "v"
    for text, value, reason in zip(texts, values.to_list(), reasons.to_list(), strict=True):
        expected, expected_reason = try_parse_number(text)
        assert value == pytest.approx(expected) if expected is not None else value is None, text
        assert reason == expected_reason, text


def test_column_english() -> None:
    values, reasons = parse_number_column(
        pl.Series(["1,672", "1,234.5", "84.63%", "1.234,5"]), decimal_comma=False
    )
    assert values.to_list()[:3] == pytest.approx([1672.0, 1234.5, 84.63])
    assert values[3] is None and reasons[3] is not None
    assert reasons.to_list()[:3] == [None, None, None]


def test_column_blank_and_null_are_missing_not_errors() -> None:
    values, reasons = parse_number_column(pl.Series(["", None, "  ", "5"]))
    assert values.to_list() == [None, None, None, 5.0]
    assert reasons.to_list() == [None, None, None, None]


def test_column_numeric_passes_through() -> None:
    values, reasons = parse_number_column(pl.Series("n", [1, 2, None]))
    assert values.dtype == pl.Float64 and values.to_list() == [1.0, 2.0, None]
    assert reasons.null_count() == 3


def test_column_vietnamese_reasons() -> None:
    _, reasons = parse_number_column(pl.Series(["abc", "1"]), lang="vi")
    assert reasons.to_list() == ["'abc' không phải là số", None]


def test_column_large_repeats_are_parsed_once_per_distinct_value() -> None:
    s = pl.Series(["1.234,5", "84,63%", "x", "(2)"] * 5000)
    values, reasons = parse_number_column(s)
    assert values.head(4).to_list()[:2] == pytest.approx([1234.5, 84.63])
    assert values.null_count() == 10000
    assert reasons.null_count() == 10000
