"""Touchpoint nudge messages: what one shows when it is posted (and once someone acted on it), and
acting on one (done, not needed, snoozed), with the posted message updated in place after.

The nudge rows, claiming and posting are the follow-up nudges' own (runtime/nudge_sender.py); only
what the message says and what acting on it does differ. The Slack listeners for its buttons and
its reactions are handlers/touchpoint_nudges.py and handlers/events.py.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot import touchpoints
from bot.touchpoint_blocks import TouchpointFacts, TouchpointIds, touchpoint_message
from runtime.services import Services
from slack_api.ids import Action
from storage.audit import history, record_change
from storage.contacts import get_contact
from storage.events import first_delivery
from storage.models import Nudge
from storage.nudges import nudge_by_id
from storage.parties import get_party

log = logging.getLogger(__name__)

IDS = TouchpointIds(
    log=Action.TOUCHPOINT_LOG, snooze=Action.TOUCHPOINT_SNOOZE, not_needed=Action.TOUCHPOINT_NOT_NEEDED
)
SNOOZE = timedelta(days=7)
DONE, NOT_NEEDED, SNOOZED = "done", "not_needed", "snoozed"
_AUDIT = {DONE: "touchpoint_done", NOT_NEEDED: "touchpoint_not_needed", SNOOZED: "touchpoint_snoozed"}
_OUTCOMES = {action: outcome for outcome, action in _AUDIT.items()}


def touchpoint_facts(session: Session, nudge: Nudge, *, fresh: bool) -> TouchpointFacts | None:
    """What the nudge shows; None when its party (or contact) is gone or has no cadence any more."""
    party = get_party(session, nudge.party_id) if nudge.party_id else None
    if party is None:
        return None
    contact = get_contact(session, nudge.contact_id) if nudge.contact_id else None
    if contact is not None:
        dues = [due for due in touchpoints.contact_dues(session, party) if due.contact.id == contact.id]  # type: ignore[union-attr]
        due = dues[0] if dues else None
    else:
        due = touchpoints.party_due(session, party)
    if due is None:
        return None
    outcome = actor = until = None
    if not fresh:
        entity, entity_id = _entity(nudge)
        for event in reversed(history(session, entity, entity_id)):
            if event.action in _OUTCOMES and event.detail.get("nudge_id") == nudge.id:
                outcome, actor = _OUTCOMES[event.action], event.actor_id
                until = datetime.fromisoformat(event.detail["until"]) if event.detail.get("until") else None
                break
    return TouchpointFacts(
        nudge=nudge,
        party=party,
        contact=contact,
        cadence_days=due.cadence_days,
        last_contact_at=due.last_contact_at,
        outcome=outcome,
        actor_id=actor,
        until=until,
    )


def render_touchpoint(
    facts: TouchpointFacts, *, tz: ZoneInfo, now: datetime
) -> tuple[str, list[dict[str, Any]]]:
    return touchpoint_message(facts, ids=IDS, tz=tz, now=now)


def _entity(nudge: Nudge) -> tuple[str, int]:
    return ("contact", nudge.contact_id) if nudge.contact_id else ("party", nudge.party_id)  # type: ignore[return-value]


def act_on_touchpoint(
    services: Services,
    client: WebClient,
    *,
    team_id: str,
    enterprise_id: str | None,
    nudge_id: int,
    what: str,
    actor_id: str,
    surface: str,
    event_id: str | None = None,
) -> bool:
    """Mark the touchpoint done or not needed (the next one is due a cadence from now), or snooze it a
    week; then update the message. Once per nudge (and per Slack event); False when nothing changed."""
    now = services.clock.now()
    with services.db.workspace(team_id, enterprise_id) as session:
        if event_id is not None and not first_delivery(session, event_id):
            return False
        nudge = nudge_by_id(session, nudge_id)
        facts = touchpoint_facts(session, nudge, fresh=False) if nudge is not None else None
        if nudge is None or facts is None or facts.outcome is not None:
            log.info("touchpoint nudge %s: %s by %s changes nothing", nudge_id, what, actor_id)
            return False
        entity, entity_id = _entity(nudge)
        until = now + SNOOZE if what == SNOOZED else None
        record_change(
            session, actor_id=actor_id, surface=surface, action=_AUDIT[what], entity=entity,
            entity_id=entity_id, nudge_id=nudge.id, party=facts.party.name, until=until,
        )  # fmt: skip
        if until is not None:
            touchpoints.plan_touchpoint_nudge(
                session,
                facts.party,
                facts.contact,
                due_at=until,
                owner_id=nudge.owner_id,
                sequence=nudge.sequence + 1,
            )
        else:
            (facts.contact or facts.party).touched_at = now
            session.add(facts.contact or facts.party)
            touchpoints.replan(session, facts.party)
        channel, ts = nudge.channel_id, nudge.message_ts
        owner_id = nudge.owner_id
        updated = touchpoint_facts(session, nudge, fresh=False)
    log.info("touchpoint nudge %s: %s by %s (%s)", nudge_id, what, actor_id, surface)
    if channel and ts and updated is not None:
        tz = services.directory.timezone(team_id, owner_id, client)
        text, blocks = render_touchpoint(updated, tz=tz, now=now)
        try:
            client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
        except SlackApiError as error:
            log.warning("could not update touchpoint nudge %s: %s", nudge_id, error.response.get("error"))
    return True
