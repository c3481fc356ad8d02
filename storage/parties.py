"""Parties (agencies, vendors, partners, internal teams), their aliases and contacts."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.models import Contact, Party, PartyAlias


def party_names(session: Session) -> list[tuple[int, str, tuple[str, ...]]]:
    """Every party of the workspace as (id, name, aliases), for recognising names in text."""
    aliases: dict[int, list[str]] = defaultdict(list)
    for party_id, alias in session.exec(select(PartyAlias.party_id, PartyAlias.alias)):
        aliases[party_id].append(alias)
    return [
        (party_id, name, tuple(aliases[party_id]))
        for party_id, name in session.exec(select(Party.id, Party.name).order_by(Party.name))
    ]


def get_party(session: Session, party_id: int) -> Party | None:
    return session.exec(select(Party).where(Party.id == party_id)).first()


def party_by_key(session: Session, name_key: str) -> Party | None:
    return session.exec(select(Party).where(Party.name_key == name_key)).first()


def create_party(
    session: Session, *, name: str, name_key: str, kind: str, created_by: str | None
) -> tuple[Party, bool]:
    """Create a party, or return the one another request created a moment ago: (party, created)."""
    party = Party(
        team_id=session.info["team_id"],
        enterprise_id=session.info.get("enterprise_id"),
        name=name,
        name_key=name_key,
        kind=kind,
        owner_id=created_by,
        created_by=created_by,
    )
    try:
        with session.begin_nested():
            session.add(party)
    except IntegrityError:
        existing = party_by_key(session, name_key)
        if existing is None:
            raise
        return existing, False
    return party, True


def find_or_add_contact(
    session: Session, party: Party, *, name: str, role: str | None, slack_user_id: str | None = None
) -> Contact:
    """The party's contact of that name, created (or given the role now known) when needed."""
    contact = session.exec(select(Contact).where(Contact.party_id == party.id, Contact.name == name)).first()
    if contact is None:
        contact = Contact(
            team_id=party.team_id,
            enterprise_id=party.enterprise_id,
            party_id=party.id,
            name=name,
            role=role,
            slack_user_id=slack_user_id,
        )
        session.add(contact)
    elif role and contact.role != role:
        contact.role = role
    return contact
