"""Digest subscriptions, and the claim that makes each channel's weekly digest go out exactly once.

A delivery row is keyed by (subscription, ISO week) and unique, so however many app processes sweep at
once, one of them inserts the row and owns that week's digest. A claim is released for another try
after a transient failure (status `retry`) and taken over when its owner vanished mid-send (status
`sending` for longer than the claim timeout). Once the main message is posted its ts is stored at
once, so a takeover never posts it a second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from storage.models import DigestDelivery, DigestSubscription, Workspace
from storage.workspaces import ensure_workspace


class DeliveryStatus(StrEnum):
    SENDING = "sending"  # claimed; being composed and posted
    RETRY = "retry"  # the last attempt failed in a way worth retrying
    SENT = "sent"
    FAILED = "failed"  # failed for good this week (the bot cannot post to the channel)


FINAL = (DeliveryStatus.SENT, DeliveryStatus.FAILED)


@dataclass(frozen=True)
class DueSubscription:
    """A subscription whose digest is due, as read by the cross-workspace sweep."""

    id: int
    team_id: str
    enterprise_id: str | None
    channel_id: str
    weekday: int
    time_of_day: str
    timezone: str
    party_ids: tuple[int, ...]
    created_by: str


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    message_ts: str | None  # set when an earlier attempt already posted the main message
    resumed: bool = False  # an earlier attempt was made: it may have posted without saying so


def subscription_for_channel(session: Session, channel_id: str) -> DigestSubscription | None:
    return session.exec(select(DigestSubscription).where(DigestSubscription.channel_id == channel_id)).first()


def subscribe(
    session: Session,
    *,
    channel_id: str,
    weekday: int,
    time_of_day: str,
    timezone: str,
    party_ids: list[int],
    created_by: str,
    next_due_at: datetime,
) -> tuple[DigestSubscription, bool]:
    """Turn the channel's digest on, or change it: (subscription, created)."""
    subscription = subscription_for_channel(session, channel_id)
    created = subscription is None
    if subscription is None:
        subscription = DigestSubscription(
            team_id=session.info["team_id"],
            enterprise_id=session.info.get("enterprise_id"),
            channel_id=channel_id,
            created_by=created_by,
        )
    subscription.weekday = weekday
    subscription.time_of_day = time_of_day
    subscription.timezone = timezone
    subscription.party_ids = list(party_ids)
    subscription.active = True
    subscription.next_due_at = next_due_at
    subscription.created_by = created_by
    session.add(subscription)
    session.flush()
    return subscription, created


def unsubscribe(session: Session, channel_id: str) -> DigestSubscription | None:
    """Turn the channel's digest off; None when it was not on."""
    subscription = subscription_for_channel(session, channel_id)
    if subscription is None or not subscription.active:
        return None
    subscription.active = False
    subscription.next_due_at = None
    session.add(subscription)
    session.flush()
    return subscription


def set_cold_after_days(session: Session, days: int) -> tuple[Workspace, int]:
    """Set how many days without contact make a relationship "cold": (workspace, the old value)."""
    workspace = ensure_workspace(session)
    old = workspace.cold_after_days
    workspace.cold_after_days = days
    session.add(workspace)
    session.flush()
    return workspace, old


def due_subscriptions(session: Session, now: datetime, limit: int = 100) -> list[DueSubscription]:
    """Active subscriptions due at `now`, across workspaces (a system session), oldest due first."""
    statement = (
        select(DigestSubscription)
        .where(
            DigestSubscription.active == True,  # noqa: E712 - SQL, not Python truthiness
            DigestSubscription.next_due_at <= now,  # type: ignore[operator]
        )
        .order_by(DigestSubscription.next_due_at)
        .limit(limit)
    )
    return [
        DueSubscription(
            id=s.id,  # type: ignore[arg-type]
            team_id=s.team_id,
            enterprise_id=s.enterprise_id,
            channel_id=s.channel_id,
            weekday=s.weekday,
            time_of_day=s.time_of_day,
            timezone=s.timezone,
            party_ids=tuple(s.party_ids or ()),
            created_by=s.created_by,
        )
        for s in session.exec(statement)
    ]


def set_next_due(session: Session, subscription_id: int, at: datetime) -> None:
    """When the sweep should look at this subscription again (only while it is on)."""
    session.execute(
        update(DigestSubscription)
        .where(DigestSubscription.id == subscription_id, DigestSubscription.active == True)  # noqa: E712
        .values(next_due_at=at)
        .execution_options(synchronize_session=False)
    )


def _delivery(session: Session, subscription_id: int, week_key: str) -> DigestDelivery | None:
    return session.exec(
        select(DigestDelivery).where(
            DigestDelivery.subscription_id == subscription_id, DigestDelivery.week_key == week_key
        )
    ).first()


def claim_week(
    session: Session,
    *,
    subscription_id: int,
    week_key: str,
    worker: str,
    now: datetime,
    stale_after: timedelta,
) -> Claim | None:
    """Own this week's digest for the subscription, or None when someone else has it or it is done."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    inserted = session.execute(
        insert(DigestDelivery)
        .values(
            team_id=session.info["team_id"],
            enterprise_id=session.info.get("enterprise_id"),
            subscription_id=subscription_id,
            week_key=week_key,
            status=DeliveryStatus.SENDING,
            claimed_by=worker,
            claimed_at=now,
        )
        .on_conflict_do_nothing(index_elements=["subscription_id", "week_key"])
        .returning(DigestDelivery.id)
    ).first()
    if inserted is not None:
        return Claim(inserted[0], None)
    delivery = _delivery(session, subscription_id, week_key)
    if delivery is None:  # pragma: no cover - the conflicting row cannot vanish in between
        return None
    retry = delivery.status == DeliveryStatus.RETRY
    abandoned = delivery.status == DeliveryStatus.SENDING and delivery.claimed_at <= now - stale_after
    if not (retry or abandoned):
        return None
    # Compare-and-set: of several processes taking over at once, only the first matches the old row.
    taken = session.execute(
        update(DigestDelivery)
        .where(
            DigestDelivery.id == delivery.id,
            DigestDelivery.status == delivery.status,
            DigestDelivery.claimed_at == delivery.claimed_at,
        )
        .values(status=DeliveryStatus.SENDING, claimed_by=worker, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return None
    return Claim(delivery.id, delivery.message_ts, resumed=True)  # type: ignore[arg-type]


def week_finished(session: Session, subscription_id: int, week_key: str) -> bool:
    """True when this week's digest was sent, or failed for good."""
    delivery = _delivery(session, subscription_id, week_key)
    return delivery is not None and delivery.status in FINAL


def record_posted(session: Session, delivery_id: int, message_ts: str) -> None:
    _update_delivery(session, delivery_id, message_ts=message_ts)


def mark_sent(session: Session, delivery_id: int, now: datetime, problem: str | None = None) -> None:
    _update_delivery(
        session,
        delivery_id,
        status=DeliveryStatus.SENT,
        sent_at=now,
        last_error=problem[:500] if problem else None,
    )


def mark_failed(session: Session, delivery_id: int, problem: str, *, retry: bool) -> None:
    status = DeliveryStatus.RETRY if retry else DeliveryStatus.FAILED
    _update_delivery(session, delivery_id, status=status, last_error=problem[:500])


def _update_delivery(session: Session, delivery_id: int, **values: object) -> None:
    session.execute(
        update(DigestDelivery)
        .where(DigestDelivery.id == delivery_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def deliveries(session: Session, subscription_id: int) -> list[DigestDelivery]:
    """Every week's delivery of a subscription, oldest first."""
    return list(
        session.exec(
            select(DigestDelivery)
            .where(DigestDelivery.subscription_id == subscription_id)
            .order_by(DigestDelivery.week_key)
        )
    )
