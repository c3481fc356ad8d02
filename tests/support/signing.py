"""Requests to the app signed exactly as Slack signs them, in the payload shapes Slack really sends.

`sign` implements Slack's v0 request signature. `SlackClient` plays Slack's servers: it builds slash
command, Events API and interactivity payloads, signs them and POSTs them to the running app's
`/slack/events`, so a test exercises the same parsing, verification and acknowledgement path as
production. Response URLs and trigger ids point at a `FakeSlack`, so whatever the app does after
acknowledging can be asserted there.

Shapes follow Slack's interaction payload reference and what `slack_bolt.request.internals` reads
(team, user, channel, enterprise and authorizations), so Bolt's context is filled as in production.

    slack = SlackClient(app_url, SECRET, fake)
    sent = slack.command("log DMV met Jane")
    assert sent.status == 200
    [reply] = fake.wait_for_response(sent.response_name)
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

from .fake_slack import FakeSlack

# Slack has long sent a verification token in payloads; Bolt ignores it, but real payloads carry it.
VERIFICATION_TOKEN = "verification-token-deprecated"
APP_ID = "A1"
_USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
_FORM = "application/x-www-form-urlencoded"


def sign(body: str, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature headers for `body`: HMAC-SHA256 of "v0:{timestamp}:{body}" with the secret."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    base = f"v0:{ts}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Sent:
    """What the app answered to one request, and what was sent.

    Unpacks as `(status, body, elapsed)` for tests that only want those.
    """

    status: int
    body: str
    elapsed: float  # seconds from sending the request to reading the whole answer
    response_name: str | None = None  # the FakeSlack response_url name given to the app, if any
    trigger_id: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)  # the form fields or JSON sent
    headers: dict[str, str] = field(default_factory=dict)  # the app's response headers, lower-cased

    def __iter__(self) -> Iterator[Any]:
        return iter((self.status, self.body, self.elapsed))

    def json(self) -> Any:
        """The app's answer parsed as JSON ({} for an empty ack)."""
        return json.loads(self.body) if self.body.strip() else {}


class SlackClient:
    """Sends signed Slack requests to the app under test, as Slack's servers would.

    `timestamp` pins the signing timestamp (for stale-request tests); None signs with the current time.
    """

    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        fake: FakeSlack,
        *,
        path: str = "/slack/events",
        timeout: float = 10.0,
    ) -> None:
        base = app_url.rstrip("/")
        self.events_url = base if base.endswith(path) else base + path
        self.signing_secret = signing_secret
        self.fake = fake
        self.timeout = timeout
        self.timestamp: int | None = None
        self._counter = itertools.count(1)

    # ------------------------------------------------------------------ slash commands

    def command(
        self,
        text: str,
        *,
        command: str = "/brm",
        user_id: str = "U1",
        user_name: str | None = None,
        team_id: str = "T1",
        team_domain: str | None = None,
        enterprise_id: str | None = None,
        org_install: bool = False,
        channel_id: str = "C1",
        channel_name: str = "general",
        response_url: str | None = None,
        trigger_id: str | None = None,
    ) -> Sent:
        """A slash command, form-encoded like Slack's; the response_url defaults to a fresh fake one.

        `org_install`: the app is installed org-wide on Enterprise Grid (`enterprise_id` is the org).
        """
        response_url, response_name = self._response_url("command", response_url)
        trigger_id = trigger_id or self.new_trigger_id()
        fields: dict[str, str] = {
            "token": VERIFICATION_TOKEN,
            "team_id": team_id,
            "team_domain": team_domain or team_id.lower(),
        }
        if enterprise_id:
            fields["enterprise_id"] = enterprise_id
            fields["enterprise_name"] = f"Enterprise {enterprise_id}"
        fields.update(
            {
                "channel_id": channel_id,
                "channel_name": channel_name,
                "user_id": user_id,
                "user_name": user_name or self._user_name(user_id),
                "command": command,
                "text": text,
                "api_app_id": APP_ID,
                "is_enterprise_install": "true" if org_install else "false",
                "response_url": response_url,
                "trigger_id": trigger_id,
            }
        )
        sent = self._post(urlencode(fields), _FORM, {})
        sent.response_name, sent.trigger_id, sent.payload = response_name, trigger_id, fields
        return sent

    # ------------------------------------------------------------------ Events API

    def event(
        self,
        event: dict[str, Any],
        *,
        team_id: str = "T1",
        enterprise_id: str | None = None,
        org_install: bool = False,
        event_id: str | None = None,
        event_time: int | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
        shared_externally: bool = False,
    ) -> Sent:
        """An `event_callback` envelope around `event`; retries carry Slack's X-Slack-Retry-* headers.

        Reuse `event_id` with `retry_num` to model Slack redelivering an event the app was slow to ack.
        `org_install`: the app is installed org-wide, so Slack authorises the event for the org
        (`enterprise_id`) and names no team in `authorizations`.
        `shared_externally`: the event happened in a Slack Connect channel (`is_ext_shared_channel`).
        """
        envelope = {
            "token": VERIFICATION_TOKEN,
            "team_id": team_id,
            **({"enterprise_id": enterprise_id} if enterprise_id else {}),
            "context_team_id": team_id,
            "context_enterprise_id": enterprise_id,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or self.new_event_id(),
            "event_time": event_time if event_time is not None else int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": enterprise_id,
                    "team_id": None if org_install else team_id,
                    "user_id": self.fake.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": org_install,
                }
            ],
            "is_ext_shared_channel": shared_externally,
            "event_context": "4-" + secrets.token_urlsafe(24),
        }
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        sent = self._post(json.dumps(envelope), "application/json", headers)
        sent.payload = envelope
        return sent

    def reaction_added(
        self,
        user: str,
        reaction: str,
        channel: str,
        ts: str,
        *,
        item_user: str | None = None,
        team_id: str = "T1",
        enterprise_id: str | None = None,
        org_install: bool = False,
        event_id: str | None = None,
        retry_num: int | None = None,
        shared_externally: bool = False,
    ) -> Sent:
        """Someone added `reaction` (a name like "white_check_mark", no colons) to the message at ts."""
        return self.event(
            self._reaction_event("reaction_added", user, reaction, channel, ts, item_user),
            team_id=team_id,
            enterprise_id=enterprise_id,
            org_install=org_install,
            event_id=event_id,
            retry_num=retry_num,
            shared_externally=shared_externally,
        )

    def reaction_removed(
        self,
        user: str,
        reaction: str,
        channel: str,
        ts: str,
        *,
        item_user: str | None = None,
        team_id: str = "T1",
        event_id: str | None = None,
        retry_num: int | None = None,
        shared_externally: bool = False,
    ) -> Sent:
        """Someone removed `reaction` from the message at ts."""
        return self.event(
            self._reaction_event("reaction_removed", user, reaction, channel, ts, item_user),
            team_id=team_id,
            event_id=event_id,
            retry_num=retry_num,
            shared_externally=shared_externally,
        )

    def message(
        self,
        text: str,
        *,
        channel: str = "C1",
        user: str = "U1",
        ts: str | None = None,
        thread_ts: str | None = None,
        channel_type: str = "channel",
        team_id: str = "T1",
        event_id: str | None = None,
    ) -> Sent:
        """A person's message event (the fake learns the message, so permalinks and reactions work)."""
        stored = self.fake.add_message(channel, ts, text=text, user=user)
        event = {
            "type": "message",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": stored["ts"],
            "event_ts": stored["ts"],
            "channel_type": channel_type,
            "team": team_id,
            "client_msg_id": secrets.token_hex(16),
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return self.event(event, team_id=team_id, event_id=event_id)

    def url_verification(self, challenge: str = "challenge-token") -> Sent:
        """The handshake Slack sends when the Request URL is configured."""
        body = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
        sent = self._post(json.dumps(body), "application/json", {})
        sent.payload = body
        return sent

    # ------------------------------------------------------------------ interactivity

    def message_shortcut(
        self,
        callback_id: str,
        message: dict[str, Any],
        *,
        channel_id: str = "C1",
        channel_name: str = "general",
        user_id: str = "U1",
        team_id: str = "T1",
        enterprise_id: str | None = None,
        org_install: bool = False,
        trigger_id: str | None = None,
        response_url: str | None = None,
    ) -> Sent:
        """A message shortcut on `message` (Slack's message object: type, user, text, ts, ...).

        `org_install`: installed org-wide, where Slack may send no `team` (the user's team says it)."""
        response_url, response_name = self._response_url("shortcut", response_url)
        payload = {
            "type": "message_action",
            "token": VERIFICATION_TOKEN,
            "action_ts": self._action_ts(),
            "team": None if org_install else self._team(team_id, enterprise_id),
            "user": self._user(user_id, team_id),
            "channel": {"id": channel_id, "name": channel_name},
            "is_enterprise_install": org_install,
            "enterprise": self._enterprise(enterprise_id),
            "callback_id": callback_id,
            "trigger_id": trigger_id or self.new_trigger_id(),
            "response_url": response_url,
            "message_ts": message.get("ts"),
            "message": message,
        }
        return self._interaction(payload, response_name)

    def global_shortcut(
        self,
        callback_id: str,
        *,
        user_id: str = "U1",
        team_id: str = "T1",
        enterprise_id: str | None = None,
        trigger_id: str | None = None,
    ) -> Sent:
        """A global shortcut (from the shortcuts menu): no channel, message or response_url."""
        payload = {
            "type": "shortcut",
            "token": VERIFICATION_TOKEN,
            "action_ts": self._action_ts(),
            "team": self._team(team_id, enterprise_id),
            "user": self._user(user_id, team_id),
            "is_enterprise_install": False,
            "enterprise": self._enterprise(enterprise_id),
            "callback_id": callback_id,
            "trigger_id": trigger_id or self.new_trigger_id(),
        }
        return self._interaction(payload, None)

    def block_action(
        self,
        action_id: str,
        value: Any = None,
        *,
        action_type: str = "button",
        block_id: str | None = None,
        message: dict[str, Any] | None = None,
        message_ts: str | None = None,
        view: dict[str, Any] | None = None,
        channel_id: str = "C1",
        channel_name: str = "general",
        user_id: str = "U1",
        team_id: str = "T1",
        enterprise_id: str | None = None,
        trigger_id: str | None = None,
        response_url: str | None = None,
    ) -> Sent:
        """A click or choice on an interactive element, in a message or (with `view`) in a modal/Home.

        For messages, pass the message (e.g. `fake.message(channel, ts)`) or just `message_ts` and the
        fake's copy is used. `value` is the button value, or for selects the chosen option value (or
        option dict), a list for multi-selects, a date string for datepickers.
        """
        action_ts = self._action_ts()
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user_id, team_id),
            "api_app_id": APP_ID,
            "token": VERIFICATION_TOKEN,
            "trigger_id": trigger_id or self.new_trigger_id(),
            "team": self._team(team_id, enterprise_id),
            "enterprise": self._enterprise(enterprise_id),
            "is_enterprise_install": False,
        }
        response_name = None
        if view is not None:
            blocks = view.get("blocks", [])
            payload["container"] = {"type": "view", "view_id": view.get("id", "V1")}
            payload["view"] = self._view_payload(view, team_id)
            payload["state"] = payload["view"]["state"]
        else:
            if message is None:
                message = self.fake.message(channel_id, message_ts) if message_ts else None
            if message is None:
                message = self.fake.add_message(
                    channel_id, message_ts, user=self.fake.bot_user_id, bot_id=self.fake.bot_id
                )
            blocks = message.get("blocks", [])
            response_url, response_name = self._response_url("action", response_url)
            payload["container"] = {
                "type": "message",
                "message_ts": message["ts"],
                "channel_id": channel_id,
                "is_ephemeral": False,
            }
            payload["channel"] = {"id": channel_id, "name": channel_name}
            payload["message"] = message
            payload["state"] = {"values": {}}
            payload["response_url"] = response_url
        element, found_block_id = _find_element(blocks, action_id)
        payload["actions"] = [
            _action(action_type, action_id, block_id or found_block_id, value, action_ts, element)
        ]
        return self._interaction(payload, response_name)

    def view_submission(
        self, callback_id: str | None, values: dict[str, dict[str, Any]], *args: Any, **kw: Any
    ) -> Sent:
        """A modal submitted with `values` ({block_id: {action_id: state}}); the arguments are
        `view_submission_payload`'s."""
        return self.send_interaction(self.view_submission_payload(callback_id, values, *args, **kw))

    def view_submission_payload(
        self,
        callback_id: str | None,
        values: dict[str, dict[str, Any]],
        private_metadata: str | None = None,
        *,
        view: dict[str, Any] | None = None,
        view_id: str = "V1",
        user_id: str = "U1",
        team_id: str = "T1",
        enterprise_id: str | None = None,
        org_install: bool = False,
        response_urls: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """The payload `view_submission` sends, without sending it (to send it several times).

        A state may be Slack's dict (e.g. {"type": "static_select", "selected_option": {...}}) or a plain
        string, taken as a plain_text_input's value. Pass the opened `view` (from the fake's views.open
        call) to submit exactly what the app showed; callback_id/private_metadata override it when given.
        """
        base = dict(view or {"id": view_id, "type": "modal", "blocks": []})
        if callback_id is not None:
            base["callback_id"] = callback_id
        if private_metadata is not None:
            base["private_metadata"] = private_metadata
        base["state"] = {"values": _normalise_values(values)}
        payload = {
            "type": "view_submission",
            "team": None if org_install else self._team(team_id, enterprise_id),
            "user": self._user(user_id, team_id),
            "api_app_id": APP_ID,
            "token": VERIFICATION_TOKEN,
            "trigger_id": self.new_trigger_id(),
            "view": self._view_payload(base, team_id),
            "response_urls": response_urls or [],
            "is_enterprise_install": org_install,
            "enterprise": self._enterprise(enterprise_id),
        }
        return payload

    def send_interaction(self, payload: dict[str, Any]) -> Sent:
        """An interactivity payload as it is; sending one `Sent.payload` again is a re-send by Slack:
        the same bytes, freshly signed."""
        return self._interaction(payload, None)

    def view_closed(
        self,
        callback_id: str | None,
        *,
        view: dict[str, Any] | None = None,
        view_id: str = "V1",
        user_id: str = "U1",
        team_id: str = "T1",
    ) -> Sent:
        """A modal closed with Cancel (sent only when the view has notify_on_close)."""
        base = dict(view or {"id": view_id, "type": "modal", "blocks": []})
        if callback_id is not None:
            base["callback_id"] = callback_id
        payload = {
            "type": "view_closed",
            "team": self._team(team_id, None),
            "user": self._user(user_id, team_id),
            "api_app_id": APP_ID,
            "token": VERIFICATION_TOKEN,
            "view": self._view_payload(base, team_id),
            "is_cleared": False,
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return self._interaction(payload, None)

    def block_suggestion(
        self,
        action_id: str,
        value: str,
        *,
        block_id: str | None = None,
        view: dict[str, Any] | None = None,
        view_id: str = "V1",
        user_id: str = "U1",
        team_id: str = "T1",
    ) -> Sent:
        """What Slack sends while someone types in an external_select; the app answers with options."""
        base = dict(view or {"id": view_id, "type": "modal", "blocks": []})
        _, found_block_id = _find_element(base.get("blocks", []), action_id)
        payload = {
            "type": "block_suggestion",
            "user": self._user(user_id, team_id),
            "container": {"type": "view", "view_id": base.get("id", view_id)},
            "api_app_id": APP_ID,
            "token": VERIFICATION_TOKEN,
            "action_id": action_id,
            "block_id": block_id or found_block_id,
            "value": value,
            "team": self._team(team_id, None),
            "enterprise": None,
            "is_enterprise_install": False,
            "view": self._view_payload(base, team_id),
        }
        return self._interaction(payload, None)

    # ------------------------------------------------------------------ raw

    def raw(self, body: str, headers: dict[str, str] | None = None, content_type: str = _FORM) -> Sent:
        """POST `body` with exactly these headers (no signing), for forged or stale signature tests."""
        return self._post(body, content_type, dict(headers or {}), signed=False)

    # ------------------------------------------------------------------ ids

    def new_trigger_id(self) -> str:
        """A fresh trigger id in Slack's shape ("<n>.<n>.<hex>")."""
        return f"{next(self._counter)}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"

    def new_event_id(self) -> str:
        return "Ev" + secrets.token_hex(5).upper()

    # ------------------------------------------------------------------ internals

    def _post(self, body: str, content_type: str, headers: dict[str, str], *, signed: bool = True) -> Sent:
        all_headers = {"Content-Type": content_type, "User-Agent": _USER_AGENT, **headers}
        if signed:
            all_headers.update(sign(body, self.signing_secret, self.timestamp))
        parts = urlsplit(self.events_url)
        connection = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1", parts.port, timeout=self.timeout
        )
        started = time.perf_counter()
        try:
            connection.request("POST", parts.path or "/", body=body.encode("utf-8"), headers=all_headers)
            answer = connection.getresponse()
            text = answer.read().decode("utf-8", "replace")
            elapsed = time.perf_counter() - started
            answer_headers = {k.lower(): v for k, v in answer.getheaders()}
        finally:
            connection.close()
        return Sent(answer.status, text, elapsed, headers=answer_headers)

    def _interaction(self, payload: dict[str, Any], response_name: str | None) -> Sent:
        # Interactivity arrives as one form field, "payload", holding JSON.
        sent = self._post(urlencode({"payload": json.dumps(payload)}), _FORM, {})
        sent.response_name = response_name
        sent.trigger_id = payload.get("trigger_id")
        sent.payload = payload
        return sent

    def _response_url(self, kind: str, given: str | None) -> tuple[str, str | None]:
        if given is not None:
            prefix = f"{self.fake.base}/response/"
            return given, unquote(given[len(prefix) :]) if given.startswith(prefix) else None
        name = f"{kind}-{next(self._counter)}-{secrets.token_hex(3)}"
        return self.fake.response_url(name), name

    def _user_name(self, user_id: str) -> str:
        known = self.fake.user(user_id)
        return known["name"] if known else user_id.lower()

    def _user(self, user_id: str, team_id: str) -> dict[str, Any]:
        # Slack names the person's own workspace here, which for a guest from another organisation
        # is not the workspace the request comes from: the fake knows where its users belong.
        known = self.fake.user(user_id)
        name = known["name"] if known else user_id.lower()
        return {
            "id": user_id,
            "username": name,
            "name": name,
            "team_id": known["team_id"] if known else team_id,
        }

    @staticmethod
    def _team(team_id: str, enterprise_id: str | None) -> dict[str, Any]:
        team: dict[str, Any] = {"id": team_id, "domain": team_id.lower()}
        if enterprise_id:
            team["enterprise_id"] = enterprise_id
            team["enterprise_name"] = f"Enterprise {enterprise_id}"
        return team

    @staticmethod
    def _enterprise(enterprise_id: str | None) -> dict[str, str] | None:
        return {"id": enterprise_id, "name": f"Enterprise {enterprise_id}"} if enterprise_id else None

    def _view_payload(self, view: dict[str, Any], team_id: str) -> dict[str, Any]:
        view_id = view.get("id", "V1")
        return {
            "id": view_id,
            "team_id": team_id,
            "type": view.get("type", "modal"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": view.get("state") or {"values": {}},
            "hash": view.get("hash") or secrets.token_hex(8),
            "title": view.get("title") or {"type": "plain_text", "text": "BRM", "emoji": True},
            "clear_on_close": view.get("clear_on_close", False),
            "notify_on_close": view.get("notify_on_close", False),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": view.get("previous_view_id"),
            "root_view_id": view.get("root_view_id") or view_id,
            "app_id": APP_ID,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": team_id,
            "bot_id": self.fake.bot_id,
        }

    def _reaction_event(
        self, kind: str, user: str, reaction: str, channel: str, ts: str, item_user: str | None
    ) -> dict[str, Any]:
        # Keep the fake's view of reactions in step, so reactions.get agrees with the events sent.
        if kind == "reaction_added":
            self.fake.add_reaction(channel, ts, reaction, user)
        else:
            self.fake.remove_reaction(channel, ts, reaction, user)
        return {
            "type": kind,
            "user": user,
            "reaction": reaction,
            "item_user": item_user or self.fake.bot_user_id,
            "item": {"type": "message", "channel": channel, "ts": ts},
            "event_ts": self._action_ts(),
        }

    @staticmethod
    def _action_ts() -> str:
        return f"{time.time():.6f}"


def _find_element(blocks: list[dict[str, Any]], action_id: str) -> tuple[dict[str, Any] | None, str]:
    """The interactive element with `action_id` in these blocks and its block_id, as Slack would report."""
    for block in blocks or []:
        candidates = [*block.get("elements", []), block.get("accessory"), block.get("element")]
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return element, block.get("block_id") or secrets.token_hex(3)
    return None, secrets.token_hex(3)


def _option(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    return {"text": {"type": "plain_text", "text": str(value), "emoji": True}, "value": str(value)}


_SELECTED_KEY = {
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "datetimepicker": "selected_date_time",
    "users_select": "selected_user",
    "conversations_select": "selected_conversation",
    "channels_select": "selected_channel",
    "multi_users_select": "selected_users",
    "multi_conversations_select": "selected_conversations",
    "multi_channels_select": "selected_channels",
    "plain_text_input": "value",
}


def _action(
    action_type: str,
    action_id: str,
    block_id: str,
    value: Any,
    action_ts: str,
    element: dict[str, Any] | None,
) -> dict[str, Any]:
    action: dict[str, Any] = {"type": action_type, "action_id": action_id, "block_id": block_id}
    if action_type == "button":
        text = (element or {}).get("text") or {"type": "plain_text", "text": action_id, "emoji": True}
        action["text"] = text
        if value is not None:
            action["value"] = value
        if element and element.get("style"):
            action["style"] = element["style"]
    elif action_type in ("static_select", "external_select", "overflow", "radio_buttons"):
        action["selected_option"] = _option(value) if value is not None else None
    elif action_type in ("multi_static_select", "multi_external_select", "checkboxes"):
        action["selected_options"] = [_option(v) for v in value or []]
    elif action_type in _SELECTED_KEY:
        action[_SELECTED_KEY[action_type]] = value
    else:
        action["value"] = value
    action["action_ts"] = action_ts
    return action


def _normalise_values(values: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for block_id, actions in values.items():
        out[block_id] = {}
        for action_id, state in actions.items():
            if isinstance(state, dict):
                out[block_id][action_id] = state
            else:
                out[block_id][action_id] = {"type": "plain_text_input", "value": state}
    return out
