"""The meeting room: period locks (lock and unlock, with who and when) and versioned notes and action items.

Only new tables: nothing existing changes, so an older database keeps all its history. Append-only by
design: a lock's end is an "unlock" row, an edit or a closing is a new version of the same decision.

Revision ID: 0003_meetings
Revises: 0002_accounts
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_meetings"
down_revision = "0002_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "period_locks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.CheckConstraint("action IN ('lock', 'unlock')", name="ck_period_locks_action"),
    )
    op.create_index("ix_period_locks_period", "period_locks", ["period"])
    op.create_table(
        "meeting_decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("decision_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("indicator", sa.String(64), nullable=False),
        sa.Column("unit_code", sa.String(64)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("owner", sa.String(64)),
        sa.Column("due", sa.Date),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("closing_note", sa.Text),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.CheckConstraint("kind IN ('note', 'action')", name="ck_meeting_decisions_kind"),
        sa.CheckConstraint("state IN ('note', 'open', 'closed')", name="ck_meeting_decisions_state"),
    )
    op.create_index("ix_meeting_decisions_decision_id", "meeting_decisions", ["decision_id"])
    op.create_index("ix_meeting_decisions_period", "meeting_decisions", ["period"])
    op.create_index("ix_meeting_decisions_indicator", "meeting_decisions", ["indicator"])
    op.create_index(
        "ux_meeting_decisions_version", "meeting_decisions", ["decision_id", "version"], unique=True
    )


def downgrade() -> None:
    op.drop_table("meeting_decisions")
    op.drop_table("period_locks")
