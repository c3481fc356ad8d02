"""`/brm show #12`: one issue whole, with its history, through signed slash commands."""

from __future__ import annotations

import pytest

from tests.conftest import RunningApp
from tests.test_log_command import add_party, reply_text
from tests.test_nudges import TUESDAY_9_NY, sweep

# Every button in every message and view these tests make the bot send has an accessibility label.
pytestmark = pytest.mark.usefixtures("every_button_labelled")


def test_an_issue_is_shown_whole_with_its_history(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV renewal emails bounce <@U2> by Friday high")
    app.command("snooze #1 next Monday")
    app.clock.set(TUESDAY_9_NY)
    sweep(app)
    app.command("close #1 vendor fixed the mail relay", user_id="U2")

    shown = reply_text(app.command("show #1"))

    assert "*#1* · *DMV* · renewal emails bounce" in shown
    assert ":white_check_mark: closed" in shown and "*Severity:* high" in shown and "*Owner:* <@U2>" in shown
    assert "*How:* vendor fixed the mail relay" in shown
    history = shown[shown.index("*History*") :]
    order = ["<@U1> opened it", "<@U1> moved the follow-up to Mon 30 Nov 2026", "brm-bot sent a nudge"]
    order.append("<@U2> closed it: “vendor fixed the mail relay”")
    positions = [history.index(entry) for entry in order]
    assert positions == sorted(positions)
    assert "/brm reopen #1" in shown


def test_issue_with_just_a_number_shows_it(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV printers jammed")
    shown = reply_text(app.command("issue #1"))
    assert "*#1* · *DMV* · printers jammed" in shown and ":large_yellow_circle: open" in shown
    assert "/brm close #1" in shown


@pytest.mark.parametrize(
    ("text", "said"),
    [("show", "Which issue?"), ("show #7", "There is no issue #7"), ("show DMV", "not an issue")],
)
def test_asking_for_an_issue_that_is_not_there(app: RunningApp, text: str, said: str) -> None:
    add_party(app, "DMV")
    app.command("issue DMV printers jammed")
    shown = reply_text(app.command(text))
    assert said in shown and "/brm show #1`" in shown and "#12" not in shown


def test_another_workspaces_issue_is_not_shown(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV printers jammed")
    assert "There is no issue #1" in reply_text(app.command("show #1", team_id="T2"))


def test_what_people_typed_cannot_ping_from_the_card(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV printers <!channel> jammed <!here>")
    app.command("close #1 told <!everyone> about it")
    shown = reply_text(app.command("show #1"))
    assert "printers" in shown and "told" in shown
    assert "<!channel>" not in shown and "<!here>" not in shown and "<!everyone>" not in shown
