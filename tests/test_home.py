"""The Home tab: drawn for whoever opens it, with their follow-ups and the issues they own."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import RunningApp
from tests.test_follow_ups_command import log_a_week
from tests.test_log_command import add_party
from tests.test_shortcuts import settle

# Every button in every message and view these tests make the bot send has an accessibility label.
pytestmark = pytest.mark.usefixtures("every_button_labelled")


def open_home(app: RunningApp, user: str = "U1", *, tab: str = "home", team_id: str = "T1") -> Any:
    event = {"type": "app_home_opened", "user": user, "channel": "D1", "tab": tab, "event_ts": "1.2"}
    sent = app.client.event(event, team_id=team_id)
    assert sent.status == 200
    return sent


def published(app: RunningApp, count: int = 1) -> list[dict[str, Any]]:
    return [call.params for call in app.slack.wait_for("views.publish", count)]


def view_of(params: dict[str, Any]) -> dict[str, Any]:
    view = params["view"]
    return view if isinstance(view, dict) else json.loads(view)


def text_of(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def test_the_home_tab_shows_your_follow_ups_and_issues(app: RunningApp) -> None:
    app.slack.add_user("U2", tz="America/Los_Angeles")
    log_a_week(app)
    open_home(app)
    [params] = published(app)
    assert params["user_id"] == "U1"
    view = view_of(params)
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    shown = text_of(view)
    assert "Your follow-ups* · 3 open" in shown
    assert "#1 quote above budget" in shown and "call about renewals" in shown and "#3 portal down" in shown
    assert "Issues you own* · 2 open" in shown
    assert "printers jammed" not in shown  # U2's issue


def test_someone_with_nothing_open_is_told_how_to_start(app: RunningApp) -> None:
    open_home(app, "U2")
    [params] = published(app)
    view = view_of(params)
    shown = text_of(view)
    assert "Nothing to follow up" in shown and "No open issues are yours" in shown


def test_the_messages_tab_draws_nothing(app: RunningApp) -> None:
    open_home(app, tab="messages")
    settle(app)
    assert app.slack.calls_to("views.publish") == []


def test_another_workspaces_records_never_show_on_the_home_tab(app: RunningApp) -> None:
    log_a_week(app)
    open_home(app, team_id="T2")
    [params] = published(app)
    view = view_of(params)
    assert "0 open" in text_of(view) and "quote above budget" not in text_of(view)


def test_what_people_typed_cannot_ping_from_the_home_tab(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("log DMV call about <!channel> renewals <!here>. follow up next Tuesday")
    open_home(app)
    [params] = published(app)
    view = view_of(params)
    shown = text_of(view)
    assert "renewals" in shown and "<!channel>" not in shown and "<!here>" not in shown
