"""Dates built on an anchor, read whole or not at all (bot/date_scan.py), with the clock at several
dates: Thanksgiving 2026, a year end far from 2026, the night clocks go forward, January 2052."""

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dates import DateCalendar, find_date, find_dates, format_local, parse_follow_up, parse_when

NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
CHICAGO = ZoneInfo("America/Chicago")

NOWS = {
    "thu": (NEW_YORK, datetime(2026, 11, 26, 10, 0, tzinfo=NEW_YORK)),  # Thursday, Thanksgiving
    "nye": (LOS_ANGELES, datetime(2037, 12, 31, 16, 0, tzinfo=LOS_ANGELES)),  # Thursday, year end
    "dst": (NEW_YORK, datetime(2026, 3, 7, 20, 0, tzinfo=NEW_YORK)),  # Saturday; clocks go forward at 02:00
    "far": (CHICAGO, datetime(2052, 1, 15, 9, 30, tzinfo=CHICAGO)),  # Monday, MLK Day
}


def _shown(parse, now_key: str, phrase: str, calendar: DateCalendar | None = None) -> str | None:
    tz, now = NOWS[now_key]
    parsed = parse(phrase, tz=tz, now=now, calendar=calendar)
    if parsed is None:
        return None
    assert parsed.at.tzinfo is UTC and parsed.local_date == parsed.at.astimezone(tz).date()
    return format_local(parsed.at, tz, with_time=parsed.has_time)


FOLLOW_UPS = [
    # Offsets from an anchor count from the anchor, not from today.
    ("thu", "three weeks from Friday", "Fri 18 Dec 2026"),
    ("thu", "3 wks from Fri", "Fri 18 Dec 2026"),
    ("thu", "a week from Monday", "Mon 7 Dec 2026"),
    ("thu", "2 days after the 20th", "Tue 22 Dec 2026"),
    ("thu", "a month after Dec 5", "Tue 5 Jan 2027"),
    ("thu", "2 business days after next Friday", "Tue 8 Dec 2026"),
    ("thu", "48 hours after Monday", "Wed 2 Dec 2026"),
    ("thu", "a week before Christmas", "Fri 18 Dec 2026"),
    ("nye", "three weeks from Friday", "Fri 22 Jan 2038"),
    ("nye", "2 days after the 20th", "Fri 22 Jan 2038"),
    ("nye", "a week from Monday", "Mon 11 Jan 2038"),
    ("dst", "a week from tomorrow", "Sun 15 Mar 2026"),
    ("far", "three weeks from Friday", "Fri 9 Feb 2052"),
    ("far", "2 business days after the 20th", "Tue 23 Jan 2052"),
    # A weekday next to an anchor, and the one after the next one.
    ("thu", "the Friday after Thanksgiving", "Fri 27 Nov 2026"),
    ("thu", "the Monday before Christmas", "Mon 21 Dec 2026"),
    ("thu", "Tuesday after next", "Tue 8 Dec 2026"),
    ("thu", "tues after nxt", "Tue 8 Dec 2026"),
    ("thu", "Friday after next", "Fri 4 Dec 2026"),
    ("nye", "Tuesday after next", "Tue 12 Jan 2038"),
    ("dst", "Friday after next", "Fri 20 Mar 2026"),
    # The day and the week around an anchor.
    ("thu", "the day after Labor Day", "Tue 7 Sep 2027"),
    ("thu", "day before New Year's Eve", "Wed 30 Dec 2026"),
    ("nye", "the day after Christmas", "Sun 26 Dec 2038"),
    ("thu", "wk of the 11th", "Mon 7 Dec 2026"),
    ("thu", "the week of Dec 16", "Mon 14 Dec 2026"),
    ("thu", "the week after Christmas", "Mon 28 Dec 2026"),
    ("nye", "wk of the 11th", "Mon 11 Jan 2038"),
    # "after X" is the working day after it; "before <holiday>" the working day before.
    ("thu", "after Thanksgiving", "Fri 27 Nov 2026"),
    ("thu", "after Friday", "Mon 30 Nov 2026"),
    ("thu", "before July 4th", "Fri 2 Jul 2027"),
    ("thu", "before Christmas", "Thu 24 Dec 2026"),
    ("thu", "before Friday", "Fri 27 Nov 2026"),  # a deadline: by Friday
    ("nye", "after New Year's", "Mon 4 Jan 2038"),
    ("dst", "before Memorial Day", "Fri 22 May 2026"),
    # The end of a stretch of time.
    ("thu", "within 72 hours", "Sun 29 Nov 2026, 10:00"),
    ("thu", "in the next 3 days", "Sun 29 Nov 2026"),
    ("thu", "within a week", "Thu 3 Dec 2026"),
    ("thu", "within the next two weeks", "Thu 10 Dec 2026"),
    ("thu", "over the next few days", "Sun 29 Nov 2026"),
    ("dst", "within 24 hours", "Sun 8 Mar 2026, 21:00"),  # 24 hours, though the clock skips one
    ("nye", "within 72 hours", "Sun 3 Jan 2038, 16:00"),
    # Chat shorthand.
    ("thu", "thru Fri", "Fri 27 Nov 2026"),
    ("thu", "through Tuesday", "Tue 1 Dec 2026"),
    ("thu", "nxt wk", "Mon 30 Nov 2026"),
    ("thu", "nxt Tues", "Tue 1 Dec 2026"),
    ("thu", "end of nxt wk", "Fri 4 Dec 2026, 17:00"),
    ("thu", "COB Thurs", "Thu 3 Dec 2026, 17:00"),
    ("thu", "Fri of next week", "Fri 4 Dec 2026"),
    ("thu", "no later than Monday", "Mon 30 Nov 2026"),
    ("nye", "EOW", "Fri 1 Jan 2038, 17:00"),
    ("nye", "tmrw", "Fri 1 Jan 2038"),
]


@pytest.mark.parametrize(("now_key", "phrase", "expected"), FOLLOW_UPS)
def test_follow_ups_built_on_an_anchor(now_key: str, phrase: str, expected: str) -> None:
    assert _shown(parse_follow_up, now_key, phrase) == expected


@pytest.mark.parametrize(
    ("now_key", "phrase", "expected"),
    [
        ("thu", "two days before Thanksgiving", "Tue 24 Nov 2026"),
        ("thu", "a week before last Friday", "Fri 13 Nov 2026"),
        ("thu", "3 days after Labor Day", "Thu 10 Sep 2026"),
        ("thu", "Tuesday before last", "Tue 17 Nov 2026"),
        ("far", "a week after Christmas", "Mon 1 Jan 2052"),
    ],
)
def test_whens_built_on_an_anchor(now_key: str, phrase: str, expected: str) -> None:
    assert _shown(parse_when, now_key, phrase) == expected


HALF_PHRASES = [
    "three weeks from the kickoff",
    "3 wks from kickoff",
    "2 days after the launch",
    "a week before they sign",
    "Friday after the offsite",
    "Tuesday after the board meeting",
    "next Tuesday after the vote",
    "EOW after the demo",
    "in 2 weeks from the go-live",
    "30 minutes after Monday",  # an offset from a day in minutes is not read, and neither is the day
    "5 hrs from Friday",
]


@pytest.mark.parametrize("phrase", HALF_PHRASES)
def test_a_phrase_read_only_in_part_is_not_read(phrase: str) -> None:
    tz, now = NOWS["thu"]
    assert parse_follow_up(phrase, tz=tz, now=now) is None
    assert parse_when(phrase, tz=tz, now=now) is None
    assert find_date(phrase, tz=tz, now=now, prefer="future") is None
    assert find_date(f"with Jane {phrase}", tz=tz, now=now, prefer="future") is None


def test_in_free_text_a_weekday_tied_to_something_unknown_is_left_out() -> None:
    tz, now = NOWS["thu"]
    text = "We met the Friday after the offsite and again on Dec 3"
    assert [m.parsed.phrase for m in find_dates(text, tz=tz, now=now, prefer="past")] == ["on Dec 3"]
    text = "Jane called three weeks from Friday's deadline, then next Tuesday"
    found = find_dates(text, tz=tz, now=now, prefer="future")
    assert [(m.parsed.phrase, format_local(m.parsed.at, tz)) for m in found] == [
        ("three weeks from Friday", "Fri 18 Dec 2026, 09:00"),
        ("next Tuesday", "Tue 1 Dec 2026, 09:00"),
    ]


def test_in_free_text_an_anchored_phrase_is_found_whole() -> None:
    tz, now = NOWS["thu"]
    [mention] = find_dates("call Jane a week from Monday about pricing", tz=tz, now=now, prefer="future")
    assert mention.parsed.phrase == "a week from Monday"
    assert format_local(mention.parsed.at, tz) == "Mon 7 Dec 2026, 09:00"


# --- properties ----------------------------------------------------------------------------------

ANCHORS = [
    "Friday", "next Tuesday", "tomorrow", "today", "the 20th", "Dec 5", "12/5", "Thanksgiving",
    "Christmas", "Memorial Day", "next week", "Q3", "EOW", "end of next month", "the Friday after Labor Day",
]  # fmt: skip
ZONES = [NEW_YORK, LOS_ANGELES, CHICAGO, ZoneInfo("Pacific/Honolulu"), ZoneInfo("UTC")]
moments = st.datetimes(
    min_value=datetime(2001, 1, 1), max_value=datetime(2089, 12, 31), timezones=st.just(UTC)
)
UNITS = {"days": 1, "day": 1, "d": 1, "weeks": 7, "wks": 7, "w": 7}


@settings(max_examples=300, deadline=None)
@given(
    anchor=st.sampled_from(ANCHORS),
    count=st.integers(min_value=1, max_value=90),
    unit=st.sampled_from(sorted(UNITS)),
    relation=st.sampled_from(["after", "from", "before"]),
    now=moments,
    tz=st.sampled_from(ZONES),
)
def test_an_offset_is_exactly_that_far_from_what_its_anchor_reads_as(
    anchor: str, count: int, unit: str, relation: str, now: datetime, tz: ZoneInfo
) -> None:
    alone = parse_follow_up(anchor, tz=tz, now=now)
    offset = parse_follow_up(f"{count} {unit} {relation} {anchor}", tz=tz, now=now)
    assert alone is not None and offset is not None
    sign = -1 if relation == "before" else 1
    assert offset.local_date == alone.local_date + timedelta(days=sign * count * UNITS[unit])


@settings(max_examples=300, deadline=None)
@given(
    head=st.sampled_from([*ANCHORS, "3 weeks", "a week", "2 days", "ten days", "Tuesday", "the day"]),
    relation=st.sampled_from(["after", "from", "before", "following"]),
    tail=st.sampled_from(["the kickoff", "the board meeting", "launch", "they sign", "our offsite"]),
    now=moments,
    tz=st.sampled_from(ZONES),
)
def test_no_phrase_is_read_from_only_its_first_part(
    head: str, relation: str, tail: str, now: datetime, tz: ZoneInfo
) -> None:
    phrase = f"{head} {relation} {tail}"
    assert parse_follow_up(phrase, tz=tz, now=now) is None
    assert find_date(phrase, tz=tz, now=now, prefer="future") is None


@settings(max_examples=200, deadline=None)
@given(
    weekday=st.sampled_from(["Monday", "Tuesday", "Wed", "Thurs", "Friday", "Sat", "Sunday"]),
    now=moments,
    tz=st.sampled_from(ZONES),
)
def test_the_weekday_after_next_is_a_week_after_the_next_one(
    weekday: str, now: datetime, tz: ZoneInfo
) -> None:
    nearest = parse_follow_up(weekday, tz=tz, now=now)
    after_next = parse_follow_up(f"{weekday} after next", tz=tz, now=now)
    assert nearest is not None and after_next is not None
    assert after_next.local_date == nearest.local_date + timedelta(days=7)


def test_showing_dates_does_not_load_dateparser() -> None:
    # Formatting is imported by many modules; dateparser loads in one place (bot/date_fallback.py).
    code = "import sys, bot.date_format; print('dateparser' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_words_that_do_not_relate_the_date_leave_it_read() -> None:
    tz, now = NOWS["thu"]
    mention = find_date("Monday since the vendor is out", tz=tz, now=now, prefer="future")
    assert mention is not None and mention.parsed.phrase == "Monday"
    text = "met Tina Friday after the demo"  # "a" ending a name does not lead in like "a week"
    assert [m.parsed.phrase for m in find_dates(text, tz=tz, now=now, prefer="past")] == ["Friday"]
