"""A new export file replaces the accepted one for the months it covers, as a whole, and says so first."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from helpers_exports import by_code, make_config
from test_dossiers import A, rows

from ioc import ledger, store
from ioc.export_writers import write_dossiers
from ioc.ingest import ingest_file


@pytest.fixture
def engine(tmp_path: Path):
    eng = store.get_engine(f"sqlite:///{tmp_path / 'ioc.sqlite3'}")
    store.migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def config():
    return make_config()


def ingest(path: Path, config, engine, tmp_path: Path, **kw):
    return ingest_file(path, config, engine, tmp_path / "data", who="ttpvhcc:an", department="ttpvhcc", **kw)


def current(engine, period: str) -> dict[tuple[str, str], float]:
    cur = ledger.current_observations(engine).filter(pl.col("period") == period)
    return {(i, u): round(v, 4) for i, u, v in cur.select("indicator", "unit_code", "value").iter_rows()}


def august_of_a() -> list[dict]:
    """Commune A's 8 August dossiers only: commune B's August rows are missing from the new file."""
    return [r for r in rows() if r["unit"] == A and r["received_date"].month == 8]


def test_a_new_file_for_a_month_replaces_that_month_as_a_whole(config, engine, tmp_path: Path) -> None:
    old = ingest(write_dossiers(tmp_path / "thang8-9.xlsx", rows()), config, engine, tmp_path)
    assert old.status == "accepted" and old.periods == ["2025-06", "2025-08", "2025-09"]
    assert ("dossier_online_rate", "90002") in current(engine, "2025-08")
    new = ingest(write_dossiers(tmp_path / "thang8.xlsx", august_of_a()), config, engine, tmp_path)
    assert new.status == "accepted"
    aug = current(engine, "2025-08")
    # commune B's August values came only from the old file: they are gone, not mixed in
    assert {u for _, u in aug} == {"90001"}
    assert aug[("dossier_online_rate", "90001")] == 50.0
    # the old file still counts for the months the new one does not cover
    sep = ledger.current_observations(engine).filter(pl.col("period") == "2025-09")
    assert set(sep["submission_id"]) == {old.submission_id} and sep.height == 10
    assert new.superseded == []  # partly replaced: the old file stays accepted for June and September
    hist = dict(ledger.submissions(engine).select("id", "status").iter_rows())
    assert hist == {old.submission_id: "accepted", new.submission_id: "accepted"}
    assert len(ledger.submission_observations(engine, old.submission_id)) == 25  # nothing deleted


def test_the_check_says_what_it_replaces_and_how_the_totals_change(config, engine, tmp_path: Path) -> None:
    old = ingest(write_dossiers(tmp_path / "thang8-9.xlsx", rows()), config, engine, tmp_path)
    rev = store.revision(engine)
    check = ingest(
        write_dossiers(tmp_path / "thang8.xlsx", august_of_a()), config, engine, tmp_path, dry_run=True
    )
    assert check.status == "dry-run" and store.revision(engine) == rev  # nothing stored
    plan = check.replacement
    assert plan is not None and plan.months == ["2025-08"]
    (f,) = plan.files
    assert (f.submission_id, f.file_name, f.months, f.whole, f.rows_read) == (
        old.submission_id,
        "thang8-9.xlsx",
        ["2025-08"],
        False,
        30,
    )
    # 5 indicators × 2 communes in August before, × 1 commune after
    assert (plan.old_observations, plan.new_observations, plan.new_rows) == (10, 5, 8)
    assert plan.old_rows is None  # the old file also covers other months: its row count is not comparable
    totals = {r["indicator"]: r for r in plan.totals.iter_rows(named=True)}
    online = totals["dossier_online_rate"]
    # province, rolled up: (4 + 2) / (8 + 7) = 40 % before; 4 / 8 = 50 % after
    assert (
        round(online["old_value"], 4),
        online["new_value"],
        online["old_values"],
        online["new_values"],
    ) == (
        40.0,
        50.0,
        2,
        1,
    )
    (w,) = by_code(check.issues, "replacement-shrinks")
    assert not w.is_error and w.field == "values" and "5 values" in w.message and "(50 %)" in w.message
    assert f"#{old.submission_id} (thang8-9.xlsx)" in w.message and "08/2025" in w.message
    text = plan.describe("en")
    assert f"Replaces submission #{old.submission_id} (thang8-9.xlsx) for 2025-08." in text
    assert "Values: 10 → 5." in text and "thay thế lần nộp số" in plan.describe("vi").lower()


def test_a_whole_replacement_compares_rows_and_supersedes(config, engine, tmp_path: Path) -> None:
    old = ingest(write_dossiers(tmp_path / "v1.csv", rows()), config, engine, tmp_path)
    fewer = [r for i, r in enumerate(rows()) if i % 3 or r["received_date"].month == 6]  # 30 → 20 rows
    new = ingest(write_dossiers(tmp_path / "v2.csv", fewer), config, engine, tmp_path)
    assert new.status == "accepted" and new.superseded == [old.submission_id]
    plan = new.replacement
    assert plan is not None and plan.files[0].whole and (plan.old_rows, plan.new_rows) == (30, 20)
    (w,) = [i for i in by_code(new.issues, "replacement-shrinks") if i.field == "rows"]
    assert w.extra == {"old": 30, "new": 20} and "(67 %)" in w.message
    assert (
        dict(ledger.submissions(engine).select("id", "status").iter_rows())[old.submission_id] == "superseded"
    )
    # the same month again, complete: no warning
    again = ingest(write_dossiers(tmp_path / "v3.csv", rows()[::-1]), config, engine, tmp_path)
    assert by_code(again.issues, "replacement-shrinks") == []
    assert again.replacement is not None and [f.submission_id for f in again.replacement.files] == [
        new.submission_id
    ]


def test_restoring_the_old_file_brings_its_months_back_as_a_whole(config, engine, tmp_path: Path) -> None:
    old = ingest(write_dossiers(tmp_path / "full.xlsx", rows()), config, engine, tmp_path)
    before = current(engine, "2025-08")
    new = ingest(write_dossiers(tmp_path / "a.xlsx", august_of_a()), config, engine, tmp_path)
    assert current(engine, "2025-08") != before
    ledger.withdraw(engine, old.submission_id, "admin")  # restore takes a superseded or withdrawn file
    new_id = ledger.restore(engine, old.submission_id, "admin")
    assert current(engine, "2025-08") == before
    statuses = dict(ledger.submissions(engine).select("id", "status").iter_rows())
    # the restored copy covers August too: the August-only file no longer provides anything
    assert statuses[new.submission_id] == "superseded" and statuses[new_id] == "accepted"


def test_the_first_file_of_an_export_replaces_nothing(config, engine, tmp_path: Path) -> None:
    first = ingest(write_dossiers(tmp_path / "f.xlsx", rows()), config, engine, tmp_path, dry_run=True)
    assert first.status == "dry-run" and first.replacement is None
    assert by_code(first.issues, "replacement-shrinks") == []
