"""digest mentions: whether the weekly digest @-mentions people or only names them

A mention in a channel post notifies the person, every week; most workspaces want names only.

Revision ID: 0004_digest_mentions
Revises: 0003_fiscal_year
Create Date: 2026-12-01 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_digest_mentions"
down_revision = "0003_fiscal_year"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing workspaces get the default, names without a ping.
    op.add_column(
        "workspace", sa.Column("digest_mentions", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    with op.batch_alter_table("workspace") as batch:
        batch.drop_column("digest_mentions")
