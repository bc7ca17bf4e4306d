"""Procedure statistics reports: merged header, group and total rows, per-unit rates, province roll-up."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from helpers_exports import by_code, make_config, table
from openpyxl import load_workbook

from data_sources.procedure_stats import SOURCE, header_paths, path_matches
from ioc.export_writers import write_procedure_report


def unit(
    name: str,
    on: int,
    off: int,
    carried: int,
    early: int,
    on_time: int,
    late: int,
    ip_ok: int,
    ip_over: int,
    **totals: int,
) -> dict:
    return dict(
        unit=name,
        received_online=on,
        received_offline=off,
        received_carried_over=carried,
        settled_early=early,
        settled_on_time=on_time,
        settled_late=late,
        in_progress_on_time=ip_ok,
        in_progress_overdue=ip_over,
        **totals,
    )


DEPARTMENTS = [
    unit("Sở Tư pháp", 120, 30, 10, 40, 90, 10, 15, 5),
    unit("Sở Y tế", 10, 90, 0, 5, 80, 15, 0, 0),
]
COMMUNES = [
    unit("Xã Tân Hòa", 45, 5, 2, 10, 38, 2, 1, 1),
    unit("UBND xã Phú Lợi", 5, 45, 0, 0, 30, 20, 0, 0),
    # received_total given as 500 although 100 + 300 + 20 = 420: an inconsistent row
    unit("Phường Lạc Thuận", 100, 300, 20, 100, 100, 0, 10, 10, received_total=500),
]


@pytest.fixture(scope="module")
def config():
    return make_config()


@pytest.fixture()
def report(tmp_path: Path) -> Path:
    return write_procedure_report(
        tmp_path / "bao_cao.xlsx",
        DEPARTMENTS + COMMUNES,
        groups=[("Cấp tỉnh", DEPARTMENTS), ("Cấp xã", COMMUNES)],
    )


def test_fixture_has_the_standard_layout(report: Path) -> None:
    ws = load_workbook(report).active
    assert "A6:A8" in {str(r) for r in ws.merged_cells.ranges}  # STT over 3 header rows
    assert ws["C6"].value == "Số hồ sơ nhận giải quyết" and ws["D8"].value == "Trực tuyến"
    assert ws["B10"].value == "Cấp tỉnh" and ws["B17"].value == "Tổng cộng"


def test_header_paths_of_a_merged_header() -> None:
    rows = [
        ["STT", "Đơn vị", "Tiếp nhận", None, None, "Đã giải quyết", None],
        [None, None, "Tổng số", "Trong kỳ", None, "Tổng số", "Đúng hạn"],
        [None, None, None, "Trực tuyến", "Trực tiếp", None, None],
    ]
    paths = header_paths(rows)
    assert paths[1] == ["Đơn vị"]
    assert paths[2] == ["Tiếp nhận", "Tổng số"]  # vertical merge: not filled from the left
    assert paths[4] == ["Tiếp nhận", "Trong kỳ", "Trực tiếp"]  # horizontal merge "Trong kỳ" spans D:E
    assert paths[6] == ["Đã giải quyết", "Đúng hạn"]
    assert path_matches("Tiếp nhận | Trực tuyến", paths[3])
    assert not path_matches("Đã giải quyết | Tổng số", paths[2])
    assert path_matches("Đã giải quyết | Tổng số", paths[5])


def test_rates_per_unit_by_hand(report: Path, config) -> None:
    assert SOURCE.sniff(report, config).id == "procedure_stats"
    res = SOURCE.read(report, config)
    assert res.errors == [], [str(i) for i in res.errors]
    assert res.rows_read == 5  # group rows, total row and signatures skipped
    got = table(res.observations)
    expected = {
        # online rate = online / (online + in person/postal)
        ("tthc_online_rate", "so_tu_phap", "2025-08"): (80.0, 120.0, 150.0),  # 120 / 150
        ("tthc_online_rate", "so_y_te", "2025-08"): (10.0, 10.0, 100.0),  # 10 / 100
        ("tthc_online_rate", "90001", "2025-08"): (90.0, 45.0, 50.0),  # 45 / 50
        ("tthc_online_rate", "90002", "2025-08"): (10.0, 5.0, 50.0),  # 5 / 50
        ("tthc_online_rate", "90003", "2025-08"): (25.0, 100.0, 400.0),  # 100 / 400
        # on-time rate = (early + on time) / settled total
        ("tthc_ontime_rate", "so_tu_phap", "2025-08"): (92.8571, 130.0, 140.0),  # (40 + 90) / 140
        ("tthc_ontime_rate", "so_y_te", "2025-08"): (85.0, 85.0, 100.0),  # (5 + 80) / 100
        ("tthc_ontime_rate", "90001", "2025-08"): (96.0, 48.0, 50.0),  # (10 + 38) / 50
        ("tthc_ontime_rate", "90002", "2025-08"): (60.0, 30.0, 50.0),  # (0 + 30) / 50
        ("tthc_ontime_rate", "90003", "2025-08"): (100.0, 200.0, 200.0),  # (100 + 100) / 200
        # overdue backlog = in progress, overdue
        ("tthc_overdue_backlog", "so_tu_phap", "2025-08"): (5.0, None, None),
        ("tthc_overdue_backlog", "so_y_te", "2025-08"): (0.0, None, None),
        ("tthc_overdue_backlog", "90001", "2025-08"): (1.0, None, None),
        ("tthc_overdue_backlog", "90002", "2025-08"): (0.0, None, None),
        ("tthc_overdue_backlog", "90003", "2025-08"): (10.0, None, None),
    }
    assert got == expected
    rows = dict(
        res.observations.filter(pl.col("indicator") == "tthc_online_rate")
        .select("unit_code", "row")
        .iter_rows()
    )
    assert rows == {"so_tu_phap": 11, "so_y_te": 12, "90001": 14, "90002": 15, "90003": 16}  # Excel rows


def test_province_rollup_is_the_ratio_of_sums_not_the_mean(report: Path, config) -> None:
    obs = SOURCE.read(report, config).observations
    communes = obs.filter(pl.col("unit_code").str.contains(r"^\d{5}$"))
    rolled = (
        communes.group_by("indicator")
        .agg(
            (pl.col("numerator").sum() * 100 / pl.col("denominator").sum()).alias("ratio"),
            pl.col("value").mean().alias("mean"),
        )
        .sort("indicator")
    )
    got = {
        i: (round(r, 4), round(m, 4))
        for i, r, m in rolled.filter(pl.col("indicator") != "tthc_overdue_backlog").iter_rows()
    }
    # online: (45 + 5 + 100) / (50 + 50 + 400) = 150 / 500 = 30 %; mean of 90, 10, 25 = 41.67 %
    # on time: (48 + 30 + 200) / (50 + 50 + 200) = 278 / 300 = 92.67 %; mean of 96, 60, 100 = 85.33 %
    assert got == {"tthc_online_rate": (30.0, 41.6667), "tthc_ontime_rate": (92.6667, 85.3333)}


def test_inconsistent_totals_are_warnings(report: Path, config) -> None:
    res = SOURCE.read(report, config)
    (w,) = by_code(res.issues, "inconsistent-total")
    assert not w.is_error
    assert (w.row, w.column, w.field, w.value, w.expected) == (16, "C", "received_total", "500", "420")
    assert "Phường Lạc Thuận" in w.message


def test_period_from_the_title_range_or_the_caller(tmp_path: Path, config) -> None:
    path = write_procedure_report(
        tmp_path / "r.xlsx", COMMUNES[:2], period_text="Từ ngày 15/08/2025 đến ngày 14/09/2025"
    )
    res = SOURCE.read(path, config)
    assert set(res.observations.get_column("period")) == {"2025-09"}  # Decree 09/2019 monthly period
    res = SOURCE.read(path, config, period="2025-08")
    (e,) = by_code(res.issues, "period-mismatch")
    assert "09/2025" in e.message and res.observations.is_empty()  # the period as people write it


def test_missing_period_is_an_error_unless_declared(tmp_path: Path, config) -> None:
    path = write_procedure_report(tmp_path / "r.xlsx", COMMUNES[:2], period_text=None)
    res = SOURCE.read(path, config)
    (e,) = by_code(res.issues, "missing-period")
    assert "Kỳ báo cáo" in e.hint_vi
    res = SOURCE.read(path, config, period="2025-10")
    assert res.errors == [] and set(res.observations.get_column("period")) == {"2025-10"}


def test_former_commune_before_july_2025_keeps_its_former_code(tmp_path: Path, config) -> None:
    path = write_procedure_report(
        tmp_path / "r.xlsx",
        [unit("Xã Cao Hải", 3, 1, 0, 1, 1, 0, 0, 2)],
        period_text="Kỳ báo cáo: Tháng 6/2025",
    )
    res = SOURCE.read(path, config)
    assert res.errors == []
    assert set(res.observations.get_column("unit_code")) == {"80002"}


def test_unknown_unit_and_bad_number_are_located(tmp_path: Path, config) -> None:
    bad = [
        *COMMUNES[:2],
        unit("Xã Không Tồn Tại", 1, 1, 0, 1, 0, 0, 0, 0),
        unit("Sở Y tế", 1, 1, 0, 1, 0, 0, 0, 0),
    ]
    path = write_procedure_report(tmp_path / "r.xlsx", bad)
    wb = load_workbook(path)
    wb.active["D11"] = "mười"  # Phú Lợi's online count typed as a word
    wb.save(path)
    res = SOURCE.read(path, config)
    (u,) = by_code(res.issues, "unknown-unit")
    assert (u.row, u.column, u.value) == (12, "B", "Xã Không Tồn Tại") and "unit_map" in u.admin_hint
    assert (
        "unit_map" not in u.hint
    )  # the sender is told to check the name; targets.yaml is the administrator's
    (n,) = by_code(res.issues, "bad-number")
    assert (n.row, n.column, n.value) == (11, "D", "mười")
    # the Vietnamese message gives its reason in Vietnamese, not "'mười' is not a number"
    assert "không phải là số" in n.message_vi and "is not" not in n.message_vi
    assert "is not a number" in n.message
    assert res.observations.is_empty()


def test_another_layout_is_configuration(tmp_path: Path) -> None:
    """A one-row header with other words, configured by labels and a column letter."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["BÁO CÁO QUÝ III/2025"])
    ws.append(["TT", "Tên cơ quan", "Nộp qua mạng", "Nộp tại quầy", "Xong", "Xong đúng hẹn", "Quá hẹn"])
    ws.append([1, "Xã Tân Hòa", "8", "2", 10, 9, 1])
    ws.append([2, "Sở Tư pháp", "1.200", "800", 2000, 1500, 0])
    ws.append([None, "Tổng cộng", 1208, 802, 2010, 1509, 1])
    wb.save(tmp_path / "q.xlsx")
    export = {
        "id": "other_system",
        "kind": "procedure_stats",
        "columns": {
            "unit": ["Tên cơ quan"],
            "received_online": ["Nộp qua mạng"],
            "received_offline": ["Nộp tại quầy"],
            "settled_total": {"letter": "E"},
            "settled_on_time": ["Xong đúng hẹn"],
            "in_progress_overdue": ["Quá hẹn"],
        },
    }
    inds = [
        {**i, "source": {**i["source"], "export": "other_system"}}
        for i in make_config().targets.model_dump(by_alias=True, exclude_none=True)["indicators"]
        if i["id"] in ("tthc_online_rate", "tthc_overdue_backlog")
    ]
    config = make_config(exports=[export], indicators=inds)
    res = SOURCE.read(tmp_path / "q.xlsx", config)
    assert res.errors == [], [str(i) for i in res.errors]
    assert table(res.observations) == {
        ("tthc_online_rate", "90001", "2025-Q3"): (80.0, 8.0, 10.0),
        ("tthc_online_rate", "so_tu_phap", "2025-Q3"): (60.0, 1200.0, 2000.0),  # "1.200" typed as text
        ("tthc_overdue_backlog", "90001", "2025-Q3"): (1.0, None, None),
        ("tthc_overdue_backlog", "so_tu_phap", "2025-Q3"): (0.0, None, None),
    }


def test_dossier_file_is_not_sniffed_as_statistics(tmp_path: Path, config) -> None:
    from ioc.export_writers import write_dossiers

    path = write_dossiers(tmp_path / "d.xlsx", [{"code": "1", "unit": "Xã Tân Hòa", "channel": "online"}])
    assert SOURCE.sniff(path, config) is False


def _unmerged_copy(src: Path, dest: Path) -> Path:
    """The same report saved with every merge undone: the value stays in the top-left cell, the rest blank."""
    wb = load_workbook(src)
    for ws in wb.worksheets:
        for rng in list(ws.merged_cells.ranges):
            ws.unmerge_cells(str(rng))
    wb.save(dest)
    return dest


def test_merged_and_unmerged_header_read_the_same(report: Path, config, tmp_path: Path) -> None:
    plain = _unmerged_copy(report, tmp_path / "bao_cao_khong_gop_o.xlsx")
    assert not load_workbook(plain).active.merged_cells.ranges
    merged, unmerged = SOURCE.read(report, config), SOURCE.read(plain, config)
    assert merged.errors == [] and unmerged.errors == []
    assert table(merged.observations) == table(unmerged.observations)
    assert merged.observations.height == 15
    assert [(i.code, i.row, i.column) for i in merged.issues] == [
        (i.code, i.row, i.column) for i in unmerged.issues
    ]
    assert merged.detail["header_row"] == unmerged.detail["header_row"] == 6


def test_the_workbook_merges_decide_which_group_a_column_belongs_to(report: Path, config) -> None:
    # an extra column N whose title sits in the lowest header row alone, outside every merged group: the
    # sheet's merges say it is not under "Số hồ sơ đang giải quyết" (K6:M7), so "Quá hạn" is column M only
    wb = load_workbook(report)
    ws = wb.active
    ws["N8"] = "Số hồ sơ quá hạn có văn bản xin lỗi"
    for r in range(10, 17):
        ws.cell(r, 14, 99)
    wb.save(report)
    res = SOURCE.read(report, config)
    assert res.errors == [], [str(i) for i in res.errors]
    got = table(res.observations)
    assert got[("tthc_overdue_backlog", "so_tu_phap", "2025-08")] == (5.0, None, None)
    assert got[("tthc_overdue_backlog", "90003", "2025-08")] == (10.0, None, None)


def test_one_read_parses_a_sheet_once_and_keeps_nothing_after(report: Path) -> None:
    from data_sources.xlsx_cells import load_export_sheet, one_read

    with one_read():
        first = load_export_sheet(report, None)
        assert first.merges == []  # not read until asked for: a large export does not pay for them
        assert (
            load_export_sheet(report, None, merges=True) is first
        )  # the sniffs and the read share one parse
    assert load_export_sheet(report, None) is not first  # no cache outlives the read
    assert first.name == "Biểu II.06" and (6, 0, 8, 0) in first.merges  # A6:A8
