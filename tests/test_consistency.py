"""Province values reported directly against the roll-up of their units: hand-computed cases."""

from __future__ import annotations

import polars as pl
import pytest
from helpers_exports import make_config
from helpers_ledger import obs

from ioc.consistency import DISAGREEMENT_SCHEMA, province_disagreements
from ioc.rollup import rollup

P, C1, C2, C3 = "99", "90001", "90002", "90003"


def _ind(id_: str, unit: str, rollup_rule: str, levels: list[str], **extra: object) -> dict:
    return {
        "id": id_,
        "name": {"vi": f"Chỉ tiêu {id_}", "en": f"Indicator {id_}"},
        "pillar": "gov",
        "unit": unit,
        "levels": levels,
        "owner": "ttpvhcc",
        "rollup": rollup_rule,
        "source": {"workbook": True},
        "target": {"value": 80, "by": "2025-12-31"},
        **extra,
    }


INDICATORS = [
    _ind("r_rate", "percent", "ratio", ["province", "department", "commune"]),
    _ind("s_count", "count", "sum", ["province", "commune"], amber_tolerance=5),
    _ind("m_score", "ratio", "mean", ["province", "commune"]),
    _ind("d_rate", "percent", "ratio", ["province", "department"]),
]


@pytest.fixture(scope="module")
def config():
    return make_config(indicators=INDICATORS)


def rows(frame: pl.DataFrame) -> dict[tuple[str, str], tuple]:
    return {
        (r["indicator"], r["period"]): (
            r["province_value"],
            round(r["rollup_value"], 4),
            r["n_units"],
            r["unit_level"],
            round(r["difference"], 4),
            None if r["relative_difference"] is None else round(r["relative_difference"], 4),
            r["tolerance"],
            r["tolerance_unit"],
        )
        for r in frame.iter_rows(named=True)
    }


def test_hand_computed_disagreements(config) -> None:
    data = obs(
        [
            # ratio, percent: August 30/40 and 10/60 → 40/100 = 40 %; the province says 52 → 12 points > 10.
            # (A mean of the two percentages, 45.8 %, would be within 10 points: the rule matters.)
            ("r_rate", C1, "2025-08", 75.0, 30, 40),
            ("r_rate", C2, "2025-08", 16.6667, 10, 60),
            ("r_rate", P, "2025-08", 52.0),
            ("r_rate", "so_y_te", "2025-08", 0.0, 0, 100),  # a department: not a unit of a commune indicator
            # September 45/50 + 45/50 = 90 %; the province says 95 → 5 points: agrees
            ("r_rate", C1, "2025-09", 90.0, 45, 50),
            ("r_rate", C2, "2025-09", 90.0, 45, 50),
            ("r_rate", P, "2025-09", 95.0),
            # sum, tolerance 5 %: 100 + 200 + 300 = 600; the province says 640 → +40 = 6.6667 % > 5
            ("s_count", C1, "2025-08", 100.0),
            ("s_count", C2, "2025-08", 200.0),
            ("s_count", C3, "2025-08", 300.0),
            ("s_count", P, "2025-08", 640.0),
            # … and 620 in September → 3.3333 %: agrees
            ("s_count", C1, "2025-09", 100.0),
            ("s_count", C2, "2025-09", 200.0),
            ("s_count", C3, "2025-09", 300.0),
            ("s_count", P, "2025-09", 620.0),
            # mean: (2 + 4 + 6) / 3 = 4; the province says 3.5 → −0.5 = −12.5 % beyond 10 %
            ("m_score", C1, "2025-08", 2.0),
            ("m_score", C2, "2025-08", 4.0),
            ("m_score", C3, "2025-08", 6.0),
            ("m_score", P, "2025-08", 3.5),
            # department level (no commune level): 8/10 + 2/10 = 50 %; the province says 70 → 20 points
            ("d_rate", "so_y_te", "2025-08", 80.0, 8, 10),
            ("d_rate", "ttpvhcc", "2025-08", 20.0, 2, 10),
            ("d_rate", P, "2025-08", 70.0),
        ]
    )
    got = rows(province_disagreements(data, config, "2025-09"))
    assert got == {
        ("r_rate", "2025-08"): (52.0, 40.0, 2, "commune", 12.0, 30.0, 10.0, "pp"),
        ("s_count", "2025-08"): (640.0, 600.0, 3, "commune", 40.0, 6.6667, 5.0, "%"),
        ("m_score", "2025-08"): (3.5, 4.0, 3, "commune", -0.5, -12.5, 10.0, "%"),
        ("d_rate", "2025-08"): (70.0, 50.0, 2, "department", 20.0, 40.0, 10.0, "pp"),
    }


def test_only_values_reported_directly_and_only_periods_up_to_as_of(config) -> None:
    data = obs(
        [
            ("r_rate", C1, "2025-08", 75.0, 30, 40),
            ("r_rate", C2, "2025-08", 16.6667, 10, 60),
            ("s_count", C1, "2025-10", 100.0),
            ("s_count", P, "2025-10", 900.0),  # far off, but after the month asked about
            ("m_score", P, "2025-08", 9.0),  # no unit reported: nothing to compare with
        ]
    )
    # the province row rollup() derives for r_rate (40 %) is not a reported value
    derived = rollup(data, config)
    assert derived.filter(pl.col("unit_code") == P, pl.col("indicator") == "r_rate").height == 1
    assert province_disagreements(derived, config, "2025-09").is_empty()
    # a derived row that disagreed would still not count: only files are checked
    faked = derived.with_columns(
        pl.when(pl.col("source_file") == "rollup").then(99.0).otherwise(pl.col("value")).alias("value")
    )
    out = province_disagreements(faked, config, "2025-09")
    assert out.is_empty() and out.schema == pl.Schema(DISAGREEMENT_SCHEMA)
    assert rows(province_disagreements(data, config, "2025-10")) == {
        ("s_count", "2025-10"): (900.0, 100.0, 1, "commune", 800.0, 800.0, 5.0, "%")
    }


def test_a_province_value_against_a_roll_up_of_zero(config) -> None:
    data = obs(
        [
            ("s_count", C1, "2025-08", 0.0),
            ("s_count", P, "2025-08", 3.0),
            ("s_count", C1, "2025-09", 0.0),
            ("s_count", P, "2025-09", 0.0),
        ]
    )
    assert rows(province_disagreements(data, config, "2025-09")) == {
        ("s_count", "2025-08"): (3.0, 0.0, 1, "commune", 3.0, None, 5.0, "%")
    }


def test_a_sum_over_some_units_only_is_not_a_disagreement(config) -> None:
    data = obs(
        [
            # 2 of the 3 communes reported 100 + 200 = 300; the province's 340 may include the third commune
            ("s_count", C1, "2025-08", 100.0),
            ("s_count", C2, "2025-08", 200.0),
            ("s_count", P, "2025-08", 340.0),
            # below a partial sum: the missing commune can only add to it, so this still disagrees
            ("s_count", C1, "2025-09", 100.0),
            ("s_count", C2, "2025-09", 200.0),
            ("s_count", P, "2025-09", 250.0),
            # every commune reported: 100 + 200 + 300 = 600 against 640 is a disagreement
            ("s_count", C1, "2025-10", 100.0),
            ("s_count", C2, "2025-10", 200.0),
            ("s_count", C3, "2025-10", 300.0),
            ("s_count", P, "2025-10", 640.0),
            # a mean over some communes is still an estimate of the whole: compared as before
            ("m_score", C1, "2025-08", 2.0),
            ("m_score", C2, "2025-08", 4.0),
            ("m_score", P, "2025-08", 5.0),
        ]
    )
    out = province_disagreements(data, config, "2025-10")
    got = {
        (r["indicator"], r["period"]): (r["n_units"], r["n_expected"], r["comparable"])
        for r in out.iter_rows(named=True)
    }
    assert got == {
        ("s_count", "2025-08"): (2, 3, False),
        ("s_count", "2025-09"): (2, 3, True),
        ("s_count", "2025-10"): (3, 3, True),
        ("m_score", "2025-08"): (2, 3, True),
    }
