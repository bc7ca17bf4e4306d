"""No path lets a department account write another department's data (PRODUCT §10), on real SQLite
files and real workbooks: the core ingest, a crafted `_meta`, withdraw and restore, the inbox's
department folders, and the command line with `--user`. Exports need the administrator."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from helpers_ledger import COMMUNES, long_csv, make_config, write_province
from sqlalchemy import text

from ioc import accounts, ledger, store
from ioc.accounts import User
from ioc.ingest import ingest_bytes, ingest_inbox
from ioc.issues import IssueError
from ioc.template import build_template

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2025-09"  # a quarter's last month: both departments have indicators due
DEP_A = User("nv_a", "Nguyễn Văn A", "department", "so_a")
DEP_B = User("nv_b", "Trần Thị B", "department", "so_b")
VIEWER = User("xem", "Lãnh đạo", "viewer")
ADMIN = User("quantri", "Quản trị", "administrator")


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return make_config(tmp_path_factory.mktemp("province"))


@pytest.fixture
def engine(tmp_path: Path):
    eng = store.get_engine(f"sqlite:///{tmp_path / 'ioc.sqlite3'}")
    store.migrate(eng)
    yield eng
    eng.dispose()


def workbook(config, department: str, value: float = 70.0, *, meta_department: str | None = None) -> bytes:
    """The app's own template for `department`, every value cell filled; `_meta` optionally rewritten."""
    wb = openpyxl.load_workbook(io.BytesIO(build_template(config, department, PERIOD)))
    ws = wb.worksheets[0]
    header = next(r for r in range(1, 30) if ws.cell(r, 1).value == "Mã chỉ tiêu")
    cols = {ws.cell(header, c).value: c for c in range(1, 20)}
    for r in range(header + 1, ws.max_row + 1):
        if ws.cell(r, 1).value:
            ws.cell(r, cols["Giá trị"]).value = value
            for name in ("Tử số", "Mẫu số"):
                if name in cols:
                    ws.cell(r, cols[name]).value = None
    if meta_department is not None:  # a crafted file: the department's own sheet, another's id in _meta
        meta = wb["_meta"]
        row = next(r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == "department")
        meta.cell(row, 2).value = meta_department
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def values_of(engine, department: str) -> int:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT count(*) FROM observations o JOIN submissions s ON s.id = o.submission_id "
                "WHERE s.department = :d AND s.status = 'accepted'"
            ),
            {"d": department},
        ).scalar_one()


def test_a_department_account_uploads_its_own_workbook_and_the_ledger_records_it(
    config, engine, tmp_path
) -> None:
    report = ingest_bytes(workbook(config, "so_a"), "so_a.xlsx", config, engine, tmp_path, actor=DEP_A)
    assert report.status == "accepted", report.issues
    row = ledger.submission(engine, report.submission_id)
    assert (row["actor"], row["submitted_by"], row["department"]) == ("nv_a", "Nguyễn Văn A (nv_a)", "so_a")
    assert ledger.audit_log(engine)["actor"].to_list() == ["nv_a"]


def test_declaring_another_department_is_refused_before_anything_is_read(config, engine, tmp_path) -> None:
    report = ingest_bytes(
        workbook(config, "so_a"), "so_a.xlsx", config, engine, tmp_path, actor=DEP_B, department="so_a"
    )
    assert report.status == "rejected" and [i.code for i in report.issues] == ["other-department"]
    assert "Trần Thị B" not in report.issues[0].text("vi") and "so_b" in report.issues[0].text("vi")
    assert ledger.submissions(engine).is_empty() and values_of(engine, "so_a") == 0


def test_another_departments_template_is_rejected_and_kept_in_the_senders_history(
    config, engine, tmp_path
) -> None:
    report = ingest_bytes(workbook(config, "so_a"), "so_a.xlsx", config, engine, tmp_path, actor=DEP_B)
    assert report.status == "rejected"
    # the reader compares `_meta` with the account's department before the access check would
    assert {"other-department", "department-mismatch"} & {i.code for i in report.issues}
    assert values_of(engine, "so_a") == 0
    row = ledger.submission(engine, report.submission_id)
    assert (row["status"], row["department"], row["actor"]) == ("rejected", "so_b", "nv_b")


def test_a_crafted_meta_sheet_naming_another_department_writes_nothing(config, engine, tmp_path) -> None:
    crafted = workbook(config, "so_b", meta_department="so_a")
    for kw in ({}, {"department": "so_b"}):
        report = ingest_bytes(crafted, "crafted.xlsx", config, engine, tmp_path, actor=DEP_B, **kw)
        assert report.status == "rejected", report.issues
        assert {"other-department", "department-mismatch"} & {i.code for i in report.issues}
    assert values_of(engine, "so_a") == 0
    # the dry run of the Upload page's check step refuses it the same way
    check = ingest_bytes(crafted, "crafted.xlsx", config, engine, tmp_path, actor=DEP_B, dry_run=True)
    assert check.status == "rejected"


def test_exports_need_the_administrator_and_a_viewer_writes_nothing(config, engine, tmp_path) -> None:
    data = long_csv([(COMMUNES[0], PERIOD, "online_rate", "70")]).encode()
    for actor, code in ((DEP_A, "admin-only"), (VIEWER, "not-allowed")):
        report = ingest_bytes(data, "long.csv", config, engine, tmp_path, actor=actor, export_id="long")
        assert report.status == "rejected" and code in {i.code for i in report.issues}
    # a department account sending an export without naming it: refused by the department channel
    sneaky = ingest_bytes(data, "long.csv", config, engine, tmp_path, actor=DEP_A)
    assert sneaky.status == "rejected" and values_of(engine, "so_a") == 0
    viewer_wb = ingest_bytes(workbook(config, "so_a"), "a.xlsx", config, engine, tmp_path, actor=VIEWER)
    assert [i.code for i in viewer_wb.issues] == ["not-allowed"]
    assert ingest_bytes(data, "long.csv", config, engine, tmp_path, actor=ADMIN).status == "accepted"


def test_a_period_that_has_not_ended_is_refused(config, engine, tmp_path) -> None:
    import datetime as dt

    report = ingest_bytes(
        workbook(config, "so_a"),
        "so_a.xlsx",
        config,
        engine,
        tmp_path,
        actor=DEP_A,
        period=PERIOD,
        today=dt.date(2025, 9, 20),  # September is not over
    )
    assert [i.code for i in report.issues] == ["period-not-ended"] and ledger.submissions(engine).is_empty()
    future = ingest_bytes(
        workbook(config, "so_a"),
        "so_a.xlsx",
        config,
        engine,
        tmp_path,
        actor=DEP_A,
        today=dt.date(2025, 8, 1),
    )
    assert future.status == "rejected" and "future-period" in {i.code for i in future.issues}


def test_withdraw_and_restore_only_for_the_own_department(config, engine, tmp_path) -> None:
    first = ingest_bytes(workbook(config, "so_a", 60), "a1.xlsx", config, engine, tmp_path, actor=DEP_A)
    second = ingest_bytes(workbook(config, "so_a", 65), "a2.xlsx", config, engine, tmp_path, actor=DEP_A)
    assert (first.status, second.status) == ("accepted", "accepted")
    for actor in (DEP_B, VIEWER):
        with pytest.raises(IssueError) as refused:
            ledger.withdraw(engine, second.submission_id, note="thử", actor=actor)
        assert refused.value.issues[0].code in ("other-department", "not-allowed")
        with pytest.raises(IssueError):
            ledger.restore(engine, first.submission_id, note="thử", actor=actor)
    assert ledger.submission(engine, second.submission_id)["status"] == "accepted"
    ledger.withdraw(engine, second.submission_id, note="nhập nhầm tháng", actor=DEP_A)
    row = ledger.submission(engine, second.submission_id)
    assert (row["status"], row["withdrawn_by"], row["withdraw_note"]) == (
        "withdrawn",
        "Nguyễn Văn A (nv_a)",
        "nhập nhầm tháng",
    )
    restored = ledger.restore(engine, second.submission_id, note="đã kiểm tra lại", actor=DEP_A)
    copy = ledger.submission(engine, restored)
    assert copy["actor"] == "nv_a" and "đã kiểm tra lại" in copy["note"]
    assert ledger.audit_log(engine)["actor"].to_list()[:2] == ["nv_a", "nv_a"]
    # an export row is the administrator's to withdraw, even when it names the department
    data = long_csv([(COMMUNES[0], PERIOD, "online_rate", "71")]).encode()
    export = ingest_bytes(data, "long.csv", config, engine, tmp_path, actor=ADMIN, department="so_a")
    if export.status == "accepted":
        with pytest.raises(IssueError):
            ledger.withdraw(engine, export.submission_id, actor=DEP_A)


def test_a_department_inbox_folder_writes_only_for_its_department(config, engine, tmp_path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "so_b").mkdir(parents=True)
    (inbox / "so_a").mkdir()
    (inbox / "so_b" / "cua_so_a.xlsx").write_bytes(workbook(config, "so_a"))
    (inbox / "so_b" / "crafted.xlsx").write_bytes(workbook(config, "so_b", meta_department="so_a"))
    (inbox / "so_a" / "cua_so_a.xlsx").write_bytes(workbook(config, "so_a", 61))
    # a department account running the inbox reads its own folder only
    only_b = ingest_inbox(inbox, config, engine, tmp_path / "data", actor=DEP_B)
    assert sorted((r.file_name, r.status) for r in only_b) == [
        ("crafted.xlsx", "rejected"),
        ("cua_so_a.xlsx", "rejected"),
    ]
    assert (inbox / "so_a" / "cua_so_a.xlsx").exists() and values_of(engine, "so_a") == 0
    assert (inbox / "so_b" / "rejected" / "crafted.xlsx.errors.txt").exists()
    # the system run takes so_a's folder with so_a's rights
    rest = ingest_inbox(inbox, config, engine, tmp_path / "data")
    assert [(r.file_name, r.status) for r in rest] == [("cua_so_a.xlsx", "accepted")]
    subs = ledger.submissions(engine)
    assert set(subs.filter(subs["status"] == "accepted")["actor"].to_list()) == {"inbox/so_a"}


@pytest.fixture
def cli_env(tmp_path: Path, engine) -> dict[str, str]:
    targets = write_province(tmp_path / "province")
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    env.update(
        IOC_TARGETS=str(targets),
        IOC_DATA_DIR=str(tmp_path / "data"),
        IOC_DATABASE_URL=str(engine.url),
        PYTHONIOENCODING="utf-8",
    )
    accounts.create_account(
        engine, "nv_b", role="department", department="so_b", password="mat-khau-dai-du", created_by="t"
    )
    accounts.create_account(
        engine, "nv_a", role="department", department="so_a", password="mat-khau-dai-du", created_by="t"
    )
    return env


def _cli(env, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ioc", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
    )


def test_the_command_line_with_a_department_user_cannot_write_for_another(
    config, engine, cli_env, tmp_path
) -> None:
    path = tmp_path / "so_a.xlsx"
    path.write_bytes(workbook(config, "so_a"))
    refused = _cli(cli_env, "ingest", str(path), "--user", "nv_b", "--department", "so_a")
    assert refused.returncode == 1 and "other-department" in refused.stdout, refused.stdout + refused.stderr
    inferred = _cli(cli_env, "ingest", str(path), "--user", "nv_b")
    assert inferred.returncode == 1 and (
        "other-department" in inferred.stdout or "department-mismatch" in inferred.stdout
    )
    assert values_of(engine, "so_a") == 0
    ok = _cli(cli_env, "ingest", str(path), "--user", "nv_a")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    sid = int(ledger.submissions(engine, department="so_a", limit=1)["id"][0])
    denied = _cli(cli_env, "withdraw", str(sid), "--user", "nv_b", "--note", "x")
    assert denied.returncode == 1 and "other-department" in denied.stderr
    assert ledger.submission(engine, sid)["status"] == "accepted"
    history = _cli(cli_env, "history", "--lang", "vi")
    assert "Asia/Ho_Chi_Minh" in history.stdout and "UTC" not in history.stdout.replace(
        "Asia/Ho_Chi_Minh", ""
    )
    assert "nv_a" in history.stdout


@pytest.mark.parametrize("meta_department", [None, "so_a"])
def test_the_upload_pages_check_and_commit_refuse_another_departments_data(
    config, engine, tmp_path, meta_department
) -> None:
    """What pages/upload.py calls, with the department picker forced to another department (a crafted request)
    or the department's own picker and a file naming another department in `_meta`: nothing is written."""
    from ioc import ui_upload

    data = workbook(config, "so_a" if meta_department is None else "so_b", meta_department=meta_department)
    form = {"department": "so_a" if meta_department is None else "so_b", "period": PERIOD, "actor": DEP_B}
    check = ui_upload.check(data, "so_a.xlsx", config, engine, tmp_path, **form)
    assert check.status == "rejected"
    assert {"other-department", "department-mismatch"} & {i.code for i in check.issues}
    report = ui_upload.commit(data, "so_a.xlsx", config, engine, tmp_path, **form)  # even if the page let it
    assert report.status == "rejected"
    assert values_of(engine, "so_a") == 0
    assert set(ledger.submissions(engine)["status"]) <= {"rejected"}
