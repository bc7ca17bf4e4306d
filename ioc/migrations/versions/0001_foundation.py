"""The foundation's schema (the hand-written migration list's version 2): the baseline of every database.

A database the foundation created (its `schema_version` table says 2) is stamped with this revision
without running it; one at version 1 lacks only `wall_tokens`, which this revision then adds; a new
database gets every table here. The DDL is frozen: later changes are later revisions, never edits here.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None


def _missing(name: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(name)


def upgrade() -> None:
    if _missing("schema_version"):
        op.create_table(
            "schema_version",
            sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("applied_at", sa.DateTime, nullable=False),
        )
    if _missing("files"):
        op.create_table(
            "files",
            sa.Column("sha256", sa.String(64), primary_key=True),
            sa.Column("size", sa.BigInteger, nullable=False),
            sa.Column("original_name", sa.Text, nullable=False),
            sa.Column("stored_path", sa.Text, nullable=False),
            sa.Column("first_seen_at", sa.DateTime, nullable=False),
        )
    if _missing("submissions"):
        op.create_table(
            "submissions",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("sha256", sa.String(64), sa.ForeignKey("files.sha256"), nullable=False),
            sa.Column("file_name", sa.Text, nullable=False),
            sa.Column("source", sa.String(64), nullable=False),
            sa.Column("export_id", sa.String(64)),
            sa.Column("department", sa.String(64)),
            sa.Column("periods", sa.Text, nullable=False),
            sa.Column("submitted_by", sa.Text, nullable=False),
            sa.Column("submitted_at", sa.DateTime, nullable=False),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("rows_read", sa.Integer, nullable=False),
            sa.Column("n_observations", sa.Integer, nullable=False),
            sa.Column("n_errors", sa.Integer, nullable=False),
            sa.Column("n_warnings", sa.Integer, nullable=False),
            sa.Column("issues_json", sa.Text, nullable=False),
            sa.Column("note", sa.Text),
            sa.Column("supersedes", sa.Text),
            sa.Column("restored_from", sa.Integer, sa.ForeignKey("submissions.id")),
            sa.CheckConstraint(
                "status IN ('accepted', 'rejected', 'superseded', 'withdrawn')", name="ck_submissions_status"
            ),
        )
        op.create_index("ix_submissions_sha256", "submissions", ["sha256"])
        op.create_index("ix_submissions_department", "submissions", ["department"])
        op.create_index("ix_submissions_status", "submissions", ["status"])
    if _missing("observations"):
        op.create_table(
            "observations",
            sa.Column(
                "id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True
            ),
            sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
            sa.Column("indicator", sa.String(64), nullable=False),
            sa.Column("unit_code", sa.String(64), nullable=False),
            sa.Column("period", sa.String(16), nullable=False),
            sa.Column("value", sa.Float, nullable=False),
            sa.Column("numerator", sa.Float),
            sa.Column("denominator", sa.Float),
            sa.Column("source_file", sa.Text),
            sa.Column("sheet", sa.Text),
            sa.Column("row_no", sa.Integer),
            sa.Column("col_letter", sa.String(255)),
        )
        op.create_index("ix_observations_submission_id", "observations", ["submission_id"])
        op.create_index("ix_observations_key", "observations", ["indicator", "unit_code", "period"])
    if _missing("audit"):
        op.create_table(
            "audit",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("at", sa.DateTime, nullable=False),
            sa.Column("who", sa.Text, nullable=False),
            sa.Column("action", sa.String(32), nullable=False),
            sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id")),
            sa.Column("detail", sa.Text),
        )
        op.create_index("ix_audit_submission_id", "audit", ["submission_id"])
    if _missing("wall_tokens"):  # version 2 of the hand-written list
        op.create_table(
            "wall_tokens",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("name", sa.Text, nullable=False),
            sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
            sa.Column("prefix", sa.String(16), nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("created_by", sa.Text, nullable=False),
            sa.Column("revoked_at", sa.DateTime),
            sa.Column("revoked_by", sa.Text),
        )


def downgrade() -> None:
    raise NotImplementedError("the ledger's schema only moves forward: restore a backup to go back")
