"""The ledger's tables, the database engine (SQLite or PostgreSQL) and the schema migrations (Alembic)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    inspect,
    select,
    text,
    true,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import OperationalError

from ioc.issues import IssueError
from ioc.messages import Num, issue

log = logging.getLogger(__name__)

# Submission statuses; `accepted` rows feed the dashboard, the others are history.
STATUSES = ("accepted", "rejected", "superseded", "withdrawn")

# An arbitrary constant: the PostgreSQL advisory lock that serialises ledger writes across app instances.
_PG_LEDGER_LOCK = 7_305_001

# How long a writer waits for the write lock before it gives up with `LedgerBusyError` (seconds), when the
# engine does not say (IOC_DB_LOCK_TIMEOUT sets it). One large export holds the lock for several seconds
# while its observations are inserted; 60 s covers a queue of them.
DEFAULT_LOCK_TIMEOUT = 60.0


class LedgerBusyError(IssueError):
    """Another writer held the ledger's write lock for longer than this writer may wait; nothing was written."""

    def __init__(self, waited: float) -> None:
        super().__init__([issue("ledger-busy", waited=Num(waited, 0))])
        self.waited = waited


def is_lock_error(exc: BaseException) -> bool:
    """Whether a database error means "another writer holds the lock" (SQLite busy, PostgreSQL lock timeout)."""
    if not isinstance(exc, OperationalError):
        return False
    text_ = str(exc.orig if exc.orig is not None else exc).lower()
    return any(
        k in text_ for k in ("database is locked", "database is busy", "lock timeout", "locknotavailable")
    )


metadata = MetaData()

# The foundation's hand-written migration list recorded its versions here (1, 2); kept, never written again.
schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", DateTime, nullable=False),
)

# Alembic's record of the revision the database is at (part of the metadata so that `drop_all` clears it).
alembic_version = Table(
    "alembic_version",
    metadata,
    Column("version_num", String(32), primary_key=True),
)

# One row per distinct file content ever received (archived under data_dir/stored_path).
files = Table(
    "files",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("original_name", Text, nullable=False),
    Column("stored_path", Text, nullable=False),  # relative to the data directory
    Column("first_seen_at", DateTime, nullable=False),
)

submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), ForeignKey("files.sha256"), nullable=False, index=True),
    Column("file_name", Text, nullable=False),
    Column("source", String(64), nullable=False),
    Column("export_id", String(64)),
    Column("department", String(64), index=True),
    Column("periods", Text, nullable=False, default=""),  # comma-joined, sorted
    Column("submitted_by", Text, nullable=False),
    Column("submitted_at", DateTime, nullable=False),  # UTC, naive
    Column("status", String(16), nullable=False, index=True),
    Column("rows_read", Integer, nullable=False, default=0),
    Column("n_observations", Integer, nullable=False, default=0),
    Column("n_errors", Integer, nullable=False, default=0),
    Column("n_warnings", Integer, nullable=False, default=0),
    Column("issues_json", Text, nullable=False, default="[]"),
    Column("note", Text),
    Column("supersedes", Text),  # comma-joined ids this submission marked superseded
    Column("restored_from", Integer, ForeignKey("submissions.id")),
    Column("actor", String(64)),  # the account (username) that uploaded or restored; NULL: a system path
    Column("withdrawn_by", Text),  # who withdrew it (display name and username), when and why
    Column("withdrawn_at", DateTime),
    Column("withdraw_note", Text),
    CheckConstraint(
        "status IN ('accepted', 'rejected', 'superseded', 'withdrawn')", name="ck_submissions_status"
    ),
)

observations = Table(
    "observations",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False, index=True),
    Column("indicator", String(64), nullable=False),
    Column("unit_code", String(64), nullable=False),
    Column("period", String(16), nullable=False),
    Column("value", Float, nullable=False),
    Column("numerator", Float),
    Column("denominator", Float),
    Column("source_file", Text),
    Column("sheet", Text),
    Column("row_no", Integer),  # `row` in the observation frame; ROW is reserved in SQL
    Column("col_letter", String(255)),  # `column` in the observation frame
    Index("ix_observations_key", "indicator", "unit_code", "period"),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("who", Text, nullable=False),
    Column("action", String(32), nullable=False),
    Column("submission_id", Integer, ForeignKey("submissions.id"), index=True),
    Column("detail", Text),
    Column("actor", String(64)),  # the account (username) that acted; NULL: a system path
)

# Read-only links for wall displays (a TV in the operations centre): only a hash of each token is kept, so
# a copy of the database never yields a working link; revoking keeps the row (who, when) for the record.
wall_tokens = Table(
    "wall_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),  # the token's first characters, to tell links apart
    Column("created_at", DateTime, nullable=False),  # UTC, naive
    Column("created_by", Text, nullable=False),
    Column("revoked_at", DateTime),
    Column("revoked_by", Text),
)

# ---- meetings (issue 14): period locks and the notes / action items decided in meetings ----------------
# Both are append-only: a lock and an unlock are two rows (the latest row of a period says whether it is
# locked now); an edited or closed note or action item is a new version row under the same `decision_id`.

period_locks = Table(
    "period_locks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("period", String(16), nullable=False, index=True),
    Column("action", String(8), nullable=False),  # lock | unlock
    Column("at", DateTime, nullable=False),  # UTC, naive
    Column("who", Text, nullable=False),
    Column("note", Text),
    CheckConstraint("action IN ('lock', 'unlock')", name="ck_period_locks_action"),
)

meeting_decisions = Table(
    "meeting_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("decision_id", Integer, nullable=False, index=True),  # the same for every version of one item
    Column("version", Integer, nullable=False),
    Column("kind", String(8), nullable=False),  # note | action
    Column("period", String(16), nullable=False, index=True),  # the meeting's period it was recorded for
    Column("indicator", String(64), nullable=False, index=True),
    Column("unit_code", String(64)),  # optional: a department or commune
    Column("text", Text, nullable=False),
    Column("owner", String(64)),  # action items: the department that carries it out
    Column("due", Date),  # action items: due date
    Column("state", String(8), nullable=False),  # note: "note"; action items: open | closed
    Column("closing_note", Text),
    Column("author", Text, nullable=False),
    Column("recorded_at", DateTime, nullable=False),  # UTC, naive
    CheckConstraint("kind IN ('note', 'action')", name="ck_meeting_decisions_kind"),
    CheckConstraint("state IN ('note', 'open', 'closed')", name="ck_meeting_decisions_state"),
    Index("ux_meeting_decisions_version", "decision_id", "version", unique=True),
)


ROLES = ("viewer", "department", "administrator")

# Local accounts (and accounts an OpenID Connect provider signs in, matched by e-mail, with no password).
accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("department", String(64)),  # only (and always) for the department role
    Column("email", String(254), unique=True),
    Column("password_hash", Text),  # argon2id; NULL: signs in through OpenID Connect only
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("failed_logins", Integer, nullable=False, server_default="0"),  # consecutive, reset on success
    Column("locked_until", DateTime),  # UTC, naive: sign-in throttled until then
    Column("last_login_at", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("updated_at", DateTime),
    CheckConstraint("role IN ('viewer', 'department', 'administrator')", name="ck_accounts_role"),
    CheckConstraint(
        "(role = 'department' AND department IS NOT NULL) OR (role <> 'department' AND department IS NULL)",
        name="ck_accounts_department",
    ),
)

# Sign-in sessions: only a hash of each token is kept, like the wall tokens.
sessions = Table(
    "sessions",
    metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),  # the absolute end; idleness ends it earlier
    Column("ended_at", DateTime),  # signed out (or the account was disabled)
)


def utcnow() -> dt.datetime:
    """Now in UTC, naive (the store keeps naive UTC timestamps on every backend)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def get_engine(url: str, *, lock_timeout: float | None = None, sqlite_wal: bool | None = None) -> Engine:
    """An engine for `url`. SQLite: WAL (unless `sqlite_wal` is off, e.g. on a network share where WAL is
    unsafe), a busy timeout, foreign keys and `BEGIN IMMEDIATE` writes.

    `lock_timeout` (seconds) bounds how long a writer waits for another writer on either backend; after
    it, `write_transaction` raises `LedgerBusyError`. Both default to the settings (IOC_DB_LOCK_TIMEOUT,
    IOC_SQLITE_WAL), so every entry point (app, CLI, demo) behaves the same.
    """
    from ioc.settings import get_settings

    parsed = make_url(url)
    if lock_timeout is None or sqlite_wal is None:
        settings = get_settings()
        lock_timeout = settings.db_lock_timeout if lock_timeout is None else lock_timeout
        sqlite_wal = settings.sqlite_wal if sqlite_wal is None else sqlite_wal
    timeout = float(lock_timeout)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, pool_pre_ping=True)
        engine.update_execution_options(ioc_lock_timeout=timeout)
        return engine
    memory = not parsed.database or parsed.database == ":memory:"
    if not memory:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # the sqlite3 module's own wait must not cut the busy timeout short
    engine = create_engine(url, connect_args={"timeout": timeout})
    engine.update_execution_options(ioc_lock_timeout=timeout)
    wal = sqlite_wal and not memory

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # SQLAlchemy, not the sqlite3 module, emits BEGIN (documented recipe, "sqlite_transactions").
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        # The busy timeout first: switching a new database to WAL needs a lock another process may hold.
        cur.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        if wal:
            # WAL: readers never wait for a writer, nor a writer for readers. Off on network file systems.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; safe with WAL
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front so two uploads queue instead of failing half-way with
        # "database is locked" on lock upgrade; readers stay deferred and never block each other (WAL).
        if conn.get_execution_options().get("ioc_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


def lock_timeout(engine: Engine) -> float:
    """How long a writer on this engine waits for the write lock (seconds)."""
    return float(engine.get_execution_options().get("ioc_lock_timeout", DEFAULT_LOCK_TIMEOUT))


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One serialised write transaction: committed at the end of the block, rolled back on any error.

    Writers queue for the lock: SQLite's busy timeout (and a bounded retry of the `BEGIN IMMEDIATE`, for
    the busy answers SQLite gives without waiting), PostgreSQL's `lock_timeout` on the advisory lock. A
    writer that still cannot get the lock in `lock_timeout(engine)` seconds raises `LedgerBusyError`, having
    written nothing; a lock error later in the block is turned into `LedgerBusyError` too (after the rollback).
    """
    timeout = lock_timeout(engine)
    started = time.monotonic()
    with engine.connect() as conn:
        conn.execution_options(ioc_write=True)
        trans = _begin_write(conn, started, timeout)
        try:
            yield conn
        except OperationalError as exc:
            trans.rollback()
            if is_lock_error(exc):
                raise LedgerBusyError(time.monotonic() - started) from exc
            raise
        except BaseException:
            trans.rollback()
            raise
        try:
            trans.commit()
        except OperationalError as exc:
            if is_lock_error(exc):
                raise LedgerBusyError(time.monotonic() - started) from exc
            raise


def _begin_write(conn: Connection, started: float, timeout: float):  # type: ignore[no-untyped-def]
    """Begin the write transaction and take the ledger's write lock, retrying busy answers until `timeout`."""
    pause = 0.05
    while True:
        try:
            trans = conn.begin()
        except OperationalError as exc:
            if not is_lock_error(exc):
                raise
            conn.rollback()
            if time.monotonic() - started + pause > timeout:
                raise LedgerBusyError(time.monotonic() - started) from exc
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
            continue
        if conn.dialect.name != "postgresql":
            return trans
        try:
            left = max(1, int((timeout - (time.monotonic() - started)) * 1000))
            conn.execute(text(f"SET LOCAL lock_timeout = {left}"))
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LEDGER_LOCK})
            conn.execute(text("SET LOCAL lock_timeout = 0"))
        except OperationalError as exc:
            trans.rollback()
            if is_lock_error(exc):
                raise LedgerBusyError(time.monotonic() - started) from exc
            raise
        return trans


MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001_foundation"  # the foundation's schema version 2


def _alembic_config(conn: Connection | None = None):  # type: ignore[no-untyped-def]
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


@lru_cache(maxsize=1)
def latest_version() -> str:
    """The Alembic revision this code expects (the head of `ioc/migrations/versions`)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None  # the package ships its revisions
    return head


def legacy_version(conn: Connection) -> int:
    """The foundation's hand-written schema version (0 when the database never had one)."""
    if not inspect(conn).has_table("schema_version"):
        return 0
    return int(conn.execute(select(func.coalesce(func.max(schema_version.c.version), 0))).scalar_one())


def current_version(conn: Connection) -> str | None:
    """The Alembic revision recorded in the database (None when Alembic never ran on it)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(select(alembic_version.c.version_num)).scalar()


def read_version(engine: Engine) -> str | None:
    """The database's revision, read without taking the write lock (None when never migrated)."""
    with engine.connect() as conn:
        return current_version(conn)


def migrate(engine: Engine) -> str:
    """Create or upgrade the schema to the latest Alembic revision in one transaction; return it.

    The one entry point the app, the command line and the tests call. The revision is read first without
    the write lock: a current schema (the usual case) costs a read, so commands that only read (`history`)
    never queue behind an ingest nor make one wait. Under the lock, a database the foundation's
    hand-written list brought to version 2 is stamped with the baseline revision (not recreated); one at
    version 1 runs the baseline, which adds only what it lacks. Every revision runs inside the same write
    transaction: an upgrade is applied whole or not at all, and history is never dropped.
    """
    if read_version(engine) == latest_version():
        return latest_version()
    from alembic import command

    with write_transaction(engine) as conn:
        have = current_version(conn)  # again under the lock: another process may have just migrated
        if have == latest_version():
            return have
        cfg = _alembic_config(conn)
        if have is None and legacy_version(conn) >= 2:
            log.info("ledger schema: stamping the foundation's version 2 as %s", BASELINE)
            command.stamp(cfg, BASELINE)
        log.info("ledger schema: upgrading to %s", latest_version())
        command.upgrade(cfg, "head")
        return latest_version()


def revision(engine: Engine) -> int:
    """A number that changes whenever the ledger changes (the last audit id): a cache key for pages."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(audit.c.id), 0))).scalar_one())
