"""The ledger schema, engine settings, migrations and write serialisation on real SQLite files."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import insert, inspect, select, text
from sqlalchemy.exc import IntegrityError

from ioc import store


@pytest.fixture
def engine(tmp_path: Path):
    eng = store.get_engine(f"sqlite:///{tmp_path / 'nested' / 'ioc.sqlite3'}")
    store.migrate(eng)
    yield eng
    eng.dispose()


def _file_row(sha: str = "a" * 64) -> dict:
    return {
        "sha256": sha,
        "size": 3,
        "original_name": "x.csv",
        "stored_path": "archive/x",
        "first_seen_at": store.utcnow(),
    }


def _submission_row(sha: str = "a" * 64, status: str = "accepted") -> dict:
    return {
        "sha256": sha,
        "file_name": "x.csv",
        "source": "long",
        "periods": "2025-08",
        "submitted_by": "tester",
        "submitted_at": store.utcnow(),
        "status": status,
    }


def test_get_engine_creates_the_folder_and_sets_sqlite_pragmas(tmp_path: Path) -> None:
    eng = store.get_engine(f"sqlite:///{tmp_path / 'a' / 'b' / 'db.sqlite3'}")
    with eng.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 60_000  # IOC_DB_LOCK_TIMEOUT default
    assert (tmp_path / "a" / "b").is_dir()
    eng.dispose()
    quick = store.get_engine(f"sqlite:///{tmp_path / 'q.sqlite3'}", lock_timeout=2.5, sqlite_wal=False)
    with quick.connect() as conn:
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 2500
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "delete"
    assert store.lock_timeout(quick) == 2.5
    quick.dispose()


def test_migrate_creates_every_table_and_records_the_revision(engine) -> None:
    names = set(inspect(engine).get_table_names())
    assert {"alembic_version", "files", "submissions", "observations", "audit", "wall_tokens"} <= names
    assert {"accounts", "sessions"} <= names
    with engine.connect() as conn:
        assert store.current_version(conn) == store.latest_version()
    obs_cols = {c["name"] for c in inspect(engine).get_columns("observations")}
    assert {"row_no", "col_letter", "value", "numerator", "denominator"} <= obs_cols
    indexes = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("observations")}
    assert indexes["ix_observations_key"] == ["indicator", "unit_code", "period"]


def test_migrate_twice_changes_nothing(engine) -> None:
    assert store.migrate(engine) == store.latest_version()
    with engine.connect() as conn:
        assert conn.execute(select(store.alembic_version)).all().__len__() == 1


def test_foreign_keys_and_status_check_are_enforced(engine) -> None:
    with pytest.raises(IntegrityError), store.write_transaction(engine) as conn:
        conn.execute(insert(store.submissions).values(**_submission_row(sha="b" * 64)))  # no such file
    with pytest.raises(IntegrityError), store.write_transaction(engine) as conn:
        conn.execute(insert(store.files).values(**_file_row()))
        conn.execute(insert(store.submissions).values(**_submission_row(status="maybe")))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM files")).scalar() == 0  # rolled back together


def test_write_transaction_rolls_back_on_error(engine) -> None:
    with pytest.raises(ValueError), store.write_transaction(engine) as conn:
        conn.execute(insert(store.files).values(**_file_row()))
        raise ValueError("boom")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM files")).scalar() == 0


def test_two_writers_queue_and_readers_are_not_blocked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    first, second = store.get_engine(url), store.get_engine(url)
    store.migrate(first)
    entered = threading.Event()
    order: list[str] = []

    def other_writer() -> None:
        with store.write_transaction(second) as conn:
            entered.set()
            order.append("second")
            conn.execute(insert(store.files).values(**_file_row(sha="c" * 64)))

    with store.write_transaction(first) as conn:
        conn.execute(insert(store.files).values(**_file_row()))
        worker = threading.Thread(target=other_writer)
        worker.start()
        # BEGIN IMMEDIATE: the second writer waits for the lock instead of starting alongside.
        assert not entered.wait(0.5)
        # a reader still gets in (WAL) and sees the last committed state
        with second.connect() as reader:
            assert reader.execute(text("SELECT count(*) FROM files")).scalar() == 0
        order.append("first")
    worker.join(10)
    assert entered.is_set()
    assert order == ["first", "second"]
    with first.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM files")).scalar() == 2
    first.dispose()
    second.dispose()


def test_revision_changes_with_every_audit_row(engine) -> None:
    assert store.revision(engine) == 0
    with store.write_transaction(engine) as conn:
        conn.execute(insert(store.audit).values(at=store.utcnow(), who="t", action="accept"))
    first = store.revision(engine)
    time.sleep(0.01)
    with store.write_transaction(engine) as conn:
        conn.execute(insert(store.audit).values(at=store.utcnow(), who="t", action="withdraw"))
    assert store.revision(engine) > first > 0
