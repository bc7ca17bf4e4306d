"""Accounts, their sign-in sessions, and the acting account on every ledger row.

`submissions.actor` / `audit.actor` name the account (its username) that uploaded, withdrew or
restored; NULL for rows written before accounts existed and for trusted system paths (the server's
command line without `--user`, the demo). A withdrawal keeps who, when and why on the submission itself.

Revision ID: 0002_accounts
Revises: 0001_foundation
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_accounts"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("department", sa.String(64)),
        sa.Column("email", sa.String(254), unique=True),
        sa.Column("password_hash", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", sa.DateTime),
        sa.Column("last_login_at", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime),
        sa.CheckConstraint("role IN ('viewer', 'department', 'administrator')", name="ck_accounts_role"),
        sa.CheckConstraint(
            "(role = 'department' AND department IS NOT NULL) OR (role <> 'department' AND department IS NULL)",
            name="ck_accounts_department",
        ),
    )
    op.create_table(
        "sessions",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime),
    )
    op.create_index("ix_sessions_account_id", "sessions", ["account_id"])
    # plain ADD COLUMN (nullable, no constraint): SQLite adds it in place, no table copy of the history
    op.add_column("submissions", sa.Column("actor", sa.String(64)))
    op.add_column("submissions", sa.Column("withdrawn_by", sa.Text))
    op.add_column("submissions", sa.Column("withdrawn_at", sa.DateTime))
    op.add_column("submissions", sa.Column("withdraw_note", sa.Text))
    op.add_column("audit", sa.Column("actor", sa.String(64)))


def downgrade() -> None:
    raise NotImplementedError("the ledger's schema only moves forward: restore a backup to go back")
