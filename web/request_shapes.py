"""What a Slack request's fields must look like before Bolt and the listeners read them.

Bolt and the listeners read Slack's payloads the way Slack documents them (`event` is an object,
`actions` a list of objects with an `action_id`, ...). A signed request in another shape would
make them fail halfway; `shape_problem` names what is off so the door can refuse it whole.
Only what this app relies on is checked; fields it never reads may be anything.
"""

from __future__ import annotations

from typing import Any

# Fields Bolt reads as an object (or a plain id) to find the workspace, person and channel.
_OBJECT_OR_ID = ("team", "user", "channel", "enterprise", "container")
# Interactivity payloads, which always say who acted, as a user object.
_FROM_A_PERSON = frozenset({"block_actions", "view_submission", "view_closed", "shortcut", "message_action"})
# Events whose `user` is a whole user object rather than an id.
_USER_OBJECT_EVENTS = frozenset({"user_change", "team_join"})


def shape_problem(body: dict[str, Any]) -> str | None:
    """None when the request has the shape Slack sends, else what is wrong, in a few words."""
    for name in _OBJECT_OR_ID:
        if not _object_or_id(body.get(name)):
            return f"`{name}` is neither an object nor an id"
    if not _list_of_objects(body.get("authorizations"), allow_none=True):
        return "`authorizations` is not a list of objects"
    if "command" in body:
        return _command_problem(body)
    kind = body.get("type")
    if kind is not None and not isinstance(kind, str):
        return "`type` is not a string"
    if kind in _FROM_A_PERSON and not _user_object(body.get("user")):
        return "`user` is not a user object"
    if kind == "event_callback":
        return _event_problem(body.get("event"))
    if kind == "block_actions":
        return _actions_problem(body.get("actions")) or _view_problem(body.get("view"), required=False)
    if kind in ("view_submission", "view_closed"):
        return _view_problem(body.get("view"), required=True)
    if kind in ("shortcut", "message_action"):
        for name in ("callback_id", "trigger_id"):
            if not isinstance(body.get(name), str):
                return f"`{name}` is not a string"
        if kind == "message_action" and not isinstance(body.get("message"), dict):
            return "`message` is not an object"
    return None


def _command_problem(body: dict[str, Any]) -> str | None:
    command = body.get("command")
    if not isinstance(command, str) or not command.startswith("/"):
        return "`command` is not a slash command"
    for name in ("user_id", "channel_id", "response_url"):
        if not body.get(name):
            return f"the command has no `{name}`"
    return None


def _event_problem(event: Any) -> str | None:
    if not isinstance(event, dict):
        return "`event` is not an object"
    if not isinstance(event.get("type"), str):
        return "`event.type` is not a string"
    user = event.get("user")
    if event["type"] in _USER_OBJECT_EVENTS:
        if not _user_object(user):
            return f"the {event['type']} event's `user` is not a user object"
    elif not _object_or_id(user):
        return "`event.user` is neither an object nor an id"
    for name in ("item", "message", "previous_message", "channel"):
        if name in event and not _object_or_id(event[name]):
            return f"`event.{name}` is neither an object nor an id"
    return None


def _actions_problem(actions: Any) -> str | None:
    if not isinstance(actions, list) or not actions:
        return "`actions` is not a list of actions"
    for action in actions:
        if not isinstance(action, dict) or not isinstance(action.get("action_id"), str):
            return "an action has no `action_id`"
    return None


def _view_problem(view: Any, *, required: bool) -> str | None:
    if view is None and not required:
        return None
    if not isinstance(view, dict):
        return "`view` is not an object"
    for name in ("id", "callback_id"):
        if not isinstance(view.get(name), str):
            return f"`view.{name}` is not a string"
    state = view.get("state")
    values = state.get("values", {}) if isinstance(state, dict) else None if state is None else []
    if values is not None and not (
        isinstance(values, dict)
        and all(isinstance(block, dict) and all(map(_is_object, block.values())) for block in values.values())
    ):
        return "`view.state` is not an object of values"
    if not isinstance(view.get("private_metadata", ""), str | None):
        return "`view.private_metadata` is not a string"
    return None


def _user_object(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("id"), str)


def _is_object(value: Any) -> bool:
    return isinstance(value, dict)


def _object_or_id(value: Any) -> bool:
    return value is None or isinstance(value, str | dict)


def _list_of_objects(value: Any, *, allow_none: bool) -> bool:
    if value is None:
        return allow_none
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)
