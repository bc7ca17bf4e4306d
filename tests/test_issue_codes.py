"""Issue codes no other test reached: each triggered through the function that reports it, on real files
(xlsx written with openpyxl, CSV, SQLite), checking the code, where it points and that both languages read."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from helpers_exports import make_config as make_export_config
from helpers_workbook import make_config as make_workbook_config

from data_sources import long_export, procedure_stats
from data_sources.registry import detect
from data_sources.workbook import SOURCE as WORKBOOK
from ioc import accounts, decisions, filegate, store, template
from ioc.export_writers import write_long_export, write_procedure_report
from ioc.issues import Issue, IssueError
from ioc.unit_crosswalk import validate_boundaries, validate_crosswalk
from ioc.unit_files import read_registry_csv


def codes(issues: list[Issue]) -> list[str]:
    return [i.code for i in issues]


def one(issues: list[Issue], code: str) -> Issue:
    found = [i for i in issues if i.code == code]
    assert found, (code, [str(i) for i in issues])
    i = found[0]
    assert i.message and i.message_vi and i.message != i.message_vi  # both languages, really translated
    return i


@pytest.fixture
def engine(tmp_path: Path):
    eng = store.get_engine(f"sqlite:///{tmp_path / 'ioc.sqlite3'}")
    store.migrate(eng)
    yield eng
    eng.dispose()


# ------------------------------------------------------------------------------------ report-system files


def unit(name: str, on: int, off: int, **extra: int) -> dict:
    return dict(
        unit=name,
        received_online=on,
        received_offline=off,
        received_carried_over=0,
        settled_early=0,
        settled_on_time=on + off,
        settled_late=0,
        in_progress_on_time=0,
        in_progress_overdue=0,
        **extra,
    )


def test_a_procedure_report_with_repeated_combined_and_mis_totalled_units(tmp_path: Path) -> None:
    config = make_export_config()
    rows = [
        unit("Xã Tân Hòa", 5, 5),
        unit("Xã Tân Hòa", 1, 1),
        unit("Phú Lợi", 2, 2),
        unit("Xã Phú Lợi", 3, 3),
    ]
    res = procedure_stats.SOURCE.read(write_procedure_report(tmp_path / "dup.xlsx", rows), config)
    dup = one(res.issues, "duplicate-unit")
    assert dup.value == "Xã Tân Hòa" and dup.is_error
    clean = [unit("Phú Lợi", 2, 2), unit("UBND xã Phú Lợi", 3, 3), unit("Xã Tân Hòa", 5, 5)]
    res = procedure_stats.SOURCE.read(write_procedure_report(tmp_path / "both.xlsx", clean), config)
    combined = one(res.issues, "units-combined")
    assert not combined.is_error and "(90002)" in combined.message_vi
    path = write_procedure_report(tmp_path / "total.xlsx", clean)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    total_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Tổng cộng")
    ws.cell(total_row, 4).value = 999  # the report's own total disagrees with its rows
    wb.save(path)
    res = procedure_stats.SOURCE.read(path, config)
    assert one(res.issues, "total-row-mismatch").row == total_row


def test_a_procedure_report_without_unit_rows_or_not_a_workbook(tmp_path: Path) -> None:
    config = make_export_config()
    res = procedure_stats.SOURCE.read(write_procedure_report(tmp_path / "empty.xlsx", []), config)
    assert "no-unit-rows" in codes(res.issues)
    csv = tmp_path / "report.csv"
    csv.write_text("Đơn vị,Tổng số\nXã Tân Hòa,5\n", encoding="utf-8")
    res = procedure_stats.SOURCE.read(csv, config)
    assert codes(res.issues) == ["not-a-workbook"]


def test_a_long_export_with_two_value_columns(tmp_path: Path) -> None:
    path = write_long_export(
        tmp_path / "two.csv", [{"unit": "90001", "period": "2025-08", "indicator": "plain_rate", "value": 5}]
    )
    text = path.read_text(encoding="utf-8-sig").splitlines()
    path.write_text(f"{text[0]},Giá trị\n{text[1]},6\n", encoding="utf-8")
    res = long_export.SOURCE.read(path, make_export_config())
    assert one(res.issues, "ambiguous-column").field == "value"


def test_an_export_read_by_the_wrong_reader(tmp_path: Path) -> None:
    config = make_export_config()
    path = write_long_export(
        tmp_path / "l.csv", [{"unit": "90001", "period": "2025-08", "indicator": "x", "value": 1}]
    )
    with pytest.raises(IssueError) as err:
        detect(path, config, source="workbook", export_id="long")
    assert codes(err.value.issues) == ["source-export-mismatch"]


# -------------------------------------------------------------------------------- department workbooks


def test_workbook_ratio_parts_and_a_missing_indicator(tmp_path: Path) -> None:
    config = make_workbook_config()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for row in [
        ["Mã chỉ tiêu", "Mã đơn vị", "Giá trị", "Tử số", "Mẫu số"],
        ["clinics", "90001", 5, 3, 4],  # 2: a count given a numerator and denominator
        ["online_rate", "90002", None, 5, None],  # 3: only the numerator
        [None, "90003", 7],  # 4: no indicator
    ]:
        ws.append(row)
    wb.save(tmp_path / "w.xlsx")
    res = WORKBOOK.read(tmp_path / "w.xlsx", config, department="so_y_te", period="2025-09")
    assert one(res.issues, "ignored-ratio-parts").row == 2
    assert "Digital clinics (clinics)" in one(res.issues, "ignored-ratio-parts").message
    assert one(res.issues, "incomplete-ratio").row == 3
    assert one(res.issues, "missing-indicator").row == 4


def test_a_workbook_whose_sheets_are_all_hidden(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "_lists"  # the template's own lists sheet is never the one read
    ws = wb.create_sheet("Data")
    ws.append(["Mã chỉ tiêu", "Mã đơn vị", "Giá trị"])
    ws.sheet_state = "hidden"
    wb.save(tmp_path / "h.xlsx")
    res = WORKBOOK.read(tmp_path / "h.xlsx", make_workbook_config(), department="so_y_te", period="2025-09")
    assert codes(res.issues) == ["no-visible-sheet"]


def test_a_template_made_from_other_targets_is_read_with_a_warning(tmp_path: Path) -> None:
    made = make_workbook_config(sha256="1" * 64)
    data = template.build_template(made, "so_y_te", "2025-09")
    (tmp_path / "t.xlsx").write_bytes(data)
    res = WORKBOOK.read(tmp_path / "t.xlsx", make_workbook_config(), department="so_y_te", period="2025-09")
    assert not one(res.issues, "targets-changed").is_error


def test_a_template_of_an_unknown_layout_is_refused() -> None:
    with pytest.raises(IssueError) as err:
        template.build_template(make_workbook_config(), "so_y_te", "2025-09", layout="diagonal")
    assert codes(err.value.issues) == ["bad-layout"]


# ---------------------------------------------------------------------------------------- the upload gate


def _zip(entries: dict[str, bytes], *, encrypted: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    raw = bytearray(buf.getvalue())
    if encrypted is not None:  # set the "encrypted" flag bit of that entry, as a password tool would
        for header in (b"PK\x03\x04", b"PK\x01\x02"):
            at = raw.find(header)
            while at != -1:
                flag_at = at + (6 if header == b"PK\x03\x04" else 8)
                name_len_at = at + (26 if header == b"PK\x03\x04" else 28)
                name_at = at + (30 if header == b"PK\x03\x04" else 46)
                n = int.from_bytes(raw[name_len_at : name_len_at + 2], "little")
                if raw[name_at : name_at + n].decode() == encrypted:
                    raw[flag_at] |= 0x1
                at = raw.find(header, at + 4)
    return bytes(raw)


def test_an_encrypted_part_and_a_sheet_too_large_to_read_are_refused() -> None:
    book = b'<?xml version="1.0"?><workbook xmlns="x"><sheets/></workbook>'
    issues = filegate.check_file(
        _zip({"xl/workbook.xml": book, "xl/secret.xml": b"<a/>"}, encrypted="xl/secret.xml"), "e.xlsx"
    )
    assert one(issues, "encrypted-file").value == "xl/secret.xml"
    # a dense used range of 2,000,000 rows × 30 columns: too many cells to build, whatever the file's size
    scanner = filegate._PartScanner("xl/worksheets/sheet1.xml")
    scanner.max_row, scanner.max_col, scanner.cells = 2_000_000, 30, 60_000_000
    big = one(filegate._sheet_issues(scanner, "Data", "b.xlsx"), "xlsx-too-many-cells")
    assert "2.000.000 dòng" in big.message_vi and "2,000,000 rows" in big.message


# ------------------------------------------------------------------------------ registry and crosswalk files


def test_registry_csv_rows_of_the_wrong_width_and_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("code,name\n90001,Tân Hòa,extra\n", encoding="utf-8")
    issues: list[Issue] = []
    read_registry_csv(tmp_path / "c.csv", "communes.csv", issues)
    assert one(issues, "registry-bad-row").row == 2
    (tmp_path / "e.csv").write_text("", encoding="utf-8")
    issues = []
    assert read_registry_csv(tmp_path / "e.csv", "communes.csv", issues) is None
    assert codes(issues) == ["registry-empty-file"]


def test_crosswalk_rows_with_bad_codes_types_weights_and_repeats() -> None:
    rows = {
        "former_code": ["1x", "00101", "00102", "00103", "00103"],
        "former_name": ["A", "B", "C", "D", "D"],
        "former_type": ["xã", "huyện", "xã", "xã", "xã"],
        "code": ["90001", "90001", "90001", "90002", "90002"],
        "weight": ["1", "1", "2", "1", "1"],
        "valid_until": ["2025-06-30"] * 5,
    }
    issues: list[Issue] = []
    validate_crosswalk(pl.DataFrame(rows), {"90001", "90002"}, "crosswalk.csv", None, issues)
    assert {
        "crosswalk-bad-code",
        "crosswalk-bad-type",
        "crosswalk-bad-weight",
        "crosswalk-duplicate-row",
    } <= set(codes(issues))
    assert one(issues, "crosswalk-bad-type").value == "huyện"


def test_boundaries_without_a_code_or_with_a_repeated_one() -> None:
    feature = {"type": "Feature", "geometry": None}
    geo = {
        "type": "FeatureCollection",
        "features": [
            {**feature, "properties": {}},
            {**feature, "properties": {"code": "90001"}},
            {**feature, "properties": {"code": "90001"}},
        ],
    }
    issues: list[Issue] = []
    validate_boundaries(geo, {"90001"}, "communes.geojson", issues)
    assert one(issues, "boundary-missing-code").field == "features[0]"
    assert one(issues, "boundary-duplicate-code").value == "90001"


# ---------------------------------------------------------------------------------------------- accounts


def test_account_names_and_unknown_accounts(engine) -> None:
    with pytest.raises(accounts.AccountError) as err:
        accounts.create_account(
            engine, "Nguyễn A", role="viewer", password="a long enough one", created_by="admin"
        )
    assert codes(err.value.issues) == ["bad-username"]
    with pytest.raises(accounts.AccountError) as err:
        accounts.get_account(engine, "nobody")
    assert codes(err.value.issues) == ["unknown-account"]


def test_the_command_line_refuses_a_disabled_account_and_needs_a_terminal(engine, monkeypatch) -> None:
    from ioc import cli

    accounts.create_account(engine, "nv_a", role="viewer", password="a long enough one", created_by="admin")
    accounts.set_active(engine, "nv_a", False)
    with pytest.raises(accounts.AccountError) as err:
        cli._actor(engine, "nv_a")
    assert "nv_a" in one(err.value.issues, "account-disabled").message_vi
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal, and no --password-stdin
    with pytest.raises(IssueError) as err:
        cli._read_password(type("Args", (), {"password_stdin": False})())
    assert codes(err.value.issues) == ["no-terminal"]
    monkeypatch.setattr("sys.stdin", type("Tty", (io.StringIO,), {"isatty": lambda self: True})())
    answers = iter(["first one here", "second one here"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(IssueError) as err:
        cli._read_password(type("Args", (), {"password_stdin": False})())
    assert codes(err.value.issues) == ["password-mismatch"]


# ---------------------------------------------------------------------------------- meeting decisions


def test_decisions_refuse_what_is_missing_too_long_unknown_or_closed(engine) -> None:
    chair = accounts.User("a", "A", "administrator")
    base = {"period": "2026-10", "indicator": "online_rate", "text": "Rà soát", "actor": chair}
    cases = [
        (decisions.add_action, {**base, "owner": "", "due": dt.date(2026, 11, 30)}, "owner-required"),
        (decisions.add_action, {**base, "owner": "so_a", "due": None}, "due-required"),
        (decisions.add_note, {**base, "indicator": " "}, "indicator-required"),
        (decisions.add_note, {**base, "text": "x" * 100_000}, "text-too-long"),
    ]
    for add, kwargs, code in cases:
        with pytest.raises(IssueError) as err:
            add(engine, **kwargs)
        assert codes(err.value.issues) == [code]
    with pytest.raises(IssueError) as err:
        decisions.edit(engine, 404, actor=chair, text="y")
    assert codes(err.value.issues) == ["decision-not-found"]
    item = decisions.add_action(engine, **base, owner="so_a", due=dt.date(2026, 11, 30))
    decisions.close_action(engine, item.decision_id, actor=chair, note="xong")
    with pytest.raises(IssueError) as err:
        decisions.edit(engine, item.decision_id, actor=chair, text="y")
    assert codes(err.value.issues) == ["decision-closed"]


def test_a_workbook_sheet_cut_short_is_unreadable(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Mã chỉ tiêu", "Mã đơn vị", "Giá trị"])
    ws.append(["clinics", "90001", 5])
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # a download cut off half-way through the sheet
            zout.writestr(info, data)
    (tmp_path / "cut.xlsx").write_bytes(out.getvalue())
    res = WORKBOOK.read(tmp_path / "cut.xlsx", make_workbook_config(), department="so_y_te", period="2025-09")
    cut = one(res.issues, "unreadable-sheet")
    assert cut.sheet == "Data" and "Data" in cut.message_vi


def test_a_dossier_without_its_date_and_an_export_no_indicator_uses(tmp_path: Path) -> None:
    from test_dossiers import rows

    from data_sources.dossiers import SOURCE as DOSSIERS
    from ioc.export_writers import write_dossiers

    data = rows()
    data[2]["received_date"] = None  # file row 4
    res = DOSSIERS.read(write_dossiers(tmp_path / "d.csv", data), make_export_config())
    missing = one(res.issues, "missing-date")
    assert missing.row == 4 and missing.field == "received_date"
    only_workbooks = make_export_config(
        indicators=[
            i for i in make_export_config().targets.model_dump()["indicators"] if "workbook" in i["source"]
        ]
    )
    res = DOSSIERS.read(write_dossiers(tmp_path / "d2.csv", rows()), only_workbooks)
    assert not one(res.issues, "no-indicators").is_error
