"""Scoring (PRODUCT.md §5): hand-computed expected values, gaps, colours, reasons and trends."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ioc.scoring import SCORE_COLUMNS, composite, history, score, status_counts
from tests.helpers_scoring import (
    COMMUNES,
    DEPARTMENTS,
    PROVINCE,
    indicator,
    make_config,
    observations,
    row_of,
)

M = 30.4375  # days per month used for every pace

# The workhorse target: baseline 40 on 2025-06-30, target 80 by 2025-08-31 (62 days later).
# With as_of 2025-07 the reference period ends 2025-07-31, 31 days after the baseline — exactly half way:
#   expected = 40 + (80 − 40) × 31/62 = 60.
LINE = {"value": 80, "by": "2025-08-31", "baseline": {"value": 40, "at": "2025-06-30"}}
# The same, lower is better: baseline 60 → target 20; expected at 2025-07 = 60 − 40 × 31/62 = 40.
LOWER = {"value": 20, "by": "2025-08-31", "baseline": {"value": 60, "at": "2025-06-30"}}


def _score(
    ind: dict, rows: list[tuple], as_of: str = "2025-07", status: dict | None = None, unit: str = "90001"
):
    config = make_config(ind, status=status)
    return row_of(score(observations(*rows), config, as_of), ind["id"], unit)


# (id, indicator, observations, as_of, status rules, unit, expected columns)
CASES = [
    # ---- higher is better, straight line (expected 60 at 2025-07, tolerance 10 pp) ----
    pytest.param(indicator(target=LINE), [("rate", "90001", "2025-07", 85.0)], "2025-07", None, "90001",
                 {"status": "green", "expected": 60.0, "gap": -25.0, "tolerance": 10.0, "expected_kind": "line"},
                 id="higher-met"),
    pytest.param(indicator(target=LINE), [("rate", "90001", "2025-07", 80.0)], "2025-07", None, "90001",
                 {"status": "green", "gap": -20.0}, id="higher-exactly-target-is-met"),
    pytest.param(indicator(target=LINE), [("rate", "90001", "2025-07", 60.0)], "2025-07", None, "90001",
                 {"status": "green", "gap": 0.0}, id="value-equals-expected-green"),
    # gap = 60 − 50 = 10 = tolerance → amber (the boundary belongs to amber)
    pytest.param(indicator(target=LINE), [("rate", "90001", "2025-07", 50.0)], "2025-07", None, "90001",
                 {"status": "amber", "gap": 10.0}, id="gap-equals-tolerance-amber"),
    # gap = 60 − 49.9 = 10.1 > 10 → red
    pytest.param(indicator(target=LINE), [("rate", "90001", "2025-07", 49.9)], "2025-07", None, "90001",
                 {"status": "red", "gap": 10.1}, id="gap-over-tolerance-red"),
    # ---- lower is better (expected 40) ----
    # gap = value − expected = 45 − 40 = 5 → amber
    pytest.param(indicator(target=LOWER, direction="lower"), [("rate", "90001", "2025-07", 45.0)], "2025-07", None,
                 "90001", {"status": "amber", "expected": 40.0, "gap": 5.0}, id="lower-behind-amber"),
    # 38 < 40 → gap −2 → green on the path
    pytest.param(indicator(target=LOWER, direction="lower"), [("rate", "90001", "2025-07", 38.0)], "2025-07", None,
                 "90001", {"status": "green", "gap": -2.0}, id="lower-ahead-green"),
    # gap = 51 − 40 = 11 → red
    pytest.param(indicator(target=LOWER, direction="lower"), [("rate", "90001", "2025-07", 51.0)], "2025-07", None,
                 "90001", {"status": "red", "gap": 11.0}, id="lower-red"),
    # 15 ≤ target 20 → met
    pytest.param(indicator(target=LOWER, direction="lower"), [("rate", "90001", "2025-07", 15.0)], "2025-07", None,
                 "90001", {"status": "green", "gap": -25.0}, id="lower-met"),
    # ---- milestones ----
    # a milestone for exactly 2025-07 replaces the line: expected 70, gap 70 − 65 = 5 → amber
    pytest.param(indicator(target={**LINE, "milestones": [{"period": "2025-07", "value": 70}]}),
                 [("rate", "90001", "2025-07", 65.0)], "2025-07", None, "90001",
                 {"status": "amber", "expected": 70.0, "gap": 5.0, "expected_kind": "milestone"}, id="milestone-hit"),
    # a milestone for another month does not apply: the line (60) is used, 65 → green
    pytest.param(indicator(target={**LINE, "milestones": [{"period": "2025-06", "value": 70}]}),
                 [("rate", "90001", "2025-07", 65.0)], "2025-07", None, "90001",
                 {"status": "green", "expected": 60.0, "expected_kind": "line"}, id="milestone-other-period"),
    # ---- no baseline: expected = target ----
    # gap = 80 − 75 = 5 → amber
    pytest.param(indicator(), [("rate", "90001", "2025-07", 75.0)], "2025-07", None, "90001",
                 {"status": "amber", "expected": 80.0, "gap": 5.0, "expected_kind": "target"}, id="no-baseline-amber"),
    # gap = 80 − 65 = 15 → red
    pytest.param(indicator(), [("rate", "90001", "2025-07", 65.0)], "2025-07", None, "90001",
                 {"status": "red", "gap": 15.0}, id="no-baseline-red"),
    # before the baseline date the expected value is the baseline itself (as_of 2025-05 ends before
    # 2025-06-30): 40 − 35 = 5 → amber
    pytest.param(indicator(target=LINE), [("rate", "90001", "2025-05", 35.0)], "2025-05", None, "90001",
                 {"status": "amber", "expected": 40.0, "gap": 5.0}, id="before-baseline-clamped"),
    # ---- overrides ----
    # commune 90002 has target 90: line 40 → 90, expected 40 + 50 × ½ = 65; 60 → gap 5 → amber
    pytest.param(indicator(target=LINE, overrides=[{"unit": "90002", "value": 90}]),
                 [("rate", "90002", "2025-07", 60.0)], "2025-07", None, "90002",
                 {"status": "amber", "target": 90.0, "expected": 65.0, "gap": 5.0}, id="commune-override"),
    # 82 meets the default 80 but not 90: expected 65 → gap −17 → green on the path, not "met"
    pytest.param(indicator(target=LINE, overrides=[{"unit": "90002", "value": 90}]),
                 [("rate", "90002", "2025-07", 82.0)], "2025-07", None, "90002",
                 {"status": "green", "target": 90.0, "gap": -17.0}, id="commune-override-not-met"),
    # the override of another commune leaves 90001 alone
    pytest.param(indicator(target=LINE, overrides=[{"unit": "90002", "value": 90}]),
                 [("rate", "90001", "2025-07", 60.0)], "2025-07", None, "90001",
                 {"status": "green", "target": 80.0, "expected": 60.0}, id="override-other-commune"),
    # department so_y_te: target 60 by 2025-07-31 — its deadline is the end of the reference month (not
    # passed), the line is clamped at the deadline → expected 60; 55 → gap 5 → amber
    pytest.param(indicator(levels=["department"], target=LINE,
                           overrides=[{"unit": "so_y_te", "value": 60, "by": "2025-07-31"}]),
                 [("rate", "so_y_te", "2025-07", 55.0)], "2025-07", None, "so_y_te",
                 {"status": "amber", "target": 60.0, "deadline": dt.date(2025, 7, 31), "expected": 60.0},
                 id="department-override"),
    # ---- missing and stale ----
    pytest.param(indicator(target=LINE), [("rate", "90002", "2025-07", 60.0)], "2025-07", None, "90001",
                 {"status": "no_data", "value": None, "period": None, "trend": "insufficient", "n_points": 0},
                 id="no-data"),
    # latest 2025-06, reference 2025-07: lag 1 > stale_after_periods 0 → stale
    pytest.param(indicator(target=LINE), [("rate", "90001", "2025-06", 60.0)], "2025-07", None, "90001",
                 {"status": "stale", "lag": 1, "period": "2025-06"}, id="stale"),
    # the same with stale_after_periods 1: judged against the 2025-07 expected value (60 − 60 = 0 → green)
    pytest.param(indicator(target=LINE), [("rate", "90001", "2025-06", 60.0)], "2025-07",
                 {"stale_after_periods": 1}, "90001", {"status": "green", "lag": 1}, id="stale-allowed"),
    # lag 2 > 1 → stale again
    pytest.param(indicator(target=LINE), [("rate", "90001", "2025-05", 60.0)], "2025-07",
                 {"stale_after_periods": 1}, "90001", {"status": "stale", "lag": 2}, id="stale-beyond-allowance"),
    # a value after the as_of period is not used
    pytest.param(indicator(target=LINE), [("rate", "90001", "2025-07", 60.0), ("rate", "90001", "2025-08", 10.0)],
                 "2025-07", None, "90001", {"status": "green", "value": 60.0, "n_points": 1}, id="future-ignored"),
    # ---- deadline passed (deadline 2025-06-30, reference month ends 2025-07-31) ----
    # expected = target 80; 75 → gap 5 → amber
    pytest.param(indicator(target={"value": 80, "by": "2025-06-30"}), [("rate", "90001", "2025-07", 75.0)],
                 "2025-07", None, "90001", {"status": "amber", "expected": 80.0, "gap": 5.0, "pace_needed": None},
                 id="deadline-passed-amber"),
    pytest.param(indicator(target={"value": 80, "by": "2025-06-30"}), [("rate", "90001", "2025-07", 60.0)],
                 "2025-07", None, "90001", {"status": "red", "gap": 20.0}, id="deadline-passed-red"),
    pytest.param(indicator(target={"value": 80, "by": "2025-06-30"}), [("rate", "90001", "2025-07", 81.0)],
                 "2025-07", None, "90001", {"status": "green"}, id="deadline-passed-met"),
    # ---- tolerance: absolute pp for percent, relative % for other units, per indicator ----
    # count, target 1000: tolerance = 10 % × 1000 = 100; 900 → gap 100 → amber
    pytest.param(indicator(unit="count", target={"value": 1000, "by": "2025-12-31"}),
                 [("rate", "90001", "2025-07", 900.0)], "2025-07", None, "90001",
                 {"status": "amber", "tolerance": 100.0, "gap": 100.0}, id="count-relative-tolerance-amber"),
    pytest.param(indicator(unit="count", target={"value": 1000, "by": "2025-12-31"}),
                 [("rate", "90001", "2025-07", 899.0)], "2025-07", None, "90001",
                 {"status": "red", "gap": 101.0}, id="count-relative-tolerance-red"),
    # money: 20 % of 2,000,000 = 400,000; 1,700,000 → gap 300,000 → amber
    pytest.param(indicator(unit="money", amber_tolerance=20, target={"value": 2_000_000, "by": "2025-12-31"}),
                 [("rate", "90001", "2025-07", 1_700_000.0)], "2025-07", None, "90001",
                 {"status": "amber", "tolerance": 400_000.0}, id="money-indicator-tolerance"),
    # percent with the indicator's own tolerance 5 pp: gap 80 − 74 = 6 → red (the default 10 would say amber)
    pytest.param(indicator(amber_tolerance=5), [("rate", "90001", "2025-07", 74.0)], "2025-07", None, "90001",
                 {"status": "red", "tolerance": 5.0}, id="indicator-tolerance"),
    # the file-wide default changed to 3 pp: gap 2 → amber, 4 → red
    pytest.param(indicator(), [("rate", "90001", "2025-07", 78.0)], "2025-07", {"amber_tolerance": 3}, "90001",
                 {"status": "amber", "tolerance": 3.0}, id="default-tolerance-amber"),
    pytest.param(indicator(), [("rate", "90001", "2025-07", 76.0)], "2025-07", {"amber_tolerance": 3}, "90001",
                 {"status": "red"}, id="default-tolerance-red"),
    # ---- frequencies under a monthly as_of ----
    # quarterly: as_of 2025-08 → reference 2025-Q2 (Q3 has not ended); the Q3 value is ignored
    pytest.param(indicator(frequency="quarterly"),
                 [("rate", "90001", "2025-Q2", 82.0), ("rate", "90001", "2025-Q3", 10.0)], "2025-08", None, "90001",
                 {"status": "green", "period": "2025-Q2", "reference_period": "2025-Q2", "lag": 0},
                 id="quarterly-under-monthly"),
    # yearly: as_of 2025-08 → reference 2024; the 2025 value is ignored; 80 − 69 = 11 → red
    pytest.param(indicator(frequency="yearly"), [("rate", "90001", "2024", 69.0), ("rate", "90001", "2025", 99.0)],
                 "2025-08", None, "90001",
                 {"status": "red", "period": "2024", "reference_period": "2024", "value": 69.0, "gap": 11.0},
                 id="yearly-under-monthly"),
    # a stray quarterly row under a monthly indicator is not used ("2025-Q3" sorts after "2025-09")
    pytest.param(indicator(), [("rate", "90001", "2025-09", 75.0), ("rate", "90001", "2025-Q3", 99.0)], "2025-09",
                 None, "90001", {"period": "2025-09", "value": 75.0, "n_points": 1}, id="other-frequency-ignored"),
]  # fmt: skip


@pytest.mark.parametrize(("ind", "rows", "as_of", "status", "unit", "expected"), CASES)
def test_status(
    ind: dict, rows: list[tuple], as_of: str, status: dict | None, unit: str, expected: dict
) -> None:
    got = _score(ind, rows, as_of, status, unit)
    for key, want in expected.items():
        if isinstance(want, float):
            assert got[key] == pytest.approx(want, abs=1e-9), key
        else:
            assert got[key] == want, key


# ---- trend: q = r_obs / r_req, by hand ----------------------------------------------------------------
# LINE with as_of 2025-07: b = 40 at t_b = 2025-06-30; t = 2025-07-31 (31 days); T = 2025-08-31 (62 days)
#   r_req = (80 − 40) / (62/M) = 40·M/62 ; r_obs = (x − 40) / (31/M) ; q = 2(x − 40)/40
TREND_CASES = [
    pytest.param(60.0, "on_track", 1.0, id="q=1-on-track"),  # q = 2·20/40 = 1
    pytest.param(55.0, "improving", 0.75, id="q=0.75-improving"),  # q = 2·15/40
    pytest.param(45.0, "stagnating", 0.25, id="q=0.25-stagnating"),  # q = 2·5/40
    pytest.param(40.0, "stagnating", 0.0, id="q=0-stagnating"),  # no movement at all
    pytest.param(35.0, "worsening", -0.25, id="r_obs<0-worsening"),  # q = 2·(−5)/40
    pytest.param(80.0, "on_track", 2.0, id="target-met-on-track"),  # met; q = 2·40/40
]


@pytest.mark.parametrize(("x", "trend", "q"), TREND_CASES)
def test_trend_with_baseline(x: float, trend: str, q: float) -> None:
    got = _score(indicator(target=LINE), [("rate", "90001", "2025-07", x)])
    assert got["trend"] == trend
    assert got["q"] == pytest.approx(q)
    assert got["r_req"] == pytest.approx(40 * M / 62)  # 19.637… per month
    assert got["r_obs"] == pytest.approx((x - 40) * M / 31)
    assert got["months_left"] == pytest.approx(31 / M)  # 2025-07-31 → 2025-08-31


def test_trend_labels_both_languages() -> None:
    labels = {
        55.0: ("Cải thiện vừa phải", "Moderately improving"),
        45.0: ("Chững lại", "Stagnating"),
        35.0: ("Đi xuống", "Worsening"),
        60.0: ("Đúng tiến độ", "On track"),
    }
    for x, (vi, en) in labels.items():
        got = _score(indicator(target=LINE), [("rate", "90001", "2025-07", x)])
        assert (got["trend_vi"], got["trend_en"]) == (vi, en)
    got = _score(indicator(), [("rate", "90001", "2025-07", 60.0)])
    assert (got["trend"], got["trend_vi"], got["trend_en"]) == (
        "insufficient",
        "Chưa đủ số liệu",
        "Not enough data",
    )


def test_trend_lower_is_better_flips_signs() -> None:
    # LOWER: b = 60 → x* = 20; x = 45. Raw paces are negative; flipped: r_obs = 15·M/31, r_req = 40·M/62,
    # q = (15/31)/(40/62) = 0.75 → improving (and amber: 45 − 40 = 5 behind)
    got = _score(indicator(target=LOWER, direction="lower"), [("rate", "90001", "2025-07", 45.0)])
    assert got["r_obs"] == pytest.approx(15 * M / 31)
    assert got["r_req"] == pytest.approx(40 * M / 62)
    assert got["q"] == pytest.approx(0.75)
    assert (got["trend"], got["status"]) == ("improving", "amber")
    # pace still needed, in the indicator's own direction: (20 − 45) / (31/M) per month
    assert got["pace_needed"] == pytest.approx(-25 * M / 31)


def test_trend_without_baseline_uses_first_value() -> None:
    # no declared baseline: b = 50 at t_b = 2025-05-31 (the earliest value); x = 60 at t = 2025-07-31 (61 days);
    # T = 2025-08-31 (92 days after t_b). r_obs = 10·M/61, r_req = 30·M/92, q = (10/61)/(30/92) = 0.5027…
    ind = indicator(target={"value": 80, "by": "2025-08-31"})
    got = _score(ind, [("rate", "90001", "2025-05", 50.0), ("rate", "90001", "2025-07", 60.0)])
    assert got["q"] == pytest.approx((10 / 61) / (30 / 92))
    assert got["n_points"] == 2
    # colour and trend are separate: expected = target 80, gap 20 → red, yet moderately improving
    assert (got["status"], got["trend"]) == ("red", "improving")


def test_trend_insufficient_cases() -> None:
    # one value and no baseline: fewer than two points
    got = _score(indicator(), [("rate", "90001", "2025-07", 60.0)])
    assert got["trend"] == "insufficient" and got["q"] is None
    # a declared baseline at the very end of the value's period: t ≤ t_b
    ind = indicator(target={"value": 80, "by": "2025-12-31", "baseline": {"value": 40, "at": "2025-07-31"}})
    got = _score(ind, [("rate", "90001", "2025-07", 60.0)])
    assert got["trend"] == "insufficient"


def test_trend_target_met_and_held() -> None:
    # the baseline (85) already met the target (80): still met at 82 → on track despite falling
    ind = indicator(target={"value": 80, "by": "2025-08-31", "baseline": {"value": 85, "at": "2025-06-30"}})
    got = _score(ind, [("rate", "90001", "2025-07", 82.0)])
    assert (got["trend"], got["status"]) == ("on_track", "green")
    assert got["r_obs"] < 0
    # fallen below it (78): worsening
    got = _score(ind, [("rate", "90001", "2025-07", 78.0)])
    assert got["trend"] == "worsening"


def test_months_left_and_pace_needed() -> None:
    # x = 55 at 2025-07-31, target 80 by 2025-08-31: 31 days = 31/M months left; pace = 25 / (31/M) per month
    got = _score(indicator(target=LINE), [("rate", "90001", "2025-07", 55.0)])
    assert got["months_left"] == pytest.approx(1.0184804928)
    assert got["pace_needed"] == pytest.approx(25 / (31 / M))
    # met → no pace needed
    assert _score(indicator(target=LINE), [("rate", "90001", "2025-07", 85.0)])["pace_needed"] is None
    # deadline passed → months_left 0 and no pace
    got = _score(indicator(target={"value": 80, "by": "2025-06-30"}), [("rate", "90001", "2025-07", 70.0)])
    assert got["months_left"] == 0.0 and got["pace_needed"] is None


# ---- reasons: exact sentences in both languages --------------------------------------------------------
REASONS = [
    pytest.param(indicator(target=LINE), [("rate", "90001", "2025-07", 85.0)],
                 "85,0% — đã đạt mục tiêu 80,0%", "85.0% — target 80.0% met", id="met"),
    pytest.param(indicator(target=LINE), [("rate", "90001", "2025-07", 60.0)],
                 "60,0% — mức kỳ vọng 07/2025 là 60,0% → đạt hoặc vượt kế hoạch",
                 "60.0% — expected for 07/2025 is 60.0% → at or ahead of plan", id="on-path-line"),
    pytest.param(indicator(target={**LINE, "milestones": [{"period": "2025-07", "value": 70}]}),
                 [("rate", "90001", "2025-07", 72.0)],
                 "72,0% — mốc 07/2025 là 70,0% → đạt hoặc vượt kế hoạch",
                 "72.0% — milestone for 07/2025 is 70.0% → at or ahead of plan", id="on-path-milestone"),
    pytest.param(indicator(target=LINE), [("rate", "90001", "2025-07", 55.0)],
                 "55,0% — chậm 5,0 điểm % so với mức kỳ vọng 07/2025 là 60,0% (ngưỡng 10,0 điểm %)",
                 "55.0% — 5.0 pp behind 60.0%, the expected value for 07/2025 (tolerance 10.0 pp)", id="amber"),
    pytest.param(indicator(target={**LINE, "milestones": [{"period": "2025-07", "value": 70}]}),
                 [("rate", "90001", "2025-07", 56.6)],
                 "56,6% — chậm 13,4 điểm % so với mốc 07/2025 là 70,0% (ngưỡng 10,0 điểm %)",
                 "56.6% — 13.4 pp behind 70.0%, the milestone for 07/2025 (tolerance 10.0 pp)", id="red-milestone"),
    pytest.param(indicator(target={"value": 80, "by": "2025-06-30"}), [("rate", "90001", "2025-07", 75.0)],
                 "75,0% — hạn 30/06/2025 đã qua, chưa đạt 80,0% (chậm 5,0 điểm %, ngưỡng 10,0 điểm %)",
                 "75.0% — deadline 30 Jun 2025 passed, target 80.0% not met (5.0 pp behind, tolerance 10.0 pp)",
                 id="deadline-passed"),
    pytest.param(indicator(target=LINE), [("rate", "90001", "2025-05", 60.0)],
                 "số liệu gần nhất 05/2025 — quá hạn báo cáo", "latest value is from 05/2025 — report overdue",
                 id="stale"),
    pytest.param(indicator(target=LINE), [], "chưa có số liệu cho 07/2025", "no data for 07/2025", id="no-data"),
    # counts are written with thousands grouping; the tolerance is 10 % of 2,000 = 200
    pytest.param(indicator(unit="count", target={"value": 2000, "by": "2025-12-31"}),
                 [("rate", "90001", "2025-07", 1672.0)],
                 "1.672 — chậm 328 so với mục tiêu 2.000 (ngưỡng 200)",
                 "1,672 — 328 behind 2,000, the target (tolerance 200)", id="count-grouping"),
    pytest.param(indicator(unit="money", target={"value": 2_500_000, "by": "2025-12-31"}),
                 [("rate", "90001", "2025-07", 2_600_000.0)],
                 "2.600.000 ₫ — đã đạt mục tiêu 2.500.000 ₫", "2,600,000 VND — target 2,500,000 VND met", id="money"),
    pytest.param(indicator(frequency="quarterly"), [], "chưa có số liệu cho Quý 2/2025", "no data for Q2 2025",
                 id="quarter-text"),
]  # fmt: skip


@pytest.mark.parametrize(("ind", "rows", "vi", "en"), REASONS)
def test_reason_texts(ind: dict, rows: list[tuple], vi: str, en: str) -> None:
    got = _score(ind, rows)
    assert got["reason_vi"] == vi
    assert got["reason_en"] == en


def test_every_row_has_words_matching_its_colour() -> None:
    config = make_config(indicator(target=LINE))
    obs = observations(
        ("rate", "90001", "2025-07", 85.0),
        ("rate", "90002", "2025-07", 55.0),
        ("rate", "90003", "2025-07", 20.0),
        ("rate", "90004", "2025-05", 1.0),
    )
    scores = score(obs, config, "2025-07")
    words = {
        "green": ("đã đạt", "met"),
        "amber": ("chậm", "behind"),
        "red": ("chậm", "behind"),
        "stale": ("quá hạn báo cáo", "report overdue"),
        "no_data": ("chưa có số liệu", "no data"),
    }
    assert set(scores["status"]) == set(words)
    for status, vi, en in scores.select("status", "reason_vi", "reason_en").iter_rows():
        assert words[status][0] in vi and words[status][1] in en, (status, vi, en)


# ---- shape of the output -----------------------------------------------------------------------------------


def test_one_row_per_unit_at_every_level_sorted() -> None:
    config = make_config(
        indicator("b_rate", levels=["province", "department", "commune"]),
        indicator("a_rate", levels=["commune"]),
    )
    scores = score(observations(("b_rate", "90003", "2025-07", 90.0)), config, "2025-07")
    assert scores.columns == list(SCORE_COLUMNS)
    # a_rate: its province roll-up (the headline of a commune-level indicator) + 4 communes;
    # b_rate: province + 2 departments + 4 communes
    assert scores.height == 1 + 4 + 1 + 2 + 4
    assert scores.select("indicator", "level", "unit_code").rows() == [
        ("a_rate", "province", PROVINCE),
        *(("a_rate", "commune", c) for c in COMMUNES),
        ("b_rate", "province", PROVINCE),
        *(("b_rate", "department", d) for d in sorted(DEPARTMENTS)),
        *(("b_rate", "commune", c) for c in COMMUNES),
    ]
    assert scores.filter(pl.col("status") != "no_data")["unit_code"].to_list() == ["90003"]


def test_unknown_units_and_indicators_are_ignored() -> None:
    config = make_config(indicator())
    obs = observations(("rate", "12345", "2025-07", 90.0), ("unknown", "90001", "2025-07", 90.0))
    scores = score(obs, config, "2025-07")
    assert set(scores["status"]) == {"no_data"}


def test_explicit_units_frame() -> None:
    config = make_config(indicator())
    units = pl.DataFrame({"unit_code": ["90002"], "level": ["commune"]})
    scores = score(observations(("rate", "90002", "2025-07", 90.0)), config, "2025-07", units=units)
    assert scores.select("unit_code", "status").rows() == [("90002", "green")]


def test_carries_submission_and_numerator() -> None:
    config = make_config(indicator())
    obs = observations(
        ("rate", "90001", "2025-06", 50.0, 5.0, 10.0), ("rate", "90001", "2025-07", 85.0, 17.0, 20.0)
    )
    accepted = [dt.datetime(2025, 7, 2, 9, 0), dt.datetime(2025, 8, 3, 10, 30)]
    obs = obs.with_columns(
        pl.Series("submission_id", [11, 12], dtype=pl.Int64),
        pl.Series("accepted_at", accepted, dtype=pl.Datetime("us")),
    )
    got = row_of(score(obs, config, "2025-07"), "rate", "90001")
    assert (got["value"], got["numerator"], got["denominator"]) == (85.0, 17.0, 20.0)
    assert (got["submission_id"], got["accepted_at"]) == (12, accepted[1])
    assert got["n_points"] == 2


def test_null_and_nan_values_are_not_data() -> None:
    config = make_config(indicator())
    obs = observations(("rate", "90001", "2025-07", None), ("rate", "90002", "2025-07", float("nan")))
    scores = score(obs, config, "2025-07")
    assert set(scores["status"]) == {"no_data"}


def test_malformed_period_is_skipped() -> None:
    # "2025-13" sorts after every real month of 2025 but is not a period: the 2025-07 value is used
    config = make_config(indicator())
    obs = observations(("rate", "90001", "2025-07", 85.0), ("rate", "90001", "2024-13", 10.0))
    got = row_of(score(obs, config, "2025-07"), "rate", "90001")
    assert (got["period"], got["value"]) == ("2025-07", 85.0)


def test_empty_observations() -> None:
    config = make_config(indicator())
    scores = score(observations(), config, "2025-07")
    assert scores.height == 5 and set(scores["status"]) == {"no_data"}


# ---- history ------------------------------------------------------------------------------------------------


def test_history_expected_path() -> None:
    config = make_config(indicator(target={**LINE, "milestones": [{"period": "2025-07", "value": 70}]}))
    obs = observations(("rate", PROVINCE, "2025-07", 55.0), ("rate", PROVINCE, "2025-10", 90.0))
    h = history(obs, config, "rate", PROVINCE)
    assert h.columns == ["period", "period_end", "value", "expected", "target"]
    # baseline month 2025-06 (40), the milestone 2025-07 (70), the deadline month 2025-08 (80), then the
    # observed 2025-10 after the deadline (target)
    assert h.rows() == [
        ("2025-06", dt.date(2025, 6, 30), None, 40.0, 80.0),
        ("2025-07", dt.date(2025, 7, 31), 55.0, 70.0, 80.0),
        ("2025-08", dt.date(2025, 8, 31), None, 80.0, 80.0),
        ("2025-10", dt.date(2025, 10, 31), 90.0, 80.0, 80.0),
    ]


def test_history_with_override_uses_the_line() -> None:
    # 90002's own target 90 ignores the province-wide milestone: 40 → 90 over 62 days, 65 at 2025-07
    ind = indicator(
        target={**LINE, "milestones": [{"period": "2025-07", "value": 70}]},
        overrides=[{"unit": "90002", "value": 90}],
    )
    h = history(observations(), make_config(ind), "rate", "90002")
    assert h["expected"].to_list() == pytest.approx([40.0, 65.0, 90.0])
    assert set(h["target"]) == {90.0}


# ---- scorecards -----------------------------------------------------------------------------------------------


def _composite_config():
    pillars = [
        {"id": "gov", "name": {"vi": "Chính quyền số", "en": "Digital government"}, "weight": 2},
        {"id": "eco", "name": {"vi": "Kinh tế số", "en": "Digital economy"}, "weight": 1},
    ]
    return make_config(
        indicator("a", levels=["commune"]),
        indicator("b", levels=["commune"], weight=2),
        indicator("c", levels=["commune"], pillar="eco"),
        pillars=pillars,
    )


def test_composite_and_rank_with_ties() -> None:
    # weights = indicator × pillar: a 1×2 = 2, b 2×2 = 4, c 1×1 = 1 (Σ 7). Green = value ≥ 80, red = 60.
    #   90001: a, b green, c red        → (2 + 4)/7 = 6/7
    #   90002: a red, b, c green        → (4 + 1)/7 = 5/7
    #   90003: a, b green, c no data    → 6/7 (tie with 90001: both rank 1)
    #   90004: nothing                  → 0 → rank 4
    rows = [
        ("a", "90001", "2025-07", 85.0), ("b", "90001", "2025-07", 85.0), ("c", "90001", "2025-07", 60.0),
        ("a", "90002", "2025-07", 60.0), ("b", "90002", "2025-07", 85.0), ("c", "90002", "2025-07", 85.0),
        ("a", "90003", "2025-07", 85.0), ("b", "90003", "2025-07", 85.0),
    ]  # fmt: skip
    config = _composite_config()
    scores = score(observations(*rows), config, "2025-07")
    comp = composite(scores, config, "commune")
    assert comp["unit_code"].to_list() == ["90001", "90003", "90002", "90004"]
    assert comp["rank"].to_list() == [1, 1, 3, 4]
    assert comp["composite"].to_list() == pytest.approx([6 / 7, 6 / 7, 5 / 7, 0.0])
    first = comp.row(0, named=True)
    assert (first["n_green"], first["n_red"], first["n_amber"], first["n_no_data"], first["n_total"]) == (
        2,
        1,
        0,
        0,
        3,
    )
    assert comp.filter(pl.col("unit_code") == "90003")["n_no_data"].item() == 1


def test_status_counts() -> None:
    config = _composite_config()
    rows = [("a", "90001", "2025-07", 85.0), ("a", "90002", "2025-07", 75.0), ("c", "90001", "2025-07", 60.0)]
    counts = status_counts(score(observations(*rows), config, "2025-07"))
    # each commune-level indicator also has its province row (no data here: nothing was rolled up)
    assert counts.rows(named=True) == [
        {
            "pillar": "eco",
            "n_green": 0,
            "n_amber": 0,
            "n_red": 1,
            "n_stale": 0,
            "n_no_data": 4,
            "n_no_target": 0,
            "n_total": 5,
        },
        {
            "pillar": "gov",
            "n_green": 1,
            "n_amber": 1,
            "n_red": 0,
            "n_stale": 0,
            "n_no_data": 8,
            "n_no_target": 0,
            "n_total": 10,
        },
    ]
    by_two = status_counts(score(observations(*rows), config, "2025-07"), by=["pillar", "indicator"])
    assert by_two.height == 3


def test_quarter_and_year_as_of() -> None:
    # as_of 2025-Q3: monthly indicators are judged at 2025-09, quarterly at 2025-Q3, yearly at 2024;
    # as_of 2025: 2025-12, 2025-Q4 and 2025.
    config = make_config(
        indicator("m"), indicator("q", frequency="quarterly"), indicator("y", frequency="yearly")
    )
    obs = observations(
        ("m", "90001", "2025-09", 85.0),
        ("m", "90001", "2025-10", 10.0),
        ("q", "90001", "2025-Q3", 85.0),
        ("y", "90001", "2024", 85.0),
        ("y", "90001", "2025", 10.0),
    )
    q3 = score(obs, config, "2025-Q3")
    assert [row_of(q3, i, "90001")["reference_period"] for i in "mqy"] == ["2025-09", "2025-Q3", "2024"]
    assert [row_of(q3, i, "90001")["status"] for i in "mqy"] == ["green", "green", "green"]
    year = score(obs, config, "2025")
    assert [row_of(year, i, "90001")["reference_period"] for i in "mqy"] == ["2025-12", "2025-Q4", "2025"]
    # the monthly value is two months old (stale), the quarter one behind (stale), the year's is red
    assert [row_of(year, i, "90001")["status"] for i in "mqy"] == ["stale", "stale", "red"]


def test_history_for_a_unit_with_an_override_on_another_indicator() -> None:
    # 90002 has its own target on "other" only; the chart of "rate" for 90002 must still draw (it once
    # raised "None is not a valid MeasureUnit" while writing the other indicator's reason)
    config = make_config(indicator(), indicator("other", overrides=[{"unit": "90002", "value": 95}]))
    h = history(observations(("rate", "90002", "2025-07", 55.0)), config, "rate", "90002")
    assert h.filter(pl.col("period") == "2025-07")["value"].to_list() == [55.0]
    assert set(h["target"]) == {80.0}
