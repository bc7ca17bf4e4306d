"""`python -m ioc …` run as a user runs it (subprocess): exit codes, summary table, issues, inbox, history."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_ledger import COMMUNES, long_csv, write_province

from ioc.cli import _split_demo, build_parser

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    targets = write_province(tmp_path / "province")
    out = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    out.update(
        {
            "IOC_TARGETS": str(targets),
            "IOC_DATA_DIR": str(tmp_path / "data"),
            "IOC_DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'ioc.sqlite3'}",
            "PYTHONIOENCODING": "utf-8",
        }
    )
    return out


def ioc(env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ioc", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def csv_file(folder: Path, name: str, values: list[str], period: str = "2025-08") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(
        long_csv([(c, period, "online_rate", v) for c, v in zip(COMMUNES, values, strict=False)]), "utf-8"
    )
    return path


def test_ingest_good_and_bad_files_summary_issues_and_exit_status(env, tmp_path: Path) -> None:
    good = csv_file(tmp_path / "in", "good.csv", ["70", "71", "72"])
    bad = csv_file(tmp_path / "in", "bad.csv", ["70", "170"])
    run = ioc(env, "ingest", good, bad, "--who", "tester")
    assert run.returncode == 1, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split() == [
        "file",
        "status",
        "rows",
        "read",
        "observations",
        "units",
        "periods",
        "warnings",
        "errors",
    ]
    assert lines[2].split() == ["good.csv", "accepted", "#1", "3", "3", "3", "2025-08", "0", "0"]
    assert lines[3].split()[:3] == ["bad.csv", "rejected", "#2"] and lines[3].split()[-2:] == ["0", "1"]
    assert "bad.csv › row 3, column 'value': error[value-out-of-range] Value 170 is outside" in run.stdout

    again = ioc(env, "ingest", good)
    assert again.returncode == 0
    assert "duplicate of #1" in again.stdout

    vi = ioc(env, "ingest", bad, "--lang", "vi")
    assert vi.returncode == 1 and "Giá trị 170 nằm ngoài khoảng hợp lệ" in vi.stdout

    history = ioc(env, "history")
    assert history.returncode == 0
    assert [line.split()[0] for line in history.stdout.splitlines()[2:]] == ["3", "2", "1"]
    assert "tester" in history.stdout


def test_dry_run_stores_nothing(env, tmp_path: Path) -> None:
    good = csv_file(tmp_path / "in", "good.csv", ["70", "71"])
    run = ioc(env, "ingest", good, "--dry-run")
    assert run.returncode == 0 and "dry-run" in run.stdout
    assert ioc(env, "history").stdout.strip() == "no submissions yet"


def test_withdraw_and_restore_from_the_command_line(env, tmp_path: Path) -> None:
    assert ioc(env, "ingest", csv_file(tmp_path / "in", "v1.csv", ["70"])).returncode == 0
    assert ioc(env, "ingest", csv_file(tmp_path / "in", "v2.csv", ["80"])).returncode == 0
    run = ioc(env, "withdraw", "2", "--who", "admin", "--note", "sent by mistake")
    assert run.returncode == 0 and "withdrawn" in run.stdout
    run = ioc(env, "restore", "1", "--who", "admin")
    assert run.returncode == 0 and "restored as #3" in run.stdout
    history = ioc(env, "history").stdout
    assert "accepted (from #1)" in history and "withdrawn" in history and "superseded" in history
    refused = ioc(env, "withdraw", "99")
    assert refused.returncode == 1 and "submission-not-found" in refused.stderr


def test_inbox_one_shot_and_watch(env, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    csv_file(inbox, "good.csv", ["70", "71"])
    csv_file(inbox, "bad.csv", ["70", "170"])
    run = ioc(env, "ingest", "--inbox", inbox)
    assert run.returncode == 1
    assert (inbox / "done" / "good.csv").exists() and (inbox / "rejected" / "bad.csv.errors.txt").exists()
    # watch mode: a later file is picked up on a later cycle; --max-cycles ends the test run
    csv_file(inbox, "sep.csv", ["72", "73"], period="2025-09")
    os.utime(inbox / "sep.csv", (0, 0))  # old enough: watch mode skips files still being copied
    run = ioc(env, "ingest", "--inbox", inbox, "--watch", "--interval", "0.1", "--max-cycles", "2")
    assert run.returncode == 0, run.stderr
    assert "sep.csv" in run.stdout and (inbox / "done" / "sep.csv").exists()


def test_check_and_usage_errors(env, tmp_path: Path) -> None:
    run = ioc(env, "check")
    assert run.returncode == 0 and "OK" in run.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text("province: {code: 99\n", encoding="utf-8")
    assert ioc(env, "check", broken).returncode == 1
    assert ioc(env, "ingest").returncode == 2
    bad_env = {**env, "IOC_TARGETS": str(broken)}
    run = ioc(bad_env, "ingest", csv_file(tmp_path / "in", "a.csv", ["70"]))
    assert run.returncode == 2 and "nothing was ingested" in run.stderr


def test_global_overrides_before_or_after_the_command(env, tmp_path: Path) -> None:
    other = tmp_path / "other"
    url = f"sqlite:///{other / 'db.sqlite3'}"
    good = csv_file(tmp_path / "in", "good.csv", ["70"])
    assert ioc(env, "--database-url", url, "--data-dir", other, "ingest", good).returncode == 0
    assert (other / "db.sqlite3").exists() and (other / "archive").is_dir()
    assert "good.csv" in ioc(env, "history", "--database-url", url).stdout
    assert ioc(env, "history").stdout.strip() == "no submissions yet"


def test_demo_arguments_pass_through_untouched() -> None:
    assert _split_demo(["demo", "--seed", "3", "--force"]) == ([], ["--seed", "3", "--force"])
    assert _split_demo(["--database-url", "sqlite://", "demo", "--no-ingest"]) == (
        ["--database-url", "sqlite://"],
        ["--no-ingest"],
    )
    assert _split_demo(["--data-dir=/x", "demo"]) == (["--data-dir=/x"], [])
    assert _split_demo(["ingest", "demo.csv"]) is None
    args = build_parser().parse_args(
        ["ingest", "a.csv", "--source", "long", "--export", "x", "--period", "2025-08"]
    )
    assert (args.source, args.export_id, args.period, args.files) == ("long", "x", "2025-08", [Path("a.csv")])


def test_progress_line_prints_percentages_on_stderr(capsys) -> None:
    from ioc.cli import _ProgressLine

    progress = _ProgressLine("dossiers.csv")
    for done in (0, 5_000, 10_000, 55_000, 100_000):
        progress(done, 100_000)
    progress.close()
    err = capsys.readouterr().err.splitlines()
    # not a terminal: one line per 10 % step, never the same step twice
    assert err == [
        "dossiers.csv: 0% (0 / 100,000 rows)",
        "dossiers.csv: 10% (10,000 / 100,000 rows)",
        "dossiers.csv: 55% (55,000 / 100,000 rows)",
        "dossiers.csv: 100% (100,000 / 100,000 rows)",
    ]


def test_a_broken_configuration_never_rejects_a_file(env, tmp_path: Path) -> None:
    targets = Path(env["IOC_TARGETS"])
    broken = targets.with_name("broken.yaml")  # beside it: registry paths are relative to the file
    broken_env = {**env, "IOC_TARGETS": str(broken)}
    broken.write_text(
        targets.read_text(encoding="utf-8").replace("unit: percent", "unit: percnt", 1), encoding="utf-8"
    )
    # files: the config error is printed, nothing is stored, not even an empty ledger
    run = ioc(broken_env, "ingest", csv_file(tmp_path / "in", "a.csv", ["70"]))
    assert run.returncode == 2 and "error[wrong-type]" in run.stderr and "percnt" in run.stderr
    assert not (tmp_path / "data" / "ioc.sqlite3").exists()

    # inbox: the file waits beside a note, not in rejected/; it is ingested once the config loads
    inbox = tmp_path / "inbox"
    csv_file(inbox, "good.csv", ["70", "71"])
    run = ioc(broken_env, "ingest", "--inbox", inbox)
    assert run.returncode == 2 and "1 file(s) wait" in run.stderr
    assert (inbox / "good.csv").exists() and not (inbox / "rejected").exists()
    note = (inbox / "good.csv.waiting.txt").read_text(encoding="utf-8")
    assert "targets.yaml must be fixed" in note and "broken.yaml:" in note and "error[wrong-type]" in note
    watch = ioc(broken_env, "ingest", "--inbox", inbox, "--watch", "--interval", "0.1", "--max-cycles", "2")
    assert watch.returncode == 0 and (inbox / "good.csv").exists()
    assert ioc(env, "history").stdout.strip() == "no submissions yet"

    run = ioc(env, "ingest", "--inbox", inbox)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (inbox / "done" / "good.csv").exists() and not (inbox / "good.csv.waiting.txt").exists()
