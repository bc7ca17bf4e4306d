"""What a leader reads beside every colour: periods not yet due, rounding, deadlines, milestones, unit targets.

Each test reproduces a defect found by users on the demo (a view of Q4/2026 on 1/12/2026 calling October's
data stale, "behind by 0" in amber, two texts disagreeing on the deadline, the expected path jumping back
after a milestone, a commune held to a share that rounds to zero) and pins the rule of PRODUCT §5.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest

from ioc.i18n import format_pace
from ioc.period_labels import format_view
from ioc.periods import judged_month, last_due_month, report_deadline
from ioc.scoring import composite, history, score
from ioc.target_path import indicator_path
from ioc.views import decorate, headline, overview
from tests.helpers_scoring import COMMUNES, PROVINCE, indicator, make_config, observations, row_of

DEC_1 = dt.date(2026, 12, 1)  # the demo's "today": the latest report due is October's
TARGET_2026 = {"value": 80, "by": "2026-12-31", "baseline": {"value": 40, "at": "2025-12-31"}}


# ---- which months are due -----------------------------------------------------------------------------------


def test_reports_fall_due_on_the_tenth_of_the_following_month() -> None:
    assert report_deadline("2026-10") == dt.date(2026, 11, 10)
    assert report_deadline("2026-Q3") == dt.date(2026, 10, 10)
    assert report_deadline("2025") == dt.date(2026, 1, 10)
    assert last_due_month(DEC_1) == "2026-10"
    assert last_due_month(dt.date(2026, 12, 10)) == "2026-11"
    assert last_due_month(dt.date(2026, 12, 9)) == "2026-10"


@pytest.mark.parametrize(
    ("as_of", "judged"),
    [
        ("2026-Q4", "2026-10"),
        ("2026", "2026-10"),
        ("2026-Q3", "2026-09"),
        ("2026-11", "2026-11"),
        ("2025", "2025-12"),
    ],
)
def test_a_period_not_yet_due_is_judged_at_its_latest_month_due(as_of: str, judged: str) -> None:
    assert judged_month(as_of, DEC_1) == judged


def test_the_view_says_how_far_it_goes() -> None:
    assert format_view("2026-Q4", judged_month("2026-Q4", DEC_1), "vi") == "Quý 4/2026 — đến 10/2026"
    assert format_view("2026", judged_month("2026", DEC_1), "en") == "2026 — to 10/2026"
    assert format_view("2026-Q3", judged_month("2026-Q3", DEC_1), "vi") == "Quý 3/2026"


# ---- defect: quarter and year views called current data stale ------------------------------------------------


def _current_year_config():
    return make_config(
        indicator("monthly_rate", target={**TARGET_2026, "milestones": [{"period": "2026-12", "value": 80}]}),
        indicator("quarterly_rate", frequency="quarterly", target=TARGET_2026),
        indicator("yearly_rate", frequency="yearly", target=TARGET_2026),
    )


def _current_year_obs() -> pl.DataFrame:
    return observations(
        ("monthly_rate", "90001", "2026-09", 58.0),
        ("monthly_rate", "90001", "2026-10", 60.0),
        ("quarterly_rate", "90001", "2026-Q3", 60.0),
        ("yearly_rate", "90001", "2025", 45.0),
        ("monthly_rate", "90002", "2026-08", 60.0),  # September and October were due and are missing
    )


@pytest.mark.parametrize("as_of", ["2026-Q4", "2026", "2026-11"])
def test_current_data_is_not_stale_in_a_period_not_yet_due(as_of: str) -> None:
    scores = score(_current_year_obs(), _current_year_config(), as_of, today=DEC_1)
    for ind in ("monthly_rate", "quarterly_rate", "yearly_rate"):
        row = row_of(scores, ind, "90001")
        assert row["status"] != "stale", (ind, row["reason_vi"])
    # a report that was due and is missing is stale
    assert row_of(scores, "monthly_rate", "90002")["status"] == "stale"


def test_a_period_not_yet_due_is_judged_against_its_latest_month_due_not_the_december_milestone() -> None:
    row = row_of(
        score(_current_year_obs(), _current_year_config(), "2026-Q4", today=DEC_1), "monthly_rate", "90001"
    )
    assert row["reference_period"] == "2026-10" and row["judged_month"] == "2026-10"
    # 40 → 80 over 2026: at 31/10/2026 the line stands at 40 + 40 × 304/365 = 73.3, not the December 80
    assert row["expected"] == pytest.approx(40 + 40 * 304 / 365)
    assert "10/2026" in row["reason_vi"] and "12/2026" not in row["reason_vi"]


def test_judged_as_a_whole_without_a_clock() -> None:
    row = row_of(
        score(_current_year_obs(), _current_year_config(), "2026-Q4", today=None), "monthly_rate", "90001"
    )
    assert row["reference_period"] == "2026-12" and row["status"] == "stale"


def test_most_improved_never_lists_a_stale_value() -> None:
    config = make_config(indicator("a", levels=["province"]), indicator("b", levels=["province"]))
    obs = observations(
        ("a", PROVINCE, "2025-06", 50.0),
        ("a", PROVINCE, "2025-07", 60.0),
        ("b", PROVINCE, "2025-05", 10.0),
        ("b", PROVINCE, "2025-06", 70.0),  # improved a lot, but by 2025-07 it is stale
    )
    today = dt.date(2026, 1, 1)
    o = overview(
        score(obs, config, "2025-07", today=today), score(obs, config, "2025-06", today=today), config, "vi"
    )
    assert o.improved["indicator"].to_list() == ["a"]


# ---- defect: rounding made reasons contradict colours ---------------------------------------------------------


def _numbers(text: str) -> list[float]:
    return [float(n.replace(".", "").replace(",", ".")) for n in re.findall(r"\d[\d.]*(?:,\d+)?", text)]


def test_a_count_behind_by_less_than_one_shows_the_decimals_it_needs() -> None:
    # 3 against an expected 3.4 (target 4 from baseline 2, line): red, never "chậm 0 … là 3"
    ind = indicator(
        unit="count",
        target={"value": 4, "by": "2025-08-31", "baseline": {"value": 2, "at": "2025-02-28"}},
    )
    row = row_of(
        score(observations(("rate", "90001", "2025-07", 3.0)), make_config(ind), "2025-07"), "rate", "90001"
    )
    assert row["status"] in ("amber", "red")
    assert "chậm 0 " not in row["reason_vi"] and " 0 behind" not in row["reason_en"]
    gap = re.search(r"chậm ([\d,]+)", row["reason_vi"]).group(1)
    assert float(gap.replace(",", ".")) > 0
    value_text, expected_text = re.search(
        r"^([\d,.]+) — chậm [\d,]+ so với .* là ([\d,.]+)", row["reason_vi"]
    ).groups()
    assert value_text != expected_text


@pytest.mark.parametrize("unit", ["percent", "count", "ratio"])
def test_reason_numbers_never_contradict_the_colour(unit: str) -> None:
    # values spread finely around the expected value and the tolerance boundary
    ind = indicator(unit=unit, decimals=0, target=LINE_T, amber_tolerance=1)
    values = [60 - k * 0.05 for k in range(0, 60)]
    codes = [f"9{k:04d}" for k in range(len(values))]
    config = make_config(ind)
    units = pl.DataFrame({"unit_code": codes, "level": ["commune"] * len(codes)})
    obs = observations(*[("rate", c, "2025-07", v) for c, v in zip(codes, values, strict=True)])
    scores = score(obs, config, "2025-07", units=units)
    checked = 0
    for status, vi in scores.select("status", "reason_vi").iter_rows():
        if status not in ("amber", "red"):
            continue
        nums = _numbers(vi)
        value, gap, expected, tol = nums[0], nums[1], nums[-2], nums[-1]
        assert gap > 0 and value != expected, vi
        assert round(abs(expected - value), 6) == round(gap, 6), vi  # the numbers add up as written
        assert (gap <= tol) if status == "amber" else (gap > tol), vi
        checked += 1
    assert checked > 20


LINE_T = {"value": 80, "by": "2025-08-31", "baseline": {"value": 40, "at": "2025-06-30"}}


def test_pace_is_written_in_the_unit_per_month_with_a_significant_digit() -> None:
    assert format_pace(3.33, "percent", "vi", 1) == "+3,3 điểm %/tháng"
    assert format_pace(3.33, "percent", "en", 1) == "+3.3 pp/month"
    assert format_pace(-0.5, "count", "vi", 0) == "−0,5/tháng"
    assert format_pace(0.004, "percent", "en", 1) == "+0.004 pp/month"
    assert format_pace(1672.4, "count", "vi", 0) == "+1.672/tháng"


def test_months_left_count_from_the_period_viewed() -> None:
    # a yearly value for 2025, viewed at 10/2026, deadline 31/12/2026: two months left, not twelve
    config = make_config(indicator("y", frequency="yearly", target=TARGET_2026))
    scores = score(observations(("y", "90001", "2025", 45.0)), config, "2026-10", today=DEC_1)
    row = decorate(scores.filter(pl.col("unit_code") == "90001"), config, "vi").row(0, named=True)
    assert row["months_left"] == pytest.approx(61 / 30.4375)
    assert "2 tháng còn lại" in row["trend_reason"]
    assert "điểm %/tháng" in row["trend_reason"]


# ---- defect: the two texts of a row disagreed on the deadline -------------------------------------------------


@pytest.mark.parametrize(("as_of", "passed"), [("2025-12", False), ("2026-01", True)])
def test_status_and_trend_agree_on_the_deadline(as_of: str, passed: bool) -> None:
    target = {"value": 80, "by": "2025-12-31", "baseline": {"value": 40, "at": "2024-12-31"}}
    config = make_config(indicator(target=target))
    obs = observations(
        ("rate", "90001", "2025-11", 60.0),
        ("rate", "90001", "2025-12", 62.0),
        ("rate", "90001", "2026-01", 63.0),
    )
    scores = score(obs, config, as_of, today=dt.date(2026, 6, 1))
    row = decorate(scores.filter(pl.col("unit_code") == "90001"), config, "vi").row(0, named=True)
    assert row["deadline_passed"] is passed
    assert ("đã qua" in row["reason_vi"]) is passed
    assert ("đã qua" in row["trend_reason"]) is passed, row["trend_reason"]


# ---- defect: the expected path jumped back after a milestone --------------------------------------------------


def test_the_expected_path_runs_through_each_milestone_without_jumping_back() -> None:
    target = {
        "value": 80,
        "by": "2025-12-31",
        "baseline": {"value": 50, "at": "2024-12-31"},
        "milestones": [{"period": "2025-06", "value": 70}],
    }
    config = make_config(indicator(target=target))
    h = history(observations(), config, "rate", PROVINCE)
    expected = dict(zip(h["period"], h["expected"], strict=True))
    assert expected["2025-06"] == 70.0
    assert expected["2025-05"] < 70.0 < expected["2025-07"] < 80.0
    assert h["expected"].is_sorted()
    # the traffic light uses the same path
    for month in ("2025-03", "2025-06", "2025-09"):
        row = row_of(score(observations(), config, month), "rate", PROVINCE)
        assert row["expected"] == pytest.approx(expected[month])


def test_a_path_with_no_baseline_waits_at_its_first_milestone() -> None:
    config = make_config(
        indicator(
            target={"value": 80, "by": "2025-12-31", "milestones": [{"period": "2025-06", "value": 60}]}
        )
    )
    path = indicator_path(config.targets.indicator("rate"))
    assert path.at(dt.date(2025, 3, 31)).value == 60.0
    assert path.at(dt.date(2025, 6, 30)).kind == "milestone"
    assert path.at(dt.date(2025, 9, 30)).value == pytest.approx(60 + 20 * 92 / 184)


# ---- defect: the headline of a commune-level indicator was an arbitrary commune -------------------------------


def test_headline_of_a_commune_level_indicator_is_the_province_roll_up() -> None:
    from ioc.rollup import rollup

    config = make_config(indicator("c", levels=["commune"]))
    obs = rollup(
        observations(("c", "90003", "2025-07", 90.0, 9.0, 10.0), ("c", "90004", "2025-07", 50.0, 5.0, 10.0)),
        config,
    )
    head = headline(score(obs, config, "2025-07"), config)
    assert head.select("level", "unit_code").row(0) == ("province", PROVINCE)
    assert head["value"][0] == pytest.approx(70.0)


# ---- defect: unit targets of province totals meant nothing ----------------------------------------------------

SUM_TARGET = {"value": 20, "by": "2026-12-31", "baseline": {"value": 180, "at": "2025-12-31"}}


def _sum_indicator(**kw) -> dict:
    return indicator(
        "backlog", unit="count", direction="lower", rollup="sum", levels=["province", "department", "commune"],
        target=SUM_TARGET, **kw,
    )  # fmt: skip


def _backlog_obs() -> pl.DataFrame:
    rows = [("backlog", c, "2026-01", v) for c, v in zip(COMMUNES, [100.0, 60.0, 20.0, 0.0], strict=True)]
    rows += [("backlog", c, "2026-10", v) for c, v in zip(COMMUNES, [40.0, 1.0, 30.0, 2.0], strict=True)]
    return observations(*rows, ("backlog", "so_y_te", "2026-10", 5.0))


def test_a_sum_indicator_has_no_unit_target_by_default() -> None:
    config = make_config(_sum_indicator())
    scores = score(_backlog_obs(), config, "2026-10", today=DEC_1)
    units = scores.filter(pl.col("level") != "province")
    reported = units.filter(pl.col("unit_code").is_in(["90001", "90002", "so_y_te"]))
    assert set(reported["status"]) == {"no_target"}
    assert reported["target"].is_null().all() and reported["expected"].is_null().all()
    assert "không giao mục tiêu riêng" in reported["reason_vi"][0]
    assert "20" in reported["reason_vi"][0]  # the province target it belongs to
    # counted in no colour: the composite of a commune with only no-target rows is undefined, not zero
    comp = composite(scores, config, "commune")
    assert comp.filter(pl.col("unit_code") == "90002")["composite"].is_null().all()
    assert row_of(scores, "backlog", PROVINCE)["status"] in ("green", "amber", "red", "no_data")


def test_share_targets_are_proportional_and_never_zero() -> None:
    config = make_config(_sum_indicator(unit_target="share"))
    scores = score(_backlog_obs(), config, "2026-10", today=DEC_1).filter(pl.col("level") == "commune")
    targets = dict(zip(scores["unit_code"], scores["target"], strict=True))
    # first reported period: 100, 60, 20, 0 of 180 → shares 5/9, 3/9, 1/9; 90004's zero takes the median (3/9)
    assert targets["90001"] == pytest.approx(20 * 100 / 180)
    assert targets["90003"] == pytest.approx(20 * 20 / 180)
    assert targets["90004"] == pytest.approx(20 * 60 / 180)
    assert all(t > 0 for t in targets.values())
    # a share below one dossier is written with its decimals, never as "0"
    assert (
        "2,2" in row_of(scores, "backlog", "90003")["reason_vi"]
        or row_of(scores, "backlog", "90003")["status"] != "green"
    )


def test_same_holds_every_unit_to_the_province_target() -> None:
    config = make_config(_sum_indicator(unit_target="same"))
    scores = score(_backlog_obs(), config, "2026-10", today=DEC_1)
    assert set(scores["target"].drop_nulls()) == {20.0}


def test_declared_override_wins_over_no_unit_target() -> None:
    config = make_config(_sum_indicator(overrides=[{"unit": "90002", "value": 3}]))
    row = row_of(score(_backlog_obs(), config, "2026-10", today=DEC_1), "backlog", "90002")
    assert row["target"] == 3.0 and row["status"] in ("green", "amber", "red")


# ---- a province value that contradicts its units is flagged ---------------------------------------------------


def test_a_province_value_that_disagrees_with_its_units_is_flagged_in_words() -> None:
    from ioc.views import province_disagreement

    config = make_config(indicator(levels=["province", "commune"], rollup="ratio"))
    obs = observations(
        ("rate", PROVINCE, "2025-07", 100.0),  # reported directly: "met"
        ("rate", "90001", "2025-07", 50.0, 5.0, 10.0),
        ("rate", "90002", "2025-07", 60.0, 6.0, 10.0),
    )
    vi = province_disagreement(obs, config, "rate", "2025-07", "vi")
    en = province_disagreement(obs, config, "rate", "2025-07", "en")
    assert (
        vi is not None and "100,0%" in vi and "55,0%" in vi and "chênh 45,0 điểm %" in vi and "2 đơn vị" in vi
    )
    assert en is not None and "45.0 pp apart" in en
    agreeing = obs.with_columns(
        pl.when(pl.col("unit_code") == PROVINCE).then(56.0).otherwise(pl.col("value")).alias("value")
    )
    assert province_disagreement(agreeing, config, "rate", "2025-07", "vi") is None
    # an older disagreement does not flag the period viewed
    assert province_disagreement(obs, config, "rate", "2025-08", "vi") is None


def test_a_province_total_above_a_sum_of_some_units_says_how_many_reported() -> None:
    from ioc.views import province_disagreement

    config = make_config(indicator(levels=["province", "commune"], rollup="sum", unit="count"))
    # two of the four communes have reported 7 villages each; the province total of 17 may include the others
    obs = observations(
        ("rate", PROVINCE, "2025-07", 17.0),
        ("rate", COMMUNES[0], "2025-07", 7.0),
        ("rate", COMMUNES[1], "2025-07", 7.0),
    )
    vi = province_disagreement(obs, config, "rate", "2025-07", "vi")
    en = province_disagreement(obs, config, "rate", "2025-07", "en")
    assert (
        vi is not None
        and "2/4 đơn vị cấp xã, phường đã báo cáo, cộng lại được 14" in vi
        and "chênh" not in vi
    )
    assert en is not None and "2/4 commune units have reported, adding up to 14" in en and "apart" not in en
    # once every commune has reported, the same gap is a disagreement
    complete = pl.concat([obs, observations(*[("rate", c, "2025-07", 0.0) for c in COMMUNES[2:]])])
    assert "4 đơn vị cấp xã, phường là 14: chênh 3," in (
        province_disagreement(complete, config, "rate", "2025-07", "vi") or ""
    )


def test_scoring_reads_the_report_deadline_setting() -> None:
    from ioc.targets import ReportDeadlines, ReportingRules

    config = _current_year_config()
    obs = _current_year_obs()
    mid_december = dt.date(2026, 12, 15)
    # reports due on the 10th: November's is due by 15/12 → Q4 is judged at 11/2026 and October's value is stale
    row = row_of(score(obs, config, "2026-Q4", today=mid_december), "monthly_rate", "90001")
    assert row["judged_month"] == "2026-11" and row["status"] == "stale"
    # reports due on the 20th: November's is not due yet → Q4 is judged at 10/2026, October's value is current
    later = config.targets.model_copy(
        update={
            "reporting": ReportingRules(deadline_day=ReportDeadlines(monthly=20, quarterly=20, yearly=20))
        }
    )
    config20 = type(config)(targets=later, registry=config.registry, path=config.path, sha256="t20")
    row = row_of(score(obs, config20, "2026-Q4", today=mid_december), "monthly_rate", "90001")
    assert row["judged_month"] == "2026-10" and row["status"] != "stale"


def test_a_count_chart_has_whole_number_ticks_only() -> None:
    """0–3 overdue dossiers: the axis reads 0, 1, 2, 3 — never "0, 0, 1, 1" from half steps."""
    from ioc.charts import trend_chart

    config = make_config(indicator(unit="count", target={"value": 0, "by": "2025-12-31"}, direction="lower"))
    h = history(
        observations(("rate", "90001", "2025-07", 1.0), ("rate", "90001", "2025-08", 3.0)),
        config,
        "rate",
        "90001",
    )
    spec = trend_chart(h, "vi", ",.0f").to_dict()
    axes = [layer["encoding"]["y"]["axis"] for layer in spec["layer"] if "y" in layer.get("encoding", {})]
    assert axes and all(a.get("tickMinStep") == 1 for a in axes)
