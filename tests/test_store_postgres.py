"""The same ledger behaviour on PostgreSQL (the multi-instance deployment), when a test database is given.

Set IOC_TEST_DATABASE_URL, e.g. `postgresql+psycopg://postgres@127.0.0.1:5432/test`. Each run works in a
fresh schema (created here, selected with `search_path`, dropped at the end), so nothing else is touched.
"""

from __future__ import annotations

import os
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, inspect, text
from sqlalchemy.engine import make_url

from ioc import store

URL = os.environ.get("IOC_TEST_DATABASE_URL")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not URL,
        reason="IOC_TEST_DATABASE_URL is not set; PostgreSQL tests need a database, "
        "e.g. IOC_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test",
    ),
]

# The SQLite behaviour tests, run again here against PostgreSQL through the `engine` fixture below.
from test_ingest import (  # noqa: E402
    config,
    data_dir,
    test_a_file_with_one_bad_row_is_rejected_whole,
    test_a_resubmission_supersedes_and_history_keeps_both,
    test_duplicate_file_changes_nothing,
)
from test_intake_channels import (  # noqa: E402
    test_a_failure_between_archive_and_record_leaves_no_orphan,
    test_a_file_rejected_at_the_check_step_is_archived_and_recorded_superseding_nothing,
    test_a_parse_step_that_fails_leaves_a_rejected_row_for_the_archived_bytes,
    test_an_export_on_the_department_page_is_refused_in_the_core_and_kept,
    test_stale_staged_files_are_swept_and_a_committed_one_is_put_in_place,
    test_the_same_bytes_under_two_extensions_are_archived_once,
)
from test_ledger import (  # noqa: E402
    test_a_failure_in_the_middle_of_the_observations_leaves_nothing,
    test_a_partial_resubmission_keeps_the_older_submission_current_for_the_other_keys,
    test_current_observations_on_an_empty_ledger_has_the_schema,
    test_current_observations_schema_filter_and_provenance,
    test_duplicate_lookup_sees_only_accepted_submissions,
    test_issues_round_trip_through_the_ledger,
    test_restoring_an_older_version_supersedes_the_newer_one,
    test_resubmission_supersedes_per_key_and_history_keeps_both,
    test_submissions_filter_and_last_submission_per_department,
    test_withdraw_and_restore_refuse_what_they_cannot_do,
    test_withdraw_removes_values_and_restore_brings_them_back_as_a_copy,
)

__all__ = [
    "config",
    "data_dir",
    "test_a_failure_between_archive_and_record_leaves_no_orphan",
    "test_a_failure_in_the_middle_of_the_observations_leaves_nothing",
    "test_a_file_rejected_at_the_check_step_is_archived_and_recorded_superseding_nothing",
    "test_a_file_with_one_bad_row_is_rejected_whole",
    "test_a_parse_step_that_fails_leaves_a_rejected_row_for_the_archived_bytes",
    "test_a_partial_resubmission_keeps_the_older_submission_current_for_the_other_keys",
    "test_a_resubmission_supersedes_and_history_keeps_both",
    "test_an_export_on_the_department_page_is_refused_in_the_core_and_kept",
    "test_current_observations_on_an_empty_ledger_has_the_schema",
    "test_current_observations_schema_filter_and_provenance",
    "test_duplicate_file_changes_nothing",
    "test_duplicate_lookup_sees_only_accepted_submissions",
    "test_issues_round_trip_through_the_ledger",
    "test_restoring_an_older_version_supersedes_the_newer_one",
    "test_resubmission_supersedes_per_key_and_history_keeps_both",
    "test_stale_staged_files_are_swept_and_a_committed_one_is_put_in_place",
    "test_submissions_filter_and_last_submission_per_department",
    "test_the_same_bytes_under_two_extensions_are_archived_once",
    "test_withdraw_and_restore_refuse_what_they_cannot_do",
    "test_withdraw_removes_values_and_restore_brings_them_back_as_a_copy",
]


@pytest.fixture(scope="module")
def schema_url() -> str:
    """A URL whose connections see only a fresh schema; the schema is dropped after the module."""
    assert URL is not None
    name = f"ioc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    url = make_url(URL).update_query_dict({"options": f"-csearch_path={name}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(schema_url: str):
    eng = store.get_engine(schema_url)
    store.metadata.drop_all(eng)  # every test starts from empty tables
    store.migrate(eng)
    yield eng
    eng.dispose()


def test_tables_live_in_the_test_schema(engine) -> None:
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar()
    assert schema.startswith("ioc_test_")
    assert {"files", "submissions", "observations", "audit", "alembic_version", "accounts"} <= set(
        inspect(engine).get_table_names()
    )
    assert store.migrate(engine) == store.latest_version()


def test_writers_are_serialised_by_the_advisory_lock(schema_url: str, engine) -> None:
    other = store.get_engine(schema_url)
    entered = threading.Event()

    def second_writer() -> None:
        with store.write_transaction(other):
            entered.set()

    with store.write_transaction(engine) as conn:
        conn.execute(insert(store.audit).values(at=store.utcnow(), who="t", action="accept"))
        worker = threading.Thread(target=second_writer)
        worker.start()
        assert not entered.wait(0.5)
    worker.join(10)
    assert entered.is_set()
    assert store.revision(engine) == 1
    other.dispose()


def test_a_writer_that_cannot_get_the_advisory_lock_fails_cleanly_and_archives_nothing(
    schema_url: str, tmp_path: Path
) -> None:
    from helpers_ledger import long_csv, make_config

    from ioc import ledger
    from ioc.ingest import ingest_bytes

    eng = store.get_engine(schema_url, lock_timeout=1.0)
    store.metadata.drop_all(eng)
    store.migrate(eng)
    config = make_config(tmp_path / "province")
    data_dir = tmp_path / "data"
    holder = create_engine(URL)  # another instance in the middle of a long write
    with holder.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": store._PG_LEDGER_LOCK})
        data = long_csv([("90001", "2025-08", "online_rate", "70")]).encode()
        report = ingest_bytes(data, "t.csv", config, eng, data_dir, who="so_a")
        assert report.status == "busy" and [i.code for i in report.issues] == ["ledger-busy"]
        assert [p for p in (data_dir / "archive").rglob("*") if p.is_file()] == []
        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": store._PG_LEDGER_LOCK})
    holder.dispose()
    again = ingest_bytes(data, "t.csv", config, eng, data_dir, who="so_a")
    assert again.status == "accepted"
    assert ledger.submissions(eng).height == 1
    eng.dispose()


def test_archive_location_does_not_depend_on_the_database(engine, tmp_path: Path) -> None:
    from ioc import ledger

    sha, path = ledger.archive_bytes(b"abc", tmp_path, "a.csv")
    assert path.is_file() and path.name == f"{sha}.csv"
