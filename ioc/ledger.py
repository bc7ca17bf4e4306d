"""Ledger operations: the raw-file archive, submissions (accept, reject, supersede, withdraw, restore)
and the current observations the dashboard reads."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import socket
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine, and_, exists, func, insert, literal, select, update
from sqlalchemy.engine import Connection

from ioc.accounts import User, require_write
from ioc.issues import Issue, IssueError, Severity
from ioc.meeting_locks import refuse_if_locked
from ioc.messages import CATALOG, Words, issue, words
from ioc.observations import OBSERVATION_SCHEMA, STORED_SCHEMA
from ioc.store import audit as audit_t
from ioc.store import files as files_t
from ioc.store import observations as obs_t
from ioc.store import submissions as subs_t
from ioc.store import utcnow, write_transaction

log = logging.getLogger(__name__)

# Observation frame column → SQL column (ROW and COLUMN are reserved words in SQL).
_SQL_NAME = {"row": "row_no", "column": "col_letter"}
_INSERT_CHUNK = 5_000

SUBMISSION_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "sha256": pl.String(),
    "file_name": pl.String(),
    "source": pl.String(),
    "export_id": pl.String(),
    "department": pl.String(),
    "periods": pl.String(),
    "submitted_by": pl.String(),
    "submitted_at": pl.Datetime("us"),
    "status": pl.String(),
    "rows_read": pl.Int64(),
    "n_observations": pl.Int64(),
    "n_errors": pl.Int64(),
    "n_warnings": pl.Int64(),
    "note": pl.String(),
    "supersedes": pl.String(),
    "restored_from": pl.Int64(),
    "actor": pl.String(),
    "withdrawn_by": pl.String(),
    "withdrawn_at": pl.Datetime("us"),
    "withdraw_note": pl.String(),
}


# --------------------------------------------------------------------------------------------- archive


def _extension(original_name: str) -> str:
    suffix = Path(original_name).suffix.lower().lstrip(".")
    # Only a short alphanumeric extension survives: the archive path must never come from user text.
    return suffix if re.fullmatch(r"[a-z0-9]{1,8}", suffix) else "bin"


def archive_path(data_dir: Path, sha256: str, original_name: str) -> Path:
    """Where the archive would put new content: `data_dir/archive/ab/abcdef….ext` (the first name's extension).

    Content that is already archived keeps the place it has (`archived_file`): the same bytes sent again
    under another extension are not stored twice.
    """
    return Path(data_dir) / "archive" / sha256[:2] / f"{sha256}.{_extension(original_name)}"


def archived_file(data_dir: Path, sha256: str) -> Path | None:
    """The archived copy of this content, whatever extension it was first stored under, or None."""
    folder = Path(data_dir) / "archive" / sha256[:2]
    if not folder.is_dir():
        return None
    for candidate in sorted(folder.glob(f"{sha256}*")):
        named = candidate.name == sha256 or candidate.name.startswith(f"{sha256}.")
        if named and candidate.is_file() and not candidate.is_symlink():
            return candidate
    return None


def _write_synced(data: bytes, folder: Path, prefix: str) -> Path:
    """Write `data` to a new temporary file in `folder`, flushed to disk; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def archive_bytes(data: bytes, data_dir: Path, original_name: str) -> tuple[str, Path]:
    """Keep the raw bytes, content-addressed by sha256, written atomically; return (sha256, path).

    This writes the archive without a ledger row: the caller records it at once. Ingest uses
    `stage_bytes` + `archived_transaction`, which never leave archived bytes without a row.
    """
    sha = hashlib.sha256(data).hexdigest()
    existing = archived_file(data_dir, sha)
    if existing is not None and existing.stat().st_size == len(data):
        return sha, existing
    path = archive_path(data_dir, sha, original_name)
    tmp = _write_synced(data, path.parent, ".incoming-")
    try:
        os.replace(tmp, path)  # atomic: readers see the whole file or none
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return sha, path


# Bytes waiting for their ledger row live here (one folder, so a sweep is cheap): written and fsynced
# before any parser sees the file, moved into the archive only once the row that names them is committed.
INCOMING_DIR = ".incoming"
INCOMING_PREFIX = ".incoming-"
# A staged file older than this belongs to a process that died (kill -9, power cut): swept away, or put
# in its place when its row was committed just before the death.
STALE_INCOMING_SECONDS = 600.0
_SWEEP_EVERY_SECONDS = 60.0
_last_sweep: dict[str, float] = {}


@dataclass
class StagedFile:
    """Bytes written to the archive's incoming folder, waiting for the transaction that records them."""

    sha256: str
    size: int
    original_name: str
    data_dir: Path
    tmp: Path

    def discard(self) -> None:
        """Remove the staged copy (nothing recorded it, or it has been published)."""
        self.tmp.unlink(missing_ok=True)


def incoming_dir(data_dir: Path) -> Path:
    """The folder of staged files: `data_dir/archive/.incoming`."""
    return Path(data_dir) / "archive" / INCOMING_DIR


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:40] or "host"


def stage_bytes(data: bytes, data_dir: Path, original_name: str) -> StagedFile:
    """Write the bytes (fsynced) to the incoming folder before anything parses them.

    The name carries the sha256 (to repair a death between commit and move) and the writer's host and
    process id (so a sweep never takes the file of a process that is still parsing a large file).
    """
    sha = hashlib.sha256(data).hexdigest()
    prefix = f"{INCOMING_PREFIX}{sha}-{_host()}-{os.getpid()}-"
    tmp = _write_synced(data, incoming_dir(data_dir), prefix)
    return StagedFile(sha, len(data), original_name, Path(data_dir), tmp)


_STAGED_NAME = re.compile(rf"{re.escape(INCOMING_PREFIX)}([0-9a-f]{{64}})-(?:([A-Za-z0-9]+)-(\d+)-)?")


def _writer_alive(host: str | None, pid: str | None) -> bool:
    """Whether the process that staged a file may still be working on it (always True for another host)."""
    if host is None or pid is None:
        return False
    if host != _host():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def record_file(conn: Connection, sha256: str, size: int, original_name: str, stored_path: str) -> None:
    """Register an archived file once (later uploads of the same bytes keep the first name)."""
    seen = conn.execute(select(files_t.c.sha256).where(files_t.c.sha256 == sha256)).first()
    if seen is None:
        conn.execute(
            insert(files_t).values(
                sha256=sha256,
                size=size,
                original_name=original_name,
                stored_path=stored_path,
                first_seen_at=utcnow(),
            )
        )


def _stored_path(conn: Connection, sha256: str) -> str | None:
    row = conn.execute(select(files_t.c.stored_path).where(files_t.c.sha256 == sha256)).first()
    return None if row is None else str(row.stored_path)


def _relative(data_dir: Path, path: Path) -> str:
    try:
        return path.relative_to(data_dir).as_posix()
    except ValueError:
        return path.as_posix()


def _absolute(data_dir: Path, stored_path: str) -> Path:
    path = Path(stored_path)
    return path if path.is_absolute() else Path(data_dir) / path


def record_staged(conn: Connection, staged: StagedFile) -> Path:
    """Within the write transaction: register the staged file once per content; return where it is kept.

    Content already in the ledger keeps its first place and name (a second extension adds no copy).
    """
    known = _stored_path(conn, staged.sha256)
    if known is not None:
        return _absolute(staged.data_dir, known)
    dest = archived_file(staged.data_dir, staged.sha256) or archive_path(
        staged.data_dir, staged.sha256, staged.original_name
    )
    record_file(conn, staged.sha256, staged.size, staged.original_name, _relative(staged.data_dir, dest))
    return dest


def publish(staged: StagedFile, dest: Path) -> None:
    """After the commit: move the staged bytes into the archive (or drop them when the archive has them)."""
    if dest.is_file() and dest.stat().st_size == staged.size:
        staged.discard()
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged.tmp, dest)  # atomic, same file system: the archive holds the whole file or none


@contextmanager
def archived_transaction(
    engine: Engine, staged: StagedFile, *, keep_on_error: bool = False
) -> Iterator[Connection]:
    """A write transaction that also records the staged file; its bytes enter the archive after the commit.

    A failure before the commit (lock timeout, database error, a refusal) leaves neither a row nor archived
    bytes; a death between commit and move is repaired by `sweep_incoming`. The staged copy is removed,
    except after a failure when `keep_on_error` (the caller records the file another way, e.g. rejected).
    """
    ok = False
    try:
        with write_transaction(engine) as conn:
            dest = record_staged(conn, staged)
            yield conn
        publish(staged, dest)
        ok = True
    finally:
        if ok or not keep_on_error:
            staged.discard()


def sweep_incoming(
    data_dir: Path,
    engine: Engine | None = None,
    *,
    max_age_seconds: float = STALE_INCOMING_SECONDS,
    now: float | None = None,
) -> list[Path]:
    """Clear staged files left by a process that died (kill -9, power cut); return those handled.

    A staged file whose content the ledger has recorded but whose archive copy is missing (the process
    died between commit and move) is moved into place; any other is deleted. Which are stale: on this
    host, those whose writer process is gone (at once; a running writer's file is never touched); from
    another host sharing the archive, those older than a day; the `.incoming-*.tmp` files earlier
    versions wrote beside the archived files, those older than `max_age_seconds`.
    """
    data_dir = Path(data_dir)
    now = time.time() if now is None else now
    stale: list[Path] = []
    folders = [incoming_dir(data_dir), *sorted((data_dir / "archive").glob("??"))]
    for folder in folders:
        if not folder.is_dir():
            continue
        for tmp in folder.glob(f"{INCOMING_PREFIX}*.tmp"):
            match = _STAGED_NAME.match(tmp.name)
            host, pid = (match.group(2), match.group(3)) if match else (None, None)
            if host is not None and host == _host():
                if not _writer_alive(host, pid):
                    stale.append(tmp)
                continue
            limit = max(max_age_seconds, 86_400.0) if host is not None else max_age_seconds
            try:
                if now - tmp.lstat().st_mtime >= limit:
                    stale.append(tmp)
            except FileNotFoundError:  # another process just finished with it
                continue
    for tmp in stale:
        match = _STAGED_NAME.match(tmp.name)
        known = None
        if match and engine is not None:
            with engine.connect() as conn:
                known = _stored_path(conn, match.group(1))
        try:
            if known is not None and match is not None:
                dest = _absolute(data_dir, known)
                if not dest.is_file() and hashlib.sha256(tmp.read_bytes()).hexdigest() == match.group(1):
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(tmp, dest)
                    log.warning("archive: recovered %s from a staged copy", dest)
                    continue
            tmp.unlink(missing_ok=True)
            log.info("archive: removed stale staged file %s", tmp)
        except OSError as exc:
            log.warning("archive: could not clear %s: %s", tmp, exc)
    return stale


def sweep_incoming_now_and_then(data_dir: Path, engine: Engine | None = None) -> None:
    """`sweep_incoming` at most once a minute per archive and process (ingest calls it on every file)."""
    key = str(Path(data_dir).resolve())
    now = time.monotonic()
    if now - _last_sweep.get(key, -_SWEEP_EVERY_SECONDS) < _SWEEP_EVERY_SECONDS:
        return
    _last_sweep[key] = now
    try:
        sweep_incoming(data_dir, engine)
    except Exception:  # housekeeping must never stop an ingest
        log.exception("archive: sweeping stale staged files failed")


# ---------------------------------------------------------------------------------------- issues JSON


def issues_to_json(issues: Sequence[Issue]) -> str:
    """Serialise issues for the `issues_json` column."""
    out = []
    for i in issues:
        d = dataclasses.asdict(i)
        d["severity"] = i.severity.value
        d["extra"] = {k: v for k, v in i.extra.items() if isinstance(v, str | int | float | bool | None)}
        out.append(d)
    return json.dumps(out, ensure_ascii=False)


def issues_from_json(text: str | None) -> list[Issue]:
    """Rebuild issues stored by `issues_to_json`."""
    names = {f.name for f in dataclasses.fields(Issue)}
    out = []
    for d in json.loads(text or "[]"):
        d = {k: v for k, v in d.items() if k in names}
        d["severity"] = Severity(d.get("severity", "error"))
        out.append(Issue(**d))
    return out


# ------------------------------------------------------------------------------------------ writing


def _audit(
    conn: Connection,
    who: str,
    action: str,
    submission_id: int | None,
    detail: str | None,
    actor: str | None = None,
) -> None:
    conn.execute(
        insert(audit_t).values(
            at=utcnow(), who=who, action=action, submission_id=submission_id, detail=detail, actor=actor
        )
    )


def insert_submission(conn: Connection, **values: Any) -> int:
    """Insert one submission row and return its id."""
    values.setdefault("submitted_at", utcnow())
    result = conn.execute(insert(subs_t).values(**values).returning(subs_t.c.id))
    return int(result.scalar_one())


def insert_observations(conn: Connection, submission_id: int, obs: pl.DataFrame) -> int:
    """Insert an observation frame for a submission in chunks (Core executemany); return the row count."""
    frame = obs.select(pl.col(c).cast(t) for c, t in OBSERVATION_SCHEMA.items()).rename(_SQL_NAME)
    frame = frame.with_columns(
        # NaN is not a number a database can compare; validation rejects it before we get here.
        pl.col(c).fill_nan(None)
        for c in ("value", "numerator", "denominator")
    ).with_columns(submission_id=pl.lit(submission_id, pl.Int64))
    for start in range(0, frame.height, _INSERT_CHUNK):
        conn.execute(insert(obs_t), frame.slice(start, _INSERT_CHUNK).to_dicts())
    return frame.height


def export_months(conn: Connection, export_id: str, department: str | None) -> pl.DataFrame:
    """Accepted submissions of one report-system export (and department): one row per month they cover.

    Columns: submission_id, file_name, period, rows_read, n_observations, periods (all the file's months).
    """
    s = subs_t
    rows = conn.execute(
        select(s.c.id, s.c.file_name, s.c.periods, s.c.rows_read, s.c.n_observations).where(
            s.c.status == "accepted",
            s.c.export_id == export_id,
            s.c.department.is_not_distinct_from(department),
        )
    ).all()
    frame = pl.DataFrame(
        [tuple(r) for r in rows],
        schema={
            "submission_id": pl.Int64,
            "file_name": pl.String,
            "periods": pl.String,
            "rows_read": pl.Int64,
            "n_observations": pl.Int64,
        },
        orient="row",
    )
    return (
        frame.with_columns(pl.col("periods").str.split(",").alias("period"))
        .explode("period")
        .filter(pl.col("period").fill_null("") != "")
    )


def _months_replaced(conn: Connection, new_id: int) -> list[int]:
    """Earlier accepted submissions of the same export and department whose every month a later one covers."""
    new = conn.execute(select(subs_t.c.export_id, subs_t.c.department).where(subs_t.c.id == new_id)).first()
    if new is None or new.export_id is None:
        return []
    months = export_months(conn, new.export_id, new.department)
    # a month belongs to the latest accepted submission that covers it
    owned = months.with_columns(
        (pl.col("submission_id") == pl.col("submission_id").max().over("period")).alias("owner")
    )
    gone = owned.group_by("submission_id").agg(pl.col("owner").any().not_().alias("gone"))
    return sorted(gone.filter(pl.col("gone") & (pl.col("submission_id") < new_id))["submission_id"].to_list())


def mark_superseded(conn: Connection, new_id: int) -> list[int]:
    """Mark earlier accepted submissions that no longer provide any current value; return their ids.

    Workbooks: a key is (indicator, unit_code, period); the most recent accepted submission wins per key,
    so an older submission stays `accepted` as long as it still provides at least one current value.
    Report-system exports are replaced by month as a whole (see `current_observations`): an earlier
    file of the same export and department is superseded once later files cover all its months.
    """
    o, o_new, o_later = obs_t.alias("o"), obs_t.alias("o_new"), obs_t.alias("o_later")
    s_later = subs_t.alias("s_later")

    def same_key(a, b):  # type: ignore[no-untyped-def]
        return and_(a.c.indicator == b.c.indicator, a.c.unit_code == b.c.unit_code, a.c.period == b.c.period)

    overlaps_new = (
        select(literal(1))
        .select_from(o)
        .join(o_new, same_key(o, o_new))
        .where(o.c.submission_id == subs_t.c.id, o_new.c.submission_id == new_id)
    )
    shadowed_later = (
        select(literal(1))
        .select_from(o_later)
        .join(s_later, s_later.c.id == o_later.c.submission_id)
        .where(s_later.c.status == "accepted", s_later.c.id > o.c.submission_id, same_key(o_later, o))
    )
    still_current = (
        select(literal(1)).select_from(o).where(o.c.submission_id == subs_t.c.id, ~exists(shadowed_later))
    )
    candidates = select(subs_t.c.id).where(
        subs_t.c.status == "accepted",
        subs_t.c.id < new_id,
        exists(overlaps_new),
        ~exists(still_current),
    )
    ids = sorted({int(r) for r in conn.execute(candidates).scalars()} | set(_months_replaced(conn, new_id)))
    if ids:
        conn.execute(update(subs_t).where(subs_t.c.id.in_(ids)).values(status="superseded"))
        conn.execute(
            update(subs_t).where(subs_t.c.id == new_id).values(supersedes=",".join(str(i) for i in ids))
        )
    return ids


def accept(
    conn: Connection, *, values: dict[str, Any], obs: pl.DataFrame, who: str, action: str = "accept"
) -> tuple[int, list[int]]:
    """Within an open write transaction: store an accepted submission with its observations and mark
    what it supersedes; return (new id, superseded ids)."""
    refuse_if_locked(conn, str(values.get("periods") or "").split(","))  # checked again under the write lock
    new_id = insert_submission(conn, **{**values, "status": "accepted"})
    insert_observations(conn, new_id, obs)
    superseded = mark_superseded(conn, new_id)
    detail = {"observations": obs.height, "periods": values.get("periods"), "superseded": superseded}
    _audit(conn, who, action, new_id, json.dumps(detail, ensure_ascii=False), values.get("actor"))
    return new_id, superseded


def reject(conn: Connection, *, values: dict[str, Any], who: str) -> int:
    """Within an open write transaction: store a rejected submission (its issues, no observations)."""
    new_id = insert_submission(conn, **{**values, "status": "rejected"})
    _audit(conn, who, "reject", new_id, json.dumps({"errors": values.get("n_errors")}), values.get("actor"))
    return new_id


# ------------------------------------------------------------------------------------------ reading


def accepted_duplicate(conn: Connection, sha256: str) -> int | None:
    """The id of the latest accepted submission of exactly these bytes, if any."""
    row = conn.execute(
        select(func.max(subs_t.c.id)).where(subs_t.c.sha256 == sha256, subs_t.c.status == "accepted")
    ).scalar()
    return None if row is None else int(row)


def _empty_stored() -> pl.DataFrame:
    return pl.DataFrame(schema=STORED_SCHEMA)


def current_observations(
    engine: Engine, *, indicators: Iterable[str] | None = None, periods: Iterable[str] | None = None
) -> pl.DataFrame:
    """Observations of accepted submissions, one per (indicator, unit, period): the most recent wins.

    A report-system export counts for a month only while it is the latest accepted file of its export
    and department for that month: a newer file replaces it for that month as a whole, so a value the
    newer file no longer has is gone too — never a mix of two files. `indicators` / `periods` restrict
    what is read (ingest reads only what validation compares with).
    """
    o, s = obs_t, subs_t
    accepted = select(
        s.c.id.label("submission_id"),
        s.c.submitted_at.label("accepted_at"),
        s.c.export_id,
        s.c.department,
        s.c.periods,
    ).where(s.c.status == "accepted")
    # Plain columns only: timestamps are joined from the (small) submissions table in Polars, and the
    # "latest wins" choice is a sort + unique there too — both far cheaper than per-row work in SQL.
    query = select(
        *(o.c[_SQL_NAME.get(c, c)].label(c) for c in OBSERVATION_SCHEMA),
        o.c.submission_id,
    ).where(o.c.submission_id.in_(select(s.c.id).where(s.c.status == "accepted")))
    if indicators is not None:
        wanted = sorted(set(indicators))
        if not wanted:
            return _empty_stored()
        query = query.where(o.c.indicator.in_(wanted))
    if periods is not None:
        wanted_periods = sorted(set(periods))
        if not wanted_periods:
            return _empty_stored()
        query = query.where(o.c.period.in_(wanted_periods))
    schema = {**OBSERVATION_SCHEMA, "submission_id": pl.Int64()}
    with engine.connect() as conn:
        subs = pl.read_database(
            accepted,
            conn,
            schema_overrides={
                "submission_id": pl.Int64,
                "accepted_at": pl.Datetime("us"),
                "export_id": pl.String,
                "department": pl.String,
                "periods": pl.String,
            },
        )
        df = pl.read_database(query, conn, schema_overrides=schema)
    if df.is_empty():
        return _empty_stored()
    keys = ["indicator", "unit_code", "period"]
    return (
        df.join(_replaced_months(subs), on=["submission_id", "period"], how="anti")
        .sort("submission_id", descending=True)
        .unique(keys, keep="first")
        .join(
            subs.select(
                pl.col("submission_id").cast(pl.Int64), pl.col("accepted_at").cast(pl.Datetime("us"))
            ),
            on="submission_id",
            how="left",
        )
        .select(pl.col(c).cast(t) for c, t in STORED_SCHEMA.items())
        .sort(keys)
    )


def _replaced_months(subs: pl.DataFrame) -> pl.DataFrame:
    """(submission_id, period) of export files a later accepted file of the same export and department
    replaces for that month."""
    months = (
        subs.filter(pl.col("export_id").is_not_null())
        .select(
            pl.col("submission_id").cast(pl.Int64),
            "export_id",
            "department",
            pl.col("periods").str.split(",").alias("period"),
        )
        .explode("period")
        .filter(pl.col("period").fill_null("") != "")
    )
    latest = pl.col("submission_id").max().over("export_id", "department", "period")
    return months.filter(pl.col("submission_id") != latest).select("submission_id", "period")


def submission_observations(engine: Engine, submission_id: int) -> pl.DataFrame:
    """Every observation stored for one submission, in the observation schema."""
    o = obs_t
    query = (
        select(
            *(o.c[_SQL_NAME.get(c, c)].label(c) for c in OBSERVATION_SCHEMA),
        )
        .where(o.c.submission_id == submission_id)
        .order_by(o.c.id)
    )
    with engine.connect() as conn:
        df = pl.read_database(query, conn, schema_overrides=OBSERVATION_SCHEMA)
    return df.select(pl.col(c).cast(t) for c, t in OBSERVATION_SCHEMA.items())


def submissions(engine: Engine, *, department: str | None = None, limit: int | None = None) -> pl.DataFrame:
    """Submissions newest first (without the issue list), optionally for one department."""
    query = select(*(subs_t.c[c] for c in SUBMISSION_SCHEMA)).order_by(subs_t.c.id.desc())
    if department is not None:
        query = query.where(subs_t.c.department == department)
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as conn:
        df = pl.read_database(query, conn, schema_overrides=SUBMISSION_SCHEMA)
    if df.is_empty():
        return pl.DataFrame(schema=SUBMISSION_SCHEMA)
    return df.select(pl.col(c).cast(t) for c, t in SUBMISSION_SCHEMA.items())


def submission(engine: Engine, submission_id: int) -> dict[str, Any]:
    """One submission row as a dict (with `issues` rebuilt); IssueError `submission-not-found` if absent."""
    with engine.connect() as conn:
        row = conn.execute(select(subs_t).where(subs_t.c.id == submission_id)).mappings().first()
    if row is None:
        raise IssueError([_not_found(submission_id)])
    out = dict(row)
    out["issues"] = issues_from_json(out.pop("issues_json"))
    return out


def submission_issues(engine: Engine, submission_id: int) -> list[Issue]:
    """The full issue list recorded with a submission."""
    return submission(engine, submission_id)["issues"]


def last_submission_per_department(engine: Engine) -> pl.DataFrame:
    """Per department: its latest submission (any status) and when it last had one accepted."""
    s = subs_t
    last_any = (
        select(s.c.department, func.max(s.c.id).label("submission_id"))
        .where(s.c.department.is_not(None))
        .group_by(s.c.department)
        .subquery()
    )
    last_ok = (
        select(s.c.department, func.max(s.c.submitted_at).label("last_accepted_at"))
        .where(s.c.department.is_not(None), s.c.status.in_(("accepted", "superseded")))
        .group_by(s.c.department)
        .subquery()
    )
    query = (
        select(
            last_any.c.department,
            last_any.c.submission_id,
            s.c.submitted_at,
            s.c.status,
            s.c.periods,
            s.c.file_name,
            last_ok.c.last_accepted_at,
        )
        .select_from(
            last_any.join(s, s.c.id == last_any.c.submission_id).outerjoin(
                last_ok, last_ok.c.department == last_any.c.department
            )
        )
        .order_by(last_any.c.department)
    )
    schema = {
        "department": pl.String(),
        "submission_id": pl.Int64(),
        "submitted_at": pl.Datetime("us"),
        "status": pl.String(),
        "periods": pl.String(),
        "file_name": pl.String(),
        "last_accepted_at": pl.Datetime("us"),
    }
    with engine.connect() as conn:
        df = pl.read_database(query, conn, schema_overrides=schema)
    if df.is_empty():
        return pl.DataFrame(schema=schema)
    return df.select(pl.col(c).cast(t) for c, t in schema.items())


# ------------------------------------------------------------------------------ withdraw / restore


def _not_found(submission_id: int) -> Issue:
    return issue("submission-not-found", value=str(submission_id), submission=str(submission_id))


def _status_words(status: str | None) -> Words | str:
    """A submission's status as each language says it ("đã rút" / "withdrawn")."""
    key = f"phrase.status-{status}"
    return words(key) if key in CATALOG else str(status)


def _periods_of(conn: Connection, submission_id: int) -> list[str]:
    periods = conn.execute(select(subs_t.c.periods).where(subs_t.c.id == submission_id)).scalar()
    return str(periods or "").split(",")


def _status_of(conn: Connection, submission_id: int) -> str:
    status = conn.execute(select(subs_t.c.status).where(subs_t.c.id == submission_id)).scalar()
    if status is None:
        raise IssueError([_not_found(submission_id)])
    return str(status)


def _authorize(conn: Connection, submission_id: int, actor: User | None) -> None:
    """Refuse (IssueError) when `actor` may not withdraw or restore this submission: a department account
    acts on its own department's workbooks only, exports are the administrator's, a viewer acts on nothing."""
    row = conn.execute(
        select(subs_t.c.department, subs_t.c.export_id).where(subs_t.c.id == submission_id)
    ).first()
    if row is None:
        raise IssueError([_not_found(submission_id)])
    require_write(actor, row.department, export=row.export_id is not None)


def withdraw(
    engine: Engine,
    submission_id: int,
    who: str | None = None,
    *,
    note: str | None = None,
    actor: User | None = None,
) -> None:
    """Take an accepted submission out of the dashboard; it stays in history and can be restored.

    `actor` is the acting account (None: a trusted system path, see `ioc.accounts`); `who` defaults to
    its label. Who withdrew it, when and why (`note`) stay on the submission and in the audit trail.
    """
    who = who or (actor.label if actor is not None else "system")
    with write_transaction(engine) as conn:
        _authorize(conn, submission_id, actor)
        status = _status_of(conn, submission_id)
        if status != "accepted":
            raise IssueError(
                [
                    issue(
                        "cannot-withdraw",
                        value=status,
                        expected="accepted",
                        submission=str(submission_id),
                        status=_status_words(status),
                    )
                ]
            )
        refuse_if_locked(conn, _periods_of(conn, submission_id), action="withdraw")
        conn.execute(
            update(subs_t)
            .where(subs_t.c.id == submission_id)
            .values(status="withdrawn", withdrawn_by=who, withdrawn_at=utcnow(), withdraw_note=note)
        )
        _audit(conn, who, "withdraw", submission_id, note, actor.username if actor else None)


def restore(
    engine: Engine,
    submission_id: int,
    who: str | None = None,
    *,
    note: str | None = None,
    actor: User | None = None,
) -> int:
    """Make a superseded or withdrawn submission current again by accepting a copy; return the copy's id.

    Nothing is deleted or rewritten: the copy is a new submission with `restored_from` = the old id, so
    it wins over everything accepted before it, and history shows who restored what, when and why
    (`note`). `actor` as for `withdraw`.
    """
    who = who or (actor.label if actor is not None else "system")
    with write_transaction(engine) as conn:
        _authorize(conn, submission_id, actor)
        row = conn.execute(select(subs_t).where(subs_t.c.id == submission_id)).mappings().first()
        if row is None:
            raise IssueError([_not_found(submission_id)])
        if row["status"] not in ("superseded", "withdrawn"):
            raise IssueError(
                [
                    issue(
                        "cannot-restore",
                        value=str(row["status"]),
                        expected="superseded, withdrawn",
                        submission=str(submission_id),
                        status=_status_words(str(row["status"])),
                    )
                ]
            )
        refuse_if_locked(conn, str(row["periods"] or "").split(","), action="restore")
        keep = (
            "sha256",
            "file_name",
            "source",
            "export_id",
            "department",
            "periods",
            "rows_read",
            "n_observations",
            "n_errors",
            "n_warnings",
            "issues_json",
        )
        new_id = insert_submission(
            conn,
            **{k: row[k] for k in keep},
            status="accepted",
            submitted_by=who,
            note=f"restored from #{submission_id}" + (f": {note}" if note else ""),
            restored_from=submission_id,
            actor=actor.username if actor else None,
        )
        cols = [c for c in obs_t.c if c.name not in ("id", "submission_id")]
        conn.execute(
            insert(obs_t).from_select(
                ["submission_id", *(c.name for c in cols)],
                select(literal(new_id), *cols).where(obs_t.c.submission_id == submission_id),
            )
        )
        superseded = mark_superseded(conn, new_id)
        detail = {"restored_from": submission_id, "superseded": superseded, "note": note}
        _audit(
            conn,
            who,
            "restore",
            new_id,
            json.dumps(detail, ensure_ascii=False),
            actor.username if actor else None,
        )
        return new_id


def audit_log(engine: Engine, *, limit: int | None = 200) -> pl.DataFrame:
    """The audit trail, newest first: who did what to which submission."""
    query = select(audit_t).order_by(audit_t.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    schema = {
        "id": pl.Int64(),
        "at": pl.Datetime("us"),
        "who": pl.String(),
        "action": pl.String(),
        "submission_id": pl.Int64(),
        "detail": pl.String(),
        "actor": pl.String(),
    }
    with engine.connect() as conn:
        df = pl.read_database(query, conn, schema_overrides=schema)
    if df.is_empty():
        return pl.DataFrame(schema=schema)
    return df.select(pl.col(c).cast(t) for c, t in schema.items())
