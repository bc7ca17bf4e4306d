"""Every real public file under ../shared/realdata/ through both channels: the command-line inbox and the
Upload page's core path (`ioc.ui_upload.check`, then `commit`, as a department account).

None of them holds this province's indicators, so each gets one precise error: a spreadsheet or CSV is
read and not recognised (`unknown-format`, in both languages, the page's hint without command-line flags);
anything else (JSON, GeoJSON, Markdown) is refused at the gate (`unsupported-file-type`). No traceback, no
internal error, every file in the ledger once and its bytes in the archive. See realdata/SOURCES.md.
"""

from __future__ import annotations

import logging
import sqlite3
from hashlib import sha256
from pathlib import Path

import pytest
from helpers_badfiles import run_inbox_cli
from helpers_ledger import write_province

from ioc import ledger, store, ui_upload
from ioc.accounts import DEPARTMENT, User
from ioc.config_loader import load_config
from ioc.issues import Issue

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
READ = {".xlsx", ".xls", ".csv"}  # what the gate lets through to a reader
HEAD = User(username="so_a_head", display_name="Trưởng phòng Sở A", role=DEPARTMENT, department="so_a")
# Streamlit outside `streamlit run` warns on every session-state access; the page's functions work the same.
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)

pytestmark = pytest.mark.skipif(
    not REALDATA.is_dir(), reason=f"the real public files are not there: {REALDATA} (see its SOURCES.md)"
)


def _expected(name: str) -> set[str]:
    return {"unknown-format"} if Path(name).suffix.lower() in READ else {"unsupported-file-type"}


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    """Every real file by a flat name that keeps its folders (two folders hold a `gso.xls`)."""
    paths = sorted(p for p in REALDATA.rglob("*") if p.is_file() and not p.is_symlink())
    out = {p.relative_to(REALDATA).as_posix().replace("/", "__"): p.read_bytes() for p in paths}
    assert len(out) == len(paths)
    return out


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> Path:
    return write_province(tmp_path_factory.mktemp("province"))


def _ledger(db_path: Path) -> dict[str, tuple[str, list[Issue]]]:
    """file name → (status, issues) of every submission; a name recorded twice fails."""
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT file_name, status, issues_json FROM submissions ORDER BY id").fetchall()
    out: dict[str, tuple[str, list[Issue]]] = {}
    for name, status, issues in rows:
        assert name not in out, f"{name} recorded twice"
        out[name] = (status, ledger.issues_from_json(issues))
    return out


def _unarchived(files: dict[str, bytes], data_dir: Path) -> list[str]:
    return sorted(
        n for n, d in files.items() if ledger.archived_file(data_dir, sha256(d).hexdigest()) is None
    )


def _precise(name: str, issues: list[Issue]) -> list[str]:
    """What is wrong with the verdict on one file (empty: the one expected error, said in both languages)."""
    errors = [i for i in issues if i.is_error]
    problems = []
    if {i.code for i in errors} != _expected(name) or len(errors) != 1:
        problems.append(f"{name}: {sorted(i.code for i in errors)}")
    for i in errors:
        if not (i.message and i.message_vi) or i.message == i.message_vi:
            problems.append(f"{name}: {i.code} is not said in both languages")
    return problems


def test_the_real_files_include_spreadsheets_of_every_kind(files) -> None:
    suffixes = {Path(n).suffix.lower() for n in files}
    assert suffixes >= READ  # .xlsx, .xls and .csv from government sources
    assert len(files) >= 100


def test_every_real_file_through_the_upload_page_core_path(files, province, tmp_path) -> None:
    config = load_config(province)
    db_path = tmp_path / "ioc.sqlite3"
    engine = store.get_engine(f"sqlite:///{db_path}")
    store.migrate(engine)
    data_dir = tmp_path / "data"
    form = {"department": "so_a", "period": "2025-08", "actor": HEAD}
    problems: list[str] = []
    for name, data in files.items():
        report = ui_upload.check(data, name, config, engine, data_dir, **form)
        if report.status == "dry-run":  # what the page does when the check passes
            report = ui_upload.commit(data, name, config, engine, data_dir, **form)
        assert report.submission_id is not None, name
        problems += _precise(name, report.issues)
        for issue in report.errors:
            # a department head on the page is never told about command-line flags
            assert "--source" not in (issue.hint or "") and "--source" not in (issue.hint_vi or ""), name
    engine.dispose()
    assert problems == []
    recorded = _ledger(db_path)
    assert set(recorded) == set(files)
    assert {status for status, _ in recorded.values()} == {"rejected"}
    assert _unarchived(files, data_dir) == []


def test_every_real_file_through_the_command_line_inbox(files, province, tmp_path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    data_dir = tmp_path / "data"
    db_path = data_dir / "ioc.sqlite3"
    run_inbox_cli(province, inbox, data_dir)
    assert sorted(p.name for p in inbox.iterdir() if not p.is_dir()) == []
    rejected = {
        p.name for p in (inbox / "rejected").iterdir() if not p.name.endswith((".errors.txt", ".errors.csv"))
    }
    assert rejected == set(files)
    recorded = _ledger(db_path)
    assert set(recorded) == set(files)
    problems = [p for name, (_, issues) in recorded.items() for p in _precise(name, issues)]
    assert problems == []
    for name in files:
        report = (inbox / "rejected" / f"{name}.errors.txt").read_text(encoding="utf-8")
        assert f"error[{_expected(name).pop()}]" in report, name
    assert _unarchived(files, data_dir) == []
