"""contacts and cadence: contacts as records linked to interactions, touchpoint cadences, touchpoint nudges

A contact gets its folded name (for matching), a role from the short list and a title as they are
known ("CIO"): roles written before now are titles, so they move. Parties and contacts get a cadence
and the time a touchpoint nudge was last marked done; workspaces a default cadence per party kind;
nudges may be about a party (and a key contact) instead of an issue or an interaction.

Revision ID: 0008_contacts
Revises: 0006_job_queue
Create Date: 2026-12-01 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008_contacts"
down_revision = "0007_public_records"
branch_labels = None
depends_on = None

_ROLES = ("sponsor", "decision maker", "technical lead", "account manager", "champion", "other")


def upgrade() -> None:
    # Columns are added in place: rebuilding a table on SQLite (batch mode) would drop `party`, which
    # every other table's rows refer to. Only `nudge`, which no table refers to, is rebuilt, for its keys.
    op.add_column(
        "contact",
        sa.Column(
            "name_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=""
        ),
    )
    op.add_column("contact", sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
    op.add_column("contact", sa.Column("cadence_days", sa.Integer(), nullable=True))
    op.add_column("contact", sa.Column("touched_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    contact = sa.table(
        "contact",
        sa.column("name", sa.String),
        sa.column("name_key", sa.String),
        sa.column("role", sa.String),
        sa.column("title", sa.String),
    )
    # What logs wrote as a contact's role ("CIO") is their title; the role is one of the short list.
    op.execute(
        contact.update()
        .where(contact.c.role.is_not(None), sa.func.lower(contact.c.role).not_in(_ROLES))
        .values(title=contact.c.role, role=None)
    )
    op.execute(contact.update().values(name_key=sa.func.lower(contact.c.name)))
    op.create_index("ix_contact_name", "contact", ["team_id", "name_key"])

    op.add_column("party", sa.Column("cadence_days", sa.Integer(), nullable=True))
    op.add_column("party", sa.Column("touched_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column("workspace", sa.Column("cadence_by_kind", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("nudge") as batch:
        batch.add_column(sa.Column("party_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("contact_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_nudge_party", "party", ["party_id"], ["id"])
        batch.create_foreign_key("fk_nudge_contact", "contact", ["contact_id"], ["id"])
        batch.create_index("ix_nudge_party_id", ["party_id"])

    op.create_table(
        "interaction_contact",
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("enterprise_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["interaction_id"], ["interaction.id"]),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("interaction_id", "contact_id", name="uq_interaction_contact"),
    )
    op.create_index("ix_interaction_contact_team_id", "interaction_contact", ["team_id"])
    op.create_index("ix_interaction_contact_interaction_id", "interaction_contact", ["interaction_id"])
    op.create_index(
        "ix_interaction_contact_contact", "interaction_contact", ["team_id", "contact_id", "interaction_id"]
    )


def downgrade() -> None:
    op.drop_table("interaction_contact")
    with op.batch_alter_table("nudge") as batch:
        batch.drop_index("ix_nudge_party_id")
        batch.drop_constraint("fk_nudge_contact", type_="foreignkey")
        batch.drop_constraint("fk_nudge_party", type_="foreignkey")
        batch.drop_column("contact_id")
        batch.drop_column("party_id")
    op.drop_index("ix_contact_name", table_name="contact")
    # Dropped in place (SQLite 3.35 and later can): rebuilding `party` or `contact` would fail on the
    # rows that refer to them.
    for table, column in (
        ("workspace", "cadence_by_kind"),
        ("party", "touched_at"),
        ("party", "cadence_days"),
        ("contact", "touched_at"),
        ("contact", "cadence_days"),
        ("contact", "title"),
        ("contact", "name_key"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
