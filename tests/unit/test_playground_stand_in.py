"""The playground's stand-in Slack: its Web API answers in Slack's shapes and keeps what it was told.

Pure: the Web API object is called directly, as the playground's server calls it for each request.
"""

from __future__ import annotations

from typing import Any

import pytest

from playground.clock import PlaygroundClock
from playground.web_api import WebApi
from playground.workspace import BOT_USER_ID, YOU, ResponseUrl, Workspace, dm_of

TOKEN = "xoxb-playground"
CHANNEL = "C0BRMTEAM"


@pytest.fixture
def api() -> WebApi:
    return WebApi(Workspace(PlaygroundClock()), "http://127.0.0.1:3000")


def call(api: WebApi, method: str, **params: Any) -> dict[str, Any]:
    return api.call(method, params, TOKEN)


def test_a_posted_message_is_kept_and_updated_in_place(api: WebApi) -> None:
    posted = call(api, "chat.postMessage", channel=CHANNEL, text="hi", blocks='[{"type": "divider"}]')
    assert (
        posted["ok"] and posted["channel"] == CHANNEL and posted["message"]["blocks"] == [{"type": "divider"}]
    )
    updated = call(api, "chat.update", channel=CHANNEL, ts=posted["ts"], text="changed")
    assert updated["ok"]
    [message] = call(api, "conversations.history", channel=CHANNEL)["messages"]
    assert (message["ts"], message["text"], message["user"]) == (posted["ts"], "changed", BOT_USER_ID)


def test_posting_to_a_person_lands_in_the_bots_dm_with_them(api: WebApi) -> None:
    opened = call(api, "conversations.open", users=YOU)
    assert opened["channel"]["id"] == dm_of(YOU)
    posted = call(api, "chat.postMessage", channel=YOU, text="for you")
    assert posted["channel"] == dm_of(YOU)


def test_errors_are_slacks_and_are_shown_on_the_page(api: WebApi) -> None:
    assert api.call("chat.postMessage", {"channel": CHANNEL, "text": "x"}, None)["error"] == "not_authed"
    assert call(api, "chat.postMessage", channel="C0NOPE", text="x")["error"] == "channel_not_found"
    assert call(api, "chat.postMessage", channel=CHANNEL)["error"] == "no_text"
    assert call(api, "files.frobnicate")["error"] == "unknown_method"
    problems = api.workspace.snapshot()["problems"]
    assert any("files.frobnicate" in p for p in problems) and any("channel_not_found" in p for p in problems)


def test_a_trigger_opens_one_view_only(api: WebApi) -> None:
    trigger = api.workspace.new_trigger(YOU)
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Form"}, "blocks": []}
    opened = call(api, "views.open", trigger_id=trigger, view=view)
    assert opened["ok"] and api.workspace.snapshot()["modal"]["id"] == opened["view"]["id"]
    assert call(api, "views.open", trigger_id=trigger, view=view)["error"] == "expired_trigger_id"
    stale = call(api, "views.update", view_id=opened["view"]["id"], hash="not-the-hash", view=view)
    assert stale["error"] == "hash_conflict"


def test_a_response_url_answers_only_the_person_or_changes_the_message_clicked(api: WebApi) -> None:
    ws = api.workspace
    ws.response_urls["eph"] = ResponseUrl(CHANNEL, YOU)
    assert api.respond("eph", {"text": "only you"}) == (200, "ok")
    [reply] = [m for m in ws.messages.values() if m.body.get("text") == "only you"]
    assert reply.ephemeral_to == YOU
    assert call(api, "conversations.history", channel=CHANNEL)["messages"] == [], "ephemeral is not history"

    button_message = call(api, "chat.postMessage", channel=CHANNEL, text="with a button")
    ws.response_urls["btn"] = ResponseUrl(CHANNEL, YOU, button_message["ts"])
    api.respond("btn", {"replace_original": True, "text": "replaced"})
    assert ws.message(CHANNEL, button_message["ts"]).body["text"] == "replaced"  # type: ignore[union-attr]
    api.respond("btn", {"delete_original": True})
    assert ws.message(CHANNEL, button_message["ts"]) is None
    assert api.respond("unknown", {"text": "x"})[0] == 404


def test_reactions_are_slacks(api: WebApi) -> None:
    posted = call(api, "chat.postMessage", channel=CHANNEL, text="react to me")
    assert call(api, "reactions.add", channel=CHANNEL, timestamp=posted["ts"], name="memo")["ok"]
    again = call(api, "reactions.add", channel=CHANNEL, timestamp=posted["ts"], name="memo")
    assert again["error"] == "already_reacted"
    got = call(api, "reactions.get", channel=CHANNEL, timestamp=posted["ts"])
    assert got["message"]["reactions"] == [{"name": "memo", "users": [BOT_USER_ID], "count": 1}]
