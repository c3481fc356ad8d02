"""Slack events already acted on: Slack re-sends an event it thinks was not acknowledged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
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


def forget_events_before(session: Session, before: datetime) -> int:
    """Drop the record of events handled before `before` (Slack stops retrying within the hour)."""
    result = session.exec(delete(ProcessedEvent).where(ProcessedEvent.received_at < before))
    return result.rowcount or 0
