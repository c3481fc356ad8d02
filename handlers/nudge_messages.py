"""Nudge messages in Slack: reading what one shows from the database, and updating posted ones.

`refresh_nudge_messages` is called after anything changes a nudged record (a reaction, a button,
`/brm close`, `/brm reopen`, `/brm snooze`), so every posted nudge of that record shows its state
and who acted.
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.nudge_blocks import Blocks, ButtonIds, NudgeFacts, latest_outcome, nudge_message
from handlers.ids import Action
from handlers.services import Services
from storage.audit import history
from storage.models import Nudge
from storage.nudges import posted_nudges, subject_of, times_nudged
from storage.records import recent_interactions

log = logging.getLogger(__name__)

BUTTONS = ButtonIds(
    close=Action.NUDGE_CLOSE, snooze_day=Action.NUDGE_SNOOZE_DAY, snooze_week=Action.NUDGE_SNOOZE_WEEK
)
RECENT_INTERACTIONS = 3


def nudge_facts(session: Session, nudge: Nudge, *, fresh: bool) -> NudgeFacts | None:
    """What the nudge shows; `fresh` for one about to be posted (no outcome yet). None: record gone."""
    subject = subject_of(session, nudge)
    if subject is None:
        return None
    record_id = {"issue_id": nudge.issue_id} if nudge.issue_id else {"interaction_id": nudge.interaction_id}
    count = times_nudged(session, **record_id)
    if fresh and nudge.escalated_to is None:
        count += 1  # this one, about to go out
    outcome = None
    if not fresh:
        entity, entity_id = (
            ("issue", nudge.issue_id) if nudge.issue_id else ("interaction", nudge.interaction_id)
        )
        outcome = latest_outcome(history(session, entity, entity_id))  # type: ignore[arg-type]
    return NudgeFacts(
        nudge=nudge,
        party=subject.party,
        issue=subject.issue,
        interaction=subject.interaction,
        recent=recent_interactions(session, subject.party.id, limit=RECENT_INTERACTIONS),  # type: ignore[arg-type]
        times_nudged=max(count, 1),
        outcome=outcome,
    )


def render(services: Services, team_id: str, facts: NudgeFacts, *, now: datetime) -> tuple[str, Blocks]:
    tz = services.directory.timezone(team_id, facts.nudge.owner_id)
    return nudge_message(facts, buttons=BUTTONS, tz=tz, now=now)


def refresh_nudge_messages(
    services: Services,
    client: WebClient,
    team_id: str,
    issue_id: int | None,
    *,
    interaction_id: int | None = None,
) -> None:
    """Update every posted nudge of the issue (or interaction) to show its current state.

    A message that cannot be updated is logged and left as it was: the record itself is already saved.
    """
    now = services.clock.now()
    with services.db.workspace(team_id) as session:
        nudges = posted_nudges(session, issue_id=issue_id, interaction_id=interaction_id)
        updates = []
        for nudge in nudges:
            facts = nudge_facts(session, nudge, fresh=False)
            if facts is not None:
                updates.append((nudge, render(services, team_id, facts, now=now)))
    for nudge, (text, blocks) in updates:
        try:
            client.chat_update(channel=nudge.channel_id, ts=nudge.message_ts, text=text, blocks=blocks)
        except SlackApiError as error:
            log.warning(
                "could not update nudge %s (channel %s, ts %s): %s",
                nudge.id,
                nudge.channel_id,
                nudge.message_ts,
                error.response.get("error"),
            )
