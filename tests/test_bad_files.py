"""A corpus of hostile and careless files through the command line and the Upload page's core path.

Every file gets its exact error codes or a correct parse: no traceback, no internal error, the process
still up, every file in the ledger and its bytes in the archive. The page's path is the one pages/upload.py
takes (`ioc.ui_upload.check`, then `commit`, as a department account). The files are generated here; the
three that used to abort the process, the million-row sheet, the stray-cell templates and a
32,000-character cell are among them.
"""

from __future__ import annotations

import csv
import io
import logging
import sqlite3
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

import openpyxl
import pytest
from helpers_badfiles import (
    far_cell_xlsx,
    huge_shared_strings_xlsx,
    million_rows_xlsx,
    raw_xlsx,
    run_inbox_cli,
    with_cells,
)
from helpers_ledger import COMMUNES, long_csv, write_province

from ioc import ledger, store, ui_upload
from ioc.accounts import DEPARTMENT as DEPARTMENT_ROLE
from ioc.accounts import User
from ioc.config_loader import load_config
from ioc.ingest import HIDDEN_NOTE
from ioc.issues import Issue
from ioc.template import INPUT_SHEET, META_SHEET, build_template

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _csv(rows: list[tuple[str, str, str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["unit", "period", "indicator", "value"])
    writer.writerows(rows)
    return buf.getvalue().encode()


def _rezip(data: bytes, part: str, old: bytes, new: bytes) -> bytes:
    """The workbook with `old` replaced by `new` in one part (what no spreadsheet program would write)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    return _zip(
        {
            i.filename: src.read(i).replace(old, new) if i.filename == part else src.read(i)
            for i in src.infolist()
        }
    )


def _aug(values: list[str], indicator: str = "online_rate", period: str = "2025-08") -> bytes:
    return _csv([(c, period, indicator, v) for c, v in zip(COMMUNES, values, strict=False)])


def _meta(template: bytes, key: str, value: str) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(template))
    ws = wb[META_SHEET]
    for row in ws.iter_rows():
        if row[0].value == key:
            row[1].value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            for _ in range(220):
                fh.write(b"\0" * MB)
    return buf.getvalue()


@dataclass(frozen=True)
class Case:
    """One file: how to build it from the department's template, and the exact error codes each channel
    gives it (an empty set: a correct parse, accepted). `cli` defaults to the page's verdict."""

    build: Callable[[bytes], bytes]
    page: frozenset[str]
    cli: frozenset[str] | None = None

    def expected(self, channel: str) -> frozenset[str]:
        return self.cli if channel == "cli" and self.cli is not None else self.page


def _case(build: Callable[[bytes], bytes], page: str | set[str], cli: str | set[str] | None = None) -> Case:
    def codes(v: str | set[str] | None) -> frozenset[str] | None:
        if v is None:
            return None
        return frozenset() if v == OK else frozenset({v} if isinstance(v, str) else v)

    return Case(build, codes(page), codes(cli))  # type: ignore[arg-type]


OK = "ok"  # a correct parse: no error, the values stored
NOT_HERE = "source-not-allowed"  # the department page takes department workbooks only (issue 12, defect 3)
FILLED = {"G7": 70, "G8": 71, "G9": 72}  # online_rate of the first three communes


def _filled(template: bytes, extra: dict[str, str | float] | None = None) -> bytes:
    return with_cells(template, INPUT_SHEET, {**FILLED, **(extra or {})})


def _corpus() -> dict[str, Case]:
    return {
        "empty.xlsx": _case(lambda t: b"", "empty-file"),
        "program.xlsx": _case(lambda t: b"MZ" + bytes(2000), "not-a-spreadsheet"),
        "document.csv": _case(lambda t: b"%PDF-1.4 " + bytes(100), "not-a-spreadsheet"),
        "page.xlsx": _case(
            lambda t: b"<html><table><tr><td>1</td></tr></table></html>", "extension-mismatch"
        ),
        "macros.xlsm": _case(lambda t: t, "macros-not-allowed"),
        "binary.xlsb": _case(lambda t: t, "macros-not-allowed"),
        "notes.txt": _case(lambda t: b"unit,period\n", "unsupported-file-type"),
        "noext": _case(lambda t: b"unit,period\n", "unsupported-file-type"),
        "bomb.xlsx": _case(lambda t: _bomb(), "zip-bomb"),
        "traversal.xlsx": _case(lambda t: _zip({"../../etc/x.xml": b"<a/>"}), "zip-unsafe-path"),
        "many.xlsx": _case(
            lambda t: _zip({f"p{i}.xml": b"<a/>" for i in range(600)}), "zip-too-many-entries"
        ),
        "dtd.xlsx": _case(
            lambda t: _zip({"xl/worksheets/sheet1.xml": b'<!DOCTYPE x [<!ENTITY a "b">]><worksheet/>'}),
            "xml-doctype",
        ),
        "vba.xlsx": _case(lambda t: _zip({"xl/vbaProject.bin": b"x"}), "macros-not-allowed"),
        "truncated.xlsx": _case(lambda t: t[: len(t) // 2], "corrupt-file"),
        "notzip.xlsx": _case(lambda t: b"PK\x03\x04" + bytes(500), "corrupt-file"),
        "vba.xls": _case(
            lambda t: bytes.fromhex("D0CF11E0A1B11AE1") + "_VBA_PROJECT".encode("utf-16-le") + bytes(600),
            "macros-not-allowed",
        ),
        "fake.xls": _case(lambda t: b"unit,period\n", "extension-mismatch"),
        "broken.xls": _case(lambda t: bytes.fromhex("D0CF11E0A1B11AE1") + bytes(600), "unknown-format"),
        "nul.csv": _case(lambda t: b"unit,period\x00\x00\n", "not-text"),
        "zip.csv": _case(lambda t: t, "extension-mismatch"),
        "far-cell.xlsx": _case(lambda t: far_cell_xlsx(), "xlsx-cell-out-of-range"),
        "far-lower.xlsx": _case(
            lambda t: _rezip(
                raw_xlsx({"S": {"A1": "x"}}), "xl/worksheets/sheet1.xml", b'r="A1"', b'r="zzzz1"'
            ),
            "xlsx-cell-out-of-range",
        ),
        "shared-strings.xlsx": _case(lambda t: huge_shared_strings_xlsx(), "xlsx-shared-strings-count"),
        "dimension.xlsx": _case(
            lambda t: raw_xlsx({"S": {"A1": "x"}}, dimension="A1:XFE1"), "xlsx-dimension-out-of-range"
        ),
        "no-table.xlsx": _case(lambda t: raw_xlsx({"S": {"A1": "hello"}}), "unknown-format"),
        # A whole sheet of rows (the 13.7 MB file of the report). The page declares the department and
        # period, so the table is read and refused for its size; the command line, told neither, says so.
        "million-rows.xlsx": _case(lambda t: _million(), "too-many-rows", "not-a-template"),
        "filled.xlsx": _case(_filled, OK),
        # a legal template with one stray space far away: trimmed, the values read
        "space-XFD1048576.xlsx": _case(lambda t: _filled(t, {"XFD1048576": " "}), OK),
        "space-J1048576.xlsx": _case(lambda t: _filled(t, {"J1048576": " "}), OK),
        "space-XFD7.xlsx": _case(lambda t: _filled(t, {"XFD7": " "}), OK),
        "stray-value.xlsx": _case(lambda t: with_cells(t, INPUT_SHEET, {"J1048576": "x"}), "stray-cell"),
        # the page also declares 2025-08, which the template's own period contradicts
        "template-future.xlsx": _case(
            lambda t: _meta(t, "period", "2031-08"),
            {"period-in-future", "period-mismatch"},
            "period-in-future",
        ),
        "template-version.xlsx": _case(
            lambda t: _meta(t, "template_version", "ioc-workbook/9"), "unknown-template-version"
        ),
        "template-foreign.xlsx": _case(lambda t: _meta(t, "template_version", "other/1"), "unknown-format"),
        "template-empty.xlsx": _case(lambda t: t, "no-observations"),
        "good.csv": _case(lambda t: _aug(["70", "71", "72"]), NOT_HERE, OK),
        # a title line above the header: skipped, the table read
        "title-line.csv": _case(lambda t: b"BAO CAO THANG 8\n" + _aug(["70"]), NOT_HERE, OK),
        "count-grouped.csv": _case(
            lambda t: _aug(["1,234", "1.234"], "wifi_points", "2025-Q3"), NOT_HERE, OK
        ),
        "count-fraction.csv": _case(
            lambda t: _aug(["2,5"], "wifi_points", "2025-Q3"), NOT_HERE, "count-not-whole"
        ),
        "long-cell.csv": _case(lambda t: _aug(["x" * 32_000]), NOT_HERE, "bad-number"),
        "long-text-cell.xlsx": _case(
            lambda t: with_cells(t, INPUT_SHEET, {"G6": "y" * 32_000}), "bad-number"
        ),
        "header-only.csv": _case(lambda t: b"unit,period,indicator,value\n", NOT_HERE, "no-observations"),
        "unknown-indicator.csv": _case(lambda t: _aug(["70"], "onlne_rate"), NOT_HERE, "unknown-indicator"),
        "unknown-unit.csv": _case(
            lambda t: _csv([("99999", "2025-08", "online_rate", "70")]), NOT_HERE, "unknown-unit"
        ),
        "bad-period.csv": _case(
            lambda t: _csv([(COMMUNES[0], "tháng tám", "online_rate", "70")]), NOT_HERE, "bad-period"
        ),
        "percent-over.csv": _case(lambda t: _aug(["170"]), NOT_HERE, "value-out-of-range"),
        "duplicates.csv": _case(
            lambda t: _csv([(COMMUNES[0], "2025-08", "online_rate", "70")] * 500), NOT_HERE, "duplicate-row"
        ),
        "utf16.csv": _case(
            lambda t: long_csv([(COMMUNES[0], "2025-08", "online_rate", "70")]).encode("utf-16"), NOT_HERE, OK
        ),
        # an unbalanced quote swallows the rest of the file: no header is left to recognise
        "quotes.csv": _case(
            lambda t: b'unit,period,indicator,value\n"90001,2025-08,online_rate,70\n', "unknown-format"
        ),
        "one-column.csv": _case(lambda t: b"a\nb\nc\n", "unknown-format"),
    }


_MILLION: list[bytes] = []


def _million() -> bytes:
    """The million-row workbook (tests/test_parse_worker.py's), built once for both channels."""
    if not _MILLION:
        _MILLION.append(million_rows_xlsx())
    return _MILLION[0]


CORPUS = _corpus()
# Streamlit outside `streamlit run` warns on every session-state access; the page's functions work the same.
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
DEPARTMENT = User(
    username="so_a_head", display_name="Trưởng phòng Sở A", role=DEPARTMENT_ROLE, department="so_a"
)


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> Path:
    return write_province(tmp_path_factory.mktemp("province"))


@pytest.fixture(scope="module")
def files(province) -> dict[str, bytes]:
    template = build_template(load_config(province), "so_a", "2025-08")
    return {name: case.build(template) for name, case in CORPUS.items()}


def _ledger(db_path: Path) -> dict[str, tuple[int, str, list[Issue]]]:
    """file name → (submission id, status, issues) of every submission in the ledger."""
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT file_name, id, status, issues_json FROM submissions ORDER BY id").fetchall()
    out: dict[str, tuple[int, str, list[Issue]]] = {}
    for name, sid, status, issues in rows:
        assert name not in out, f"{name} recorded twice"
        out[name] = (sid, status, ledger.issues_from_json(issues))
    return out


def _values(db_path: Path, submission_id: int) -> list[float]:
    with sqlite3.connect(db_path) as db:
        rows = db.execute(
            "SELECT value FROM observations WHERE submission_id = ? ORDER BY unit_code", (submission_id,)
        )
        return [r[0] for r in rows]


def _unarchived(files: dict[str, bytes], data_dir: Path) -> list[str]:
    """The files whose bytes are not in the archive."""
    return sorted(
        n for n, d in files.items() if ledger.archived_file(data_dir, sha256(d).hexdigest()) is None
    )


def _quoted_short(name: str, issues: list[Issue]) -> None:
    for issue in issues:  # a 32,000-character cell is quoted short
        assert len(issue.message) <= 1_001 and len(issue.value or "") <= 81, (name, issue.code)


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 40
    assert {"far-cell.xlsx", "shared-strings.xlsx", "space-XFD1048576.xlsx", "million-rows.xlsx"} <= set(
        CORPUS
    )


def test_every_bad_file_through_the_upload_page_core_path(province, files, tmp_path) -> None:
    """What pages/upload.py does with a department head's file: `check`, then `commit` if the check passed."""
    config = load_config(province)
    db_path = tmp_path / "ioc.sqlite3"
    engine = store.get_engine(f"sqlite:///{db_path}")
    store.migrate(engine)
    data_dir = tmp_path / "data"
    form = {"department": "so_a", "period": "2025-08", "actor": DEPARTMENT}
    wrong = {}
    for name, data in files.items():
        check = ui_upload.check(data, name, config, engine, data_dir, **form)
        report = check
        if check.status == "dry-run":
            assert check.errors == [], name
            report = ui_upload.commit(data, name, config, engine, data_dir, **form)
        codes = {i.code for i in report.errors}
        want = CORPUS[name].expected("page")
        status = "accepted" if not want else "rejected"
        if codes != want or report.status != status:
            wrong[name] = (report.status, sorted(codes))
        assert report.submission_id is not None, name
        _quoted_short(name, report.issues)
    assert wrong == {}
    engine.dispose()
    recorded = _ledger(db_path)
    assert set(recorded) == set(files)  # every file in the ledger, once
    assert {n for n, (_, status, _) in recorded.items() if status != "rejected"} == {
        n for n in files if not CORPUS[n].expected("page")
    }
    assert _values(db_path, recorded["filled.xlsx"][0]) == [70.0, 71.0, 72.0]
    assert _unarchived(files, data_dir) == []  # every file's bytes kept


def test_every_bad_file_through_the_command_line_inbox(province, files, tmp_path) -> None:
    """`python -m ioc ingest --inbox`: every regular file is judged, recorded and archived; a hidden file
    and a link are reported without being read."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    outside = tmp_path / "outside.csv"
    outside.write_bytes(files["good.csv"])
    (inbox / "link.csv").symlink_to(outside)  # never followed: refused, nothing read, nothing recorded
    (inbox / ".hidden.csv").write_bytes(files["good.csv"])  # never ingested: listed in the hidden note
    db_path = tmp_path / "data" / "ioc.sqlite3"
    run_inbox_cli(province, inbox, tmp_path / "data")
    left = sorted(p.name for p in inbox.iterdir() if not p.is_dir())
    assert left == [".hidden.csv", HIDDEN_NOTE]
    assert ".hidden.csv" in (inbox / HIDDEN_NOTE).read_text(encoding="utf-8")
    ok = {n for n in files if not CORPUS[n].expected("cli")}
    done = {p.name for p in (inbox / "done").iterdir()}
    rejected = {
        p.name for p in (inbox / "rejected").iterdir() if not p.name.endswith((".errors.txt", ".errors.csv"))
    }
    assert done == ok
    assert rejected == (set(files) - ok) | {"link.csv"}
    link_report = (inbox / "rejected" / "link.csv.errors.txt").read_text(encoding="utf-8")
    assert "not-a-regular-file" in link_report

    recorded = _ledger(db_path)
    assert set(recorded) == set(files)  # every regular file, once; neither the link nor the hidden file
    wrong = {}
    for name, (_, status, issues) in recorded.items():
        codes = {i.code for i in issues if i.is_error}
        if codes != CORPUS[name].expected("cli") or (status == "rejected") != bool(codes):
            wrong[name] = (status, sorted(codes))
        _quoted_short(name, issues)
    assert wrong == {}
    for name in set(files) - ok:
        report = (inbox / "rejected" / f"{name}.errors.txt").read_text(encoding="utf-8")
        assert "internal-error" not in report, (name, report[:500])
    assert _values(db_path, recorded["count-grouped.csv"][0]) == [1234.0, 1234.0]  # thousands, not 1.234
    assert _values(db_path, recorded["title-line.csv"][0]) == [70.0]
    assert _unarchived(files, tmp_path / "data") == []  # every file's bytes kept
