"""Slack listeners: one module (or package) per kind, each with a `register(app)`.

They translate between Slack and `bot/` + `storage/`, nothing more.
"""

from __future__ import annotations

from slack_bolt import App

from handlers import (
    actions,
    commands,
    contact_buttons,
    errors,
    events,
    history,
    home,
    outsiders,
    profile_events,
    shortcuts,
    touchpoint_nudges,
    views,
)


def register_all(app: App) -> None:
    outsiders.register(app)  # before any listener: guests from other organisations change nothing
    errors.register(app)
    commands.register(app)
    profile_events.register(app)
    home.register(app)
    events.register(app)
    actions.register(app)
    touchpoint_nudges.register(app)
    contact_buttons.register(app)
    history.register(app)
    shortcuts.register(app)
    views.register(app)
