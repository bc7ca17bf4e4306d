"""Accounts core on a real SQLite file: argon2 hashes, throttling, sessions that expire, role rules,
OpenID Connect mapping by e-mail; and the `python -m ioc user` commands (passwords never on the line)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from ioc import accounts, store
from ioc.accounts import User

ROOT = Path(__file__).resolve().parents[1]
PW = "mot-mat-khau-du-dai"
T0 = dt.datetime(2026, 12, 1, 8, 0)


@pytest.fixture
def engine(tmp_path: Path):
    eng = store.get_engine(f"sqlite:///{tmp_path / 'ioc.sqlite3'}")
    store.migrate(eng)
    yield eng
    eng.dispose()


def _add(engine, name="nv_a", role="department", department="so_a", **kw):
    return accounts.create_account(
        engine, name, role=role, department=department, password=kw.pop("password", PW), created_by="t", **kw
    )


def test_passwords_are_argon2id_hashes_never_the_text(engine) -> None:
    _add(engine, display_name="Nguyễn Văn A")
    with engine.connect() as conn:
        stored = conn.execute(select(store.accounts.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PW not in stored
    assert accounts.verify_password(stored, PW) and not accounts.verify_password(stored, PW + "x")
    assert not accounts.verify_password(None, PW) and not accounts.verify_password("garbage", PW)


def test_account_rules(engine) -> None:
    for kw, code in [
        ({"role": "department", "department": None}, "department-required"),
        ({"role": "viewer", "department": "so_a"}, "department-not-allowed"),
        ({"role": "boss", "department": None}, "unknown-role"),
        ({"password": "short"}, "weak-password"),
        ({"password": "xx-nv_a-password"}, "weak-password"),
        ({"password": None}, "no-credentials"),
    ]:
        with pytest.raises(accounts.AccountError) as err:
            _add(engine, **kw)
        assert err.value.issues[0].code == code
    with pytest.raises(accounts.AccountError) as err:
        _add(engine, department="so_x", departments={"so_a", "so_b"})
    assert err.value.issues[0].code == "unknown-department"
    with pytest.raises(accounts.AccountError):
        _add(engine, name="Bad Name!")
    _add(engine)
    with pytest.raises(accounts.AccountError) as err:
        _add(engine)
    assert err.value.issues[0].code == "account-exists"


def test_sign_in_opens_a_session_that_idles_out_and_ends_at_its_limit(engine) -> None:
    _add(engine, display_name="Nguyễn Văn A")
    ok = accounts.authenticate(engine, "NV_A ", PW, now=T0, lifetime=dt.timedelta(hours=2))
    assert ok.user == User("nv_a", "Nguyễn Văn A", "department", "so_a")
    idle = dt.timedelta(minutes=30)
    assert accounts.session_user(engine, ok.token, now=T0 + dt.timedelta(minutes=20), idle=idle) == ok.user
    # kept alive by use, until the absolute limit
    assert accounts.session_user(engine, ok.token, now=T0 + dt.timedelta(minutes=45), idle=idle) == ok.user
    assert accounts.session_user(engine, ok.token, now=T0 + dt.timedelta(minutes=70), idle=idle) == ok.user
    assert accounts.session_user(engine, ok.token, now=T0 + dt.timedelta(minutes=121), idle=idle) is None
    other = accounts.authenticate(engine, "nv_a", PW, now=T0)
    assert accounts.session_user(engine, other.token, now=T0 + dt.timedelta(minutes=31), idle=idle) is None
    third = accounts.authenticate(engine, "nv_a", PW, now=T0)
    accounts.end_session(engine, third.token)
    assert accounts.session_user(engine, third.token, now=T0) is None
    assert accounts.session_user(engine, "not-a-token", now=T0) is None


def test_repeated_failures_lock_the_account_for_longer_each_time(engine) -> None:
    _add(engine)
    for _ in range(accounts.MAX_FAILURES - 1):
        out = accounts.authenticate(engine, "nv_a", "wrong-password", now=T0)
        assert out.issue.code == "bad-credentials"
    locked = accounts.authenticate(engine, "nv_a", "wrong-password", now=T0)
    assert locked.issue.code == "sign-in-throttled" and locked.wait_seconds == accounts.FIRST_LOCK_SECONDS
    # while locked even the right password is refused (guessing gains nothing)
    assert accounts.authenticate(engine, "nv_a", PW, now=T0 + dt.timedelta(seconds=30)).user is None
    later = T0 + dt.timedelta(seconds=61)
    again = accounts.authenticate(engine, "nv_a", "wrong-password", now=later)
    assert again.wait_seconds == 2 * accounts.FIRST_LOCK_SECONDS
    assert accounts.lock_seconds(40) == accounts.MAX_LOCK_SECONDS
    ok = accounts.authenticate(engine, "nv_a", PW, now=later + dt.timedelta(seconds=121))
    assert ok.user is not None and accounts.get_account(engine, "nv_a").failed_logins == 0
    # an unknown user name says the same words as a wrong password
    assert accounts.authenticate(engine, "ai_do", PW).issue.code == "bad-credentials"


def test_disabling_resetting_or_changing_the_role_ends_the_sessions(engine) -> None:
    _add(engine)
    for change in (
        lambda: accounts.set_active(engine, "nv_a", False),
        lambda: accounts.reset_password(engine, "nv_a", "mat-khau-moi-2026"),
        lambda: accounts.set_role(engine, "nv_a", "viewer"),
    ):
        accounts.set_active(engine, "nv_a", True)
        password = PW if accounts.get_account(engine, "nv_a").role == "department" else "mat-khau-moi-2026"
        signed = accounts.authenticate(engine, "nv_a", password)
        if signed.user is None:
            signed = accounts.authenticate(engine, "nv_a", "mat-khau-moi-2026")
        assert accounts.session_user(engine, signed.token) is not None
        change()
        assert accounts.session_user(engine, signed.token) is None
    assert accounts.get_account(engine, "nv_a").role == "viewer"
    accounts.set_active(engine, "nv_a", False)
    assert accounts.authenticate(engine, "nv_a", "mat-khau-moi-2026").user is None


def test_openid_connect_identities_map_to_accounts_by_email(engine) -> None:
    accounts.create_account(
        engine, "lanhdao", role="viewer", email="LanhDao@Tinh.gov.vn", password=None, created_by="t"
    )
    assert accounts.user_by_email(engine, "lanhdao@tinh.gov.vn").role == "viewer"
    assert accounts.user_by_email(engine, "ai.do@tinh.gov.vn") is None
    assert accounts.authenticate(engine, "lanhdao", "").user is None  # no password: OIDC only
    accounts.set_active(engine, "lanhdao", False)
    assert accounts.user_by_email(engine, "lanhdao@tinh.gov.vn") is None


def test_role_rules_for_writing() -> None:
    dep = User("a", "A", "department", "so_a")
    assert dep.can_write("so_a") and not dep.can_write("so_b") and not dep.can_write(None)
    assert accounts.write_refusal(dep, "so_a") == []
    assert accounts.write_refusal(dep, "so_a", export=True)[0].code == "admin-only"
    assert accounts.write_refusal(User("v", "V", "viewer"), "so_a")[0].code == "not-allowed"
    assert accounts.write_refusal(User("q", "Q", "administrator"), "so_b", export=True) == []
    assert accounts.write_refusal(None, "so_b", export=True) == []  # the trusted system path


def _cli(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    env.update(
        IOC_DATA_DIR=str(tmp_path / "data"),
        IOC_DATABASE_URL=f"sqlite:///{tmp_path / 'ioc.sqlite3'}",
        PYTHONIOENCODING="utf-8",
    )
    return subprocess.run(
        [sys.executable, "-m", "ioc", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_user_commands_create_the_first_administrator_and_manage_accounts(tmp_path: Path, engine) -> None:
    empty = _cli(tmp_path, "user", "list")
    assert empty.returncode == 0 and "create the first administrator" in empty.stdout
    # no terminal and no --password-stdin: refused, never a default password
    assert _cli(tmp_path, "user", "add", "quantri", "--role", "administrator", stdin="").returncode == 1
    # a password is never an argument
    assert _cli(tmp_path, "user", "add", "x", "--role", "viewer", "--password", PW).returncode == 2
    made = _cli(
        tmp_path,
        "user",
        "add",
        "quantri",
        "--role",
        "administrator",
        "--name",
        "Quản trị",
        "--password-stdin",
        stdin=PW + "\n",
    )
    assert made.returncode == 0, made.stderr
    assert accounts.authenticate(engine, "quantri", PW).user.is_admin
    dep = _cli(
        tmp_path,
        "user",
        "add",
        "nv_a",
        "--role",
        "department",
        "--department",
        "so_gd_dt",
        "--password-stdin",
        stdin=PW + "\n",
    )
    assert dep.returncode == 0, dep.stderr
    weak = _cli(tmp_path, "user", "add", "nv_b", "--role", "viewer", "--password-stdin", stdin="123\n")
    assert weak.returncode == 1 and "weak-password" in weak.stderr
    listed = _cli(tmp_path, "user", "list").stdout
    assert "quantri" in listed and "so_gd_dt" in listed and "$argon2" not in listed
    assert (
        _cli(
            tmp_path, "user", "reset-password", "nv_a", "--password-stdin", stdin="mat-khau-moi-2026\n"
        ).returncode
        == 0
    )
    assert accounts.authenticate(engine, "nv_a", "mat-khau-moi-2026").user is not None
    assert _cli(tmp_path, "user", "set-role", "nv_a", "viewer").returncode == 0
    assert accounts.get_account(engine, "nv_a").role == "viewer"
    assert _cli(tmp_path, "user", "disable", "nv_a").returncode == 0
    assert not accounts.get_account(engine, "nv_a").active
    assert "disabled" in _cli(tmp_path, "user", "list").stdout
