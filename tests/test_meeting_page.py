"""The Meeting page through AppTest in both languages (locked period, notes, open action items, admin writes,
read-only viewers), the Upload page refusing a locked period in Vietnamese, and the Excel pack written by
`python -m ioc meeting-pack` opened with openpyxl."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import polars as pl
import pytest

from ioc import decisions, ledger, meeting_locks, store
from ioc.accounts import User
from ioc.labels import STATUS
from ioc.views import chip_colour, format_local_time
from tests.test_pages import PASSWORD, _account, _app, _filled_template, _text, seeded  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
ADMIN = SimpleNamespace(
    username="admin", display_name="Nguyễn Thị Chủ Trì", role="administrator", department=None
)
VIEWER = SimpleNamespace(username="lanhdao", display_name="Lãnh đạo", role="viewer", department=None)
DEPT = SimpleNamespace(
    username="nv_tt", display_name="Nguyễn Văn Tâm", role="department", department="ttpvhcc"
)
ADMIN_BUTTONS = ("meeting_lock", "meeting_unlock", "note_save", "act_save", "edit_save", "close_save")
# who locked and wrote before the meeting (administrators, as the core requires)
LOCKER = User("khoa", "Trần Thị Khoá", "administrator")
CLERK = User("thuky", "Thư ký", "administrator")
INJECTIONS = ['=HYPERLINK("http://evil","bấm")', "@SUM(1+1)*cmd", "-2+3 kiểm tra lại", "+84 912 345 678"]


@pytest.fixture(scope="module")
def meeting_db(seeded: Path):  # noqa: F811
    """The seeded demo with 10/2026 locked, notes (some beginning like formulas) and action items."""
    engine = store.get_engine(f"sqlite:///{seeded / 'ioc.sqlite3'}")
    store.migrate(engine)
    meeting_locks.lock_period(engine, "2026-10", LOCKER)
    for text in INJECTIONS:
        decisions.add_note(engine, period="2026-10", indicator="dossier_online_rate", text=text, actor=CLERK)
    decisions.add_note(
        engine,
        period="2026-10",
        indicator="dossier_online_rate",
        unit_code="90001",
        text="Xã 90001 cần rà soát",
        actor=CLERK,
    )
    carried = decisions.add_action(
        engine,
        period="2026-09",
        indicator="dossier_online_rate",
        text="Tăng tiếp nhận hồ sơ trực tuyến ở bộ phận một cửa",
        owner="ttpvhcc",
        due=dt.date(2026, 11, 30),
        actor=CLERK,
    )
    decisions.add_action(
        engine,
        period="2026-10",
        indicator="tthc_overdue_backlog",
        text="=Giải quyết dứt điểm hồ sơ quá hạn",
        owner="ttpvhcc",
        due=dt.date(2026, 12, 15),
        actor=CLERK,
    )
    yield SimpleNamespace(engine=engine, data_dir=seeded, carried=carried)
    engine.dispose()


def _session_of(user: SimpleNamespace) -> dict[str, str]:
    """A real account and sign-in session for `user` in the seeded database, as the sign-in form leaves them."""
    from ioc import accounts

    data_dir = Path(os.environ["IOC_DATA_DIR"])
    engine = store.get_engine(f"sqlite:///{data_dir / 'ioc.sqlite3'}")
    try:
        try:
            accounts.get_account(engine, user.username)
        except accounts.AccountError:
            accounts.create_account(
                engine,
                user.username,
                role=user.role,
                department=user.department,
                display_name=user.display_name,
                password="mat-khau-thu-nghiem-2026",
                created_by="test",
            )
        token = accounts.open_session(engine, accounts.get_account(engine, user.username).id)
    finally:
        engine.dispose()
    return {"_ioc_session_token": token}


def _meeting(lang: str, user: SimpleNamespace | None = None):  # type: ignore[no-untyped-def]
    return _app(lang, "meeting", state=_session_of(user) if user else None, period="2026-10")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_meeting_page_shows_lock_changes_risk_actions_notes_and_quality(meeting_db, lang: str) -> None:
    at = _meeting(lang, VIEWER)
    assert not at.error, [e.value for e in at.error]
    text = _text(at)
    vi = lang == "vi"
    assert ("Số liệu đã khoá" if vi else "Figures locked") in text and "Trần Thị Khoá" in text
    heads = [s.value for s in at.subheader]
    # phone order: headline changes and at-risk come first
    assert heads[:2] == (
        ["Thay đổi chính", "Có nguy cơ không đạt"] if vi else ["Headline changes", "At risk"]
    )
    assert ("cần +" if vi else "needs +") in text and (
        "điểm %/tháng, đang" if vi else "pp/month, now"
    ) in text
    assert ("Biggest movers" if not vi else "Tiến bộ nhiều nhất") in text
    # the action item carried over from 09/2026 is listed with its indicator's movement since then
    actions = at.table[0].value
    row = actions[actions["#"] == str(meeting_db.carried.decision_id)].iloc[0]
    assert row.iloc[3] == "Tăng tiếp nhận hồ sơ trực tuyến ở bộ phận một cửa"
    assert row.iloc[6].startswith("09/2026: ") and row.iloc[7].startswith("10/2026: ")
    assert "điểm %" in row.iloc[8] or "pp" in row.iloc[8]
    notes = at.table[1].value
    assert set(INJECTIONS) <= set(notes.iloc[:, 2])  # shown as plain text in a table, never as HTML
    quality = at.table[-1].value
    assert ("đúng hạn" if vi else "on time") in quality.to_csv()
    # each word's definition one click away
    assert any(
        e.label == ("Định nghĩa bốn tiêu chí" if vi else "What the four words mean") for e in at.expander
    )
    assert ("Sạch: tỷ lệ tệp" if vi else "Clean: the share of the period's files") in text
    # a viewer reads only: no lock button, a caption saying who records decisions
    assert not [b for b in at.button if b.key in ADMIN_BUTTONS]
    assert ("Chỉ quản trị viên mới khoá số liệu" if vi else "Only an administrator locks the figures") in text
    # each note and open action item with its author and local time
    assert "Người ghi" in actions.columns[-2] or "Recorded by" in actions.columns[-2]
    assert row.iloc[-2] == "Thư ký (thuky)"
    assert row.iloc[-1] == format_local_time(meeting_db.carried.recorded_at, lang, "Asia/Ho_Chi_Minh")
    assert list(notes.columns[-2:]) == (
        ["Người ghi", "Thời điểm ghi"] if vi else ["Recorded by", "Recorded at"]
    )
    assert set(notes.iloc[:, -2]) == {"Thư ký (thuky)"} and all(notes.iloc[:, -1].str.fullmatch(r".*\d{4}.*"))


def test_an_administrator_records_a_note_an_action_and_unlocks_and_locks(meeting_db) -> None:
    at = _meeting("vi", ADMIN)
    assert not at.exception
    at.text_area(key="note_text").input("Ghi chú từ cuộc họp")
    at.button(key="note_save").click()
    at.run()
    assert any("Đã lưu" in s.value for s in at.success), [e.value for e in at.error]
    latest = decisions.current(meeting_db.engine).row(0, named=True)
    assert latest["text"] == "Ghi chú từ cuộc họp" and latest["author"] == "Nguyễn Thị Chủ Trì (admin)"
    at.selectbox(key="act_ind").set_value("vneid_level2")
    at.run()
    at.text_area(key="act_text").input("Đẩy mạnh kích hoạt VNeID mức 2")
    at.button(key="act_save").click()
    at.run()
    action = decisions.current(meeting_db.engine).row(0, named=True)
    assert (action["kind"], action["indicator"], action["state"]) == ("action", "vneid_level2", "open")
    assert action["owner"] == "cong_an"  # the indicator's owner is offered first
    at.button(key="meeting_unlock").click()
    at.run()
    assert meeting_locks.lock_of(meeting_db.engine, "2026-10") is None
    assert "Số liệu kỳ này chưa khoá." in _text(at)
    at.button(key="meeting_lock").click()
    at.run()
    lock = meeting_locks.lock_of(meeting_db.engine, "2026-10")
    assert lock is not None and lock.who == "Nguyễn Thị Chủ Trì (admin)"
    assert [r for r in meeting_locks.lock_history(meeting_db.engine)["action"]][:3] == [
        "lock",
        "unlock",
        "lock",
    ]


def test_an_administrator_signs_in_on_the_meeting_page_locks_notes_and_records_an_action(meeting_db) -> None:
    """Anonymous visitors read the page with the sign-in folded under it; the chair signs in right there and
    locks the period, adds a note and records an action item — each stored with the account's name."""
    _account(meeting_db.data_dir, "chutri", "administrator")
    at = _app("vi", "meeting", period="2026-09")
    assert not at.error, [e.value for e in at.error]
    assert not [b for b in at.button if b.key in ADMIN_BUTTONS]
    assert any(
        e.label == "Quản trị viên: đăng nhập để khoá số liệu và ghi nhận quyết định" for e in at.expander
    )
    assert "Đăng nhập quản trị" in [s.value for s in at.subheader]
    at.text_input(key="meeting_signin_user").input("chutri")
    at.text_input(key="meeting_signin_password").input(PASSWORD)
    next(b for b in at.button if b.label == "Đăng nhập").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.session_state["ioc_user"].username == "chutri"

    at.button(key="meeting_lock").click()
    at.run()
    lock = meeting_locks.lock_of(meeting_db.engine, "2026-09")
    assert lock is not None and lock.who == "Nguyễn Văn CHUTRI (chutri)"
    assert "Số liệu đã khoá" in _text(at)

    at.text_area(key="note_text").input("Kỳ 09/2026 đã rà soát xong")
    at.button(key="note_save").click()
    at.run()
    note = decisions.current(meeting_db.engine).row(0, named=True)
    assert (note["kind"], note["period"], note["text"]) == ("note", "2026-09", "Kỳ 09/2026 đã rà soát xong")
    assert note["author"] == "Nguyễn Văn CHUTRI (chutri)"

    at.text_area(key="act_text").input("Báo cáo tiến độ tại cuộc họp sau")
    at.button(key="act_save").click()
    at.run()
    action = decisions.current(meeting_db.engine).row(0, named=True)
    assert (action["kind"], action["period"], action["state"]) == ("action", "2026-09", "open")
    assert action["author"] == "Nguyễn Văn CHUTRI (chutri)"
    # both listed with author and local time
    notes = at.table[1].value
    mine = notes[notes["Nội dung"] == "Kỳ 09/2026 đã rà soát xong"].iloc[0]
    assert mine["Người ghi"] == "Nguyễn Văn CHUTRI (chutri)"
    assert mine["Thời điểm ghi"] == format_local_time(note["recorded_at"], "vi", "Asia/Ho_Chi_Minh")
    actions = at.table[0].value
    item = actions[actions["#"] == str(action["decision_id"])].iloc[0]
    assert item["Thời điểm ghi"] == format_local_time(action["recorded_at"], "vi", "Asia/Ho_Chi_Minh")

    at.button(key="meeting_unlock").click()  # leave 09/2026 open for the other tests
    at.run()
    assert meeting_locks.lock_of(meeting_db.engine, "2026-09") is None


def test_an_administrator_edits_a_note_and_an_action_and_the_old_versions_stay(meeting_db) -> None:
    engine = meeting_db.engine
    note = decisions.add_note(
        engine, period="2026-10", indicator="vneid_level2", text="Bản đầu của ghi chú", actor=CLERK
    )
    at = _meeting("vi", ADMIN)
    at.selectbox(key="edit_pick").set_value(note.decision_id)
    at.run()
    box = at.text_area(key=f"edit_text_{note.decision_id}_1")
    assert box.value == "Bản đầu của ghi chú"  # the form starts from the current text
    box.input("Bản sửa của ghi chú")
    at.button(key="edit_save").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    versions = decisions.all_versions(engine, note.decision_id)
    assert versions["text"].to_list() == ["Bản đầu của ghi chú", "Bản sửa của ghi chú"]
    assert versions["author"].to_list() == ["Thư ký (thuky)", "Nguyễn Thị Chủ Trì (admin)"]
    notes = at.table[1].value
    assert "Bản sửa của ghi chú" in set(notes["Nội dung"]) and "Bản đầu của ghi chú" not in set(
        notes["Nội dung"]
    )
    # the picked item's versions, newest first
    history = next(tb.value for tb in at.table if "Phiên bản" in tb.value.columns)
    assert history["Nội dung"].to_list() == ["Bản sửa của ghi chú", "Bản đầu của ghi chú"]

    carried = meeting_db.carried.decision_id
    at.selectbox(key="edit_pick").set_value(carried)
    at.run()
    version = decisions.all_versions(engine, carried)["version"].max()
    at.date_input(key=f"edit_due_{carried}_{version}").set_value(dt.date(2026, 12, 31))
    at.button(key="edit_save").click()
    at.run()
    latest = decisions.all_versions(engine, carried).row(-1, named=True)
    assert latest["due"] == dt.date(2026, 12, 31) and latest["state"] == "open"
    assert latest["text"] == "Tăng tiếp nhận hồ sơ trực tuyến ở bộ phận một cửa"
    assert decisions.all_versions(engine, carried).row(0, named=True)["due"] == dt.date(2026, 11, 30)


def test_a_department_account_reads_the_meeting_without_the_admin_panel(meeting_db) -> None:
    at = _meeting("vi", DEPT)
    assert not at.error, [e.value for e in at.error]
    assert at.session_state["ioc_user"].role == "department"
    assert not [b for b in at.button if b.key in ADMIN_BUTTONS]
    assert not [x for x in at.text_area if x.key in ("note_text", "act_text")]
    assert "meeting_signin_user" not in [x.key for x in at.text_input]
    assert "Chỉ quản trị viên mới khoá số liệu và ghi nhận quyết định" in _text(at)
    assert "Việc cần làm đang mở" in [s.value for s in at.subheader]  # still reads everything


def test_the_upload_page_refuses_a_locked_period_in_the_ui_language(meeting_db, demo_config) -> None:
    at = _app("vi", "upload", state=_session_of(ADMIN), period="2026-10")
    at.selectbox(key="up_dept").set_value("so_gd_dt")
    at.run()
    at.selectbox(key="up_period").set_value("2026-10")
    at.run()
    assert at.selectbox(key="up_period").value == "2026-10"
    data = _filled_template(demo_config, "so_gd_dt", "2026-10", 55)
    at.file_uploader[0].set_value(("so_gd_dt.xlsx", data, "application/vnd.ms-excel"))
    at.run()
    issues = at.dataframe[0].value
    messages = " ".join(" ".join(map(str, row)) for row in issues.itertuples(index=False))
    assert "Kỳ 10/2026 đã khoá lúc" in messages and "liên hệ quản trị để mở khoá" in messages
    assert not any(b.label == "Xác nhận nộp" for b in at.button)


def test_indicator_page_lists_the_meetings_notes_and_actions(meeting_db) -> None:
    at = _app("vi", "indicator", indicator="dossier_online_rate", unit="90001")
    text = _text(at)
    assert "Ghi chú và việc cần làm từ các cuộc họp" in text
    shown = at.table[0].value.to_csv()
    assert "Xã 90001 cần rà soát" in shown and "Tăng tiếp nhận hồ sơ trực tuyến" in shown
    assert "Đang mở" in shown and "Thư ký" in shown


def test_the_meeting_pack_from_the_command_line(meeting_db, tmp_path: Path, demo_config) -> None:
    out = tmp_path / "hop-10-2026.xlsx"
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    env.update({"IOC_DATA_DIR": str(meeting_db.data_dir), "PYTHONIOENCODING": "utf-8"})
    run = subprocess.run(
        [sys.executable, "-m", "ioc", "meeting-pack", "--period", "2026-10", "--lang", "vi", "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    wb = openpyxl.load_workbook(out)
    pillars = [p.name.vi for p in demo_config.targets.pillars]
    assert wb.sheetnames == ["Tổng hợp", *pillars, "Có nguy cơ", "Việc cần làm", "Chất lượng số liệu"]

    summary = wb["Tổng hợp"]
    cells = {str(c.value) for row in summary.iter_rows() for c in row if c.value is not None}
    assert "Bộ tài liệu họp giao ban — kỳ 10/2026" in cells
    who = meeting_locks.lock_of(meeting_db.engine, "2026-10").who
    assert any(v.startswith("Số liệu đã khoá lúc") and f"bởi {who}" in v for v in cells)

    # every status cell: the status colour, its icon and its word; known demo statuses are where scoring puts them
    engine = meeting_db.engine
    from ioc.rollup import rollup
    from ioc.scoring import score

    today = dt.date.today()
    scores = score(
        rollup(ledger.current_observations(engine), demo_config), demo_config, "2026-10", today=today
    )
    province = scores.filter(pl.col("level") == "province")
    names = {i.id: i.name.vi for i in demo_config.targets.indicators}
    checked = 0
    departments = demo_config.registry.departments
    dept_vi = set(departments["name_vi"].to_list())
    sources: set[str] = set()
    for pillar in demo_config.targets.pillars:
        ws = wb[pillar.name.vi]
        header = [c.value for c in ws[1]]
        assert header[:3] == ["Chỉ tiêu", "Đơn vị", "Cấp"] and ws.freeze_panes == "A2"
        col = {h: i for i, h in enumerate(header)}
        sources |= {row[col["Sở, ngành gửi"]].value for row in ws.iter_rows(min_row=2)} - {None}
        for row in ws.iter_rows(min_row=2):
            if row[col["Cấp"]].value != "Tỉnh":
                continue
            ind = next(k for k, v in names.items() if v == row[0].value)
            want = province.filter(pl.col("indicator") == ind).row(0, named=True)
            status = row[col["Trạng thái"]]
            assert status.value == STATUS[want["status"]].label("vi")
            assert status.fill.fgColor.rgb.endswith(
                chip_colour(STATUS[want["status"]].colour).lstrip("#").upper()
            )
            value = row[col["Giá trị"]]
            if want["value"] is not None:
                unit = demo_config.targets.indicator(ind).unit.value
                assert isinstance(value.value, float | int)  # a number, not text
                if unit == "percent":
                    assert value.number_format.endswith("%") and value.value == pytest.approx(
                        want["value"] / 100
                    )
                elif unit == "count":
                    assert value.number_format == "#,##0"
            checked += 1
        # print: A4 landscape, one page wide, the header row on every page
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$1"
        assert ws.column_dimensions["H"].width >= 50 and ws["H2"].alignment.wrap_text  # wrapped reasons
    assert checked == province.height

    # the department that sent each value by its Vietnamese name ("Văn phòng UBND tỉnh"), never its id
    assert sources and sources <= dept_vi, sources - dept_vi
    assert not sources & set(departments["id"].to_list())

    risk = wb["Có nguy cơ"]
    risk_text = " ".join(str(c.value) for row in risk.iter_rows(min_row=2) for c in row if c.value)
    assert "cần +" in risk_text and "điểm %/tháng, đang" in risk_text
    # the shortfall is a number with the indicator's format (points for a percentage), never text
    rcol = {c.value: i for i, c in enumerate(risk[1])}
    by_name = {i.name.vi: i for i in demo_config.targets.indicators}
    shortfalls = [
        (row[rcol["Chỉ tiêu"]].value, row[rcol["Mức thiếu hụt"]]) for row in risk.iter_rows(min_row=2)
    ]
    assert shortfalls
    for name, cell in shortfalls:
        ind = by_name[name]
        assert isinstance(cell.value, float | int) and cell.value >= 0, (name, cell.value)
        places = "." + "0" * ind.decimals if ind.decimals else ""
        if ind.unit.value == "percent":
            assert cell.number_format == f'0{places}" điểm %"', (name, cell.number_format)
        elif ind.unit.value == "count":
            assert cell.number_format == "#,##0"

    actions = wb["Việc cần làm"]
    texts = {c.value: c for row in actions.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    for text in [*INJECTIONS, "=Giải quyết dứt điểm hồ sơ quá hạn"]:
        cell = texts[text]  # written exactly, kept as text with Excel's quote prefix: never a formula
        assert cell.data_type == "s" and cell.quotePrefix, text
    due = next(c for row in actions.iter_rows(min_row=2) for c in row if isinstance(c.value, dt.datetime))
    assert due.number_format.lower().startswith("dd/mm/yyyy")

    quality = wb["Chất lượng số liệu"]
    assert [c.value for c in quality[1]][:2] == ["Đơn vị", "Đủ"]
    shares = [row[2] for row in quality.iter_rows(min_row=2) if isinstance(row[2].value, float)]
    assert shares and all(c.number_format == "0%" for c in shares)
