"""When nudges are due, where they go, when they escalate, and which reactions mean what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.nudge_actions import NudgeAction, reaction_action
from bot.nudges import (
    escalation_channel,
    follow_up_due_at,
    is_working_day,
    nudge_target,
    renudge_due_at,
    send_time,
)

NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def local(tz: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=tz).astimezone(UTC)


@pytest.mark.parametrize(
    ("due", "region", "expected"),
    [
        # A working Tuesday stays as it is, whatever the time of day.
        (local(NEW_YORK, 2026, 12, 1, 15, 30), None, local(NEW_YORK, 2026, 12, 1, 15, 30)),
        # Saturday and Sunday move to Monday 09:00.
        (local(NEW_YORK, 2026, 12, 5, 10, 0), None, local(NEW_YORK, 2026, 12, 7, 9, 0)),
        (local(NEW_YORK, 2026, 12, 6, 23, 0), None, local(NEW_YORK, 2026, 12, 7, 9, 0)),
        # Thanksgiving (federal) moves to Friday, unless the state also keeps Friday (CA): Monday.
        (local(NEW_YORK, 2026, 11, 26, 9, 0), "NY", local(NEW_YORK, 2026, 11, 27, 9, 0)),
        (local(NEW_YORK, 2026, 11, 26, 9, 0), "CA", local(NEW_YORK, 2026, 11, 30, 9, 0)),
        # Christmas on a Friday: Monday 28 December.
        (local(NEW_YORK, 2026, 12, 25, 9, 0), None, local(NEW_YORK, 2026, 12, 28, 9, 0)),
        # An unknown region still knows the federal holidays.
        (local(NEW_YORK, 2026, 12, 25, 9, 0), "ZZ", local(NEW_YORK, 2026, 12, 28, 9, 0)),
    ],
)
def test_send_time_moves_weekends_and_holidays_to_the_next_working_morning(
    due: datetime, region: str | None, expected: datetime
) -> None:
    assert send_time(due, tz=NEW_YORK, region=region) == expected
    # Asking again changes nothing: the sender may re-check a nudge any number of times.
    assert send_time(expected, tz=NEW_YORK, region=region) == expected


def test_a_state_holiday_only_counts_in_that_state() -> None:
    cesar_chavez_day = datetime(2027, 3, 31).date()  # a California state holiday, a Wednesday
    assert not is_working_day(cesar_chavez_day, "CA")
    assert is_working_day(cesar_chavez_day, "NY")


def test_the_weekend_is_judged_in_the_owners_timezone() -> None:
    # Monday 06:00 UTC is Monday 01:00 in New York but still Sunday in Los Angeles: Monday 09:00 there.
    due = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
    assert send_time(due, tz=NEW_YORK, region=None) == due
    assert send_time(due, tz=LOS_ANGELES, region=None) == local(LOS_ANGELES, 2026, 12, 7, 9, 0)


def test_a_follow_up_without_a_time_is_due_at_nine_in_the_owners_timezone() -> None:
    read_in_new_york = local(NEW_YORK, 2026, 12, 1, 9, 0)
    assert follow_up_due_at(read_in_new_york, has_time=False, owner_tz=LOS_ANGELES) == local(
        LOS_ANGELES, 2026, 12, 1, 9, 0
    )
    assert follow_up_due_at(read_in_new_york, has_time=False, owner_tz=None) == read_in_new_york
    assert follow_up_due_at(read_in_new_york, has_time=True, owner_tz=LOS_ANGELES) == read_in_new_york


def test_an_open_issue_is_nudged_again_after_the_workspaces_interval_at_nine() -> None:
    sent = local(NEW_YORK, 2026, 12, 1, 9, 0) + timedelta(minutes=3)
    assert renudge_due_at(sent, tz=NEW_YORK, every_days=7) == local(NEW_YORK, 2026, 12, 8, 9, 0)
    assert renudge_due_at(sent, tz=NEW_YORK, every_days=3) == local(NEW_YORK, 2026, 12, 4, 9, 0)
    assert renudge_due_at(sent, tz=NEW_YORK, every_days=None) == local(NEW_YORK, 2026, 12, 8, 9, 0)


@pytest.mark.parametrize(
    ("sequence", "home", "target", "expected"),
    [
        (1, "CHOME", "C1", None),
        (2, "CHOME", "C1", None),
        (3, "CHOME", "C1", "CHOME"),
        (5, "CHOME", "C1", "CHOME"),
        (3, None, "C1", None),  # no home channel: nowhere to escalate
        (3, "CHOME", "CHOME", None),  # already nudged there
        (3, "CHOME", None, "CHOME"),  # nudged by DM: the home channel hears of it
    ],
)
def test_escalation_from_the_third_unanswered_nudge(
    sequence: int, home: str | None, target: str | None, expected: str | None
) -> None:
    assert escalation_channel(sequence, home_channel_id=home, target_channel_id=target) == expected


@pytest.mark.parametrize(
    ("channel", "expected"), [("C1", "C1"), ("G1", "G1"), ("D123", None), (None, None), ("", None)]
)
def test_a_nudge_goes_to_the_channel_it_was_logged_in_or_to_the_owners_dm(
    channel: str | None, expected: str | None
) -> None:
    assert nudge_target(channel) == expected


@pytest.mark.parametrize(
    ("reaction", "added", "expected"),
    [
        ("white_check_mark", True, NudgeAction.CLOSE),
        ("heavy_check_mark", True, NudgeAction.CLOSE),
        ("white_check_mark", False, NudgeAction.REOPEN),
        ("heavy_check_mark::skin-tone-3", True, NudgeAction.CLOSE),
        ("zzz", True, NudgeAction.SNOOZE_WEEK),
        ("alarm_clock", True, NudgeAction.SNOOZE_WEEK),
        ("zzz", False, None),  # taking a snooze back does not un-snooze
        ("thumbsup", True, None),
        ("", True, None),
    ],
)
def test_which_reactions_act_on_a_nudge(reaction: str, added: bool, expected: NudgeAction | None) -> None:
    assert reaction_action(reaction, added=added) == expected
