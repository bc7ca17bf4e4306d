"""Alembic takes over the foundation's databases without losing a row, on SQLite and PostgreSQL.

The foundation's schema is built with its own frozen DDL (`foundation_schema.py`), filled with files,
submissions of every status, observations, an audit trail and wall tokens, then `store.migrate` runs.
PostgreSQL runs when IOC_TEST_DATABASE_URL is set (each test in a fresh schema, dropped afterwards).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import foundation_schema as old
import pytest
from sqlalchemy import create_engine, insert, inspect, select, text
from sqlalchemy.engine import Engine, make_url

from ioc import store

PG_URL = os.environ.get("IOC_TEST_DATABASE_URL")
OLD_TABLES = ["schema_version", "files", "submissions", "observations", "audit", "wall_tokens"]


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        eng = store.get_engine(f"sqlite:///{tmp_path / 'foundation.sqlite3'}")
        yield eng
        eng.dispose()
        return
    if not PG_URL:
        pytest.skip(
            "IOC_TEST_DATABASE_URL is not set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    name = f"ioc_mig_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    eng = store.get_engine(
        make_url(PG_URL)
        .update_query_dict({"options": f"-csearch_path={name}"})
        .render_as_string(hide_password=False)
    )
    try:
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def _fill(engine: Engine) -> None:
    """A small but complete history: every status, a restore, many observations, audit rows, a wall token."""
    at = dt.datetime(2026, 10, 5, 3, 0)
    with engine.begin() as conn:
        for k in range(4):
            conn.execute(
                insert(old.files).values(
                    sha256=f"{k}" * 64,
                    size=1000 + k,
                    original_name=f"bieu_mau_{k}.xlsx",
                    stored_path=f"archive/{k}{k}/{k}.xlsx",
                    first_seen_at=at,
                )
            )
        statuses = ["superseded", "accepted", "rejected", "withdrawn", "accepted"]
        for sid, status in enumerate(statuses, start=1):
            conn.execute(
                insert(old.submissions).values(
                    id=sid,
                    sha256=f"{min(sid, 3)}" * 64,
                    file_name=f"Sở Y tế {sid}.xlsx",
                    source="workbook",
                    department="so_y_te",
                    periods="2026-08,2026-09",
                    submitted_by="so_y_te",
                    submitted_at=at + dt.timedelta(hours=sid),
                    status=status,
                    rows_read=40,
                    n_observations=0 if status == "rejected" else 300,
                    n_errors=2 if status == "rejected" else 0,
                    n_warnings=1,
                    issues_json='[{"code": "value-jump", "message": "Giá trị tăng vọt"}]',
                    note="ghi chú" if sid == 2 else None,
                    supersedes="1" if sid == 2 else None,
                    restored_from=1 if sid == 5 else None,
                )
            )
        rows = [
            {
                "submission_id": sid,
                "indicator": f"ind_{i % 7}",
                "unit_code": f"{26000 + i:05d}",
                "period": "2026-08" if i % 2 else "2026-09",
                "value": 84.05332166769956 + i,
                "numerator": float(i) if i % 3 else None,
                "denominator": 100.0 if i % 3 else None,
                "source_file": f"Sở Y tế {sid}.xlsx",
                "sheet": "Nhập liệu",
                "row_no": 8 + i,
                "col_letter": "G",
            }
            for sid in (1, 2, 4, 5)
            for i in range(300)
        ]
        conn.execute(insert(old.observations), rows)
        for sid, action in [(1, "accept"), (2, "accept"), (3, "reject"), (4, "withdraw"), (5, "restore")]:
            conn.execute(
                insert(old.audit).values(at=at, who="so_y_te", action=action, submission_id=sid, detail="{}")
            )
        conn.execute(
            insert(old.wall_tokens).values(
                name="TV phòng điều hành",
                token_sha256="f" * 64,
                prefix="abcd",
                created_at=at,
                created_by="admin",
            )
        )


def _dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of the foundation's tables, in the foundation's columns, in key order."""
    out = {}
    with engine.connect() as conn:
        for name in OLD_TABLES:
            table = old.metadata.tables[name]
            key = next(iter(table.primary_key.columns))
            out[name] = [tuple(r) for r in conn.execute(select(*table.columns).order_by(key)).all()]
    return out


def test_a_filled_foundation_database_is_stamped_and_upgraded_without_losing_a_row(engine: Engine) -> None:
    old.build_foundation(engine, version=2)
    _fill(engine)
    before = _dump(engine)
    assert len(before["observations"]) == 1200

    assert store.migrate(engine) == store.latest_version() == "0003_meetings"

    assert _dump(engine) == before  # every row and every value, the observation ids too
    with engine.connect() as conn:
        assert store.current_version(conn) == "0003_meetings"
        assert store.legacy_version(conn) == 2  # the old record is kept, not rewritten
    names = set(inspect(engine).get_table_names())
    assert {*OLD_TABLES, "accounts", "sessions", "alembic_version"} <= names
    columns = {c["name"] for c in inspect(engine).get_columns("submissions")}
    assert {"actor", "withdrawn_by", "withdrawn_at", "withdraw_note"} <= columns
    assert "actor" in {c["name"] for c in inspect(engine).get_columns("audit")}
    # the ledger reads the upgraded history as before, and writes to it with the acting user
    from ioc import accounts, ledger

    current = ledger.current_observations(engine)
    assert current.height > 0 and set(current["submission_id"].unique().to_list()) <= {2, 5}
    admin = accounts.User("quantri", "Quản trị", "administrator")
    ledger.withdraw(engine, 2, note="số liệu sai", actor=admin)
    row = ledger.submission(engine, 2)
    assert (row["status"], row["withdraw_note"]) == ("withdrawn", "số liệu sai")
    assert store.migrate(engine) == "0003_meetings"  # a second run changes nothing


def test_stamping_keeps_the_tables_the_foundation_created(engine: Engine) -> None:
    """Version 2 is stamped, not recreated: a marker only the original tables carry survives."""
    old.build_foundation(engine, version=2)
    with engine.begin() as conn:
        conn.execute(text("CREATE INDEX ix_marker_files_name ON files (original_name)"))
    store.migrate(engine)
    assert "ix_marker_files_name" in {i["name"] for i in inspect(engine).get_indexes("files")}


def test_a_version_1_database_gains_the_wall_tokens_and_keeps_its_rows(engine: Engine) -> None:
    old.build_foundation(engine, version=1)
    with engine.begin() as conn:
        conn.execute(
            insert(old.files).values(
                sha256="a" * 64,
                size=1,
                original_name="x.csv",
                stored_path="x",
                first_seen_at=dt.datetime(2026, 1, 1),
            )
        )
    assert "wall_tokens" not in inspect(engine).get_table_names()
    store.migrate(engine)
    assert "wall_tokens" in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM files")).scalar() == 1


def test_a_new_database_gets_the_same_schema_as_an_upgraded_one(engine: Engine, tmp_path: Path) -> None:
    store.migrate(engine)
    fresh = {t: {c["name"] for c in inspect(engine).get_columns(t)} for t in store.metadata.tables}
    other = store.get_engine(f"sqlite:///{tmp_path / 'upgraded.sqlite3'}")
    old.build_foundation(other, version=2)
    store.migrate(other)
    upgraded = {t: {c["name"] for c in inspect(other).get_columns(t)} for t in store.metadata.tables}
    other.dispose()
    assert fresh == upgraded
    # and the tables the code declares are exactly those the revisions build
    assert fresh == {t.name: {c.name for c in t.columns} for t in store.metadata.sorted_tables}


def test_a_failing_revision_rolls_back_whole(engine: Engine, tmp_path: Path, monkeypatch) -> None:
    """An upgrade is one transaction: a revision failing half-way leaves the database as it was."""
    old.build_foundation(engine, version=2)
    _fill(engine)
    before = _dump(engine)
    versions = tmp_path / "migrations"
    import shutil

    shutil.copytree(store.MIGRATIONS_DIR, versions, ignore=shutil.ignore_patterns("__pycache__"))
    (versions / "versions" / "0004_broken.py").write_text(
        '"""A revision that fails half-way."""\n'
        "import sqlalchemy as sa\nfrom alembic import op\n\n"
        'revision = "0004_broken"\ndown_revision = "0003_meetings"\nbranch_labels = None\ndepends_on = None\n\n\n'
        "def upgrade():\n"
        '    op.add_column("files", sa.Column("extra", sa.Text))\n'
        '    raise RuntimeError("failed half-way")\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(store, "MIGRATIONS_DIR", versions)
    store.latest_version.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="half-way"):
            store.migrate(engine)
    finally:
        store.latest_version.cache_clear()
    assert "accounts" not in inspect(engine).get_table_names()  # 0002 rolled back with it
    assert "period_locks" not in inspect(engine).get_table_names()  # and 0003
    assert "extra" not in {c["name"] for c in inspect(engine).get_columns("files")}
    with engine.connect() as conn:
        assert store.current_version(conn) is None
    assert _dump(engine) == before
