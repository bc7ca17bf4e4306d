"""Writers wait their turn, readers never wait, and a writer that waits too long says so — on a real SQLite
file, with real processes (`python -m ioc`) and a real lock held by another connection."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers_ledger import COMMUNES, long_csv, make_config, write_province
from sqlalchemy import text

from ioc import ledger, store
from ioc.ingest import ingest_bytes

ROOT = Path(__file__).resolve().parents[1]


def months(n: int, start_year: int = 2020) -> list[str]:
    return [f"{start_year + i // 12}-{i % 12 + 1:02d}" for i in range(n)]


def big_csv(offset: float, periods: list[str]) -> str:
    """A long export with one value per commune and month (a few thousand observations to insert)."""
    rows = [
        (c, p, "online_rate", f"{50 + offset + (i % 7):g}") for p in periods for i, c in enumerate(COMMUNES)
    ]
    return long_csv(rows)


def hold_write_lock(db: Path, seconds: float, *, until: threading.Event | None = None) -> threading.Thread:
    """Another writer: takes SQLite's write lock now and keeps it for `seconds` (or until `until` is set)."""
    conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO audit (at, who, action) VALUES ('2025-01-01', 'other', 'hold')")

    def release() -> None:
        if until is not None:
            until.wait(seconds)
        else:
            time.sleep(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    worker = threading.Thread(target=release)
    worker.start()
    return worker


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    targets = write_province(tmp_path / "province")
    out = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    out.update(
        {
            "IOC_TARGETS": str(targets),
            "IOC_DATA_DIR": str(tmp_path / "data"),
            "IOC_DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'ioc.sqlite3'}",
            "PYTHONIOENCODING": "utf-8",
        }
    )
    return out


def test_four_concurrent_cli_ingests_all_succeed_while_another_writer_holds_the_lock(
    env, tmp_path: Path
) -> None:
    db = tmp_path / "data" / "ioc.sqlite3"
    store.migrate(store.get_engine(env["IOC_DATABASE_URL"]))
    files = []
    for k in range(4):
        path = tmp_path / "in" / f"export{k}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(big_csv(k, months(24, 2020 + 2 * k)), encoding="utf-8")
        files.append(path)
    release = threading.Event()
    holder = hold_write_lock(db, 60.0, until=release)
    # a reader is not held up by a writer: history answers while the lock is held
    history = subprocess.run(
        [sys.executable, "-m", "ioc", "history"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert history.returncode == 0, history.stdout + history.stderr
    assert holder.is_alive() and "no submissions yet" in history.stdout
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "ioc", "ingest", str(f), "--who", f"w{k}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for k, f in enumerate(files)
    ]
    # keep the lock for 7 s (longer than the 5 s SQLite used to wait) once all four are queued for it:
    # their files are staged, read and validated, and they wait for the lock to record them
    incoming = tmp_path / "data" / "archive" / ".incoming"
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and len(list(incoming.glob(".incoming-*"))) < 4:
        time.sleep(0.2)
    time.sleep(7.0)
    assert all(p.poll() is None for p in procs), "the writers should have been waiting for the lock"
    release.set()
    outs = [p.communicate(timeout=180) for p in procs]
    holder.join()
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, out + err
        assert "accepted" in out and "Traceback" not in err and "database is locked" not in out + err
    engine = store.get_engine(env["IOC_DATABASE_URL"])
    subs = ledger.submissions(engine)
    assert sorted(subs["status"].to_list()) == ["accepted"] * 4
    assert ledger.current_observations(engine).height == 4 * 24 * len(COMMUNES)
    engine.dispose()


def test_a_web_ingest_waits_for_a_writer_that_holds_the_lock_a_few_seconds(tmp_path: Path) -> None:
    config = make_config(tmp_path / "province")
    engine = store.get_engine(f"sqlite:///{tmp_path / 'ioc.sqlite3'}")
    store.migrate(engine)
    holder = hold_write_lock(tmp_path / "ioc.sqlite3", 3.0)
    report = ingest_bytes(
        big_csv(0, months(3)).encode(), "t.csv", config, engine, tmp_path / "data", who="so_a"
    )
    holder.join()
    assert report.status == "accepted", [str(i) for i in report.issues]
    assert report.seconds >= 2.0  # it waited its turn
    engine.dispose()


def test_a_web_ingest_that_cannot_get_the_lock_fails_cleanly_and_archives_nothing(tmp_path: Path) -> None:
    config = make_config(tmp_path / "province")
    engine = store.get_engine(f"sqlite:///{tmp_path / 'ioc.sqlite3'}", lock_timeout=1.0)
    store.migrate(engine)
    data_dir = tmp_path / "data"
    holder = hold_write_lock(tmp_path / "ioc.sqlite3", 4.0)
    data = big_csv(0, months(3)).encode()
    report = ingest_bytes(data, "t.csv", config, engine, data_dir, who="so_a")
    assert report.status == "busy" and report.submission_id is None
    assert [i.code for i in report.issues] == ["ledger-busy"]
    assert "thử lại" in (report.issues[0].message_vi or "") and "Try again" in report.issues[0].message
    # no orphan: nothing archived, nothing staged, no row
    assert [p for p in (data_dir / "archive").rglob("*") if p.is_file()] == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM files")).scalar_one() == 0
    # a rejection that cannot be recorded is just as clean (the Upload page's check step records those)
    bad = long_csv([("90001", "2025-08", "online_rate", "170")]).encode()
    rejected = ingest_bytes(
        bad, "bad.csv", config, engine, data_dir, who="so_a", dry_run=True, record_rejected=True
    )
    assert rejected.status == "busy"
    assert [p for p in (data_dir / "archive").rglob("*") if p.is_file()] == []
    holder.join()
    again = ingest_bytes(data, "t.csv", config, engine, data_dir, who="so_a")  # once free, it goes through
    assert again.status == "accepted"
    engine.dispose()


def test_migrate_on_a_current_schema_takes_no_write_lock(tmp_path: Path) -> None:
    engine = store.get_engine(f"sqlite:///{tmp_path / 'ioc.sqlite3'}", lock_timeout=0.5)
    store.migrate(engine)
    holder = hold_write_lock(tmp_path / "ioc.sqlite3", 2.0)
    t0 = time.monotonic()
    assert store.migrate(engine) == store.latest_version()  # a read; no BEGIN IMMEDIATE
    assert time.monotonic() - t0 < 0.5
    with pytest.raises(store.LedgerBusyError) as busy, store.write_transaction(engine):
        pass
    assert busy.value.issues[0].code == "ledger-busy"
    holder.join()
    engine.dispose()


def test_a_cli_ingest_killed_mid_way_leaves_no_orphan_and_the_next_run_clears_its_staged_copy(
    env, tmp_path: Path
) -> None:
    path = tmp_path / "in" / "big.csv"
    path.parent.mkdir(parents=True)
    path.write_text(big_csv(0, months(120)), encoding="utf-8")
    engine = store.get_engine(env["IOC_DATABASE_URL"])
    store.migrate(engine)
    incoming = tmp_path / "data" / "archive" / ".incoming"
    proc = subprocess.Popen(
        [sys.executable, "-m", "ioc", "ingest", str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(incoming.glob(".incoming-*")):
        time.sleep(0.02)
    proc.kill()  # SIGKILL: no cleanup runs
    proc.wait(30)
    archive = tmp_path / "data" / "archive"
    assert [p for p in archive.glob("??/*")] == []  # nothing archived without its row
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM submissions")).scalar_one() == 0
    again = subprocess.run(
        [sys.executable, "-m", "ioc", "ingest", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert list(incoming.glob(".incoming-*")) == []  # the killed run's staged copy is gone
    assert len([p for p in archive.glob("??/*") if p.is_file()]) == 1
    engine.dispose()
