"""The one ingest path for every file, used by the command line, the inbox and the upload page:
gate → archive → duplicate check → detect and read (in a worker process, `ioc.parse_worker`) → crosswalk →
validate → one transaction.

`ingest(path, config, engine, data_dir, IngestOptions(...))` is the entry point; `ingest_file` takes the same
options as keywords (what the command line and the demo call).
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import hashlib
import io
import logging
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl
from sqlalchemy import Engine

from data_sources import Progress
from ioc import filegate, ledger, meeting_locks, store, validation
from ioc.accounts import DEPARTMENT, User, write_refusal
from ioc.config import Config
from ioc.i18n import format_period
from ioc.issues import Issue, cap_issues
from ioc.messages import Num, Words, issue, period_words, warning, words
from ioc.observations import conform
from ioc.parse_worker import ParseLimits, ParseRequest, read_file
from ioc.periods import is_period, local_today, period_end, period_start, shift
from ioc.replacement import Replacement, plan_replacement

log = logging.getLogger(__name__)

Status = Literal["accepted", "rejected", "duplicate", "dry-run", "waiting", "busy", "skipped"]


@dataclass
class IngestReport:
    """What happened to one file.

    status: "accepted" / "rejected" (stored as such), "duplicate" (the same bytes are already accepted:
    nothing changed), "dry-run" (would be accepted; nothing stored). A dry run that finds errors
    reports "rejected" with no submission id, unless asked to record rejections (the Upload page's check
    step), when it has one. "waiting": targets.yaml is broken for this file, which is not the file's fault:
    nothing is recorded, and the file is to be ingested again once the config is fixed. "busy": another
    writer held the ledger for longer than a writer waits; nothing was stored (nor archived) and the file
    is to be sent again. "skipped": an inbox entry that is not ingested (a hidden name), with a note.
    """

    file_name: str
    status: Status = "rejected"
    submission_id: int | None = None
    sha256: str = ""
    source: str | None = None
    export_id: str | None = None
    department: str | None = None
    periods: list[str] = field(default_factory=list)
    rows_read: int = 0
    n_observations: int = 0
    units: int = 0
    issues: list[Issue] = field(default_factory=list)
    duplicate_of: int | None = None
    superseded: list[int] = field(default_factory=list)
    seconds: float = 0.0
    observations: pl.DataFrame | None = None  # the parsed frame (dry runs and accepted files), for previews
    replacement: Replacement | None = None  # the earlier export file(s) this one replaces, by month
    parse_peak_mb: float = 0.0  # peak resident memory of the worker process that read the file

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    @property
    def ok(self) -> bool:
        """True when the file was (or, in a dry run, would be) accepted, or is an accepted duplicate."""
        return self.status in ("accepted", "duplicate", "dry-run")


def config_errors(issues: list[Issue]) -> list[Issue]:
    """The errors that lie in targets.yaml rather than in the data file (a file is never rejected for them)."""
    return [i for i in issues if i.is_error and (i.code == "export-config" or i.file == "targets.yaml")]


def _internal_error(file: str, exc: BaseException | str) -> Issue:
    what = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
    return issue("internal-error", file=file, error=what)


class _NotRegularError(OSError):
    """The path is a link, a folder, a pipe or a device: not a file whose bytes can be taken."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def _kind_of(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def _read_regular(path: Path, max_bytes: int, *, follow_links: bool) -> tuple[int, bytes | None]:
    """(size, bytes) of a regular file, or (size, None) when it is larger than `max_bytes` (not read).

    The checks are made on the opened descriptor (`fstat`), so a name swapped for a link or a pipe
    between listing and reading is refused too; a pipe is opened without blocking and never read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not follow_links:
        if path.is_symlink():
            raise _NotRegularError("symlink")
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow_links and exc.errno == errno.ELOOP:  # O_NOFOLLOW met a link
            raise _NotRegularError("symlink") from exc
        raise
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _NotRegularError(_kind_of(info.st_mode))
        if info.st_size > max_bytes:
            return info.st_size, None
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew while we read
        return len(data), None
    return len(data), data


def _not_a_file(file: str, what: str) -> Issue:
    kind = (
        what.replace(" ", "-")
        if what in ("symlink", "folder", "pipe", "socket", "device")
        else "special-file"
    )
    return issue(
        "not-a-regular-file", file=file, value=what, expected="a regular file", what=words(f"phrase.{kind}")
    )


def _too_large(file: str, size: int, max_bytes: int) -> Issue:
    mb = 1024 * 1024
    return issue(
        "file-too-large",
        file=file,
        value=f"{size} bytes",
        expected=f"at most {max_bytes} bytes",
        size=Num(size / mb, 1),
        limit=Num(max_bytes / mb, 0),
    )


def _no_observations(file: str) -> Issue:
    return issue("no-observations", file=file)


def _apply_crosswalk(obs: pl.DataFrame, config: Config) -> tuple[pl.DataFrame, list[Issue]]:
    """Map observations reported under former communes onto today's communes (when a crosswalk exists)."""
    if config.registry.crosswalk is None or obs.is_empty():
        return obs, []
    from ioc.rollup import rollup_crosswalk

    frame, issues = rollup_crosswalk(obs, config.registry.crosswalk, config)
    return frame, list(issues)


def ingest_file(
    path: Path,
    config: Config,
    engine: Engine,
    data_dir: Path,
    *,
    who: str | None = None,
    actor: User | None = None,
    display_name: str | None = None,
    source: str | None = None,
    export_id: str | None = None,
    department: str | None = None,
    period: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    max_bytes: int = filegate.MAX_BYTES,
    note: str | None = None,
    submitted_at: dt.datetime | None = None,
    kinds: Collection[str] | None = None,
    record_rejected: bool = False,
    follow_links: bool = True,
    limits: ParseLimits | None = None,
    today: dt.date | None = None,
) -> IngestReport:
    """Ingest one file: accepted whole (one transaction) or rejected whole; never raises at the user.

    `submitted_at` records when the file reached the IOC when that was earlier than now (a back-filled
    history, a file recovered from e-mail); it defaults to now. `kinds` names the data sources this
    channel takes (`data_sources.registry.DEPARTMENT_SOURCES` on the department page); a file of another
    kind is rejected. `record_rejected` makes a dry run (the Upload page's check step) archive and record
    a file it rejects, as a rejected submission that supersedes nothing — every file's bytes are kept.
    `follow_links=False` (the inbox) refuses a symbolic link instead of reading what it points to.
    `limits` bound the worker process that reads the file (memory, CPU time, wall clock).

    The steps: size → gate (bytes only) → stage → duplicate check → detect and read in a worker process
    with memory and time limits → crosswalk → validate → record.

    `actor` is the acting account (`ioc.accounts`): a department account sends workbooks of its own
    department only (a `department`, `export_id` or `_meta` sheet naming another is refused), a viewer
    nothing, an administrator anything; None is a trusted system path (the server's command line without
    `--user`, the demo). A refusal before the file is read stores nothing; one found in the file (its
    `_meta` names another department) is recorded as a rejected submission in the actor's own history.
    `who` (the name shown in history) defaults to the actor's label. A period that has not ended by
    `today` (the province's date; default now) is refused, and so is a value for a period that has not begun.

    The bytes are staged (written and flushed to disk) before any parser sees them, and enter the archive
    in the same step as their ledger row: never a row without bytes, nor archived bytes without a row.
    """
    t0 = time.perf_counter()
    path = Path(path)
    name = display_name or path.name
    who = who or (actor.label if actor is not None else "system")
    if today is None:
        from ioc.settings import get_settings

        today = local_today(get_settings().timezone)
    if actor is not None and actor.role == DEPARTMENT:
        # a department account sends its own workbooks: the channel narrows whatever the caller asked for
        from data_sources.registry import DEPARTMENT_SOURCES

        kinds = DEPARTMENT_SOURCES if kinds is None else frozenset(kinds) & DEPARTMENT_SOURCES
        department = department or actor.department
    report = IngestReport(file_name=name, source=source, export_id=export_id, department=department)

    def done() -> IngestReport:
        report.seconds = time.perf_counter() - t0
        return report

    refused = _refused_up_front(actor, department, export_id, period, today)
    if refused:  # nothing read, nothing stored: the request itself is not allowed
        report.issues = refused
        return done()

    try:
        # the size first: an oversized file is never read into memory nor archived
        size, data = _read_regular(path, max_bytes, follow_links=follow_links)
    except _NotRegularError as exc:
        report.issues = [_not_a_file(name, exc.what)]
        return done()
    except OSError as exc:
        report.issues = [issue("unreadable-file:os", file=name, error=exc.strerror or exc)]
        return done()
    if data is None:
        report.issues = [_too_large(name, size, max_bytes)]
        return done()

    shape = filegate.inspect_file(
        data,
        name,
        max_bytes=max_bytes,
        max_uncompressed=max(filegate.MAX_UNCOMPRESSED, 10 * max_bytes),
    )
    gate = shape.issues
    ledger.sweep_incoming_now_and_then(data_dir, engine)
    # Staged before anything parses the file: nothing a department sent is lost to a parser, and the
    # bytes enter the archive with their ledger row (see `ledger.archived_transaction`).
    staged = ledger.stage_bytes(data, data_dir, name) if (not dry_run or record_rejected) else None
    try:
        return _ingest_staged(
            report,
            done,
            path,
            data,
            gate,
            staged,
            config,
            engine,
            who=who,
            source=source,
            export_id=export_id,
            department=department,
            period=period,
            dry_run=dry_run,
            progress=progress,
            note=note,
            submitted_at=submitted_at,
            kinds=kinds,
            shape=shape,
            limits=limits,
            actor=actor,
            today=today,
        )
    except store.LedgerBusyError as busy:
        # another writer held the lock too long: nothing stored, nothing archived; the file is sent again
        report.status, report.submission_id = "busy", None
        report.issues = [*busy.issues]
        return done()
    finally:
        if staged is not None:
            staged.discard()


def _ingest_staged(
    report: IngestReport,
    done: Callable[[], IngestReport],
    path: Path,
    data: bytes,
    gate: list[Issue],
    staged: ledger.StagedFile | None,
    config: Config,
    engine: Engine,
    *,
    who: str,
    source: str | None,
    export_id: str | None,
    department: str | None,
    period: str | None,
    dry_run: bool,
    progress: Progress | None,
    note: str | None,
    submitted_at: dt.datetime | None,
    kinds: Collection[str] | None,
    shape: filegate.GateReport,
    limits: ParseLimits | None,
    actor: User | None,
    today: dt.date,
) -> IngestReport:
    """Everything after the file is staged: duplicate check, parse, validate, record."""
    name = report.file_name
    sha = staged.sha256 if staged is not None else hashlib.sha256(data).hexdigest()
    report.sha256 = sha

    base = {
        "sha256": sha,
        "file_name": name,
        "submitted_by": who,
        "actor": actor.username if actor is not None else None,
        "note": note,
        **({"submitted_at": submitted_at} if submitted_at is not None else {}),
    }

    def finish_rejected(issues: list[Issue]) -> IngestReport:
        report.issues = issues
        report.status = "rejected"
        if staged is not None:
            values = {
                **base,
                "source": report.source or "unknown",
                "export_id": report.export_id,
                "department": report.department,
                "periods": ",".join(report.periods),
                "rows_read": report.rows_read,
                "n_observations": report.n_observations,
                "n_errors": len(report.errors),
                "n_warnings": len(report.warnings),
                "issues_json": ledger.issues_to_json(issues),
            }
            with ledger.archived_transaction(engine, staged) as conn:
                report.submission_id = ledger.reject(conn, values=values, who=who)
        return done()

    if any(i.is_error for i in gate):
        return finish_rejected(gate)

    with engine.connect() as conn:
        dup = ledger.accepted_duplicate(conn, sha)
    if dup is not None:
        report.status = "duplicate"
        report.duplicate_of = dup
        report.issues = [warning("duplicate-file", file=name, submission=str(dup))]
        return done()

    outcome = read_file(
        ParseRequest(
            path=str(path),
            name=name,
            source=source,
            export_id=export_id,
            department=department,
            period=period,
            sparse_parts=shape.sparse_parts,
            sheet_names=tuple((sh.part, sh.name) for sh in shape.sheets),
            allowed=tuple(kinds) if kinds is not None else None,
        ),
        config,
        limits,
        progress,
    )
    report.parse_peak_mb = outcome.peak_rss_mb
    if outcome.source is not None:
        report.source = outcome.source
    if outcome.crash is not None:  # a loader bug must not become a traceback in front of a user
        log.error("reading %s failed: %s", name, outcome.crash_trace or outcome.crash)
        return finish_rejected([*gate, _internal_error(name, outcome.crash)])
    if outcome.result is None:  # detection failed, or the file could not be read safely
        return finish_rejected(cap_issues([*gate, *outcome.issues]))
    result = outcome.result
    report.export_id = outcome.export_id
    try:
        obs = conform(result.observations)
        obs, xwalk_issues = _apply_crosswalk(obs, config)
        obs = conform(obs)
    except Exception as exc:  # a bug here must not become a traceback in front of a user
        log.exception("normalising %s failed", name)
        return finish_rejected([*gate, _internal_error(name, exc)])

    if config_errors(result.issues):  # the configuration's fault: record nothing, the file waits
        report.issues, report.status = config_errors(result.issues), "waiting"
        return done()
    report.rows_read = result.rows_read
    report.department = result.department or department
    report.export_id = result.export_id or report.export_id
    report.n_observations = obs.height
    report.units = obs["unit_code"].n_unique() if obs.height else 0
    report.periods = sorted(p for p in obs["period"].unique().to_list() if p is not None)
    report.observations = obs

    access = _refused_in_file(report, obs, actor, today)
    if access:
        if actor is not None and actor.role == DEPARTMENT:
            report.department = actor.department  # the attempt goes to the actor's history, not the other's
        return finish_rejected([*access, *gate, *result.issues])

    issues = [*gate, *result.issues, *xwalk_issues]
    if obs.is_empty() and not any(i.is_error for i in issues):
        issues.append(_no_observations(name))
    # A period locked for the monthly meeting takes no new data, whatever the channel (page, CLI, inbox).
    issues += meeting_locks.lock_issues(engine, report.periods)
    if not obs.is_empty():
        indicators = [i for i in obs["indicator"].unique().to_list() if i is not None]
        # Validation compares with the same periods (other communes) and the periods just before.
        near = set(report.periods) | {shift(p, -1) for p in report.periods if is_period(p)}
        previous = ledger.current_observations(engine, indicators=indicators, periods=near)
        try:
            issues += validation.validate(obs, config, previous=previous, department=department)
        except Exception as exc:  # a validation bug rejects the file with a message, not a traceback
            log.exception("validating %s failed", name)
            issues.append(_internal_error(name, exc))
    issues = cap_issues(issues)  # a million bad rows are listed as 50 and counted
    if any(i.is_error for i in issues):
        return finish_rejected(issues)

    # An export replaces, month by month, the file that counts today: say which, and how much changes.
    report.replacement, shrink = plan_replacement(
        engine,
        config,
        obs,
        export_id=report.export_id,
        department=report.department,
        rows_read=report.rows_read,
        file=name,
    )
    issues += shrink
    report.issues = issues
    if dry_run:
        report.status = "dry-run"
        return done()
    assert staged is not None  # a real run always stages
    values = {
        **base,
        "source": report.source,
        "export_id": report.export_id,
        "department": report.department,
        "periods": ",".join(report.periods),
        "rows_read": report.rows_read,
        "n_observations": obs.height,
        "n_errors": 0,
        "n_warnings": len(issues),
        "issues_json": ledger.issues_to_json(issues),
    }
    try:
        with ledger.archived_transaction(engine, staged, keep_on_error=True) as conn:
            # Re-check inside the write lock: a concurrent upload of the same bytes may have just landed.
            dup = ledger.accepted_duplicate(conn, sha)
            if dup is None:
                report.submission_id, report.superseded = ledger.accept(conn, values=values, obs=obs, who=who)
    except meeting_locks.PeriodLockedError as locked:  # locked between the check and the write
        return finish_rejected([*issues, *locked.issues])
    if dup is not None:
        report.status, report.duplicate_of = "duplicate", dup
        return done()
    report.status = "accepted"
    return done()


def _period_not_ended(period: str, today: dt.date) -> Issue:
    return issue(
        "period-not-ended",
        value=period,
        expected=f"a period ended before {today:%Y-%m-%d}",
        period=period_words(period),
    )


def _refused_up_front(
    actor: User | None, department: str | None, export_id: str | None, period: str | None, today: dt.date
) -> list[Issue]:
    """What the request itself is not allowed to do, before any byte is read (nothing is recorded)."""
    if actor is not None:
        refusal = write_refusal(actor, department, export=export_id is not None)
        if refusal:
            return refusal
    if period is not None and is_period(period) and period_end(period) >= today:
        return [_period_not_ended(period, today)]
    return []


def _refused_in_file(
    report: IngestReport, obs: pl.DataFrame, actor: User | None, today: dt.date
) -> list[Issue]:
    """What the file's own content is not allowed to do: another department's `_meta`, an export sent by
    a department account, a value for a period that has not begun (in a department's workbook, or in any
    file a signed-in user sends)."""
    from data_sources.registry import EXPORT_SOURCES

    issues = list(write_refusal(actor, report.department, export=report.source in EXPORT_SOURCES))
    if actor is None and report.source in EXPORT_SOURCES:
        return issues  # the system path may load plans and back-filled exports as they come
    future = sorted(
        p
        for p in obs["period"].unique().to_list()
        if p is not None and is_period(p) and period_start(p) > today
    )
    if future:
        issues.append(
            issue(
                "future-period",
                file=report.file_name,
                value=", ".join(future),
                expected=f"periods up to {today:%Y-%m}",
                periods=Words(*(", ".join(format_period(p, lang) for p in future) for lang in ("vi", "en"))),
            )
        )
    return issues


def _safe_name(name: str) -> str:
    """A file name safe to create in a temporary folder, keeping the extension the loaders look at."""
    base = re.split(r"[\\/]", name)[-1].strip().lstrip(".")
    base = re.sub(r"[\x00-\x1f]", "", base)
    return base[:200] or "upload"


def ingest_bytes(
    data: bytes,
    name: str,
    config: Config,
    engine: Engine,
    data_dir: Path,
    *,
    who: str | None = None,
    **kwargs: Any,
) -> IngestReport:
    """Ingest uploaded bytes (the upload page): written to a private temporary file, then `ingest_file`."""
    with tempfile.TemporaryDirectory(prefix="ioc-upload-") as tmp:
        path = Path(tmp) / _safe_name(name)
        path.write_bytes(data)
        kwargs.setdefault("display_name", name)
        return ingest_file(path, config, engine, data_dir, who=who, **kwargs)


# --------------------------------------------------------------------------------------------- inbox

_LOCK_PREFIX = "~$"  # Excel's lock file beside a workbook that is open
_SKIP_SUFFIXES = (
    ".tmp",
    ".part",
    ".crdownload",
    ".errors.txt",
    ".errors.csv",
    ".waiting.txt",
    ".skipped.txt",
)
WAITING_SUFFIX = ".waiting.txt"
HIDDEN_NOTE = "hidden-files.skipped.txt"  # beside the files: which hidden names are not ingested


def _unique_destination(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / name
    if not os.path.lexists(dest):
        return dest
    stem, suffix = Path(name).stem, Path(name).suffix
    stamp = time.strftime("%Y%m%d-%H%M%S")
    n = 1
    while True:
        dest = folder / f"{stem}.{stamp}-{n}{suffix}"
        if not os.path.lexists(dest):
            return dest
        n += 1


# A cell starting with one of these is a formula to Excel (or becomes one after a tab or a line break).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """A CSV cell that Excel shows as text: text starting with `=`, `+`, `-`, `@`, a tab or a carriage
    return gets a leading single quote (OWASP, CSV injection); numbers and other text pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def write_issue_report(issues: list[Issue], dest: Path, header: str) -> tuple[Path, Path]:
    """Write `<file>.errors.txt` (English and Vietnamese, one issue per block) and `<file>.errors.csv`."""
    txt = dest.with_name(dest.name + ".errors.txt")
    lines = [header, ""]
    for i in issues:
        where = i.location() or i.file or ""
        lines.append(f"{where}: {i.severity.value}[{i.code}]")
        lines.append(f"  en: {i.message}" + (f" Hint: {i.hint}" if i.hint else ""))
        if i.message_vi:
            lines.append(f"  vi: {i.message_vi}" + (f" Gợi ý: {i.hint_vi}" if i.hint_vi else ""))
        if i.admin_hint:  # the inbox report is read by the administrator
            lines.append(f"  administrator: {i.admin_hint}")
            lines.append(f"  quản trị viên: {i.admin_hint_vi or i.admin_hint}")
        if i.value is not None or i.expected is not None:
            lines.append(f"  found: {i.value if i.value is not None else '—'}; expected: {i.expected or '—'}")
        lines.append("")
    txt.write_text("\n".join(lines), encoding="utf-8")
    csv_path = dest.with_name(dest.name + ".errors.csv")
    buf = io.StringIO()
    writer = csv.writer(buf)
    cols = [
        "severity",
        "code",
        "sheet",
        "row",
        "column",
        "value",
        "expected",
        "message",
        "message_vi",
        "hint",
        "hint_vi",
        "admin_hint",
        "admin_hint_vi",
    ]
    writer.writerow(cols)
    for i in issues:
        writer.writerow(
            [
                csv_safe(v)
                for v in (
                    i.severity.value,
                    i.code,
                    i.sheet or "",
                    "" if i.row is None else i.row,
                    i.column or "",
                    i.value or "",
                    i.expected or "",
                    i.message,
                    i.message_vi or "",
                    i.hint or "",
                    i.hint_vi or "",
                    i.admin_hint or "",
                    i.admin_hint_vi or "",
                )
            ]
        )
    # BOM so that Excel opens the Vietnamese text correctly.
    csv_path.write_text(buf.getvalue(), encoding="utf-8-sig")
    return txt, csv_path


def _inbox_entries(inbox: Path, min_age_seconds: float) -> tuple[list[Path], list[Path], list[Path]]:
    """(regular files to ingest, links and special files to refuse, hidden files to note), by name.

    Nothing is followed: an entry is judged by `lstat`, so a link is a link whatever it points to.
    Folders (`done/`, `rejected/`, anything else) are not entries. Files still being copied (younger
    than `min_age_seconds`), Excel's `~$` lock files and our own notes and reports are left alone.
    """
    files: list[Path] = []
    refused: list[Path] = []
    hidden: list[Path] = []
    if not inbox.is_dir():
        return files, refused, hidden
    now = time.time()
    for p in sorted(inbox.iterdir()):
        try:
            info = p.lstat()
        except FileNotFoundError:  # gone since the listing
            continue
        if stat.S_ISDIR(info.st_mode):
            continue
        name = p.name
        if name.startswith(_LOCK_PREFIX) or name.lower().endswith(_SKIP_SUFFIXES):
            continue
        if min_age_seconds and now - info.st_mtime < min_age_seconds:
            continue
        if not stat.S_ISREG(info.st_mode):
            refused.append(p)
        elif name.startswith("."):
            hidden.append(p)
        else:
            files.append(p)
    return files, refused, hidden


def inbox_files(inbox: Path, *, min_age_seconds: float = 0.0) -> list[Path]:
    """Regular files waiting in the inbox (not links, not hidden, old enough to be completely copied)."""
    return _inbox_entries(Path(inbox), min_age_seconds)[0]


def _note_hidden(inbox: Path, hidden: list[Path]) -> list[Path]:
    """Keep `HIDDEN_NOTE` listing the hidden files the inbox does not ingest; return the ones new to it.

    A hidden name is how copying tools name a file still in transit, and how systems name their own
    files, so it is never ingested — but it is reported once (in the run that first sees it) and stays
    listed in the note while it is there, so nobody waits for a file that will never be read.
    """
    note = inbox / HIDDEN_NOTE
    before = note.read_text(encoding="utf-8").splitlines() if note.is_file() else []
    listed = {line[2:] for line in before if line.startswith("- ")}
    names = [p.name for p in hidden]
    if not names:
        note.unlink(missing_ok=True)
        return []
    lines = [
        "These files start with '.', so the inbox does not ingest them. Rename a file without the leading "
        "dot to have it ingested.",
        "Các tệp sau có tên bắt đầu bằng dấu '.', nên hệ thống không nhập. Hãy đổi tên bỏ dấu '.' ở đầu "
        "để tệp được nhập.",
        "",
        *(f"- {n}" for n in names),
    ]
    text = "\n".join(lines) + "\n"
    if before != lines:
        note.write_text(text, encoding="utf-8")
    return [p for p in hidden if p.name not in listed]


def _hidden_report(path: Path) -> IngestReport:
    return IngestReport(
        file_name=path.name,
        status="skipped",
        issues=[warning("inbox-hidden-file", file=path.name)],
    )


def write_waiting_note(path: Path, issues: list[Issue]) -> Path:
    """Write `<file>.waiting.txt` beside a file the broken configuration keeps waiting in the inbox."""
    note = path.with_name(path.name + WAITING_SUFFIX)
    lines = [
        f"{path.name}: waiting — targets.yaml must be fixed before this file can be ingested; the file itself "
        "was not judged. It is picked up again once the configuration loads.",
        f"{path.name}: đang chờ — cần sửa targets.yaml trước khi nhập tệp này; tệp chưa bị đánh giá và sẽ "
        "được nhập lại khi cấu hình hợp lệ.",
        "",
    ]
    for i in issues:
        lines.append(f"{i.location() or i.file or ''}: {i.severity.value}[{i.code}] {i.field or ''}".rstrip())
        lines.append(f"  en: {i.message}" + (f" Hint: {i.hint}" if i.hint else ""))
        if i.message_vi:
            lines.append(f"  vi: {i.message_vi}" + (f" Gợi ý: {i.hint_vi}" if i.hint_vi else ""))
    text = "\n".join(lines) + "\n"
    if not note.is_file() or note.read_text(encoding="utf-8") != text:  # a watch repeats it every poll
        note.write_text(text, encoding="utf-8")
    return note


def hold_inbox(inbox: Path, issues: list[Issue], *, min_age_seconds: float = 0.0) -> list[Path]:
    """targets.yaml does not load: leave every waiting file in the inbox with a note saying why."""
    files = inbox_files(Path(inbox), min_age_seconds=min_age_seconds)
    for path in files:
        write_waiting_note(path, issues)
    return files


def ingest_inbox(
    inbox: Path,
    config: Config,
    engine: Engine,
    data_dir: Path,
    *,
    who: str | None = None,
    actor: User | None = None,
    min_age_seconds: float = 0.0,
    **kwargs: Any,
) -> list[IngestReport]:
    """Ingest every file waiting in `inbox`; move each to `done/` or `rejected/` (with an issue report).

    A file the configuration cannot handle stays in the inbox beside a `.waiting.txt` note; one the
    ledger was too busy to take stays for the next run. A link or a special file (pipe, device) is never
    followed nor read: it goes to `rejected/` with a report. Hidden names are listed in `HIDDEN_NOTE`
    and reported once.

    A sub-folder named after a department (`inbox/so_y_te/`, a share only that department can write) is
    that department's own inbox: its files are ingested with the department's rights (`inbox_actor`), so
    a file there whose `_meta` names another department is refused like an upload. A department account
    running the inbox (`--user`) reads its own folder only.
    """
    files = _ingest_inbox_folder(
        Path(inbox), config, engine, data_dir, who=who, actor=actor, min_age_seconds=min_age_seconds, **kwargs
    )
    departments = set(config.registry.departments["id"].to_list()) if config is not None else set()
    for folder in (
        sorted(p for p in Path(inbox).iterdir() if p.name in departments) if Path(inbox).is_dir() else []
    ):
        if folder.is_symlink() or not folder.is_dir():
            continue
        if actor is not None and not actor.can_write(folder.name):
            continue  # another department's folder: not this account's to read
        files += _ingest_inbox_folder(
            folder,
            config,
            engine,
            data_dir,
            who=None,
            actor=inbox_actor(folder.name),
            min_age_seconds=min_age_seconds,
            **{k: v for k, v in kwargs.items() if k != "department"},
        )
    return files


def inbox_actor(department: str) -> User:
    """The rights a department's inbox folder acts with: that department's, as a department account has."""
    return User(
        username=f"inbox/{department}",
        display_name=f"inbox/{department}",
        role=DEPARTMENT,
        department=department,
    )


def _ingest_inbox_folder(
    inbox: Path,
    config: Config,
    engine: Engine,
    data_dir: Path,
    *,
    who: str | None,
    actor: User | None,
    min_age_seconds: float,
    **kwargs: Any,
) -> list[IngestReport]:
    """One inbox folder (the top one, or a department's): see `ingest_inbox`."""
    ledger.sweep_incoming_now_and_then(data_dir, engine)  # clear what a killed run left half-written
    files, refused, hidden = _inbox_entries(inbox, min_age_seconds)
    reports = [_hidden_report(p) for p in _note_hidden(inbox, hidden)]
    for path in refused:
        report = IngestReport(file_name=path.name, status="rejected")
        report.issues = [_not_a_file(path.name, _kind_of(path.lstat().st_mode))]
        _move_with_report(inbox, path, report)
        reports.append(report)
    for path in files:
        try:
            report = ingest_file(
                path, config, engine, data_dir, who=who, actor=actor, follow_links=False, **kwargs
            )
        except Exception:
            # The database is unreachable or similar: leave the file where it is for the next run.
            log.exception("ingesting %s failed; the file stays in the inbox", path)
            continue
        if report.status == "waiting":
            write_waiting_note(path, report.issues)
            reports.append(report)
            continue
        if report.status == "busy":  # nothing stored: the next run tries again
            reports.append(report)
            continue
        path.with_name(path.name + WAITING_SUFFIX).unlink(missing_ok=True)
        _move_with_report(inbox, path, report)
        reports.append(report)
    return reports


def _move_with_report(inbox: Path, path: Path, report: IngestReport) -> None:
    """Move an inbox entry (the entry itself, never what a link points to) to `done/` or `rejected/`."""
    folder = inbox / ("rejected" if report.status == "rejected" else "done")
    dest = _unique_destination(folder, path.name)
    try:
        os.replace(path, dest)  # a rename moves a link or a pipe as it is, without opening it
    except OSError:
        shutil.move(str(path), dest)
    if report.status == "rejected":
        header = (
            f"{path.name}: rejected — {len(report.errors)} error(s), {len(report.warnings)} warning(s)"
            f"\n{path.name}: bị từ chối — {len(report.errors)} lỗi, {len(report.warnings)} cảnh báo"
        )
        write_issue_report(report.issues, dest, header)
