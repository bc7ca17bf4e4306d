"""Accounts and access: who may do what (PRODUCT §10). Pure core — no Streamlit.

Three roles: `viewer` (reads), `department` (bound to one department: uploads, withdraws and restores that
department's workbooks only), `administrator` (everything, report-system exports included). Passwords are
argon2id hashes (argon2-cffi's defaults, RFC 9106's second recommended profile); sign-ins are throttled
per account after repeated failures; a session is a random token (only its sha256 is stored) that ends
after a period of inactivity and at an absolute limit, whichever comes first.

The acting user (`actor`) of every writing core function (`ingest.ingest_file`, `ledger.withdraw`,
`ledger.restore`) is a `User` or None. **None is the trusted system path**: the server's command line run
without `--user` by someone who already holds the database and the archive (the administrator's shell),
the inbox watcher, the demo seeder. The pages never pass None: they pass the signed-in user, and without
one they show the sign-in form instead of writing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ioc.issues import Issue, IssueError
from ioc.messages import issue
from ioc.store import ROLES, utcnow, write_transaction
from ioc.store import accounts as accounts_t
from ioc.store import sessions as sessions_t

VIEWER, DEPARTMENT, ADMINISTRATOR = ROLES

# Throttling: after this many consecutive failures an account waits before the next attempt; each further
# failure doubles the wait, up to the cap. A success resets the count.
MAX_FAILURES = 5
FIRST_LOCK_SECONDS = 60.0
MAX_LOCK_SECONDS = 3600.0
# Sessions: ended after this long without activity, and in any case this long after sign-in.
SESSION_IDLE = dt.timedelta(minutes=60)
SESSION_MAX = dt.timedelta(hours=12)
# A session's "last seen" is written at most this often (a read per page run, a write now and then).
_TOUCH_EVERY = dt.timedelta(minutes=2)
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()
# Verified when the username is unknown, so a failed sign-in takes as long whether the account exists or not.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")


@dataclass(frozen=True)
class User:
    """The signed-in person, as the pages and the core functions see them (`st.session_state["ioc_user"]`)."""

    username: str
    display_name: str
    role: str  # "viewer" | "department" | "administrator"
    department: str | None = None  # the department a `department` account writes for
    email: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == ADMINISTRATOR

    @property
    def label(self) -> str:
        """How history names this user: "Nguyễn Văn A (nva)"."""
        return (
            f"{self.display_name} ({self.username})" if self.display_name != self.username else self.username
        )

    def can_write(self, department: str | None) -> bool:
        """Whether this user may upload, withdraw or restore department workbooks of `department`."""
        if self.role == ADMINISTRATOR:
            return True
        return self.role == DEPARTMENT and department is not None and department == self.department


@dataclass(frozen=True)
class Account:
    """An account row as the command line lists it (never the password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    department: str | None
    email: str | None
    active: bool
    has_password: bool
    failed_logins: int
    locked_until: dt.datetime | None
    last_login_at: dt.datetime | None
    created_at: dt.datetime
    created_by: str

    def user(self) -> User:
        return User(self.username, self.display_name, self.role, self.department, self.email)


class AccountError(IssueError):
    """An account operation that cannot be done (unknown user, weak password, bad role…)."""


def _issue(code: str, /, **kw: Any) -> Issue:
    """The issue `code` of the catalog (`ioc.messages`)."""
    return issue(code, **kw)


# ----------------------------------------------------------------------------------------- role checks


def write_refusal(actor: User | None, department: str | None, *, export: bool = False) -> list[Issue]:
    """Why `actor` may not write data of `department` (an export when `export`); [] when it may.

    The single rule every writing core function applies: None (a system path) and administrators may
    write anything; a department account only workbooks of its own department; a viewer nothing.
    """
    if actor is None or actor.role == ADMINISTRATOR:
        return []
    if actor.role == VIEWER:
        return [_issue("not-allowed", username=actor.username)]
    if export:
        return [_issue("admin-only")]
    if department != actor.department:
        other = department or "?"
        return [
            _issue(
                "other-department",
                value=other,
                expected=actor.department,
                username=actor.username,
                own=f"'{actor.department}'",
                other=f"'{other}'",
            )
        ]
    return []


def require_write(actor: User | None, department: str | None, *, export: bool = False) -> None:
    """Raise IssueError when `actor` may not write data of `department` (see `write_refusal`)."""
    refusal = write_refusal(actor, department, export=export)
    if refusal:
        raise IssueError(refusal)


def require_admin(actor: User | None) -> None:
    """Raise IssueError unless `actor` is an administrator (or the system path, None)."""
    if actor is not None and actor.role != ADMINISTRATOR:
        raise IssueError(write_refusal(actor, None, export=True))


# ------------------------------------------------------------------------------------------- passwords


def hash_password(password: str) -> str:
    """An argon2id hash of `password` (salted; parameters inside the hash)."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches `password_hash` (False for no hash or a malformed one)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(password: str, username: str) -> Issue | None:
    """Why a new password is refused (too short, the user name), or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _issue("weak-password", length=MIN_PASSWORD_LENGTH)
    if username.lower() in password.lower():
        return _issue("weak-password:username")
    return None


def lock_seconds(failures: int) -> float:
    """How long an account waits after `failures` consecutive failed sign-ins (0 below `MAX_FAILURES`)."""
    if failures < MAX_FAILURES:
        return 0.0
    return min(MAX_LOCK_SECONDS, FIRST_LOCK_SECONDS * 2 ** (failures - MAX_FAILURES))


# -------------------------------------------------------------------------------------------- accounts


def _account(row: Any) -> Account:
    return Account(
        id=int(row.id),
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        department=row.department,
        email=row.email,
        active=bool(row.active),
        has_password=row.password_hash is not None,
        failed_logins=int(row.failed_logins or 0),
        locked_until=row.locked_until,
        last_login_at=row.last_login_at,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def _check_role(role: str, department: str | None, departments: set[str] | None) -> None:
    if role not in ROLES:
        raise AccountError([_issue("unknown-role", role=role, roles=", ".join(ROLES))])
    if role == DEPARTMENT and not department:
        raise AccountError([_issue("department-required")])
    if role != DEPARTMENT and department:
        raise AccountError([_issue("department-not-allowed", role=role)])
    if department and departments is not None and department not in departments:
        raise AccountError(
            [
                _issue(
                    "unknown-department",
                    department=department,
                    value=department,
                    expected=", ".join(sorted(departments)[:8]) + ("…" if len(departments) > 8 else ""),
                )
            ]
        )


def _not_found(username: str) -> AccountError:
    return AccountError([_issue("unknown-account", username=username)])


def create_account(
    engine: Engine,
    username: str,
    *,
    role: str,
    display_name: str | None = None,
    department: str | None = None,
    email: str | None = None,
    password: str | None,
    created_by: str,
    departments: set[str] | None = None,
) -> Account:
    """Create an account; `password=None` makes one that signs in through OpenID Connect only (needs e-mail).

    `departments` (the registry's ids) lets the caller refuse a department that does not exist.
    """
    username = username.strip().lower()
    if not _USERNAME.fullmatch(username):
        raise AccountError([_issue("bad-username", value=username)])
    _check_role(role, department, departments)
    if password is None and not email:
        raise AccountError([_issue("no-credentials")])
    if password is not None and (problem := password_problem(password, username)):
        raise AccountError([problem])
    values = {
        "username": username,
        "display_name": (display_name or username).strip(),
        "role": role,
        "department": department,
        "email": email.strip().lower() if email else None,
        "password_hash": hash_password(password) if password is not None else None,
        "active": True,
        "failed_logins": 0,
        "created_at": utcnow(),
        "created_by": created_by,
    }
    try:
        with write_transaction(engine) as conn:
            conn.execute(insert(accounts_t).values(**values))
    except IntegrityError as err:
        raise AccountError([_issue("account-exists", username=username)]) from err
    return get_account(engine, username)


def get_account(engine: Engine, username: str) -> Account:
    """The account named `username` (AccountError `unknown-account` if none)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(accounts_t).where(accounts_t.c.username == username.strip().lower())
        ).first()
    if row is None:
        raise _not_found(username)
    return _account(row)


def list_accounts(engine: Engine) -> list[Account]:
    """Every account, by user name."""
    with engine.connect() as conn:
        rows = conn.execute(select(accounts_t).order_by(accounts_t.c.username)).all()
    return [_account(r) for r in rows]


def count_admins(engine: Engine) -> int:
    """How many active administrators exist (the first one is created from the command line)."""
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(accounts_t)
                .where(accounts_t.c.role == ADMINISTRATOR, accounts_t.c.active.is_(True))
            ).scalar_one()
        )


def _update(engine: Engine, username: str, **values: Any) -> Account:
    with write_transaction(engine) as conn:
        done = conn.execute(
            update(accounts_t)
            .where(accounts_t.c.username == username.strip().lower())
            .values(**values, updated_at=utcnow())
        )
        if done.rowcount == 0:
            raise _not_found(username)
        if values.get("active") is False or "password_hash" in values or "role" in values:
            _end_sessions(conn, username)  # a disabled account, a new password or role: sign in again
    return get_account(engine, username)


def _end_sessions(conn: Connection, username: str) -> None:
    ids = select(accounts_t.c.id).where(accounts_t.c.username == username.strip().lower())
    conn.execute(
        update(sessions_t)
        .where(sessions_t.c.account_id.in_(ids), sessions_t.c.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def set_active(engine: Engine, username: str, active: bool) -> Account:
    """Disable (every open session ends) or re-enable an account; nothing is deleted."""
    return _update(engine, username, active=active)


def reset_password(engine: Engine, username: str, password: str) -> Account:
    """Set a new password; clears the throttle and ends the account's sessions."""
    if problem := password_problem(password, username.strip().lower()):
        raise AccountError([problem])
    return _update(
        engine, username, password_hash=hash_password(password), failed_logins=0, locked_until=None
    )


def set_role(
    engine: Engine,
    username: str,
    role: str,
    department: str | None = None,
    *,
    departments: set[str] | None = None,
) -> Account:
    """Change an account's role (and department); its sessions end so the new rights apply at once."""
    _check_role(role, department, departments)
    return _update(engine, username, role=role, department=department if role == DEPARTMENT else None)


# ---------------------------------------------------------------------------------------------- sign-in


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: a user and a session token, or an issue to show."""

    user: User | None = None
    token: str | None = None
    issue: Issue | None = None
    wait_seconds: float = 0.0


def _bad_credentials() -> Issue:
    return _issue("bad-credentials")


def _throttled(seconds: float) -> Issue:
    minutes = max(1, round(seconds / 60))
    return _issue("sign-in-throttled", minutes=minutes)


def authenticate(
    engine: Engine,
    username: str,
    password: str,
    *,
    now: dt.datetime | None = None,
    lifetime: dt.timedelta = SESSION_MAX,
) -> SignIn:
    """Check a user name and password; on success open a session and return its token (shown once).

    A locked account is refused without checking the password (so guessing gains nothing while it
    waits); every failure on an existing account counts toward the lock; an unknown user name costs the
    same hash check and says the same words as a wrong password.
    """
    now = now or utcnow()
    name = username.strip().lower()
    with engine.connect() as conn:
        row = conn.execute(select(accounts_t).where(accounts_t.c.username == name)).first()
    if row is None or not row.active:
        verify_password(None, password)
        return SignIn(issue=_bad_credentials())
    if row.locked_until is not None and row.locked_until > now:
        wait = (row.locked_until - now).total_seconds()
        return SignIn(issue=_throttled(wait), wait_seconds=wait)
    if not verify_password(row.password_hash, password):
        failures = int(row.failed_logins or 0) + 1
        wait = lock_seconds(failures)
        locked = now + dt.timedelta(seconds=wait) if wait else None
        with write_transaction(engine) as conn:
            conn.execute(
                update(accounts_t)
                .where(accounts_t.c.id == row.id)
                .values(failed_logins=failures, locked_until=locked)
            )
        if wait:
            return SignIn(issue=_throttled(wait), wait_seconds=wait)
        return SignIn(issue=_bad_credentials())
    token = open_session(engine, int(row.id), now=now, lifetime=lifetime)
    if _hasher.check_needs_rehash(row.password_hash):
        with write_transaction(engine) as conn:
            conn.execute(
                update(accounts_t)
                .where(accounts_t.c.id == row.id)
                .values(password_hash=hash_password(password))
            )
    return SignIn(user=_account(row).user(), token=token)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    engine: Engine,
    account_id: int,
    *,
    now: dt.datetime | None = None,
    lifetime: dt.timedelta = SESSION_MAX,
) -> str:
    """Start a session for the account (and clear its failure count); return the token.

    Idleness is judged when the session is read (`session_user`); `lifetime` is its absolute end.
    """
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    with write_transaction(engine) as conn:
        conn.execute(
            insert(sessions_t).values(
                token_sha256=_token_hash(token),
                account_id=account_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + lifetime,
            )
        )
        conn.execute(
            update(accounts_t)
            .where(accounts_t.c.id == account_id)
            .values(failed_logins=0, locked_until=None, last_login_at=now)
        )
    return token


def session_user(
    engine: Engine, token: str | None, *, now: dt.datetime | None = None, idle: dt.timedelta = SESSION_IDLE
) -> User | None:
    """The user of a live session, or None when it has ended, expired, idled out or its account is disabled.

    A read on every page run; "last seen" is written at most every couple of minutes.
    """
    if not token:
        return None
    now = now or utcnow()
    s, a = sessions_t, accounts_t
    with engine.connect() as conn:
        row = conn.execute(
            select(s.c.token_sha256, s.c.last_seen_at, s.c.expires_at, s.c.ended_at, a)
            .select_from(s.join(a, a.c.id == s.c.account_id))
            .where(s.c.token_sha256 == _token_hash(token))
        ).first()
    if row is None or row.ended_at is not None or not row.active:
        return None
    if now >= row.expires_at or now - row.last_seen_at >= idle:
        end_session(engine, token, now=now)
        return None
    if now - row.last_seen_at >= _TOUCH_EVERY:
        from ioc.store import LedgerBusyError

        try:
            with write_transaction(engine) as conn:
                conn.execute(update(s).where(s.c.token_sha256 == row.token_sha256).values(last_seen_at=now))
        except LedgerBusyError:  # a long ingest holds the lock: the session is valid all the same
            pass
    return User(row.username, row.display_name, row.role, row.department, row.email)


def end_session(engine: Engine, token: str | None, *, now: dt.datetime | None = None) -> None:
    """Sign out: the session's token no longer works."""
    if not token:
        return
    with write_transaction(engine) as conn:
        conn.execute(
            update(sessions_t)
            .where(sessions_t.c.token_sha256 == _token_hash(token), sessions_t.c.ended_at.is_(None))
            .values(ended_at=now or utcnow())
        )


def user_by_email(engine: Engine, email: str | None) -> User | None:
    """The active account an OpenID Connect identity maps to (by e-mail, case-insensitive), or None."""
    if not email:
        return None
    with engine.connect() as conn:
        row = conn.execute(
            select(accounts_t).where(
                accounts_t.c.email == email.strip().lower(), accounts_t.c.active.is_(True)
            )
        ).first()
    return None if row is None else _account(row).user()
