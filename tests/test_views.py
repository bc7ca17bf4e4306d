"""Page models: the reporting matrix and the headline row per indicator, on the demo configuration."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ioc.views import headline, reporting_matrix


def _subs(rows: list[tuple[str, str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "department": [r[0] for r in rows],
            "periods": [r[1] for r in rows],
            "status": [r[2] for r in rows],
            "submitted_at": [dt.datetime.fromisoformat(r[3]) for r in rows],
        }
    )


def test_reporting_matrix_cells(demo_config) -> None:
    monthly = next(
        i.owner
        for i in demo_config.targets.indicators
        if i.frequency.value == "monthly" and "workbook" in i.source.model_dump()
    )
    quarterly_only = {i.owner for i in demo_config.targets.indicators if i.frequency.value == "quarterly"} - {
        i.owner for i in demo_config.targets.indicators if i.frequency.value == "monthly"
    }
    quarterly = sorted(quarterly_only)[0]
    subs = _subs(
        [
            (monthly, "2026-07", "accepted", "2026-08-10T16:00:00"),  # by the 10th of the next month: on time
            (monthly, "2026-08", "accepted", "2026-09-11T08:00:00"),  # the 11th: late
            (monthly, "2026-09", "rejected", "2026-10-02T08:00:00"),  # only a rejected file
            (quarterly, "2026-Q3", "accepted", "2026-10-05T08:00:00"),  # counts in September, on time
        ]
    )
    m = reporting_matrix(subs, demo_config, ["2026-07", "2026-08", "2026-09", "2026-10"], "en")
    names = dict(
        zip(demo_config.registry.departments["id"], demo_config.registry.departments["name_en"], strict=True)
    )
    row = m.filter(pl.col("unit_name") == names[monthly]).row(0, named=True)
    assert row["2026-07"] == "✔ On time"
    assert row["2026-08"] == "◷ Late"
    assert row["2026-09"] == "✖ Rejected"
    assert row["2026-10"] == "○ Missing"
    q = m.filter(pl.col("unit_name") == names[quarterly]).row(0, named=True)
    assert [q["2026-07"], q["2026-08"], q["2026-09"], q["2026-10"]] == [
        "· Not due",
        "· Not due",
        "✔ On time",
        "· Not due",
    ]


def test_headline_prefers_province_then_the_owner_row(demo_config) -> None:
    # an indicator measured per department whose province row is absent from these scores
    dept_only = next(
        i for i in demo_config.targets.indicators if "department" in [lv.value for lv in i.levels]
    )
    prov = next(
        i
        for i in demo_config.targets.indicators
        if "province" in [lv.value for lv in i.levels] and i.id != dept_only.id
    )
    other = sorted(set(demo_config.registry.departments["id"]) - {dept_only.owner})[0]
    scores = pl.DataFrame(
        {
            "indicator": [dept_only.id, dept_only.id, prov.id, prov.id],
            "level": ["department", "department", "commune", "province"],
            "unit_code": [other, dept_only.owner, "90001", demo_config.targets.province.code],
            "status": ["red", "green", "red", "amber"],
        }
    )
    head = headline(scores, demo_config).sort("indicator")
    got = dict(zip(head["indicator"], head["unit_code"], strict=True))
    assert got[dept_only.id] == dept_only.owner
    assert got[prov.id] == demo_config.targets.province.code


def test_completeness_counts_only_values_for_the_period_itself(demo_config) -> None:
    from ioc.views import completeness

    ind = next(i for i in demo_config.targets.indicators if i.owner == "so_y_te")
    scores = pl.DataFrame(
        {
            "indicator": [ind.id] * 4,
            "unit_code": ["90001", "90002", "90003", "90004"],
            "period": ["2026-10", "2026-09", None, "2026-10"],
            "reference_period": ["2026-10"] * 4,
            # 90002 still shows a colour (one missed month is tolerated) but did not report October
            "status": ["green", "amber", "no_data", "red"],
        }
    )
    row = completeness(scores, demo_config).filter(pl.col("owner") == "so_y_te").row(0, named=True)
    assert (row["expected"], row["reported"]) == (4, 2)
    assert row["share"] == 0.5
