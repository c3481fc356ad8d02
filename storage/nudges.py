"""Nudge rows: planning them, cancelling them, finding them, and releasing or closing claimed ones.

The nudge table, not the scheduler, is the source of truth. A nudge goes `pending` -> `sending`
(claimed by one process, with a lease) -> `sent`, or back to `pending` with a later `due_at` when
Slack asks to wait or fails, or to `failed` when Slack refuses it for good (logged, never silent),
or to `cancelled` when its record is closed or snoozed first.

Claiming is storage/nudge_claims.py: one guarded UPDATE, so any number of processes share the work
and no row is claimed twice. A row left in `sending` by a process that died is claimed again once
its lease has expired, flagged so that the sender first looks whether the message already reached
Slack.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, or_, update
from sqlmodel import Session, select

from storage.models import Interaction, Issue, Nudge, NudgeStatus, Party


@dataclass(frozen=True)
class NudgeSubject:
    """What a nudge is about: its issue or its interaction, and the party."""

    issue: Issue | None
    interaction: Interaction | None
    party: Party


def plan_nudge(session: Session, values: dict[str, object]) -> Nudge:
    """Add a pending nudge with `values` (`nudge_values`)."""
    nudge = Nudge(**values)
    session.add(nudge)
    session.flush()
    return nudge


def nudge_values(
    *,
    due_at: datetime,
    owner_id: str,
    target_channel_id: str | None,
    issue: Issue | None = None,
    interaction: Interaction | None = None,
    sequence: int = 1,
    escalated_to: str | None = None,
) -> dict[str, object]:
    """A pending nudge for an issue or an interaction's follow-up; `target_channel_id` None = DM.

    The columns to add it with: one at a time (`plan_nudge`), or many at once with Core
    (storage/nudge_batches.py); `created_at` is the writer's to stamp."""
    record = issue if issue is not None else interaction
    if record is None:
        raise ValueError("a nudge needs an issue or an interaction")
    return dict(
        team_id=record.team_id,
        enterprise_id=record.enterprise_id,
        issue_id=issue.id if issue is not None else None,
        interaction_id=interaction.id if issue is None and interaction is not None else None,
        owner_id=owner_id,
        due_at=due_at,
        sequence=sequence,
        target_channel_id=target_channel_id,
        escalated_to=escalated_to,
    )


def cancel_pending_nudges(
    session: Session, *, issue_id: int | None = None, interaction_id: int | None = None
) -> int:
    """Cancel the record's nudges not yet sent (a nudge being posted right now is left to finish)."""
    if (issue_id is None) == (interaction_id is None):
        raise ValueError("name exactly one of issue_id and interaction_id")
    owner = Nudge.issue_id == issue_id if issue_id is not None else Nudge.interaction_id == interaction_id
    result = session.execute(
        update(Nudge)
        .where(owner, Nudge.status == NudgeStatus.PENDING)
        .values(status=NudgeStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def nudge_by_id(session: Session, nudge_id: int) -> Nudge | None:
    return session.exec(select(Nudge).where(Nudge.id == nudge_id)).first()


def nudge_by_message(session: Session, channel_id: str, ts: str) -> Nudge | None:
    """The nudge posted as that message, if it is one (reactions on other messages are not ours)."""
    statement = select(Nudge).where(Nudge.channel_id == channel_id, Nudge.message_ts == ts)
    return session.exec(statement).first()


def being_sent_to(session: Session, channel_id: str) -> bool:
    """Whether a nudge to that channel (or to someone's DM) is being posted and not yet recorded."""
    statement = select(Nudge.id).where(
        Nudge.status == NudgeStatus.SENDING,
        or_(Nudge.target_channel_id == channel_id, Nudge.target_channel_id.is_(None)),  # type: ignore[union-attr]
    )
    return session.exec(statement.limit(1)).first() is not None


def subject_of(session: Session, nudge: Nudge) -> NudgeSubject | None:
    """The nudge's issue or interaction and their party; None when the record is gone."""
    issue = interaction = None
    if nudge.issue_id is not None:
        issue = session.exec(select(Issue).where(Issue.id == nudge.issue_id)).first()
        party_id = issue.party_id if issue else None
    else:
        interaction = session.exec(select(Interaction).where(Interaction.id == nudge.interaction_id)).first()
        party_id = interaction.party_id if interaction else None
    party = session.exec(select(Party).where(Party.id == party_id)).first() if party_id else None
    if party is None:
        return None
    return NudgeSubject(issue=issue, interaction=interaction, party=party)


# --------------------------------------------------------------------------- the sender's side


def next_due(session: Session, *, after: datetime) -> datetime | None:
    """When the next pending nudge may be tried (due, and past any retry time), if later than `after`."""
    ready_at = case(
        (Nudge.next_attempt_at > Nudge.due_at, Nudge.next_attempt_at),  # type: ignore[operator]
        else_=Nudge.due_at,
    )
    statement = select(func.min(ready_at)).where(Nudge.status == NudgeStatus.PENDING, ready_at > after)
    return session.exec(statement).one()


def channels_with_due_nudges(session: Session, *, now: datetime, channels: Collection[str]) -> list[str]:
    """Which of `channels` have pending nudges already due (waiting for the channel to be free)."""
    if not channels:
        return []
    statement = (
        select(Nudge.target_channel_id)
        .where(
            Nudge.status == NudgeStatus.PENDING,
            Nudge.due_at <= now,
            Nudge.target_channel_id.in_(list(channels)),  # type: ignore[union-attr]
        )
        .distinct()
    )
    return [channel for channel in session.exec(statement) if channel]


def release(
    session: Session,
    nudge_ids: Collection[int],
    *,
    worker: str,
    retry_at: datetime | None = None,
    due_at: datetime | None = None,
    error: str | None = None,
    unsure: bool = False,
    count_attempt: bool = True,
) -> int:
    """Give claimed nudges back as pending: to try again at `retry_at` (a rate limit, a failure), or
    due later at `due_at` (not a working day for the owner). When it was due stays as it was for a retry.

    `unsure`: the last attempt may have reached Slack (timeout, 5xx), so look before posting again.
    `count_attempt` False: the claim did not try Slack at all (a paused channel, not yet a working day).
    """
    if not nudge_ids:
        return 0
    if (retry_at is None) == (due_at is None):
        raise ValueError("give either retry_at or due_at")
    values: dict[str, object] = {"status": NudgeStatus.PENDING}
    if retry_at is not None:
        values["next_attempt_at"] = retry_at
    else:
        values["due_at"] = due_at
        values["next_attempt_at"] = None
    if error is not None:
        values["last_error"] = error[:500]
    if unsure:
        values["check_before_post"] = True
    if not count_attempt:
        values["attempts"] = Nudge.attempts - 1
    result = session.execute(
        update(Nudge)
        .where(
            Nudge.id.in_(list(nudge_ids)),  # type: ignore[union-attr]
            Nudge.status == NudgeStatus.SENDING,
            Nudge.claimed_by == worker,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def hold_channel(session: Session, channel_id: str, *, until: datetime) -> int:
    """Slack asked to wait until `until` before the next message in the channel: its pending nudges
    due by then are not tried before it (a sender claims one a channel at a time, so the channel's
    other nudges were never claimed and given back). When each was due stays."""
    result = session.execute(
        update(Nudge)
        .where(
            Nudge.target_channel_id == channel_id,
            Nudge.status == NudgeStatus.PENDING,
            Nudge.due_at <= until,
            or_(Nudge.next_attempt_at.is_(None), Nudge.next_attempt_at < until),  # type: ignore[union-attr]
        )
        .values(next_attempt_at=until)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def mark_failed(session: Session, nudge_id: int, *, worker: str, error: str) -> bool:
    """Slack refused the nudge for good (e.g. the owner's account is gone); kept with the reason."""
    result = session.execute(
        update(Nudge)
        .where(Nudge.id == nudge_id, Nudge.status == NudgeStatus.SENDING, Nudge.claimed_by == worker)
        .values(status=NudgeStatus.FAILED, last_error=error[:500])
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def mark_cancelled(session: Session, nudge_id: int, *, worker: str) -> bool:
    """The record was closed (or its follow-up done) before its claimed nudge went out."""
    result = session.execute(
        update(Nudge)
        .where(Nudge.id == nudge_id, Nudge.status == NudgeStatus.SENDING, Nudge.claimed_by == worker)
        .values(status=NudgeStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)
