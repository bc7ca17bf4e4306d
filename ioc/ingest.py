"""The one ingest path for every file, used by the command line, the inbox and the upload page:
gate → archive → duplicate check → detect and read (in a worker process, `ioc.parse_worker`) → crosswalk →
validate → one transaction.

`ingest(path, config, engine, data_dir, IngestOptions(...))` is the entry point; `ingest_file` takes the same
options as keywords (what the command line and the demo call).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl
from sqlalchemy import Engine

from data_sources import Progress
from ioc import filegate, ledger, validation
from ioc.config import Config
from ioc.issues import Issue, Severity, cap_issues
from ioc.observations import conform
from ioc.parse_worker import ParseLimits, ParseRequest, read_file
from ioc.periods import is_period, shift
from ioc.replacement import Replacement, plan_replacement
from ioc.store import write_transaction

log = logging.getLogger(__name__)

Status = Literal["accepted", "rejected", "duplicate", "dry-run", "waiting"]


@dataclass
class IngestReport:
    """What happened to one file.

    status: "accepted" / "rejected" (stored as such), "duplicate" (the same bytes are already accepted:
    nothing changed), "dry-run" (would be accepted; nothing stored). A dry run that finds errors
    reports "rejected" with no submission id. "waiting": targets.yaml is broken for this file, which is not
    the file's fault: nothing is recorded, and the file is to be ingested again once the config is fixed.
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
    return Issue(
        code="internal-error",
        message=f"The file could not be read because of an internal error ({what}).",
        message_vi="Không đọc được tệp do lỗi nội bộ của hệ thống; hãy báo cho quản trị viên.",
        file=file,
        hint="Report this to the administrator with the file; nothing was stored from it.",
        hint_vi="Hãy gửi tệp này cho quản trị viên; chưa có dữ liệu nào từ tệp được lưu.",
    )


def _no_observations(file: str) -> Issue:
    return Issue(
        code="no-observations",
        message="The file contains no values to store.",
        message_vi="Tệp không có số liệu nào để lưu.",
        file=file,
        hint="Check that values are filled in and that you chose the right file.",
        hint_vi="Hãy kiểm tra các ô số liệu đã được điền và đúng tệp cần nộp.",
    )


def _apply_crosswalk(obs: pl.DataFrame, config: Config) -> tuple[pl.DataFrame, list[Issue]]:
    """Map observations reported under former communes onto today's communes (when a crosswalk exists)."""
    if config.registry.crosswalk is None or obs.is_empty():
        return obs, []
    from ioc.rollup import rollup_crosswalk

    frame, issues = rollup_crosswalk(obs, config.registry.crosswalk, config)
    return frame, list(issues)


@dataclass(frozen=True)
class IngestOptions:
    """How one file is ingested: who sends it, what they declare, and how it is handled.

    `who` is the acting user. `source` / `export_id` choose the loader and export format (else the file's kind
    is detected); `department` / `period` are what the uploader declared (a template's `_meta` is checked
    against them). `display_name` is the name the user knows the file by. `dry_run` stores nothing.
    `submitted_at` records when the file reached the IOC when that was earlier than now (a back-filled
    history, a file recovered from e-mail); it defaults to now. `limits` bound the worker process that reads
    the file (`ioc.parse_worker`).
    """

    who: str
    display_name: str | None = None
    source: str | None = None
    export_id: str | None = None
    department: str | None = None
    period: str | None = None
    dry_run: bool = False
    progress: Progress | None = None
    max_bytes: int = filegate.MAX_BYTES
    note: str | None = None
    submitted_at: dt.datetime | None = None
    limits: ParseLimits | None = None


def ingest_file(
    path: Path,
    config: Config,
    engine: Engine,
    data_dir: Path,
    *,
    who: str,
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
    limits: ParseLimits | None = None,
) -> IngestReport:
    """Ingest one file, the options given as keywords (see `IngestOptions`); never raises at the user."""
    options = IngestOptions(
        who=who,
        display_name=display_name,
        source=source,
        export_id=export_id,
        department=department,
        period=period,
        dry_run=dry_run,
        progress=progress,
        max_bytes=max_bytes,
        note=note,
        submitted_at=submitted_at,
        limits=limits,
    )
    return ingest(path, config, engine, data_dir, options)


def ingest(
    path: Path, config: Config, engine: Engine, data_dir: Path, options: IngestOptions
) -> IngestReport:
    """Ingest one file: accepted whole (one transaction) or rejected whole; never raises at the user.

    The steps: gate (bytes only) → archive → duplicate check → detect and read in a worker process with
    memory and time limits → crosswalk → validate → record.
    """
    who, dry_run, department, period = options.who, options.dry_run, options.department, options.period
    source, export_id, note, submitted_at = (
        options.source,
        options.export_id,
        options.note,
        options.submitted_at,
    )
    display_name, max_bytes = options.display_name, options.max_bytes
    t0 = time.perf_counter()
    path = Path(path)
    name = display_name or path.name
    report = IngestReport(file_name=name, source=source, export_id=export_id, department=department)

    def done() -> IngestReport:
        report.seconds = time.perf_counter() - t0
        return report

    try:
        data = path.read_bytes()
    except OSError as exc:
        report.issues = [
            Issue(
                code="unreadable-file",
                message=f"The file cannot be read: {exc.strerror or exc}.",
                message_vi="Không đọc được tệp.",
                file=name,
            )
        ]
        return done()

    shape = filegate.inspect_file(
        data,
        name,
        max_bytes=max_bytes,
        max_uncompressed=max(filegate.MAX_UNCOMPRESSED, 10 * max_bytes),
    )
    gate = shape.issues
    # Archive first, even a file about to be rejected: nothing a department sent is ever lost.
    if dry_run:
        sha, stored = hashlib.sha256(data).hexdigest(), None
    else:
        sha, stored = ledger.archive_bytes(data, data_dir, name)
    report.sha256 = sha

    base = {
        "sha256": sha,
        "file_name": name,
        "submitted_by": who,
        "note": note,
        **({"submitted_at": submitted_at} if submitted_at is not None else {}),
    }

    def finish_rejected(issues: list[Issue]) -> IngestReport:
        report.issues = issues
        report.status = "rejected"
        if not dry_run:
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
            with write_transaction(engine) as conn:
                _record(conn, sha, data, name, stored, data_dir)
                report.submission_id = ledger.reject(conn, values=values, who=who)
        return done()

    if any(i.is_error for i in gate):
        return finish_rejected(gate)

    with engine.connect() as conn:
        dup = ledger.accepted_duplicate(conn, sha)
    if dup is not None:
        report.status = "duplicate"
        report.duplicate_of = dup
        report.issues = [
            Issue(
                code="duplicate-file",
                message=f"This exact file was already accepted as submission #{dup}; nothing changed.",
                message_vi=f"Tệp này đã được chấp nhận ở lần nộp số {dup}; không có gì thay đổi.",
                severity=Severity.WARNING,
                file=name,
            )
        ]
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
        ),
        config,
        options.limits,
        options.progress,
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

    issues = [*gate, *result.issues, *xwalk_issues]
    if obs.is_empty() and not any(i.is_error for i in issues):
        issues.append(_no_observations(name))
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
    with write_transaction(engine) as conn:
        # Re-check inside the write lock: a concurrent upload of the same bytes may have just landed.
        dup = ledger.accepted_duplicate(conn, sha)
        if dup is None:
            _record(conn, sha, data, name, stored, data_dir)
            report.submission_id, report.superseded = ledger.accept(conn, values=values, obs=obs, who=who)
    if dup is not None:
        report.status, report.duplicate_of = "duplicate", dup
        return done()
    report.status = "accepted"
    return done()


def _record(conn: Any, sha: str, data: bytes, name: str, stored: Path | None, data_dir: Path) -> None:
    if stored is None:
        return
    try:
        rel = stored.relative_to(data_dir).as_posix()
    except ValueError:
        rel = stored.as_posix()
    ledger.record_file(conn, sha, len(data), name, rel)


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
    who: str,
    **kwargs: Any,
) -> IngestReport:
    """Ingest uploaded bytes (the upload page): written to a private temporary file, then `ingest_file`."""
    with tempfile.TemporaryDirectory(prefix="ioc-upload-") as tmp:
        path = Path(tmp) / _safe_name(name)
        path.write_bytes(data)
        kwargs.setdefault("display_name", name)
        return ingest_file(path, config, engine, data_dir, who=who, **kwargs)


# --------------------------------------------------------------------------------------------- inbox

_SKIP_PREFIXES = (".", "~$")  # hidden files and Excel's lock files
_SKIP_SUFFIXES = (".tmp", ".part", ".crdownload", ".errors.txt", ".errors.csv", ".waiting.txt")
WAITING_SUFFIX = ".waiting.txt"


def _unique_destination(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / name
    if not dest.exists():
        return dest
    stem, suffix = Path(name).stem, Path(name).suffix
    stamp = time.strftime("%Y%m%d-%H%M%S")
    n = 1
    while True:
        dest = folder / f"{stem}.{stamp}-{n}{suffix}"
        if not dest.exists():
            return dest
        n += 1


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
    ]
    writer.writerow(cols)
    for i in issues:
        writer.writerow(
            [
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
            ]
        )
    # BOM so that Excel opens the Vietnamese text correctly.
    csv_path.write_text(buf.getvalue(), encoding="utf-8-sig")
    return txt, csv_path


def inbox_files(inbox: Path, *, min_age_seconds: float = 0.0) -> list[Path]:
    """Files waiting in the inbox (not hidden, not partial, old enough to be completely copied)."""
    if not inbox.is_dir():
        return []
    now = time.time()
    out = []
    for p in sorted(inbox.iterdir()):
        if not p.is_file() or p.name.startswith(_SKIP_PREFIXES) or p.name.lower().endswith(_SKIP_SUFFIXES):
            continue
        if min_age_seconds and now - p.stat().st_mtime < min_age_seconds:
            continue
        out.append(p)
    return out


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
    who: str,
    min_age_seconds: float = 0.0,
    **kwargs: Any,
) -> list[IngestReport]:
    """Ingest every file waiting in `inbox`; move each to `done/` or `rejected/` (with an issue report).

    A file the configuration cannot handle stays in the inbox beside a `.waiting.txt` note.
    """
    inbox = Path(inbox)
    reports = []
    for path in inbox_files(inbox, min_age_seconds=min_age_seconds):
        try:
            report = ingest_file(path, config, engine, data_dir, who=who, **kwargs)
        except Exception:
            # The database is unreachable or similar: leave the file where it is for the next run.
            log.exception("ingesting %s failed; the file stays in the inbox", path)
            continue
        if report.status == "waiting":
            write_waiting_note(path, report.issues)
            reports.append(report)
            continue
        path.with_name(path.name + WAITING_SUFFIX).unlink(missing_ok=True)
        folder = inbox / ("rejected" if report.status == "rejected" else "done")
        dest = _unique_destination(folder, path.name)
        shutil.move(str(path), dest)
        if report.status == "rejected":
            header = (
                f"{path.name}: rejected — {len(report.errors)} error(s), {len(report.warnings)} warning(s)"
                f"\n{path.name}: bị từ chối — {len(report.errors)} lỗi, {len(report.warnings)} cảnh báo"
            )
            write_issue_report(report.issues, dest, header)
        reports.append(report)
    return reports
