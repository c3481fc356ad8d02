"""`/brm assign #12 @sam`: handing an issue over, through signed slash commands."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.models import AuditEvent, Issue, Nudge
from tests.conftest import RunningApp
from tests.test_issue_commands import pending_nudges
from tests.test_log_command import add_party, reply_text, rows

FRIDAY_9_LA = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)  # the new owner's 09:00 (Los Angeles)


def test_handing_an_issue_over_moves_its_nudge_to_the_new_owner(app: RunningApp) -> None:
    app.slack.add_user("U2", tz="America/Los_Angeles")
    add_party(app, "DMV")
    app.command("issue DMV renewal emails bounce by Friday")

    shown = reply_text(app.command("assign #1 <@U2>"))

    assert "is now <@U2>'s (was <@U1>)" in shown and "the nudge goes to <@U2>" in shown
    [issue] = rows(app, Issue)
    assert issue.owner_id == "U2"
    [nudge] = pending_nudges(app)
    assert nudge.owner_id == "U2" and nudge.due_at == FRIDAY_9_LA
    assert [n.status for n in rows(app, Nudge) if n.owner_id == "U1"] == ["cancelled"]
    [event] = [e for e in rows(app, AuditEvent) if e.action == "reassigned"]
    assert (event.actor_id, event.detail["owner_id"], event.detail["was"]) == ("U1", "U2", "U1")
    assert "gave it to <@U2>" in reply_text(app.command("show #1"))


def test_taking_an_issue_yourself_and_giving_it_to_its_owner(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV printers jammed <@U2>")
    assert "is now <@U1>'s" in reply_text(app.command("reassign 1 me"))
    assert "is <@U1>'s already" in reply_text(app.command("assign #1 to <@U1>"))
    assert len([e for e in rows(app, AuditEvent) if e.action == "reassigned"]) == 1


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("assign #1", "To whom?"),
        ("assign #1 <@U2> <@U3>", "To whom?"),
        ("assign #1 sam", "To whom?"),
        ("assign <@U2>", "Which issue?"),
        ("assign #9 <@U2>", "There is no issue #9"),
        ("assign #1 <@U7>", "is a bot"),
    ],
)
def test_bad_hand_overs_get_help_and_write_nothing(app: RunningApp, text: str, said: str) -> None:
    app.slack.add_user("U7", is_bot=True)
    add_party(app, "DMV")
    app.command("issue DMV printers jammed")
    shown = reply_text(app.command(text))
    assert said in shown
    assert [i.owner_id for i in rows(app, Issue)] == ["U1"]
    assert [e for e in rows(app, AuditEvent) if e.action == "reassigned"] == []


def test_another_workspaces_issue_cannot_be_handed_over(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV printers jammed")
    assert "There is no issue #1" in reply_text(app.command("assign #1 <@U2>", team_id="T2"))
    assert [i.owner_id for i in rows(app, Issue)] == ["U1"]
