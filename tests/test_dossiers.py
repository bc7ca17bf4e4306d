"""Dossier-level exports: five indicators per commune and month, hand-computed, from every file format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from helpers_exports import by_code, make_config, table

from data_sources.dossiers import SOURCE, date_expr, number_expr
from ioc.export_writers import write_dossiers
from ioc.filegate import TEXT_HEAD_BYTES, check_file

A, B, FORMER = "Xã Tân Hòa", "Xã Phú Lợi", "Xã Cao Hải"
Y, N = True, False


def d(day: int, month: int, year: int = 2025) -> dt.date:
    return dt.date(year, month, day)


# (unit, channel, received, due, result, e_result, digitised, fee, paid_online)
RAW = [
    # commune A (90001), August: 8 dossiers
    (A, "online", d(1, 8), d(5, 8), d(4, 8), Y, Y, 0, N),
    (A, "online", d(2, 8), d(6, 8), d(6, 8), Y, Y, 50000, Y),
    (A, "in_person", d(3, 8), d(7, 8), d(9, 8), N, Y, 50000, N),  # late
    (A, "postal", d(4, 8), d(8, 8), None, None, N, 0, N),  # no result yet
    (A, "online", d(5, 8), d(10, 8), d(10, 8), Y, Y, 20000, Y),
    (A, "in_person", d(6, 8), d(11, 8), d(12, 8), Y, N, 0, N),  # late
    (A, "online", d(7, 8), d(12, 8), None, N, Y, 10000, N),
    (A, "in_person", d(8, 8), d(13, 8), d(13, 8), N, Y, 0, N),
    # commune A, September: 7
    (A, "online", d(1, 9), d(5, 9), d(3, 9), Y, Y, 0, N),
    (A, "online", d(2, 9), d(6, 9), d(5, 9), Y, Y, 30000, Y),
    (A, "online", d(3, 9), d(7, 9), d(8, 9), Y, Y, 30000, Y),  # late
    (A, "in_person", d(4, 9), d(8, 9), d(8, 9), N, Y, 0, N),
    (A, "online", d(5, 9), d(9, 9), None, None, Y, 0, N),
    (A, "postal", d(6, 9), d(10, 9), d(10, 9), Y, N, 15000, N),
    (A, "online", d(7, 9), d(11, 9), d(11, 9), Y, Y, 0, N),
    # commune B (90002), August: 7
    (B, "online", d(1, 8), d(4, 8), d(4, 8), Y, Y, 0, N),
    (B, "in_person", d(2, 8), d(5, 8), d(7, 8), N, N, 100000, N),  # late
    (B, "in_person", d(3, 8), d(6, 8), d(6, 8), N, Y, 100000, N),
    (B, "online", d(4, 8), d(7, 8), None, None, Y, 0, N),
    (B, "in_person", d(5, 8), d(8, 8), d(8, 8), Y, Y, 0, N),
    (B, "postal", d(6, 8), d(9, 8), d(10, 8), N, N, 100000, Y),  # late, fee paid online
    (B, "in_person", d(7, 8), d(10, 8), d(9, 8), N, Y, 0, N),
    # commune B, September: 6
    (B, "online", d(1, 9), d(3, 9), d(2, 9), Y, Y, 0, N),
    (B, "online", d(2, 9), d(4, 9), d(4, 9), Y, Y, 0, N),
    (B, "online", d(3, 9), d(5, 9), d(6, 9), Y, Y, 25000, Y),  # late
    (B, "in_person", d(4, 9), d(6, 9), None, None, N, 25000, N),
    (B, "online", d(5, 9), d(7, 9), d(7, 9), N, Y, 0, N),
    (B, "online", d(6, 9), d(8, 9), d(8, 9), Y, Y, 0, N),
    # a former commune (before 1 July 2025): kept under its former code 80002
    (FORMER, "online", d(10, 6), d(15, 6), d(14, 6), Y, Y, 0, N),
    (FORMER, "in_person", d(11, 6), d(16, 6), d(20, 6), N, N, 10000, N),  # late
]
FIELDS = (
    "unit",
    "channel",
    "received_date",
    "due_date",
    "result_date",
    "e_result",
    "digitised",
    "fee",
    "paid_online",
)


def rows() -> list[dict]:
    out = []
    for i, r in enumerate(RAW, start=1):
        row = dict(zip(FIELDS, r, strict=True))
        out.append({"code": f"HS-{i:04d}", "procedure": "Đăng ký khai sinh", "field": "Hộ tịch", **row})
    return out


def many(copies: int) -> list[dict]:
    """`rows()` repeated, each copy with its own dossier codes (as a month of a large province)."""
    return [{**r, "code": f"HS-{k:04d}-{r['code']}"} for k in range(copies) for r in rows()]


# Expected (value, numerator, denominator) — the arithmetic, counted from RAW above:
EXPECTED = {
    # A August: 8 dossiers; online = rows 1,2,5,7 → 4/8
    ("dossier_online_rate", "90001", "2025-08"): (50.0, 4, 8),
    # with a result: rows 1,2,3,5,6,8 = 6; on or before the due date: 1,2,5,8 = 4 → 4/6
    ("dossier_ontime_rate", "90001", "2025-08"): (66.6667, 4, 6),
    # electronic result among those 6: rows 1,2,5,6 → 4/6
    ("dossier_e_result_rate", "90001", "2025-08"): (66.6667, 4, 6),
    # digitised: all but rows 4 and 6 → 6/8
    ("dossier_digitised_rate", "90001", "2025-08"): (75.0, 6, 8),
    # with a fee: rows 2,3,5,7 = 4; paid online: 2,5 → 2/4
    ("dossier_online_payment_rate", "90001", "2025-08"): (50.0, 2, 4),
    # A September: 7; online 9,10,11,13,15 → 5/7
    ("dossier_online_rate", "90001", "2025-09"): (71.4286, 5, 7),
    # results: 9,10,11,12,14,15 = 6; on time: all but 11 → 5/6
    ("dossier_ontime_rate", "90001", "2025-09"): (83.3333, 5, 6),
    # electronic: all but 12 → 5/6
    ("dossier_e_result_rate", "90001", "2025-09"): (83.3333, 5, 6),
    # digitised: all but 14 → 6/7
    ("dossier_digitised_rate", "90001", "2025-09"): (85.7143, 6, 7),
    # fee: 10,11,14 = 3; paid online: 10,11 → 2/3
    ("dossier_online_payment_rate", "90001", "2025-09"): (66.6667, 2, 3),
    # B August: 7; online 16,19 → 2/7
    ("dossier_online_rate", "90002", "2025-08"): (28.5714, 2, 7),
    # results 16,17,18,20,21,22 = 6; on time 16,18,20,22 → 4/6
    ("dossier_ontime_rate", "90002", "2025-08"): (66.6667, 4, 6),
    # electronic 16,20 → 2/6
    ("dossier_e_result_rate", "90002", "2025-08"): (33.3333, 2, 6),
    # digitised 16,18,19,20,22 → 5/7
    ("dossier_digitised_rate", "90002", "2025-08"): (71.4286, 5, 7),
    # fee 17,18,21 = 3; paid online: 21 → 1/3
    ("dossier_online_payment_rate", "90002", "2025-08"): (33.3333, 1, 3),
    # B September: 6; online 23,24,25,27,28 → 5/6
    ("dossier_online_rate", "90002", "2025-09"): (83.3333, 5, 6),
    # results 23,24,25,27,28 = 5; on time: all but 25 → 4/5
    ("dossier_ontime_rate", "90002", "2025-09"): (80.0, 4, 5),
    # electronic 23,24,25,28 → 4/5
    ("dossier_e_result_rate", "90002", "2025-09"): (80.0, 4, 5),
    # digitised: all but 26 → 5/6
    ("dossier_digitised_rate", "90002", "2025-09"): (83.3333, 5, 6),
    # fee 25,26 = 2; paid 25 → 1/2
    ("dossier_online_payment_rate", "90002", "2025-09"): (50.0, 1, 2),
    # former Xã Cao Hải, June 2025: 2 dossiers, 1 online, 1 on time of 2, 1 electronic, 1 digitised,
    # 1 with a fee, not paid online
    ("dossier_online_rate", "80002", "2025-06"): (50.0, 1, 2),
    ("dossier_ontime_rate", "80002", "2025-06"): (50.0, 1, 2),
    ("dossier_e_result_rate", "80002", "2025-06"): (50.0, 1, 2),
    ("dossier_digitised_rate", "80002", "2025-06"): (50.0, 1, 2),
    ("dossier_online_payment_rate", "80002", "2025-06"): (0.0, 0, 1),
}

FORMATS = [
    ("xlsx", ".xlsx"),
    ("csv-utf8", ".csv"),
    ("csv-utf8-bom", ".csv"),
    ("csv-utf16", ".txt"),
    ("csv-cp1258", ".csv"),
]


@pytest.fixture(scope="module")
def config():
    return make_config()


def expected_table() -> dict:
    return {k: (v, float(n), float(dd)) for k, (v, n, dd) in EXPECTED.items()}


@pytest.mark.parametrize(("fmt", "suffix"), FORMATS)
def test_every_format_gives_the_hand_computed_indicators(
    tmp_path: Path, config, fmt: str, suffix: str
) -> None:
    path = write_dossiers(tmp_path / f"hs{suffix}", rows(), fmt=fmt)  # type: ignore[arg-type]
    assert SOURCE.sniff(path, config).id == "dossiers"
    res = SOURCE.read(path, config)
    assert res.errors == [], [str(i) for i in res.errors]
    assert res.rows_read == 30
    assert table(res.observations) == expected_table()
    assert set(res.observations.get_column("source_file")) == {path.name}


def test_identical_observations_across_formats(tmp_path: Path, config) -> None:
    frames = []
    for fmt, suffix in FORMATS:
        path = write_dossiers(tmp_path / f"{fmt}{suffix}", rows(), fmt=fmt)  # type: ignore[arg-type]
        obs = SOURCE.read(path, config).observations
        frames.append(obs.drop("source_file", "sheet").sort("indicator", "unit_code", "period"))
    for other in frames[1:]:
        assert other.equals(frames[0])
    assert frames[0].height == len(EXPECTED)


def test_excel_date_cells_and_text_dates_agree(tmp_path: Path, config) -> None:
    text = SOURCE.read(write_dossiers(tmp_path / "text.xlsx", rows(), date_style="text"), config)
    cells = SOURCE.read(write_dossiers(tmp_path / "cells.xlsx", rows(), date_style="excel"), config)
    assert text.errors == [] and cells.errors == []
    assert text.detail["format"] == "xlsx"
    assert table(text.observations) == table(cells.observations) == expected_table()


def test_detail_reports_encoding(tmp_path: Path, config) -> None:
    res = SOURCE.read(write_dossiers(tmp_path / "u.txt", rows(), fmt="csv-utf16"), config)
    assert res.detail["encoding"] == "utf-16-le" and res.detail["delimiter"] == "\t"
    res = SOURCE.read(write_dossiers(tmp_path / "w.csv", rows(), fmt="csv-cp1258"), config)
    assert res.detail["encoding"] == "cp1258"


def test_title_rows_above_the_header_are_skipped(tmp_path: Path, config) -> None:
    path = write_dossiers(tmp_path / "t.xlsx", rows(), title_rows=["DANH SÁCH HỒ SƠ", "Tháng 8-9/2025", ""])
    res = SOURCE.read(path, config)
    assert res.errors == []
    assert res.detail["header_row"] == 4
    assert table(res.observations) == expected_table()


def test_declared_period_keeps_that_month_and_warns(tmp_path: Path, config) -> None:
    res = SOURCE.read(write_dossiers(tmp_path / "p.csv", rows()), config, period="2025-08")
    assert set(res.observations.get_column("period")) == {"2025-08"}
    (w,) = by_code(res.issues, "outside-period")
    assert not w.is_error and "06/2025" in w.message and "09/2025" in w.message


def _bad(tmp_path: Path, config, change, name: str = "bad.csv", **kw):
    data = rows()
    change(data)
    return SOURCE.read(write_dossiers(tmp_path / name, data, **kw), config)


def test_unknown_vocabulary_value_is_located(tmp_path: Path, config) -> None:
    def change(data: list[dict]) -> None:
        data[4]["channel"] = "Qua mạng"  # file row 6 (header is row 1)
        data[9]["channel"] = "Qua mạng"  # row 11

    res = _bad(tmp_path, config, change, "v.xlsx")
    (e,) = by_code(res.issues, "unknown-value")
    assert (e.row, e.column, e.field, e.value) == (6, "E", "channel", "Qua mạng")
    assert "2 row(s)" in e.message and "Trực tuyến" in e.message
    assert (
        "vocab.channel" in e.admin_hint and "vocab.channel" in e.admin_hint_vi
    )  # targets.yaml is for the admin
    assert res.observations.is_empty()  # rejected whole


def test_unparseable_dates_are_counted_and_located(tmp_path: Path, config) -> None:
    def change(data: list[dict]) -> None:
        for i in (2, 3, 20):
            data[i]["due_date"] = "31/02/2025"

    res = _bad(tmp_path, config, change)
    errs = by_code(res.issues, "bad-date")
    assert [(e.row, e.column, e.value) for e in errs] == [
        (4, "Ngày hẹn trả", "31/02/2025"),
        (5, "Ngày hẹn trả", "31/02/2025"),
        (22, "Ngày hẹn trả", "31/02/2025"),
    ]
    assert all(e.extra["count"] == 3 for e in errs)
    assert "dd/mm/yyyy" in errs[0].hint
    assert res.observations.is_empty()


def test_missing_column_is_named_with_the_fix(tmp_path: Path, config) -> None:
    fields = [
        "code",
        "procedure",
        "field",
        "unit",
        "received_date",
        "due_date",
        "result_date",
        "e_result",
        "digitised",
        "fee",
        "paid_online",
    ]  # no channel
    res = SOURCE.read(write_dossiers(tmp_path / "m.xlsx", rows(), fields=fields), config)
    (e,) = by_code(res.issues, "missing-column")
    assert e.field == "channel" and e.row == 1 and "Hình thức nộp" in e.message
    assert "columns.channel.labels" in e.admin_hint
    assert res.observations.is_empty()


def test_unknown_receiving_unit_is_reported_with_rows_and_hint(tmp_path: Path, config) -> None:
    def change(data: list[dict]) -> None:
        for i in (0, 7):
            data[i]["unit"] = "Xã Không Tồn Tại"

    res = _bad(tmp_path, config, change)
    (e,) = by_code(res.issues, "unknown-unit")
    assert (e.row, e.column, e.value) == (2, "Đơn vị tiếp nhận", "Xã Không Tồn Tại")
    assert e.extra["rows"] == [2, 9] and e.extra["count"] == 2
    assert "unit_map" in e.admin_hint and "communes.csv" in e.admin_hint and "aliases" in e.admin_hint_vi
    assert res.observations.is_empty()


def test_former_commune_after_the_reorganisation_is_an_error(tmp_path: Path, config) -> None:
    def change(data: list[dict]) -> None:
        data[0]["unit"] = FORMER  # an August 2025 dossier under a unit that no longer exists

    res = _bad(tmp_path, config, change)
    (e,) = by_code(res.issues, "unknown-unit")
    assert e.value == FORMER and "former unit" in e.message


def test_unit_map_and_office_prefix(tmp_path: Path) -> None:
    exports = [dict(e) for e in make_config().targets.model_dump(by_alias=True, exclude_none=True)["exports"]]
    exports[0]["unit_map"] = {"Bộ phận một cửa xã Phú Lợi": "90002"}
    config = make_config(exports=exports)

    def change(data: list[dict]) -> None:
        for r in data:
            if r["unit"] == B:
                r["unit"] = "Bộ phận một cửa xã Phú Lợi"
            elif r["unit"] == A:
                r["unit"] = "UBND xã Tân Hòa"  # resolved without configuration: the office prefix is dropped

    res = _bad(tmp_path, config, change)
    assert res.errors == []
    assert table(res.observations) == expected_table()


def test_several_problems_are_all_reported(tmp_path: Path, config) -> None:
    def change(data: list[dict]) -> None:
        data[0]["channel"] = "Fax"
        data[1]["received_date"] = "hôm qua"
        data[2]["unit"] = "Phường Không Có"
        data[3]["fee"] = "mười nghìn"

    res = _bad(tmp_path, config, change)
    codes = sorted(i.code for i in res.errors)
    assert codes == ["bad-date", "bad-number", "unknown-unit", "unknown-value"]


def test_date_and_number_parsing() -> None:
    df = pl.DataFrame(
        {"s": ["01/08/2025", "1/8/2025", "2025-08-01 00:00:00", "01/08/2025 14:30", "45870", "x", None]}
    )
    got = df.select(date_expr(pl.col("s"), "%d/%m/%Y", excel=True)).to_series().to_list()
    aug1 = dt.date(2025, 8, 1)
    assert got == [aug1, aug1, aug1, aug1, aug1, None, None]
    csv_dates = df.select(date_expr(pl.col("s"), "%d/%m/%Y", excel=False)).to_series().to_list()
    assert csv_dates[4] is None  # a bare number is an Excel serial only in a workbook
    nums = pl.DataFrame({"s": ["50000", "50.000", "50.000 đ", "1.234,5", "12.5", "12,5", "abc", None]})
    assert nums.select(number_expr(pl.col("s"), decimal_comma=True)).to_series().to_list() == [
        50000.0,
        50000.0,
        50000.0,
        1234.5,
        12.5,
        12.5,
        None,
        None,
    ]


def test_quick_parsing_paths_read_exactly_what_the_full_parser_reads() -> None:
    """Most cells take one strptime / integer cast; the odd ones must still get the full parser's answer."""
    aug1, jan8 = dt.date(2025, 8, 1), dt.date(2025, 1, 8)
    cells = {  # cell → (in a CSV with %d/%m/%Y, in a workbook)
        " 01/08/2025": (aug1, aug1),  # stripped
        "01/08/2025\t": (aug1, aug1),
        "01/ 08/2025": (None, None),  # a space inside the date is not skipped
        "01/\u00a008/2025": (None, None),
        "2025-08-01": (aug1, aug1),  # ISO is always accepted
        "2025-08-01 14:30:00": (aug1, aug1),
        "2025- 08-01 00:00:00": (None, None),
        "2025-8-1 00:00:00": (aug1, aug1),
        "31/02/2025": (None, None),
        "45870.5": (None, aug1),  # an Excel serial, only in a workbook
    }
    df = pl.DataFrame({"s": list(cells)})
    for i, excel in enumerate((False, True)):
        got = df.select(date_expr(pl.col("s"), "%d/%m/%Y", excel=excel)).to_series().to_list()
        assert got == [want[i] for want in cells.values()], excel
    # a year-first format is left to the full parser, which tries it before ISO
    iso = pl.DataFrame({"s": ["2025-08-01 00:00:00"]})
    assert iso.select(date_expr(pl.col("s"), "%Y-%d-%m", excel=True)).item() == jan8
    amounts = {
        "-5": -5.0,
        "+5": 5.0,
        "007": 7.0,
        " 50000 ": 50000.0,
        "50 000": 50000.0,
        "1e5": None,
        "99999999999999999999": 1e20,
        "": None,
    }
    nums = pl.DataFrame({"s": list(amounts)})
    assert nums.select(number_expr(pl.col("s"), decimal_comma=True)).to_series().to_list() == list(
        amounts.values()
    )


def test_a_bad_byte_far_into_a_csv_is_reported(tmp_path: Path, config) -> None:
    """The upload gate decodes only the head of a CSV: a bad byte further on is the loader's to report."""
    path = write_dossiers(tmp_path / "big.csv", many(700))  # 2.5 MB
    data = path.read_bytes()
    assert len(data) > 2 * TEXT_HEAD_BYTES
    path.write_bytes(data[:-40] + b"\x81" + data[-39:])
    assert check_file(path.read_bytes(), "big.csv") == []
    res = SOURCE.read(path, config)
    assert [i.code for i in res.errors] == ["unreadable-file"] and "CSV UTF-8" in (res.errors[0].hint or "")
    assert res.observations.is_empty()


def test_big_csv_is_scanned_not_loaded(tmp_path: Path, config) -> None:
    """20,000 dossiers: the result is the 30-row result scaled, computed through the streaming group-by."""
    data = many(700)
    res = SOURCE.read(write_dossiers(tmp_path / "big.csv", data), config)
    assert res.errors == [] and res.rows_read == 21000
    got = table(res.observations)
    for key, (v, n, dd) in EXPECTED.items():
        assert got[key] == (v, float(n * 700), float(dd * 700))


# ---- rows that must not pass silently ------------------------------------------------------------------


def _messy(data: list[dict]) -> None:
    """File rows (header = row 1): 2 copied to 32, code of row 5 reused on row 33, row 7 without code,
    row 9 with its result before receipt."""
    data.append(dict(data[0]))  # row 32: an exact copy of row 2
    data.append({**data[5], "code": data[3]["code"]})  # row 33: another dossier under row 5's code
    data[5]["code"] = None  # row 7
    data[7]["result_date"] = d(1, 7)  # row 9: received 08/08/2025, result 01/07/2025


@pytest.mark.parametrize(
    ("name", "sheet", "column"), [("m.xlsx", "Danh sách hồ sơ", "A"), ("m.csv", None, "Mã hồ sơ")]
)
def test_repeated_rows_codes_and_impossible_dates_are_errors_with_their_rows(
    tmp_path: Path, config, name: str, sheet: str | None, column: str
) -> None:
    res = _bad(tmp_path, config, _messy, name)
    assert res.observations.is_empty()  # rejected whole
    (copy,) = by_code(res.issues, "duplicate-row")
    assert (copy.sheet, copy.row, copy.column, copy.value) == (sheet, 32, column, "HS-0001")
    assert copy.extra["rows"] == [2, 32] and "Row 32 repeats row 2" in copy.message
    (dup,) = by_code(res.issues, "duplicate-code")
    assert (dup.row, dup.value, dup.extra["rows"]) == (33, "HS-0004", [5, 33])
    assert "5, 33" in dup.message and "5, 33" in (dup.message_vi or "")
    (empty,) = by_code(res.issues, "missing-code")
    assert (empty.sheet, empty.row, empty.column, empty.field) == (sheet, 7, column, "code")
    (dates,) = by_code(res.issues, "result-before-received")
    assert (dates.row, dates.value, dates.expected) == (9, "01/07/2025", "on or after 08/08/2025")
    assert dates.column == ("H" if sheet else "Ngày có kết quả")
    assert all(i.is_error for i in (copy, dup, empty, dates))
    assert "Danh sách hồ sơ › A32" in copy.location() if sheet else "row 32" in copy.location()


def test_a_clean_file_has_none_of_these_errors(tmp_path: Path, config) -> None:
    res = SOURCE.read(write_dossiers(tmp_path / "ok.xlsx", rows()), config)
    codes = {i.code for i in res.issues}
    assert not codes & {"duplicate-row", "duplicate-code", "missing-code", "result-before-received"}


def test_a_result_on_the_day_of_receipt_is_fine(tmp_path: Path, config) -> None:
    def change(data: list[dict]) -> None:
        data[0]["result_date"] = data[0]["received_date"]

    res = _bad(tmp_path, config, change)
    assert by_code(res.issues, "result-before-received") == [] and res.errors == []


def test_long_lists_are_capped_with_a_count_of_the_rest(tmp_path: Path, config) -> None:
    """45 rows without a code and a file exported twice (30 copies): 20 listed each, then "… and N more"."""

    def change(data: list[dict]) -> None:
        twice = [dict(r) for r in data]
        for r in data[:15]:
            r["code"] = ""
        data += twice
        data += [{**r, "code": None} for r in rows()]

    res = _bad(tmp_path, config, change, "cap.csv")
    empty = by_code(res.issues, "missing-code")
    assert len(empty) == 21 and [i.row for i in empty[:3]] == [2, 3, 4]
    assert empty[-1].row is None and empty[-1].extra["omitted"] == 25 and "25 more" in empty[-1].message
    assert empty[0].extra["count"] == 45
    copies = by_code(res.issues, "duplicate-row")
    # rows 17–31 (codes kept) are copied on rows 47–61; the blank-code rows are not "repeated codes"
    assert [i.row for i in copies] == list(range(47, 62))
    assert by_code(res.issues, "duplicate-code") == []


def test_one_code_on_many_rows_names_the_first_rows_and_counts_them_all(tmp_path: Path, config) -> None:
    def change(data: list[dict]) -> None:
        for r in data:
            r["code"] = "HS-0001"

    res = _bad(tmp_path, config, change)
    (dup,) = by_code(res.issues, "duplicate-code")  # no row is an exact copy: the rows differ
    assert dup.extra["count"] == 30 and dup.extra["rows"] == list(range(2, 12))
    assert "30 different rows" in dup.message and "(+20)" in dup.message


def test_repeated_rows_in_a_big_csv_are_found_in_the_streaming_pass(tmp_path: Path, config) -> None:
    data = many(700)
    data.insert(10_000, dict(data[20_000]))  # file row 10,002 repeats row 20,002 (now 20,003)
    res = SOURCE.read(write_dossiers(tmp_path / "big.csv", data), config)
    (copy,) = by_code(res.issues, "duplicate-row")
    assert copy.extra["rows"] == [10_002, 20_003]
    assert [i.code for i in res.errors] == ["duplicate-row"]
