"""When digests are due (bot/digest_schedule.py) and reading `/brm digest on ...`."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.digest_schedule import Schedule, parse_digest_on
from bot.errors import InputError
from bot.party_names import KnownParty

NY = ZoneInfo("America/New_York")
MONDAY_9_NY = Schedule(0, time(9, 0), NY)
PARTIES = [
    KnownParty(1, "DMV", ("Department of Motor Vehicles",)),
    KnownParty(2, "DOT"),
    KnownParty(3, "Dept of Revenue"),
]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_latest_and_next_scheduled_times() -> None:
    thursday = utc(2026, 11, 26, 15)
    assert MONDAY_9_NY.latest(thursday) == utc(2026, 11, 23, 14)
    assert MONDAY_9_NY.next_after(thursday) == utc(2026, 11, 30, 14)
    # At the scheduled moment itself it is due, and the next one is a week on.
    assert MONDAY_9_NY.latest(utc(2026, 11, 30, 14)) == utc(2026, 11, 30, 14)
    assert MONDAY_9_NY.next_after(utc(2026, 11, 30, 14)) == utc(2026, 12, 7, 14)


def test_the_schedule_follows_daylight_saving_time() -> None:
    # 09:00 in New York is 14:00 UTC in winter and 13:00 UTC after the March change.
    assert MONDAY_9_NY.next_after(utc(2027, 3, 10, 0)) == utc(2027, 3, 15, 13)
    assert MONDAY_9_NY.latest(utc(2027, 3, 10, 0)) == utc(2027, 3, 8, 14)


def test_week_keys_are_iso_weeks_of_the_local_calendar() -> None:
    assert MONDAY_9_NY.week_key(utc(2026, 11, 30, 14)) == "2026-W49"
    # Sunday 23:30 in Los Angeles is already Monday in UTC; the week is the local one.
    sunday_late = Schedule(6, time(23, 30), ZoneInfo("America/Los_Angeles"))
    assert sunday_late.week_key(utc(2026, 12, 7, 7, 30)) == "2026-W49"
    assert MONDAY_9_NY.week_key(utc(2027, 1, 4, 14)) == "2027-W01"


def test_a_stored_schedule_with_an_unknown_timezone_runs_in_utc() -> None:
    stored = Schedule.stored(0, "09:00", "Mars/Olympus_Mons")
    assert stored.tz.key == "UTC" and stored.time_of_day == time(9, 0)


@pytest.mark.parametrize(
    ("text", "weekday", "at", "party_ids"),
    [
        ("", 0, time(9, 0), []),
        ("monday 9:00", 0, time(9, 0), []),
        ("every Friday at 2:30 pm", 4, time(14, 30), []),
        ("tues 14:30", 1, time(14, 30), []),
        ("9am", 0, time(9, 0), []),
        ("thursdays 17", 3, time(17, 0), []),
        ("wed noon", 2, time(12, 0), []),
        ("12am sun", 6, time(0, 0), []),
        ("DMV DOT", 0, time(9, 0), [1, 2]),
        ("on monday 9 for dmv, dot", 0, time(9, 0), [1, 2]),
        ("friday department of motor vehicles and dept of revenue", 4, time(9, 0), [1, 3]),
        ("DVM", 0, time(9, 0), [1]),
        ("dept revenue DOT", 0, time(9, 0), [3, 2]),
    ],
)
def test_reading_digest_on(text: str, weekday: int, at: time, party_ids: list[int]) -> None:
    plan = parse_digest_on(text, PARTIES)
    assert (plan.weekday, plan.time_of_day, [p.id for p in plan.parties]) == (weekday, at, party_ids)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("monday 25:00", "isn't a time of day"),
        ("9:75", "isn't a time of day"),
        ("13pm", "isn't a time of day"),
        ("monday friday", "Pick one day"),
        ("DMV Atlantis", "I don't know a party called “Atlantis”"),
        ("<!channel>", "“@\u2060channel”"),
    ],
)
def test_bad_digest_on_text_is_refused_with_an_example(text: str, problem: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_digest_on(text, PARTIES)
    assert problem in refused.value.text
    assert refused.value.example == "/brm digest on monday 9:00 DMV DOT"
