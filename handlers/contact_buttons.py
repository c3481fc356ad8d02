"""The *Add … as a contact* button on a `/brm log` reply: someone the log named who is not a contact
of the party yet becomes one, with the title the log read, and the person is told (only them)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot import contact_replies
from bot.contact_args import NewContact, read_person_name, read_title
from bot.contact_links import read_offer
from bot.contacts import add_contact
from bot.errors import BrmError
from bot.party_names import PartyMatch
from bot.replies import problem_blocks
from handlers.after_ack import after_ack
from handlers.context import services_of, team_of
from slack_api.ids import Action
from storage.models import Surface
from storage.parties import get_party

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.action(Action.ADD_CONTACT)(after_ack(acknowledge, add_contact_button))


def acknowledge(ack: Ack) -> None:
    ack()


def add_contact_button(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Any
) -> None:
    offer = read_offer(str(action.get("value") or ""))
    user_id = (body.get("user") or {}).get("id")
    team_id = team_of(context)
    if offer is None or not user_id or not team_id:
        log.warning("add-contact button with value %r from %s ignored", action.get("value"), user_id)
        return
    party_id, name, title = offer
    services = services_of(context)
    try:
        with services.db.workspace(team_id, context.enterprise_id) as session:
            party = get_party(session, party_id)  # scoped: another workspace's party is not found
            if party is None:
                respond(
                    text="That party is gone, so nobody was added.",
                    response_type="ephemeral",
                    replace_original=False,
                )
                return
            new = NewContact(
                party=PartyMatch(party.name, party.id, party.name, "exact", 100.0),
                name=read_person_name(name, example=f"/brm contact add {party.name} {name}"),
                title=read_title(title) if title else None,
            )
            contact = add_contact(session, new, actor_id=user_id, surface=Surface.BUTTON)
            text, blocks = contact_replies.added(contact, party)
    except BrmError as problem:
        log.info("add-contact button refused for %s: %s", user_id, problem.text)
        text, blocks = problem_blocks(problem, None)
    respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
