"""Slack's servers, as the playground plays them: what the person does on the page becomes the request
Slack would send, signed with the app's signing secret and POSTed to the app's /slack/events.

The shapes follow Slack's slash command, Events API and interactivity payloads (the same ones
tests/support/signing.py sends). Timestamps in signatures are real time, as the app's door checks
them against real time; times in payloads (`event_ts`, `action_ts`) are the playground's clock.
"""

from __future__ import annotations

import http.client
import json
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from slack_sdk.signature import SignatureVerifier

from playground.workspace import APP_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID, Message, ResponseUrl, Workspace

log = logging.getLogger(__name__)
_FORM = "application/x-www-form-urlencoded"
_VERIFICATION_TOKEN = "playground-verification-token"


@dataclass
class Answer:
    """What the app answered one request with."""

    status: int
    body: str

    def json(self) -> dict[str, Any]:
        try:
            parsed = json.loads(self.body) if self.body.strip() else {}
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}


class SlackSide:
    """Sends the person's doings to the app as Slack would."""

    def __init__(self, workspace: Workspace, events_url: str, signing_secret: str, base_url: str) -> None:
        self.workspace = workspace
        self.events_url = events_url
        self.base_url = base_url.rstrip("/")
        self._verifier = SignatureVerifier(signing_secret)

    # ------------------------------------------------------------------ slash commands and events

    def command(self, user: str, channel_id: str, text: str) -> Answer:
        fields = {
            "token": _VERIFICATION_TOKEN,
            "team_id": TEAM_ID,
            "team_domain": TEAM_DOMAIN,
            "channel_id": channel_id,
            "channel_name": self._channel_name(channel_id),
            "user_id": user,
            "user_name": self.workspace.users[user]["name"],
            "command": "/brm",
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": self._response_url(channel_id, user),
            "trigger_id": self._trigger(user),
        }
        return self._post(urlencode(fields), _FORM)

    def event(self, event: dict[str, Any]) -> Answer:
        envelope = {
            "token": _VERIFICATION_TOKEN,
            "team_id": TEAM_ID,
            "context_team_id": TEAM_ID,
            "context_enterprise_id": None,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": "Ev" + secrets.token_hex(5).upper(),
            "event_time": int(self.workspace.clock.now().timestamp()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": TEAM_ID,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": "4-" + secrets.token_urlsafe(24),
        }
        return self._post(json.dumps(envelope), "application/json")

    def reaction(self, user: str, message: Message, name: str, *, added: bool) -> Answer:
        return self.event(
            {
                "type": "reaction_added" if added else "reaction_removed",
                "user": user,
                "reaction": name,
                "item_user": message.body.get("user"),
                "item": {"type": "message", "channel": message.channel, "ts": message.ts},
                "event_ts": self._now_ts(),
            }
        )

    def home_opened(self, user: str, view: dict[str, Any] | None) -> Answer:
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user,
            "channel": self.workspace.channel_id_for(user),
            "tab": "home",
            "event_ts": self._now_ts(),
        }
        if view is not None:
            event["view"] = view
        return self.event(event)

    # ------------------------------------------------------------------ interactivity

    def message_shortcut(self, user: str, callback_id: str, message: Message) -> Answer:
        payload = {
            "type": "message_action",
            "token": _VERIFICATION_TOKEN,
            "action_ts": self._now_ts(),
            "team": self._team(),
            "user": self._user(user),
            "channel": {"id": message.channel, "name": self._channel_name(message.channel)},
            "is_enterprise_install": False,
            "enterprise": None,
            "callback_id": callback_id,
            "trigger_id": self._trigger(user),
            "response_url": self._response_url(message.channel, user),
            "message_ts": message.ts,
            "message": self.workspace.public_message(message),
        }
        return self._interaction(payload)

    def global_shortcut(self, user: str, callback_id: str) -> Answer:
        payload = {
            "type": "shortcut",
            "token": _VERIFICATION_TOKEN,
            "action_ts": self._now_ts(),
            "team": self._team(),
            "user": self._user(user),
            "is_enterprise_install": False,
            "enterprise": None,
            "callback_id": callback_id,
            "trigger_id": self._trigger(user),
        }
        return self._interaction(payload)

    def message_action(self, user: str, message: Message, action: dict[str, Any]) -> Answer:
        """A click or choice on an element of a message."""
        payload = {
            **self._action_base(user),
            "container": {
                "type": "message",
                "message_ts": message.ts,
                "channel_id": message.channel,
                "is_ephemeral": message.ephemeral_to is not None,
            },
            "channel": {"id": message.channel, "name": self._channel_name(message.channel)},
            "state": {"values": {}},
            "response_url": self._response_url(message.channel, user, message.ts),
            "actions": [{**action, "action_ts": self._now_ts()}],
        }
        if message.ephemeral_to is None:
            payload["message"] = self.workspace.public_message(message)
        return self._interaction(payload)

    def view_action(
        self, user: str, view: dict[str, Any], values: dict[str, Any], action: dict[str, Any]
    ) -> Answer:
        """A click or choice on an element of a modal or the Home tab."""
        shown = self._view(view, values)
        payload = {
            **self._action_base(user),
            "container": {"type": "view", "view_id": view["id"]},
            "view": shown,
            "state": shown["state"],
            "actions": [{**action, "action_ts": self._now_ts()}],
        }
        return self._interaction(payload)

    def view_submission(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> Answer:
        payload = {
            "type": "view_submission",
            "team": self._team(),
            "user": self._user(user),
            "api_app_id": APP_ID,
            "token": _VERIFICATION_TOKEN,
            "trigger_id": self._trigger(user),
            "view": self._view(view, values),
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return self._interaction(payload)

    def view_closed(self, user: str, view: dict[str, Any]) -> Answer:
        payload = {
            "type": "view_closed",
            "team": self._team(),
            "user": self._user(user),
            "api_app_id": APP_ID,
            "token": _VERIFICATION_TOKEN,
            "view": self._view(view, {}),
            "is_cleared": False,
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return self._interaction(payload)

    def block_suggestion(
        self, user: str, view: dict[str, Any], block_id: str, action_id: str, value: str
    ) -> Answer:
        payload = {
            "type": "block_suggestion",
            "user": self._user(user),
            "container": {"type": "view", "view_id": view["id"]},
            "api_app_id": APP_ID,
            "token": _VERIFICATION_TOKEN,
            "action_id": action_id,
            "block_id": block_id,
            "value": value,
            "team": self._team(),
            "enterprise": None,
            "is_enterprise_install": False,
            "view": self._view(view, {}),
        }
        return self._interaction(payload)

    # ------------------------------------------------------------------ internals

    def _action_base(self, user: str) -> dict[str, Any]:
        return {
            "type": "block_actions",
            "user": self._user(user),
            "api_app_id": APP_ID,
            "token": _VERIFICATION_TOKEN,
            "trigger_id": self._trigger(user),
            "team": self._team(),
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _view(self, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        shown = {key: value for key, value in view.items() if key != "state"}
        shown.setdefault("private_metadata", "")
        shown.setdefault("callback_id", "")
        shown["state"] = {"values": values}
        shown["app_installed_team_id"] = TEAM_ID
        return shown

    def _interaction(self, payload: dict[str, Any]) -> Answer:
        # Interactivity arrives as one form field, "payload", holding JSON.
        return self._post(urlencode({"payload": json.dumps(payload)}), _FORM)

    def _post(self, body: str, content_type: str) -> Answer:
        timestamp = str(int(time.time()))  # real time on purpose: Slack signs with it, the door checks it
        headers = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": self._verifier.generate_signature(timestamp=timestamp, body=body) or "",
        }
        parts = urlsplit(self.events_url)
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
        try:
            connection.request("POST", parts.path, body=body.encode("utf-8"), headers=headers)
            response = connection.getresponse()
            answer = Answer(response.status, response.read().decode("utf-8", "replace"))
        except OSError as problem:
            log.warning("the app did not answer the playground's request (%s)", type(problem).__name__)
            answer = Answer(0, "")
        finally:
            connection.close()
        if answer.status != 200:
            with self.workspace.cond:
                self.workspace.problem(f"The app answered HTTP {answer.status or 'nothing'} to that request.")
        return answer

    def _response_url(self, channel_id: str, user: str, message_ts: str | None = None) -> str:
        token = secrets.token_urlsafe(18)
        with self.workspace.cond:
            self.workspace.response_urls[token] = ResponseUrl(channel_id, user, message_ts)
        return f"{self.base_url}/response/{token}"

    def _trigger(self, user: str) -> str:
        with self.workspace.cond:
            return self.workspace.new_trigger(user)

    def _now_ts(self) -> str:
        return f"{self.workspace.clock.now().timestamp():.6f}"

    def _channel_name(self, channel_id: str) -> str:
        found = self.workspace.channels.get(channel_id)
        return (found or {}).get("name") or "directmessage"

    def _user(self, user: str) -> dict[str, Any]:
        handle = self.workspace.users[user]["name"]
        return {"id": user, "username": handle, "name": handle, "team_id": TEAM_ID}

    @staticmethod
    def _team() -> dict[str, Any]:
        return {"id": TEAM_ID, "domain": TEAM_DOMAIN}
