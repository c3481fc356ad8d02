"""The stand-in's Slack Web API and response_urls: what the bot calls, answered in Slack's shapes.

Only the methods the bot uses are here; any other method answers `unknown_method` as Slack does and
the page shows it, so nothing the bot asks for is silently dropped.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable
from typing import Any

from playground.workspace import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    TEAM_DOMAIN,
    TEAM_ID,
    TEAM_NAME,
    YOU,
    Message,
    Workspace,
    dm_of,
)

log = logging.getLogger(__name__)

# Params slack_sdk sends as JSON strings inside form bodies.
_JSON_PARAMS = ("blocks", "attachments", "view", "metadata")


class Failure(Exception):
    """Answered as `{"ok": false, "error": ...}`."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class WebApi:
    """Answers `/api/<method>` and `/response/<token>` against the workspace."""

    def __init__(self, workspace: Workspace, base_url: str) -> None:
        self.workspace = workspace
        self.base_url = base_url.rstrip("/")
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "team.info": self._team_info,
            "users.info": self._users_info,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._update,
            "chat.delete": self._delete,
            "chat.getPermalink": self._permalink,
            "conversations.open": self._open,
            "conversations.info": self._info,
            "conversations.join": self._join,
            "conversations.history": self._history,
            "reactions.add": self._reaction_add,
            "reactions.remove": self._reaction_remove,
            "reactions.get": self._reactions_get,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
        }

    def call(self, method: str, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """One Web API call's JSON answer."""
        for key in _JSON_PARAMS:
            if isinstance(params.get(key), str) and params[key][:1] in ("[", "{"):
                try:
                    params[key] = json.loads(params[key])
                except ValueError:
                    return {"ok": False, "error": f"invalid_{key}"}
        if not token:
            return {"ok": False, "error": "not_authed"}
        handler = self._methods.get(method)
        with self.workspace.cond:
            if handler is None:
                self.workspace.problem(f"The bot called {method}, which the playground does not know.")
                return {"ok": False, "error": "unknown_method"}
            try:
                return {"ok": True, **handler(params)}
            except Failure as failed:
                self.workspace.problem(f"{method} answered {failed.error}")
                return {"ok": False, "error": failed.error}

    def respond(self, token: str, body: dict[str, Any]) -> tuple[int, str]:
        """A post to a response_url: an ephemeral reply, a message in the channel, or a change to the
        message whose button was clicked."""
        ws = self.workspace
        with ws.cond:
            target = ws.response_urls.get(token)
            if target is None:
                return 404, "no_such_response_url"
            original = ws.message(target.channel, target.message_ts) if target.message_ts else None
            if body.get("delete_original") and original is not None:
                del ws.messages[(original.channel, original.ts)]
                ws.changed()
                return 200, "ok"
            content = {k: body[k] for k in ("text", "blocks", "attachments") if body.get(k) is not None}
            if body.get("replace_original") and original is not None:
                original.body = {**_without(original.body, "blocks", "attachments"), **content}
                ws.changed()
                return 200, "ok"
            in_channel = body.get("response_type") == "in_channel"
            sender = {"user": BOT_USER_ID, "bot_id": BOT_ID, "app_id": APP_ID}
            ws.post(target.channel, {**sender, **content}, ephemeral_to=None if in_channel else target.user)
            return 200, "ok"

    # ------------------------------------------------------------------ identity

    def _auth_test(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"{self.base_url}/",
            "team": TEAM_NAME,
            "user": "brm-bot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _team_info(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"team": {"id": TEAM_ID, "name": TEAM_NAME, "domain": TEAM_DOMAIN}}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.workspace.users.get(str(params.get("user", "")))
        if user is None:
            raise Failure("user_not_found")
        return {"user": copy.deepcopy(user)}

    # ------------------------------------------------------------------ messages

    def _channel(self, params: dict[str, Any], key: str = "channel") -> str:
        channel_id = self.workspace.channel_id_for(str(params.get(key) or ""))
        if channel_id not in self.workspace.channels:
            raise Failure("channel_not_found")
        return channel_id

    def _message(self, params: dict[str, Any], ts_key: str = "ts") -> Message:
        message = self.workspace.message(self._channel(params), str(params.get(ts_key) or ""))
        if message is None:
            raise Failure("message_not_found")
        return message

    def _post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._channel(params)
        _check_content(params)
        message = self.workspace.post(channel_id, self._bot_body(params))
        return {"channel": channel_id, "ts": message.ts, "message": copy.deepcopy(message.body)}

    def _post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._channel(params)
        _check_content(params)
        user = str(params.get("user") or "")
        if user not in self.workspace.users:
            raise Failure("user_not_in_channel")
        message = self.workspace.post(channel_id, self._bot_body(params), ephemeral_to=user)
        return {"message_ts": message.ts}

    def _update(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params)
        if message.body.get("user") != BOT_USER_ID:
            raise Failure("cant_update_message")
        changes = {k: params[k] for k in ("text", "blocks", "attachments", "metadata") if k in params}
        message.body = {**message.body, **changes, "edited": {"user": BOT_USER_ID, "ts": message.ts}}
        self.workspace.changed()
        return {"channel": message.channel, "ts": message.ts, "text": message.body.get("text", "")}

    def _delete(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params)
        del self.workspace.messages[(message.channel, message.ts)]
        self.workspace.changed()
        return {"channel": message.channel, "ts": message.ts}

    def _permalink(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params, "message_ts")
        return {"channel": message.channel, "permalink": self.permalink(message.channel, message.ts)}

    def permalink(self, channel_id: str, ts: str) -> str:
        return f"{self.base_url}/archives/{channel_id}/p{ts.replace('.', '')}"

    def _bot_body(self, params: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "text": params.get("text") or "",
            "bot_profile": {"id": BOT_ID, "app_id": APP_ID, "name": "brm-bot", "team_id": TEAM_ID},
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if params.get(key) not in (None, ""):
                body[key] = params[key]
        return body

    # ------------------------------------------------------------------ conversations

    def _open(self, params: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in str(params.get("users") or "").split(",") if u]
        if len(users) != 1 or users[0] not in self.workspace.users:
            raise Failure("user_not_found")
        channel_id = dm_of(users[0])
        known = self.workspace.channels.setdefault(
            channel_id,
            {"id": channel_id, "name": "", "is_im": True, "is_channel": False, "topic": {"value": ""}},
        )
        return {"channel": {"id": known["id"]}}

    def _info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"channel": copy.deepcopy(self.workspace.channels[self._channel(params)])}

    def _join(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._info(params)

    def _history(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._channel(params)
        oldest = float(params.get("oldest") or 0)
        limit = int(params.get("limit") or 100)
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        found = sorted(
            (
                m
                for m in self.workspace.messages.values()
                if m.channel == channel_id and m.ephemeral_to is None and float(m.ts) > oldest
            ),
            key=lambda m: float(m.ts),
            reverse=True,
        )
        messages = []
        for message in found[:limit]:
            body = self.workspace.public_message(message)
            if not with_metadata:
                body.pop("metadata", None)
            messages.append(body)
        return {"messages": messages, "has_more": len(found) > limit}

    # ------------------------------------------------------------------ reactions

    def _reaction_add(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params, "timestamp")
        people = message.reactions.setdefault(str(params.get("name") or ""), [])
        if BOT_USER_ID in people:
            raise Failure("already_reacted")
        people.append(BOT_USER_ID)
        self.workspace.changed()
        return {}

    def _reaction_remove(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params, "timestamp")
        people = message.reactions.get(str(params.get("name") or ""), [])
        if BOT_USER_ID not in people:
            raise Failure("no_reaction")
        people.remove(BOT_USER_ID)
        self.workspace.changed()
        return {}

    def _reactions_get(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params, "timestamp")
        return {
            "type": "message",
            "channel": message.channel,
            "message": self.workspace.public_message(message),
        }

    # ------------------------------------------------------------------ views

    def _trigger(self, params: dict[str, Any]) -> None:
        if self.workspace.triggers.pop(str(params.get("trigger_id") or ""), None) is None:
            raise Failure("expired_trigger_id")

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        self._trigger(params)
        view = self._new_view(params.get("view"))
        self.workspace.modal_stack[:] = [view["id"]]
        self.workspace.changed()
        return {"view": copy.deepcopy(view)}

    def _views_push(self, params: dict[str, Any]) -> dict[str, Any]:
        self._trigger(params)
        if not self.workspace.modal_stack:
            raise Failure("not_found")
        view = self._new_view(params.get("view"), previous=self.workspace.modal_stack[-1])
        self.workspace.modal_stack.append(view["id"])
        self.workspace.changed()
        return {"view": copy.deepcopy(view)}

    def _views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        views = self.workspace.views
        view_id = params.get("view_id") or next(
            (
                v["id"]
                for v in views.values()
                if params.get("external_id") and v.get("external_id") == params["external_id"]
            ),
            None,
        )
        old = views.get(str(view_id or ""))
        if old is None:
            raise Failure("not_found")
        if params.get("hash") and params["hash"] != old["hash"]:
            raise Failure("hash_conflict")
        view = self._new_view(params.get("view"), view_id=old["id"], previous=old.get("previous_view_id"))
        return {"view": copy.deepcopy(view)}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user = str(params.get("user_id") or "")
        if user not in self.workspace.users:
            raise Failure("user_not_found")
        if user != YOU:  # someone else's Home tab: accepted, not on this person's page
            return {"view": copy.deepcopy(self._new_view(params.get("view")))}
        view = self._new_view(params.get("view"), view_id=self.workspace.home_view)
        self.workspace.home_view = view["id"]
        self.workspace.changed()
        return {"view": copy.deepcopy(view)}

    def _new_view(
        self, view: Any, *, view_id: str | None = None, previous: str | None = None
    ) -> dict[str, Any]:
        if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
            raise Failure("invalid_arguments")
        if not isinstance(view.get("blocks"), list):
            raise Failure("invalid_arguments")
        view_id = view_id or self.workspace.new_view_id()
        stored = {
            **copy.deepcopy(view),
            "id": view_id,
            "team_id": TEAM_ID,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "hash": f"{self.workspace.version}.{view_id}",
            "previous_view_id": previous,
            "root_view_id": view_id if previous is None else self.workspace.views[previous]["root_view_id"],
            "state": {"values": {}},
        }
        self.workspace.views[view_id] = stored
        self.workspace.changed()
        return stored


def _check_content(params: dict[str, Any]) -> None:
    if not params.get("text") and not params.get("blocks") and not params.get("attachments"):
        raise Failure("no_text")
    if "blocks" in params and not isinstance(params["blocks"], list):
        raise Failure("invalid_blocks")


def _without(body: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in keys}
