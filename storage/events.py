"""Slack events already acted on: Slack re-sends an event it thinks was not acknowledged."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.models import ProcessedEvent


def first_delivery(session: Session, event_id: str) -> bool:
    """Record `event_id` as handled in this session's transaction; False when it already was.

    The row commits together with whatever the event changed, so a retry that arrives while the
    first delivery is still being handled waits for it (PostgreSQL) and then sees the row.
    """
    try:
        with session.begin_nested():
            session.add(
                ProcessedEvent(
                    team_id=session.info["team_id"],
                    enterprise_id=session.info.get("enterprise_id"),
                    event_id=event_id,
                )
            )
    except IntegrityError:
        return False
    return True
