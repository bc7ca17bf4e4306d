"""Glance tables: every indicator name reads in full in its column, on rows only as tall as the longest needs."""

from __future__ import annotations

from pathlib import Path

from ioc import ui
from ioc.config_loader import load_config

ROOT = Path(__file__).resolve().parents[1]
LGSP = "Tỷ lệ cơ sở dữ liệu chuyên ngành kết nối với Nền tảng tích hợp, chia sẻ dữ liệu của tỉnh (LGSP)"


def test_the_longest_demo_names_get_a_fourth_line() -> None:
    names = [
        i.name.get(lang)
        for i in load_config(ROOT / "targets.yaml").targets.indicators
        for lang in ("vi", "en")
    ]
    assert LGSP in names and max(names, key=len) == LGSP
    # both seen in the browser on four lines at 190 px (the second breaks before "(non-classified)")
    for name in (LGSP, "Outgoing documents digitally signed and sent electronically (non-classified)"):
        assert name in names and ui.wrapped_lines(name, ui.NAME_WIDTH) == 4
    # a table holding one has rows tall enough for four lines; tables of shorter names keep three-line rows
    assert ui.row_height_for([LGSP, "Số sự cố"]) >= ui.ROW_HEIGHT + 18
    assert ui.row_height_for([n for n in names if len(n) <= 70]) == ui.ROW_HEIGHT


def test_names_wrap_at_spaces_and_a_long_word_breaks() -> None:
    assert ui.wrapped_lines("Số sự cố", 190) == 1
    assert (
        ui.wrapped_lines("Tỷ lệ TTHC đủ điều kiện được cung cấp dịch vụ công trực tuyến toàn trình", 190) == 3
    )
    assert ui.wrapped_lines("x" * 200, 190) >= 5
    assert ui.row_height_for([]) == ui.ROW_HEIGHT


def test_unit_names_that_fit_one_line_keep_the_grids_row_and_longer_ones_wrap() -> None:
    assert ui.row_height_for(["Sở Y tế", "Trung tâm Phục vụ hành chính công"], 230, min_lines=1) is None
    taller = ui.row_height_for(["Sở Y tế", "Department of Agriculture and Environment"], 230, min_lines=1)
    assert taller is not None and taller > 64  # the grid wraps text only in rows above 4rem
