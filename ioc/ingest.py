"""The one ingest path for every file, used by the command line, the inbox and the upload page:
gate → detect → read (in a worker process, `ioc.parse_worker`) → validate → record.

`ingest(path, config, engine, data_dir, IngestRequest(...))` is the entry point; `ingest_file` and
`ingest_bytes` take the request's fields as keywords (what the command line, the upload page and the demo
call). The inbox is `ioc.inbox`; its names are re-exported here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import tempfile
import time
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import polars as pl
from sqlalchemy import Engine

from data_sources import ParseResult, Progress
from ioc import filegate, ledger, meeting_locks, store, validation
from ioc.accounts import DEPARTMENT, User
from ioc.config import Config
from ioc.file_bytes import NotRegularError, not_a_file, read_regular, too_large
from ioc.intake_rights import refused_in_file, refused_up_front
from ioc.issues import Issue, cap_issues
from ioc.messages import issue, warning
from ioc.observations import conform
from ioc.parse_worker import ParseLimits, ParseRequest, read_file
from ioc.periods import is_period, local_today, shift
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


@dataclass(frozen=True)
class IngestRequest:
    """What the caller asks of one file: who sends it, as what, and how far the intake goes.

    `display_name`: the file's name in the ledger and in messages (default: the path's). `who`: the name
    shown in history (default: the actor's label, or "system"). `actor`: the acting account
    (`ioc.accounts`): a department account sends workbooks of its own department only (a `department`,
    `export_id` or `_meta` sheet naming another is refused), a viewer nothing, an administrator anything;
    None is a trusted system path (the server's command line without `--user`, the demo). `source`,
    `export_id`, `department`, `period`: what the caller says the file is (None: found in the file).
    `kinds`: the data sources this channel takes (`data_sources.registry.DEPARTMENT_SOURCES` on the
    department page); a file of another kind is rejected. `dry_run`: judge, store nothing;
    `record_rejected` makes a dry run (the Upload page's check step) archive and record a file it rejects,
    as a rejected submission that supersedes nothing — every file's bytes are kept. `note`: kept with the
    submission. `submitted_at`: when the file reached the IOC when that was earlier than now (a back-filled
    history, a file recovered from e-mail). `today`: the province's date (default now): a period that has
    not ended by then is refused, and so is a value for a period that has not begun. `max_bytes`: the
    largest file the channel takes. `follow_links=False` (the inbox) refuses a symbolic link instead of
    reading what it points to. `limits` bound the worker process that reads the file (memory, CPU time,
    wall clock); `progress` is told how the read goes.
    """

    display_name: str | None = None
    who: str | None = None
    actor: User | None = None
    source: str | None = None
    export_id: str | None = None
    department: str | None = None
    period: str | None = None
    kinds: frozenset[str] | None = None
    dry_run: bool = False
    record_rejected: bool = False
    note: str | None = None
    submitted_at: dt.datetime | None = None
    today: dt.date | None = None
    max_bytes: int = filegate.MAX_BYTES
    follow_links: bool = True
    limits: ParseLimits | None = None
    progress: Progress | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # any collection of names is taken; kept as a frozenset so that the request stays a value
        if self.kinds is not None and not isinstance(self.kinds, frozenset):
            object.__setattr__(self, "kinds", frozenset(self.kinds))

    @property
    def stages(self) -> bool:
        """Whether the file's bytes are staged for the archive: a real run, or a check that records rejections."""
        return not self.dry_run or self.record_rejected


def _settled(request: IngestRequest) -> IngestRequest:
    """The request as the intake runs it: `who` and `today` filled in, and a department account's channel
    narrowed to its own workbooks and its own department, whatever the caller asked for."""
    actor = request.actor
    who = request.who or (actor.label if actor is not None else "system")
    today = request.today
    if today is None:
        from ioc.settings import get_settings

        today = local_today(get_settings().timezone)
    kinds, department = request.kinds, request.department
    if actor is not None and actor.role == DEPARTMENT:
        from data_sources.registry import DEPARTMENT_SOURCES

        kinds = DEPARTMENT_SOURCES if kinds is None else kinds & DEPARTMENT_SOURCES
        department = department or actor.department
    return replace(request, who=who, today=today, kinds=kinds, department=department)


@dataclass(frozen=True)
class _Staged:
    """A file past the size check and the gate: its name, the gate's verdict, and its bytes staged for the
    archive (`copy`; None in a dry run that records nothing)."""

    path: Path
    name: str
    shape: filegate.GateReport
    copy: ledger.StagedFile | None
    sha256: str

    @property
    def gate(self) -> list[Issue]:
        """The gate's issues about the bytes (errors reject the file before any parser sees it)."""
        return self.shape.issues


class _Rejected(Exception):  # noqa: N818 - a verdict, not an error: the file is rejected with these issues
    """Raised by a step that rejects the file; the pipeline records the rejection once."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(f"{len(issues)} issue(s)")
        self.issues = issues


def config_errors(issues: list[Issue]) -> list[Issue]:
    """The errors that lie in targets.yaml rather than in the data file (a file is never rejected for them)."""
    return [i for i in issues if i.is_error and (i.code == "export-config" or i.file == "targets.yaml")]


def _internal_error(file: str, exc: BaseException | str) -> Issue:
    what = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
    return issue("internal-error", file=file, error=what)


# ------------------------------------------------------------------------------------------ the pipeline


def ingest(
    path: Path, config: Config, engine: Engine, data_dir: Path, request: IngestRequest
) -> IngestReport:
    """Ingest one file: accepted whole (one transaction) or rejected whole; never raises at the user.

    The steps: what the request may do → size → gate (bytes only) → stage → duplicate check → detect and
    read in a worker process with memory and time limits → crosswalk → validate → record.

    A refusal before the file is read (the request itself, a link, an oversized file) stores nothing; one
    found in the file (its `_meta` names another department) is recorded as a rejected submission in the
    actor's own history. The bytes are staged (written and flushed to disk) before any parser sees them, and
    enter the archive in the same step as their ledger row: never a row without bytes, nor archived bytes
    without a row.
    """
    t0 = time.perf_counter()
    path = Path(path)
    request = _settled(request)
    report = IngestReport(
        file_name=request.display_name or path.name,
        source=request.source,
        export_id=request.export_id,
        department=request.department,
    )
    _intake(path, config, engine, Path(data_dir), request, report)
    report.seconds = time.perf_counter() - t0
    return report


def _intake(
    path: Path, config: Config, engine: Engine, data_dir: Path, request: IngestRequest, report: IngestReport
) -> None:
    """gate → stage → judge and record; `report` is filled in as the file goes."""
    assert request.today is not None  # settled
    refused = refused_up_front(
        request.actor, request.department, request.export_id, request.period, request.today
    )
    if refused:  # nothing read, nothing stored: the request itself is not allowed
        report.issues = refused
        return
    data, refused = _take_bytes(request, path, report.file_name)
    if data is None:  # not a regular file, unreadable or too large: nothing read into memory, nothing stored
        report.issues = refused
        return
    gate = _gate(request, report.file_name, data)
    staged = _stage(request, data_dir, engine, path, report.file_name, data, gate)
    try:
        _judge_and_record(request, staged, config, engine, report)
    except store.LedgerBusyError as busy:
        # another writer held the lock too long: nothing stored, nothing archived; the file is sent again
        report.status, report.submission_id = "busy", None
        report.issues = [*busy.issues]
    finally:
        if staged.copy is not None:
            staged.copy.discard()


def _judge_and_record(
    request: IngestRequest, staged: _Staged, config: Config, engine: Engine, report: IngestReport
) -> None:
    """Everything after the file is staged: duplicate check → detect and read → validate → record."""
    report.sha256 = staged.sha256
    try:
        if any(i.is_error for i in staged.gate):
            raise _Rejected(staged.gate)
        if _known_duplicate(staged, engine, report):
            return
        result, obs, crosswalk_issues = _detect_and_read(request, staged, config, report)
        if config_errors(result.issues):  # the configuration's fault: record nothing, the file waits
            report.issues, report.status = config_errors(result.issues), "waiting"
            return
        _describe(report, request, result, obs)
        _check_access(request, staged, report, result)
        issues = _validate(
            request, config, engine, report, obs, [*staged.gate, *result.issues, *crosswalk_issues]
        )
        if any(i.is_error for i in issues):
            raise _Rejected(issues)
        report.issues = issues + _replacement(config, engine, report, obs)
        if request.dry_run:
            report.status = "dry-run"
            return
        _record(request, staged, engine, report, obs)
    except _Rejected as rejected:
        _record_rejected(request, staged, engine, report, rejected.issues)


# --------------------------------------------------------------------------------------------- the steps


def _take_bytes(request: IngestRequest, path: Path, name: str) -> tuple[bytes | None, list[Issue]]:
    """The file's bytes, or None and why not: the size first, so an oversized file is never read."""
    try:
        size, data = read_regular(path, request.max_bytes, follow_links=request.follow_links)
    except NotRegularError as exc:
        return None, [not_a_file(name, exc.what)]
    except OSError as exc:
        return None, [issue("unreadable-file:os", file=name, error=exc.strerror or exc)]
    if data is None:
        return None, [too_large(name, size, request.max_bytes)]
    return data, []


def _gate(request: IngestRequest, name: str, data: bytes) -> filegate.GateReport:
    """The upload gate's verdict on the bytes alone (what the file declares), before any parser sees them."""
    return filegate.inspect_file(
        data,
        name,
        max_bytes=request.max_bytes,
        max_uncompressed=max(filegate.MAX_UNCOMPRESSED, 10 * request.max_bytes),
    )


def _stage(
    request: IngestRequest,
    data_dir: Path,
    engine: Engine,
    path: Path,
    name: str,
    data: bytes,
    shape: filegate.GateReport,
) -> _Staged:
    """Write the bytes to the archive's incoming folder before anything parses the file: nothing a department
    sent is lost to a parser, and the bytes enter the archive with their ledger row
    (`ledger.archived_transaction`). A dry run that records nothing stages nothing."""
    ledger.sweep_incoming_now_and_then(data_dir, engine)
    copy = ledger.stage_bytes(data, data_dir, name) if request.stages else None
    sha = copy.sha256 if copy is not None else hashlib.sha256(data).hexdigest()
    return _Staged(path=path, name=name, shape=shape, copy=copy, sha256=sha)


def _known_duplicate(staged: _Staged, engine: Engine, report: IngestReport) -> bool:
    """True (and the report says so) when the same bytes are already accepted: nothing changes."""
    with engine.connect() as conn:
        dup = ledger.accepted_duplicate(conn, staged.sha256)
    if dup is None:
        return False
    report.status = "duplicate"
    report.duplicate_of = dup
    report.issues = [warning("duplicate-file", file=staged.name, submission=str(dup))]
    return True


def _detect_and_read(
    request: IngestRequest, staged: _Staged, config: Config, report: IngestReport
) -> tuple[ParseResult, pl.DataFrame, list[Issue]]:
    """Detect the file's kind and read it in a worker process (memory and time limits), then conform its
    observations and map former communes onto today's: (result, observations, crosswalk issues).

    A parser crash, a runaway or a file that cannot be read rejects the file (`_Rejected`), with a message.
    """
    outcome = read_file(
        ParseRequest(
            path=str(staged.path),
            name=staged.name,
            source=request.source,
            export_id=request.export_id,
            department=request.department,
            period=request.period,
            sparse_parts=staged.shape.sparse_parts,
            sheet_names=tuple((sh.part, sh.name) for sh in staged.shape.sheets),
            allowed=tuple(request.kinds) if request.kinds is not None else None,
        ),
        config,
        request.limits,
        request.progress,
    )
    report.parse_peak_mb = outcome.peak_rss_mb
    if outcome.source is not None:
        report.source = outcome.source
    if outcome.crash is not None:  # a loader bug must not become a traceback in front of a user
        log.error("reading %s failed: %s", staged.name, outcome.crash_trace or outcome.crash)
        raise _Rejected([*staged.gate, _internal_error(staged.name, outcome.crash)])
    if outcome.result is None:  # detection failed, or the file could not be read safely
        raise _Rejected(cap_issues([*staged.gate, *outcome.issues]))
    report.export_id = outcome.export_id
    try:
        obs = conform(outcome.result.observations)
        obs, crosswalk_issues = _apply_crosswalk(obs, config)
        obs = conform(obs)
    except Exception as exc:  # a bug here must not become a traceback in front of a user
        log.exception("normalising %s failed", staged.name)
        raise _Rejected([*staged.gate, _internal_error(staged.name, exc)]) from exc
    return outcome.result, obs, crosswalk_issues


def _no_observations(file: str) -> Issue:
    return issue("no-observations", file=file)


def _apply_crosswalk(obs: pl.DataFrame, config: Config) -> tuple[pl.DataFrame, list[Issue]]:
    """Map observations reported under former communes onto today's communes (when a crosswalk exists)."""
    if config.registry.crosswalk is None or obs.is_empty():
        return obs, []
    from ioc.rollup import rollup_crosswalk

    frame, issues = rollup_crosswalk(obs, config.registry.crosswalk, config)
    return frame, list(issues)


def _describe(report: IngestReport, request: IngestRequest, result: ParseResult, obs: pl.DataFrame) -> None:
    """What the file holds, on the report: rows, observations, units, periods, and whose it is."""
    report.rows_read = result.rows_read
    report.department = result.department or request.department
    report.export_id = result.export_id or report.export_id
    report.n_observations = obs.height
    report.units = obs["unit_code"].n_unique() if obs.height else 0
    report.periods = sorted(p for p in obs["period"].unique().to_list() if p is not None)
    report.observations = obs


def _check_access(request: IngestRequest, staged: _Staged, report: IngestReport, result: ParseResult) -> None:
    """Reject (`_Rejected`) what the file's own content is not allowed to do; the attempt of a department
    account goes to its own history, not the other department's."""
    assert request.today is not None  # settled
    access = refused_in_file(
        request.actor,
        file=report.file_name,
        department=report.department,
        source=report.source,
        periods=report.periods,
        today=request.today,
    )
    if not access:
        return
    if request.actor is not None and request.actor.role == DEPARTMENT:
        report.department = request.actor.department
    raise _Rejected([*access, *staged.gate, *result.issues])


def _validate(
    request: IngestRequest,
    config: Config,
    engine: Engine,
    report: IngestReport,
    obs: pl.DataFrame,
    found: list[Issue],
) -> list[Issue]:
    """The issues found so far (`found`), plus: no observations, a locked period, the validation rules
    against the same and the previous periods already stored; capped per code."""
    issues = list(found)
    if obs.is_empty() and not any(i.is_error for i in issues):
        issues.append(_no_observations(report.file_name))
    # A period locked for the monthly meeting takes no new data, whatever the channel (page, CLI, inbox).
    issues += meeting_locks.lock_issues(engine, report.periods)
    if not obs.is_empty():
        indicators = [i for i in obs["indicator"].unique().to_list() if i is not None]
        # Validation compares with the same periods (other communes) and the periods just before.
        near = set(report.periods) | {shift(p, -1) for p in report.periods if is_period(p)}
        previous = ledger.current_observations(engine, indicators=indicators, periods=near)
        try:
            issues += validation.validate(obs, config, previous=previous, department=request.department)
        except Exception as exc:  # a validation bug rejects the file with a message, not a traceback
            log.exception("validating %s failed", report.file_name)
            issues.append(_internal_error(report.file_name, exc))
    return cap_issues(issues)  # a million bad rows are listed as 50 and counted


def _replacement(config: Config, engine: Engine, report: IngestReport, obs: pl.DataFrame) -> list[Issue]:
    """An export replaces, month by month, the file that counts today: say which (on the report), and warn
    when it shrinks."""
    report.replacement, shrink = plan_replacement(
        engine,
        config,
        obs,
        export_id=report.export_id,
        department=report.department,
        rows_read=report.rows_read,
        file=report.file_name,
    )
    return shrink


def _ledger_values(request: IngestRequest, staged: _Staged, report: IngestReport) -> dict[str, Any]:
    """The submission's ledger row as the report now stands."""
    return {
        "sha256": staged.sha256,
        "file_name": staged.name,
        "submitted_by": request.who,
        "actor": request.actor.username if request.actor is not None else None,
        "note": request.note,
        **({"submitted_at": request.submitted_at} if request.submitted_at is not None else {}),
        "export_id": report.export_id,
        "department": report.department,
        "periods": ",".join(report.periods),
        "rows_read": report.rows_read,
        "n_errors": len(report.errors),
        "n_warnings": len(report.warnings),
        "issues_json": ledger.issues_to_json(report.issues),
    }


def _record_rejected(
    request: IngestRequest, staged: _Staged, engine: Engine, report: IngestReport, issues: list[Issue]
) -> None:
    """The file is rejected with `issues`: recorded (with its archived bytes) when it was staged."""
    report.issues = issues
    report.status = "rejected"
    if staged.copy is None:
        return
    values = {
        **_ledger_values(request, staged, report),
        "source": report.source or "unknown",
        "n_observations": report.n_observations,
    }
    with ledger.archived_transaction(engine, staged.copy) as conn:
        report.submission_id = ledger.reject(conn, values=values, who=request.who)


def _record(
    request: IngestRequest, staged: _Staged, engine: Engine, report: IngestReport, obs: pl.DataFrame
) -> None:
    """Accept the file: its row, its observations (superseding what they replace) and its archived bytes, in
    one transaction; a duplicate that landed meanwhile or a period locked meanwhile is said so instead."""
    assert staged.copy is not None  # a real run always stages
    values = {
        **_ledger_values(request, staged, report),
        "source": report.source,
        "n_observations": obs.height,
        "n_errors": 0,
        "n_warnings": len(report.issues),  # no errors are left by now: every issue is a warning
    }
    try:
        with ledger.archived_transaction(engine, staged.copy, keep_on_error=True) as conn:
            # Re-check inside the write lock: a concurrent upload of the same bytes may have just landed.
            dup = ledger.accepted_duplicate(conn, staged.sha256)
            if dup is None:
                report.submission_id, report.superseded = ledger.accept(
                    conn, values=values, obs=obs, who=request.who
                )
    except meeting_locks.PeriodLockedError as locked:  # locked between the check and the write
        raise _Rejected([*report.issues, *locked.issues]) from locked
    if dup is not None:
        report.status, report.duplicate_of = "duplicate", dup
    else:
        report.status = "accepted"


# ----------------------------------------------------------------------------------------- entry points


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
    """Ingest one file (`ingest`), the request given as keywords (see `IngestRequest` for each)."""
    request = IngestRequest(
        display_name=display_name,
        who=who,
        actor=actor,
        source=source,
        export_id=export_id,
        department=department,
        period=period,
        kinds=frozenset(kinds) if kinds is not None else None,
        dry_run=dry_run,
        record_rejected=record_rejected,
        note=note,
        submitted_at=submitted_at,
        today=today,
        max_bytes=max_bytes,
        follow_links=follow_links,
        limits=limits,
        progress=progress,
    )
    return ingest(path, config, engine, data_dir, request)


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


# The inbox (`ioc.inbox`) is built on `ingest_file`; its names are still found here, imported on first use
# (an import at the top would be circular).
_INBOX_NAMES = frozenset(
    {
        "HIDDEN_NOTE",
        "WAITING_SUFFIX",
        "csv_safe",
        "hold_inbox",
        "inbox_actor",
        "inbox_files",
        "ingest_inbox",
        "write_issue_report",
        "write_waiting_note",
    }
)


def __getattr__(name: str) -> Any:
    if name in _INBOX_NAMES:
        from ioc import inbox

        return getattr(inbox, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
