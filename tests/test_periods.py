"""Periods: parsing, calendar arithmetic, the reference period of an as-of date, which months are due, labels
in both languages, and the Polars twins."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ioc.period_labels import format_period, format_view, frequency_text, period_shape, period_text_expr
from ioc.periods import (
    Period,
    due_months,
    ended_by_expr,
    frequency_code_expr,
    frequency_of,
    is_due,
    is_month_expr,
    lag,
    months_between,
    parse_period,
    period_end,
    period_end_expr,
    period_frequency_expr,
    period_index,
    period_index_expr,
    period_months,
    period_of,
    period_start,
    period_start_expr,
    periods_between,
    periods_spanning,
    reference_period,
    report_deadline,
    report_deadline_expr,
    same_frequency_expr,
    shift,
)
from ioc.targets import Frequency, ReportDeadlines

M, Q, Y = Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.YEARLY


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("2025-08", Period(M, 2025, 8)),
        ("2025-01", Period(M, 2025, 1)),
        ("2025-Q3", Period(Q, 2025, 3)),
        ("2025", Period(Y, 2025, 1)),
        (" 2025-12 ", Period(M, 2025, 12)),
    ],
)
def test_parse(text: str, parsed: Period) -> None:
    assert parse_period(text) == parsed
    assert parse_period(text).frequency == frequency_of(text)
    assert str(parsed) == text.strip()


@pytest.mark.parametrize(
    "bad", ["2025-13", "2025-00", "2025-Q5", "2025-Q0", "25-08", "2025/08", "2025-8", "", "Q3-2025"]
)
def test_parse_rejects(bad: str) -> None:
    with pytest.raises(ValueError, match="is not a period"):
        parse_period(bad)


@pytest.mark.parametrize(
    ("p", "start", "end"),
    [
        ("2025-08", dt.date(2025, 8, 1), dt.date(2025, 8, 31)),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),  # leap year
        ("2025-02", dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
        ("2025-Q1", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        ("2025-Q3", dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        ("2025-Q4", dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
        ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ],
)
def test_start_end(p: str, start: dt.date, end: dt.date) -> None:
    assert period_start(p) == start
    assert period_end(p) == end


@pytest.mark.parametrize(
    ("p", "n", "out"),
    [
        ("2025-08", 1, "2025-09"),
        ("2025-12", 1, "2026-01"),
        ("2025-01", -1, "2024-12"),
        ("2025-08", -20, "2023-12"),
        ("2025-Q4", 1, "2026-Q1"),
        ("2025-Q1", -1, "2024-Q4"),
        ("2025", -3, "2022"),
        ("2025-08", 0, "2025-08"),
    ],
)
def test_shift(p: str, n: int, out: str) -> None:
    assert shift(p, n) == out
    assert lag(p, out) == n


def test_periods_between() -> None:
    assert periods_between("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert periods_between("2024-Q4", "2025-Q2") == ["2024-Q4", "2025-Q1", "2025-Q2"]
    assert periods_between("2023", "2025") == ["2023", "2024", "2025"]
    assert periods_between("2025-03", "2025-01") == []
    with pytest.raises(ValueError, match="different frequencies"):
        periods_between("2025-01", "2025-Q2")
    with pytest.raises(ValueError, match="different frequencies"):
        lag("2025", "2025-Q2")


@pytest.mark.parametrize(
    ("as_of", "monthly", "quarterly", "yearly"),
    [
        ("2025-08", "2025-08", "2025-Q2", "2024"),
        ("2025-09", "2025-09", "2025-Q3", "2024"),
        ("2025-Q3", "2025-09", "2025-Q3", "2024"),
        ("2025", "2025-12", "2025-Q4", "2025"),
        ("2025-12", "2025-12", "2025-Q4", "2025"),
        ("2025-02", "2025-02", "2024-Q4", "2024"),  # no quarter of 2025 has ended yet
        ("2025-Q1", "2025-03", "2025-Q1", "2024"),
    ],
)
def test_reference_period(as_of: str, monthly: str, quarterly: str, yearly: str) -> None:
    assert reference_period(as_of, M) == monthly
    assert reference_period(as_of, Q) == quarterly
    assert reference_period(as_of, Y) == yearly


def test_period_of_and_index() -> None:
    assert period_of(dt.date(2025, 8, 17), M) == "2025-08"
    assert period_of(dt.date(2025, 8, 17), Q) == "2025-Q3"
    assert period_of(dt.date(2025, 8, 17), Y) == "2025"
    assert period_index("2025-01") - period_index("2024-12") == 1
    assert period_index("2025-Q1") - period_index("2024-Q4") == 1
    assert period_index("2025") == 2025


def test_months_between() -> None:
    # 365 days / 30.4375 = 11.9918…; 30.4375 days is exactly one month; backwards is negative
    assert months_between(dt.date(2024, 12, 31), dt.date(2025, 12, 31)) == pytest.approx(365 / 30.4375)
    assert months_between(dt.date(2025, 1, 1), dt.date(2025, 1, 1)) == 0.0
    assert months_between(dt.date(2025, 3, 1), dt.date(2025, 1, 30)) == pytest.approx(-30 / 30.4375)


def test_expressions_match_python() -> None:
    periods = ["2025-08", "2024-02", "2025-Q1", "2025-Q4", "2023", "2025-12", "1999-01"]
    frame = pl.DataFrame({"p": periods}).with_columns(
        period_start_expr("p").alias("start"),
        period_end_expr(pl.col("p")).alias("end"),
        period_frequency_expr("p").alias("freq"),
        period_index_expr("p").alias("idx"),
    )
    assert frame["start"].to_list() == [period_start(p) for p in periods]
    assert frame["end"].to_list() == [period_end(p) for p in periods]
    assert frame["freq"].to_list() == [frequency_of(p).value for p in periods]
    assert frame["idx"].to_list() == [period_index(p) for p in periods]
    assert frame.schema["end"] == pl.Date


def test_expressions_give_null_for_bad_periods() -> None:
    bad = ["2025-13", "2025-Q5", "2025-00", "abcd", "2025-8", None, "20255"]
    frame = pl.DataFrame({"p": bad}, schema={"p": pl.String}).select(
        period_end_expr("p").alias("end"),
        period_frequency_expr("p").alias("freq"),
        period_index_expr("p").alias("idx"),
    )
    assert frame.null_count().row(0) == (len(bad), len(bad), len(bad))


# ---- which months are due, periods spanning months --------------------------------------------------------


def test_due_months() -> None:
    assert due_months(M) == set(range(1, 13))
    assert due_months(Q) == {3, 6, 9, 12}
    assert due_months(Y) == {12}
    # the submission of a month carries exactly the indicators due in it
    for month in periods_between("2025-01", "2025-12"):
        for f in (M, Q, Y):
            assert is_due(f, month) == (parse_period(month).index in due_months(f))
    assert is_due(Q, "2025-Q2") and not is_due(M, "2025-Q2") and is_due(Y, "2025")


def test_periods_spanning() -> None:
    assert periods_spanning("2025-11", "2026-02", M) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    # a quarter or year with any month in the range counts, even one not yet ended
    assert periods_spanning("2025-11", "2026-02", Q) == ["2025-Q4", "2026-Q1"]
    assert periods_spanning("2025-11", "2026-02", Y) == ["2025", "2026"]
    assert periods_spanning("2026-07", "2026-10", Q) == ["2026-Q3", "2026-Q4"]
    assert periods_spanning("2026-10", "2026-10", Y) == ["2026"]
    assert period_months("2026-Q4") == ("2026-10", "2026-12")
    assert period_months("2026") == ("2026-01", "2026-12")


# ---- labels in both languages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "vi", "en"),
    [
        ("2025-08", "08/2025", "08/2025"),
        ("2025-01", "01/2025", "01/2025"),
        ("2025-Q3", "Quý 3/2025", "Q3 2025"),
        ("2025", "2025", "2025"),
        (None, "—", "—"),
    ],
)
def test_format_period(period: str | None, vi: str, en: str) -> None:
    assert format_period(period, "vi") == vi
    assert format_period(period, "en") == en
    frame = pl.DataFrame({"p": [period]}, schema={"p": pl.String})
    assert frame.select(period_text_expr("p", "vi")).item() == vi
    assert frame.select(period_text_expr("p", "en")).item() == en


def test_format_view_names_the_month_a_partial_period_is_judged_at() -> None:
    assert format_view("2026-Q4", "2026-10", "vi") == "Quý 4/2026 — đến 10/2026"
    assert format_view("2026", "2026-10", "en") == "2026 — to 10/2026"
    assert format_view("2026-Q3", "2026-09", "en") == "Q3 2026"  # judged whole
    assert format_view("2026-10", "2026-10", "vi") == "10/2026"
    assert format_view("2026-Q4", None, "vi") == "Quý 4/2026"


def test_shapes_and_frequencies_in_both_languages() -> None:
    assert period_shape(Q, "en") == 'a quarter like "2025-Q2"'
    assert period_shape(Y, "vi") == 'một năm dạng "2025"'
    assert period_shape(M, "vi") == 'một tháng dạng "2025-06"'
    assert [frequency_text(f, "vi") for f in (M, Q, Y)] == ["hằng tháng", "hằng quý", "hằng năm"]
    assert [frequency_text(f, "en") for f in (M, Q, Y)] == ["monthly", "quarterly", "yearly"]


# ---- the fast expressions on many rows ------------------------------------------------------------------------

MIXED = ["2024-12", "2025-01", "2025-08", "2025-09", "2025-10", "2024-Q4", "2025-Q2", "2025-Q3", "2025-Q4"]
MIXED += ["2024", "2025", "2023-06"]


@pytest.mark.parametrize("as_of", ["2025-08", "2025-09", "2025-Q3", "2025", "2025-02", "2024-12"])
def test_ended_by_matches_the_calendar(as_of: str) -> None:
    frame = pl.DataFrame({"period": MIXED}).with_columns(ended_by_expr(as_of).alias("ended"))
    expected = [period_end(p) <= period_end(as_of) for p in MIXED]
    assert frame["ended"].to_list() == expected


def test_frequency_codes_and_same_frequency() -> None:
    frame = pl.DataFrame({"a": MIXED, "b": list(reversed(MIXED))}).with_columns(
        frequency_code_expr("a").alias("code"), same_frequency_expr("a", "b").alias("same")
    )
    assert pl.DataFrame({"p": [*MIXED, "2025-13", "2025-8"]}).select(is_month_expr("p"))["p"].to_list() == [
        frequency_of(p) == M for p in MIXED
    ] + [False, False]
    names = {0: "monthly", 1: "quarterly", 2: "yearly"}
    assert [names[c] for c in frame["code"]] == [frequency_of(p).value for p in MIXED]
    assert frame["same"].to_list() == [
        frequency_of(a) == frequency_of(b) for a, b in zip(MIXED, frame["b"], strict=True)
    ]


@pytest.mark.parametrize("days", [10, 31, ReportDeadlines(monthly=10, quarterly=15, yearly=28)])
def test_report_deadline_expr_matches_python(days: int | ReportDeadlines) -> None:
    periods = [*MIXED, "2026-01", "2024-01"]  # February deadlines clamp to the month's last day
    frame = pl.DataFrame({"p": periods}).with_columns(report_deadline_expr("p", days).alias("d"))
    assert frame["d"].to_list() == [report_deadline(p, days) for p in periods]


@pytest.mark.parametrize(
    ("period", "stem"),
    [("2026-10", "10-2026"), ("2026-01", "01-2026"), ("2026-Q4", "2026-Q4"), ("2026", "2026")],
)
def test_a_period_names_a_file_the_way_people_say_it(period: str, stem: str) -> None:
    from ioc.period_labels import period_file_stem

    assert period_file_stem(period) == stem


def test_each_frequency_has_one_example_and_one_shape_in_both_languages() -> None:
    from ioc.period_labels import period_example, period_shape
    from ioc.periods import frequency_of, is_period

    for frequency in Frequency:
        example = period_example(frequency)
        assert is_period(example) and frequency_of(example) == frequency
        assert f'"{example}"' in period_shape(frequency, "en") and f'"{example}"' in period_shape(
            frequency, "vi"
        )
