"""What a posted nudge adds to the database once it is marked sent: its audit row, the weekly
reminder after it, and from the third one a copy in the party's home channel.

Pure: the sender (runtime/nudge_sender.py) hands the rows to storage/nudge_batches.py, which writes
a whole batch's in one transaction.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot import nudges as rules
from bot.nudge_blocks import NudgeFacts
from runtime.nudge_post import Posted
from storage.audit import change_row
from storage.models import Nudge, Surface
from storage.nudge_batches import SentNudge
from storage.nudges import nudge_values


def sent_nudge(
    nudge: Nudge,
    facts: NudgeFacts | None,
    posted: Posted,
    *,
    tz: ZoneInfo,
    renudge_days: int,
    now: datetime,
) -> SentNudge:
    """`nudge` (with `facts`, None for a touchpoint nudge) as `posted` at `now`, in `tz` (its owner's)."""
    entity, entity_id = ("issue", nudge.issue_id) if nudge.issue_id else ("interaction", nudge.interaction_id)
    if nudge.party_id is not None:
        entity, entity_id = ("contact", nudge.contact_id) if nudge.contact_id else ("party", nudge.party_id)
    audit = change_row(
        team_id=nudge.team_id,
        enterprise_id=None,  # as the workspace session each nudge was recorded in before wrote it
        actor_id=None,
        surface=Surface.SCHEDULER,
        action="nudged",
        entity=entity,
        entity_id=entity_id,  # type: ignore[arg-type]
        nudge_id=nudge.id,
        sequence=nudge.sequence,
        channel_id=posted.channel_id,
        escalated_to=nudge.escalated_to,
        note=posted.note,
    )
    copy = next_one = None
    if nudge.escalated_to is None and facts is not None and rules.should_renudge(facts.issue):
        issue = facts.issue
        escalate_to = rules.escalation_channel(
            nudge.sequence,
            home_channel_id=facts.party.home_channel_id,
            target_channel_id=nudge.target_channel_id,
        )
        if escalate_to:
            copy = nudge_values(
                due_at=now,
                owner_id=nudge.owner_id,
                target_channel_id=escalate_to,
                issue=issue,
                sequence=nudge.sequence,
                escalated_to=escalate_to,
            )
        next_one = nudge_values(
            due_at=rules.renudge_due_at(now, tz=tz, every_days=renudge_days),
            owner_id=nudge.owner_id,
            target_channel_id=nudge.target_channel_id,
            issue=issue,
            sequence=nudge.sequence + 1,
        )
    return SentNudge(
        nudge_id=nudge.id,  # type: ignore[arg-type]
        channel_id=posted.channel_id,
        message_ts=posted.ts,
        sent_at=now,
        audit=audit,
        copy=copy,
        next=next_one,
    )
