"""A locked period refuses new data through every channel — the command line, the inbox and the upload
page's function — in the core; unlocking lets the same file through; the history keeps both."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_ledger import COMMUNES, long_csv, write_province

from ioc import accounts, ledger, meeting_locks, store
from ioc.config import load_config
from ioc.ingest import ingest_bytes

ROOT = Path(__file__).resolve().parents[1]


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


@pytest.fixture
def people(env: dict[str, str]) -> None:
    """Accounts in the ledger's database: two administrators, a department account and a viewer."""
    engine = store.get_engine(env["IOC_DATABASE_URL"])
    store.migrate(engine)
    for username, name, role, dept in (
        ("chutri", "Trần Thị B", "administrator", None),
        ("quantri", "Lê Văn C", "administrator", None),
        ("nv_a", "Nguyễn Văn A", "department", "so_a"),
        ("lanhdao", "Lãnh đạo", "viewer", None),
    ):
        accounts.create_account(
            engine,
            username,
            role=role,
            department=dept,
            display_name=name,
            email=f"{username}@tinh.gov.vn",
            password=None,  # signs in through the province's OIDC only: no password hashing in a test
            created_by="t",
        )
    engine.dispose()


def ioc(env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ioc", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def csv_bytes(values: list[str], period: str = "2025-08") -> bytes:
    return long_csv([(c, period, "online_rate", v) for c, v in zip(COMMUNES, values, strict=False)]).encode()


def test_a_locked_period_refuses_cli_inbox_and_page_and_unlock_lets_through(
    env, people, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    cli_file = tmp_path / "so_a-08.csv"
    cli_file.write_bytes(csv_bytes(["70", "71", "72"]))
    (inbox / "so_a-08-inbox.csv").write_bytes(csv_bytes(["60", "61", "62"]))

    lock = ioc(env, "lock", "--period", "2025-08", "--user", "chutri")
    assert lock.returncode == 0, lock.stderr
    assert ioc(env, "lock", "--period", "2025-08", "--user", "chutri").returncode == 1  # already locked

    # command line: refused with the Vietnamese message, recorded as a rejected submission
    run = ioc(env, "ingest", cli_file, "--who", "so_a", "--lang", "vi")
    assert run.returncode == 1
    assert "error[period-locked]" in run.stdout
    assert (
        "Kỳ 08/2025 đã khoá lúc" in run.stdout
        and "bởi Trần Thị B (chutri); liên hệ quản trị để mở khoá" in run.stdout
    )

    # inbox: the file goes to rejected/ with its report
    run = ioc(env, "ingest", "--inbox", inbox, "--who", "inbox")
    assert run.returncode == 1
    report = (inbox / "rejected" / "so_a-08-inbox.csv.errors.txt").read_text(encoding="utf-8")
    assert "period-locked" in report and "liên hệ quản trị để mở khoá" in report

    # the upload page's path (ingest_bytes), in process: the check step and the commit both refuse
    config = load_config(Path(env["IOC_TARGETS"]))
    engine = store.get_engine(env["IOC_DATABASE_URL"])
    data = csv_bytes(["80", "81", "82"])
    kwargs = {"who": "so_a", "department": "so_a"}
    check = ingest_bytes(data, "page.csv", config, engine, Path(env["IOC_DATA_DIR"]), dry_run=True, **kwargs)
    assert check.status == "rejected" and [i.code for i in check.errors] == ["period-locked"]
    assert check.errors[0].text("vi").startswith("Kỳ 08/2025 đã khoá lúc ")
    page = ingest_bytes(data, "page.csv", config, engine, Path(env["IOC_DATA_DIR"]), **kwargs)
    assert page.status == "rejected" and page.submission_id is not None
    assert ledger.current_observations(engine).is_empty()  # nothing from any channel counts

    unlock = ioc(env, "unlock", "--period", "2025-08", "--user", "quantri")
    assert unlock.returncode == 0, unlock.stderr
    run = ioc(env, "ingest", cli_file, "--who", "so_a")
    assert run.returncode == 0, run.stdout
    again = ingest_bytes(data, "page.csv", config, engine, Path(env["IOC_DATA_DIR"]), **kwargs)
    assert again.status == "accepted"

    # both the refusals and the acceptances are in the submission history; the lock and unlock in theirs
    subs = ledger.submissions(engine)
    assert subs["status"].to_list().count("rejected") == 3 and subs["status"].to_list().count("accepted") >= 1
    history = ioc(env, "history")
    assert history.stdout.count("rejected") == 3 and "accepted" in history.stdout
    locks = ioc(env, "locks")
    assert "lock" in locks.stdout and "unlock" in locks.stdout and "Lê Văn C" in locks.stdout
    assert [r["action"] for r in meeting_locks.lock_history(engine).iter_rows(named=True)] == [
        "unlock",
        "lock",
    ]
    engine.dispose()


def test_withdraw_is_refused_from_the_command_line_while_locked(env, people, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(["70", "71"]))
    assert ioc(env, "ingest", path, "--who", "so_a").returncode == 0
    assert ioc(env, "lock", "--period", "2025-08", "--user", "chutri").returncode == 0
    run = ioc(env, "withdraw", "1", "--who", "so_a")
    assert run.returncode == 1 and "period-locked" in run.stderr
    assert ioc(env, "unlock", "--period", "2025-08", "--user", "chutri").returncode == 0
    assert ioc(env, "withdraw", "1", "--who", "so_a").returncode == 0


def test_only_an_administrator_account_locks_or_unlocks_from_the_command_line(env, people) -> None:
    """Without --user, as a department account or as a viewer, `lock` and `unlock` are refused with the
    reason in the language asked for, and nothing is recorded; an administrator's lock goes through."""
    engine = store.get_engine(env["IOC_DATABASE_URL"])
    nobody = ioc(env, "lock", "--period", "2025-08", "--lang", "vi")
    assert nobody.returncode == 1 and "admin-required" in nobody.stderr
    assert "cần tài khoản quản trị viên" in nobody.stderr and "--user" in nobody.stderr
    for user in ("nv_a", "lanhdao"):
        run = ioc(env, "lock", "--period", "2025-08", "--user", user)
        assert run.returncode == 1 and "admin-only" in run.stderr, run.stdout + run.stderr
        assert f"The account '{user}' is not an administrator" in run.stderr
    assert meeting_locks.lock_history(engine).is_empty()

    lock = ioc(env, "lock", "--period", "2025-08", "--user", "chutri", "--lang", "vi")
    assert lock.returncode == 0, lock.stderr
    for user in ("nv_a", "lanhdao", None):
        run = ioc(env, "unlock", "--period", "2025-08", *(("--user", user) if user else ()), "--lang", "vi")
        assert run.returncode == 1 and "quản trị viên" in run.stderr, run.stdout + run.stderr
    assert meeting_locks.lock_of(engine, "2025-08") is not None  # still locked
    assert meeting_locks.lock_history(engine)["who"].to_list() == ["Trần Thị B (chutri)"]
    engine.dispose()


def test_lock_and_locks_print_the_provinces_local_time(env, people) -> None:
    """`lock` and `locks` show when in Asia/Ho_Chi_Minh time, as `history` does — never UTC."""
    from ioc.views import format_local_time

    run = ioc(env, "lock", "--period", "2025-08", "--user", "chutri", "--lang", "vi")
    assert run.returncode == 0, run.stderr
    engine = store.get_engine(env["IOC_DATABASE_URL"])
    at = meeting_locks.lock_history(engine)["at"][0]
    engine.dispose()
    local = format_local_time(at, "vi", "Asia/Ho_Chi_Minh")
    assert local in run.stdout and "Asia/Ho_Chi_Minh" in run.stdout and "UTC" not in run.stdout
    listed = ioc(env, "locks", "--lang", "vi")
    assert local in listed.stdout and "Asia/Ho_Chi_Minh" in listed.stdout and "UTC" not in listed.stdout
    assert "Trần Thị B (chutri)" in listed.stdout
