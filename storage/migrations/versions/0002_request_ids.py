"""request ids: the slash command that wrote an interaction or an issue

A command's work can run twice when the worker running it dies after saving but before it reported
the job done (handlers/work.py hands unfinished jobs to the next worker). The command's trigger_id,
unique per workspace, lets the second run find the record instead of writing a twin.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("interaction", "issue"):
        op.add_column(
            table, sa.Column("request_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True)
        )
        op.create_index(f"ix_{table}_request", table, ["team_id", "request_id"], unique=True)


def downgrade() -> None:
    for table in ("interaction", "issue"):
        op.drop_index(f"ix_{table}_request", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("request_id")
