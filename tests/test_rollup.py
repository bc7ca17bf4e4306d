"""Roll-ups: province values from communes (ratio, sum, mean) and former communes carried into current ones."""

from __future__ import annotations

import polars as pl
import pytest

from ioc.issues import Severity
from ioc.rollup import rollup, rollup_crosswalk
from ioc.scoring import score
from tests.helpers_scoring import PROVINCE, indicator, make_config, observations, row_of


def _config():
    return make_config(
        indicator("online", rollup="ratio"),  # percent, numerator/denominator
        indicator("avg_rate", rollup="mean"),  # percent, no parts
        indicator("staff", unit="count", rollup="sum", levels=["province", "department", "commune"]),
        indicator("commune_only", unit="count", rollup="sum", levels=["commune"]),
    )


def _derived(frame: pl.DataFrame, ind: str, period: str) -> dict:
    rows = frame.filter(
        (pl.col("indicator") == ind) & (pl.col("unit_code") == PROVINCE) & (pl.col("period") == period)
    )
    assert rows.height == 1, rows
    return rows.row(0, named=True)


def test_ratio_and_mean_give_different_answers() -> None:
    obs = observations(
        ("online", "90001", "2025-07", 90.0, 45.0, 50.0),  # 90 %
        ("online", "90002", "2025-07", 10.0, 10.0, 100.0),  # 10 %
        ("online", "90003", "2025-07", 50.0),  # no parts: left out of the ratio, counted
        ("avg_rate", "90001", "2025-07", 90.0),
        ("avg_rate", "90002", "2025-07", 10.0),
        ("avg_rate", "90003", "2025-07", 50.0),
    )
    out = rollup(obs, _config())
    ratio = _derived(out, "online", "2025-07")
    # Σnumerator / Σdenominator = (45 + 10) / (50 + 100) = 55/150 = 36.67 % — not the mean of 90 and 10 (50 %)
    assert ratio["value"] == pytest.approx(100 * 55 / 150)
    assert (ratio["numerator"], ratio["denominator"]) == (55.0, 150.0)
    assert (ratio["n_units"], ratio["n_missing"]) == (2, 1)
    assert ratio["source_file"] == "rollup"
    assert (ratio["sheet"], ratio["row"], ratio["column"]) == (None, None, None)
    mean = _derived(out, "avg_rate", "2025-07")
    # unweighted mean (90 + 10 + 50) / 3 = 50
    assert mean["value"] == pytest.approx(50.0)
    assert (mean["n_units"], mean["n_missing"]) == (3, 0)
    # the original rows are all still there, untouched
    assert out.height == obs.height + 2
    assert out.head(obs.height).drop("n_units", "n_missing").equals(obs)


def test_sum_leaves_departments_out() -> None:
    obs = observations(
        ("staff", "90001", "2025-07", 3.0),
        ("staff", "90002", "2025-07", 4.0),
        ("staff", "90004", "2025-07", 5.0),
        ("staff", "so_y_te", "2025-07", 100.0),  # a department's own figure is not part of the communes' sum
        ("commune_only", "90001", "2025-07", 7.0),  # measured at commune level only: still rolled up
    )
    out = rollup(obs, _config())
    total = _derived(out, "staff", "2025-07")
    assert total["value"] == 12.0  # 3 + 4 + 5
    assert total["n_units"] == 3
    # the province headline of a commune-level indicator is its roll-up, never an arbitrary commune
    assert _derived(out, "commune_only", "2025-07")["value"] == 7.0


def test_province_direct_value_wins() -> None:
    obs = observations(
        ("online", "90001", "2025-06", 80.0, 8.0, 10.0),
        ("online", "90001", "2025-07", 90.0, 9.0, 10.0),
        ("online", PROVINCE, "2025-07", 77.0),
    )
    out = rollup(obs, _config())
    province = out.filter((pl.col("indicator") == "online") & (pl.col("unit_code") == PROVINCE)).sort(
        "period"
    )
    # 2025-06 is derived (8/10 = 80 %); 2025-07 keeps the province's own 77 and gets no derived twin
    assert province.select("period", "value", "source_file").rows() == [
        ("2025-06", 80.0, "rollup"),
        ("2025-07", 77.0, "test.xlsx"),
    ]


def test_ratio_with_zero_denominator_derives_nothing() -> None:
    obs = observations(("online", "90001", "2025-07", None, 0.0, 0.0))
    out = rollup(obs, _config())
    assert out.filter(pl.col("unit_code") == PROVINCE).height == 0


def test_rollup_feeds_scoring() -> None:
    obs = observations(
        ("online", "90001", "2025-07", 90.0, 45.0, 50.0), ("online", "90002", "2025-07", 10.0, 10.0, 100.0)
    )
    config = _config()
    got = row_of(score(rollup(obs, config), config, "2025-07"), "online", PROVINCE)
    # 36.67 % against the target 80 (no baseline): 43.3 pp behind → red
    assert got["status"] == "red"
    assert got["reason_en"] == "36.7% — 43.3 pp behind 80.0%, the target (tolerance 10.0 pp)"


# ---- crosswalk -------------------------------------------------------------------------------------------------
#   80001 → 90001 (weight 1)                 one-to-one
#   80002 → 90002, 80003 → 90002 (weight 1)  merger
#   80004 → 90003 (0.6) and 90004 (0.4)      split
CROSSWALK = pl.DataFrame(
    {
        "former_code": ["80001", "80002", "80003", "80004", "80004"],
        "former_name": ["Cũ Một", "Cũ Hai", "Cũ Ba", "Cũ Bốn", "Cũ Bốn"],
        "former_type": ["xã"] * 5,
        "code": ["90001", "90002", "90002", "90003", "90004"],
        "weight": ["1", "1", "1", "0.6", "0.4"],
        "valid_until": ["2025-06-30"] * 5,
    }
)


def _xw_config():
    return make_config(
        indicator("online", rollup="ratio"),
        indicator("avg_rate", rollup="mean"),
        indicator("staff", unit="count", rollup="sum"),
        indicator("per_school", unit="ratio", rollup="mean"),
        crosswalk=CROSSWALK,
    )


def _value(frame: pl.DataFrame, ind: str, code: str, period: str = "2025-06") -> dict:
    rows = frame.filter(
        (pl.col("indicator") == ind) & (pl.col("unit_code") == code) & (pl.col("period") == period)
    )
    assert rows.height == 1, rows
    return rows.row(0, named=True)


def test_crosswalk_merger_split_and_percent_warning() -> None:
    obs = observations(
        ("online", "80001", "2025-06", 75.0, 30.0, 40.0),
        ("online", "80002", "2025-06", 50.0, 10.0, 20.0),
        ("online", "80003", "2025-06", 75.0, 45.0, 60.0),
        ("online", "80004", "2025-06", 50.0, 50.0, 100.0),
        ("avg_rate", "80001", "2025-06", 70.0),
        ("avg_rate", "80002", "2025-06", 60.0),
        ("avg_rate", "80003", "2025-06", 80.0),
        ("avg_rate", "80004", "2025-06", 50.0),
        ("staff", "80002", "2025-06", 100.0),
        ("staff", "80003", "2025-06", 50.0),
        ("staff", "80004", "2025-06", 200.0),
        ("per_school", "80002", "2025-06", 2.0),
        ("per_school", "80003", "2025-06", 4.0),
        ("per_school", "80004", "2025-06", 5.0),
    )
    config = _xw_config()
    out, issues = rollup_crosswalk(obs, config.registry.crosswalk, config)
    # ratio parts × weight, summed, value recomputed
    assert _value(out, "online", "90001")["value"] == pytest.approx(75.0)  # 30/40
    merged = _value(out, "online", "90002")
    # (10 + 45) / (20 + 60) = 55/80 = 68.75 % — the mean of 50 % and 75 % would say 62.5 %
    assert merged["value"] == pytest.approx(68.75)
    assert (merged["numerator"], merged["denominator"], merged["n_units"]) == (55.0, 80.0, 2)
    assert merged["source_file"] == "crosswalk"
    split = _value(out, "online", "90003")
    assert (split["numerator"], split["denominator"]) == pytest.approx((30.0, 60.0))  # 0.6 × (50, 100)
    assert split["value"] == pytest.approx(50.0)
    assert _value(out, "online", "90004")["denominator"] == pytest.approx(40.0)  # 0.4 × 100
    # a percentage without parts: as it is for the one-to-one commune, dropped elsewhere
    assert _value(out, "avg_rate", "90001")["value"] == 70.0
    assert out.filter((pl.col("indicator") == "avg_rate") & (pl.col("unit_code") != "90001")).height == 0
    # counts: Σ value × weight
    assert _value(out, "staff", "90002")["value"] == 150.0  # 100 + 50
    assert _value(out, "staff", "90003")["value"] == pytest.approx(120.0)  # 0.6 × 200
    assert _value(out, "staff", "90004")["value"] == pytest.approx(80.0)  # 0.4 × 200
    # mean roll-up: weighted mean (2×1 + 4×1)/(1 + 1) = 3; a split unit keeps its value (5×0.6/0.6)
    assert _value(out, "per_school", "90002")["value"] == pytest.approx(3.0)
    assert _value(out, "per_school", "90003")["value"] == pytest.approx(5.0)
    # no former code is left behind
    assert not out["unit_code"].str.starts_with("8").any()
    # one warning per indicator and current commune that lost a percentage
    assert [(i.code, i.severity, i.extra["code"]) for i in issues] == [
        ("crosswalk-split-percent", Severity.WARNING, "90002"),
        ("crosswalk-split-percent", Severity.WARNING, "90003"),
        ("crosswalk-split-percent", Severity.WARNING, "90004"),
    ]
    assert issues[0].extra["former_codes"] == ["80002", "80003"]
    assert "80002, 80003" in issues[0].message and "90002" in issues[0].message
    assert issues[0].message_vi and "tử số và mẫu số" in issues[0].message_vi


def test_crosswalk_is_effective_dated_and_direct_values_win() -> None:
    obs = observations(
        ("staff", "80002", "2025-06", 100.0),
        ("staff", "80003", "2025-06", 50.0),
        ("staff", "90002", "2025-06", 999.0),  # already reported under the current code: it wins
        ("staff", "80002", "2025-07", 7.0),  # after valid_until: not a former unit's value any more
        ("staff", "80001", "2025-Q2", 12.0),  # a quarter ending 2025-06-30 is still mapped
    )
    config = _xw_config()
    out, issues = rollup_crosswalk(obs, config.registry.crosswalk, config)
    assert issues == []
    assert _value(out, "staff", "90002")["value"] == 999.0
    assert _value(out, "staff", "80002", "2025-07")["value"] == 7.0
    assert _value(out, "staff", "90001", "2025-Q2")["value"] == 12.0
    assert out.height == 3


def test_crosswalk_with_plain_frame() -> None:
    # the function also takes the crosswalk file as read (weights and dates as text)
    obs = observations(("staff", "80004", "2025-06", 10.0))
    out, _ = rollup_crosswalk(obs, CROSSWALK, _xw_config())
    assert sorted(out.select("unit_code", "value").rows()) == [
        ("90003", pytest.approx(6.0)),
        ("90004", pytest.approx(4.0)),
    ]
