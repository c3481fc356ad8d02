"""The nudges in Slack: those of a record or a party whose messages were posted, and how many."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from storage.models import Nudge, NudgeStatus


def posted_nudges(
    session: Session, *, issue_id: int | None = None, interaction_id: int | None = None
) -> list[Nudge]:
    """Every nudge message of a record that reached Slack, oldest first."""
    owner = Nudge.issue_id == issue_id if issue_id is not None else Nudge.interaction_id == interaction_id
    statement = (
        select(Nudge)
        .where(owner, Nudge.status == NudgeStatus.SENT, Nudge.message_ts.is_not(None))  # type: ignore[union-attr]
        .order_by(Nudge.id)
    )
    return list(session.exec(statement))


def posted_touchpoint_nudges(session: Session, party_id: int) -> list[Nudge]:
    """The party's touchpoint nudges (its own and its contacts') whose messages are in Slack, oldest first."""
    statement = (
        select(Nudge)
        .where(Nudge.party_id == party_id, Nudge.status == NudgeStatus.SENT, Nudge.message_ts.is_not(None))  # type: ignore[union-attr]
        .order_by(Nudge.id)
    )
    return list(session.exec(statement))


def times_nudged(session: Session, *, issue_id: int | None = None, interaction_id: int | None = None) -> int:
    """How many nudges (escalation copies not counted) the record has had so far."""
    owner = Nudge.issue_id == issue_id if issue_id is not None else Nudge.interaction_id == interaction_id
    statement = select(func.count()).where(
        owner,
        Nudge.status == NudgeStatus.SENT,
        Nudge.escalated_to.is_(None),  # type: ignore[union-attr]
    )
    return int(session.exec(statement).one())
