"""fiscal year: the month a workspace's fiscal year starts

Dates like "end of FY", "next fiscal year", "FY27" and "fiscal Q3" depend on it. Empty means the
usual month for the workspace's holiday state (July for most states).

Revision ID: 0003_fiscal_year
Revises: 0002
Create Date: 2026-12-01 11:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_fiscal_year"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("workspace", sa.Column("fiscal_year_start", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workspace") as batch:
        batch.drop_column("fiscal_year_start")
