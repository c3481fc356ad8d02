"""`/brm follow-ups`: the promises still open, overdue first, through signed slash commands."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.models import AuditEvent, Interaction, Issue
from tests.conftest import RunningApp
from tests.test_log_command import add_party, reply_text, rows
from tests.test_nudges import TUESDAY_9_NY, posts, sweep, wait_until

MONDAY_NOON_NY = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)


def lines_of(reply: dict) -> list[str]:
    """The follow-up lines of the reply, in order."""
    text = "\n".join(block["text"]["text"] for block in reply["blocks"] if block["type"] == "section")
    return [line for line in text.splitlines() if line.startswith((":alarm_clock:", ":rotating_light:"))]


def log_a_week(app: RunningApp) -> None:
    add_party(app, "DMV")
    add_party(app, "Acme Cloud")
    app.command("log DMV call about renewals. follow up next Tuesday")  # an interaction's follow-up
    app.command("issue Acme Cloud quote above budget by Friday")  # #1
    app.command("issue DMV printers jammed <@U2> by Monday")  # #2, owned by someone else
    app.command("log DMV call. not working: portal down. follow up in 2 weeks")  # #3 carries it


def test_your_follow_ups_soonest_first(app: RunningApp) -> None:
    log_a_week(app)
    reply = app.command("follow-ups")
    assert "*3 open follow-ups*" in reply_text(reply)
    first, second, third = lines_of(reply)
    assert "Fri 27 Nov 2026" in first and "#1 quote above budget" in first and "Acme Cloud" in first
    assert "Tue 1 Dec 2026" in second and "call about renewals" in second and "#" not in second
    assert "Thu 10 Dec 2026" in third and "#3 portal down" in third
    assert "overdue" not in reply_text(reply)


def test_overdue_follow_ups_are_marked_and_come_first(app: RunningApp) -> None:
    log_a_week(app)
    app.clock.set(MONDAY_NOON_NY)
    reply = app.command("fu")
    assert ":rotating_light: 1 overdue" in reply_text(reply)
    first, *_ = lines_of(reply)
    assert first.startswith(":rotating_light:") and "#1 quote above budget" in first


def test_everyones_follow_ups_and_one_partys(app: RunningApp) -> None:
    log_a_week(app)
    everyone = lines_of(app.command("follow-ups all"))
    assert len(everyone) == 4
    assert any("#2 printers jammed" in line and "<@U2>" in line for line in everyone)
    dmv = lines_of(app.command("follow-ups DMV all"))
    assert len(dmv) == 3 and all("*DMV*" in line for line in dmv)
    theirs = lines_of(app.command("follow-ups <@U2>"))
    assert len(theirs) == 1 and "#2 printers jammed" in theirs[0]


def test_closed_issues_and_follow_ups_marked_done_are_not_listed(app: RunningApp) -> None:
    log_a_week(app)
    app.command("close #1 budget approved")
    app.clock.set(TUESDAY_9_NY)
    sweep(app)
    # Printers (#2, due since Monday) goes first; the renewals call's follow-up a second later, as
    # Slack takes one message a second in a channel.
    app.clock.advance(seconds=1)
    sweep(app)
    [nudge] = [post for post in posts(app) if "renewals" in post.params["text"]]
    app.client.reaction_added("U1", "white_check_mark", nudge.response["channel"], nudge.response["ts"])

    def done() -> bool:
        return any(i.follow_up_done_at is not None for i in rows(app, Interaction))

    assert wait_until(done)
    [only] = lines_of(app.command("follow-ups"))
    assert "#3 portal down" in only


def test_no_follow_ups_says_so(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("log DMV call about renewals")
    shown = reply_text(app.command("follow-ups"))
    assert "No open follow-ups" in shown and "/brm follow-ups all" in shown


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("follow-ups Water Board", "I don't know a party called “Water Board”"),
        ("follow-ups <@U2> <@U3>", "one person's follow-ups at a time"),
        ("follow-ups <!channel>", "I don't know a party called"),
    ],
)
def test_bad_filters_get_help_and_write_nothing(app: RunningApp, text: str, said: str) -> None:
    add_party(app, "DMV")
    before = len(rows(app, AuditEvent))
    shown = reply_text(app.command(text))
    assert said in shown and "/brm follow-ups" in shown  # an example to copy
    assert "<!channel>" not in shown
    assert len(rows(app, AuditEvent)) == before


def test_another_workspaces_follow_ups_never_show(app: RunningApp) -> None:
    log_a_week(app)
    add_party(app, "DMV", team_id="T2")
    assert "No open follow-ups" in reply_text(app.command("follow-ups all", team_id="T2"))
    assert len(rows(app, Issue, "T2")) == 0


def test_what_people_typed_cannot_ping_from_the_list(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("log DMV call about <!channel> renewals <!here>. follow up next Tuesday")
    shown = reply_text(app.command("follow-ups"))
    assert "renewals" in shown
    assert "<!channel>" not in shown and "<!here>" not in shown
