"""How many nudges and digests were sent and failed, and how the job queue stands, across every workspace.

Read from the database at scrape time (runtime/metrics.py): the worker processes send, the web process
answers the scrape, and the database is the one place that knows what all of them did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from storage.digests import DeliveryStatus
from storage.jobs import QueueHealth, queue_health
from storage.models import DigestDelivery, Nudge, NudgeStatus

# What the totals report: the final states, and what is in flight.
NUDGE_STATES = (NudgeStatus.SENT, NudgeStatus.FAILED)
DIGEST_STATES = (DeliveryStatus.SENT, DeliveryStatus.FAILED)


@dataclass(frozen=True)
class DeliveryCounts:
    nudges: dict[str, int]  # status -> count, for NUDGE_STATES
    digests: dict[str, int]  # status -> count, for DIGEST_STATES
    queue: QueueHealth


def delivery_counts(session: Session, *, now: datetime) -> DeliveryCounts:
    """Needs a system session: the figures are the whole deployment's."""
    nudges = dict(
        session.exec(
            select(Nudge.status, func.count()).where(Nudge.status.in_(NUDGE_STATES)).group_by(Nudge.status)  # type: ignore[attr-defined]
        ).all()
    )
    digests = dict(
        session.exec(
            select(DigestDelivery.status, func.count())
            .where(DigestDelivery.status.in_(DIGEST_STATES))  # type: ignore[attr-defined]
            .group_by(DigestDelivery.status)
        ).all()
    )
    return DeliveryCounts(
        nudges={str(state): int(nudges.get(state, 0)) for state in NUDGE_STATES},
        digests={str(state): int(digests.get(state, 0)) for state in DIGEST_STATES},
        queue=queue_health(session, now=now),
    )
