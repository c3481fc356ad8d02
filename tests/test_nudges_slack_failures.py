"""Nudges when Slack fails: 429 waits out Retry-After without holding up other channels, 5xx and lost
answers back off and never post twice, a refusal is recorded, never dropped silently."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from runtime.nudge_sender import NudgeSender
from storage.models import Nudge, NudgeStatus
from tests.conftest import RunningApp
from tests.test_nudges import LOG_WITH_ISSUE, TUESDAY_9_NY, posts, sweep


def due_nudges_in(app: RunningApp, *channels: str) -> None:
    """One issue logged in each channel, in order, all due on Tuesday 09:00 New York; the clock there."""
    for channel in channels:
        app.command(LOG_WITH_ISSUE, channel_id=channel)
    app.clock.set(TUESDAY_9_NY)


def issue_nudges(app: RunningApp) -> list[Nudge]:
    with app.db.system() as session:
        return list(
            session.exec(
                select(Nudge).where(Nudge.issue_id.is_not(None), Nudge.sequence == 1).order_by(Nudge.id)
            )
        )  # type: ignore[union-attr]


def test_a_429_makes_that_channel_wait_while_other_channels_go_on(app: RunningApp) -> None:
    due_nudges_in(app, "C1", "C1", "C2")
    app.slack.fail_next("chat.postMessage", 429, retry_after=30)
    started = time.monotonic()
    # One thread: C1's first nudge is tried first and gets the 429.
    assert NudgeSender(app.brm.services, threads=1).sweep() == 1
    assert time.monotonic() - started < 5  # nobody sat out the 30 seconds
    assert [p.params["channel"] for p in posts(app)] == ["C2"]
    first, second, other = issue_nudges(app)
    assert other.status == NudgeStatus.SENT
    for waiting in (first, second):
        assert waiting.status == NudgeStatus.PENDING
        assert waiting.next_attempt_at == TUESDAY_9_NY + timedelta(seconds=30)
        assert waiting.due_at == TUESDAY_9_NY  # when it was due does not change
    assert first.last_error == "rate limited; retry after 30s"
    # Only one request reached the limited channel.
    assert [c.params["channel"] for c in app.slack.calls_to("chat.postMessage")] == ["C1", "C2"]

    app.clock.advance(seconds=29)
    assert sweep(app) == 0
    app.clock.advance(seconds=1)
    assert sweep(app) == 1  # one nudge a second in a channel
    app.clock.advance(seconds=1)
    assert sweep(app) == 1
    assert sorted(p.params["channel"] for p in posts(app)) == ["C1", "C1", "C2"]
    assert all(n.status == NudgeStatus.SENT for n in issue_nudges(app))


def test_a_500_backs_off_records_the_error_and_retries(app: RunningApp) -> None:
    due_nudges_in(app, "C1")
    app.slack.fail_next("chat.postMessage", 500, times=2)
    assert sweep(app) == 0
    [nudge] = issue_nudges(app)
    assert nudge.status == NudgeStatus.PENDING and nudge.last_error == "HTTP 500 internal_error"
    assert nudge.next_attempt_at == TUESDAY_9_NY + timedelta(seconds=30) and nudge.check_before_post

    app.clock.advance(seconds=30)
    assert sweep(app) == 0
    [nudge] = issue_nudges(app)
    assert nudge.next_attempt_at == TUESDAY_9_NY + timedelta(seconds=90)  # backing off: 30 s, then 60 s
    assert nudge.attempts == 2

    app.clock.advance(seconds=60)
    assert sweep(app) == 1
    [nudge] = issue_nudges(app)
    assert nudge.status == NudgeStatus.SENT and not nudge.check_before_post
    assert len(posts(app)) == 1


def test_a_post_that_reached_slack_but_lost_its_answer_is_not_posted_again(app: RunningApp) -> None:
    due_nudges_in(app, "C1")
    app.slack.lose_next_answer("chat.postMessage")
    assert sweep(app) == 0
    assert len(posts(app)) == 0 and len(app.slack.calls_to("chat.postMessage")) == 1
    app.clock.advance(seconds=30)
    assert sweep(app) == 1
    # It looked, found its message, and recorded it instead of posting again.
    assert len(app.slack.calls_to("chat.postMessage")) == 1
    assert app.slack.calls_to("conversations.history")
    [nudge] = issue_nudges(app)
    [call] = app.slack.calls_to("chat.postMessage")
    assert nudge.status == NudgeStatus.SENT and nudge.channel_id == "C1"
    assert app.slack.message("C1", nudge.message_ts) is not None  # type: ignore[arg-type]
    assert nudge.message_ts == call.response["_done"]["ts"]


def test_a_timeout_is_retried_without_a_second_post(app: RunningApp) -> None:
    due_nudges_in(app, "C1")
    sender = NudgeSender(app.brm.services)
    sender.client.timeout = 1
    app.slack.latency = 1.5
    try:
        assert sender.sweep() == 0
        # The fake finishes the slow post after the client gave up; let it land before going on.
        app.slack.wait_for("chat.postMessage", 1)
    finally:
        app.slack.latency = 0.0
    [nudge] = issue_nudges(app)
    assert nudge.status == NudgeStatus.PENDING and nudge.check_before_post
    assert "timed out" in (nudge.last_error or "").lower() or "timeout" in (nudge.last_error or "").lower()
    app.clock.advance(seconds=30)
    assert sweep(app) == 1
    # The slow post had reached Slack: it was found, not posted again.
    assert len(app.slack.calls_to("chat.postMessage")) == 1
    [nudge] = issue_nudges(app)
    assert nudge.status == NudgeStatus.SENT


def test_a_retry_that_falls_on_a_weekend_still_goes_out(app: RunningApp) -> None:
    # Due Friday 23:59 New York; Slack fails; the retry comes on Saturday and is not held to Monday.
    app.command("log DMV call. not working: renewals bounce. follow up Friday 11:59pm")
    app.clock.set(datetime(2026, 11, 28, 4, 59, tzinfo=UTC))
    app.slack.fail_next("chat.postMessage", 500)
    assert sweep(app) == 0
    app.clock.advance(seconds=30)
    assert sweep(app) == 1


def test_a_refusal_is_recorded_and_logged_not_dropped_silently(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    due_nudges_in(app, "C1")
    app.slack.fail_next("chat.postMessage", error="invalid_blocks")
    with caplog.at_level(logging.ERROR, logger="runtime.nudge_sender"):
        assert sweep(app) == 0
    [nudge] = issue_nudges(app)
    assert nudge.status == NudgeStatus.FAILED and nudge.last_error == "invalid_blocks"
    assert any("marked failed" in r.getMessage() for r in caplog.records)


def test_nudges_for_one_channel_go_out_one_a_second(app: RunningApp) -> None:
    due_nudges_in(app, "C1", "C1", "C2")
    assert sweep(app) == 2
    first, second, other = issue_nudges(app)
    assert first.status == other.status == NudgeStatus.SENT
    assert second.status == NudgeStatus.PENDING
    assert second.attempts == 0 and second.last_error is None  # held back, not refused
    assert sorted(c.params["channel"] for c in app.slack.calls_to("chat.postMessage")) == ["C1", "C2"]
    # Another sweep (a new sender, or another process) within the second does not post it either.
    assert sweep(app) == 0
    app.clock.advance(seconds=1)
    assert sweep(app) == 1
    assert sorted(c.params["channel"] for c in app.slack.calls_to("chat.postMessage")) == ["C1", "C1", "C2"]
