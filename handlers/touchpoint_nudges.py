"""Touchpoint nudges in Slack: what one shows when it is posted, and acting on it (its buttons and
the ✅ reaction), with the message updated in place after.

The nudge rows, claiming and posting are the follow-up nudges' own (handlers/nudge_sender.py); only
what the message says and what its buttons do differ. *Log a touchpoint* (on the nudge, or beside a
party on the Home tab) opens the log form prefilled with the party and the person; saving it is an
interaction like any other, which moves the relationship's next touchpoint a cadence on
(bot/touchpoints.py).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot import touchpoints
from bot.forms import PartyChoice, Prefill, Source, interaction_modal
from bot.numbers import read_number
from bot.touchpoint_blocks import TouchpointFacts, TouchpointIds, touchpoint_message
from handlers.after_ack import after_ack
from handlers.direct import tell_directly
from handlers.ids import Action, View
from handlers.services import Services, services_of, team_of
from handlers.slack_failures import SLACK_FAILURES
from storage.audit import history, record_change
from storage.contacts import get_contact
from storage.events import first_delivery
from storage.models import Contact, InteractionKind, Nudge, Party, Surface
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


def register(app: App) -> None:
    app.action(Action.TOUCHPOINT_LOG)(after_ack(acknowledge, log_touchpoint_button))
    app.action(Action.TOUCHPOINT_SNOOZE)(after_ack(acknowledge, touchpoint_button))
    app.action(Action.TOUCHPOINT_NOT_NEEDED)(after_ack(acknowledge, touchpoint_button))
    app.action(Action.HOME_LOG_TOUCHPOINT)(after_ack(acknowledge, log_touchpoint_button))


def acknowledge(ack: Ack) -> None:
    ack()


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


# --------------------------------------------------------------------------- acting on one


def touchpoint_button(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    clicked = _clicked(body, action, context)
    if clicked is None:
        return
    services, team_id, user_id, nudge_id = clicked
    what = SNOOZED if action["action_id"] == Action.TOUCHPOINT_SNOOZE else NOT_NEEDED
    act_on_touchpoint(
        services, client, team_id=team_id, enterprise_id=context.enterprise_id,
        nudge_id=nudge_id, what=what, actor_id=user_id, surface=Surface.BUTTON,
    )  # fmt: skip


def _clicked(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext
) -> tuple[Services, str, str, int] | None:
    """(services, team, who clicked, the id the button carries); None (logged) for a click not ours."""
    number = read_number(str(action.get("value") or ""))
    user_id = (body.get("user") or {}).get("id")
    team_id = team_of(context)
    if number is None or not user_id or not team_id:
        log.warning(
            "button %s with value %r from %s ignored", action.get("action_id"), action.get("value"), user_id
        )
        return None
    return services_of(context), team_id, user_id, number


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


def log_touchpoint_button(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Open the log form, prefilled with the party (and the person) the nudge is about; from the Home
    tab, the button carries the party instead of a nudge."""
    clicked = _clicked(body, action, context)
    if clicked is None:
        return
    services, team_id, user_id, number = clicked
    from_home = action["action_id"] == Action.HOME_LOG_TOUCHPOINT
    with services.db.workspace(team_id, context.enterprise_id) as session:
        if from_home:
            party, contact = get_party(session, number), None
        else:
            nudge = nudge_by_id(session, number)
            facts = touchpoint_facts(session, nudge, fresh=True) if nudge is not None else None
            party, contact = (facts.party, facts.contact) if facts is not None else (None, None)
    if party is None:
        gone = (
            "That party is gone; open the Home tab again."
            if from_home
            else "That touchpoint is no longer due."
        )
        tell_directly(client, user_id=user_id, text=gone)
        return
    open_log_form(services, client, body, team_id=team_id, user_id=user_id, party=party, contact=contact)


def open_log_form(
    services: Services,
    client: WebClient,
    body: dict[str, Any],
    *,
    team_id: str,
    user_id: str,
    party: Party,
    contact: Contact | None,
) -> None:
    """The log form prefilled with the party (and the person: their Slack user, their name)."""
    tz = services.directory.timezone(team_id, user_id, client)
    prefill = Prefill(
        owner_id=user_id,
        occurred_at=services.clock.now(),
        party=PartyChoice(party.id, party.name),
        kind=InteractionKind.CALL,
        text=f"Touchpoint with {contact.name}" if contact is not None else "",
        people=(contact.slack_user_id,) if contact is not None and contact.slack_user_id else (),
    )
    view = interaction_modal(prefill, Source(tz=str(tz)), callback_id=View.INTERACTION)
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except SLACK_FAILURES as problem:
        log.warning("could not open the log form for %s: %s", party.id, problem)
        tell_directly(
            client, user_id=user_id, text="Sorry, I couldn't open the form. Try `/brm log` instead."
        )
