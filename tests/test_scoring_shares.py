"""A provincial target that is a sum over communes is shared among communes by their first reported values."""

from __future__ import annotations

import polars as pl

from ioc.observations import conform
from ioc.scoring import score


def _obs(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return conform(
        pl.DataFrame(
            {
                "indicator": ["cashless_acceptance_points"] * len(rows),
                "unit_code": [r[0] for r in rows],
                "period": [r[1] for r in rows],
                "value": [r[2] for r in rows],
            }
        )
    )


def test_commune_targets_are_shares_of_the_province_target(demo_config) -> None:
    ind = demo_config.targets.indicator("cashless_acceptance_points")
    assert ind.rollup.value == "sum" and ind.effective_unit_target().value == "share"
    period = "2026-Q1" if ind.frequency.value == "quarterly" else "2026-03"
    later = "2026-Q2" if ind.frequency.value == "quarterly" else "2026-06"
    # first period: 90001 has 100 and 90002 has 300 → shares 0.25 and 0.75; the others get the median, 0.5
    obs = _obs(
        [("90001", period, 100.0), ("90002", period, 300.0), ("90001", later, 120.0), ("90003", later, 50.0)]
    )
    scores = score(obs, demo_config, later).filter(pl.col("indicator") == ind.id)
    target = dict(zip(scores["unit_code"], scores["target"], strict=True))
    baseline = dict(zip(scores["unit_code"], scores["baseline"], strict=True))
    assert target["90001"] == ind.target.value * 0.25
    assert target["90002"] == ind.target.value * 0.75
    assert target["90003"] == ind.target.value * 0.5
    assert baseline["90001"] == ind.target.baseline.value * 0.25
    # the province keeps its own target
    assert target[demo_config.targets.province.code] == ind.target.value


def test_declared_overrides_win_over_shares(demo_config) -> None:
    ind = next(
        i
        for i in demo_config.targets.indicators
        if i.rollup.value == "sum" and i.overrides and "commune" in [lv.value for lv in i.levels]
    )
    o = ind.overrides[0]
    period = {"monthly": "2026-03", "quarterly": "2026-Q1", "yearly": "2025"}[ind.frequency.value]
    obs = conform(
        pl.DataFrame(
            {
                "indicator": [ind.id] * 2,
                "unit_code": [o.unit, "90050"],
                "period": [period] * 2,
                "value": [5.0, 15.0],
            }
        )
    )
    scores = score(obs, demo_config, period).filter(pl.col("indicator") == ind.id)
    assert scores.filter(pl.col("unit_code") == o.unit)["target"][0] == o.value
