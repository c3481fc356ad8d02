"""nudge channel index: the oldest due nudges of one channel, read without the rest

A sender caught up with Slack's pace claims, every few dozen milliseconds, the next nudge of each
channel whose slot has just come. Found among all due nudges, that read every due row each time
(a 10,000-nudge backlog: milliseconds of the database's CPU a claim); by channel it reads a few.

Revision ID: 0013_nudge_channel_index
Revises: 0009_slack_pace
Create Date: 2026-12-02 04:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0013_nudge_channel_index"
down_revision = "0009_slack_pace"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_nudge_channel_due", "nudge", ["team_id", "target_channel_id", "status", "due_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_nudge_channel_due", table_name="nudge")
