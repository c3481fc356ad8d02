"""Follow-up nudges end to end: logged through /brm, sent by the sweep the scheduler runs, acted on
with reactions and buttons, all through the fake Slack with the clock under the test's control.

The frozen start is Thursday 26 November 2026, 10:00 in New York (Thanksgiving, a federal holiday).
"""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from runtime.nudge_sender import sweep_nudges
from slack_api.ids import Action
from storage.models import AuditEvent, Interaction, Issue, IssueStatus, Nudge, NudgeStatus, Party
from storage.workspaces import ensure_workspace
from tests.conftest import RunningApp
from tests.support.fake_slack import Call

# Every button in every message these tests make the bot send has an accessibility label.
pytestmark = pytest.mark.usefixtures("every_button_labelled")

# Tuesday 1 December 2026, 09:00 in New York.
TUESDAY_9_NY = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
LOG_WITH_ISSUE = (
    "log DMV met Jane (CIO) about the portal, tense. not working: portal login fails. follow up next Tuesday"
)


# --------------------------------------------------------------------------- helpers


def sweep(app: RunningApp) -> int:
    return sweep_nudges(app.brm.services)


def all_nudges(app: RunningApp) -> list[Nudge]:
    with app.db.system() as session:
        return list(session.exec(select(Nudge).order_by(Nudge.id)))


def the_issue(app: RunningApp) -> Issue:
    with app.db.system() as session:
        return session.exec(select(Issue)).one()


def audit(app: RunningApp, action: str) -> list[AuditEvent]:
    with app.db.system() as session:
        return list(
            session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        )


def posts(app: RunningApp) -> list[Call]:
    return [c for c in app.slack.calls_to("chat.postMessage") if c.ok]


def block_text(blocks: list[dict[str, Any]]) -> str:
    """Every piece of text in the blocks, for asserting on what people read."""
    parts: list[str] = []
    for block in blocks:
        if "text" in block:
            parts.append(block["text"]["text"])
        for element in block.get("elements", []):
            text = element.get("text")
            parts.append(text["text"] if isinstance(text, dict) else str(text or ""))
    return "\n".join(parts)


def logged_and_due(app: RunningApp, text: str = LOG_WITH_ISSUE, **kwargs: Any) -> Call:
    """Log `text`, move to Tuesday 09:00 New York, sweep; returns the one nudge posted."""
    app.command(text, **kwargs)
    app.clock.set(TUESDAY_9_NY)
    assert sweep(app) == 1
    [post] = posts(app)
    return post


def wait_until(check: Any, timeout: float = 5.0) -> Any:
    """Poll the database-backed `check` until it is truthy (the listeners work after the ack)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


# --------------------------------------------------------------------------- a nudge comes due


def test_a_follow_up_comes_due_and_is_posted_in_the_channel_it_was_logged_in(app: RunningApp) -> None:
    app.command(LOG_WITH_ISSUE, channel_id="C1")
    # The issue's nudge takes over the follow-up of the interaction it was raised in: one reminder.
    [for_interaction, planned] = all_nudges(app)
    assert for_interaction.interaction_id is not None and for_interaction.status == NudgeStatus.CANCELLED
    assert planned.status == NudgeStatus.PENDING and planned.issue_id is not None
    assert planned.due_at == TUESDAY_9_NY  # no time given: 09:00 in the owner's timezone

    app.clock.set(TUESDAY_9_NY - timedelta(minutes=1))
    assert sweep(app) == 0
    assert posts(app) == []

    app.clock.set(TUESDAY_9_NY)
    assert sweep(app) == 1
    [post] = posts(app)
    assert post.params["channel"] == "C1"
    shown = block_text(post.params["blocks"])
    assert "<@U1>" in shown and "*DMV*" in shown and "portal login fails" in shown
    assert "Open for 4 days" in shown and "first reminder" in shown  # 4 days 23 hours
    assert "React :white_check_mark: to close it" in shown
    assert "*Latest with DMV:*" in shown and "met Jane (CIO)" in shown
    actions = [e["action_id"] for b in post.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert actions == [Action.NUDGE_CLOSE, Action.NUDGE_SNOOZE_DAY, Action.NUDGE_SNOOZE_WEEK]
    assert post.params["metadata"]["event_payload"] == {"nudge_id": planned.id}

    [_, sent, renudge] = all_nudges(app)
    assert (
        sent.status == NudgeStatus.SENT and sent.channel_id == "C1" and sent.message_ts == post.response["ts"]
    )
    # Still open: the next reminder a week later, 09:00 in the owner's timezone.
    assert renudge.status == NudgeStatus.PENDING and renudge.sequence == 2
    assert renudge.due_at == TUESDAY_9_NY + timedelta(days=7)
    [nudged] = audit(app, "nudged")
    assert nudged.entity == "issue" and nudged.surface == "scheduler"

    assert sweep(app) == 0  # nothing twice
    assert len(posts(app)) == 1


# --------------------------------------------------------------------------- reactions


def message_of(app: RunningApp, post: Call) -> dict[str, Any]:
    message = app.slack.message(post.response["channel"], post.response["ts"])
    assert message is not None
    return message


def updated_text(app: RunningApp, post: Call, count: int = 1) -> str:
    """Wait for the `count`th chat.update of the nudge message; return what it shows now."""
    app.slack.wait_for("chat.update", count)
    return block_text(message_of(app, post)["blocks"])


def test_a_check_mark_reaction_closes_the_issue_and_the_nudge_shows_who_closed_it(app: RunningApp) -> None:
    post = logged_and_due(app)
    channel, ts = post.response["channel"], post.response["ts"]

    sent = app.client.reaction_added("U2", "white_check_mark", channel, ts)
    assert sent.status == 200
    shown = updated_text(app, post)
    assert "*Closed* by <@U2>" in shown
    assert not any(b["type"] == "actions" for b in message_of(app, post)["blocks"])
    issue = the_issue(app)
    assert (
        issue.status == IssueStatus.CLOSED and issue.closed_by == "U2" and issue.close_surface == "reaction"
    )
    [closed] = audit(app, "closed")
    assert closed.actor_id == "U2" and closed.surface == "reaction"
    # The weekly reminder is off now.
    assert [n.status for n in all_nudges(app) if n.sequence == 2] == [NudgeStatus.CANCELLED]
    app.clock.advance(days=8)
    assert sweep(app) == 0


def test_removing_the_check_mark_reopens_the_issue(app: RunningApp) -> None:
    post = logged_and_due(app)
    channel, ts = post.response["channel"], post.response["ts"]
    app.client.reaction_added("U2", "heavy_check_mark", channel, ts)
    app.slack.wait_for("chat.update", 1)

    app.client.reaction_removed("U2", "heavy_check_mark", channel, ts)
    shown = updated_text(app, post, 2)
    assert "*Reopened* by <@U2>" in shown
    assert any(b["type"] == "actions" for b in message_of(app, post)["blocks"])
    assert the_issue(app).status == IssueStatus.OPEN
    assert [e.actor_id for e in audit(app, "reopened")] == ["U2"]
    # Reopened issues are nudged again.
    assert any(n.status == NudgeStatus.PENDING for n in all_nudges(app))


@pytest.mark.parametrize("emoji", ["zzz", "alarm_clock"])
def test_a_snooze_reaction_moves_the_follow_up_a_week(app: RunningApp, emoji: str) -> None:
    post = logged_and_due(app)
    app.client.reaction_added("U1", emoji, post.response["channel"], post.response["ts"])
    shown = updated_text(app, post)
    assert "*Snoozed* until" in shown and "by <@U1>" in shown
    issue = the_issue(app)
    assert issue.status == IssueStatus.OPEN and issue.follow_up_at == TUESDAY_9_NY + timedelta(days=7)
    [pending] = [n for n in all_nudges(app) if n.status == NudgeStatus.PENDING]
    assert pending.due_at == TUESDAY_9_NY + timedelta(days=7) and pending.sequence == 1

    app.clock.set(TUESDAY_9_NY + timedelta(days=7))
    assert sweep(app) == 1
    assert len(posts(app)) == 2


def test_reactions_by_bots_on_other_messages_or_from_another_workspace_are_ignored(app: RunningApp) -> None:
    post = logged_and_due(app)
    channel, ts = post.response["channel"], post.response["ts"]
    app.slack.add_user("UOTHERBOT", is_bot=True)
    other = app.slack.add_message("C1", text="an ordinary message")

    app.client.reaction_added(app.slack.bot_user_id, "white_check_mark", channel, ts)
    app.client.reaction_added("UOTHERBOT", "white_check_mark", channel, ts)
    app.client.reaction_added("U1", "white_check_mark", "C1", other["ts"])
    app.client.reaction_added("U1", "white_check_mark", channel, ts, team_id="T2")
    app.client.reaction_added("U1", "thumbsup", channel, ts)
    # A closing reaction afterwards is the first to change anything.
    app.client.reaction_added("U1", "white_check_mark", channel, ts)
    app.slack.wait_for("chat.update", 1)
    assert len(app.slack.calls_to("chat.update")) == 1
    assert the_issue(app).closed_by == "U1"
    assert len(audit(app, "closed")) == 1


def test_an_event_slack_sends_again_is_acted_on_once(app: RunningApp) -> None:
    post = logged_and_due(app)
    channel, ts = post.response["channel"], post.response["ts"]
    app.client.reaction_added("U2", "zzz", channel, ts, event_id="EvSAME")
    app.client.reaction_added("U2", "zzz", channel, ts, event_id="EvSAME", retry_num=1)
    app.client.reaction_added("U2", "zzz", channel, ts, event_id="EvSAME", retry_num=2)
    app.slack.wait_for("chat.update", 1)
    assert wait_until(lambda: len(audit(app, "snoozed")) == 1)
    # One snooze: a week from now, not three weeks.
    assert the_issue(app).follow_up_at == TUESDAY_9_NY + timedelta(days=7)
    # Closing an already closed issue is harmless.
    app.client.reaction_added("U2", "white_check_mark", channel, ts)
    app.slack.wait_for("chat.update", 2)
    app.client.reaction_added("U1", "white_check_mark", channel, ts)
    assert wait_until(lambda: len(audit(app, "closed")) == 1)
    assert the_issue(app).closed_by == "U2"


# --------------------------------------------------------------------------- buttons


def press(app: RunningApp, post: Call, action_id: Action, user_id: str = "U1") -> None:
    """Click a button on the nudge message as Slack sends it (with the button's value)."""
    message = message_of(app, post)
    [value] = [
        e["value"]
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    ]
    sent = app.client.block_action(
        action_id, value, message=message, channel_id=post.response["channel"], user_id=user_id
    )
    assert sent.status == 200


def test_the_close_button_closes_the_issue_and_updates_the_nudge(app: RunningApp) -> None:
    post = logged_and_due(app)
    press(app, post, Action.NUDGE_CLOSE, "U2")
    shown = updated_text(app, post)
    assert "*Closed* by <@U2>" in shown
    issue = the_issue(app)
    assert issue.status == IssueStatus.CLOSED and issue.close_surface == "button"


def last_update(app: RunningApp, count: int) -> dict[str, Any]:
    """The parameters of the `count`th chat.update, once it has happened."""
    return app.slack.wait_for("chat.update", count)[count - 1].params


def buttons_on(app: RunningApp, post: Call) -> dict[str, str]:
    """The nudge message's buttons now: action id -> accessibility label."""
    return {
        e["action_id"]: e.get("accessibility_label", "")
        for b in message_of(app, post)["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    }


def test_after_a_button_close_the_nudge_says_what_reopens_it(app: RunningApp) -> None:
    post = logged_and_due(app)
    assert post.params["text"].startswith("Follow-up due: #1 DMV")
    assert buttons_on(app, post) == {
        Action.NUDGE_CLOSE: "Close issue #1",
        Action.NUDGE_SNOOZE_DAY: "Snooze issue #1 for 1 day",
        Action.NUDGE_SNOOZE_WEEK: "Snooze issue #1 for 1 week",
    }
    press(app, post, Action.NUDGE_CLOSE, "U2")
    shown = updated_text(app, post)
    assert "*Closed* by <@U2>" in shown and "Remove the :white_check_mark:" not in shown
    assert "Reopen it with the button or `/brm reopen #1`" in shown
    assert buttons_on(app, post) == {Action.NUDGE_REOPEN: "Reopen issue #1"}
    # What notifications and screen readers read changed with the blocks.
    closed = last_update(app, 1)
    assert closed["text"].startswith("Closed: #1 DMV") and "Follow-up due" not in closed["text"]
    assert message_of(app, post)["text"] == closed["text"]

    press(app, post, Action.NUDGE_REOPEN, "U2")
    assert "*Reopened* by <@U2>" in updated_text(app, post, 2)
    assert the_issue(app).status == IssueStatus.OPEN
    [reopened] = audit(app, "reopened")
    assert (reopened.actor_id, reopened.surface) == ("U2", "button")
    assert Action.NUDGE_CLOSE in buttons_on(app, post)
    assert last_update(app, 2)["text"].startswith("Follow-up due: #1 DMV")


def test_a_check_mark_close_still_says_to_take_the_check_mark_away(app: RunningApp) -> None:
    post = logged_and_due(app)
    app.client.reaction_added("U2", "white_check_mark", post.response["channel"], post.response["ts"])
    shown = updated_text(app, post)
    assert "Remove the :white_check_mark: to reopen" in shown and "Reopen it with the button" not in shown
    assert buttons_on(app, post) == {}
    assert last_update(app, 1)["text"].startswith("Closed: #1 DMV")


def test_a_follow_up_marked_done_with_the_button_can_be_reopened_with_one(app: RunningApp) -> None:
    post = logged_and_due(app, "log DOT call with Sam about the bridge sensors. follow up next Tuesday")
    assert buttons_on(app, post)[Action.NUDGE_CLOSE] == "Mark the follow-up with DOT done"
    press(app, post, Action.NUDGE_CLOSE)
    shown = updated_text(app, post)
    assert "*Done*, marked by <@U1>" in shown and "Reopen it with the button." in shown
    assert last_update(app, 1)["text"].startswith("Follow-up done: DOT")
    press(app, post, Action.NUDGE_REOPEN)
    assert "*Reopened* by <@U1>" in updated_text(app, post, 2)
    with app.db.system() as session:
        assert session.exec(select(Interaction)).one().follow_up_done_at is None


@pytest.mark.parametrize(("action", "days"), [(Action.NUDGE_SNOOZE_DAY, 1), (Action.NUDGE_SNOOZE_WEEK, 7)])
def test_the_snooze_buttons_move_the_follow_up(app: RunningApp, action: Action, days: int) -> None:
    post = logged_and_due(app)
    press(app, post, action)
    assert "*Snoozed* until" in updated_text(app, post)
    assert last_update(app, 1)["text"].startswith("Snoozed until ")
    assert the_issue(app).follow_up_at == TUESDAY_9_NY + timedelta(days=days)
    [audit_row] = audit(app, "snoozed")
    assert audit_row.surface == "button"
    app.clock.set(TUESDAY_9_NY + timedelta(days=days))
    assert sweep(app) == 1


# --------------------------------------------------------------------------- when nudges go out


def set_holiday_region(app: RunningApp, region: str | None) -> None:
    with app.db.workspace("T1") as session:
        workspace = ensure_workspace(session)
        workspace.holiday_region = region
        session.add(workspace)


def test_a_nudge_due_on_a_weekend_waits_for_monday_morning(app: RunningApp) -> None:
    app.command(
        "log DOT call with Sam about the bridge sensors. not working: sensors offline. follow up Saturday 2pm"
    )
    saturday_2pm = datetime(2026, 11, 28, 19, 0, tzinfo=UTC)
    monday_9 = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
    app.clock.set(saturday_2pm)
    assert sweep(app) == 0
    [pending] = [n for n in all_nudges(app) if n.status == NudgeStatus.PENDING]
    assert pending.due_at == monday_9 and pending.attempts == 0
    app.clock.set(monday_9 - timedelta(seconds=1))
    assert sweep(app) == 0
    app.clock.set(monday_9)
    assert sweep(app) == 1
    assert len(posts(app)) == 1


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        # California keeps the day after Thanksgiving as a holiday: Monday morning instead.
        ("CA", datetime(2026, 11, 30, 14, 0, tzinfo=UTC)),
        # New York does not: Friday 09:00 as asked.
        ("NY", datetime(2026, 11, 27, 14, 0, tzinfo=UTC)),
    ],
)
def test_a_nudge_due_on_a_state_holiday_waits_for_the_next_working_morning(
    app: RunningApp, region: str, expected: datetime
) -> None:
    app.command("log DMV call about renewals. not working: renewal emails bounce. follow up tomorrow")
    set_holiday_region(app, region)
    friday_9 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    app.clock.set(friday_9)
    sweep(app)
    app.clock.set(expected)
    sweep(app)
    assert len(posts(app)) == 1
    assert [n.sent_at for n in all_nudges(app) if n.status == NudgeStatus.SENT] == [expected]


def test_the_holiday_state_setting_applies_when_the_workspace_has_none(app: RunningApp) -> None:
    services = app.brm.services
    services.settings = dataclasses.replace(services.settings, holiday_state="CA")
    app.command("log DMV call about renewals. follow up tomorrow")
    app.clock.set(datetime(2026, 11, 27, 14, 0, tzinfo=UTC))
    assert sweep(app) == 0
    [pending] = [n for n in all_nudges(app) if n.status == NudgeStatus.PENDING]
    assert pending.due_at == datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


def test_a_follow_up_without_a_time_is_due_at_nine_in_the_owners_timezone(app: RunningApp) -> None:
    # U2 is in Los Angeles: 09:00 there is 17:00 UTC.
    app.command(LOG_WITH_ISSUE, user_id="U2")
    app.clock.set(TUESDAY_9_NY)
    assert sweep(app) == 0
    app.clock.set(datetime(2026, 12, 1, 17, 0, tzinfo=UTC))
    assert sweep(app) == 1
    [post] = posts(app)
    assert "<@U2>" in block_text(post.params["blocks"])


def test_a_nudge_that_came_due_while_the_app_was_down_goes_out_when_it_is_back(app: RunningApp) -> None:
    app.command(LOG_WITH_ISSUE)
    app.clock.set(TUESDAY_9_NY + timedelta(days=2, hours=5))  # nobody swept for two days
    assert sweep(app) == 1
    assert len(posts(app)) == 1


# --------------------------------------------------------------------------- where nudges go


def test_a_follow_up_logged_in_a_dm_is_nudged_by_dm_to_the_owner(app: RunningApp) -> None:
    post = logged_and_due(app, channel_id="D0SOMEONE")
    assert post.params["channel"] == "U1"
    assert post.response["channel"] == "DU1"
    # Reactions in the DM work like anywhere else.
    app.client.reaction_added("U1", "white_check_mark", "DU1", post.response["ts"])
    assert "*Closed* by <@U1>" in updated_text(app, post)


@pytest.mark.parametrize("problem", ["not_in_channel", "channel_not_found"])
def test_when_the_bot_cannot_post_in_the_channel_the_owner_gets_a_dm(app: RunningApp, problem: str) -> None:
    if problem == "not_in_channel":
        app.slack.set_not_in_channel("C9")
    else:
        app.slack.set_channel_not_found("C9")
    app.command(LOG_WITH_ISSUE, channel_id="C9")
    app.clock.set(TUESDAY_9_NY)
    assert sweep(app) == 1
    [post] = posts(app)
    assert post.params["channel"] == "U1"
    [sent] = [n for n in all_nudges(app) if n.status == NudgeStatus.SENT]
    assert sent.channel_id == "DU1" and sent.target_channel_id == "C9"
    [nudged] = audit(app, "nudged")
    assert problem in nudged.detail["note"]


def swept_weekly_with_a_home_channel(app: RunningApp, weeks: int) -> None:
    """An issue of a party whose home channel is CHOME, left open and swept at its reminders for `weeks`."""
    app.command(LOG_WITH_ISSUE)
    with app.db.workspace("T1") as session:
        party = session.exec(select(Party)).one()
        party.home_channel_id = "CHOME"
        session.add(party)
    for week in range(weeks):
        app.clock.set(TUESDAY_9_NY + timedelta(days=7 * week))
        sweep(app)


def test_from_the_third_unanswered_nudge_a_copy_goes_to_the_partys_home_channel(app: RunningApp) -> None:
    swept_weekly_with_a_home_channel(app, 3)
    channels = [p.params["channel"] for p in posts(app)]
    assert channels == ["C1", "C1", "C1", "CHOME"]
    escalated = block_text(posts(app)[-1].params["blocks"])
    assert "Still open after 3 reminders" in escalated and "<@U1>" in escalated
    assert "reminder 3" in block_text(posts(app)[2].params["blocks"])
    # A ✅ in the home channel closes the issue and updates every nudge message.
    copy = posts(app)[-1]
    app.client.reaction_added("U2", "white_check_mark", "CHOME", copy.response["ts"])
    app.slack.wait_for("chat.update", 4)
    assert the_issue(app).status == IssueStatus.CLOSED
    for post in posts(app):
        assert "*Closed* by <@U2>" in block_text(message_of(app, post)["blocks"])


def test_after_the_first_copy_to_the_home_channel_the_weekly_reminders_go_on(app: RunningApp) -> None:
    swept_weekly_with_a_home_channel(app, 5)
    # Every 7 days until closed; from the third on, each also copied to the home channel.
    channels = [p.params["channel"] for p in posts(app)]
    assert channels == ["C1", "C1", "C1", "CHOME", "C1", "CHOME", "C1", "CHOME"]
    assert "reminder 5" in block_text(posts(app)[-2].params["blocks"])


def test_an_interactions_follow_up_is_nudged_once_and_a_check_mark_marks_it_done(app: RunningApp) -> None:
    post = logged_and_due(app, "log DOT call with Sam about the bridge sensors. follow up next Tuesday")
    shown = block_text(post.params["blocks"])
    assert "time to follow up with *DOT*" in shown and "bridge sensors" in shown
    assert [b["elements"][0]["text"]["text"] for b in post.params["blocks"] if b["type"] == "actions"] == [
        "Done"
    ]
    assert [n.status for n in all_nudges(app)] == [NudgeStatus.SENT]  # no weekly re-nudge

    app.client.reaction_added("U1", "white_check_mark", post.response["channel"], post.response["ts"])
    assert "*Done*, marked by <@U1>" in updated_text(app, post)
    with app.db.system() as session:
        interaction = session.exec(select(Interaction)).one()
    assert interaction.follow_up_done_by == "U1"
    app.client.reaction_removed("U1", "white_check_mark", post.response["channel"], post.response["ts"])
    assert "*Reopened* by <@U1>" in updated_text(app, post, 2)


def test_text_people_typed_cannot_ping_a_channel_from_a_nudge(app: RunningApp) -> None:
    post = logged_and_due(
        app, "log DMV call. not working: <!channel> portal @here is down. follow up next Tuesday"
    )
    shown = block_text(post.params["blocks"])
    assert "<!channel>" not in shown and "<!here>" not in shown
    assert "@\u2060channel" in shown and "@\u2060here" in shown


def test_closing_with_the_command_updates_the_posted_nudge(app: RunningApp) -> None:
    post = logged_and_due(app)
    app.command("close #1 vendor patched the login page", user_id="U2")
    shown = updated_text(app, post)
    assert "*Closed* by <@U2>" in shown and "`/brm reopen #1`" in shown
    assert buttons_on(app, post) == {Action.NUDGE_REOPEN: "Reopen issue #1"}
    # A ✅ afterwards changes nothing, and taking it away does not undo a close made by command.
    app.client.reaction_added("U1", "white_check_mark", post.response["channel"], post.response["ts"])
    app.client.reaction_removed("U1", "white_check_mark", post.response["channel"], post.response["ts"])
    app.brm.close()  # waits for the listeners' work in flight
    assert the_issue(app).status == IssueStatus.CLOSED and the_issue(app).closed_by == "U2"
    assert len(app.slack.calls_to("chat.update")) == 1
