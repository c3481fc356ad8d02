"""The buttons on a nudge: Close, Snooze 1 day, Snooze 1 week (they do what the reactions do), and
Reopen on a nudge closed with a button or a command."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.nudge_actions import NudgeAction
from bot.numbers import read_number
from handlers.after_ack import after_ack
from handlers.context import services_of, team_of
from runtime.nudge_messages import act_and_refresh
from slack_api.ids import Action
from storage.models import Surface

log = logging.getLogger(__name__)

BUTTON_ACTIONS = {
    Action.NUDGE_CLOSE: NudgeAction.CLOSE,
    Action.NUDGE_SNOOZE_DAY: NudgeAction.SNOOZE_DAY,
    Action.NUDGE_SNOOZE_WEEK: NudgeAction.SNOOZE_WEEK,
    Action.NUDGE_REOPEN: NudgeAction.REOPEN,
}


def register(app: App) -> None:
    for action_id in BUTTON_ACTIONS:
        app.action(action_id)(after_ack(acknowledge, nudge_button))


def acknowledge(ack: Ack) -> None:
    ack()


def nudge_button(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    value = str(action.get("value") or "")
    nudge_id = read_number(value)
    user_id = (body.get("user") or {}).get("id")
    if nudge_id is None or not user_id or not team_of(context):
        log.warning("nudge button %s with value %r from %s ignored", action.get("action_id"), value, user_id)
        return
    act_and_refresh(
        services_of(context),
        client,
        team_id=team_of(context),
        enterprise_id=context.enterprise_id,
        nudge_id=nudge_id,
        action=BUTTON_ACTIONS[Action(action["action_id"])],
        actor_id=user_id,
        surface=Surface.BUTTON,
    )
