"""An interaction's follow-up, after its nudge: marking it done, undoing that, snoozing it.

The counterpart of `bot/issues.py` for interactions that raised no issue: a ✅ on their nudge marks the
follow-up done (there is nothing to close), removing the ✅ undoes it, 💤 or a snooze button moves it.
Each change writes its audit row and keeps the interaction's pending nudges in step, in one session.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.nudges import nudge_target
from storage.audit import record_change
from storage.models import Interaction
from storage.nudges import cancel_pending_nudges, nudge_values, plan_nudge


def mark_follow_up_done(
    session: Session, interaction: Interaction, *, actor_id: str, surface: str, now: datetime
) -> bool:
    """Mark the follow-up done and cancel its pending nudges; False when it already was."""
    if interaction.follow_up_done_at is not None:
        return False
    interaction.follow_up_done_at = now
    interaction.follow_up_done_by = actor_id
    session.add(interaction)
    cancelled = cancel_pending_nudges(session, interaction_id=interaction.id)
    record_change(
        session,
        actor_id=actor_id,
        surface=surface,
        action="follow_up_done",
        entity="interaction",
        entity_id=interaction.id,
        nudges_cancelled=cancelled,
    )
    return True


def reopen_follow_up(
    session: Session, interaction: Interaction, *, actor_id: str, surface: str, now: datetime
) -> bool:
    """Undo "done"; False when it was not done. Its nudge was already sent, so none is planned."""
    if interaction.follow_up_done_at is None:
        return False
    previous = {"done_at": interaction.follow_up_done_at, "done_by": interaction.follow_up_done_by}
    interaction.follow_up_done_at = None
    interaction.follow_up_done_by = None
    session.add(interaction)
    record_change(
        session,
        actor_id=actor_id,
        surface=surface,
        action="follow_up_reopened",
        entity="interaction",
        entity_id=interaction.id,
        at=now,
        **previous,
    )
    return True


def snooze_follow_up(
    session: Session, interaction: Interaction, *, until: datetime, actor_id: str, surface: str, now: datetime
) -> None:
    """Move the follow-up to `until` and nudge again then."""
    previous = interaction.follow_up_at
    interaction.follow_up_at = until
    interaction.follow_up_has_time = True
    interaction.follow_up_done_at = None
    interaction.follow_up_done_by = None
    session.add(interaction)
    cancel_pending_nudges(session, interaction_id=interaction.id)
    plan_nudge(
        session,
        nudge_values(
            due_at=until,
            owner_id=interaction.logged_by,
            target_channel_id=nudge_target(interaction.channel_id),
            interaction=interaction,
        ),
    )
    record_change(
        session,
        actor_id=actor_id,
        surface=surface,
        action="snoozed",
        entity="interaction",
        entity_id=interaction.id,
        follow_up_at=until,
        previous_follow_up_at=previous,
        at=now,
    )
