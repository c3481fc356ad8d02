"""The Slack listeners of touchpoint nudges: the *Snooze 1 week* and *Not needed now* buttons, and
*Log a touchpoint* (on the nudge, or beside a party on the Home tab), which opens the log form
prefilled with the party and the person. Saving it is an interaction like any other, which moves the
relationship's next touchpoint a cadence on (bot/touchpoints.py). What the nudge shows and what acting
on it does is runtime/touchpoint_messages.py.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.form_fields import PartyChoice, Prefill, Source
from bot.forms import interaction_modal
from bot.numbers import read_number
from handlers.after_ack import after_ack
from handlers.context import services_of, team_of
from runtime.services import Services
from runtime.touchpoint_messages import NOT_NEEDED, SNOOZED, act_on_touchpoint, touchpoint_facts
from slack_api.direct import tell_directly
from slack_api.failures import SLACK_FAILURES
from slack_api.ids import Action, View
from storage.models import Contact, InteractionKind, Party, Surface
from storage.nudges import nudge_by_id
from storage.parties import get_party

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.action(Action.TOUCHPOINT_LOG)(after_ack(acknowledge, log_touchpoint_button))
    app.action(Action.TOUCHPOINT_SNOOZE)(after_ack(acknowledge, touchpoint_button))
    app.action(Action.TOUCHPOINT_NOT_NEEDED)(after_ack(acknowledge, touchpoint_button))
    app.action(Action.HOME_LOG_TOUCHPOINT)(after_ack(acknowledge, log_touchpoint_button))


def acknowledge(ack: Ack) -> None:
    ack()


# --------------------------------------------------------------------------- the buttons


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
