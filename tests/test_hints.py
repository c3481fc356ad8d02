"""Hints and error replies: examples name an issue that exists in the workspace (or none at all), and a
mistake gets the example that fits it and a pointer to `/brm help`, not the whole help pasted in.
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

_ISSUE_NUMBER = re.compile(r"#(\d+)")
_HELP_PASTED = "keeps a record of your relationships"


def numbers_named(shown: str) -> set[int]:
    return {int(n) for n in _ISSUE_NUMBER.findall(shown)}


def three_issues(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV portal down by Friday")
    app.command("issue DMV renewals bounce by Monday")
    app.command("issue DMV printers jammed")
    app.command("close #3 new toner")


def test_hints_name_issues_that_exist(app: RunningApp) -> None:
    three_issues(app)
    help_text = reply_text(app.command("help"))
    assert "`/brm show #2`" in help_text  # the newest open issue
    listed = reply_text(app.command("list"))
    assert "/brm close #1 what fixed it" in listed  # the first one listed
    follow_ups = reply_text(app.command("follow-ups"))
    assert "/brm snooze #1 Friday" in follow_ups
    open_home(app)
    home = json.dumps(view_of(published(app)[0]), ensure_ascii=False)
    assert "/brm close #2 vendor patched" in home
    for shown in (help_text, listed, follow_ups, home):
        assert numbers_named(shown) <= {1, 2, 3}, shown


def test_with_no_issue_hints_name_no_number(app: RunningApp) -> None:
    help_text = reply_text(app.command("help"))
    assert numbers_named(help_text) == set()
    assert "`/brm show #N`" in help_text and "#N_ stands for an issue's number" in help_text

    wrong = reply_text(app.command("close #12 fixed"))
    assert "There is no issue #12" in wrong  # what they typed, said back
    assert "There is no issue here yet" in wrong and "/brm issue DMV" in wrong
    assert "Try:" not in wrong and "#N" not in wrong


def test_an_unknown_subcommand_names_the_known_ones_and_points_at_help(app: RunningApp) -> None:
    shown = reply_text(app.command("frobnicate DMV"))
    assert "I don't know `/brm frobnicate`" in shown
    assert "`log`" in shown and "`follow-ups`" in shown and "`settings`" in shown
    assert "*Try:* `/brm log DMV call with Jane" in shown and "`/brm help` shows everything" in shown
    assert _HELP_PASTED not in shown


def test_each_mistake_gets_its_own_subcommands_example(app: RunningApp) -> None:
    three_issues(app)
    cases = {
        "settings colour blue": "*Try:* `/brm settings holidays CA`",
        "digest cold forever": "*Try:* `/brm digest cold 45`",
        "follow-ups <@U1|jane> <@U2|sam>": "*Try:* `/brm follow-ups @sam`",
        "reopen": "*Try:* `/brm reopen #2`",
        "assign #1": "`/brm assign #2 @sam`",
    }
    for command, example in cases.items():
        shown = reply_text(app.command(command))
        assert example in shown, (command, shown)
        assert _HELP_PASTED not in shown and "`/brm help` shows everything" in shown
        assert numbers_named(shown) <= {1, 2, 3}, shown
