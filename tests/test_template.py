"""The department template: sheets, protection, validations, rows, previous values, and the round trip."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from helpers_workbook import by_code, make_config

from data_sources.workbook import SOURCE
from ioc.issues import IssueError
from ioc.targets import Frequency
from ioc.template import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    HELP_SHEET,
    INPUT_SHEET,
    LISTS_SHEET,
    META_SHEET,
    TEMPLATE_VERSION,
    build_template,
    indicator_period,
    is_due,
)

ROOT = Path(__file__).resolve().parents[1]
LONG_HEADER = [
    "Mã chỉ tiêu",
    "Tên chỉ tiêu",
    "Mã đơn vị",
    "Tên đơn vị",
    "Đơn vị tính",
    "Kỳ trước",
    "Giá trị",
    "Tử số",
    "Mẫu số",
    "Ghi chú",
]
# September: the monthly indicators and the quarterly one (Q3 ends); rows as (indicator, unit, period).
# Excel rows: online_rate 6–10, clinics 11–14, staff_trained 15 (so_noi_vu), 16 (so_tai_chinh), 17 (so_y_te).
SEPTEMBER_ROWS = [
    ("online_rate", "99", "2025-09"),
    ("online_rate", "90001", "2025-09"),
    ("online_rate", "90002", "2025-09"),
    ("online_rate", "90003", "2025-09"),
    ("online_rate", "90004", "2025-09"),
    ("clinics", "90001", "2025-09"),
    ("clinics", "90002", "2025-09"),
    ("clinics", "90003", "2025-09"),
    ("clinics", "90004", "2025-09"),
    # department level: the owner (so_y_te) reports it for every registry department, sorted by id
    ("staff_trained", "so_noi_vu", "2025-Q3"),
    ("staff_trained", "so_tai_chinh", "2025-Q3"),
    ("staff_trained", "so_y_te", "2025-Q3"),
]


@pytest.fixture(scope="module")
def config():
    return make_config()


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(BytesIO(data))


def _data_rows(ws) -> list[tuple]:
    out = []
    for row in ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True):
        if row[0] is None:
            break
        out.append(row)
    return out


def _validation_at(ws, coord: str):
    hits = [dv for dv in ws.data_validations.dataValidation if coord in dv.sqref]
    assert len(hits) == 1, f"{coord}: {len(hits)} validations"
    return hits[0]


@pytest.mark.parametrize(
    ("frequency", "period", "due", "expected"),
    [
        (Frequency.MONTHLY, "2025-08", True, "2025-08"),
        (Frequency.QUARTERLY, "2025-08", False, "2025-Q3"),
        (Frequency.QUARTERLY, "2025-09", True, "2025-Q3"),
        (Frequency.YEARLY, "2025-11", False, "2025"),
        (Frequency.YEARLY, "2025-12", True, "2025"),
        (Frequency.QUARTERLY, "2025-Q2", True, "2025-Q2"),
        (Frequency.MONTHLY, "2025-Q2", False, None),
        (Frequency.YEARLY, "2025", True, "2025"),
    ],
)
def test_due_and_period(frequency, period, due, expected):
    assert is_due(frequency, period) is due
    assert indicator_period(frequency, period) == expected


def test_sheets_visibility_and_meta(config):
    made = dt.datetime(2025, 9, 30, 8, 0, tzinfo=dt.UTC)
    wb = _open(build_template(config, "so_y_te", "2025-09", generated_at=made))
    assert wb.sheetnames == [INPUT_SHEET, LISTS_SHEET, META_SHEET, HELP_SHEET]
    assert [wb[n].sheet_state for n in wb.sheetnames] == ["visible", "hidden", "hidden", "visible"]
    assert wb.active.title == INPUT_SHEET
    meta = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(min_row=2, values_only=True)}
    assert meta["template_version"] == TEMPLATE_VERSION
    assert meta["department"] == "so_y_te"
    assert meta["period"] == "2025-09"
    assert meta["generated_at"] == "2025-09-30T08:00:00+00:00"
    assert meta["targets_sha256"] == "0" * 64
    assert meta["layout"] == "long"
    assert meta["indicators"] == "online_rate,clinics,staff_trained"
    assert meta["header_row"] == str(HEADER_ROW)
    lists = list(wb[LISTS_SHEET].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in lists if r[0]] == ["online_rate", "clinics", "staff_trained"]
    # a department-level indicator is reported by its owner for every department (sorted by id)
    units = ["99", "90001", "90002", "90003", "90004", "so_noi_vu", "so_tai_chinh", "so_y_te"]
    assert [r[2] for r in lists if r[2]] == units
    assert [r[3] for r in lists if r[3]][5:] == ["Sở Nội vụ", "Sở Tài chính", "Sở Y tế"]
    help_text = "\n".join(str(r[0]) for r in wb[HELP_SHEET].iter_rows(values_only=True) if r[0])
    assert "84,63" in help_text and "Nộp số liệu" in help_text and "Liên hệ" in help_text


def test_title_header_and_rows(config):
    ws = _open(build_template(config, "so_y_te", "2025-09"))[INPUT_SHEET]
    assert ws["A1"].value == "TỈNH MẪU"
    assert ws["A2"].value == "Đơn vị báo cáo: Sở Y tế"
    assert ws["A3"].value == "Kỳ báo cáo: 09/2025"
    assert [c.value for c in ws[HEADER_ROW]] == LONG_HEADER
    rows = _data_rows(ws)
    assert [(r[0], r[2]) for r in rows] == [(i, u) for i, u, _ in SEPTEMBER_ROWS]
    # names and units shown; the quarterly row names its quarter
    assert rows[1][3] == "Xã Tân Hòa" and rows[3][3] == "Phường Tân Hòa"
    assert rows[0][3] == "Tỉnh Mẫu"
    assert [r[3] for r in rows[9:]] == ["Sở Nội vụ", "Sở Tài chính", "Sở Y tế"]
    assert [r[1] for r in rows[9:]] == ["Tỷ lệ cán bộ được đào tạo (Quý 3/2025)"] * 3
    assert [r[4] for r in rows] == ["%"] * 5 + ["Số lượng"] * 4 + ["%"] * 3
    # value, numerator, denominator, previous and note start empty
    assert all(r[5] is None and r[6] is None and r[7] is None and r[8] is None for r in rows)
    assert ws.freeze_panes == f"E{FIRST_DATA_ROW}"
    assert ws.column_dimensions["B"].width == 52
    assert not any(
        isinstance(c.value, str) and c.value.startswith("=") for row in ws.iter_rows() for c in row
    ), "no formulas anywhere in the input sheet"


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2025-08", ["online_rate"] * 5 + ["clinics"] * 4),
        ("2025-12", ["online_rate"] * 5 + ["clinics"] * 4 + ["staff_trained"] * 3 + ["ehealth_budget"]),
    ],
)
def test_rows_follow_frequency(config, period, expected):
    ws = _open(build_template(config, "so_y_te", period))[INPUT_SHEET]
    rows = _data_rows(ws)
    assert [r[0] for r in rows] == expected
    if period == "2025-12":
        assert rows[-1][2] == "99" and rows[-1][4] == "Đồng"
        assert [r[2] for r in rows[-4:-1]] == ["so_noi_vu", "so_tai_chinh", "so_y_te"]
        assert rows[-2][1] == "Tỷ lệ cán bộ được đào tạo (Quý 4/2025)"


def test_protection_text_codes_and_fills(config):
    ws = _open(build_template(config, "so_y_te", "2025-09"))[INPUT_SHEET]
    assert ws.protection.sheet is True
    assert ws["A5"].protection.locked and ws["A1"].protection.locked
    # codes are text with the "@" format; people cannot type over them
    for coord in ("A6", "C6", "C7", "C15", "C17"):
        assert ws[coord].number_format == "@"
        assert isinstance(ws[coord].value, str)
        assert ws[coord].protection.locked
    assert ws["C7"].value == "90001"
    assert (ws["C15"].value, ws["C16"].value, ws["C17"].value) == ("so_noi_vu", "so_tai_chinh", "so_y_te")
    # value and note cells are open; numerator/denominator only for the ratio indicator
    for coord in ("G6", "G11", "G15", "G16", "G17", "J6", "J17", "H6", "I6", "H10", "I10"):
        assert ws[coord].protection.locked is False, coord
    for coord in ("H11", "I11", "H15", "I15", "H17", "I17"):
        assert ws[coord].protection.locked is True, coord
        assert ws[coord].fill.fgColor.rgb.endswith("D9D9D9"), coord


def test_value_validations(config):
    ws = _open(build_template(config, "so_y_te", "2025-12"))[INPUT_SHEET]
    pct = _validation_at(ws, "G6")
    assert (pct.type, pct.operator, float(pct.formula1), float(pct.formula2)) == (
        "decimal",
        "between",
        0,
        100,
    )
    assert "từ 0 đến 100" in pct.error and "84,63" in pct.error
    assert pct.errorTitle == "Giá trị không hợp lệ" and pct.showErrorMessage
    # staff_trained (rows 15–17, one per department) shares the 0–100 percent validation
    assert all(_validation_at(ws, f"G{r}") is pct for r in (15, 16, 17))
    count = _validation_at(ws, "G11")
    assert (count.type, count.operator, float(count.formula1)) == ("decimal", "greaterThanOrEqual", 0)
    assert "không nhỏ hơn 0" in count.error
    money = _validation_at(ws, "G18")  # ehealth_budget, the last row (after staff_trained 15–17)
    assert money.operator == "greaterThanOrEqual"
    ratio_parts = _validation_at(ws, "H7")
    assert ratio_parts.operator == "greaterThanOrEqual" and "Tử số" in ratio_parts.error
    codes = _validation_at(ws, "A6")
    assert codes.type == "list" and codes.formula1 == f"'{LISTS_SHEET}'!$A$2:$A$5"
    units = _validation_at(ws, "C18")
    # 8 units listed in _lists rows 2–9: the province, 4 communes, 3 departments
    assert units.type == "list" and units.formula1 == f"'{LISTS_SHEET}'!$C$2:$C$9"


def test_previous_values(config):
    previous = pl.DataFrame(
        {
            "indicator": [
                "online_rate",
                "online_rate",
                "online_rate",
                "online_rate",
                "staff_trained",
                "staff_trained",
                "staff_trained",
                "clinics",
            ],
            "unit_code": [
                "90001",
                "90001",
                "90001",
                "99",
                "so_y_te",
                "so_tai_chinh",
                "so_tai_chinh",
                "90002",
            ],
            "period": [
                "2025-07",
                "2025-08",
                "2025-10",
                "2025-08",
                "2025-Q2",
                "2025-Q1",
                "2025-Q2",
                "2025-Q2",
            ],
            "value": [70.0, 72.5, 99.0, 80.0, 60.0, 40.0, 55.0, 5.0],
        }
    )
    ws = _open(build_template(config, "so_y_te", "2025-09", previous=previous))[INPUT_SHEET]
    # latest earlier period of the same kind; a later month and a quarter for a monthly row are ignored
    assert ws["F6"].value == 80.0
    assert ws["F7"].value == 72.5
    assert ws["F8"].value is None
    assert ws["F12"].value is None
    # staff_trained rows 15–17 (so_noi_vu, so_tai_chinh, so_y_te): each department's own latest quarter
    assert ws["F15"].value is None
    assert ws["F16"].value == 55.0
    assert ws["F17"].value == 60.0


def test_wide_layout(config):
    wb = _open(build_template(config, "so_y_te", "2025-09", layout="wide"))
    ws = wb[INPUT_SHEET]
    assert [c.value for c in ws[HEADER_ROW]] == [
        "Mã đơn vị",
        "Tên đơn vị",
        "Tỷ lệ hồ sơ trực tuyến (%) [online_rate]",
        "Số trạm y tế số (Số lượng) [clinics]",
        "Ghi chú",
    ]
    assert [(r[0], r[1]) for r in _data_rows(ws)] == [
        ("90001", "Xã Tân Hòa"),
        ("90002", "Xã Phú Lợi"),
        ("90003", "Phường Tân Hòa"),
        ("90004", "Xã Hoà Bình"),
    ]
    assert ws["A6"].number_format == "@" and ws["A6"].protection.locked
    assert ws["C6"].protection.locked is False and ws["D9"].protection.locked is False
    pct = _validation_at(ws, "C9")
    assert (pct.operator, float(pct.formula2)) == ("between", 100)
    assert ws.freeze_panes == f"C{FIRST_DATA_ROW}"
    meta = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(values_only=True)}
    assert meta["layout"] == "wide" and meta["indicators"] == "online_rate,clinics"


def test_bad_requests(config):
    with pytest.raises(IssueError) as e:
        build_template(config, "so_khong_co", "2025-13")
    assert sorted(i.code for i in e.value.issues) == ["bad-period", "unknown-department"]
    with pytest.raises(IssueError) as e:
        build_template(config, "so_noi_vu", "2025-09")  # owns no indicator
    assert [i.code for i in e.value.issues] == ["no-indicators-due"]
    assert "Sở Nội vụ" not in e.value.issues[0].message  # ids in messages, not guessed names
    with pytest.raises(IssueError):
        build_template(config, "so_y_te", "2025-09", layout="tall")


def test_round_trip_long(config, tmp_path):
    wb = _open(build_template(config, "so_y_te", "2025-09"))
    ws = wb[INPUT_SHEET]
    ws["G6"], ws["H6"], ws["I6"] = 84.63, 8463, 10000  # value agrees with the parts
    ws["G7"] = "84,63"  # text in Vietnamese format
    ws["H8"], ws["I8"] = 50, 200  # value computed: 25
    ws["G11"] = 3
    ws["G12"] = "1.672"  # thousands dot
    ws["G15"] = 95.5  # staff_trained for so_noi_vu: so_y_te reports it for every department
    ws["G17"] = "88,5"  # staff_trained for so_y_te itself; so_tai_chinh (row 16) left empty
    path = tmp_path / "so_y_te_2025-09.xlsx"
    wb.save(path)
    assert SOURCE.sniff(path, config) is True
    res = SOURCE.read(path, config, display_name="Sở Y tế T9.xlsx")
    assert res.errors == []
    assert {i.code for i in res.warnings} == {"empty-value"}
    assert res.department == "so_y_te"
    assert res.detail["sheet"] == INPUT_SHEET and res.detail["layout"] == "long"
    assert res.detail["header_row"] == HEADER_ROW
    expected = pl.DataFrame(
        {
            "indicator": ["online_rate"] * 3 + ["clinics"] * 2 + ["staff_trained"] * 2,
            "unit_code": ["99", "90001", "90002", "90001", "90002", "so_noi_vu", "so_y_te"],
            "period": ["2025-09"] * 5 + ["2025-Q3"] * 2,
            "value": [84.63, 84.63, 25.0, 3.0, 1672.0, 95.5, 88.5],
            "numerator": [8463.0, None, 50.0, None, None, None, None],
            "denominator": [10000.0, None, 200.0, None, None, None, None],
            "source_file": ["Sở Y tế T9.xlsx"] * 7,
            "sheet": [INPUT_SHEET] * 7,
            "row": [6, 7, 8, 11, 12, 15, 17],
            "column": ["G"] * 7,
        }
    )
    got = res.observations.sort("row")
    assert got.drop("value").equals(expected.drop("value"))
    assert got["value"].to_list() == pytest.approx(expected["value"].to_list())
    empties = {(i.row, i.column): i.extra["rows"] for i in by_code(res.issues, "empty-value")}
    assert empties == {(9, "G"): [9, 10], (13, "G"): [13, 14], (16, "G"): [16]}


def test_round_trip_wide(config, tmp_path):
    wb = _open(build_template(config, "so_y_te", "2025-08", layout="wide"))
    ws = wb[INPUT_SHEET]
    ws["C6"] = 0.8463
    ws["C6"].number_format = "0.00%"  # typed as 84,63% in Excel: stored as a fraction
    ws["D6"] = 2
    ws["C8"], ws["D8"] = "70,5", "1.672"
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    res = SOURCE.read(path, config, department="so_y_te", period="2025-08")
    assert res.errors == []
    got = res.observations.sort("row", "column").select(
        "indicator", "unit_code", "period", "value", "row", "column"
    )
    assert got.rows() == [
        ("online_rate", "90001", "2025-08", pytest.approx(84.63), 6, "C"),
        ("clinics", "90001", "2025-08", 2.0, 6, "D"),
        ("online_rate", "90003", "2025-08", 70.5, 8, "C"),
        ("clinics", "90003", "2025-08", 1672.0, 8, "D"),
    ]
    assert res.detail["layout"] == "wide" and res.detail["percent_format_cells"] == 1


def test_empty_template_reads_without_errors(config, tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(build_template(config, "so_y_te", "2025-12"))
    res = SOURCE.read(path, config)
    assert res.errors == [] and res.observations.is_empty()
    assert {i.column for i in by_code(res.issues, "empty-value")} == {"G"}
    # December: online_rate 5 + clinics 4 + staff_trained 3 (one per department) + ehealth_budget 1
    assert res.rows_read == 13


def test_demo_province_templates(tmp_path):
    """With the real targets.yaml: every department's template, filled with 1 everywhere, reads back whole."""
    if not (ROOT / "targets.yaml").is_file():
        pytest.skip("targets.yaml not present yet")
    from ioc.config import load_config
    from ioc.template import template_rows

    demo = load_config(ROOT / "targets.yaml")
    made = 0
    for dep in demo.registry.departments["id"].to_list():
        rows = template_rows(demo, dep, "2025-12")
        if rows.is_empty():
            continue
        wb = _open(build_template(demo, dep, "2025-12"))
        ws = wb[INPUT_SHEET]
        for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + rows.height):
            ws[f"G{r}"] = 1  # inside every indicator's range (percent 0–100, counts ≥ 0)
        path = tmp_path / f"{dep}.xlsx"
        wb.save(path)
        res = SOURCE.read(path, demo, department=dep, period="2025-12")
        assert res.issues == [], (dep, [str(i) for i in res.issues[:5]])
        got = res.observations.select("indicator", "unit_code", "period").rows()
        assert got == rows.select("indicator", "unit_code", "period").rows()
        made += 1
    assert made > 0
