"""The workbook loader on what departments actually send: real .xlsx files written here with openpyxl."""

from __future__ import annotations

import unicodedata
from io import BytesIO
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from helpers_workbook import by_code, make_config

from data_sources.workbook import SOURCE, col_index, col_letter
from ioc.template import INPUT_SHEET, META_SHEET, build_template
from ioc.upload_view import issue_headers, issue_rows

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


@pytest.fixture(scope="module")
def config():
    return make_config()


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def put(ws, top_left: str, rows: list[list]) -> None:
    """Write `rows` into `ws` starting at `top_left` (None leaves a cell empty)."""
    col0 = col_index("".join(ch for ch in top_left if ch.isalpha()))
    row0 = int("".join(ch for ch in top_left if ch.isdigit()))
    for i, values in enumerate(rows):
        for j, v in enumerate(values):
            if v is not None:
                ws[f"{col_letter(col0 + j)}{row0 + i}"] = v


def obs_rows(res) -> list[tuple]:
    return (
        res.observations.sort("row", "column")
        .select("indicator", "unit_code", "period", "value", "numerator", "denominator", "row", "column")
        .rows()
    )


def where(issues) -> list[tuple]:
    return sorted((i.code, i.sheet, i.row, i.column) for i in issues)


def test_column_letters():
    assert [col_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]
    assert [col_index(x) for x in ("A", "Z", "AA", "ZZ", "AAA")] == [0, 25, 26, 701, 702]


def test_title_rows_merged_header_totals_and_notes(config, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    ws["A1"] = "SỞ Y TẾ TỈNH MẪU"
    ws.merge_cells("A1:G1")
    ws["A2"] = "BÁO CÁO KẾT QUẢ THÁNG 8 NĂM 2025"
    ws.merge_cells("A2:G2")
    ws["A3"] = "Đơn vị: %"
    # a two-row header: single columns merged down, the figures grouped under one merged cell
    put(ws, "A4", [["STT", "Mã chỉ tiêu", "Đơn vị", "Số liệu tháng 8", None, None, "Ghi chú"]])
    put(ws, "D5", [["Giá trị", "Tử số", "Mẫu số"]])
    for rng in ("A4:A5", "B4:B5", "C4:C5", "D4:F4", "G4:G5"):
        ws.merge_cells(rng)
    put(
        ws,
        "A6",
        [
            [1, "online_rate", "Toàn tỉnh", 84.63, 8463, 10000],
            [2, "online_rate", "Xã Tân Hòa", "72,5"],
            [],
            [3, "clinics", "Phú Lợi", 4],
            [None, None, "Tổng cộng", 161.13],
        ],
    )
    ws["A12"] = "Ghi chú: Số liệu sơ bộ."
    ws["B14"], ws["E14"] = "Người lập biểu", "Thủ trưởng đơn vị"
    ws["B17"], ws["E17"] = "Nguyễn Văn A", "Trần Thị B"  # names in the unit column: never units
    path = tmp_path / "bao_cao_t8.xlsx"
    wb.save(path)

    res = SOURCE.read(path, config, department="so_y_te", period="2025-08")
    assert res.issues == []
    assert obs_rows(res) == [
        ("online_rate", "99", "2025-08", 84.63, 8463.0, 10000.0, 6, "D"),
        ("online_rate", "90001", "2025-08", 72.5, None, None, 7, "D"),
        ("clinics", "90002", "2025-08", 4.0, None, None, 9, "D"),
    ]
    assert res.observations["sheet"].unique().to_list() == ["Số liệu"]
    assert res.observations["source_file"].unique().to_list() == ["bao_cao_t8.xlsx"]
    assert res.detail["header_row"] == 4 and res.detail["header_rows"] == 2
    assert res.detail["layout"] == "long" and res.detail["sheet"] == "Số liệu"
    assert res.detail["total_rows_skipped"] == [10]
    assert res.detail["table_ends_before_row"] == 12
    assert res.rows_read == 3
    assert res.department == "so_y_te"


def test_wide_commune_names_nfd_tone_variants_and_text_numbers(config, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T8"
    ws["B2"] = "Biểu 01: Kết quả chuyển đổi số cấp xã"
    # the table starts in column B, not A; headers by Vietnamese and English indicator names
    put(
        ws,
        "B4",
        [["TT", "Tên đơn vị", "Tỷ lệ hồ sơ trực tuyến (%)", "Digital clinics", "Ghi chú", "Số hộ nghèo"]],
    )
    put(
        ws,
        "B5",
        [
            [1, nfd("Xã Phú Lợi"), "84,63", "1.672"],
            [2, "Hòa Bình", "90,5%", 3],  # registry spells it "Hoà Bình" (old tone placement)
            [],
            [3, nfd("Phường Tân Hoà"), 12.5, "2", "đã rà soát", 17],
        ],
    )
    path = tmp_path / "wide.xlsx"
    wb.save(path)

    res = SOURCE.read(path, config, department="so_y_te", period="2025-08")
    assert res.errors == []
    assert obs_rows(res) == [
        ("online_rate", "90002", "2025-08", 84.63, None, None, 5, "D"),
        ("clinics", "90002", "2025-08", 1672.0, None, None, 5, "E"),
        ("online_rate", "90004", "2025-08", 90.5, None, None, 6, "D"),
        ("clinics", "90004", "2025-08", 3.0, None, None, 6, "E"),
        ("online_rate", "90003", "2025-08", 12.5, None, None, 8, "D"),
        ("clinics", "90003", "2025-08", 2.0, None, None, 8, "E"),
    ]
    assert where(res.warnings) == [("unknown-column", "T8", 4, "G")]
    assert res.warnings[0].value == "Số hộ nghèo"
    assert res.detail["layout"] == "wide" and res.detail["header_row"] == 4
    assert res.detail["text_number_cells"] == 4


def test_wide_numerator_denominator_under_a_merged_indicator_header(config, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    put(ws, "A1", [["Mã đơn vị", "Tỷ lệ hồ sơ trực tuyến [online_rate]", None, None, "Số trạm y tế số"]])
    put(ws, "B2", [["Giá trị", "Tử số", "Mẫu số"]])
    ws.merge_cells("B1:D1")
    ws.merge_cells("A1:A2")
    ws.merge_cells("E1:E2")
    put(ws, "A3", [["90001", None, 45, 60, 1], ["90002", 80, 30, 40, None], ["90003", 70, None, None, 2]])
    path = tmp_path / "wide_ratio.xlsx"
    wb.save(path)
    res = SOURCE.read(path, config, department="so_y_te", period="2025-08")
    assert res.errors == []
    assert obs_rows(res) == [
        ("online_rate", "90001", "2025-08", 75.0, 45.0, 60.0, 3, "B"),
        ("clinics", "90001", "2025-08", 1.0, None, None, 3, "E"),
        ("online_rate", "90002", "2025-08", 75.0, 30.0, 40.0, 4, "B"),
        ("online_rate", "90003", "2025-08", 70.0, None, None, 5, "B"),
        ("clinics", "90003", "2025-08", 2.0, None, None, 5, "E"),
    ]
    # 80 typed beside 30/40 = 75: the computed value is kept and the difference reported
    assert where(res.warnings) == [
        ("empty-value", "Sheet", 4, "E"),
        ("value-ratio-mismatch", "Sheet", 4, "B"),
    ]
    assert res.detail["header_row"] == 1 and res.detail["header_rows"] == 2


def test_percent_format_fraction_and_looks_like_fraction(config, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    put(
        ws,
        "A1",
        [["Mã xã", "Tỷ lệ hồ sơ trực tuyến"], [90001, 0.8463], ["90002", 75], ["90003", 0.9], ["90004", 88]],
    )
    ws["B2"].number_format = "0.00%"  # typed as 84,63% in Excel: stored as 0.8463
    path = tmp_path / "pct.xlsx"
    wb.save(path)

    res = SOURCE.read(path, config, department="so_y_te", period="2025-08")
    assert res.errors == []
    assert [(r[1], r[3]) for r in obs_rows(res)] == [
        ("90001", pytest.approx(84.63)),  # code typed as a number still resolves
        ("90002", 75.0),
        ("90003", 0.9),  # kept as typed, but flagged
        ("90004", 88.0),
    ]
    (w,) = res.warnings
    assert (w.code, w.sheet, w.row, w.column, w.value) == ("looks-like-fraction", "Sheet", 4, "B", "0.9")
    assert "90%" in w.message and "90%" in w.message_vi
    assert res.detail["percent_format_cells"] == 1


def test_ambiguous_and_unknown_commune_names(config, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Xã"
    put(
        ws,
        "A1",
        [
            ["Xã, phường", "Số trạm y tế số"],
            ["Tân Hòa", 1],  # a xã and a phường share the name
            ["Tân Hoà Mới", 2],  # no such commune
            ["Phú Lợi", 3],
            ["Tân Hòa Cũ", None],  # unknown but no value: nothing to report
        ],
    )
    path = tmp_path / "names.xlsx"
    wb.save(path)

    res = SOURCE.read(path, config, department="so_y_te", period="2025-08")
    assert where(res.errors) == [("ambiguous-unit", "Xã", 2, "A"), ("unknown-unit", "Xã", 3, "A")]
    amb = by_code(res.errors, "ambiguous-unit")[0]
    assert amb.extra["candidates"] == ["90001", "90003"]
    assert "Xã Tân Hòa (90001)" in amb.message and "Phường Tân Hòa (90003)" in amb.message
    assert "Xã Tân Hòa (90001)" in amb.message_vi
    # the department is told what to write in the cell; adding an alias is for the administrator only
    assert (
        amb.value == "Tân Hòa" and "A2" in amb.hint and "alias" not in amb.hint and "alias" in amb.admin_hint
    )
    unknown = by_code(res.errors, "unknown-unit")[0]
    assert unknown.value == "Tân Hoà Mới" and "alias" not in unknown.message + unknown.message_vi
    assert "cell A3" in unknown.hint and "ô A3" in unknown.hint_vi and "communes.csv" not in unknown.hint_vi
    assert "communes.csv" in unknown.admin_hint and "communes.csv" in unknown.admin_hint_vi
    # the Upload page's table: the administrator's hint is a column only an administrator sees
    dept_view = issue_rows(res.issues, "vi", admin=False)
    assert "admin_hint" not in dept_view.columns
    assert not any("communes.csv" in str(v) for row in dept_view.iter_rows() for v in row)
    assert any("ô A3" in h for h in dept_view["hint"].drop_nulls())
    admin_view = issue_rows(res.issues, "vi", admin=True)
    assert any("communes.csv" in h for h in admin_view["admin_hint"].drop_nulls())
    assert issue_headers("vi")["admin_hint"] == "Việc của quản trị viên"
    # never a guess: only the unambiguous row is read
    assert [(r[1], r[3]) for r in obs_rows(res)] == [("90002", 3.0)]
    assert where(res.warnings) == [("empty-value", "Xã", 5, "B")]


def test_row_problems_each_at_their_cell(config, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    put(
        ws,
        "A1",
        [
            ["Mã chỉ tiêu", "Mã đơn vị", "Tên đơn vị", "Giá trị", "Tử số", "Mẫu số"],
            ["online_rat", "90001", None, 50],  # 2 typo in the indicator id
            ["budget_share", "90001", None, 10],  # 3 another department's indicator
            ["exported_rate", "90001", None, 10],  # 4 computed from an export
            ["clinics", "90002", None, "abc"],  # 5
            ["clinics", "90003", None, "(1)"],  # 6
            ["online_rate", "90002", None, None, 5, 0],  # 7 zero denominator
            ["online_rate", "90003", None, 50, 30, 100],  # 8 value disagrees with 30/100
            ["online_rate", "90003", None, 31],  # 9 duplicate of row 8
            ["clinics", "99", None, 5],  # 10 a province code for a commune indicator
            ["staff_trained", "so_tai_chinh", None, 80],  # 11 another department: the owner reports it
            ["clinics", None, None, 7],  # 12 no unit
            ["clinics", "90004", None, "#DIV/0!"],  # 13 an Excel error value
            ["clinics", "90001", "Phú Lợi", 9],  # 14 code and name disagree: the code wins
            ["staff_trained", "so_y_te", None, "=1+1"],  # 15 formula never calculated
            ["staff_trained", None, None, 70],  # 16 department-only indicator: the unit may be left out
            ["online_rate", "Toàn tỉnh", None, "84,6"],  # 17 the province by word
        ],
    )
    path = tmp_path / "long.xlsx"
    wb.save(path)

    res = SOURCE.read(path, config, department="so_y_te", period="2025-09")
    assert where(res.errors) == sorted(
        [
            ("unknown-indicator", "Data", 2, "A"),
            ("indicator-not-owned", "Data", 3, "A"),
            ("indicator-not-workbook", "Data", 4, "A"),
            ("bad-number", "Data", 5, "D"),
            ("bad-number", "Data", 6, "D"),
            ("zero-denominator", "Data", 7, "F"),
            ("duplicate-row", "Data", 9, "D"),
            ("unit-level-mismatch", "Data", 10, "B"),
            ("missing-unit", "Data", 12, "B"),
            ("bad-number", "Data", 13, "D"),
            ("formula-no-value", "Data", 15, "D"),
        ]
    )
    assert where(res.warnings) == [
        ("unit-name-mismatch", "Data", 14, "C"),
        ("value-ratio-mismatch", "Data", 8, "D"),
    ]
    assert obs_rows(res) == [
        ("online_rate", "90003", "2025-09", 30.0, 30.0, 100.0, 8, "D"),
        ("staff_trained", "so_tai_chinh", "2025-Q3", 80.0, None, None, 11, "D"),
        ("clinics", "90001", "2025-09", 9.0, None, None, 14, "D"),
        ("staff_trained", "so_y_te", "2025-Q3", 70.0, None, None, 16, "D"),
        ("online_rate", "99", "2025-09", 84.6, None, None, 17, "D"),
    ]
    bad = {i.row: i for i in by_code(res.errors, "bad-number")}
    assert bad[5].value == "abc" and bad[6].value == "(1)" and bad[13].value == "#DIV/0!"
    assert "ngoặc" in bad[6].message_vi  # the number parser's own reason, in Vietnamese
    (dup,) = by_code(res.errors, "duplicate-row")
    assert "row 8" in dup.message and "dòng 8" in dup.message_vi
    (formula,) = by_code(res.errors, "formula-no-value")
    assert "open and save the file in excel" in formula.hint.lower()
    unknown = by_code(res.errors, "unknown-indicator")[0]
    assert unknown.value == "online_rat"
    for issue in res.issues:
        assert issue.file == "long.xlsx" and issue.message and issue.message_vi


def test_department_level_rows_for_every_department(config, tmp_path):
    """The owner of a department-level indicator reports it for each department of the registry."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sở"
    put(
        ws,
        "A1",
        [
            ["Mã chỉ tiêu", "Mã đơn vị", "Tên đơn vị", "Giá trị"],
            ["staff_trained", "so_noi_vu", None, 61],  # 2 another department, by id
            ["staff_trained", None, "Sở Tài chính", "72,5"],  # 3 another department, by name only
            ["staff_trained", "so_y_te", "Sở Y tế", 90],  # 4 the uploading department itself
            ["staff_trained", "so_khong_co", None, 50],  # 5 not a department of the registry
            ["clinics", "so_tai_chinh", None, 3],  # 6 a department for a commune-level indicator
            ["staff_trained", "so_noi_vu", None, 62],  # 7 so_noi_vu again: duplicate of row 2
        ],
    )
    path = tmp_path / "departments.xlsx"
    wb.save(path)

    res = SOURCE.read(path, config, department="so_y_te", period="2025-09")
    assert where(res.errors) == [
        ("duplicate-row", "Sở", 7, "D"),
        ("unit-level-mismatch", "Sở", 6, "B"),
        ("unknown-unit", "Sở", 5, "B"),
    ]
    assert by_code(res.errors, "department-mismatch") == []
    assert res.warnings == []
    assert obs_rows(res) == [
        ("staff_trained", "so_noi_vu", "2025-Q3", 61.0, None, None, 2, "D"),
        ("staff_trained", "so_tai_chinh", "2025-Q3", 72.5, None, None, 3, "D"),
        ("staff_trained", "so_y_te", "2025-Q3", 90.0, None, None, 4, "D"),
    ]
    (dup,) = by_code(res.errors, "duplicate-row")
    assert "so_noi_vu" in dup.message and "row 2" in dup.message
    # an id and a name of two different departments (row 2): the id wins, as for communes
    ws["C2"] = "Sở Tài chính"
    for r in range(5, 8):
        for c in "ABCD":
            ws[f"{c}{r}"] = None
    wb.save(path)
    res = SOURCE.read(path, config, department="so_y_te", period="2025-09")
    assert res.errors == []
    assert where(res.warnings) == [("unit-name-mismatch", "Sở", 2, "C")]
    assert res.warnings[0].expected == "Sở Nội vụ"
    assert [(r[1], r[3]) for r in obs_rows(res)] == [
        ("so_noi_vu", 61.0),
        ("so_tai_chinh", 72.5),
        ("so_y_te", 90.0),
    ]


def test_formula_without_cached_value_in_template(config, tmp_path):
    wb = openpyxl.load_workbook(BytesIO(build_template(config, "so_y_te", "2025-08")))
    ws = wb[INPUT_SHEET]
    ws["H7"], ws["I7"] = 40, 50
    ws["G7"] = "=H7/I7*100"  # openpyxl saves no value for it
    ws["G8"] = 60
    path = tmp_path / "formula.xlsx"
    wb.save(path)
    res = SOURCE.read(path, config)
    assert where(res.errors) == [("formula-no-value", INPUT_SHEET, 7, "G")]
    assert [(r[1], r[3], r[6]) for r in obs_rows(res)] == [("90002", 60.0, 8)]


def test_hidden_sheet_before_the_input_sheet(config, tmp_path):
    wb = openpyxl.Workbook()
    old = wb.active
    old.title = "Cũ"
    put(old, "A1", [["Mã xã", "Số trạm y tế số"], ["90001", 999]])
    old.sheet_state = "hidden"
    ws = wb.create_sheet("Tháng 8")
    put(ws, "A1", [["Mã xã", "Số trạm y tế số"], ["90001", 5]])
    wb.create_sheet("Ghi chép")  # a later visible sheet is not read
    path = tmp_path / "hidden.xlsx"
    wb.save(path)
    res = SOURCE.read(path, config, department="so_y_te", period="2025-08")
    assert res.issues == []
    assert obs_rows(res) == [("clinics", "90001", "2025-08", 5.0, None, None, 2, "B")]
    assert res.observations["sheet"].to_list() == ["Tháng 8"]
    assert res.detail["sheet"] == "Tháng 8"
    assert res.detail["hidden_sheets"] == ["Cũ"] and res.detail["other_sheets"] == ["Ghi chép"]


def test_blank_first_sheet_is_skipped_and_header_only_warns(config, tmp_path):
    wb = openpyxl.Workbook()  # "Sheet" stays blank, as Excel leaves it
    put(wb.create_sheet("Số liệu"), "A1", [["Mã xã", "Số trạm y tế số"], ["90002", 7]])
    path = tmp_path / "blank_first.xlsx"
    wb.save(path)
    res = SOURCE.read(path, config, department="so_y_te", period="2025-08")
    assert res.issues == [] and res.detail["sheet"] == "Số liệu"
    assert obs_rows(res) == [("clinics", "90002", "2025-08", 7.0, None, None, 2, "B")]

    wb = openpyxl.Workbook()
    put(wb.active, "A3", [["Mã xã", "Số trạm y tế số"]])
    path = tmp_path / "header_only.xlsx"
    wb.save(path)
    res = SOURCE.read(path, config, department="so_y_te", period="2025-08")
    assert where(res.issues) == [("no-values", "Sheet", 3, None)]
    assert res.observations.is_empty()


def test_template_checked_against_declared_period_and_department(config, tmp_path):
    path = tmp_path / "t9.xlsx"
    path.write_bytes(build_template(config, "so_y_te", "2025-09"))
    res = SOURCE.read(path, config, department="so_tai_chinh", period="2025-08")
    assert where(res.errors) == [
        ("department-mismatch", META_SHEET, 3, "B"),
        ("period-mismatch", META_SHEET, 4, "B"),
    ]
    per = by_code(res.errors, "period-mismatch")[0]
    assert (per.value, per.expected) == ("2025-09", "2025-08")
    assert "09/2025" in per.message_vi
    assert res.observations.is_empty()
    # the same file declared correctly, or not declared at all, reads cleanly
    assert SOURCE.read(path, config, department="so_y_te", period="2025-09").errors == []
    assert SOURCE.read(path, config).errors == []
    assert SOURCE.read(path, config, department="Sở Y tế").errors == []
    # the template's rows for other departments (staff_trained, rows 15–16) do not make it mismatch
    wb = openpyxl.load_workbook(path)
    wb[INPUT_SHEET]["G15"], wb[INPUT_SHEET]["G16"] = 40, 50
    wb.save(path)
    res = SOURCE.read(path, config, department="so_y_te", period="2025-09")
    assert res.errors == []
    assert [(r[1], r[3], r[6]) for r in obs_rows(res)] == [
        ("so_noi_vu", 40.0, 15),
        ("so_tai_chinh", 50.0, 16),
    ]
    res = SOURCE.read(path, config, department="so_tai_chinh", period="2025-09")
    assert where(res.errors) == [("department-mismatch", META_SHEET, 3, "B")]
    assert res.observations.is_empty()


def test_foreign_workbook_needs_declared_department_and_period(config, tmp_path):
    wb = openpyxl.Workbook()
    put(wb.active, "A1", [["Mã xã", "Số trạm y tế số"], ["90001", 5]])
    path = tmp_path / "plain.xlsx"
    wb.save(path)
    assert SOURCE.sniff(path, config) is False
    res = SOURCE.read(path, config, period="2025-08")
    assert where(res.errors) == [("not-a-template", None, None, None)]
    assert "department" in res.errors[0].message and "sở, ngành" in res.errors[0].message_vi
    # a department may be declared by its name
    res = SOURCE.read(path, config, department="Sở Y tế", period="2025-08")
    assert res.errors == [] and res.department == "so_y_te"
    res = SOURCE.read(path, config, department="so_khong_co", period="2025-8")
    assert sorted(i.code for i in res.errors) == ["bad-period", "unknown-department"]


def test_foreign_meta_sheet_is_not_our_template(config, tmp_path):
    wb = openpyxl.Workbook()
    put(wb.active, "A1", [["Mã xã", "Số trạm y tế số"], ["90001", 5]])
    meta = wb.create_sheet(META_SHEET)
    put(meta, "A1", [["key", "value"], ["template_version", "other-tool/3"]])
    path = tmp_path / "othermeta.xlsx"
    wb.save(path)
    assert SOURCE.sniff(path, config) is False
    res = SOURCE.read(path, config, department="so_y_te", period="2025-08")
    assert where(res.errors) == [("not-a-template", META_SHEET, 2, "B")]


def test_quarterly_value_early_and_period_column(config, tmp_path):
    wb = openpyxl.Workbook()
    put(
        wb.active,
        "A1",
        [
            ["Kỳ", "Mã chỉ tiêu", "Mã đơn vị", "Giá trị"],
            ["08/2025", "clinics", "90001", 4],
            ["07/2025", "clinics", "90002", 5],  # another month in the file's period column
            ["Quý 3/2025", "staff_trained", "so_y_te", 50],  # quarter not over in August
        ],
    )
    path = tmp_path / "periods.xlsx"
    wb.save(path)
    res = SOURCE.read(path, config, department="so_y_te", period="2025-08")
    assert where(res.errors) == [("period-mismatch", "Sheet", 3, "A")]
    assert where(res.warnings) == [("not-due", "Sheet", 4, "D")]
    assert [(r[0], r[1], r[2]) for r in obs_rows(res)] == [
        ("clinics", "90001", "2025-08"),
        ("staff_trained", "so_y_te", "2025-Q3"),
    ]


def test_missing_header_and_unreadable_file(config, tmp_path):
    wb = openpyxl.Workbook()
    put(wb.active, "A1", [["Họ tên", "Tuổi"], ["Nguyễn Văn A", 30]])
    path = tmp_path / "people.xlsx"
    wb.save(path)
    res = SOURCE.read(path, config, department="so_y_te", period="2025-08")
    assert where(res.errors) == [("missing-header", "Sheet", None, None)]
    assert res.errors[0].value == "row 1: Họ tên | Tuổi"
    assert res.detail["sheet"] == "Sheet" and res.detail["header_row"] is None

    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"this is not a zip file at all")
    res = SOURCE.read(junk, config, department="so_y_te", period="2025-08")
    assert [i.code for i in res.errors] == ["unreadable-file"]
    assert SOURCE.sniff(junk, config) is False
    assert SOURCE.sniff(tmp_path / "x.csv", config) is False


def test_real_xls_opens_and_reports_missing_header(config):
    path = REALDATA / "gov-spreadsheets" / "mof-budget" / "Plan_2017.xls"
    if not path.is_file():
        pytest.skip(f"real .xls sample not found at {path}")
    res = SOURCE.read(path, config, department="so_y_te", period="2025-08")
    assert [i.code for i in res.errors] == ["missing-header"]
    assert res.errors[0].sheet == res.detail["sheet"] and res.errors[0].row is None
    assert res.observations.is_empty()


def test_observations_match_schema(config, tmp_path):
    path = tmp_path / "t.xlsx"
    wb = openpyxl.load_workbook(BytesIO(build_template(config, "so_y_te", "2025-08")))
    wb[INPUT_SHEET]["G6"] = 50
    wb.save(path)
    res = SOURCE.read(path, config)
    from ioc.observations import OBSERVATION_SCHEMA

    assert res.observations.schema == pl.Schema(OBSERVATION_SCHEMA)
    assert res.periods == ["2025-08"]
