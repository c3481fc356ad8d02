"""Follow-up nudges end to end: logged through /brm, sent by the sweep the scheduler runs, acted on
with reactions and buttons, all through the fake Slack with the clock under the test's control.

The frozen start is Thursday 26 November 2026, 10:00 in New York (Thanksgiving, a federal holiday).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from handlers.ids import Action
from handlers.nudge_sender import sweep_nudges
from storage.models import AuditEvent, Issue, IssueStatus, Nudge, NudgeStatus, Party
from tests.conftest import RunningApp
from tests.support.fake_slack import Call

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
    import time

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
    assert "Open for 5 days" in shown and "first reminder" in shown
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
