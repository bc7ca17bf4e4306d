"""A corpus of hostile and careless files through the command line and the Upload page's core path.

Every file gets a precise error or a correct parse: no traceback, no internal error, the process still up,
and (when stored) the file in the archive and a row in the ledger. The files are generated here; the three
that used to abort the process, the stray-cell templates and a 32,000-character cell are among them.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from helpers_badfiles import far_cell_xlsx, huge_shared_strings_xlsx, raw_xlsx, with_cells
from helpers_ledger import COMMUNES, long_csv, write_province

from ioc import store
from ioc.config_loader import load_config
from ioc.ingest import ingest_bytes
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


# name → (builder taking the department template, codes any one of which is the expected verdict;
#          "ok" = accepted or a correct parse)
def _corpus() -> dict[str, tuple[Callable[[bytes], bytes], set[str]]]:
    return {
        "empty.xlsx": (lambda t: b"", {"empty-file"}),
        "program.xlsx": (lambda t: b"MZ" + bytes(2000), {"not-a-spreadsheet"}),
        "document.csv": (lambda t: b"%PDF-1.4 " + bytes(100), {"not-a-spreadsheet"}),
        "page.xlsx": (lambda t: b"<html><table><tr><td>1</td></tr></table></html>", {"extension-mismatch"}),
        "macros.xlsm": (lambda t: t, {"macros-not-allowed"}),
        "binary.xlsb": (lambda t: t, {"macros-not-allowed"}),
        "notes.txt": (lambda t: b"unit,period\n", {"unsupported-file-type"}),
        "noext": (lambda t: b"unit,period\n", {"unsupported-file-type"}),
        "bomb.xlsx": (lambda t: _bomb(), {"zip-bomb"}),
        "traversal.xlsx": (lambda t: _zip({"../../etc/x.xml": b"<a/>"}), {"zip-unsafe-path"}),
        "many.xlsx": (lambda t: _zip({f"p{i}.xml": b"<a/>" for i in range(600)}), {"zip-too-many-entries"}),
        "dtd.xlsx": (
            lambda t: _zip({"xl/worksheets/sheet1.xml": b'<!DOCTYPE x [<!ENTITY a "b">]><worksheet/>'}),
            {"xml-doctype"},
        ),
        "vba.xlsx": (lambda t: _zip({"xl/vbaProject.bin": b"x"}), {"macros-not-allowed"}),
        "truncated.xlsx": (lambda t: t[: len(t) // 2], {"corrupt-file"}),
        "notzip.xlsx": (lambda t: b"PK\x03\x04" + bytes(500), {"corrupt-file"}),
        "vba.xls": (
            lambda t: bytes.fromhex("D0CF11E0A1B11AE1") + "_VBA_PROJECT".encode("utf-16-le") + bytes(600),
            {"macros-not-allowed"},
        ),
        "fake.xls": (lambda t: b"unit,period\n", {"extension-mismatch"}),
        "broken.xls": (lambda t: bytes.fromhex("D0CF11E0A1B11AE1") + bytes(600), {"unknown-format"}),
        "nul.csv": (lambda t: b"unit,period\x00\x00\n", {"not-text"}),
        "zip.csv": (lambda t: t, {"extension-mismatch"}),
        "far-cell.xlsx": (lambda t: far_cell_xlsx(), {"xlsx-cell-out-of-range"}),
        "far-lower.xlsx": (
            lambda t: _rezip(
                raw_xlsx({"S": {"A1": "x"}}), "xl/worksheets/sheet1.xml", b'r="A1"', b'r="zzzz1"'
            ),
            {"xlsx-cell-out-of-range"},
        ),
        "shared-strings.xlsx": (lambda t: huge_shared_strings_xlsx(), {"xlsx-shared-strings-count"}),
        "dimension.xlsx": (
            lambda t: raw_xlsx({"S": {"A1": "x"}}, dimension="A1:XFE1"),
            {"xlsx-dimension-out-of-range"},
        ),
        "no-table.xlsx": (lambda t: raw_xlsx({"S": {"A1": "hello"}}), {"unknown-format"}),
        "space-XFD1048576.xlsx": (
            lambda t: with_cells(t, INPUT_SHEET, {"XFD1048576": " "}),
            {"ok", "no-observations"},
        ),
        "space-J1048576.xlsx": (
            lambda t: with_cells(t, INPUT_SHEET, {"J1048576": " "}),
            {"ok", "no-observations"},
        ),
        "space-XFD7.xlsx": (lambda t: with_cells(t, INPUT_SHEET, {"XFD7": " "}), {"ok", "no-observations"}),
        "stray-value.xlsx": (lambda t: with_cells(t, INPUT_SHEET, {"J1048576": "x"}), {"stray-cell"}),
        "template-future.xlsx": (lambda t: _meta(t, "period", "2031-08"), {"period-in-future"}),
        "template-version.xlsx": (
            lambda t: _meta(t, "template_version", "ioc-workbook/9"),
            {"unknown-template-version"},
        ),
        "template-foreign.xlsx": (
            lambda t: _meta(t, "template_version", "other/1"),
            {"unknown-format", "not-a-template"},
        ),
        "template-empty.xlsx": (lambda t: t, {"no-observations", "ok"}),
        "good.csv": (lambda t: _aug(["70", "71", "72"]), {"ok"}),
        "title-line.csv": (lambda t: b"BAO CAO THANG 8\n" + _aug(["70"]), {"ok", "unknown-format"}),
        "count-grouped.csv": (lambda t: _aug(["1,234", "1.234"], "wifi_points", "2025-Q3"), {"ok"}),
        "count-fraction.csv": (lambda t: _aug(["2,5"], "wifi_points", "2025-Q3"), {"count-not-whole"}),
        "long-cell.csv": (lambda t: _aug(["x" * 32_000]), {"bad-number"}),
        "long-text-cell.xlsx": (
            lambda t: with_cells(t, INPUT_SHEET, {"G6": "y" * 32_000}),
            {"bad-number", "not-a-number", "number-not-a-number"},
        ),
        "header-only.csv": (
            lambda t: b"unit,period,indicator,value\n",
            {"no-observations", "unknown-format"},
        ),
        "unknown-indicator.csv": (lambda t: _aug(["70"], "onlne_rate"), {"unknown-indicator"}),
        "unknown-unit.csv": (lambda t: _csv([("99999", "2025-08", "online_rate", "70")]), {"unknown-unit"}),
        "bad-period.csv": (lambda t: _csv([(COMMUNES[0], "tháng tám", "online_rate", "70")]), {"bad-period"}),
        "percent-over.csv": (lambda t: _aug(["170"]), {"value-out-of-range"}),
        "duplicates.csv": (
            lambda t: _csv([(COMMUNES[0], "2025-08", "online_rate", "70")] * 500),
            {"duplicate-row"},
        ),
        "utf16.csv": (
            lambda t: long_csv([(COMMUNES[0], "2025-08", "online_rate", "70")]).encode("utf-16"),
            {"ok"},
        ),
        "quotes.csv": (
            lambda t: b'unit,period,indicator,value\n"90001,2025-08,online_rate,70\n',
            {
                "unknown-format",
                "header-not-found",
                "unreadable-file",
                "missing-unit",
                "missing-value",
                "no-observations",
                "bad-period",
                "unknown-indicator",
            },
        ),
        "one-column.csv": (lambda t: b"a\nb\nc\n", {"unknown-format"}),
    }


CORPUS = _corpus()


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> Path:
    return write_province(tmp_path_factory.mktemp("province"))


@pytest.fixture(scope="module")
def files(province, tmp_path_factory) -> dict[str, bytes]:
    template = build_template(load_config(province), "so_a", "2025-08")
    return {name: build(template) for name, (build, _) in CORPUS.items()}


def _verdict(codes: set[str], expected: set[str], status: str) -> bool:
    return ("ok" in expected and status in ("accepted", "dry-run", "duplicate")) or bool(codes & expected)


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 40


def test_every_bad_file_through_the_upload_page_core_path(province, files, tmp_path) -> None:
    config = load_config(province)
    engine = store.get_engine(f"sqlite:///{tmp_path / 'ioc.sqlite3'}")
    store.migrate(engine)
    data_dir = tmp_path / "data"
    wrong = {}
    for name, data in files.items():
        expected = CORPUS[name][1]
        kw = {"department": "so_a", "period": "2025-08"} if name.endswith((".xlsx", ".xls")) else {}
        check = ingest_bytes(data, name, config, engine, data_dir, who="preview", dry_run=True, **kw)
        commit = ingest_bytes(data, name, config, engine, data_dir, who="so_a", **kw)
        codes = {i.code for i in commit.issues}
        if "internal-error" in codes or not _verdict(codes, expected, commit.status):
            wrong[name] = (commit.status, sorted(codes))
        same = {"dry-run": "accepted"}
        if same.get(check.status, check.status) != commit.status and commit.status != "duplicate":
            wrong[name] = ("check", check.status, "commit", commit.status)
        if commit.status in ("accepted", "rejected"):
            assert commit.submission_id is not None, name
        for issue in commit.issues:  # a 32,000-character cell is quoted short
            assert len(issue.message) <= 1_001 and len(issue.value or "") <= 81, (name, issue.code)
        if name == "count-grouped.csv":  # "1,234" and "1.234" in a count are thousands
            assert commit.observations is not None
            assert commit.observations["value"].to_list() == [1234.0, 1234.0]
    assert wrong == {}
    archived = [p for p in data_dir.rglob("*") if p.is_file() and p.suffix != ".sqlite3"]
    assert len(archived) >= len({d for d in files.values() if d}) - 1  # every distinct file's bytes kept


def test_every_bad_file_through_the_command_line_inbox(province, files, tmp_path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    env.update(
        {
            "IOC_TARGETS": str(province),
            "IOC_DATA_DIR": str(tmp_path / "data"),
            "IOC_DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'ioc.sqlite3'}",
            "PYTHONIOENCODING": "utf-8",
        }
    )
    run = subprocess.run(
        [sys.executable, "-m", "ioc", "ingest", "--inbox", str(inbox), "--who", "inbox"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout, run.stderr[-3000:]
    assert run.returncode == 1, run.stderr[-3000:]
    left = sorted(p.name for p in inbox.iterdir() if p.is_file())
    assert left == []  # every file was handled: moved to done/ or rejected/
    done = {p.name for p in (inbox / "done").iterdir()} if (inbox / "done").exists() else set()
    rejected = {
        p.name
        for p in (inbox / "rejected").iterdir()
        if not p.name.endswith((".txt", ".csv")) or p.name in files
    }
    assert set(files) <= done | rejected
    with sqlite3.connect(tmp_path / "data" / "ioc.sqlite3") as db:
        names = {r[0] for r in db.execute("SELECT file_name FROM submissions")}
    # every file is in the ledger, except the duplicates of an accepted file (the same bytes: nothing changes)
    assert set(files) - names <= {
        "template-empty.xlsx",
        "space-XFD7.xlsx",
        "space-J1048576.xlsx",
        "space-XFD1048576.xlsx",
    }
    for name in rejected & set(files):
        report = (inbox / "rejected" / f"{name}.errors.txt").read_text(encoding="utf-8")
        assert "internal-error" not in report, (name, report[:500])
