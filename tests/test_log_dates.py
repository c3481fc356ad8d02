"""Dates as people write them, end to end: a signed `/brm log` reads the follow-up with the workspace's
calendar (holiday state, fiscal year) and shows back what it understood, or says what it could not read
and writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.form_fields import Field
from slack_api.ids import Shortcut
from storage.models import Interaction, Issue
from tests.conftest import RunningApp
from tests.test_log_command import add_party, reply_text, rows
from tests.test_shortcuts import inputs, open_form, post

# The tests' clock: Thursday 26 November 2026 (Thanksgiving), 10:00 in New York.


def test_an_offset_from_an_anchor_counts_from_the_anchor(app: RunningApp) -> None:
    add_party(app, "DMV")
    shown = reply_text(
        app.command("log DMV call with Jane about renewals. follow up three weeks from Friday")
    )
    [interaction] = rows(app, Interaction)
    # Friday is 27 November; three weeks on is Friday 18 December, 09:00 in New York.
    assert interaction.follow_up_at == datetime(2026, 12, 18, 14, 0, tzinfo=UTC)
    assert "Fri 18 Dec 2026" in shown


def test_the_weekday_after_next_is_not_next_weeks(app: RunningApp) -> None:
    add_party(app, "DMV")
    shown = reply_text(app.command("log DMV call. follow up Tuesday after next"))
    [interaction] = rows(app, Interaction)
    assert interaction.follow_up_at == datetime(2026, 12, 8, 14, 0, tzinfo=UTC)
    assert "Tue 8 Dec 2026" in shown


def test_a_phrase_read_only_in_part_is_refused_and_nothing_is_written(app: RunningApp) -> None:
    add_party(app, "DMV")
    shown = reply_text(
        app.command("log DMV call. not working: portal down. follow up 3 weeks from the kickoff")
    )
    assert "3 weeks from the kickoff" in shown and "couldn" in shown
    assert "17 Dec" not in shown  # three weeks from today is not shown as if it were understood
    assert rows(app, Interaction) == [] and rows(app, Issue) == []


def test_after_a_holiday_is_the_next_working_day_in_the_workspaces_state(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("log DMV call. follow up after Thanksgiving")
    app.command("settings holidays CA")  # the day after Thanksgiving is a California state holiday
    app.command("log DMV call. follow up after Thanksgiving")
    federal, california = sorted(rows(app, Interaction), key=lambda row: row.id)
    assert federal.follow_up_at == datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # Friday
    assert california.follow_up_at == datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # Monday


def test_the_end_of_the_fiscal_year_follows_the_workspace_setting(app: RunningApp) -> None:
    add_party(app, "DMV")
    shown_july = reply_text(app.command("log DMV call. follow up end of FY"))
    app.command("settings fiscal-year april")
    shown_april = reply_text(app.command("log DMV call. follow up end of FY"))
    july, april = sorted(rows(app, Interaction), key=lambda row: row.id)
    assert july.follow_up_at == datetime(2027, 6, 30, 21, 0, tzinfo=UTC)  # 17:00 in New York (EDT)
    assert april.follow_up_at == datetime(2027, 3, 31, 21, 0, tzinfo=UTC)
    assert "Wed 30 Jun 2027" in shown_july and "Wed 31 Mar 2027" in shown_april


def test_a_message_shortcut_reads_its_dates_with_the_workspaces_calendar(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("settings holidays CA")
    message = post(app, "DMV call about the portal. follow up after Thanksgiving")
    _, view = open_form(app, Shortcut.LOG_INTERACTION, message)
    assert inputs(view)[Field.FOLLOW_UP]["initial_date"] == "2026-11-30"  # Friday is a California holiday


def test_an_issue_whose_follow_up_is_read_only_in_part_says_so(app: RunningApp) -> None:
    add_party(app, "DMV")
    shown = reply_text(app.command("issue DMV emails bounce follow up 3 weeks from the kickoff"))
    assert "couldn" in shown and "3 weeks from the kickoff" in shown
    [issue] = rows(app, Issue)
    assert issue.follow_up_at is None  # not three weeks from today
