"""Which files each channel takes, and a ledger without gaps: real files, real SQLite (PostgreSQL reruns the
engine-based tests in test_store_postgres.py).

- The department page reads department workbooks only: a report-system export is refused (in the core
  ingest, not only on the page), a workbook in the department's own layout is read.
- Every file's bytes are kept: a file rejected at the page's check step is archived and recorded; the
  same bytes under two extensions are archived once; bytes enter the archive only with their ledger row.
"""

from __future__ import annotations

import csv
import hashlib
import os
from pathlib import Path

import openpyxl
import pytest
from helpers_exports import make_config as make_export_config
from helpers_ledger import COMMUNES, long_csv, make_config
from sqlalchemy import text
from test_procedure_stats import COMMUNES as STATS_COMMUNES
from test_procedure_stats import DEPARTMENTS as STATS_DEPARTMENTS

from data_sources.registry import DEPARTMENT_SOURCES, EXPORT_SOURCES
from ioc import ledger, store
from ioc.export_writers import write_procedure_report
from ioc.ingest import csv_safe, ingest_bytes, ingest_file, ingest_inbox


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return make_config(tmp_path_factory.mktemp("province"))


@pytest.fixture
def engine(tmp_path: Path):
    eng = store.get_engine(f"sqlite:///{tmp_path / 'ioc.sqlite3'}")
    store.migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def count(engine, table: str, where: str = "") -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table} {where}")).scalar_one())


def archived(data_dir: Path) -> list[Path]:
    """Files in the archive (not the incoming folder)."""
    root = data_dir / "archive"
    return sorted(p for p in root.glob("??/*") if p.is_file()) if root.is_dir() else []


def staged(data_dir: Path) -> list[Path]:
    root = data_dir / "archive"
    return sorted(root.rglob(".incoming-*")) if root.is_dir() else []


def own_layout_workbook(values: list[float | str], *, wide_name: str = "Tỷ lệ hồ sơ trực tuyến (%)") -> bytes:
    """A department's monthly report in its own layout: agency and title rows (merged), a header naming
    communes and the indicator, commune names (not codes), a "Tổng cộng" row, notes and signatures below."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Báo cáo T8"
    ws["A1"] = "UBND TỈNH THỬ"
    ws.merge_cells("A1:D1")
    ws["A2"] = "SỞ A"
    ws.merge_cells("A2:D2")
    ws["A3"] = "BÁO CÁO KẾT QUẢ CHUYỂN ĐỔI SỐ THÁNG 8 NĂM 2025"
    ws.merge_cells("A3:D3")
    for j, label in enumerate(["STT", "Tên xã, phường", wide_name, "Ghi chú"], start=1):
        ws.cell(5, j, label)
    names = ["Xã An", "Xã Bình", "Xã Cao", "Xã Dương", "Xã Đông"]
    for i, (name, value) in enumerate(zip(names, values, strict=False)):
        ws.cell(6 + i, 1, i + 1)
        ws.cell(6 + i, 2, name)
        ws.cell(6 + i, 3, value)
    total_row = 6 + len(values)
    ws.cell(total_row, 2, "Tổng cộng")
    ws.cell(total_row, 3, 72.5)
    ws.cell(total_row + 2, 1, "Ghi chú: số liệu sơ bộ, sẽ cập nhật khi có số chính thức.")
    ws.cell(total_row + 4, 2, "Người lập biểu")
    ws.cell(total_row + 4, 4, "Giám đốc Sở")
    ws.cell(total_row + 7, 2, "Nguyễn Văn A")
    import io

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def department_upload(data: bytes, name: str, config, engine, data_dir: Path, **kw):
    """What the Upload page's department check does: dry run, department workbooks only, rejections kept."""
    return ingest_bytes(
        data,
        name,
        config,
        engine,
        data_dir,
        who=kw.pop("who", "so_a"),
        dry_run=kw.pop("dry_run", True),
        record_rejected=True,
        kinds=DEPARTMENT_SOURCES,
        **kw,
    )


# ------------------------------------------------------------------------ defect 3: department channel


def test_a_workbook_in_the_departments_own_layout_is_read(config, engine, data_dir) -> None:
    data = own_layout_workbook(["70,5", "71,5", 72.5, "73,5", 74.5])
    check = department_upload(
        data, "bao cao thang 8.xlsx", config, engine, data_dir, department="so_a", period="2025-08"
    )
    assert check.status == "dry-run", [str(i) for i in check.issues]
    assert (check.source, check.n_observations, check.periods) == ("workbook", 5, ["2025-08"])
    assert count(engine, "submissions") == 0 and archived(data_dir) == []  # a valid check stores nothing
    receipt = department_upload(
        data,
        "bao cao thang 8.xlsx",
        config,
        engine,
        data_dir,
        department="so_a",
        period="2025-08",
        dry_run=False,
    )
    assert receipt.status == "accepted"
    cur = ledger.current_observations(engine)
    assert sorted(cur["unit_code"].to_list()) == COMMUNES[:5]  # names matched to codes; the total row skipped
    assert sorted(cur["value"].to_list()) == [70.5, 71.5, 72.5, 73.5, 74.5]


def test_an_export_on_the_department_page_is_refused_in_the_core_and_kept(engine, data_dir, tmp_path) -> None:
    config = make_export_config()
    report = write_procedure_report(
        tmp_path / "thong_ke_tthc.xlsx",
        STATS_DEPARTMENTS + STATS_COMMUNES,
        groups=[("Cấp tỉnh", STATS_DEPARTMENTS), ("Cấp xã", STATS_COMMUNES)],
    )
    data = report.read_bytes()
    check = department_upload(
        data,
        "bao_cao_thang8.xlsx",
        config,
        engine,
        data_dir,
        department="ttpvhcc",
        period="2025-08",
        who="ttpvhcc",
    )
    assert check.status == "rejected"
    assert [i.code for i in check.errors] == ["source-not-allowed"]
    refusal = check.errors[0]
    assert "department's monthly workbook" in refusal.message and "administrator" in refusal.message
    assert "biểu số liệu hằng tháng của sở, ngành" in (refusal.message_vi or "")
    assert "quản trị viên" in (refusal.message_vi or "")
    assert "--" not in (refusal.hint_vi or "") + (
        refusal.hint or ""
    )  # no command-line flags for a department
    # the refused file is kept: archived and recorded as a rejected submission
    assert check.submission_id is not None
    row = ledger.submission(engine, check.submission_id)
    assert (row["status"], row["submitted_by"], row["source"]) == ("rejected", "ttpvhcc", "procedure_stats")
    assert [p.read_bytes() for p in archived(data_dir)] == [data]
    # the commit path refuses it too: the page cannot be bypassed by calling the core without a check
    commit = ingest_bytes(
        data,
        "x.xlsx",
        config,
        engine,
        data_dir,
        who="ttpvhcc",
        department="ttpvhcc",
        kinds=DEPARTMENT_SOURCES,
    )
    assert commit.status == "rejected" and [i.code for i in commit.errors] == ["source-not-allowed"]
    assert count(engine, "submissions", "WHERE status = 'accepted'") == 0
    # the administrator's export upload still takes it
    admin = ingest_bytes(
        data,
        "thong_ke.xlsx",
        config,
        engine,
        data_dir,
        who="admin",
        export_id="procedure_stats",
        kinds=EXPORT_SOURCES,
    )
    assert admin.status == "accepted", [str(i) for i in admin.errors]
    assert len(archived(data_dir)) == 1  # the same bytes: archived once


def test_an_unreadable_table_on_the_department_page_gets_a_hint_without_cli_flags(
    config, engine, data_dir
) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["B1"] = "Nội dung", "Ghi chép"
    wb.active["A2"], wb.active["B2"] = "gì đó", "khác"
    import io

    buf = io.BytesIO()
    wb.save(buf)
    check = department_upload(
        buf.getvalue(), "lan.xlsx", config, engine, data_dir, department="so_a", period="2025-08"
    )
    assert [i.code for i in check.errors] == ["unknown-format"]
    issue = check.errors[0]
    assert "--source" not in (issue.hint or "") and "--source" not in (issue.hint_vi or "")
    assert "biểu mẫu" in (issue.hint_vi or "")
    assert check.submission_id is not None  # kept as a rejected submission


# ---------------------------------------------------------------------------- defect 5: no ledger gaps


def test_a_file_rejected_at_the_check_step_is_archived_and_recorded_superseding_nothing(
    config, engine, data_dir, tmp_path
) -> None:
    good = own_layout_workbook([70, 71, 72, 73, 74])
    first = department_upload(
        good, "t8.xlsx", config, engine, data_dir, department="so_a", period="2025-08", dry_run=False
    )
    assert first.status == "accepted"
    bad = own_layout_workbook([70, 71, 172, 73, 74])  # 172 % is out of range
    check = department_upload(
        bad, "t8 sua.xlsx", config, engine, data_dir, department="so_a", period="2025-08"
    )
    assert check.status == "rejected" and check.submission_id is not None
    row = ledger.submission(engine, check.submission_id)
    assert (row["status"], row["supersedes"], row["department"]) == ("rejected", None, "so_a")
    assert [i.code for i in row["issues"]] == ["value-out-of-range"]
    assert ledger.submission(engine, first.submission_id)["status"] == "accepted"  # nothing superseded
    kept = {p.read_bytes() for p in archived(data_dir)}
    assert kept == {good, bad}
    assert staged(data_dir) == []


def test_the_same_bytes_under_two_extensions_are_archived_once(config, engine, data_dir, tmp_path) -> None:
    bad = long_csv([("90001", "2025-08", "online_rate", "170")]).encode()
    for name in ("bad.csv", "bad.CSV.bak", "bad.txt"):
        report = ingest_bytes(bad, name, config, engine, data_dir, who="a")
        assert report.status == "rejected" and report.submission_id is not None
    assert count(engine, "submissions") == 3 and count(engine, "files") == 1
    assert [p.name for p in archived(data_dir)] == [f"{hashlib.sha256(bad).hexdigest()}.csv"]


def test_a_parse_step_that_fails_leaves_a_rejected_row_for_the_archived_bytes(
    config, engine, data_dir, tmp_path
) -> None:
    """The contract with the parse step (run in a worker process): whatever happens to the worker — killed,
    out of memory, aborted by the parser library — the file is recorded as a rejected submission with its bytes
    archived, and nothing is left staged."""
    from ioc.parse_worker import ParseLimits

    path = tmp_path / "t8.csv"
    for n, (fault, code) in enumerate(
        [("kill", "unsafe-file"), ("memory", "unsafe-file"), ("abort", "unsafe-file")]
    ):
        path.write_text(long_csv([("90001", "2025-08", "online_rate", str(70 + n))]), encoding="utf-8")
        limits = ParseLimits(memory_mb=400, fault=fault)
        report = ingest_file(path, config, engine, data_dir, who="inbox", limits=limits)
        assert report.status == "rejected" and report.submission_id is not None, (fault, report.issues)
        row = ledger.submission(engine, report.submission_id)
        assert row["status"] == "rejected" and row["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert [i.code for i in row["issues"]] == [code], (fault, row["issues"])
    assert count(engine, "files") == 3 and len(archived(data_dir)) == 3 and staged(data_dir) == []


def test_a_failure_between_archive_and_record_leaves_no_orphan(engine, data_dir) -> None:
    staged_file = ledger.stage_bytes(b"unit,period\n", data_dir, "x.csv")
    assert staged(data_dir) == [staged_file.tmp]
    with pytest.raises(RuntimeError), ledger.archived_transaction(engine, staged_file):
        raise RuntimeError("the database went away half-way")
    assert archived(data_dir) == [] and staged(data_dir) == [] and count(engine, "files") == 0


def test_stale_staged_files_are_swept_and_a_committed_one_is_put_in_place(engine, data_dir) -> None:
    # a dead writer's staged file (an unknown pid on this host) and a legacy temp file beside the archive
    dead = ledger.stage_bytes(b"never recorded", data_dir, "a.csv")
    orphan_name = dead.tmp.name.replace(f"-{os.getpid()}-", "-999999999-")
    dead.tmp.rename(dead.tmp.with_name(orphan_name))
    legacy = data_dir / "archive" / "ab" / ".incoming-x1y2.tmp"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(b"half a file")
    # a file whose row was committed but whose move into the archive never happened (killed in between)
    committed = ledger.stage_bytes(b"recorded bytes", data_dir, "b.csv")
    with store.write_transaction(engine) as conn:
        dest = ledger.record_staged(conn, committed)
    moved_name = committed.tmp.name.replace(f"-{os.getpid()}-", "-999999998-")
    committed.tmp.rename(committed.tmp.with_name(moved_name))
    alive = ledger.stage_bytes(b"still parsing", data_dir, "c.csv")  # this process: still working on it

    # a dead writer's files are handled at once; a legacy temp file (no writer named) once it is old
    assert len(ledger.sweep_incoming(data_dir, engine, max_age_seconds=3600)) == 2
    assert legacy.exists()
    assert ledger.sweep_incoming(data_dir, engine, max_age_seconds=0) == [legacy]
    assert staged(data_dir) == [alive.tmp]
    assert dest.read_bytes() == b"recorded bytes"
    assert not legacy.exists()
    alive.discard()


# ------------------------------------------------------------------- defect 6: inbox and error files


def test_the_inbox_refuses_links_and_pipes_without_following_them(config, engine, data_dir, tmp_path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    outside = tmp_path / "elsewhere.csv"  # a valid export outside the inbox: following the link would take it
    outside.write_text(long_csv([("90001", "2025-08", "online_rate", "70")]), encoding="utf-8")
    (inbox / "link.csv").symlink_to(outside)
    (inbox / "passwd.csv").symlink_to("/etc/passwd")
    os.mkfifo(inbox / "pipe.csv")  # reading it would block the inbox for good
    reports = ingest_inbox(inbox, config, engine, data_dir, who="inbox")
    assert sorted((r.file_name, r.status, r.errors[0].code) for r in reports) == [
        ("link.csv", "rejected", "not-a-regular-file"),
        ("passwd.csv", "rejected", "not-a-regular-file"),
        ("pipe.csv", "rejected", "not-a-regular-file"),
    ]
    rejected = inbox / "rejected"
    assert (rejected / "link.csv").is_symlink() and (rejected / "passwd.csv").is_symlink()
    assert "symlink" in (rejected / "link.csv.errors.txt").read_text(encoding="utf-8")
    assert outside.is_file()  # the target is untouched
    assert count(engine, "submissions") == 0 and count(engine, "files") == 0 and archived(data_dir) == []


def test_a_hidden_file_is_reported_once_and_listed_in_a_note(config, engine, data_dir, tmp_path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / ".bao_cao_t8.xlsx").write_bytes(b"x")
    first = ingest_inbox(inbox, config, engine, data_dir, who="inbox")
    assert [(r.file_name, r.status, r.issues[0].code) for r in first] == [
        (".bao_cao_t8.xlsx", "skipped", "inbox-hidden-file")
    ]
    note = (inbox / "hidden-files.skipped.txt").read_text(encoding="utf-8")
    assert "- .bao_cao_t8.xlsx" in note and "đổi tên" in note
    assert ingest_inbox(inbox, config, engine, data_dir, who="inbox") == []  # not reported again
    (inbox / ".bao_cao_t8.xlsx").rename(inbox / "bao_cao_t8.xlsx")
    again = ingest_inbox(inbox, config, engine, data_dir, who="inbox")
    assert [r.file_name for r in again] == ["bao_cao_t8.xlsx"]  # renamed: ingested (and judged)
    assert not (inbox / "hidden-files.skipped.txt").exists()


def test_an_oversized_file_is_refused_from_its_size_without_being_read(
    config, engine, data_dir, tmp_path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    huge = inbox / "huge.csv"
    with huge.open("wb") as fh:  # sparse: 3 GB on paper, nothing on disk
        fh.truncate(3 * 1024**3)
    reports = ingest_inbox(inbox, config, engine, data_dir, who="inbox", max_bytes=1024 * 1024)
    assert [(r.status, r.errors[0].code) for r in reports] == [("rejected", "file-too-large")]
    assert reports[0].seconds < 5
    assert archived(data_dir) == [] and staged(data_dir) == []
    assert (inbox / "rejected" / "huge.csv").exists()


def test_error_csv_cells_that_excel_would_run_are_neutralised(config, engine, data_dir, tmp_path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    rows = [
        ("90001", "2025-08", "online_rate", '=HYPERLINK("http://x","click")'),
        ("90002", "2025-08", "online_rate", "+1+2"),
        ("90003", "2025-08", "online_rate", "@SUM(A1)"),
        ("90004", "2025-08", "online_rate", "-2+3"),
    ]
    with (inbox / "t8.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["unit", "period", "indicator", "value"])
        out.writerows(rows)
    reports = ingest_inbox(inbox, config, engine, data_dir, who="inbox")
    assert reports[0].status == "rejected", [str(i) for i in reports[0].issues]
    with (inbox / "rejected" / "t8.csv.errors.csv").open(encoding="utf-8-sig", newline="") as fh:
        cells = [row["value"] for row in csv.DictReader(fh) if row["value"]]
    assert cells and all(c.startswith("'") for c in cells), cells
    assert '\'=HYPERLINK("http://x","click")' in cells
    assert csv_safe("\tcmd") == "'\tcmd" and csv_safe("\rx") == "'\rx"
    assert csv_safe("84,6") == "84,6" and csv_safe(12) == 12


def test_a_generous_size_limit_does_not_exhaust_memory(config, engine, data_dir, tmp_path) -> None:
    # `--max-mb 1000000` (or the benchmark's 1 TB limit) once made the intake allocate the limit up front
    path = tmp_path / "in" / "q.csv"
    path.parent.mkdir()
    path.write_bytes(b"unit_code,period,indicator,value\n90001,2025-08,online_rate,70\n")
    report = ingest_file(path, config, engine, data_dir, who="a", max_bytes=1 << 40, dry_run=True)
    assert (report.status, report.rows_read, report.n_observations) == ("dry-run", 1, 1), report.issues
