"""Nudge messages in Slack: what one shows, acting on one, and updating the posted ones after.

`refresh_nudge_messages` is called after anything changes a nudged record (a reaction, a button,
`/brm close`, `/brm reopen`, `/brm snooze`), so every posted nudge of that record shows its state
and who acted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.nudge_actions import NudgeAction, act_on_nudge
from bot.nudge_blocks import Blocks, ButtonIds, NudgeFacts, latest_outcome, nudge_message
from runtime.services import Services
from slack_api.ids import Action
from storage.audit import history
from storage.events import first_delivery
from storage.models import Interaction, Nudge
from storage.nudge_batches import subjects_of, times_nudged_each
from storage.nudges import nudge_by_id, nudge_by_message, subject_of
from storage.nudges_posted import posted_nudges, times_nudged
from storage.records import recent_interactions

log = logging.getLogger(__name__)

BUTTONS = ButtonIds(
    close=Action.NUDGE_CLOSE,
    snooze_day=Action.NUDGE_SNOOZE_DAY,
    snooze_week=Action.NUDGE_SNOOZE_WEEK,
    reopen=Action.NUDGE_REOPEN,
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


def fresh_nudge_facts(session: Session, nudges: Iterable[Nudge]) -> dict[int, NudgeFacts]:
    """`nudge_facts(..., fresh=True)` for a batch about to be posted, read with a few queries for
    all of them; a nudge whose record is gone is left out."""
    nudges = list(nudges)
    subjects = subjects_of(session, nudges)
    by_issue, by_interaction = times_nudged_each(
        session,
        issue_ids={n.issue_id for n in nudges if n.issue_id},
        interaction_ids={n.interaction_id for n in nudges if not n.issue_id and n.interaction_id},
    )
    recent: dict[int, list[Interaction]] = {}
    facts = {}
    for nudge in nudges:
        subject = subjects.get(nudge.id)  # type: ignore[arg-type]
        if subject is None:
            continue
        party_id: int = subject.party.id  # type: ignore[assignment]
        if party_id not in recent:
            recent[party_id] = recent_interactions(session, party_id, limit=RECENT_INTERACTIONS)
        if nudge.issue_id:
            count = by_issue.get(nudge.issue_id, 0)
        else:
            count = by_interaction.get(nudge.interaction_id, 0)  # type: ignore[arg-type]
        if nudge.escalated_to is None:
            count += 1  # this one, about to go out
        facts[nudge.id] = NudgeFacts(
            nudge=nudge,
            party=subject.party,
            issue=subject.issue,
            interaction=subject.interaction,
            recent=recent[party_id],
            times_nudged=max(count, 1),
        )
    return facts  # type: ignore[return-value]


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


def find_nudge(services: Services, team_id: str, channel_id: str, ts: str) -> Nudge | None:
    """The nudge posted as that message in that workspace, or None for any other message."""
    with services.db.workspace(team_id) as session:
        return nudge_by_message(session, channel_id, ts)


def act_and_refresh(
    services: Services,
    client: WebClient,
    *,
    team_id: str,
    enterprise_id: str | None,
    nudge_id: int,
    action: NudgeAction,
    actor_id: str,
    surface: str,
    event_id: str | None = None,
) -> bool:
    """Apply `action` to the nudge's record, then update its nudge messages; False if nothing changed.

    With `event_id` the change is made at most once per Slack event, however often Slack sends it.
    """
    now = services.clock.now()
    with services.db.workspace(team_id, enterprise_id) as session:
        nudge = nudge_by_id(session, nudge_id)
        if nudge is None:
            log.info("no nudge %s in %s; %s by %s ignored", nudge_id, team_id, action, actor_id)
            return False
        owner_id = nudge.owner_id
    owner_tz = services.directory.timezone(team_id, owner_id, client)
    with services.db.workspace(team_id, enterprise_id) as session:
        if event_id is not None and not first_delivery(session, event_id):
            log.info("event %s was handled already", event_id)
            return False
        nudge = nudge_by_id(session, nudge_id)
        assert nudge is not None
        changed = act_on_nudge(
            session, nudge, action, actor_id=actor_id, surface=surface, now=now, owner_tz=owner_tz
        )
        issue_id, interaction_id = nudge.issue_id, nudge.interaction_id
    if changed:
        log.info("nudge %s: %s by %s (%s)", nudge_id, action, actor_id, surface)
        refresh_nudge_messages(services, client, team_id, issue_id, interaction_id=interaction_id)
    return changed
