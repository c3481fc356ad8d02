"""Reactions on nudges: ✅ closes the issue, 💤 or ⏰ snoozes it a week, removing the ✅ reopens it.

Acknowledged at once; the work runs after. Reactions on other messages, by bots (this one included)
or on another workspace's messages are ignored, and each Slack event is acted on once. A reaction
on one of the bot's messages while a nudge is still being recorded as sent (the sender records a
batch once all of its posts are answered) is tried again shortly, as a job that failed is.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.nudge_actions import NudgeAction, reaction_action
from handlers.after_ack import after_ack
from handlers.context import services_of, team_of
from runtime.nudge_messages import act_and_refresh, find_nudge
from runtime.services import Services
from runtime.touchpoint_messages import DONE, SNOOZED, act_on_touchpoint
from storage.models import Surface
from storage.nudges import being_sent_to

log = logging.getLogger(__name__)


class NotRecordedYet(Exception):
    """A reaction on one of the bot's messages while a nudge there is still being recorded: the job
    runs again shortly (and after its last attempt the person is told)."""


def nudge_being_recorded(services: Services, team_id: str, item: dict[str, Any]) -> bool:
    with services.db.workspace(team_id) as session:
        return being_sent_to(session, str(item.get("channel")))


def register(app: App) -> None:
    app.event("reaction_added")(after_ack(acknowledge, reaction_added))
    app.event("reaction_removed")(after_ack(acknowledge, reaction_removed))


def acknowledge(ack: Ack) -> None:
    ack()


def reaction_added(
    body: dict[str, Any], event: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    _on_reaction(body, event, context, client, added=True)


def reaction_removed(
    body: dict[str, Any], event: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    _on_reaction(body, event, context, client, added=False)


def _on_reaction(
    body: dict[str, Any], event: dict[str, Any], context: BoltContext, client: WebClient, *, added: bool
) -> None:
    action = reaction_action(str(event.get("reaction") or ""), added=added)
    item = event.get("item") or {}
    user_id, team_id = event.get("user"), team_of(context) or body.get("team_id")
    if action is None or item.get("type") != "message" or not user_id or not team_id:
        return
    services = services_of(context)
    nudge = find_nudge(services, team_id, str(item.get("channel")), str(item.get("ts")))
    if nudge is None:
        if event.get("item_user") == context.bot_user_id and nudge_being_recorded(services, team_id, item):
            # A nudge is recorded once its batch's posts are answered: a ✅ that quick tries again.
            raise NotRecordedYet(
                f"no nudge recorded yet for message {item.get('ts')} in {item.get('channel')}"
            )
        return  # not a nudge (or another workspace's): none of our business
    if user_id == context.bot_user_id or services.directory.person(team_id, user_id, client).is_bot:
        log.info("reaction %s on nudge %s by bot %s ignored", event.get("reaction"), nudge.id, user_id)
        return
    if nudge.party_id is not None:  # a touchpoint nudge: ✅ is done, 💤 a snooze; taking one away, nothing
        what = {NudgeAction.CLOSE: DONE, NudgeAction.SNOOZE_WEEK: SNOOZED}.get(action)
        if what is not None:
            act_on_touchpoint(
                services, client, team_id=team_id, enterprise_id=context.enterprise_id,
                nudge_id=nudge.id, what=what, actor_id=user_id, surface=Surface.REACTION,  # type: ignore[arg-type]
                event_id=body.get("event_id"),
            )  # fmt: skip
        return
    act_and_refresh(
        services,
        client,
        team_id=team_id,
        enterprise_id=context.enterprise_id,
        nudge_id=nudge.id,  # type: ignore[arg-type]
        action=action,
        actor_id=user_id,
        surface=Surface.REACTION,
        event_id=body.get("event_id"),
    )
