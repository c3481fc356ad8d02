"""The *More* and *Newest* buttons under `/brm party <name> history`: the page they ask for replaces
the one shown. The work runs after the ack as a job, like every action's (handlers/after_ack.py)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.party_history import history_reply, read_more_value
from handlers.after_ack import after_ack
from handlers.context import services_of, team_of
from slack_api.ids import Action
from storage.parties import get_party

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.action(Action.HISTORY_MORE)(after_ack(acknowledge, history_page))


def acknowledge(ack: Ack) -> None:
    ack()


def history_page(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Any = None
) -> None:
    value = str(action.get("value") or "")
    asked = read_more_value(value)
    user_id = (body.get("user") or {}).get("id")
    team_id = team_of(context)
    # The buttons are only ever on a command's reply, which has a response_url to replace it through.
    if asked is None or not user_id or not team_id or respond is None:
        log.warning("history button with value %r from %s ignored", value, user_id)
        return
    party_id, shown, after = asked
    services = services_of(context)
    tz = services.directory.timezone(team_id, user_id, services.client)
    with services.db.workspace(team_id, context.enterprise_id) as session:
        party = get_party(session, party_id)
        if party is None:
            # Undone or from another workspace's message: nothing of it is shown here.
            text = "That party is no longer here, so it has no history to show."
            respond(text=text, response_type="ephemeral", replace_original=True)
            return
        text, blocks = history_reply(
            session, party, tz=tz, action_id=Action.HISTORY_MORE, after=after, shown=shown
        )
    respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=True)
