"""The inbox: a folder whose files are ingested one by one (`ingest_inbox`), each then moved to `done/` or
`rejected/` with its issue report, and the notes left beside files that wait (a broken targets.yaml) or
that are never ingested (hidden names).

Every file goes through `ioc.ingest.ingest_file`, as an upload does; `ioc.ingest` re-exports these names.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import shutil
import stat
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from ioc import ledger
from ioc.accounts import DEPARTMENT, User
from ioc.config import Config
from ioc.file_bytes import kind_of, not_a_file
from ioc.ingest import IngestReport, ingest_file
from ioc.issues import Issue
from ioc.messages import warning

log = logging.getLogger(__name__)

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
        report.issues = [not_a_file(path.name, kind_of(path.lstat().st_mode))]
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
