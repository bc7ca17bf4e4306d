"""Ledger operations on a real SQLite file: archive, accept/supersede per key, withdraw, restore, rollback."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest
from helpers_ledger import obs
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from ioc import ledger, store
from ioc.issues import Issue, IssueError, Severity
from ioc.observations import STORED_SCHEMA


@pytest.fixture
def engine(tmp_path: Path):
    eng = store.get_engine(f"sqlite:///{tmp_path / 'ioc.sqlite3'}")
    store.migrate(eng)
    yield eng
    eng.dispose()


def submit(
    engine,
    data_dir: Path,
    frame: pl.DataFrame,
    *,
    name: str,
    department: str | None = "so_a",
    export_id: str | None = None,
) -> int:
    """Archive some bytes and accept `frame` as their submission (what ingest does after validation)."""
    sha, path = ledger.archive_bytes(name.encode() + frame.write_csv().encode(), data_dir, name)
    with store.write_transaction(engine) as conn:
        ledger.record_file(conn, sha, path.stat().st_size, name, path.relative_to(data_dir).as_posix())
        new_id, _ = ledger.accept(
            conn,
            values={
                "sha256": sha,
                "file_name": name,
                "source": "long",
                "export_id": export_id,
                "department": department,
                "periods": ",".join(sorted(frame["period"].unique())),
                "submitted_by": "tester",
                "n_observations": frame.height,
            },
            obs=frame,
            who="tester",
        )
    return new_id


def values(engine) -> dict[tuple[str, str, str], float]:
    cur = ledger.current_observations(engine)
    return {(r["indicator"], r["unit_code"], r["period"]): r["value"] for r in cur.iter_rows(named=True)}


def statuses(engine) -> dict[int, str]:
    df = ledger.submissions(engine)
    return dict(zip(df["id"].to_list(), df["status"].to_list(), strict=True))


# ------------------------------------------------------------------------------------------- archive


def test_archive_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    data = "đơn vị,kỳ\n90001,2025-08\n".encode()
    sha, path = ledger.archive_bytes(data, tmp_path, "Báo cáo tháng 8.CSV")
    assert sha == hashlib.sha256(data).hexdigest()
    assert path == tmp_path / "archive" / sha[:2] / f"{sha}.csv"
    assert path.read_bytes() == data
    again_sha, again = ledger.archive_bytes(data, tmp_path, "other name.csv")
    assert (again_sha, again) == (sha, path)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


def test_archive_never_takes_a_path_from_the_file_name(tmp_path: Path) -> None:
    _, path = ledger.archive_bytes(b"x", tmp_path, "../../etc/passwd;rm -rf")
    assert path.parent.parent == tmp_path / "archive"
    assert path.suffix == ".bin"


# ------------------------------------------------------------------------------- accept / supersede


def test_resubmission_supersedes_per_key_and_history_keeps_both(engine, tmp_path: Path) -> None:
    first = submit(
        engine,
        tmp_path,
        obs([("online_rate", "90001", "2025-08", 50.0), ("online_rate", "90002", "2025-08", 60.0)]),
        name="aug.xlsx",
    )
    second = submit(
        engine,
        tmp_path,
        obs([("online_rate", "90001", "2025-08", 55.0), ("online_rate", "90002", "2025-08", 65.0)]),
        name="aug-fixed.xlsx",
    )
    assert values(engine) == {
        ("online_rate", "90001", "2025-08"): 55.0,
        ("online_rate", "90002", "2025-08"): 65.0,
    }
    assert statuses(engine) == {first: "superseded", second: "accepted"}
    hist = ledger.submissions(engine)
    assert hist.filter(pl.col("id") == second)["supersedes"].item() == str(first)
    # the superseded observations are still stored
    assert ledger.submission_observations(engine, first)["value"].to_list() == [50.0, 60.0]


def test_a_partial_resubmission_keeps_the_older_submission_current_for_the_other_keys(
    engine, tmp_path
) -> None:
    first = submit(
        engine,
        tmp_path,
        obs([("online_rate", "90001", "2025-08", 50.0), ("online_rate", "90002", "2025-08", 60.0)]),
        name="aug.xlsx",
    )
    second = submit(engine, tmp_path, obs([("online_rate", "90002", "2025-08", 61.0)]), name="fix.xlsx")
    assert values(engine) == {
        ("online_rate", "90001", "2025-08"): 50.0,
        ("online_rate", "90002", "2025-08"): 61.0,
    }
    assert statuses(engine) == {first: "accepted", second: "accepted"}
    # the last missing key arrives: now every key of the first submission is shadowed
    third = submit(engine, tmp_path, obs([("online_rate", "90001", "2025-08", 52.0)]), name="fix2.xlsx")
    assert statuses(engine) == {first: "superseded", second: "accepted", third: "accepted"}


def test_current_observations_schema_filter_and_provenance(engine, tmp_path: Path) -> None:
    sid = submit(
        engine,
        tmp_path,
        obs(
            [
                ("online_rate", "90001", "2025-08", 84.63, 8463.0, 10000.0),
                ("wifi_points", "90001", "2025-Q3", 4.0),
            ],
            file="Sở A.xlsx",
        ),
        name="a.xlsx",
    )
    cur = ledger.current_observations(engine, indicators=["online_rate"])
    assert cur.schema == pl.Schema(STORED_SCHEMA)
    row = cur.row(0, named=True)
    assert row["value"] == 84.63 and row["numerator"] == 8463.0 and row["denominator"] == 10000.0
    assert (row["source_file"], row["sheet"], row["row"], row["column"]) == ("Sở A.xlsx", "Data", 2, "C")
    assert row["submission_id"] == sid and row["accepted_at"] is not None
    assert cur.height == 1
    assert ledger.current_observations(engine, indicators=[]).height == 0
    assert ledger.current_observations(engine, periods=["2025-Q3", "2025-Q2"])["indicator"].to_list() == [
        "wifi_points"
    ]
    assert ledger.current_observations(engine).height == 2


def test_current_observations_on_an_empty_ledger_has_the_schema(engine) -> None:
    cur = ledger.current_observations(engine)
    assert cur.height == 0 and cur.schema == pl.Schema(STORED_SCHEMA)


# ------------------------------------------------------------------------------ withdraw / restore


def test_withdraw_removes_values_and_restore_brings_them_back_as_a_copy(engine, tmp_path: Path) -> None:
    first = submit(engine, tmp_path, obs([("online_rate", "90001", "2025-08", 50.0)]), name="a.xlsx")
    second = submit(engine, tmp_path, obs([("online_rate", "90001", "2025-08", 70.0)]), name="b.xlsx")
    rev = store.revision(engine)

    ledger.withdraw(engine, second, "admin", note="wrong month")
    assert values(engine) == {}  # the first was superseded: withdrawing the second leaves no value
    assert statuses(engine)[second] == "withdrawn"
    assert store.revision(engine) > rev

    copy = ledger.restore(engine, first, "admin")
    assert values(engine) == {("online_rate", "90001", "2025-08"): 50.0}
    hist = ledger.submissions(engine)
    row = hist.filter(pl.col("id") == copy).row(0, named=True)
    assert row["restored_from"] == first and row["status"] == "accepted" and row["submitted_by"] == "admin"
    assert statuses(engine) == {first: "superseded", second: "withdrawn", copy: "accepted"}
    log = ledger.audit_log(engine)
    assert log["action"].to_list()[:2] == ["restore", "withdraw"]
    # nothing was deleted: three submissions, 1 + 1 + 1 stored observations
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM observations")).scalar() == 3


def test_restoring_an_older_version_supersedes_the_newer_one(engine, tmp_path: Path) -> None:
    first = submit(engine, tmp_path, obs([("online_rate", "90001", "2025-08", 50.0)]), name="a.xlsx")
    second = submit(engine, tmp_path, obs([("online_rate", "90001", "2025-08", 70.0)]), name="b.xlsx")
    copy = ledger.restore(engine, first, "admin")
    assert values(engine) == {("online_rate", "90001", "2025-08"): 50.0}
    assert statuses(engine) == {first: "superseded", second: "superseded", copy: "accepted"}


@pytest.mark.parametrize(
    ("action", "code"),
    [
        ("withdraw_twice", "cannot-withdraw"),
        ("restore_accepted", "cannot-restore"),
        ("missing", "submission-not-found"),
    ],
)
def test_withdraw_and_restore_refuse_what_they_cannot_do(
    engine, tmp_path: Path, action: str, code: str
) -> None:
    sid = submit(engine, tmp_path, obs([("online_rate", "90001", "2025-08", 50.0)]), name="a.xlsx")
    with pytest.raises(IssueError) as err:
        if action == "withdraw_twice":
            ledger.withdraw(engine, sid, "admin")
            ledger.withdraw(engine, sid, "admin")
        elif action == "restore_accepted":
            ledger.restore(engine, sid, "admin")
        else:
            ledger.withdraw(engine, 999, "admin")
    assert [i.code for i in err.value.issues] == [code]
    assert err.value.issues[0].message_vi


# ------------------------------------------------------------------------------------- atomicity


def test_a_failure_in_the_middle_of_the_observations_leaves_nothing(engine, tmp_path: Path) -> None:
    n = 12_000  # more than two insert chunks go in before the bad row
    frame = obs([("online_rate", "90001", f"{2000 + i // 12}-{i % 12 + 1:02d}", 1.0) for i in range(n)])
    frame = frame.with_columns(
        value=pl.when(pl.int_range(pl.len()) == 11_000).then(None).otherwise(pl.col("value"))
    )  # NOT NULL violation on row 11,001
    sha, path = ledger.archive_bytes(b"big", tmp_path, "big.csv")
    with pytest.raises(IntegrityError), store.write_transaction(engine) as conn:
        ledger.record_file(conn, sha, 3, "big.csv", "archive/x")
        ledger.accept(
            conn,
            values={"sha256": sha, "file_name": "big.csv", "source": "long", "submitted_by": "t"},
            obs=frame,
            who="t",
        )
    with engine.connect() as conn:
        for table in ("files", "submissions", "observations", "audit"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
    assert path.exists()  # the archived bytes stay: nothing a department sent is lost


# -------------------------------------------------------------------------------- reading helpers


def test_issues_round_trip_through_the_ledger(engine, tmp_path: Path) -> None:
    issues = [
        Issue(
            code="value-jump",
            message="moved",
            message_vi="Giá trị thay đổi lớn",
            severity=Severity.WARNING,
            sheet="Dữ liệu",
            row=12,
            column="D",
            value="84,6",
            extra={"first_row": 3, "obj": object()},
        )
    ]
    sha, _ = ledger.archive_bytes(b"x", tmp_path, "x.xlsx")
    with store.write_transaction(engine) as conn:
        ledger.record_file(conn, sha, 1, "x.xlsx", "archive/x")
        sid = ledger.reject(
            conn,
            values={
                "sha256": sha,
                "file_name": "x.xlsx",
                "source": "workbook",
                "submitted_by": "t",
                "issues_json": ledger.issues_to_json(issues),
                "n_errors": 0,
            },
            who="t",
        )
    back = ledger.submission_issues(engine, sid)
    assert back == issues  # `extra` is not compared; check it separately
    assert back[0].extra == {"first_row": 3} and back[0].severity == Severity.WARNING


def test_submissions_filter_and_last_submission_per_department(engine, tmp_path: Path) -> None:
    a1 = submit(
        engine, tmp_path, obs([("online_rate", "90001", "2025-07", 50.0)]), name="a1.xlsx", department="so_a"
    )
    b1 = submit(
        engine, tmp_path, obs([("wifi_points", "90001", "2025-Q3", 3.0)]), name="b1.xlsx", department="so_b"
    )
    a2 = submit(
        engine, tmp_path, obs([("online_rate", "90001", "2025-08", 51.0)]), name="a2.xlsx", department="so_a"
    )
    assert ledger.submissions(engine, department="so_a")["id"].to_list() == [a2, a1]
    assert ledger.submissions(engine, limit=1)["id"].to_list() == [a2]
    last = ledger.last_submission_per_department(engine)
    assert last.select("department", "submission_id", "periods").rows() == [
        ("so_a", a2, "2025-08"),
        ("so_b", b1, "2025-Q3"),
    ]
    assert last["last_accepted_at"].null_count() == 0


def test_duplicate_lookup_sees_only_accepted_submissions(engine, tmp_path: Path) -> None:
    sid = submit(engine, tmp_path, obs([("online_rate", "90001", "2025-08", 50.0)]), name="a.xlsx")
    with engine.connect() as conn:
        sha = conn.execute(
            select(store.submissions.c.sha256).where(store.submissions.c.id == sid)
        ).scalar_one()
        assert ledger.accepted_duplicate(conn, sha) == sid
    ledger.withdraw(engine, sid, "admin")
    with engine.connect() as conn:
        assert ledger.accepted_duplicate(conn, sha) is None
        assert conn.execute(select(func.count()).select_from(store.submissions)).scalar() == 1


def test_an_export_file_replaces_its_months_as_a_whole_for_its_department_only(
    engine, tmp_path: Path
) -> None:
    rows = [("online_rate", "90001", "2025-08", 70.0), ("online_rate", "90002", "2025-08", 60.0)]
    old = submit(
        engine, tmp_path, obs([*rows, ("online_rate", "90001", "2025-07", 50.0)]), name="a", export_id="x"
    )
    other = submit(
        engine,
        tmp_path,
        obs([("online_rate", "90003", "2025-08", 40.0)]),
        name="b",
        department="so_b",
        export_id="x",
    )
    new = submit(engine, tmp_path, obs([("online_rate", "90001", "2025-08", 75.0)]), name="c", export_id="x")
    assert values(engine) == {
        (
            "online_rate",
            "90001",
            "2025-07",
        ): 50.0,  # July: only the old file covers it
        ("online_rate", "90001", "2025-08"): 75.0,
        ("online_rate", "90003", "2025-08"): 40.0,  # another department's file of the same export
    }
    assert statuses(engine) == {old: "accepted", other: "accepted", new: "accepted"}
    later = submit(
        engine, tmp_path, obs([("online_rate", "90002", "2025-07", 55.0)]), name="d", export_id="x"
    )
    # every month of the first file is now covered by later ones: it is superseded, and stays restorable
    assert statuses(engine)[old] == "superseded"
    assert values(engine)[("online_rate", "90002", "2025-07")] == 55.0
    assert ("online_rate", "90001", "2025-07") not in values(engine)
    copy = ledger.restore(engine, old, "admin")
    assert statuses(engine)[new] == "superseded" and statuses(engine)[later] == "superseded"
    assert values(engine)[("online_rate", "90002", "2025-08")] == 60.0 and copy > later


def test_export_months_lists_the_accepted_files_per_month(engine, tmp_path: Path) -> None:
    old = submit(
        engine,
        tmp_path,
        obs([("online_rate", "90001", "2025-08", 70.0), ("online_rate", "90001", "2025-09", 1.0)]),
        name="a",
        export_id="x",
    )
    submit(
        engine,
        tmp_path,
        obs([("online_rate", "90001", "2025-08", 70.0)]),
        name="b",
        department=None,
        export_id="x",
    )
    with engine.connect() as conn:
        months = ledger.export_months(conn, "x", "so_a")
        no_dept = ledger.export_months(conn, "x", None)
    assert months.select("submission_id", "period").rows() == [(old, "2025-08"), (old, "2025-09")]
    assert no_dept.height == 1
