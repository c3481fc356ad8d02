"""Counts read right for 0, 1 and many wherever a person sees them: `/brm list`, `/brm list mine`,
`/brm follow-ups`, `/brm party`, `/brm health`, `/brm undo`, `/brm digest preview` and the Home tab.
Signed slash commands and events in, what reached the fake Slack out; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import RunningApp
from tests.test_home import open_home, published, view_of
from tests.test_log_command import add_party, reply_text

# Every button in every message and view these tests make the bot send has an accessibility label.
pytestmark = pytest.mark.usefixtures("every_button_labelled")

# A count followed by a noun that disagrees with it: "1 open issues", "1 parties", "1 days".
_ONE_AND_PLURAL = re.compile(
    r"\b1 (?:open |closed |overdue |critical |high-severity |earlier |more )?"
    r"(?:issues|parties|follow-ups|days|interactions|reminders|changes|messages)\b"
)
_MANY_AND_SINGULAR = re.compile(r"\b(?:0|[2-9]|\d\d+) (?:open |closed )?(?:issue|party|follow-up|day)\b(?!-)")


def assert_counts_agree(shown: str) -> None:
    assert _ONE_AND_PLURAL.findall(shown) == [], shown
    assert _MANY_AND_SINGULAR.findall(shown) == [], shown


def test_one_open_issue_is_one_issue_in_list_and_list_mine(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal login fails by Friday")

    listed = reply_text(app.command("list"))
    assert "*1 open issue*" in listed
    mine = reply_text(app.command("list mine"))
    assert "1 open issue owned by <@U1>" in mine
    for shown in (listed, mine):
        assert_counts_agree(shown)

    app.command("issue DMV renewals bounce")
    assert "*2 open issues*" in reply_text(app.command("list"))
    app.command("close #1")
    app.command("close #2")
    assert "No open issues right now" in reply_text(app.command("list"))


def test_one_follow_up_one_party_one_undone_issue(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal login fails by Friday")

    follow_ups = reply_text(app.command("follow-ups"))
    assert "*1 open follow-up*" in follow_ups
    parties = reply_text(app.command("party"))
    assert "*1 party*" in parties and "1 open issue" in parties
    health = reply_text(app.command("health DMV"))
    for shown in (follow_ups, parties, health):
        assert_counts_agree(shown)

    app.command("log DMV call about renewals. not working: renewal emails bounce")
    undone = reply_text(app.command("undo"))
    assert "The issue it raised went too" in undone


def test_the_digest_counts_one_of_each_in_the_singular(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("log DMV call about the portal, tense. not working: portal login fails. follow up tomorrow")
    app.clock.advance(days=3)

    body = app.command("digest preview")
    shown = reply_text(body)
    assert "1 open issue across 1 party" in shown
    assert "1 follow-up overdue" in shown
    assert_counts_agree(shown)


def test_the_home_tab_counts_agree(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal login fails by Friday")
    open_home(app)
    [params] = published(app)
    shown = json.dumps(view_of(params), ensure_ascii=False)
    assert "Your follow-ups* · 1 open" in shown and "Issues you own* · 1 open" in shown
    assert_counts_agree(shown)
