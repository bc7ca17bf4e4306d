"""The common validation rules (hand-made cases) and the one ingest path on real files and real SQLite."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from helpers_ledger import COMMUNES, long_csv, make_config, obs
from sqlalchemy import text

from ioc import ledger, store, validation
from ioc.config import Config
from ioc.ingest import IngestRequest, ingest, ingest_bytes, ingest_file, ingest_inbox
from ioc.issues import Issue, Severity
from ioc.parse_worker import ParseLimits

TODAY = dt.date(2026, 1, 15)


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> Config:
    return make_config(tmp_path_factory.mktemp("province"))


def check(config: Config, rows: list[tuple], **kw) -> list[Issue]:
    return validation.validate(obs(rows), config, today=TODAY, **kw)


def only(issues: list[Issue], code: str) -> list[Issue]:
    return [i for i in issues if i.code == code]


# ------------------------------------------------------------------------------------ validation


def test_clean_rows_give_no_issue(config: Config) -> None:
    rows = [("online_rate", c, "2025-08", 80.0 + i, 80 + i, 100) for i, c in enumerate(COMMUNES)]
    rows += [("wifi_points", "90001", "2025-Q3", 4.0), ("dept_rate", "so_a", "2025-08", 90.0)]
    rows += [("grdp_share", "99", "2025", 18.5), ("online_rate", "99", "2025-08", 84.6)]
    assert check(config, rows) == []


def test_unknown_indicator_suggests_the_closest_id(config: Config) -> None:
    issues = check(
        config, [("online_rate", "90001", "2025-08", 50.0), ("onlin_rate", "90002", "2025-08", 50.0)]
    )
    assert [(i.code, i.row, i.column, i.value) for i in issues] == [
        ("unknown-indicator", 3, "C", "onlin_rate")
    ]
    assert "Did you mean Online dossiers (online_rate)?" in issues[0].message
    assert "online_rate" in (issues[0].message_vi or "")


def test_unknown_unit_and_unit_at_the_wrong_level(config: Config) -> None:
    issues = check(
        config,
        [
            ("online_rate", "90099", "2025-08", 50.0),  # no such commune
            ("online_rate", "so_b", "2025-08", 50.0),  # a department, but online_rate is province/commune
            ("wifi_points", "99", "2025-Q3", 4.0),  # the province, but wifi_points is commune only
        ],
    )
    assert [(i.code, i.row) for i in issues] == [
        ("unknown-unit", 2),
        ("unit-level-not-allowed", 3),
        ("unit-level-not-allowed", 4),
    ]
    assert "Department B (so_b)" in issues[1].message and "Sở B (so_b)" in (issues[1].message_vi or "")


def test_period_must_match_the_indicator_frequency(config: Config) -> None:
    issues = check(
        config,
        [
            ("wifi_points", "90001", "2025-08", 4.0),  # a month for a quarterly indicator
            ("online_rate", "90001", "2025-Q3", 50.0),  # a quarter for a monthly indicator
            ("online_rate", "90002", "2025-13", 50.0),  # not a period at all
            ("online_rate", "90003", "2026-03", 50.0),  # not started yet on TODAY: a warning
        ],
    )
    assert [(i.code, i.row, i.severity) for i in issues] == [
        ("period-frequency-mismatch", 2, Severity.ERROR),
        ("period-frequency-mismatch", 3, Severity.ERROR),
        ("invalid-period", 4, Severity.ERROR),
        ("period-in-future", 5, Severity.WARNING),
    ]
    assert "quarterly" in issues[0].message and "(a period like 2025-Q2)" in issues[0].message


def test_values_out_of_range(config: Config) -> None:
    issues = check(
        config,
        [
            ("online_rate", "90001", "2025-08", 100.5),  # percent above 100
            ("online_rate", "90002", "2025-08", -0.1),  # percent below 0
            ("wifi_points", "90003", "2025-Q3", -2.0),  # negative count
            ("online_rate", "90004", "2025-08", 100.0),  # the bound itself is fine
            ("online_rate", "90005", "2025-08", None),  # missing
            ("online_rate", "90006", "2025-08", float("nan")),  # not a number
        ],
    )
    assert [(i.code, i.row, i.value) for i in issues] == [
        ("value-out-of-range", 2, "100.5"),
        ("value-out-of-range", 3, "-0.1"),
        ("value-out-of-range", 4, "-2"),
        ("missing-value", 6, None),
        ("invalid-value", 7, "nan"),
    ]
    assert issues[0].expected == "0–100"
    assert "100,5" in (issues[0].message_vi or "")


def test_numerator_above_denominator_for_percent(config: Config) -> None:
    issues = check(
        config,
        [
            ("online_rate", "90001", "2025-08", 100.0, 120.0, 100.0),
            ("online_rate", "90002", "2025-08", 50.0, 50.0, 100.0),
        ],
    )
    assert [(i.code, i.row, i.value) for i in issues] == [("numerator-exceeds-denominator", 2, "120 / 100")]


def test_duplicate_rows_name_both_rows(config: Config) -> None:
    issues = check(
        config,
        [
            ("online_rate", "90001", "2025-08", 50.0),
            ("online_rate", "90002", "2025-08", 50.0),
            ("online_rate", "90001", "2025-08", 51.0),
        ],
    )
    assert [(i.code, i.row) for i in issues] == [("duplicate-row", 4)]
    assert "row 2" in issues[0].message and "dòng 2" in (issues[0].message_vi or "")


def test_a_department_may_only_upload_its_own_indicators(config: Config) -> None:
    rows = [("online_rate", "90001", "2025-08", 50.0), ("wifi_points", "90001", "2025-Q3", 3.0)]
    assert check(config, rows) == []  # no department declared: an administrator's upload
    issues = check(config, rows, department="so_a")
    assert [(i.code, i.row, i.value) for i in issues] == [("indicator-not-owned", 3, "wifi_points")]
    assert "Department B (so_b)" in issues[0].message


def test_a_jump_from_the_previous_period_is_a_warning(config: Config) -> None:
    previous = obs(
        [
            ("online_rate", "90001", "2025-07", 50.0),
            ("online_rate", "90002", "2025-07", 50.0),
            ("wifi_points", "90001", "2025-Q2", 10.0),
            ("wifi_points", "90002", "2025-Q2", 10.0),
            ("grdp_share", "99", "2024", 15.0),
        ]
    )
    issues = check(
        config,
        [
            ("online_rate", "90001", "2025-08", 80.0),  # +30 pp = 3 × tolerance 10: not more, fine
            ("online_rate", "90002", "2025-08", 80.5),  # +30.5 pp: a jump
            ("wifi_points", "90001", "2025-Q3", 15.0),  # +50 %: fine
            ("wifi_points", "90002", "2025-Q3", 4.0),  # −60 %: a jump
            ("grdp_share", "99", "2025", 21.5),  # +6.5 pp > 3 × its own tolerance 2: a jump
        ],
        previous=previous,
    )
    assert [(i.code, i.row, i.severity) for i in issues] == [
        ("value-jump", 3, Severity.WARNING),
        ("value-jump", 5, Severity.WARNING),
        ("value-jump", 6, Severity.WARNING),
    ]
    assert "07/2025" in issues[0].message and "±30 percentage points of 50" in issues[0].message
    # named, not only by id; periods and numbers as each language writes them
    assert issues[0].message.startswith("Online dossiers (online_rate) for Bình Commune (90002)")
    assert "(online_rate)" in issues[0].message_vi and "thành 80,5 (08/2025)" in issues[0].message_vi


def test_a_jump_is_also_found_within_one_file_across_january(config: Config) -> None:
    issues = check(
        config, [("online_rate", "90001", "2024-12", 20.0), ("online_rate", "90001", "2025-01", 60.0)]
    )
    assert [(i.code, i.row) for i in issues] == [("value-jump", 3)]
    assert "12/2024" in issues[0].message


def test_an_outlier_among_communes_is_a_warning(config: Config) -> None:
    values = [70.0, 71.0, 72.0, 73.0, 74.0, 75.0, 76.0, 77.0, 78.0, 5.0]
    rows = [("online_rate", c, "2025-08", v) for c, v in zip(COMMUNES, values, strict=True)]
    issues = check(config, rows)
    # median (73 + 74) / 2 = 73.5; |deviations| sorted .5 .5 1.5 1.5 2.5 2.5 3.5 3.5 4.5 68.5 → MAD 2.5;
    # z(5) = 0.6745 × (5 − 73.5) / 2.5 = −18.5; the largest other is 0.6745 × 4.5 / 2.5 = 1.2
    assert [(i.code, i.row, i.value) for i in issues] == [("value-outlier", 11, "5")]
    assert "far from the other communes: median 73.5" in issues[0].message
    assert "khác xa các xã khác: trung vị 73,5" in issues[0].message_vi
    assert all(
        "z" not in t and "|" not in t for t in (issues[0].message, issues[0].message_vi, issues[0].expected)
    )
    assert round(issues[0].extra["robust_z"], 1) == -18.5  # the statistic is kept for whoever audits it
    from ioc.upload_view import expected_text

    assert expected_text(issues[0].expected, "vi") == "gần trung vị các xã khác (73,5)"


def test_outliers_need_eight_communes_and_use_stored_values_of_the_others(config: Config) -> None:
    rows = [("online_rate", c, "2025-08", 70.0 + i) for i, c in enumerate(COMMUNES[:6])]
    rows.append(("online_rate", COMMUNES[6], "2025-08", 5.0))
    assert check(config, rows) == []  # 7 communes: too few to judge
    stored = obs([("online_rate", c, "2025-08", 75.0) for c in COMMUNES[7:]])  # 3 more from earlier files
    issues = check(config, rows, previous=stored)
    assert [(i.code, i.row) for i in issues] == [("value-outlier", 8)]


def test_many_identical_problems_are_capped_with_a_summary(config: Config) -> None:
    rows = [("nope", "90001", f"{2000 + i // 12}-{i % 12 + 1:02d}", 1.0) for i in range(120)]
    issues = check(config, rows)
    assert len(issues) == validation.MAX_PER_CODE + 1
    assert issues[-1].extra["omitted"] == 120 - validation.MAX_PER_CODE
    assert all(i.code == "unknown-indicator" for i in issues)


def test_rows_with_errors_get_no_warnings(config: Config) -> None:
    previous = obs([("online_rate", "90001", "2025-07", 10.0)])
    issues = check(config, [("online_rate", "90001", "2025-08", 150.0)], previous=previous)
    assert [i.code for i in issues] == ["value-out-of-range"]


# ------------------------------------------------------------------------------------------ ingest


@pytest.fixture
def engine(tmp_path: Path):
    eng = store.get_engine(f"sqlite:///{tmp_path / 'ioc.sqlite3'}")
    store.migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def write_csv(folder: Path, name: str, rows: list[tuple[str, str, str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(long_csv(rows), encoding="utf-8")
    return path


def august(values: list[float]) -> list[tuple[str, str, str, str]]:
    return [(c, "2025-08", "online_rate", f"{v:g}") for c, v in zip(COMMUNES, values, strict=False)]


def count(engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_an_accepted_file_is_archived_stored_and_reported(config, engine, data_dir, tmp_path) -> None:
    path = write_csv(tmp_path / "in", "thang8.csv", august([70, 71, 72, 73, 74, 75, 76, 77, 78, 79]))
    report = ingest_file(path, config, engine, data_dir, who="so_a:lan")
    assert (report.status, report.source, report.rows_read, report.n_observations, report.units) == (
        "accepted",
        "long",
        10,
        10,
        10,
    )
    assert report.periods == ["2025-08"] and report.errors == [] and report.submission_id == 1
    archived = data_dir / "archive" / report.sha256[:2] / f"{report.sha256}.csv"
    assert archived.read_bytes() == path.read_bytes()
    hist = ledger.submissions(engine).row(0, named=True)
    assert (hist["status"], hist["submitted_by"], hist["file_name"], hist["n_observations"]) == (
        "accepted",
        "so_a:lan",
        "thang8.csv",
        10,
    )
    cur = ledger.current_observations(engine)
    assert cur.sort("unit_code")["value"].to_list() == [
        70.0,
        71.0,
        72.0,
        73.0,
        74.0,
        75.0,
        76.0,
        77.0,
        78.0,
        79.0,
    ]
    assert cur.filter(pl.col("unit_code") == "90003").select("source_file", "row").row(0) == ("thang8.csv", 4)


def test_duplicate_file_changes_nothing(config, engine, data_dir, tmp_path) -> None:
    path = write_csv(tmp_path / "in", "a.csv", august([70, 71, 72]))
    first = ingest_file(path, config, engine, data_dir, who="a")
    rev = store.revision(engine)
    again = ingest_file(path, config, engine, data_dir, who="b", display_name="renamed copy.csv")
    assert (again.status, again.duplicate_of, again.submission_id) == ("duplicate", first.submission_id, None)
    assert [i.code for i in again.issues] == ["duplicate-file"] and not again.errors
    assert store.revision(engine) == rev
    assert (count(engine, "submissions"), count(engine, "observations"), count(engine, "files")) == (1, 3, 1)


def test_a_resubmission_supersedes_and_history_keeps_both(config, engine, data_dir, tmp_path) -> None:
    first = ingest_file(
        write_csv(tmp_path / "in", "v1.csv", august([70, 71, 72])), config, engine, data_dir, who="a"
    )
    second = ingest_file(
        write_csv(tmp_path / "in", "v2.csv", august([80, 81, 82])), config, engine, data_dir, who="a"
    )
    assert second.status == "accepted" and second.superseded == [first.submission_id]
    cur = ledger.current_observations(engine).sort("unit_code")
    assert cur["value"].to_list() == [80.0, 81.0, 82.0]
    assert set(cur["submission_id"].to_list()) == {second.submission_id}
    hist = ledger.submissions(engine)
    assert hist.select("id", "status").rows() == [
        (second.submission_id, "accepted"),
        (first.submission_id, "superseded"),
    ]
    assert count(engine, "observations") == 6  # nothing deleted


def test_a_file_with_one_bad_row_is_rejected_whole(config, engine, data_dir, tmp_path) -> None:
    path = write_csv(tmp_path / "in", "bad.csv", august([70, 150, 72, 73]))  # row 3: 150 %
    report = ingest_file(path, config, engine, data_dir, who="a")
    assert report.status == "rejected" and report.submission_id is not None
    assert [(i.code, i.row, i.column) for i in report.errors] == [("value-out-of-range", 3, "value")]
    assert count(engine, "observations") == 0
    assert ledger.current_observations(engine).height == 0
    stored = ledger.submission(engine, report.submission_id)
    assert stored["status"] == "rejected" and stored["n_errors"] == 1
    assert [(i.code, i.row) for i in stored["issues"]] == [("value-out-of-range", 3)]
    assert (data_dir / "archive" / report.sha256[:2] / f"{report.sha256}.csv").exists()  # kept all the same


def test_a_rejected_file_can_be_sent_again_after_fixing(config, engine, data_dir, tmp_path) -> None:
    bad = ingest_file(
        write_csv(tmp_path / "in", "x.csv", august([70, 150])), config, engine, data_dir, who="a"
    )
    again = ingest_file(
        write_csv(tmp_path / "in", "x.csv", august([70, 150])), config, engine, data_dir, who="a"
    )
    assert (bad.status, again.status) == ("rejected", "rejected")  # a rejected duplicate is checked again
    fixed = ingest_file(
        write_csv(tmp_path / "in", "x.csv", august([70, 15])), config, engine, data_dir, who="a"
    )
    assert fixed.status == "accepted"


def test_dry_run_checks_everything_and_writes_nothing(config, engine, data_dir, tmp_path) -> None:
    good = ingest_file(
        write_csv(tmp_path / "in", "a.csv", august([70, 71])), config, engine, data_dir, who="a", dry_run=True
    )
    assert (good.status, good.submission_id, good.n_observations) == ("dry-run", None, 2)
    assert good.observations is not None and good.observations.height == 2
    bad = ingest_file(
        write_csv(tmp_path / "in", "b.csv", august([70, 171])),
        config,
        engine,
        data_dir,
        who="a",
        dry_run=True,
    )
    assert (bad.status, bad.submission_id, [i.code for i in bad.errors]) == (
        "rejected",
        None,
        ["value-out-of-range"],
    )
    assert count(engine, "submissions") == 0 and store.revision(engine) == 0
    assert not (data_dir / "archive").exists()


def test_ingest_bytes_keeps_the_uploaded_name(config, engine, data_dir) -> None:
    name = "Báo cáo tháng 8 (Sở A).csv"
    report = ingest_bytes(long_csv(august([70, 71])).encode(), name, config, engine, data_dir, who="so_a:lan")
    assert report.status == "accepted" and report.file_name == name
    assert ledger.submissions(engine)["file_name"].to_list() == [name]
    assert ledger.current_observations(engine)["source_file"].unique().to_list() == [name]


def test_the_gate_rejects_before_any_parser_and_the_bytes_are_kept(config, engine, data_dir) -> None:
    exe = b"MZ\x90\x00" + b"\0" * 100
    report = ingest_bytes(exe, "report.csv", config, engine, data_dir, who="a")
    assert (report.status, report.source, [i.code for i in report.errors]) == (
        "rejected",
        None,
        ["not-a-spreadsheet"],
    )
    assert ledger.submission(engine, report.submission_id)["source"] == "unknown"
    assert count(engine, "files") == 1


def test_an_unknown_format_says_how_to_choose(config, engine, data_dir) -> None:
    report = ingest_bytes(b"a,b,c\n1,2,3\n", "mystery.csv", config, engine, data_dir, who="a")
    assert [i.code for i in report.errors] == ["unknown-format"]
    assert "--source" in (report.errors[0].admin_hint or "") and "--source" in (
        report.errors[0].admin_hint_vi or ""
    )
    bad_choice = ingest_bytes(b"a,b,c\n1,2,3\n", "m.csv", config, engine, data_dir, who="a", source="nope")
    assert [i.code for i in bad_choice.errors] == ["unknown-source"]


def test_a_department_cannot_upload_another_departments_indicator(config, engine, data_dir) -> None:
    data = long_csv(august([70, 71])).encode()
    report = ingest_bytes(data, "a.csv", config, engine, data_dir, who="so_b:x", department="so_b")
    assert report.status == "rejected"
    assert {i.code for i in report.errors} == {"indicator-not-owned"}
    assert (
        ingest_bytes(data, "a.csv", config, engine, data_dir, who="so_a:x", department="so_a").status
        == "accepted"
    )


def test_warnings_are_stored_with_an_accepted_submission(config, engine, data_dir) -> None:
    ingest_bytes(
        long_csv([("90001", "2025-07", "online_rate", "20")]).encode(),
        "jul.csv",
        config,
        engine,
        data_dir,
        who="a",
    )
    report = ingest_bytes(
        long_csv([("90001", "2025-08", "online_rate", "90")]).encode(),
        "aug.csv",
        config,
        engine,
        data_dir,
        who="a",
    )
    assert report.status == "accepted" and [i.code for i in report.warnings] == ["value-jump"]
    row = ledger.submissions(engine, limit=1).row(0, named=True)
    assert (row["n_warnings"], row["n_errors"]) == (1, 0)
    assert [i.code for i in ledger.submission_issues(engine, row["id"])] == ["value-jump"]


def test_a_loader_crash_becomes_an_issue_not_a_traceback(config, engine, data_dir, monkeypatch) -> None:
    from data_sources import long_export

    def broken(*args, **kwargs):
        raise ZeroDivisionError("bug in a loader")

    monkeypatch.setattr(type(long_export.SOURCE), "read", broken)
    # read in this process: a patched loader does not reach the worker processes
    in_process = ParseLimits(isolated=False)
    report = ingest_bytes(
        long_csv(august([70])).encode(), "a.csv", config, engine, data_dir, who="a", limits=in_process
    )
    assert report.status == "rejected" and [i.code for i in report.errors] == ["internal-error"]
    assert "ZeroDivisionError" in report.errors[0].message
    assert count(engine, "observations") == 0


def test_inbox_moves_files_and_writes_reports_beside_rejected_ones(
    config, engine, data_dir, tmp_path
) -> None:
    inbox = tmp_path / "inbox"
    write_csv(inbox, "good.csv", august([70, 71]))
    write_csv(
        inbox,
        "bad.csv",
        [("90001", "2025-08", "online_rate", "70"), ("90002", "2025-08", "online_rate", "170")],
    )
    (inbox / "~$good.xlsx").write_bytes(b"lock")  # Excel's lock file: left alone
    (inbox / ".hidden.csv").write_text("x")
    reports = ingest_inbox(inbox, config, engine, data_dir, who="inbox")
    assert sorted((r.file_name, r.status) for r in reports) == [
        (".hidden.csv", "skipped"),  # reported (once), listed in the note, never ingested
        ("bad.csv", "rejected"),
        ("good.csv", "accepted"),
    ]
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == [
        ".hidden.csv",
        "hidden-files.skipped.txt",
        "~$good.xlsx",
    ]
    assert (inbox / "done" / "good.csv").exists()
    assert sorted(p.name for p in (inbox / "rejected").iterdir()) == [
        "bad.csv",
        "bad.csv.errors.csv",
        "bad.csv.errors.txt",
    ]
    txt = (inbox / "rejected" / "bad.csv.errors.txt").read_text(encoding="utf-8")
    assert "bad.csv › row 3, column 'value': error[value-out-of-range]" in txt
    assert "en: Value 170 is outside" in txt and "vi: Giá trị 170 nằm ngoài" in txt
    rows = pl.read_csv(inbox / "rejected" / "bad.csv.errors.csv", infer_schema=False)
    assert rows.select("code", "row", "column", "value").rows() == [
        ("value-out-of-range", "3", "value", "170")
    ]
    # the same name again later does not overwrite the earlier file
    write_csv(inbox, "good.csv", august([70, 71]))
    again = ingest_inbox(inbox, config, engine, data_dir, who="inbox")
    assert [r.status for r in again] == ["duplicate"]  # the hidden file is not reported a second time
    assert len(list((inbox / "done").iterdir())) == 2


def test_values_of_former_communes_are_carried_into_todays(engine, data_dir, tmp_path) -> None:
    config = make_config(tmp_path / "province-xw", crosswalk=True)
    assert config.registry.crosswalk is not None
    rows = [
        ("80001", "2025-Q1", "wifi_points", "4"),
        ("80002", "2025-Q1", "wifi_points", "6"),
        ("80003", "2025-Q1", "wifi_points", "10"),
        ("90004", "2025-Q1", "wifi_points", "3"),
    ]
    report = ingest_file(write_csv(tmp_path / "in", "q1.csv", rows), config, engine, data_dir, who="so_b")
    assert report.status == "accepted", [str(i) for i in report.issues]
    cur = ledger.current_observations(engine).sort("unit_code")
    # 90001 = 4 + 6 (merged); 80003's 10 split by weight 0.5 into 90002 and 90003; 90004 as reported
    assert cur.select("unit_code", "value").rows() == [
        ("90001", 10.0),
        ("90002", 5.0),
        ("90003", 5.0),
        ("90004", 3.0),
    ]
    assert report.units == 4


def test_small_counts_and_small_denominators_do_not_raise_jumps(config: Config) -> None:
    previous = obs(
        [
            ("wifi_points", "90001", "2025-Q2", 1.0),
            ("online_rate", "90002", "2025-07", 90.0, 9.0, 10.0),
            ("online_rate", "90003", "2025-07", 90.0, 90.0, 100.0),
        ]
    )
    issues = check(
        config,
        [
            ("wifi_points", "90001", "2025-Q3", 2.0),  # +1 against a floor of 10: not a jump
            ("online_rate", "90002", "2025-08", 50.0, 5.0, 10.0),  # −40 pp, but of 10 dossiers
            ("online_rate", "90003", "2025-08", 50.0, 50.0, 100.0),  # −40 pp of 100 dossiers: a jump
        ],
        previous=previous,
    )
    assert [(i.code, i.row) for i in issues] == [("value-jump", 4)]


def test_a_commune_that_was_already_far_out_is_not_flagged_again(config: Config) -> None:
    values = [70.0, 71.0, 72.0, 73.0, 74.0, 75.0, 76.0, 77.0, 78.0, 5.0]
    rows = [("online_rate", c, "2025-08", v) for c, v in zip(COMMUNES, values, strict=True)]
    last_month = obs([("online_rate", COMMUNES[-1], "2025-07", 6.0)])  # the same laggard a month ago
    assert check(config, rows, previous=last_month) == []
    typo_month = obs([("online_rate", COMMUNES[-1], "2025-07", 74.0)])  # it used to be ordinary: a typo?
    issues = check(config, rows, previous=typo_month)
    assert [(i.code, i.row) for i in issues] == [("value-jump", 11), ("value-outlier", 11)]


def test_detect_explicit_choices_and_their_errors(config, tmp_path) -> None:
    from data_sources import registry
    from ioc.issues import IssueError

    assert next(iter(registry.SOURCES)) == "workbook"  # the template's _meta sheet is sniffed first
    path = write_csv(tmp_path, "x.csv", august([70]))
    source, export = registry.detect(path, config)
    assert source.name == "long" and export is not None and export.kind.value == "long"
    assert registry.detect(path, config, source="long")[0].name == "long"
    with pytest.raises(IssueError) as err:
        registry.detect(path, config, export_id="nope")
    assert [i.code for i in err.value.issues] == ["unknown-export"]


# ----------------------------------------------------------------- a broken configuration is not the file's fault


def _dossier_file(folder: Path) -> Path:
    from ioc.export_writers import write_dossiers

    folder.mkdir(parents=True, exist_ok=True)
    day = dt.date(2025, 8, 4)
    rows = [
        {
            "code": f"HS-{n}",
            "procedure": "Đăng ký khai sinh",
            "field": "Hộ tịch",
            "unit": "90001",
            "channel": ch,
            "received_date": day,
            "due_date": day,
            "result_date": day,
            "e_result": "yes",
            "digitised": "yes",
            "fee": 0,
            "paid_online": "no",
        }
        for n, ch in enumerate(["online", "online", "in_person"])
    ]
    return write_dossiers(folder / "hs.csv", rows)


def test_a_filter_the_export_lacks_leaves_the_file_waiting_not_rejected(engine, data_dir, tmp_path) -> None:
    """A config that was never checked at load (built in memory) names a field no column provides."""
    from helpers_exports import INDICATORS
    from helpers_exports import make_config as export_config

    from ioc.ingest import WAITING_SUFFIX

    online = {
        **INDICATORS[0],
        "source": {**INDICATORS[0]["source"], "numerator": {"where": {"chanel": "online"}}},
    }
    broken = export_config(indicators=[online])
    inbox = tmp_path / "inbox"
    path = _dossier_file(inbox)
    report = ingest_file(path, broken, engine, data_dir, who="inbox")
    assert report.status == "waiting" and report.submission_id is None
    assert [i.code for i in report.errors] == ["export-config"]
    assert count(engine, "submissions") == 0

    (waiting,) = ingest_inbox(inbox, broken, engine, data_dir, who="inbox")
    assert waiting.status == "waiting"
    assert path.exists() and not (inbox / "rejected").exists()
    note = (inbox / ("hs.csv" + WAITING_SUFFIX)).read_text(encoding="utf-8")
    assert "targets.yaml must be fixed" in note and "unknown field 'chanel'" in note
    assert count(engine, "submissions") == 0

    fixed = export_config(indicators=[INDICATORS[0]])
    (done,) = ingest_inbox(inbox, fixed, engine, data_dir, who="inbox")
    assert done.status == "accepted", [str(i) for i in done.issues]
    assert (inbox / "done" / "hs.csv").exists()
    assert not (inbox / ("hs.csv" + WAITING_SUFFIX)).exists()


def test_a_request_object_takes_the_same_path_as_the_keywords(config, engine, data_dir, tmp_path) -> None:
    path = write_csv(tmp_path / "in", "thang8.csv", august([70, 71, 72]))
    request = IngestRequest(who="so_a:lan", kinds=["long"], dry_run=True)
    assert request.kinds == frozenset({"long"})  # any collection, kept as a value
    checked = ingest(path, config, engine, data_dir, request)
    assert (checked.status, checked.n_observations, checked.submission_id) == ("dry-run", 3, None)
    other = ingest(path, config, engine, data_dir, IngestRequest(who="so_a:lan", kinds=["workbook"]))
    assert (other.status, [i.code for i in other.errors]) == ("rejected", ["source-not-allowed"])
    stored = ingest_file(path, config, engine, data_dir, who="so_a:lan", kinds=["long"])
    assert (stored.status, stored.n_observations) == ("accepted", 3)
