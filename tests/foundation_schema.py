"""The foundation's schema as it shipped (the hand-written migration list, versions 1 and 2), frozen.

Copied from `ioc/store.py` before Alembic: the upgrade tests build a database exactly as the foundation
did — its DDL, its `schema_version` rows — fill it, then let today's `store.migrate` take it over.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
)

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", DateTime, nullable=False),
)

# One row per distinct file content ever received (archived under data_dir/stored_path).
files = Table(
    "files",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("original_name", Text, nullable=False),
    Column("stored_path", Text, nullable=False),  # relative to the data directory
    Column("first_seen_at", DateTime, nullable=False),
)

submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), ForeignKey("files.sha256"), nullable=False, index=True),
    Column("file_name", Text, nullable=False),
    Column("source", String(64), nullable=False),
    Column("export_id", String(64)),
    Column("department", String(64), index=True),
    Column("periods", Text, nullable=False, default=""),  # comma-joined, sorted
    Column("submitted_by", Text, nullable=False),
    Column("submitted_at", DateTime, nullable=False),  # UTC, naive
    Column("status", String(16), nullable=False, index=True),
    Column("rows_read", Integer, nullable=False, default=0),
    Column("n_observations", Integer, nullable=False, default=0),
    Column("n_errors", Integer, nullable=False, default=0),
    Column("n_warnings", Integer, nullable=False, default=0),
    Column("issues_json", Text, nullable=False, default="[]"),
    Column("note", Text),
    Column("supersedes", Text),  # comma-joined ids this submission marked superseded
    Column("restored_from", Integer, ForeignKey("submissions.id")),
    CheckConstraint(
        "status IN ('accepted', 'rejected', 'superseded', 'withdrawn')", name="ck_submissions_status"
    ),
)

observations = Table(
    "observations",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False, index=True),
    Column("indicator", String(64), nullable=False),
    Column("unit_code", String(64), nullable=False),
    Column("period", String(16), nullable=False),
    Column("value", Float, nullable=False),
    Column("numerator", Float),
    Column("denominator", Float),
    Column("source_file", Text),
    Column("sheet", Text),
    Column("row_no", Integer),  # `row` in the observation frame; ROW is reserved in SQL
    Column("col_letter", String(255)),  # `column` in the observation frame
    Index("ix_observations_key", "indicator", "unit_code", "period"),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("who", Text, nullable=False),
    Column("action", String(32), nullable=False),
    Column("submission_id", Integer, ForeignKey("submissions.id"), index=True),
    Column("detail", Text),
)

# Read-only links for wall displays (a TV in the operations centre): only a hash of each token is kept, so
# a copy of the database never yields a working link; revoking keeps the row (who, when) for the record.
wall_tokens = Table(
    "wall_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),  # the token's first characters, to tell links apart
    Column("created_at", DateTime, nullable=False),  # UTC, naive
    Column("created_by", Text, nullable=False),
    Column("revoked_at", DateTime),
    Column("revoked_by", Text),
)


def build_foundation(engine: Engine, version: int = 2) -> None:
    """Create the foundation's tables at `version` (1: without `wall_tokens`) with its version rows."""
    now = dt.datetime(2026, 11, 1, 8, 0)
    with engine.begin() as conn:
        tables = [t for t in metadata.sorted_tables if version >= 2 or t.name != "wall_tokens"]
        metadata.create_all(conn, tables=tables)
        for v in range(1, version + 1):
            conn.execute(insert(schema_version).values(version=v, applied_at=now))
