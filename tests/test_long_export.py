"""Generic long exports: unit, period, indicator, value (and numerator, denominator)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_exports import by_code, make_config, table

from data_sources.long_export import SOURCE
from ioc.export_writers import write_long_export

ROWS = [
    # a ratio given by numerator and denominator only: 30 / 40 = 75 %
    {
        "unit": "90001",
        "period": "08/2025",
        "indicator": "dossier_online_rate",
        "numerator": 30,
        "denominator": 40,
    },
    # the indicator by its Vietnamese name, the unit by name, a Vietnamese decimal comma
    {"unit": "Phường Lạc Thuận", "period": "2025-08", "indicator": "Chỉ tiêu plain_rate", "value": "84,5"},
    # a department id, a thousands dot
    {"unit": "so_tu_phap", "period": "T8/2025", "indicator": "tthc_overdue_backlog", "value": "1.672"},
    # a former commune before 1 July 2025 keeps its former code
    {"unit": "Xã Cao Hải", "period": "Quý 2/2025", "indicator": "dossier_online_rate", "value": 50},
    # the province itself
    {"unit": "99", "period": "2025", "indicator": "plain_rate", "value": 61.25},
]
EXPECTED = {
    ("dossier_online_rate", "90001", "2025-08"): (75.0, 30.0, 40.0),
    ("plain_rate", "90003", "2025-08"): (84.5, None, None),
    ("tthc_overdue_backlog", "so_tu_phap", "2025-08"): (1672.0, None, None),
    ("dossier_online_rate", "80002", "2025-Q2"): (50.0, None, None),
    ("plain_rate", "99", "2025"): (61.25, None, None),
}


@pytest.fixture(scope="module")
def config():
    return make_config()


@pytest.mark.parametrize("fmt", ["xlsx", "csv-utf8", "csv-utf8-bom", "csv-utf16"])
def test_long_export_in_every_format(tmp_path: Path, config, fmt: str) -> None:
    path = write_long_export(tmp_path / f"long.{'xlsx' if fmt == 'xlsx' else 'csv'}", ROWS, fmt=fmt)  # type: ignore[arg-type]
    assert SOURCE.sniff(path, config).id == "long"
    res = SOURCE.read(path, config)
    assert res.errors == [], [str(i) for i in res.errors]
    assert res.rows_read == 5
    assert table(res.observations) == EXPECTED
    rows = dict(res.observations.select("unit_code", "row").iter_rows())
    assert rows["90001"] == 2 and rows["99"] == 6


def test_english_headers(tmp_path: Path, config) -> None:
    heads = {
        "unit": "unit_code",
        "period": "period",
        "indicator": "indicator",
        "value": "value",
        "numerator": "numerator",
        "denominator": "denominator",
    }
    res = SOURCE.read(write_long_export(tmp_path / "en.csv", ROWS, headers=heads), config)
    assert table(res.observations) == EXPECTED


def test_every_bad_cell_is_located(tmp_path: Path, config) -> None:
    bad = [
        *ROWS,
        {"unit": "Xã Không Tồn Tại", "period": "2025-08", "indicator": "plain_rate", "value": 1},  # row 7
        {"unit": "90001", "period": "13/2025", "indicator": "plain_rate", "value": 1},  # row 8
        {"unit": "90002", "period": "2025-08", "indicator": "dossier_onlin_rate", "value": 1},  # row 9
        {"unit": "90002", "period": "2025-08", "indicator": "plain_rate", "value": "(1)"},  # row 10
        {
            "unit": "90001",
            "period": "2025-08",
            "indicator": "dossier_online_rate",
            "value": 3,
        },  # row 11: duplicate
    ]
    res = SOURCE.read(write_long_export(tmp_path / "bad.xlsx", bad), config)
    found = {(i.code, i.row, i.column) for i in res.errors}
    assert found == {
        ("unknown-unit", 7, "A"),
        ("bad-period", 8, "B"),
        ("unknown-indicator", 9, "C"),
        ("bad-number", 10, "D"),
        ("duplicate-row", 11, None),
    }
    (ind,) = by_code(res.issues, "unknown-indicator")
    assert "did you mean 'dossier_online_rate'" in ind.message
    assert res.observations.is_empty()


def test_every_duplicate_row_is_counted(tmp_path: Path, config) -> None:
    """Twelve repeats of one row: the first five are listed and the other seven counted, not dropped."""
    repeats = 12
    rows = [*ROWS, *([ROWS[1]] * repeats)]
    res = SOURCE.read(write_long_export(tmp_path / "dup.csv", rows), config)
    dups = by_code(res.issues, "duplicate-row")
    listed = [i for i in dups if not i.extra.get("omitted")]
    (more,) = [i for i in dups if i.extra.get("omitted")]
    assert len(listed) + more.extra["omitted"] == repeats
    assert f"và {repeats - len(listed)} lỗi tương tự" in more.message_vi
    assert f"and {repeats - len(listed)} more like this" in more.message
    # the listed ones name the indicator, the unit and the period as people know them
    first = listed[0]
    assert "Phường Lạc Thuận (90003)" in first.message_vi and "08/2025" in first.message_vi
    assert "(plain_rate)" in first.message


def test_bad_number_reason_in_each_language(tmp_path: Path, config) -> None:
    rows = [*ROWS, {"unit": "90002", "period": "2025-08", "indicator": "plain_rate", "value": "xxx"}]
    res = SOURCE.read(write_long_export(tmp_path / "n.csv", rows), config)
    (e,) = by_code(res.issues, "bad-number")
    assert "không phải là số" in e.message_vi and "is not" not in e.message_vi
    assert "is not a number" in e.message


def test_missing_value_column_is_named(tmp_path: Path, config) -> None:
    res = SOURCE.read(
        write_long_export(tmp_path / "m.csv", ROWS, fields=("unit", "period", "indicator")), config
    )
    (e,) = by_code(res.issues, "missing-column")
    assert e.field == "value" and "Giá trị" in e.message


def test_a_file_without_the_header_row_says_so(tmp_path: Path, config) -> None:
    path = tmp_path / "no-header.csv"
    path.write_text("Báo cáo tháng 8\nghi chú,không có tiêu đề\n1,2\n", encoding="utf-8")
    res = SOURCE.read(path, config)
    assert res.observations.is_empty()
    (e,) = by_code(res.issues, "header-not-found")
    assert e.is_error and e.message_vi and e.message


def test_declared_period_filters(tmp_path: Path, config) -> None:
    res = SOURCE.read(write_long_export(tmp_path / "p.csv", ROWS), config, period="2025-08")
    assert set(res.observations.get_column("period")) == {"2025-08"}
    assert by_code(res.issues, "outside-period")
