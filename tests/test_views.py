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
    # each cell is a one-tag list, so that the table can colour it
    assert row["2026-07"] == ["✔ On time"]
    assert row["2026-08"] == ["◷ Late"]
    assert row["2026-09"] == ["✖ Rejected"]
    assert row["2026-10"] == ["○ Missing"]
    q = m.filter(pl.col("unit_name") == names[quarterly]).row(0, named=True)
    assert [q["2026-07"][0], q["2026-08"][0], q["2026-09"][0], q["2026-10"][0]] == [
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


# ---- at a glance ------------------------------------------------------------------------------------

from ioc.periods import REPORT_DEADLINE_DAY, report_deadline  # noqa: E402
from ioc.targets import ReportDeadlines, TargetsFile  # noqa: E402
from ioc.views import (  # noqa: E402
    band_label,
    band_of,
    commune_choices,
    commune_sort_key,
    composite_bands,
    composite_counts,
    composite_map_legend,
    count_statuses,
    deadline_text,
    format_local_time,
    report_tags,
    reporting_months,
    scale_sparklines,
    status_tags,
    with_composite_bands,
)


def _owners(config) -> tuple[str, str]:
    monthly = next(
        i.owner
        for i in config.targets.indicators
        if i.frequency.value == "monthly" and "workbook" in i.source.model_dump()
    )
    quarterly = sorted(
        {i.owner for i in config.targets.indicators if i.frequency.value == "quarterly"}
        - {i.owner for i in config.targets.indicators if i.frequency.value == "monthly"}
    )[0]
    return monthly, quarterly


def test_reporting_months_start_at_the_period_shown() -> None:
    assert reporting_months("2026-10", 3) == ["2026-10", "2026-09", "2026-08"]
    # a quarter or a year starts at its last month
    assert reporting_months("2026-Q3", 2) == ["2026-09", "2026-08"]
    assert reporting_months("2025")[0] == "2025-12" and len(reporting_months("2025")) == 12


def test_reporting_matrix_keeps_the_month_order_and_only_departments_that_owe(demo_config) -> None:
    monthly, _ = _owners(demo_config)
    months = ["2026-10", "2026-09"]
    m = reporting_matrix(
        _subs([(monthly, "2026-09", "accepted", "2026-10-01T01:00:00")]), demo_config, months, "vi"
    )
    assert m.columns == ["department", "unit_name", *months]
    assert m["unit_name"].null_count() == 0 and m.height == len(
        {i.owner for i in demo_config.targets.indicators if "workbook" in i.source.model_dump()}
    )
    row = m.filter(pl.col("department") == monthly).row(0, named=True)
    assert row["2026-09"] == ["✔ Đúng hạn"] and row["2026-10"] == ["○ Chưa nộp"]


def test_reporting_deadline_is_the_end_of_the_day_in_the_province(demo_config) -> None:
    monthly, _ = _owners(demo_config)
    # 10/08 16:59 UTC is 23:59 on the 10th in Hà Nội: on time; 17:01 UTC is already the 11th there: late
    subs = _subs(
        [
            (monthly, "2026-07", "accepted", "2026-08-10T16:59:00"),
            (monthly, "2026-08", "accepted", "2026-09-10T17:01:00"),
        ]
    )
    row = reporting_matrix(subs, demo_config, ["2026-07", "2026-08"], "en").filter(
        pl.col("department") == monthly
    )
    assert row["2026-07"].to_list() == [["✔ On time"]]
    assert row["2026-08"].to_list() == [["◷ Late"]]
    # in UTC the second one was still the 10th
    utc = reporting_matrix(subs, demo_config, ["2026-08"], "en", timezone="UTC").filter(
        pl.col("department") == monthly
    )
    assert utc["2026-08"].to_list() == [["✔ On time"]]


def test_reporting_deadline_is_read_per_frequency(demo_config) -> None:
    monthly, quarterly = _owners(demo_config)
    subs = _subs(
        [
            (monthly, "2026-08", "accepted", "2026-09-12T03:00:00"),  # the 12th
            (quarterly, "2026-Q3", "accepted", "2026-10-12T03:00:00"),  # the 12th
        ]
    )
    rules = ReportDeadlines(monthly=10, quarterly=15)
    m = reporting_matrix(subs, demo_config, ["2026-08", "2026-09"], "en", due_day=rules)
    assert m.filter(pl.col("department") == monthly)["2026-08"].to_list() == [["◷ Late"]]
    assert m.filter(pl.col("department") == quarterly)["2026-09"].to_list() == [["✔ On time"]]
    assert report_deadline("2026-Q3", rules) == dt.date(2026, 10, 15)
    assert report_deadline("2026-08", rules) == dt.date(2026, 9, 10)


def test_the_deadline_setting_defaults_to_the_tenth_and_is_stated_exactly(demo_config) -> None:
    assert REPORT_DEADLINE_DAY == 10
    assert demo_config.targets.reporting.deadline_day == ReportDeadlines()
    assert deadline_text(ReportDeadlines(), "vi") == "hạn: hết ngày 10 tháng sau"
    assert deadline_text(12, "vi") == "hạn: hết ngày 12 tháng sau"
    mixed = deadline_text(ReportDeadlines(quarterly=15), "vi")
    assert mixed.startswith("hạn: ") and "báo cáo quý hết ngày 15 tháng sau" in mixed
    assert "by the end of day 10 of the following month" in deadline_text(ReportDeadlines(), "en")


def test_the_deadline_setting_refuses_a_day_that_some_months_lack(demo_config) -> None:
    import pydantic
    import pytest

    raw = demo_config.targets.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    with pytest.raises(pydantic.ValidationError, match=r"deadline_day\.monthly"):
        TargetsFile.model_validate({**raw, "reporting": {"deadline_day": {"monthly": 31}}})
    with pytest.raises(pydantic.ValidationError):
        TargetsFile.model_validate({**raw, "reporting": {"deadline_day": {"weekly": 3}}})


def _contrast_with_white(hex_colour: str) -> float:
    def lin(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    h = hex_colour.lstrip("#")
    r, g, b = (lin(int(h[i : i + 2], 16)) for i in (0, 2, 4))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_status_tags_carry_icon_and_word_on_a_colour_that_keeps_white_text_legible() -> None:
    labels, colours = status_tags("vi")
    assert labels[:3] == ["✖ Chậm kế hoạch", "▲ Cần chú ý", "✔ Đạt kế hoạch"]
    assert "◇ Không giao mục tiêu riêng" in labels and len(set(colours)) == len(colours)
    assert all(_contrast_with_white(c) >= 3.0 for c in colours), colours
    report_labels, report_colours = report_tags("en")
    assert report_labels[0] == "✔ On time" and all(_contrast_with_white(c) >= 3.0 for c in report_colours)


def test_counts_keep_stale_no_data_and_no_target_apart() -> None:
    rows = pl.DataFrame({"status": ["green", "stale", "no_data", "no_target", "no_target"]})
    counts = count_statuses(rows)
    assert counts == {"red": 0, "amber": 0, "green": 1, "stale": 1, "no_data": 1, "no_target": 2}
    ranking_row = {"n_green": 4, "n_amber": 1, "n_red": 2, "n_stale": 3, "n_no_data": 0, "n_no_target": 2}
    assert composite_counts(ranking_row) == {
        "red": 2,
        "amber": 1,
        "green": 4,
        "stale": 3,
        "no_data": 0,
        "no_target": 2,
    }


def test_sparklines_share_one_scale_per_indicator_and_level() -> None:
    spark = pl.DataFrame(
        {
            "indicator": ["overdue", "overdue", "overdue", "rate"],
            "unit_code": ["d1", "d2", "00", "d1"],
            "spark": [[0.0, 3.0, 1.0], [100.0, 300.0], [5000.0, 5200.0], [80.0, 80.0]],
        }
    )
    units = pl.DataFrame({"unit_code": ["00", "d1", "d2"], "level": ["province", "department", "department"]})
    out = {
        r["unit_code"] + r["indicator"]: r["spark_scaled"] for r in scale_sparklines(spark, units).to_dicts()
    }
    # 0–3 overdue dossiers beside a department with 300 stay near the floor: no invented swing
    assert max(out["d1overdue"]) == pytest_approx(0.01)
    assert out["d2overdue"] == [pytest_approx(1 / 3), 1.0]
    # the province is a level of its own (its sums are larger), still drawn from zero
    assert out["00overdue"] == [pytest_approx(5000 / 5200), 1.0]
    # a flat series is flat at its height, not a line through the middle
    assert out["d1rate"] == [1.0, 1.0]
    assert scale_sparklines(spark, units)["unit_code"].to_list() == ["d1", "d2", "00", "d1"]


def pytest_approx(x: float):
    import pytest

    return pytest.approx(x, abs=1e-9)


def test_communes_sort_in_vietnamese_order_with_the_type_word_aside() -> None:
    names = ["Đông Hòa", "Ân Thi", "An Phú", "Dương Kinh", "Ăn Khê", "Bình An", "Ô Môn", "Ơn Lộc", "Ong"]
    ordered = sorted(names, key=commune_sort_key)
    assert ordered == [
        "An Phú",
        "Ăn Khê",
        "Ân Thi",
        "Bình An",
        "Dương Kinh",
        "Đông Hòa",
        "Ong",
        "Ô Môn",
        "Ơn Lộc",
    ]
    # tones come after letters: a, à, á, ả, ã, ạ
    assert sorted(["Hạ", "Hà", "Ha", "Há"], key=commune_sort_key) == ["Ha", "Hà", "Há", "Hạ"]


def test_commune_names_compare_word_by_word_a_space_before_any_letter() -> None:
    names = ["Ea Kar", "Đông", "Anh Sơn", "Đà", "Ân Thi", "An Phú", "Dương Kinh", "An"]
    assert sorted(names, key=commune_sort_key) == [
        "An",
        "An Phú",  # "An" ends before "Anh": the shorter word first
        "Anh Sơn",
        "Ân Thi",
        "Dương Kinh",
        "Đà",
        "Đông",
        "Ea Kar",
    ]
    # a word's tone is settled before the next word: every "Ha …" before any "Hà …"
    assert sorted(["Hà Nội", "Ha Tĩnh", "Hà", "Ha"], key=commune_sort_key) == [
        "Ha",
        "Ha Tĩnh",
        "Hà",
        "Hà Nội",
    ]
    # numbered wards by their number
    assert sorted(["10", "2", "1"], key=commune_sort_key) == ["1", "2", "10"]
    # the type word aside: it only breaks a tie between equal names
    assert sorted(
        [("Anh Sơn", "xã"), ("An Phú", "xã"), ("An Phú", "phường")], key=lambda nt: commune_sort_key(*nt)
    ) == [("An Phú", "phường"), ("An Phú", "xã"), ("Anh Sơn", "xã")]


def test_commune_choices_are_sorted_by_name_and_found_without_diacritics() -> None:
    communes = pl.DataFrame(
        {
            "code": ["90001", "90002", "90003", "90004"],
            "name": ["Tân Hòa", "An Phú", "Tân Hòa", "Đông Sơn"],
            "type": ["phường", "xã", "xã", "đặc khu"],
            "display_name": ["Phường Tân Hòa", "Xã An Phú", "Xã Tân Hoà", "Đặc khu Đông Sơn"],
            "name_en": ["Tan Hoa", "An Phu", "Tan Hoa", "Dong Son"],
        }
    )
    every = commune_choices(communes, "vi")
    # "Phường" no longer sorts before every "Xã": names decide, the type is written aside
    assert [label for _c, label in every] == [
        "An Phú (xã · 90002)",
        "Đông Sơn (đặc khu · 90004)",
        "Tân Hòa (phường · 90001)",
        "Tân Hòa (xã · 90003)",
    ]
    assert [c for c, _ in commune_choices(communes, "vi", "tan hoa")] == ["90001", "90003"]
    assert [c for c, _ in commune_choices(communes, "vi", "Tân Hoà")] == ["90001", "90003"]
    assert [c for c, _ in commune_choices(communes, "vi", "dong son")] == ["90004"]
    assert [c for c, _ in commune_choices(communes, "vi", "9000")] == ["90002", "90004", "90001", "90003"]
    assert commune_choices(communes, "vi", "xyz") == []
    assert commune_choices(communes, "en")[0][1] == "An Phu (commune · 90002)"


def test_composite_bands_split_units_evenly_and_colour_them_apart() -> None:
    values = pl.Series([0.30, 0.35, 0.40, 0.42, 0.45, 0.47, 0.50, 0.55, 0.60, 0.75, None])
    bands = composite_bands(values)
    assert len(bands) == 5 and bands[0][0] == 0.30 and bands[-1][1] == 0.75
    counts = [sum(1 for v in values.drop_nulls() if band_of(v, bands) == i) for i in range(len(bands))]
    assert max(counts) - min(counts) <= 2 and sum(counts) == 10
    rows = with_composite_bands(pl.DataFrame({"composite": values}), bands)
    assert rows["fill"].n_unique() == 6  # five bands and the no-data grey
    legend = composite_map_legend(bands, "vi")
    assert legend[0][0] == "30–40%" and legend[-1][0] == "○ Chưa có số liệu"
    # all units equal: one band, never empty ones
    assert composite_bands(pl.Series([0.4, 0.4, 0.4])) == [(0.4, 0.4)]
    assert composite_bands(pl.Series([], dtype=pl.Float64)) == []


def test_band_labels_say_which_band_holds_a_shared_edge() -> None:
    bands = [(0.30, 0.39), (0.39, 0.46), (0.46, 0.50)]  # quantile cuts are units' own scores
    labels = [label for label, _colour in composite_map_legend(bands, "vi")[:-1]]
    assert labels == ["30–39%", ">39–46%", ">46–50%"]
    assert band_of(0.39, bands) == 0 and band_of(0.3901, bands) == 1  # the label matches where 39% sits
    assert [label for label, _ in composite_map_legend(bands, "en")[:-1]] == ["30–39%", ">39–46%", ">46–50%"]
    # edges that round to the same whole number keep a decimal, in the language's digits
    assert band_label((0.391, 0.394), "vi", first=False) == ">39,1–39,4%"
    assert band_label((0.391, 0.394), "en", first=False) == ">39.1–39.4%"
    assert band_label((0.4, 0.4), "en") == "40%"


def test_times_are_shown_in_the_province_and_the_language() -> None:
    stored = dt.datetime(2026, 11, 20, 17, 30)  # UTC, as the ledger stores it
    assert format_local_time(stored, "vi", "Asia/Ho_Chi_Minh") == "00:30 21/11/2026"
    assert format_local_time(stored, "en", "Asia/Ho_Chi_Minh") == "21/11/2026, 12:30 AM"
    assert format_local_time(stored, "vi", "UTC") == "17:30 20/11/2026"
    assert format_local_time(None, "vi", "UTC") == "—"
