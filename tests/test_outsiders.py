"""Guests from other organisations in Slack Connect channels see the bot but change none of its records.

People of the installing workspace, and of other workspaces of the same Enterprise Grid org, still can.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from bot.form_fields import Field
from handlers.outsiders import NOT_CHANGED, REFUSAL
from slack_api.ids import Action, Shortcut
from storage.models import AuditEvent, Interaction, Issue, IssueStatus, Party
from tests.conftest import RunningApp
from tests.support.fake_slack import FakeSlack
from tests.test_log_command import add_party
from tests.test_nudges import LOG_WITH_ISSUE, audit, logged_and_due, press, the_issue, updated_text
from tests.test_shortcuts import EXAMPLE, as_shown, message_ts, open_form, settle

GUEST = "UGUEST"  # of another organisation's workspace, in a Slack Connect channel with this one


@pytest.fixture
def guest(app: RunningApp) -> str:
    app.slack.add_user(GUEST, team_id="TOTHER", name="guest", real_name="Gail Guest")
    return GUEST


def records(app: RunningApp) -> dict[str, int]:
    with app.db.system() as session:
        return {
            model.__name__: len(session.exec(select(model)).all())
            for model in (Party, Interaction, Issue, AuditEvent)
        }


def test_a_check_mark_from_a_guest_does_not_close_the_issue(
    app: RunningApp, guest: str, caplog: pytest.LogCaptureFixture
) -> None:
    post = logged_and_due(app)
    channel, ts = post.response["channel"], post.response["ts"]

    sent = app.client.reaction_added(guest, "white_check_mark", channel, ts, shared_externally=True)
    assert sent.status == 200
    # A colleague's ✅ in the same shared channel is the first to change anything...
    app.client.reaction_added("U2", "white_check_mark", channel, ts, shared_externally=True)
    assert "*Closed* by <@U2>" in updated_text(app, post)
    # ...and the guest taking a ✅ away does not reopen it.
    app.client.reaction_removed(guest, "white_check_mark", channel, ts, shared_externally=True)
    settle(app)

    assert len(app.slack.calls_to("chat.update")) == 1
    issue = the_issue(app)
    assert issue.status == IssueStatus.CLOSED and issue.closed_by == "U2"
    assert [row.actor_id for row in audit(app, "closed")] == ["U2"]
    assert audit(app, "reopened") == []
    assert f"ignored a reaction_added event from {guest} of TOTHER" in caplog.text
    assert f"ignored a reaction_removed event from {guest} of TOTHER" in caplog.text


def test_a_command_from_a_guest_is_refused_and_writes_nothing(app: RunningApp, guest: str) -> None:
    sent = app.client.command(LOG_WITH_ISSUE, user_id=guest)
    assert sent.status == 200
    assert sent.json() == {"response_type": "ephemeral", "text": REFUSAL}
    assert "guest from another organisation" in REFUSAL and "nothing was recorded" in REFUSAL
    settle(app)
    assert records(app) == {"Party": 0, "Interaction": 0, "Issue": 0, "AuditEvent": 0}
    assert app.slack.response_posts(sent.response_name) == []  # the refusal was the whole answer


def test_a_guest_pressing_a_nudge_button_changes_nothing(app: RunningApp, guest: str) -> None:
    post = logged_and_due(app)
    press(app, post, Action.NUDGE_CLOSE, guest)
    press(app, post, Action.NUDGE_SNOOZE_WEEK, guest)
    settle(app)
    assert app.slack.calls_to("chat.update") == []
    assert [r.body["text"] for r in app.slack.responses if r.body.get("text") == NOT_CHANGED] == [
        NOT_CHANGED
    ] * 2
    issue = the_issue(app)
    assert issue.status == IssueStatus.OPEN and issue.closed_by is None
    assert audit(app, "closed") == audit(app, "snoozed") == []


def test_a_shortcut_from_a_guest_opens_no_form(
    app: RunningApp, guest: str, caplog: pytest.LogCaptureFixture
) -> None:
    add_party(app, "DMV")
    message = app.slack.add_message("C1", message_ts(app), text=EXAMPLE, user="U2")
    sent = app.client.message_shortcut(Shortcut.RAISE_ISSUE, message, user_id=guest)
    assert sent.status == 200
    [note] = app.slack.wait_for_response(sent.response_name)  # only they see it, in the channel
    assert note.body["text"] == NOT_CHANGED and note.body["response_type"] == "ephemeral"
    settle(app)
    assert app.slack.calls_to("views.open") == []
    assert f"ignored a message_action from {guest}" in caplog.text


def test_a_form_submitted_by_a_guest_saves_nothing_and_says_so(app: RunningApp, guest: str) -> None:
    add_party(app, "DMV")
    _, view = open_form(
        app, Shortcut.LOG_INTERACTION, app.slack.add_message("C1", message_ts(app), text=EXAMPLE)
    )
    # The guest cannot search the parties either.
    suggested = app.client.block_suggestion(Field.PARTY, "dm", view=view, user_id=guest)
    assert suggested.status == 200 and suggested.json() == {"options": []}

    answer = app.client.view_submission(None, as_shown(view), view=view, user_id=guest)
    assert answer.status == 200
    reply = answer.json()
    assert reply["response_action"] == "update" and "Nothing was saved" in json.dumps(reply["view"])
    settle(app)
    with app.db.system() as session:
        assert session.exec(select(Interaction)).all() == []
    assert app.slack.calls_to("reactions.add") == [] and app.slack.calls_to("chat.postMessage") == []


def test_a_guest_opening_the_home_tab_is_shown_nothing(app: RunningApp, guest: str) -> None:
    event = {"type": "app_home_opened", "user": guest, "channel": "D9", "tab": "home", "event_ts": "1.2"}
    assert app.client.event(event, shared_externally=True).status == 200
    settle(app)
    assert app.slack.calls_to("views.publish") == []


def test_people_of_the_installing_workspace_still_act_in_a_shared_channel(
    app: RunningApp, guest: str
) -> None:
    post = logged_and_due(app)
    press(app, post, Action.NUDGE_CLOSE, "U2")
    assert "*Closed* by <@U2>" in updated_text(app, post)
    assert the_issue(app).close_surface == "button"


@pytest.fixture
def installed_in_grid_org(slack: FakeSlack) -> None:
    """The bot's workspace T1 is part of the Enterprise Grid org E1 (what `auth.test` says at start)."""
    slack.enterprise_id = "E1"


def test_people_of_another_workspace_of_the_same_grid_org_still_can(
    installed_in_grid_org: None, app: RunningApp
) -> None:
    # U8 works in workspace T2 of the same org, U9 in workspace T9 of another org.
    app.slack.add_user("U8", team_id="T2", enterprise_id="E1")
    app.slack.add_user("U9", team_id="T9", enterprise_id="E2")

    refused = app.client.command("log DOT call about renewals", user_id="U9", enterprise_id="E1")
    assert refused.json()["text"] == REFUSAL
    logged = app.command(LOG_WITH_ISSUE, user_id="U8", enterprise_id="E1")
    assert "Logged" in logged["text"]

    post = logged_and_due(app, "issue DMV: the portal is slow. follow up next Tuesday")
    channel, ts = post.response["channel"], post.response["ts"]
    app.client.reaction_added(
        "U9", "white_check_mark", channel, ts, enterprise_id="E1", shared_externally=True
    )
    app.client.reaction_added(
        "U8", "white_check_mark", channel, ts, enterprise_id="E1", shared_externally=True
    )
    assert "*Closed* by <@U8>" in updated_text(app, post)
    assert [row.actor_id for row in audit(app, "closed")] == ["U8"]


def test_when_slack_cannot_say_where_someone_belongs_they_are_let_through_and_it_is_logged(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    # users.info does not know U404 (a failing lookup must not lock the organisation out of its bot).
    logged = app.command("log DOT call about renewals", user_id="U404")
    assert "Logged" in logged["text"]
    assert "could not tell whether U404 belongs" in caplog.text


def test_when_users_info_is_too_slow_for_the_ack_the_command_goes_through(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    app.slack.latency = 1.0  # longer than the lookup may take before the ack
    sent = app.client.command("log DOT call about renewals")
    assert sent.status == 200 and sent.elapsed < 2.5
    [reply] = app.slack.wait_for_response(sent.response_name, timeout=15)
    assert "Logged" in reply.body["text"]
    assert "users.info for U1 failed before the ack" in caplog.text
