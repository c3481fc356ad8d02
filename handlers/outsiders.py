"""Only people of the workspace, or Enterprise Grid organisation, that installed the bot change its records.

In a Slack Connect channel people of other organisations see the bot's nudges and can react to them,
press their buttons, use shortcuts on messages and type `/brm`. This middleware stops their requests
before any listener runs: a slash command gets a short refusal, a form submission a note that nothing
was saved, a party search no options, a button or message shortcut a note only they see (through the
response_url, after the ack), and everything else (reactions, events) is acknowledged and dropped.
Each refusal leaves a log line.

Who installed the bot is what Slack said of the bot token (`auth.test`, kept by Bolt as the
authorization). Where someone belongs is read from the payload when it says (`user.team_id` in
interactivity, `user_team` in events); an event from a channel not shared outside the organisation
(`is_ext_shared_channel: false`) can only come from one of its own people; otherwise `users.info`
says, through the cached user directory. That lookup happens before the ack, so it is made without
retries and with a short timeout. When Slack will not say either, the request goes through, with a
warning in the log: a failing `users.info` must not lock the organisation out of its own bot.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient

from handlers.context import services_of, team_of
from runtime.kinds import JobRun, job_kind
from runtime.services import Services
from slack_api.client import make_web_client
from slack_api.direct import tell_directly
from slack_api.directory import Person
from slack_api.failures import SLACK_FAILURES, failure_code

log = logging.getLogger(__name__)

REFUSAL = (
    "Sorry, only people of the organisation that runs this bot can use `/brm` and change its records. "
    "You are here as a guest from another organisation, so nothing was recorded."
)
NOT_SAVED = "Only people of the organisation that runs this bot can save records here. Nothing was saved."
NOT_CHANGED = (
    "Only people of the organisation that runs this bot can change its records, so nothing was changed."
)
# Seconds a users.info lookup may take before the ack; Slack waits 3 at most for the whole answer.
LOOKUP_TIMEOUT = 0.5


def register(app: App) -> None:
    app.middleware(keep_outsiders_out)


@dataclass(frozen=True)
class Home:
    """The workspace and Enterprise Grid organisation the bot is installed in."""

    team_id: str | None
    enterprise_id: str | None

    def has(self, team_id: str | None, enterprise_id: str | None) -> bool | None:
        """Whether someone of this workspace and org belongs here; None when that cannot be told."""
        if self.enterprise_id and enterprise_id:
            return enterprise_id == self.enterprise_id
        if team_id:
            if team_id in (self.team_id, self.enterprise_id):
                return True
            if not self.enterprise_id:
                return False  # a plain workspace: another team is another organisation
        return None  # on Grid, another workspace may be of the same org


@dataclass(frozen=True)
class Actor:
    """Who sent a request, and what the payload itself says of where they belong."""

    user_id: str | None
    team_id: str | None = None
    inside_only_channel: bool = False  # an event from a channel not shared with other organisations


def actor_of(body: dict[str, Any]) -> Actor:
    if body.get("type") == "event_callback":
        event = body.get("event") or {}
        user = event.get("user")
        user_id, team_id = (user.get("id"), user.get("team_id")) if isinstance(user, dict) else (user, None)
        return Actor(
            user_id=user_id,
            team_id=event.get("user_team") or team_id,
            inside_only_channel=body.get("is_ext_shared_channel") is False,
        )
    user = body.get("user")
    if isinstance(user, dict):  # interactivity: shortcuts, buttons, views, option searches
        return Actor(user_id=user.get("id"), team_id=user.get("team_id"))
    return Actor(user_id=body.get("user_id"))  # a slash command names no team for its user


def home_of(context: BoltContext) -> Home:
    installed = context.authorize_result
    if installed is not None and (installed.team_id or installed.enterprise_id):
        return Home(team_id=installed.team_id, enterprise_id=installed.enterprise_id)
    return Home(team_id=context.team_id, enterprise_id=context.enterprise_id)


def keep_outsiders_out(body: dict[str, Any], context: BoltContext, next: Any) -> BoltResponse | None:
    actor = actor_of(body)
    if not actor.user_id or actor.inside_only_channel:
        return next()
    home = home_of(context)
    team_id, enterprise_id = actor.team_id, None
    belongs = home.has(team_id, enterprise_id)
    if belongs is None:
        person = _look_up(context, actor.user_id)
        if person is not None:
            team_id, enterprise_id = person.team_id or team_id, person.enterprise_id
            belongs = home.has(team_id, enterprise_id)
    if belongs is None:
        log.warning(
            "could not tell whether %s belongs to %s; letting their %s through",
            actor.user_id,
            home,
            _kind(body),
        )
        return next()
    if belongs:
        return next()
    log.warning(
        "ignored a %s from %s of %s: only people of %s change records",
        _kind(body),
        actor.user_id,
        enterprise_id or team_id or "another organisation",
        home.enterprise_id or home.team_id,
    )
    if body.get("response_url") and "command" not in body:
        services_of(context).jobs.enqueue(
            TELL_OUTSIDER_JOB,
            {"user_id": actor.user_id, "response_url": body["response_url"]},
            team_id=team_of(context),
        )
    return refusal(body)


def _look_up(context: BoltContext, user_id: str) -> Person | None:
    """Their profile, or None when Slack did not answer in time (not remembered: later lookups, with
    retries, may do better)."""
    quick = _quick_client(context.client.base_url, context.client.token)
    try:
        return services_of(context).directory.person(team_of(context), user_id, quick)
    except SLACK_FAILURES as problem:
        log.warning("users.info for %s failed before the ack (%s)", user_id, failure_code(problem))
        return None


@functools.cache
def _quick_client(base_url: str, token: str | None) -> WebClient:
    """A client for lookups before the ack: no retries, a short timeout. One per token, made once
    (a client costs more to make than a cached lookup, which needs none)."""
    return make_web_client(base_url, token, retries=False, timeout=LOOKUP_TIMEOUT)


def refusal(body: dict[str, Any]) -> BoltResponse:
    """The acknowledgement an outsider's request gets instead of its listener's."""
    if "command" in body:
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": REFUSAL})
    if body.get("type") == "view_submission":
        return BoltResponse(status=200, body={"response_action": "update", "view": _not_saved_view()})
    if body.get("type") == "block_suggestion":
        return BoltResponse(status=200, body={"options": []})
    return BoltResponse(status=200, body="")


TELL_OUTSIDER_JOB = "tell_outsider"


@job_kind(TELL_OUTSIDER_JOB)
def tell_outsider(services: Services, job: JobRun) -> None:
    """The job telling a guest, in the channel and to them alone, that their click changed nothing."""
    job.post_once(
        lambda: tell_directly(
            services.client,
            user_id=job.payload["user_id"],
            text=NOT_CHANGED,
            response_url=job.payload["response_url"],
            dm_fallback=False,
        )
    )


def _not_saved_view() -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Not saved"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": NOT_SAVED}}],
    }


def _kind(body: dict[str, Any]) -> str:
    if "command" in body:
        return f"slash command {body['command']}"
    if body.get("type") == "event_callback":
        return f"{(body.get('event') or {}).get('type')} event"
    return str(body.get("type") or "request")
