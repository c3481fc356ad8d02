"""slack pace: when each channel may next get a message, shared by every sender process; and
the workers' heartbeats, which the health check of a web process reads

Revision ID: 0009_slack_pace
Revises: 0011_search
Create Date: 2026-12-01 14:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009_slack_pace"
down_revision = "0011_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_pace",
        sa.Column("channel_key", sqlmodel.sql.sqltypes.AutoString(length=96), nullable=False),
        sa.Column("next_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.PrimaryKeyConstraint("channel_key"),
    )
    op.create_table(
        "worker_heartbeat",
        sa.Column("worker", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("scheduler_running", sa.Boolean(), nullable=False),
        sa.Column("beat_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("worker"),
    )


def downgrade() -> None:
    op.drop_table("worker_heartbeat")
    op.drop_table("slack_pace")
