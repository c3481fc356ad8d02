"""The page's own endpoints: what the person does on the page (`/play/...`), turned into Slack requests.

The page polls `/play/state` for everything it draws and POSTs JSON here for each thing the person
does; each is answered with JSON, `{"error": ...}` (HTTP 400) when it cannot be done.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playground.slack_side import Answer, SlackSide
from playground.time_travel import TimeControl
from playground.workspace import BOT_ID, BOT_USER_ID, YOU, Workspace

log = logging.getLogger(__name__)
MANIFEST = Path(__file__).resolve().parent.parent / "manifests" / "http.json"
POLL_SECONDS = 20.0
_MENTION = re.compile(r"(?<![\w<])@([a-z0-9._-]+)", re.IGNORECASE)
_CHANNEL = re.compile(r"(?<![\w<])#([a-z0-9_-]+)", re.IGNORECASE)


class PageError(Exception):
    """What the person tried cannot be done; the message is shown on the page."""


class Page:
    """Answers the page's requests against the workspace, sending Slack's requests to the app."""

    def __init__(self, workspace: Workspace, slack: SlackSide, time: TimeControl) -> None:
        self.workspace = workspace
        self.slack = slack
        self.time = time
        self.shortcuts = _shortcuts()
        self.routes: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "command": self.command,
            "message": self.message,
            "react": self.react,
            "action": self.action,
            "shortcut": self.shortcut,
            "submit": self.submit,
            "close": self.close,
            "suggest": self.suggest,
            "home": self.home,
            "clock": self.clock,
            "dismiss": self.dismiss,
        }

    def state(self, since: int) -> dict[str, Any]:
        """The workspace as the page draws it, once it has changed past `since` (or the poll ends)."""
        with self.workspace.cond:
            self.workspace.cond.wait_for(lambda: self.workspace.version != since, timeout=POLL_SECONDS)
            snapshot = self.workspace.snapshot()
        return {**snapshot, "shortcuts": self.shortcuts, "next_follow_up": self.time.next_follow_up_text()}

    def handle(self, name: str, fields: dict[str, Any]) -> dict[str, Any]:
        route = self.routes.get(name)
        if route is None:
            raise PageError(f"no such thing to do: {name}")
        return route(fields)

    # ------------------------------------------------------------------ what the person does

    def command(self, fields: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._channel(fields)
        text = str(fields.get("text") or "").strip()
        if text.startswith("/brm"):
            text = text[len("/brm") :].strip()
        answer = self.slack.command(YOU, channel_id, self._escaped(text))
        self._show_ack(answer, channel_id)
        return {"status": answer.status}

    def message(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The person writes in a channel. The bot subscribes to no message events: nothing is sent."""
        channel_id = self._channel(fields)
        text = str(fields.get("text") or "").strip()
        if not text:
            raise PageError("write something first")
        with self.workspace.cond:
            message = self.workspace.post(
                channel_id, {"user": YOU, "text": self._escaped(text, labels=False)}
            )
        return {"ts": message.ts}

    def react(self, fields: dict[str, Any]) -> dict[str, Any]:
        name = str(fields.get("name") or "").strip(":")
        if not name:
            raise PageError("pick an emoji")
        with self.workspace.cond:
            message = self._message(fields)
            people = message.reactions.setdefault(name, [])
            added = YOU not in people
            if added:
                people.append(YOU)
            else:
                people.remove(YOU)
            self.workspace.changed()
        answer = self.slack.reaction(YOU, message, name, added=added)
        return {"added": added, "status": answer.status}

    def action(self, fields: dict[str, Any]) -> dict[str, Any]:
        action = fields.get("action")
        if not isinstance(action, dict) or not action.get("action_id"):
            raise PageError("that element has no action_id")
        if fields.get("view_id"):
            view = self._view(fields)
            answer = self.slack.view_action(YOU, view, _values(fields), action)
        else:
            with self.workspace.cond:
                message = self._message(fields)
            answer = self.slack.message_action(YOU, message, action)
        return {"status": answer.status}

    def shortcut(self, fields: dict[str, Any]) -> dict[str, Any]:
        callback_id = str(fields.get("callback_id") or "")
        known = {s["callback_id"]: s for s in self.shortcuts}
        if callback_id not in known:
            raise PageError(f"the app has no shortcut {callback_id!r}")
        if known[callback_id]["type"] == "global":
            answer = self.slack.global_shortcut(YOU, callback_id)
        else:
            with self.workspace.cond:
                message = self._message(fields)
            answer = self.slack.message_shortcut(YOU, callback_id, message)
        return {"status": answer.status}

    def submit(self, fields: dict[str, Any]) -> dict[str, Any]:
        view = self._view(fields)
        answer = self.slack.view_submission(YOU, view, _values(fields))
        if answer.status != 200:
            return {"status": answer.status}
        reply = answer.json()
        kind = reply.get("response_action")
        ws = self.workspace
        with ws.cond:
            if kind == "errors":
                return {"status": 200, "errors": reply.get("errors") or {}}
            if kind in ("update", "push") and isinstance(reply.get("view"), dict):
                self._replace_or_push(view["id"], reply["view"], push=kind == "push")
            elif kind == "clear":
                ws.modal_stack.clear()
            elif view["id"] in ws.modal_stack:
                ws.modal_stack.remove(view["id"])
            ws.changed()
        return {"status": 200}

    def close(self, fields: dict[str, Any]) -> dict[str, Any]:
        view = self._view(fields)
        with self.workspace.cond:
            if view["id"] in self.workspace.modal_stack:
                self.workspace.modal_stack.remove(view["id"])
            self.workspace.changed()
        if view.get("notify_on_close"):
            self.slack.view_closed(YOU, view)
        return {}

    def suggest(self, fields: dict[str, Any]) -> dict[str, Any]:
        view = self._view(fields)
        answer = self.slack.block_suggestion(
            YOU,
            view,
            str(fields.get("block_id") or ""),
            str(fields.get("action_id") or ""),
            str(fields.get("value") or ""),
        )
        reply = answer.json()
        return {"options": reply.get("options"), "option_groups": reply.get("option_groups")}

    def home(self, _: dict[str, Any]) -> dict[str, Any]:
        with self.workspace.cond:
            home = self.workspace.views.get(self.workspace.home_view or "")
        answer = self.slack.home_opened(YOU, copy.deepcopy(home) if home else None)
        return {"status": answer.status}

    def clock(self, fields: dict[str, Any]) -> dict[str, Any]:
        return {"now": self.time.move(str(fields.get("to") or "")).isoformat()}

    def dismiss(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Dismiss an ephemeral message, or the list of problems."""
        with self.workspace.cond:
            if fields.get("problems"):
                self.workspace.problems.clear()
            else:
                message = self._message(fields)
                if message.ephemeral_to is None:
                    raise PageError("only messages visible to you alone can be dismissed")
                del self.workspace.messages[(message.channel, message.ts)]
            self.workspace.changed()
        return {}

    # ------------------------------------------------------------------ helpers

    def _show_ack(self, answer: Answer, channel_id: str) -> None:
        """A slash command's acknowledgement can carry the reply itself, as Slack shows it."""
        if answer.status != 200 or not answer.body.strip():
            return
        try:
            reply = json.loads(answer.body)
        except ValueError:
            reply = {"text": answer.body}  # a plain-text acknowledgement is shown as it is
        if not isinstance(reply, dict):
            return
        content = {k: reply[k] for k in ("text", "blocks") if reply.get(k)}
        if not content:
            return
        in_channel = reply.get("response_type") == "in_channel"
        with self.workspace.cond:
            self.workspace.post(
                channel_id,
                {"user": BOT_USER_ID, "bot_id": BOT_ID, **content},
                ephemeral_to=None if in_channel else YOU,
            )

    def _replace_or_push(self, view_id: str, new: dict[str, Any], *, push: bool) -> None:
        ws = self.workspace
        stored = {**copy.deepcopy(new), "state": {"values": {}}}
        if push:
            stored.update(id=ws.new_view_id(), previous_view_id=view_id)
            ws.modal_stack.append(stored["id"])
        else:
            stored.update(id=view_id, previous_view_id=ws.views[view_id].get("previous_view_id"))
        stored["hash"] = f"{ws.version}.{stored['id']}"
        ws.views[stored["id"]] = stored

    def _channel(self, fields: dict[str, Any]) -> str:
        channel_id = str(fields.get("channel") or "")
        if channel_id not in self.workspace.channels:
            raise PageError(f"no channel {channel_id!r}")
        return channel_id

    def _message(self, fields: dict[str, Any]) -> Any:
        message = self.workspace.message(str(fields.get("channel") or ""), str(fields.get("ts") or ""))
        if message is None:
            raise PageError("that message is gone")
        return message

    def _view(self, fields: dict[str, Any]) -> dict[str, Any]:
        with self.workspace.cond:
            view = self.workspace.views.get(str(fields.get("view_id") or ""))
            if view is None:
                raise PageError("that form is no longer open")
            return copy.deepcopy(view)

    def _escaped(self, text: str, *, labels: bool = True) -> str:
        """Mentions as Slack writes them: <@U…|handle>, <#C…|name> in a command with should_escape
        (`labels`), <@U…>, <#C…|name> in a message."""
        handles = {u["name"].lower(): uid for uid, u in self.workspace.users.items()}
        channels = {c["name"].lower(): cid for cid, c in self.workspace.channels.items() if c.get("name")}

        def person(match: re.Match[str]) -> str:
            uid = handles.get(match.group(1).lower())
            if uid is None:
                return match.group(0)
            return f"<@{uid}|{match.group(1)}>" if labels else f"<@{uid}>"

        def channel(match: re.Match[str]) -> str:
            cid = channels.get(match.group(1).lower())
            return f"<#{cid}|{match.group(1)}>" if cid else match.group(0)

        return _CHANNEL.sub(channel, _MENTION.sub(person, text))


def _values(fields: dict[str, Any]) -> dict[str, Any]:
    values = fields.get("values") or {}
    if not isinstance(values, dict):
        raise PageError("the form's values are not in Slack's shape")
    return values


def _shortcuts() -> list[dict[str, Any]]:
    """The app's shortcuts, as its manifest declares them to Slack."""
    try:
        manifest = json.loads(MANIFEST.read_text())
    except OSError:
        log.warning(
            "no %s (start the playground from the repository): the page offers no shortcuts", MANIFEST
        )
        return []
    return [
        {
            "name": s["name"],
            "type": s["type"],
            "callback_id": s["callback_id"],
            "description": s.get("description", ""),
        }
        for s in manifest.get("features", {}).get("shortcuts", [])
    ]
