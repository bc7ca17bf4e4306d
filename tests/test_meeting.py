"""The meeting room's core: period locks, append-only decisions, what changed, at risk, the data-quality
scorecard and the pack's cell rules — on small hand-built frames and a real SQLite ledger."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from helpers_ledger import obs
from openpyxl import Workbook

from ioc import data_quality, decisions, ledger, meeting, meeting_locks, meeting_pack, store
from ioc.accounts import User
from ioc.issues import IssueError
from ioc.meeting_locks import Lock, PeriodLockedError
from ioc.views import decorate

# The acting users: the meeting's writes are an administrator's; history names them by their label.
CHAIR = User("tranb", "Trần Thị B", "administrator")
DEPUTY = User("levanc", "Lê Văn C", "administrator")
CLERK = User("a", "A", "administrator")
EDITOR = User("b", "B", "administrator")
CLOSER = User("c", "C", "administrator")
DEPARTMENT = User("nv_a", "Nguyễn Văn A", "department", "so_a")
VIEWER = User("lanhdao", "Lãnh đạo", "viewer")


@pytest.fixture
def engine(tmp_path: Path):
    eng = store.get_engine(f"sqlite:///{tmp_path / 'ioc.sqlite3'}")
    store.migrate(eng)
    yield eng
    eng.dispose()


# ------------------------------------------------------------------------------------------------ locks


def test_the_refusal_reads_as_the_chair_expects_in_both_languages() -> None:
    lock = Lock("2026-10", dt.datetime(2026, 11, 1, 1, 0), "Trần Thị B")  # 01:00 UTC = 08:00 in Hà Nội
    issue = meeting_locks.locked_issue(lock, "2026-10", timezone="Asia/Ho_Chi_Minh")
    assert issue.code == "period-locked" and issue.is_error
    assert (
        issue.text("vi")
        == "Kỳ 10/2026 đã khoá lúc 08:00 01/11/2026 bởi Trần Thị B; liên hệ quản trị để mở khoá."
    )
    assert issue.text("en").startswith("Period 10/2026 was locked at 01/11/2026, 8:00 AM by Trần Thị B;")


@pytest.mark.parametrize(
    ("locked", "period", "covered"),
    [
        ("2026-10", "2026-10", True),
        ("2026-10", "2026-09", False),
        ("2026-Q4", "2026-11", True),
        ("2026-Q4", "2026-Q4", True),
        ("2026", "2026-Q2", True),
        ("2026-10", "2026-Q4", False),  # a locked month never blocks the quarter's report
        ("2026-10", "2026", False),
        ("2026-10", "", False),
    ],
)
def test_a_lock_covers_the_periods_inside_it(locked: str, period: str, covered: bool) -> None:
    assert meeting_locks.covers(locked, period) is covered


def test_lock_and_unlock_are_history_and_each_refuses_its_repeat(engine) -> None:
    meeting_locks.lock_period(engine, "2026-10", CHAIR, note="họp tháng 11")
    assert set(meeting_locks.current_locks(engine)) == {"2026-10"}
    with pytest.raises(IssueError) as again:
        meeting_locks.lock_period(engine, "2026-10", CHAIR)
    assert again.value.issues[0].code == "period-already-locked"
    meeting_locks.unlock_period(engine, "2026-10", DEPUTY)
    assert meeting_locks.current_locks(engine) == {}
    with pytest.raises(IssueError) as not_locked:
        meeting_locks.unlock_period(engine, "2026-10", DEPUTY)
    assert not_locked.value.issues[0].code == "period-not-locked"
    history = meeting_locks.lock_history(engine)
    assert history["action"].to_list() == ["unlock", "lock"]
    assert history["who"].to_list() == ["Lê Văn C (levanc)", "Trần Thị B (tranb)"]
    with pytest.raises(IssueError) as bad:
        meeting_locks.lock_period(engine, "10/2026", CHAIR)
    assert bad.value.issues[0].code == "bad-period"
    with pytest.raises(IssueError) as nobody:
        meeting_locks.lock_period(engine, "2026-11", None)
    assert nobody.value.issues[0].code == "admin-required"


def _accept(engine, tmp_path: Path, period: str, value: float, name: str) -> int:
    frame = obs([("online_rate", "90001", period, value)])
    sha, path = ledger.archive_bytes(name.encode(), tmp_path, name)
    with store.write_transaction(engine) as conn:
        ledger.record_file(conn, sha, path.stat().st_size, name, path.name)
        new_id, _ = ledger.accept(
            conn,
            values={
                "sha256": sha,
                "file_name": name,
                "source": "long",
                "department": "so_a",
                "periods": period,
                "submitted_by": "so_a",
                "n_observations": 1,
            },
            obs=frame,
            who="so_a",
        )
    return new_id


def test_withdraw_restore_and_accept_are_refused_in_a_locked_period_and_pass_once_unlocked(
    engine, tmp_path: Path
) -> None:
    first = _accept(engine, tmp_path, "2026-10", 70.0, "a.csv")
    meeting_locks.lock_period(engine, "2026-10", CHAIR)
    with pytest.raises(PeriodLockedError) as refused:
        ledger.withdraw(engine, first, "so_a")
    assert refused.value.issues[0].code == "period-locked"
    assert "liên hệ quản trị để mở khoá" in refused.value.issues[0].text("vi")
    with pytest.raises(PeriodLockedError):  # the ledger's own guard, under the write lock
        _accept(engine, tmp_path, "2026-10", 75.0, "b.csv")
    _accept(engine, tmp_path, "2026-09", 60.0, "c.csv")  # another period is open
    assert ledger.submission(engine, first)["status"] == "accepted"
    meeting_locks.unlock_period(engine, "2026-10", CHAIR)
    ledger.withdraw(engine, first, "so_a")
    meeting_locks.lock_period(engine, "2026-Q4", CHAIR)  # a quarter covers its months
    with pytest.raises(PeriodLockedError):
        ledger.restore(engine, first, "so_a")
    meeting_locks.unlock_period(engine, "2026-Q4", CHAIR)
    assert ledger.submission(engine, ledger.restore(engine, first, "so_a"))["status"] == "accepted"


# -------------------------------------------------------------------------------------------- decisions


def test_decisions_are_append_only_versions_with_author_and_time(engine) -> None:
    note = decisions.add_note(
        engine, period="2026-10", indicator="online_rate", text="Số liệu tăng đột biến", actor=CLERK
    )
    item = decisions.add_action(
        engine,
        period="2026-10",
        indicator="online_rate",
        unit_code="90001",
        text="Rà soát số liệu xã",
        owner="so_a",
        due=dt.date(2026, 11, 30),
        actor=CLERK,
    )
    assert (note.decision_id, item.decision_id) == (1, 2) and item.state == "open"
    edited = decisions.edit(
        engine, item.decision_id, actor=EDITOR, text="Rà soát và báo cáo lại", due=dt.date(2026, 12, 15)
    )
    assert edited.version == 2 and edited.owner == "so_a" and edited.author == "B (b)"
    closed = decisions.close_action(engine, item.decision_id, actor=CLOSER, note="Đã báo cáo")
    assert closed.version == 3 and closed.state == "closed"
    with pytest.raises(IssueError) as twice:
        decisions.close_action(engine, item.decision_id, actor=CLOSER, note="again")
    assert twice.value.issues[0].code == "not-an-open-action"
    history = decisions.all_versions(engine, item.decision_id)
    assert history["version"].to_list() == [1, 2, 3]
    assert history["text"].to_list() == [
        "Rà soát số liệu xã",
        "Rà soát và báo cáo lại",
        "Rà soát và báo cáo lại",
    ]
    assert history["author"].to_list() == ["A (a)", "B (b)", "C (c)"]
    current = decisions.current(engine)
    assert current.height == 2
    latest = current.filter(pl.col("decision_id") == item.decision_id).row(0, named=True)
    assert latest["state"] == "closed" and latest["first_author"] == "A (a)"
    assert decisions.open_actions(engine).is_empty()
    assert decisions.for_indicator(engine, "online_rate", "90002").height == 1  # the note, not 90001's item
    for bad, code in (({"text": "  "}, "text-required"), ({"actor": None}, "admin-required")):
        kwargs = {"period": "2026-10", "indicator": "online_rate", "text": "x", "actor": CLERK, **bad}
        with pytest.raises(IssueError) as err:
            decisions.add_note(engine, **kwargs)
        assert err.value.issues[0].code == code


@pytest.mark.parametrize("user", [DEPARTMENT, VIEWER], ids=["department", "viewer"])
def test_only_an_administrator_locks_unlocks_and_records_decisions(engine, user: User) -> None:
    """A department account and a viewer are refused every meeting write in the core, with the reason in
    both languages, and nothing is written; the administrator's same calls go through."""
    note = decisions.add_note(engine, period="2026-10", indicator="online_rate", text="Ghi chú", actor=CHAIR)
    item = decisions.add_action(
        engine, period="2026-10", indicator="online_rate", text="Việc", owner="so_a",
        due=dt.date(2026, 11, 30), actor=CHAIR,
    )  # fmt: skip
    meeting_locks.lock_period(engine, "2026-09", CHAIR)
    writes = {
        "lock": lambda who: meeting_locks.lock_period(engine, "2026-10", who),
        "unlock": lambda who: meeting_locks.unlock_period(engine, "2026-09", who),
        "note": lambda who: decisions.add_note(
            engine, period="2026-10", indicator="online_rate", text="Ghi chú khác", actor=who
        ),
        "action": lambda who: decisions.add_action(
            engine, period="2026-10", indicator="online_rate", text="Việc khác", owner="so_a",
            due=dt.date(2026, 12, 1), actor=who,
        ),
        "edit": lambda who: decisions.edit(engine, note.decision_id, actor=who, text="Sửa ghi chú"),
        "close": lambda who: decisions.close_action(engine, item.decision_id, actor=who, note="Xong"),
    }  # fmt: skip
    before = (decisions.revision(engine), meeting_locks.revision(engine))
    for name, write in writes.items():
        with pytest.raises(IssueError) as refused:
            write(user)
        issue = refused.value.issues[0]
        assert issue.code == "admin-only", name
        assert f"Tài khoản '{user.username}' không phải quản trị viên" in issue.text("vi")
        assert f"The account '{user.username}' is not an administrator" in issue.text("en")
    assert (decisions.revision(engine), meeting_locks.revision(engine)) == before  # nothing written
    assert set(meeting_locks.current_locks(engine)) == {"2026-09"}
    for name, write in writes.items():
        assert write(CHAIR) is not None or name == "unlock", name
    assert set(meeting_locks.current_locks(engine)) == {"2026-10"}
    assert decisions.all_versions(engine)["author"].unique().to_list() == ["Trần Thị B (tranb)"]


def test_an_edit_that_changes_nothing_is_not_a_new_version(engine) -> None:
    note = decisions.add_note(
        engine, period="2026-10", indicator="online_rate", text="Giữ nguyên", actor=CHAIR
    )
    with pytest.raises(IssueError) as same:
        decisions.edit(engine, note.decision_id, actor=DEPUTY, text=" Giữ nguyên ")
    assert same.value.issues[0].code == "no-change"
    assert decisions.all_versions(engine, note.decision_id).height == 1


def test_open_actions_are_those_recorded_up_to_the_meeting(engine) -> None:
    for period in ("2026-08", "2026-10", "2026-11"):
        decisions.add_action(
            engine,
            period=period,
            indicator="online_rate",
            text=period,
            owner="so_a",
            due=dt.date(2027, 1, 1),
            actor=CLERK,
        )
    assert decisions.open_actions(engine, before="2026-10")["period"].to_list() == ["2026-08", "2026-10"]


# ------------------------------------------------------------------------------- changes and at risk


def _scored(demo_config, rows: list[dict]) -> pl.DataFrame:
    """Decorated score rows for the demo's dossier_online_rate (percent, higher is better, owner ttpvhcc)."""
    base = {
        "indicator": "dossier_online_rate",
        "pillar": "gov",
        "level": "province",
        "unit_code": "00",
        "period": "2026-10",
        "target": 80.0,
        "expected": 75.0,
        "gap": 0.0,
        "tolerance": 10.0,
        "months_left": 10.0,
        "pace_needed": None,
        "r_obs": None,
        "deadline": dt.date(2027, 8, 31),
        "deadline_passed": False,
        "trend": "improving",
        "reason_vi": "lý do",
        "reason_en": "reason",
        "submission_id": None,
    }
    frame = pl.DataFrame([{**base, **r} for r in rows], infer_schema_length=None)
    return decorate(frame, demo_config, "vi")


def test_changes_name_what_turned_red_or_green_and_the_biggest_movers(demo_config) -> None:
    now = _scored(
        demo_config,
        [
            {"unit_code": "00", "value": 60.0, "status": "red"},
            {"level": "commune", "unit_code": "90001", "value": 82.0, "status": "green"},
            {"level": "commune", "unit_code": "90002", "value": 70.0, "status": "amber"},
        ],
    )
    before = _scored(
        demo_config,
        [
            {"unit_code": "00", "value": 72.0, "status": "amber"},
            {"level": "commune", "unit_code": "90001", "value": 74.0, "status": "amber"},
            {"level": "commune", "unit_code": "90002", "value": 70.0, "status": "amber"},
        ],
    )
    got = meeting.changes(now, before, demo_config, "vi", "2026-09")
    kinds = {(r["kind"], r["unit_code"]) for r in got.iter_rows(named=True)}
    assert ("turned_red", "00") in kinds and ("turned_green", "90001") in kinds
    assert ("down", "00") in kinds and ("up", "90001") in kinds
    assert not any(u == "90002" for _k, u in kinds)  # unchanged: not listed
    red = got.filter(pl.col("kind") == "turned_red").row(0, named=True)
    assert red["headline"] and red["change_text"] == "−12,0 điểm %"
    assert red["before_text"] == "09/2026: ▲ Cần chú ý · 72,0%"
    assert red["reason"] == "lý do"
    assert meeting.changes(now, now.head(0), demo_config, "vi", "2025-10").is_empty()


def test_at_risk_takes_amber_red_and_a_pace_too_slow_and_sorts_by_shortfall(demo_config) -> None:
    rows = _scored(
        demo_config,
        [
            # green today, but 60 + 0.8 × 10 = 68 at the deadline: 12 pp short
            {"unit_code": "00", "value": 60.0, "status": "green", "pace_needed": 2.0, "r_obs": 0.8},
            {"level": "commune", "unit_code": "90001", "value": 66.0, "status": "amber", "gap": 4.0,
             "pace_needed": 1.4, "r_obs": 1.2},  # 66 + 12 = 78: 2 pp short
            {"level": "commune", "unit_code": "90002", "value": 70.0, "status": "green", "pace_needed": 1.0,
             "r_obs": 1.5},  # fast enough
            {"level": "commune", "unit_code": "90003", "value": 85.0, "status": "green", "months_left": 0.0},
        ],
    )  # fmt: skip
    risk = meeting.at_risk(rows, demo_config, "vi")
    assert risk["unit_code"].to_list() == ["00", "90001"]
    top = risk.row(0, named=True)
    assert top["behind"] == pytest.approx(12.0)
    assert top["pace_vs"] == "cần +2,0 điểm %/tháng, đang +0,8"
    assert top["owner_name"] == "Trung tâm Phục vụ hành chính công" and top["headline"]
    assert top["months_text"] == "10"
    assert risk.row(1, named=True)["behind"] == pytest.approx(4.0)  # the gap to the expected path is larger


def test_last_year_is_the_same_period_a_year_before() -> None:
    assert [meeting.last_year(p) for p in ("2026-10", "2026-Q4", "2026")] == ["2025-10", "2025-Q4", "2025"]


# --------------------------------------------------------------------------------------- data quality


def test_the_four_words_per_department_from_submissions_and_issues(demo_config) -> None:
    scores = pl.DataFrame(
        {
            "indicator": ["dossier_online_rate"] * 4 + ["vneid_level2"] * 2,
            "reference_period": ["2026-10"] * 6,
            "period": ["2026-10", "2026-10", "2026-10", "2026-09", "2026-10", "2026-09"],
            "status": ["green", "red", "amber", "stale", "green", "stale"],
        }
    )
    owners = {i.id: i.owner for i in demo_config.targets.indicators}
    a, b = owners["dossier_online_rate"], owners["vneid_level2"]
    utc = (
        dt.datetime
    )  # 10/11/2026 is the deadline of 10/2026; 17:00 UTC on the 10th is already the 11th locally
    subs = pl.DataFrame(
        {
            "id": [1, 2, 3],
            "department": [a, a, a],
            "export_id": [None, None, None],
            "periods": ["2026-10"] * 3,
            "submitted_at": [utc(2026, 11, 9, 3), utc(2026, 11, 10, 17), utc(2026, 11, 12, 3)],
            "status": ["rejected", "superseded", "accepted"],
            "n_observations": [50, 100, 100],
            "n_errors": [3, 0, 0],
            "n_warnings": [1, 4, 2],
            "outliers": [0, 2, 1],
        },
        schema_overrides={"export_id": pl.String},
    )
    card = data_quality.scorecard(subs, scores, demo_config, "vi", today=dt.date(2026, 12, 1))
    row_a = card.filter(pl.col("department") == a).row(0, named=True)
    assert (row_a["due"], row_a["received"]) == (4, 3)
    assert row_a["on_time"] is False and row_a["days_late"] == 1  # first taken in: 11/11 local time
    assert (row_a["files"], row_a["files_clean"]) == (3, 2)
    assert row_a["warnings_per_100"] == pytest.approx(100 * 6 / 200)
    assert (row_a["values_sent"], row_a["values_replaced"], row_a["outliers"]) == (200, 100, 3)
    row_b = card.filter(pl.col("department") == b).row(0, named=True)
    assert row_b["missing"] and row_b["on_time"] is False and row_b["days_late"] == 21  # 10/11 → 1/12
    texts = data_quality.quality_texts(card, "vi").filter(pl.col("department") == b).row(0, named=True)
    assert texts["song_text"] == "chưa nộp, quá hạn 21 ngày" and texts["du_text"] == "1/2 (50%)"
    early = data_quality.scorecard(subs.head(0), scores, demo_config, "en", today=dt.date(2026, 11, 5))
    assert early["on_time"].is_null().all()  # nothing due yet: not judged
    assert [w for w, _ in data_quality.definitions("vi")] == ["Đủ", "Sống", "Sạch", "Đúng"]


# ------------------------------------------------------------------------------------------ pack cells


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_that_would_be_a_formula_is_kept_as_quoted_text(text: str) -> None:
    ws = Workbook().active
    cell = meeting_pack.put(ws, 1, 1, text)
    assert cell.value == text and cell.data_type == "s" and cell.quotePrefix


def test_number_formats_and_sheet_names() -> None:
    assert (
        meeting_pack.number_format("percent", 1) == "0.0%"
        and meeting_pack.cell_value("percent", 84.6) == 0.846
    )
    assert (
        meeting_pack.number_format("count", 0) == "#,##0" and meeting_pack.cell_value("count", 12.0) == 12.0
    )
    taken: set[str] = set()
    assert (
        meeting_pack.sheet_title("Kinh tế số: chỉ tiêu [2026]/tháng", taken)
        == "Kinh tế số  chỉ tiêu  2026  thá"
    )
    assert meeting_pack.sheet_title("Kinh tế số: chỉ tiêu [2026]/tháng", taken).endswith("(2)")


def test_a_lock_taken_between_the_check_and_the_write_still_gives_a_recorded_rejection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard inside the write refuses a period locked after ingest's own check passed (the check is
    made to miss the lock, as it would when the lock lands in between); the file is recorded as rejected."""
    import types

    from ioc import ingest
    from ioc.config import load_config

    config = load_config(Path(__file__).resolve().parents[1] / "targets.yaml")
    engine = store.get_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    store.migrate(engine)
    meeting_locks.lock_period(engine, "2025-08", CHAIR)
    blind = types.SimpleNamespace(lock_issues=lambda *a, **k: [], PeriodLockedError=PeriodLockedError)
    monkeypatch.setattr(ingest, "meeting_locks", blind)  # the early check misses the lock
    csv = tmp_path / "t.csv"
    csv.write_text("unit,period,indicator,value\n90001,2025-08,dossier_online_rate,70\n", encoding="utf-8")
    report = ingest.ingest_file(csv, config, engine, tmp_path / "data", who="inbox", source="long")
    assert report.status == "rejected" and report.submission_id is not None, report.issues
    assert "period-locked" in [i.code for i in report.issues]
    assert ledger.submission(engine, report.submission_id)["status"] == "rejected"
