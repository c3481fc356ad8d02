"""What acting on a nudge does, whichever way it came (a reaction or a button).

✅ closes the nudge's issue (or marks an interaction's follow-up done), removing that ✅ undoes it,
💤/⏰ and "Snooze 1 week" move the follow-up a week, "Snooze 1 day" a day. The changes themselves
are `bot/issues.py`'s and `bot/follow_ups.py`'s, so they are audited and keep the nudges in step.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.follow_ups import mark_follow_up_done, reopen_follow_up, snooze_follow_up
from bot.issues import close_issue, reopen_issue, snooze_issue
from storage.models import IssueStatus, Nudge, Surface
from storage.nudges import subject_of

# Reactions people use on a nudge (Slack's names, without colons or skin tones).
CLOSE_REACTIONS = frozenset({"white_check_mark", "heavy_check_mark"})
SNOOZE_REACTIONS = frozenset({"zzz", "alarm_clock"})


class NudgeAction(StrEnum):
    CLOSE = "close"
    REOPEN = "reopen"
    SNOOZE_DAY = "snooze_day"
    SNOOZE_WEEK = "snooze_week"


SNOOZE_FOR = {NudgeAction.SNOOZE_DAY: timedelta(days=1), NudgeAction.SNOOZE_WEEK: timedelta(days=7)}


def reaction_action(reaction: str, *, added: bool) -> NudgeAction | None:
    """The action a reaction on a nudge stands for; None for any other emoji."""
    name = reaction.split("::", 1)[0]
    if name in CLOSE_REACTIONS:
        return NudgeAction.CLOSE if added else NudgeAction.REOPEN
    if added and name in SNOOZE_REACTIONS:
        return NudgeAction.SNOOZE_WEEK
    return None


def act_on_nudge(
    session: Session,
    nudge: Nudge,
    action: NudgeAction,
    *,
    actor_id: str,
    surface: str,
    now: datetime,
    owner_tz: ZoneInfo | None = None,
) -> bool:
    """Apply `action` to the nudge's record; False when it changed nothing (already closed, ...)."""
    subject = subject_of(session, nudge)
    if subject is None:
        return False
    issue, interaction = subject.issue, subject.interaction
    if issue is not None:
        if action == NudgeAction.CLOSE:
            return close_issue(session, issue, actor_id=actor_id, surface=surface, now=now)
        if action == NudgeAction.REOPEN:
            # Only a close made with a ✅ is undone by taking the ✅ away; a close by command or button
            # (perhaps with a resolution typed) stays, until someone presses the nudge's Reopen button.
            if surface == Surface.REACTION and issue.close_surface != Surface.REACTION:
                return False
            return reopen_issue(
                session, issue, actor_id=actor_id, surface=surface, now=now, owner_tz=owner_tz
            )
        if issue.status != IssueStatus.OPEN:
            return False
        snooze_issue(
            session,
            issue,
            until=now + SNOOZE_FOR[action],
            actor_id=actor_id,
            surface=surface,
            now=now,
            owner_tz=owner_tz,
        )
        return True
    assert interaction is not None
    if action == NudgeAction.CLOSE:
        return mark_follow_up_done(session, interaction, actor_id=actor_id, surface=surface, now=now)
    if action == NudgeAction.REOPEN:
        return reopen_follow_up(session, interaction, actor_id=actor_id, surface=surface, now=now)
    if interaction.follow_up_done_at is not None:
        return False
    snooze_follow_up(
        session, interaction, until=now + SNOOZE_FOR[action], actor_id=actor_id, surface=surface, now=now
    )
    return True
