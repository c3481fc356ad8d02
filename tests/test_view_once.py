"""A form submission is saved once, however often the identical signed submission arrives."""

from __future__ import annotations

import logging
import threading

import pytest

from bot.form_fields import Field
from slack_api.ids import Shortcut
from storage.models import AuditEvent, Interaction, Issue, Nudge
from tests.conftest import RunningApp
from tests.support.signing import Sent
from tests.test_log_command import add_party, rows
from tests.test_shortcuts import EXAMPLE, as_shown, open_form, post, settle, submit

NEW_PARTY = {"selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": "new:Water Board"}}


def send_again(app: RunningApp, first: Sent) -> int:
    """The very submission `first` sent, byte for byte, freshly signed: what Slack sends on a re-send."""
    sent = app.client.send_interaction(first.payload)
    assert sent.status == 200, sent.body
    return sent.status


def test_a_global_shortcut_form_sent_twice_is_saved_once(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    app.client.global_shortcut(Shortcut.NEW_INTERACTION)
    [opened] = app.slack.wait_for("views.open")
    changes = {Field.PARTY: NEW_PARTY, Field.SUMMARY: {"value": "Plant tour"}}
    first = submit(app, opened.response["view"], **changes)
    app.slack.wait_for("chat.postMessage")

    assert send_again(app, first) == 200
    settle(app)

    [interaction] = rows(app, Interaction)
    assert interaction.summary == "Plant tour"
    assert [event.action for event in rows(app, AuditEvent) if event.entity == "interaction"] == ["logged"]
    assert len(app.slack.calls_to("chat.postMessage")) == 1  # one receipt, no second one
    assert "arrived again" in caplog.text


def test_a_message_shortcut_form_sent_twice_is_saved_and_answered_once(app: RunningApp) -> None:
    add_party(app, "DMV")
    shortcut, view = open_form(app, Shortcut.LOG_INTERACTION, post(app, EXAMPLE))
    first = submit(app, view)
    app.slack.wait_for("reactions.add")

    assert send_again(app, first) == 200
    settle(app)

    assert len(rows(app, Interaction)) == 1
    assert len(app.slack.calls_to("chat.postMessage")) == 1
    assert len(app.slack.calls_to("reactions.add")) == 1
    # Nothing tells the person their own double click was "already captured".
    assert app.slack.response_posts(shortcut.response_name) == []


def test_an_issue_form_sent_twice_raises_one_issue(app: RunningApp) -> None:
    add_party(app, "DMV")
    shortcut, view = open_form(app, Shortcut.RAISE_ISSUE, post(app, EXAMPLE))
    first = submit(app, view)
    app.slack.wait_for("reactions.add")
    nudges = len(rows(app, Nudge))

    assert send_again(app, first) == 200
    settle(app)

    [issue] = rows(app, Issue)
    assert issue.number == 1
    assert len(rows(app, Nudge)) == nudges
    assert len(app.slack.calls_to("chat.postMessage")) == 1
    assert app.slack.response_posts(shortcut.response_name) == []


def test_the_same_submission_arriving_twice_at_once_is_saved_once(app: RunningApp) -> None:
    app.client.global_shortcut(Shortcut.NEW_INTERACTION)
    [opened] = app.slack.wait_for("views.open")
    view = opened.response["view"]
    changes = {Field.PARTY: NEW_PARTY, Field.SUMMARY: {"value": "Budget walk-through"}}
    payload = app.client.view_submission_payload(None, as_shown(view, **changes), view=view)
    statuses: list[int] = []
    start = threading.Barrier(2)

    def deliver() -> None:
        start.wait()
        statuses.append(app.client.send_interaction(payload).status)

    senders = [threading.Thread(target=deliver) for _ in range(2)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    settle(app)

    assert statuses == [200, 200]
    assert len(rows(app, Interaction)) == 1
    assert len(app.slack.calls_to("chat.postMessage")) == 1


def test_two_forms_for_the_same_party_are_two_interactions(app: RunningApp) -> None:
    # Submissions of different forms are not re-sends of one another.
    for _ in range(2):
        app.client.global_shortcut(Shortcut.NEW_INTERACTION)
    opened = app.slack.wait_for("views.open", 2)
    for call, summary in zip(opened, ("First visit", "Second visit"), strict=True):
        submit(app, call.response["view"], **{Field.PARTY: NEW_PARTY, Field.SUMMARY: {"value": summary}})
    app.slack.wait_for("chat.postMessage", 2)
    settle(app)

    assert sorted(i.summary for i in rows(app, Interaction)) == ["First visit", "Second visit"]
