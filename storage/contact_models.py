"""The tables and values contacts bring along: which interactions involved which contact, and the
short list of roles a contact can have at their party.

Kept beside storage/models.py (which holds `Contact` itself) so that the shared models module stays
small; storage/migrations/env.py imports both.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from storage.models import WorkspaceScoped


class ContactRole(StrEnum):
    SPONSOR = "sponsor"
    DECISION_MAKER = "decision maker"
    TECHNICAL_LEAD = "technical lead"
    ACCOUNT_MANAGER = "account manager"
    CHAMPION = "champion"
    OTHER = "other"


class InteractionContact(WorkspaceScoped, table=True):
    """One contact involved in one interaction: a contact's last touchpoint and history come from here."""

    __tablename__ = "interaction_contact"
    __table_args__ = (
        UniqueConstraint("interaction_id", "contact_id", name="uq_interaction_contact"),
        # A contact's last touchpoint and the issues raised with them: one index probe per contact.
        Index("ix_interaction_contact_contact", "team_id", "contact_id", "interaction_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    interaction_id: int = Field(foreign_key="interaction.id", index=True)
    contact_id: int = Field(foreign_key="contact.id")
