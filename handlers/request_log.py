"""One log line and the metrics for every Slack request the app handles, whichever way it arrived.

`ObservedApp` is the Bolt app with its `dispatch` timed: over HTTP the door (web/http_door.py)
and in Socket Mode the socket handler both hand each request to `dispatch`, so both are covered;
the `/brm` commands the door's intake answers without `dispatch` (handlers/command_intake.py) go
through `observe` the same way.
The line names the workspace, the user, the surface, what was asked (a known subcommand, or the id
of the event, action, view or shortcut: the app's own names, never the person's words) and the
outcome, with the time to acknowledge. What people typed is not logged at INFO.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.commands import split_subcommand
from handlers.commands.registry import find_subcommand
from runtime.metrics import ACK_SECONDS, SLACK_REQUESTS

log = logging.getLogger("brm.requests")

# Interactivity payload types, by the surface the metrics and the log call them.
_PAYLOAD_SURFACES = {
    "block_actions": "action",
    "view_submission": "view",
    "view_closed": "view",
    "shortcut": "shortcut",
    "message_action": "shortcut",
    "block_suggestion": "options",
}


class ObservedApp(App):
    """A Bolt app whose every dispatched request is logged once and counted."""

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        started = time.perf_counter()
        response = super().dispatch(req)
        observe(req.body, response, time.perf_counter() - started)
        return response


def observe(body: Any, response: BoltResponse, seconds: float) -> None:
    """The log line and metrics of the request whose parsed `body` was answered with `response`,
    `seconds` after it arrived; also for the requests the door answers without Bolt's dispatch
    (handlers/command_intake.py)."""
    seen = describe_request(body if isinstance(body, dict) else {})
    outcome = outcome_of(response)
    SLACK_REQUESTS.labels(seen["surface"], outcome).inc()
    ACK_SECONDS.labels(seen["surface"]).observe(seconds)
    log.info(
        "%s %s from %s in %s: %s (%.1f ms)",
        seen["surface"],
        seen["subcommand"] or "-",
        seen["user_id"] or "-",
        seen["workspace"] or "-",
        outcome,
        seconds * 1000,
        extra={**seen, "outcome": outcome, "duration_ms": round(seconds * 1000, 2)},
    )


def describe_request(body: dict[str, Any]) -> dict[str, str]:
    """Workspace, user, surface and subcommand (or the listener's id) of a parsed Slack request."""
    payload_type = str(body.get("type") or "")
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    if "command" in body:
        surface = "command"
        word, _rest = split_subcommand(str(body.get("text") or ""))
        found = find_subcommand(word)
        # An unknown first word is the person's own text ("/brm DMV met Jane"): never logged.
        subcommand = found.name if found else ("help" if not word else "unknown")
    elif payload_type == "event_callback":
        surface, subcommand = "event", str(event.get("type") or "")
    elif payload_type in _PAYLOAD_SURFACES:
        surface = _PAYLOAD_SURFACES[payload_type]
        subcommand = _listener_id(body)
    else:
        surface, subcommand = payload_type or "unknown", ""
    return {
        "surface": surface,
        "subcommand": subcommand,
        "workspace": _id_of(body.get("team_id") or body.get("team")) or _id_of(body.get("enterprise")),
        "user_id": _id_of(body.get("user_id")) or _id_of(body.get("user")) or _id_of(event.get("user")),
    }


def outcome_of(response: BoltResponse) -> str:
    if response.status >= 500:
        return "error"
    if response.status == 404:
        return "unhandled"  # no listener took it
    if response.status >= 400:
        return "refused"
    if '"response_action": "errors"' in (response.body or "") or '"response_action":"errors"' in (
        response.body or ""
    ):
        return "invalid"  # a form sent back with the fields to correct
    return "ok"


def _listener_id(body: dict[str, Any]) -> str:
    view = body.get("view") if isinstance(body.get("view"), dict) else {}
    actions = body.get("actions") if isinstance(body.get("actions"), list) else []
    first = actions[0] if actions and isinstance(actions[0], dict) else {}
    found = body.get("callback_id") or view.get("callback_id") or first.get("action_id")
    return str(found or body.get("action_id") or "")


def _id_of(value: Any) -> str:
    """An id given as itself or as an object with an `id` (Slack sends both shapes)."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""
