"""Files that used to abort the process (issue 12, defects 1 and 2): the gate's bounds, the worker's limits."""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

import pytest
from helpers_badfiles import far_cell_xlsx, huge_shared_strings_xlsx, with_cells
from helpers_ledger import COMMUNES, long_csv
from helpers_ledger import make_config as ledger_config
from helpers_workbook import make_config as workbook_config
from sqlalchemy import text

from ioc import ingest as ingest_module
from ioc import ledger, store
from ioc.filegate import inspect_file
from ioc.ingest import ingest_bytes, ingest_file, ingest_inbox
from ioc.parse_worker import ParseLimits, ParseRequest, read_file
from ioc.template import INPUT_SHEET, build_template


@pytest.fixture(scope="module")
def wb_config():
    return workbook_config()


@pytest.fixture(scope="module")
def template(wb_config) -> bytes:
    return build_template(wb_config, "so_y_te", "2025-08")


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return ledger_config(tmp_path_factory.mktemp("province"))


@pytest.fixture
def engine(tmp_path: Path):
    eng = store.get_engine(f"sqlite:///{tmp_path / 'ioc.sqlite3'}")
    store.migrate(eng)
    yield eng
    eng.dispose()


def rejected_rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(text("SELECT file_name, status, n_errors FROM submissions ORDER BY id")).all()


def good_csv() -> bytes:
    return long_csv([(c, "2025-08", "online_rate", "70") for c in COMMUNES[:3]]).encode()


# ------------------------------------------------------------------------------- (a) the upload gate


def test_a_cell_beyond_xfd1048576_is_refused_by_the_gate_naming_sheet_and_cell() -> None:
    data = far_cell_xlsx()
    assert 17_000 < len(data) < 20_000  # the 18 KB file of the report
    (issue,) = inspect_file(data, "x.xlsx").issues
    assert issue.code == "xlsx-cell-out-of-range" and issue.sheet == "Sheet1"
    assert "ZZZZ5000000" in issue.message and "ZZZZ5000000" in issue.message_vi


def test_a_lying_shared_strings_count_is_refused_by_the_gate() -> None:
    (issue,) = inspect_file(huge_shared_strings_xlsx(), "x.xlsx").issues
    assert issue.code == "xlsx-shared-strings-count"
    assert "4,294,967,295" in issue.message and "4.294.967.295" in issue.message_vi


def test_a_legal_template_with_a_space_at_xfd1048576_passes_the_gate_as_sparse(template) -> None:
    data = with_cells(template, INPUT_SHEET, {"XFD1048576": " "})
    report = inspect_file(data, "t.xlsx")
    assert report.issues == []
    (sheet,) = [s for s in report.sheets if s.sparse]
    assert (sheet.name, sheet.max_row, sheet.max_col) == (INPUT_SHEET, 1_048_576, 16_384)


# ---------------------------------------------------------------------- (b) the worker, behind the gate


@pytest.mark.parametrize("build", ["far", "sst", "xfd"])
def test_the_worker_turns_a_parser_abort_into_a_rejection(tmp_path, wb_config, template, build) -> None:
    # The gate is bypassed (no trimming, no refusal): calamine really aborts, in the worker only.
    data = {
        "far": far_cell_xlsx,
        "sst": huge_shared_strings_xlsx,
        "xfd": lambda: with_cells(template, INPUT_SHEET, {"XFD1048576": " "}),
    }[build]()
    path = tmp_path / f"{build}.xlsx"
    path.write_bytes(data)
    outcome = read_file(ParseRequest(str(path), path.name), wb_config, ParseLimits(memory_mb=1024))
    (issue,) = outcome.issues
    assert issue.code == "unsafe-file" and issue.value == "SIGABRT"
    assert issue.message.startswith("The file cannot be read safely: ")
    assert issue.message_vi.startswith("Tệp không đọc được an toàn: ")
    assert os.getpid() > 0  # still here


@pytest.mark.parametrize(
    ("fault", "limits", "value"),
    [
        ("kill", ParseLimits(), "SIGKILL"),
        ("memory", ParseLimits(memory_mb=400), "MemoryError"),
        ("spin", ParseLimits(cpu_seconds=2), "SIGXCPU"),
        ("spin", ParseLimits(cpu_seconds=100, wall_seconds=2), "timeout"),
    ],
)
def test_every_way_a_worker_dies_is_a_precise_rejection(tmp_path, wb_config, fault, limits, value) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(good_csv())
    t0 = time.perf_counter()
    outcome = read_file(ParseRequest(str(path), "a.csv", fault=fault), wb_config, limits)
    assert [(i.code, i.value) for i in outcome.issues] == [("unsafe-file", value)]
    assert time.perf_counter() - t0 < 60


def test_a_killed_worker_is_recorded_and_the_next_file_goes_through(config, engine, tmp_path) -> None:
    data_dir = tmp_path / "data"
    killed = ingest_bytes(
        good_csv(), "a.csv", config, engine, data_dir, who="t", limits=ParseLimits(fault="kill")
    )
    assert killed.status == "rejected" and [i.code for i in killed.errors] == ["unsafe-file"]
    assert killed.submission_id is not None
    issues = ledger.submission_issues(engine, killed.submission_id)
    assert [i.code for i in issues] == ["unsafe-file"]
    assert any(p.is_file() for p in data_dir.rglob("*") if "a.csv" in p.name or p.suffix == ".csv")
    after = ingest_bytes(good_csv(), "a.csv", config, engine, data_dir, who="t")
    assert after.status == "accepted", [str(i) for i in after.issues]
    assert [r[1] for r in rejected_rows(engine)] == ["rejected", "accepted"]


def test_the_inbox_moves_a_file_that_killed_its_worker_to_rejected_and_goes_on(
    config, engine, tmp_path, monkeypatch
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "1-bad.csv").write_bytes(good_csv())
    (inbox / "2-good.csv").write_bytes(good_csv().replace(b",70", b",71"))
    real = ingest_module.read_file

    def kill_the_first(request, *args, **kwargs):  # the worker of 1-bad.csv really receives SIGKILL
        if request.name == "1-bad.csv":
            request = dataclasses.replace(request, fault="kill")
        return real(request, *args, **kwargs)

    monkeypatch.setattr(ingest_module, "read_file", kill_the_first)
    reports = ingest_inbox(inbox, config, engine, tmp_path / "data", who="inbox")
    assert [(r.file_name, r.status) for r in reports] == [
        ("1-bad.csv", "rejected"),
        ("2-good.csv", "accepted"),
    ]
    assert (inbox / "rejected" / "1-bad.csv").is_file()
    report_text = (inbox / "rejected" / "1-bad.csv.errors.txt").read_text(encoding="utf-8")
    assert "unsafe-file" in report_text and "Tệp không đọc được an toàn" in report_text
    assert (inbox / "done" / "2-good.csv").is_file()


def test_the_three_files_go_through_the_whole_ingest_without_harm(config, engine, tmp_path, template) -> None:
    data_dir = tmp_path / "data"
    far = ingest_bytes(far_cell_xlsx(), "far.xlsx", config, engine, data_dir, who="t")
    sst = ingest_bytes(huge_shared_strings_xlsx(), "sst.xlsx", config, engine, data_dir, who="t")
    assert [i.code for i in far.errors] == ["xlsx-cell-out-of-range"]
    assert [i.code for i in sst.errors] == ["xlsx-shared-strings-count"]
    t0 = time.perf_counter()
    xfd = ingest_bytes(
        with_cells(template, INPUT_SHEET, {"XFD1048576": " "}), "xfd.xlsx", config, engine, data_dir, who="t"
    )
    assert time.perf_counter() - t0 < 30
    assert xfd.source == "workbook"  # read as the template it is; its verdict is the template's own
    assert not {"unsafe-file", "stray-cell", "internal-error"} & {i.code for i in xfd.issues}
    assert len(rejected_rows(engine)) == 3


# ------------------------------------------------------------------- defect 2: stray cells, many rows


@pytest.mark.parametrize("ref", ["J1048576", "XFD7", "XFD1048576"])
def test_a_stray_blank_cell_is_trimmed_quickly_and_in_little_memory(
    tmp_path, wb_config, template, ref
) -> None:
    data = with_cells(template, INPUT_SHEET, {ref: " "})
    path = tmp_path / "t.xlsx"
    path.write_bytes(data)
    gate = inspect_file(data, path.name)
    request = ParseRequest(
        str(path),
        path.name,
        sparse_parts=gate.sparse_parts,
        sheet_names=tuple((s.part, s.name) for s in gate.sheets),
    )
    t0 = time.perf_counter()
    outcome = read_file(request, wb_config)
    assert time.perf_counter() - t0 < 20
    assert outcome.result is not None and outcome.source == "workbook"
    assert outcome.peak_rss_mb < 300, outcome.peak_rss_mb


def test_a_stray_value_far_from_the_table_is_named(tmp_path, config, engine, template) -> None:
    data = with_cells(template, INPUT_SHEET, {"J1048576": "x"})
    t0 = time.perf_counter()
    report = ingest_bytes(data, "t.xlsx", config, engine, tmp_path / "data", who="t", dry_run=True)
    assert time.perf_counter() - t0 < 20
    (issue,) = report.errors
    assert (issue.code, issue.sheet, issue.column, issue.row) == ("stray-cell", INPUT_SHEET, "J", 1_048_576)


def test_a_million_duplicate_rows_are_handled_in_bounded_time_with_capped_issues(
    config, engine, tmp_path
) -> None:
    path = tmp_path / "million.csv"
    row = f"{COMMUNES[0]},2025-08,online_rate,70\n"
    path.write_text("unit,period,indicator,value\n" + row * 1_048_576, encoding="utf-8")
    t0 = time.perf_counter()
    report = ingest_file(path, config, engine, tmp_path / "data", who="t", max_bytes=1 << 30)
    seconds = time.perf_counter() - t0
    assert report.status == "rejected"
    codes = [i.code for i in report.issues]
    assert len(report.issues) <= 60, codes[:5]
    assert seconds < 60, seconds


def test_a_whole_sheet_of_duplicate_rows_is_refused_in_bounded_time(tmp_path, wb_config) -> None:
    # The 13.7 MB file of the report: 1,048,576 rows (took 232–313 s and 4.4 GB, and listed a million issues).
    from helpers_badfiles import million_rows_xlsx

    path = tmp_path / "million.xlsx"
    path.write_bytes(million_rows_xlsx())
    eng = store.get_engine(f"sqlite:///{tmp_path / 'ioc.sqlite3'}")
    store.migrate(eng)
    t0 = time.perf_counter()
    report = ingest_file(
        path,
        wb_config,
        eng,
        tmp_path / "data",
        who="t",
        source="workbook",
        department="so_y_te",
        period="2025-08",
    )
    assert time.perf_counter() - t0 < 60
    assert [(i.code, i.value) for i in report.errors] == [("too-many-rows", "1,048,576 rows")]
    assert report.parse_peak_mb < 1024, report.parse_peak_mb
    eng.dispose()


def test_counts_typed_in_a_template_read_thousands_and_refuse_fractions(
    tmp_path, wb_config, template
) -> None:
    import io

    import openpyxl

    from data_sources.workbook import SOURCE

    wb = openpyxl.load_workbook(io.BytesIO(template))
    ws = wb[INPUT_SHEET]
    rows = [r for r in ws.iter_rows(min_row=6) if r[0].value == "clinics"]
    for row, typed in zip(rows, ["1,234", "2,5", "1.234"], strict=False):
        row[6].value = typed
    path = tmp_path / "t.xlsx"
    wb.save(path)
    res = SOURCE.read(path, wb_config, None, department="so_y_te", period="2025-08")
    bad = [(i.code, i.row, i.column, i.value) for i in res.issues if i.code == "count-not-whole"]
    assert bad == [("count-not-whole", rows[1][6].row, "G", "2,5")]
    counts = res.observations.filter(res.observations["indicator"] == "clinics")["value"].to_list()
    assert sorted(counts) == [1234.0, 1234.0]


def test_a_worker_started_from_an_app_script_does_not_run_the_script_again(tmp_path) -> None:
    """Under `streamlit run` the main module is the app script; a worker must not execute it again (it would
    seed, draw pages and try to start workers of its own). A script that counts its own runs reads a file."""
    import subprocess
    import sys
    import textwrap

    root = Path(__file__).resolve().parents[1]
    marker = tmp_path / "runs.txt"
    script = tmp_path / "app_script.py"
    data = tmp_path / "a.csv"
    data.write_text("unit,period,indicator,value\n90001,2025-08,dossier_online_rate,70\n", encoding="utf-8")
    script.write_text(
        textwrap.dedent(
            f"""
            import pathlib, sys
            sys.path.insert(0, {str(root)!r})
            with open({str(marker)!r}, "a") as fh:
                fh.write("run\\n")
            from ioc.config import load_config
            from ioc.parse_worker import ParseRequest, read_file
            config = load_config(pathlib.Path({str(root / "targets.yaml")!r}))
            outcome = read_file(ParseRequest({str(data)!r}, "a.csv", source="long"), config)
            print("CODES", [i.code for i in outcome.issues], outcome.crash)
            """
        ),
        encoding="utf-8",
    )
    # run as streamlit runs a page script: the __main__ module, with no `if __name__ == "__main__"` guard
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert "CODES" in done.stdout, done.stdout + done.stderr
    assert "unsafe-file" not in done.stdout, done.stdout
    assert marker.read_text().count("run") == 1
