"""Contacts: finding, adding, changing and removing a party's people, linking them to interactions,
and what their card shows (last touchpoint, open issues raised with them)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from storage.contact_models import InteractionContact
from storage.models import Contact, Interaction, Issue, IssueStatus, Nudge, NudgeStatus, Party


def contact_names(session: Session) -> list[tuple[Contact, str]]:
    """Every contact of the workspace with its party's name, by name, for recognising names in text."""
    statement = (
        select(Contact, Party.name).join(Party, Party.id == Contact.party_id).order_by(Contact.name_key)
    )
    return [(contact, party_name) for contact, party_name in session.exec(statement)]


def contacts_of(session: Session, party_id: int) -> list[Contact]:
    statement = select(Contact).where(Contact.party_id == party_id).order_by(Contact.name_key, Contact.id)
    return list(session.exec(statement))


def get_contact(session: Session, contact_id: int) -> Contact | None:
    return session.exec(select(Contact).where(Contact.id == contact_id)).first()


def add_contact(session: Session, contact: Contact) -> Contact:
    session.add(contact)
    session.flush()
    return contact


def link_contacts(session: Session, interaction: Interaction, contact_ids: Collection[int]) -> None:
    """Record that these contacts took part in the interaction (once each)."""
    for contact_id in dict.fromkeys(contact_ids):
        session.add(
            InteractionContact(
                team_id=interaction.team_id,
                enterprise_id=interaction.enterprise_id,
                interaction_id=interaction.id,  # type: ignore[arg-type]
                contact_id=contact_id,
            )
        )
    session.flush()


def linked_contacts(session: Session, interaction_id: int) -> list[Contact]:
    statement = (
        select(Contact)
        .join(InteractionContact, InteractionContact.contact_id == Contact.id)
        .where(InteractionContact.interaction_id == interaction_id)
        .order_by(InteractionContact.id)
    )
    return list(session.exec(statement))


def unlink_interactions(session: Session, interaction_ids: Sequence[int]) -> None:
    """Forget which contacts took part in these interactions (they are being removed)."""
    if interaction_ids:
        session.exec(
            delete(InteractionContact).where(
                col(InteractionContact.interaction_id).in_(list(interaction_ids))
            )  # type: ignore[call-overload]
        )


def last_touchpoints(session: Session, contact_ids: Collection[int]) -> dict[int, datetime]:
    """Each contact's most recent interaction, for those that have one."""
    if not contact_ids:
        return {}
    statement = (
        select(InteractionContact.contact_id, func.max(Interaction.occurred_at))
        .join(Interaction, Interaction.id == InteractionContact.interaction_id)
        .where(col(InteractionContact.contact_id).in_(list(contact_ids)))
        .group_by(InteractionContact.contact_id)
    )
    return {contact_id: at for contact_id, at in session.exec(statement) if at is not None}


def open_issues_with(session: Session, contact_id: int, *, limit: int = 10) -> list[Issue]:
    """Open issues raised from interactions the contact took part in, oldest first."""
    statement = (
        select(Issue)
        .join(InteractionContact, InteractionContact.interaction_id == Issue.interaction_id)
        .where(InteractionContact.contact_id == contact_id, Issue.status == IssueStatus.OPEN)
        .order_by(Issue.number)
        .limit(limit)
    )
    return list(session.exec(statement))


def remove_contact(session: Session, contact: Contact) -> None:
    """Delete a contact with its links; its touchpoint nudges not yet sent are cancelled, the sent
    ones kept (about the party alone) as the record of what was posted."""
    session.execute(
        update(Nudge)
        .where(Nudge.contact_id == contact.id, Nudge.status == NudgeStatus.PENDING)
        .values(status=NudgeStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Nudge)
        .where(Nudge.contact_id == contact.id)
        .values(contact_id=None)
        .execution_options(synchronize_session=False)
    )
    session.exec(delete(InteractionContact).where(col(InteractionContact.contact_id) == contact.id))  # type: ignore[call-overload]
    session.delete(contact)
    session.flush()
