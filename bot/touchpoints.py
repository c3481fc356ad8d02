"""Touchpoint cadence, the BRM side: when a relationship (a party, or a key contact) is next due a
touchpoint, and planning the one nudge that says so.

A party's cadence is its own (`/brm party DMV cadence every 2 weeks`) or its kind's default
(`/brm settings cadence agency every month`); a key contact may have one of their own. The next
touchpoint is due a cadence after the latest of: the last interaction (with the contact, for a
contact), the last time a touchpoint nudge was marked done or not needed, and when the record was
added. Its owner is the party's owner; a party with no owner nudges no one.

Exactly once: each due date gets one nudge. `replan` is called after anything that moves the date
(a new interaction, a cadence, an owner or a kind change, done, not needed); it cancels the pending
nudge and plans the new one, unless a nudge for that same due date has already gone out. The
sender (runtime/nudge_sender.py) posts it in the owner's working hours on a working day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlmodel import Session, select

from bot.cadence import due_after
from bot.nudges import MORNING, is_working_day, send_time
from storage.contacts import contacts_of, last_touchpoints
from storage.models import Contact, Interaction, Nudge, NudgeStatus, Party, Workspace
from storage.workspaces import ensure_workspace

EVENING = time(17, 0)  # touchpoint nudges go out between MORNING and this, in the owner's timezone


def party_cadence(party: Party, workspace: Workspace) -> int | None:
    """The party's cadence in days: its own, else its kind's default, else none."""
    if party.cadence_days:
        return party.cadence_days
    days = (workspace.cadence_by_kind or {}).get(party.kind)
    return int(days) if days else None


@dataclass(frozen=True)
class Due:
    """When a relationship is next due a touchpoint, and what it is counted from."""

    party: Party
    contact: Contact | None
    cadence_days: int
    last_contact_at: datetime | None  # the last interaction, if any
    due_at: datetime


def party_due(session: Session, party: Party, workspace: Workspace | None = None) -> Due | None:
    """When the party is next due a touchpoint; None when it has no cadence."""
    days = party_cadence(party, workspace or ensure_workspace(session))
    if not days:
        return None
    last = session.exec(
        select(func.max(Interaction.occurred_at)).where(Interaction.party_id == party.id)
    ).one()
    start = max(at for at in (last, party.touched_at, party.created_at) if at is not None)
    return Due(party, None, days, last, due_after(start, days))


def contact_dues(session: Session, party: Party) -> list[Due]:
    """The party's key contacts (those with a cadence of their own), each with when they are due."""
    keyed = [contact for contact in contacts_of(session, party.id) if contact.cadence_days]  # type: ignore[arg-type]
    last = last_touchpoints(session, [contact.id for contact in keyed])  # type: ignore[misc]
    dues = []
    for contact in keyed:
        seen = last.get(contact.id)  # type: ignore[arg-type]
        start = max(at for at in (seen, contact.touched_at, contact.created_at) if at is not None)
        dues.append(Due(party, contact, contact.cadence_days, seen, due_after(start, contact.cadence_days)))  # type: ignore[arg-type]
    return dues


def replan(session: Session, party: Party, workspace: Workspace | None = None) -> None:
    """Plan the party's touchpoint nudges again after something moved their due dates."""
    session.flush()
    workspace = workspace or ensure_workspace(session)
    subjects: list[tuple[Contact | None, Due | None]] = [(None, party_due(session, party, workspace))]
    subjects += [(due.contact, due) for due in contact_dues(session, party)]
    nudges = _touchpoint_nudges(session, party)
    planned = {contact.id if contact is not None else None for contact, _ in subjects}
    # Contacts whose cadence was cleared (or who are gone): their pending nudge goes.
    _cancel(
        session, [n.id for n in nudges if n.status == NudgeStatus.PENDING and n.contact_id not in planned]
    )  # type: ignore[misc]
    for contact, due in subjects:
        contact_id = contact.id if contact is not None else None
        _plan(session, party, contact, due, [n for n in nudges if n.contact_id == contact_id])


def _plan(
    session: Session, party: Party, contact: Contact | None, due: Due | None, nudges: list[Nudge]
) -> None:
    """Plan the one subject's nudge; `nudges`: the touchpoint nudges it has had so far."""
    pending = [n for n in nudges if n.status == NudgeStatus.PENDING]
    if due is None or party.owner_id is None:
        _cancel(session, [n.id for n in pending])  # type: ignore[misc]
        return
    posted_for_this_date = any(
        n.status in (NudgeStatus.SENT, NudgeStatus.SENDING)
        and n.sequence == 1
        and _same(n.due_at, due.due_at)
        for n in nudges
    )
    if posted_for_this_date:
        # Nudged already for this due date: only a snooze since (a later one) stays planned.
        _cancel(session, [n.id for n in pending if n.sequence == 1 or n.owner_id != party.owner_id])  # type: ignore[misc]
        return
    if any(n.sequence == 1 and _same(n.due_at, due.due_at) and n.owner_id == party.owner_id for n in pending):
        return  # planned as it should be
    _cancel(session, [n.id for n in pending])  # type: ignore[misc]
    plan_touchpoint_nudge(session, party, contact, due_at=due.due_at, owner_id=party.owner_id)


def plan_touchpoint_nudge(
    session: Session,
    party: Party,
    contact: Contact | None,
    *,
    due_at: datetime,
    owner_id: str,
    sequence: int = 1,
) -> Nudge:
    """A pending touchpoint nudge to the owner's DM (a relationship is not any one channel's business)."""
    nudge = Nudge(
        team_id=party.team_id,
        enterprise_id=party.enterprise_id,
        party_id=party.id,
        contact_id=contact.id if contact is not None else None,
        owner_id=owner_id,
        due_at=due_at,
        sequence=sequence,
        target_channel_id=None,
    )
    session.add(nudge)  # written with the next flush: many parties replanned at once batch their inserts
    return nudge


def _touchpoint_nudges(session: Session, party: Party) -> list[Nudge]:
    statement = select(Nudge).where(Nudge.party_id == party.id)
    # Fresh from the database: a cancel a moment ago (an UPDATE) is not in the loaded rows.
    return list(session.exec(statement.order_by(Nudge.id).execution_options(populate_existing=True)))


def _cancel(session: Session, nudge_ids: list[int]) -> None:
    if nudge_ids:
        session.execute(
            update(Nudge)
            .where(Nudge.id.in_(nudge_ids), Nudge.status == NudgeStatus.PENDING)  # type: ignore[union-attr]
            .values(status=NudgeStatus.CANCELLED)
            .execution_options(synchronize_session=False)
        )


def _same(a: datetime, b: datetime) -> bool:
    return abs((a - b).total_seconds()) < 1


def touchpoint_send_time(due_at: datetime, *, tz: ZoneInfo, region: str | None) -> datetime:
    """When a touchpoint nudge due at `due_at` may go out: in working hours (MORNING to EVENING in
    the owner's `tz`) on a working day; then, or the next such moment. Idempotent."""
    local = due_at.astimezone(tz)
    if local.time() < MORNING:
        local = datetime.combine(local.date(), MORNING, tzinfo=tz)
    elif local.time() >= EVENING:
        local = datetime.combine(local.date() + timedelta(days=1), MORNING, tzinfo=tz)
    if not is_working_day(local.date(), region):
        return send_time(local.astimezone(due_at.tzinfo), tz=tz, region=region)
    return local.astimezone(due_at.tzinfo)
