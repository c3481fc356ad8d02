"""Legal holds: reading and writing them, and which records each covers, as SQL.

A hold covers the records that match every part it names (a party, a date range, a person):
- interactions: of the party, that happened in the range, logged by the person, naming them among
  the people there (a Slack mention), or whose follow-up they closed;
- issues: of the party, open at any time in the range, raised, owned or closed by the person;
- nudges: those of a covered interaction or issue;
- audit events: those about a covered interaction or issue, or matching the hold themselves (about
  the party; made in the range; by the person).
The same expressions serve retention (skip what is held) and undo (refuse what is held), so the two
can never disagree about what a hold covers.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Text, and_, cast, false, or_, true
from sqlmodel import Session, col, select

from storage.models import AuditEvent, Interaction, Issue, Nudge
from storage.records_models import LegalHold


class Coverage(Protocol):
    """What a hold (or an export's filters, which select the same way) names: each part optional."""

    party_id: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    user_id: str | None


def active_holds(session: Session) -> list[LegalHold]:
    statement = select(LegalHold).where(col(LegalHold.released_at).is_(None)).order_by(col(LegalHold.id))
    return list(session.exec(statement))


def active_hold_named(session: Session, name: str) -> LegalHold | None:
    wanted = name.casefold()
    return next((hold for hold in active_holds(session) if hold.name.casefold() == wanted), None)


def add_hold(session: Session, hold: LegalHold) -> LegalHold:
    session.add(hold)
    session.flush()
    return hold


def _all(*conditions: Any) -> Any:
    return and_(true(), *conditions)


def interactions_held(hold: Coverage) -> Any:
    conditions = []
    if hold.party_id is not None:
        conditions.append(col(Interaction.party_id) == hold.party_id)
    if hold.starts_at is not None:
        conditions.append(col(Interaction.occurred_at) >= hold.starts_at)
    if hold.ends_at is not None:
        conditions.append(col(Interaction.occurred_at) < hold.ends_at)
    if hold.user_id is not None:
        user = hold.user_id
        # `people` is a JSON list of Slack user ids: the person's id as a JSON string inside it.
        named = cast(col(Interaction.people), Text).contains(json.dumps(user), autoescape=True)
        conditions.append(
            or_(col(Interaction.logged_by) == user, named, col(Interaction.follow_up_done_by) == user)
        )
    return _all(*conditions)


def issues_held(hold: Coverage) -> Any:
    conditions = []
    if hold.party_id is not None:
        conditions.append(col(Issue.party_id) == hold.party_id)
    if hold.ends_at is not None:
        conditions.append(col(Issue.created_at) < hold.ends_at)
    if hold.starts_at is not None:
        conditions.append(or_(col(Issue.closed_at).is_(None), col(Issue.closed_at) >= hold.starts_at))
    if hold.user_id is not None:
        user = hold.user_id
        conditions.append(
            or_(col(Issue.raised_by) == user, col(Issue.owner_id) == user, col(Issue.closed_by) == user)
        )
    return _all(*conditions)


def nudges_held(hold: Coverage) -> Any:
    return or_(
        col(Nudge.issue_id).in_(select(Issue.id).where(issues_held(hold))),
        col(Nudge.interaction_id).in_(select(Interaction.id).where(interactions_held(hold))),
    )


def audit_events_held(hold: Coverage) -> Any:
    own = []
    if hold.party_id is not None:
        own += [col(AuditEvent.entity) == "party", col(AuditEvent.entity_id) == hold.party_id]
    if hold.starts_at is not None:
        own.append(col(AuditEvent.at) >= hold.starts_at)
    if hold.ends_at is not None:
        own.append(col(AuditEvent.at) < hold.ends_at)
    if hold.user_id is not None:
        own.append(col(AuditEvent.actor_id) == hold.user_id)
    return or_(
        and_(
            col(AuditEvent.entity) == "interaction",
            col(AuditEvent.entity_id).in_(select(Interaction.id).where(interactions_held(hold))),
        ),
        and_(
            col(AuditEvent.entity) == "issue",
            col(AuditEvent.entity_id).in_(select(Issue.id).where(issues_held(hold))),
        ),
        _all(*own),
    )


HELD_BY_MODEL = {
    Interaction: interactions_held,
    Issue: issues_held,
    Nudge: nudges_held,
    AuditEvent: audit_events_held,
}


def held_by_any(model: type, holds: list[LegalHold]) -> Any:
    """SQL true for a row of `model` that any of `holds` covers."""
    if not holds:
        return false()
    return or_(*(HELD_BY_MODEL[model](hold) for hold in holds))


def holds_covering(session: Session, record: Interaction | Issue) -> list[LegalHold]:
    """The active holds that cover this interaction or issue."""
    model = type(record)
    covering = []
    for hold in active_holds(session):
        statement = select(model.id).where(col(model.id) == record.id, HELD_BY_MODEL[model](hold))
        if session.exec(statement).first() is not None:
            covering.append(hold)
    return covering


def holds_naming_party(session: Session, party_id: int) -> list[LegalHold]:
    return [hold for hold in active_holds(session) if hold.party_id == party_id]
