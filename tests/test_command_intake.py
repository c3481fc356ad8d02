"""`/brm` commands over HTTP are acknowledged without Bolt's dispatch (handlers/command_intake.py), and
still exactly as Bolt would: committed before the ack, one log line each, outsiders refused, and Bolt
answering when the installation cannot be asked."""

from __future__ import annotations

import json
import logging

import pytest
from sqlmodel import select

from handlers.outsiders import REFUSAL
from storage.models import Interaction, Job
from tests.conftest import RunningApp
from tests.test_shortcuts import settle


def logged_interactions(app: RunningApp) -> list[str]:
    with app.db.workspace("T1") as session:
        return [row.summary for row in session.exec(select(Interaction).order_by(Interaction.id))]


def request_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "brm.requests"]


def test_each_command_is_logged_once_and_auth_test_is_asked_once(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="brm.requests")
    asked_before = len(app.slack.calls_to("auth.test"))

    sent = [app.client.command(f"log DMV call number {n} about renewals") for n in range(3)]
    assert [(one.status, one.body) for one in sent] == [(200, "")] * 3
    for one in sent:
        app.slack.wait_for_response(one.response_name)
    settle(app)

    assert len(logged_interactions(app)) == 3
    lines = request_lines(caplog)
    assert len(lines) == 3, lines
    assert all(line.startswith("command log from U1 in T1: ok") for line in lines), lines
    assert len(app.slack.calls_to("auth.test")) - asked_before == 1  # the intake asks once; Bolt did at start


def test_a_command_is_taken_by_bolt_while_auth_test_fails_and_by_the_intake_after(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    app.slack.fail_next("auth.test", error="internal_error")
    first = app.client.command("log DMV call about renewals")
    assert first.status == 200
    [reply] = app.slack.wait_for_response(first.response_name)
    assert "DMV" in json.dumps(reply.body)
    assert "auth.test failed (SlackApiError); Bolt answers the command" in caplog.text

    second = app.client.command("log Parks call about permits")
    assert second.status == 200
    app.slack.wait_for_response(second.response_name)
    settle(app)
    assert len(logged_interactions(app)) == 2


def test_a_guest_from_another_organisation_is_refused_and_nothing_is_queued(app: RunningApp) -> None:
    app.slack.add_user("UGUEST", team_id="TOTHER", name="guest", real_name="Gail Guest")
    sent = app.client.command("log DMV call about renewals", user_id="UGUEST")
    assert sent.status == 200
    assert json.loads(sent.body) == {"response_type": "ephemeral", "text": REFUSAL}
    settle(app)
    with app.db.system() as session:
        assert session.exec(select(Job)).all() == []
    assert logged_interactions(app) == []
