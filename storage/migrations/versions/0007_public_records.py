"""public records: records administrators, retention rules, legal holds, retention runs

Revision ID: 0007_public_records
Revises: 0006_job_queue
Create Date: 2026-12-01 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007_public_records"
down_revision = "0006_job_queue"
branch_labels = None
depends_on = None

String = sqlmodel.sql.sqltypes.AutoString
When = sqlmodel.sql.sqltypes.UTCDateTime


def _workspace() -> list[sa.Column]:
    return [
        sa.Column("team_id", String(length=32), nullable=False),
        sa.Column("enterprise_id", String(length=32), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "records_admin",
        *_workspace(),
        sa.Column("user_id", String(length=32), nullable=False),
        sa.Column("added_by", String(length=32), nullable=False),
        sa.Column("created_at", When(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "user_id", name="uq_records_admin"),
    )
    op.create_index("ix_records_admin_team_id", "records_admin", ["team_id"])
    op.create_table(
        "retention_rule",
        *_workspace(),
        sa.Column("record_type", String(length=32), nullable=False),
        sa.Column("period_count", sa.Integer(), nullable=False),
        sa.Column("period_unit", String(length=8), nullable=False),
        sa.Column("disposition", String(length=8), nullable=False),
        sa.Column("set_by", String(length=32), nullable=False),
        sa.Column("created_at", When(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "record_type", name="uq_retention_type"),
    )
    op.create_index("ix_retention_rule_team_id", "retention_rule", ["team_id"])
    op.create_table(
        "legal_hold",
        *_workspace(),
        sa.Column("name", String(length=120), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", When(), nullable=True),
        sa.Column("ends_at", When(), nullable=True),
        sa.Column("user_id", String(length=32), nullable=True),
        sa.Column("placed_by", String(length=32), nullable=False),
        sa.Column("created_at", When(), nullable=False),
        sa.Column("released_at", When(), nullable=True),
        sa.Column("released_by", String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["party_id"], ["party.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_legal_hold_team_id", "legal_hold", ["team_id"])
    op.create_index("ix_legal_hold_active", "legal_hold", ["team_id", "released_at"])
    op.create_table(
        "retention_run",
        *_workspace(),
        sa.Column("day", String(length=10), nullable=False),
        sa.Column("created_at", When(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "day", name="uq_retention_day"),
    )
    op.create_index("ix_retention_run_team_id", "retention_run", ["team_id"])


def downgrade() -> None:
    for table in ("retention_run", "legal_hold", "retention_rule", "records_admin"):
        op.drop_table(table)
