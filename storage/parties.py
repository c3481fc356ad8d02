"""Parties (agencies, vendors, partners, internal teams), their aliases and contacts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.models import Interaction, Issue, IssueStatus, Party, PartyAlias


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


def aliases_of(session: Session, party_id: int) -> list[PartyAlias]:
    statement = select(PartyAlias).where(PartyAlias.party_id == party_id).order_by(PartyAlias.alias_key)
    return list(session.exec(statement))


def party_named(session: Session, key: str, *, besides: int | None = None) -> Party | None:
    """The party (other than `besides`) whose name or one of whose aliases folds to `key`."""
    statement = (
        select(Party)
        .outerjoin(PartyAlias, PartyAlias.party_id == Party.id)
        .where(or_(Party.name_key == key, PartyAlias.alias_key == key))
    )
    if besides is not None:
        statement = statement.where(Party.id != besides)
    return session.exec(statement.order_by(Party.id)).first()


def add_alias(session: Session, party: Party, *, alias: str, alias_key: str) -> PartyAlias | None:
    """Give a party an alias; None when another request took that alias a moment ago."""
    row = PartyAlias(
        team_id=party.team_id,
        enterprise_id=party.enterprise_id,
        party_id=party.id,  # type: ignore[arg-type]
        alias=alias,
        alias_key=alias_key,
    )
    return row if _saved(session, row) else None


def save_party(session: Session, party: Party) -> bool:
    """Write a changed party; False when its new name was taken by another request a moment ago."""
    return _saved(session, party)


def _saved(session: Session, row: Party | PartyAlias) -> bool:
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


@dataclass(frozen=True)
class PartyRow:
    """A party with what the party list and card show about it."""

    party: Party
    open_issues: int
    last_interaction_at: datetime | None = None


@dataclass(frozen=True)
class PartyPage:
    rows: list[PartyRow]
    total: int


def list_parties(session: Session, *, limit: int) -> PartyPage:
    """The workspace's parties by name (at most `limit`), each with its open issue count."""
    open_issues = (
        select(Issue.party_id, func.count().label("n"))
        .where(Issue.status == IssueStatus.OPEN)
        .group_by(Issue.party_id)
        .subquery()
    )
    statement = (
        select(Party, func.coalesce(open_issues.c.n, 0))
        .outerjoin(open_issues, open_issues.c.party_id == Party.id)
        .order_by(Party.name_key, Party.id)
        .limit(limit)
    )
    rows = [PartyRow(party, int(count)) for party, count in session.exec(statement)]
    total = session.exec(select(func.count()).select_from(Party)).one()
    return PartyPage(rows, int(total))


def party_row(session: Session, party: Party) -> PartyRow:
    """One party with its open issue count and when it was last interacted with."""
    open_issues = session.exec(
        select(func.count()).where(Issue.party_id == party.id, Issue.status == IssueStatus.OPEN)
    ).one()
    last = session.exec(
        select(func.max(Interaction.occurred_at)).where(Interaction.party_id == party.id)
    ).one()
    return PartyRow(party, int(open_issues), last)


def owned_parties(session: Session, owner_id: str) -> list[Party]:
    """The parties someone owns, by name."""
    return list(session.exec(select(Party).where(Party.owner_id == owner_id).order_by(Party.name_key)))
