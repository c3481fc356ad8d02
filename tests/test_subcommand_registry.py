"""The one table of `/brm` subcommands (handlers/commands/registry.py): dispatch, aliases, the "I know
..." answer, `/brm help` and the Home tab are all read from what each subcommand declares.
Signed slash commands and events in, what reached the fake Slack out; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bot.replies import with_issue_number
from bot.text import safe_mrkdwn
from handlers.commands.registry import SUBCOMMANDS, help_lines, subcommand
from handlers.commands.request import CommandRequest
from tests.conftest import RunningApp
from tests.test_home import open_home, published, text_of, view_of
from tests.test_log_command import reply_text


def shown_example(example: str) -> str:
    # As a reply shows it: in a workspace with no issue yet `#12` reads `#N`, and mrkdwn is escaped.
    return safe_mrkdwn(with_issue_number(example, None))


def test_every_alias_answers_as_its_subcommand(app: RunningApp) -> None:
    aliased = [(alias, entry.name) for entry in SUBCOMMANDS.values() for alias in entry.aliases]
    assert len(aliased) >= 10  # the aliases people already type: ls, fu, raise, ...
    for alias, name in aliased:
        # With nothing after it, each one only reads (a list, help) or refuses (an example).
        assert reply_text(app.command(alias)) == reply_text(app.command(name)), alias


def test_help_and_home_show_each_subcommands_own_line(app: RunningApp) -> None:
    helped = reply_text(app.command("help"))
    open_home(app)
    home = text_of(view_of(published(app)[0]))
    lines = help_lines()
    assert ("Log a touchpoint", SUBCOMMANDS["log"].example) in lines
    for label, example in lines:
        for shown in (helped, home):
            assert label in shown and shown_example(example) in shown, label
    hidden = [entry for entry in SUBCOMMANDS.values() if not entry.in_help]
    assert {entry.name for entry in hidden} == {"help", "reopen", "assign"}
    for entry in hidden:  # each is shown on another's line: reopen and assign on snooze's
        assert entry.name == "help" or f"/brm {entry.name} " in SUBCOMMANDS["snooze"].example


def test_an_unknown_subcommand_names_every_registered_one(app: RunningApp) -> None:
    shown = reply_text(app.command("frobnicate"))
    for name in SUBCOMMANDS:
        assert f"`{name}`" in shown, name


def _nothing(request: CommandRequest) -> None:
    request.reply("nothing")


def test_a_name_or_alias_cannot_be_registered_twice() -> None:
    with pytest.raises(ValueError, match="two subcommands"):
        subcommand("log", help="again", example="/brm log")(_nothing)
    with pytest.raises(ValueError, match="already names"):
        subcommand("frobnicate", help="x", example="/brm frobnicate", aliases=("ls",))(_nothing)
    with pytest.raises(ValueError, match="two subcommands"):
        subcommand("fu", help="x", example="/brm fu")(_nothing)
    assert "frobnicate" not in SUBCOMMANDS
