"""Reading dates as people write them in chat, in their own timezone (bot/dates.py)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.dates import (
    ParsedDate,
    describe,
    find_date,
    find_dates,
    format_local,
    normalise_shorthand,
    parse_follow_up,
    parse_when,
    slack_date,
    warm_up,
)

NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
HONOLULU = ZoneInfo("Pacific/Honolulu")

# name -> (timezone, now). Thursday 26 Nov 2026 10:00 in New York is the default.
NOWS = {
    "thu": (NEW_YORK, datetime(2026, 11, 26, 10, 0, tzinfo=NEW_YORK)),
    "sat": (LOS_ANGELES, datetime(2026, 11, 28, 15, 0, tzinfo=LOS_ANGELES)),
    # Honolulu is still Wednesday 17:00 when UTC is already Thursday.
    "hnl": (HONOLULU, datetime(2026, 11, 26, 3, 0, tzinfo=UTC)),
    # Saturday 7 March 2026, the evening before clocks go forward in the US.
    "spring": (NEW_YORK, datetime(2026, 3, 7, 20, 0, tzinfo=NEW_YORK)),
    # 01:30 on the night clocks go forward (02:00 -> 03:00).
    "spring_night": (NEW_YORK, datetime(2026, 3, 8, 1, 30, tzinfo=NEW_YORK)),
    # Saturday 31 October 2026 in Los Angeles: month end, and clocks go back the next morning.
    "fall": (LOS_ANGELES, datetime(2026, 10, 31, 10, 0, tzinfo=LOS_ANGELES)),
    # Friday 29 January 2027 18:00: after end of day, end of week still to come? no, it has passed.
    "fri_evening": (NEW_YORK, datetime(2027, 1, 29, 18, 0, tzinfo=NEW_YORK)),
}


def _read(parse, now_key: str, phrase: str) -> tuple[str, bool] | None:
    tz, now = NOWS[now_key]
    parsed = parse(phrase, tz=tz, now=now)
    if parsed is None:
        return None
    assert parsed.at.tzinfo is UTC
    assert parsed.local_date == parsed.at.astimezone(tz).date()
    return format_local(parsed.at, tz), parsed.has_time


FOLLOW_UPS = [
    # The worked example and plain weekdays: a bare weekday is the next one after today.
    ("thu", "next Tuesday", "Tue 1 Dec 2026, 09:00", False),
    ("thu", "next Tues", "Tue 1 Dec 2026, 09:00", False),
    ("thu", "Friday", "Fri 27 Nov 2026, 09:00", False),
    ("thu", "by Friday", "Fri 27 Nov 2026, 09:00", False),
    ("thu", "by Fri", "Fri 27 Nov 2026, 09:00", False),
    ("thu", "Thursday", "Thu 3 Dec 2026, 09:00", False),
    ("thu", "this Friday", "Fri 27 Nov 2026, 09:00", False),
    ("thu", "mon", "Mon 30 Nov 2026, 09:00", False),
    ("thu", "tues", "Tue 1 Dec 2026, 09:00", False),
    ("thu", "thurs", "Thu 3 Dec 2026, 09:00", False),
    ("thu", "Tuesday next week", "Tue 1 Dec 2026, 09:00", False),
    ("thu", "next week Wednesday", "Wed 2 Dec 2026, 09:00", False),
    # Relative amounts and chat shorthand.
    ("thu", "in 2 weeks", "Thu 10 Dec 2026, 09:00", False),
    ("thu", "in 2 wks", "Thu 10 Dec 2026, 09:00", False),
    ("thu", "2wks", "Thu 10 Dec 2026, 09:00", False),
    ("thu", "in 3 days", "Sun 29 Nov 2026, 09:00", False),
    ("thu", "in a couple of weeks", "Thu 10 Dec 2026, 09:00", False),
    ("thu", "in 2 hours", "Thu 26 Nov 2026, 12:00", True),
    ("thu", "in 30 mins", "Thu 26 Nov 2026, 10:30", True),
    ("thu", "in a month", "Sat 26 Dec 2026, 09:00", False),
    ("thu", "tomorrow", "Fri 27 Nov 2026, 09:00", False),
    ("thu", "tmrw", "Fri 27 Nov 2026, 09:00", False),
    ("thu", "tmw", "Fri 27 Nov 2026, 09:00", False),
    ("thu", "tomorrow 3pm", "Fri 27 Nov 2026, 15:00", True),
    ("thu", "tmrw at 3", "Fri 27 Nov 2026, 15:00", True),
    ("thu", "10am tomorrow", "Fri 27 Nov 2026, 10:00", True),
    ("thu", "at 3pm on Friday", "Fri 27 Nov 2026, 15:00", True),
    ("thu", "Friday afternoon", "Fri 27 Nov 2026, 14:00", True),
    ("thu", "first thing tomorrow", "Fri 27 Nov 2026, 09:00", True),
    ("thu", "3pm", "Thu 26 Nov 2026, 15:00", True),
    ("thu", "9am", "Fri 27 Nov 2026, 09:00", True),  # 09:00 has passed today: the next one
    # End of day, week, month.
    ("thu", "EOD", "Thu 26 Nov 2026, 17:00", True),
    ("thu", "COB", "Thu 26 Nov 2026, 17:00", True),
    ("thu", "end of day", "Thu 26 Nov 2026, 17:00", True),
    ("thu", "EOD Friday", "Fri 27 Nov 2026, 17:00", True),
    ("thu", "Friday EOD", "Fri 27 Nov 2026, 17:00", True),
    ("thu", "EOW", "Fri 27 Nov 2026, 17:00", True),
    ("thu", "end of week", "Fri 27 Nov 2026, 17:00", True),
    ("thu", "end of the week", "Fri 27 Nov 2026, 17:00", True),
    ("thu", "end of next week", "Fri 4 Dec 2026, 17:00", True),
    ("thu", "EOM", "Mon 30 Nov 2026, 17:00", True),
    ("thu", "end of month", "Mon 30 Nov 2026, 17:00", True),
    ("thu", "end of next month", "Thu 31 Dec 2026, 17:00", True),
    ("thu", "next week", "Mon 30 Nov 2026, 09:00", False),
    ("thu", "next month", "Tue 1 Dec 2026, 09:00", False),
    ("thu", "mid-month", "Tue 15 Dec 2026, 09:00", False),
    ("thu", "mid December", "Tue 15 Dec 2026, 09:00", False),
    # Calendar dates: the next one ahead; numbers are US style.
    ("thu", "Dec 5", "Sat 5 Dec 2026, 09:00", False),
    ("thu", "December 5th", "Sat 5 Dec 2026, 09:00", False),
    ("thu", "5 Dec", "Sat 5 Dec 2026, 09:00", False),
    ("thu", "12/5", "Sat 5 Dec 2026, 09:00", False),
    ("thu", "12/5/2026", "Sat 5 Dec 2026, 09:00", False),
    ("thu", "2026-12-05", "Sat 5 Dec 2026, 09:00", False),
    ("thu", "11/3", "Wed 3 Nov 2027, 09:00", False),
    ("thu", "the 5th", "Sat 5 Dec 2026, 09:00", False),
    ("thu", "Feb 29", "Tue 29 Feb 2028, 09:00", False),
    ("thu", "Tue, Dec 1", "Tue 1 Dec 2026, 09:00", False),
    # dateparser reads what our grammar does not.
    ("thu", "5 December 2026 3pm", "Sat 5 Dec 2026, 15:00", True),
    ("thu", "a fortnight from now", "Thu 10 Dec 2026, 09:00", False),
    ("thu", "January", "Fri 1 Jan 2027, 09:00", False),
    # The weekend: Saturday afternoon in Los Angeles.
    ("sat", "next week", "Mon 30 Nov 2026, 09:00", False),
    ("sat", "next Tuesday", "Tue 1 Dec 2026, 09:00", False),
    ("sat", "Friday", "Fri 4 Dec 2026, 09:00", False),
    ("sat", "Saturday", "Sat 5 Dec 2026, 09:00", False),
    ("sat", "EOW", "Fri 4 Dec 2026, 17:00", True),
    ("sat", "tomorrow", "Sun 29 Nov 2026, 09:00", False),
    ("sat", "today", "Sat 28 Nov 2026, 17:00", False),  # 09:00 has passed: end of the day
    ("sat", "EOD", "Sat 28 Nov 2026, 17:00", True),
    # Honolulu: still Wednesday there, and 17:00 has just come.
    ("hnl", "tomorrow", "Thu 26 Nov 2026, 09:00", False),
    ("hnl", "EOD", "Thu 26 Nov 2026, 17:00", True),
    ("hnl", "Friday", "Fri 27 Nov 2026, 09:00", False),
    ("hnl", "next Tuesday", "Tue 1 Dec 2026, 09:00", False),
    # DST and month ends.
    ("spring", "tomorrow", "Sun 8 Mar 2026, 09:00", False),
    ("spring", "tomorrow 2:30am", "Sun 8 Mar 2026, 03:30", True),  # 02:30 does not exist that night
    ("spring_night", "in 1 hour", "Sun 8 Mar 2026, 03:30", True),
    ("fall", "tomorrow", "Sun 1 Nov 2026, 09:00", False),
    ("fall", "EOM", "Sat 31 Oct 2026, 17:00", True),
    ("fall", "next month", "Sun 1 Nov 2026, 09:00", False),
    ("fall", "in a month", "Mon 30 Nov 2026, 09:00", False),
    ("fri_evening", "EOD", "Sat 30 Jan 2027, 17:00", True),
    ("fri_evening", "EOW", "Fri 5 Feb 2027, 17:00", True),
    ("fri_evening", "EOM", "Sun 31 Jan 2027, 17:00", True),
    ("fri_evening", "next month", "Mon 1 Feb 2027, 09:00", False),
    ("fri_evening", "by Friday", "Fri 5 Feb 2027, 09:00", False),
    # Government calendars: business days, quarters, years, a week named by a day in it.
    ("thu", "next business day", "Fri 27 Nov 2026, 09:00", False),
    ("fri_evening", "next business day", "Mon 1 Feb 2027, 09:00", False),
    ("thu", "in 3 business days", "Tue 1 Dec 2026, 09:00", False),
    ("thu", "by the next working day", "Fri 27 Nov 2026, 09:00", False),
    ("thu", "EOQ", "Thu 31 Dec 2026, 17:00", True),
    ("thu", "end of next quarter", "Wed 31 Mar 2027, 17:00", True),
    ("spring", "end of quarter", "Tue 31 Mar 2026, 17:00", True),
    ("thu", "end of year", "Thu 31 Dec 2026, 17:00", True),
    ("fri_evening", "EOY", "Fri 31 Dec 2027, 17:00", True),
    ("thu", "this month", "Mon 30 Nov 2026, 17:00", True),
    ("thu", "later this week", "Fri 27 Nov 2026, 09:00", False),
    ("thu", "first of the month", "Tue 1 Dec 2026, 09:00", False),
    ("thu", "week of Dec 7", "Mon 7 Dec 2026, 09:00", False),
    ("thu", "the week of Jan 4th", "Mon 4 Jan 2027, 09:00", False),
]


@pytest.mark.parametrize(("now_key", "phrase", "expected", "has_time"), FOLLOW_UPS)
def test_parse_follow_up(now_key: str, phrase: str, expected: str, has_time: bool) -> None:
    assert _read(parse_follow_up, now_key, phrase) == (expected, has_time)


WHENS = [
    ("thu", "yesterday", "Wed 25 Nov 2026, 12:00", False),
    ("thu", "yday", "Wed 25 Nov 2026, 12:00", False),
    ("thu", "today", "Thu 26 Nov 2026, 10:00", False),  # today keeps the time it is now
    ("thu", "Tuesday", "Tue 24 Nov 2026, 12:00", False),
    ("thu", "on Tuesday", "Tue 24 Nov 2026, 12:00", False),
    ("thu", "Thursday", "Thu 26 Nov 2026, 10:00", False),  # a bare weekday may be today
    ("thu", "last Thursday", "Thu 19 Nov 2026, 12:00", False),
    ("thu", "last Friday 2pm", "Fri 20 Nov 2026, 14:00", True),
    ("thu", "last Friday at 2:30 pm", "Fri 20 Nov 2026, 14:30", True),
    ("thu", "2pm yesterday", "Wed 25 Nov 2026, 14:00", True),
    ("thu", "yesterday afternoon", "Wed 25 Nov 2026, 14:00", True),
    ("thu", "this morning", "Thu 26 Nov 2026, 09:00", True),
    ("thu", "last night", "Wed 25 Nov 2026, 20:00", True),
    ("thu", "2 days ago", "Tue 24 Nov 2026, 12:00", False),
    ("thu", "an hour ago", "Thu 26 Nov 2026, 09:00", True),
    ("thu", "a week ago", "Thu 19 Nov 2026, 12:00", False),
    ("thu", "11/3", "Tue 3 Nov 2026, 12:00", False),
    ("thu", "Nov 3", "Tue 3 Nov 2026, 12:00", False),
    ("thu", "Dec 5", "Fri 5 Dec 2025, 12:00", False),  # no year: the last one behind us
    ("sat", "yesterday", "Fri 27 Nov 2026, 12:00", False),
    ("sat", "Friday", "Fri 27 Nov 2026, 12:00", False),
    ("sat", "last Friday", "Fri 27 Nov 2026, 12:00", False),
    ("hnl", "yesterday", "Tue 24 Nov 2026, 12:00", False),
    ("hnl", "today", "Wed 25 Nov 2026, 17:00", False),
    ("spring", "this morning", "Sat 7 Mar 2026, 09:00", True),
    ("fall", "yesterday", "Fri 30 Oct 2026, 12:00", False),
]


@pytest.mark.parametrize(("now_key", "phrase", "expected", "has_time"), WHENS)
def test_parse_when(now_key: str, phrase: str, expected: str, has_time: bool) -> None:
    assert _read(parse_when, now_key, phrase) == (expected, has_time)


@pytest.mark.parametrize(
    "phrase",
    ["", "   ", "next blursday", "asap", "soon", "with Jane about pricing", "may", "the", "ad", "32/13"],
)
def test_unreadable_follow_ups_give_none(phrase: str) -> None:
    tz, now = NOWS["thu"]
    assert parse_follow_up(phrase, tz=tz, now=now) is None


@pytest.mark.parametrize("phrase", ["may", "march", "in March", "next blursday", "2/30"])
def test_unreadable_whens_give_none(phrase: str) -> None:
    tz, now = NOWS["thu"]
    assert parse_when(phrase, tz=tz, now=now) is None


def test_the_worked_example_is_exact_in_utc() -> None:
    tz, now = NOWS["thu"]
    assert parse_follow_up("next Tuesday", tz=tz, now=now) == ParsedDate(
        at=datetime(2026, 12, 1, 14, 0, tzinfo=UTC),
        has_time=False,
        local_date=datetime(2026, 12, 1).date(),
        phrase="next Tuesday",
    )


def test_the_same_words_mean_the_local_day_in_each_timezone() -> None:
    now = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # Thu 03:00 New York, Wed 22:00 Honolulu
    new_york = parse_follow_up("tomorrow", tz=NEW_YORK, now=now)
    honolulu = parse_follow_up("tomorrow", tz=HONOLULU, now=now)
    assert new_york is not None and honolulu is not None
    assert new_york.at == datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    assert honolulu.at == datetime(2026, 11, 26, 19, 0, tzinfo=UTC)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_follow_up("tomorrow", tz=NEW_YORK, now=datetime(2026, 11, 26, 10, 0))


FREE_TEXT = [
    ("met Jane yesterday at 3pm about 3/4 of offices", [("yesterday at 3pm", "Wed 25 Nov 2026, 15:00")]),
    ("we may need to march on, may 2 be enough", []),
    ("sat down with them Tuesday", [("Tuesday", "Tue 24 Nov 2026, 12:00")]),
    ("met on Sat", [("on Sat", "Sat 21 Nov 2026, 12:00")]),
    ("on 3/4 we met", [("on 3/4", "Wed 4 Mar 2026, 12:00")]),
    ("portal down since 9am, call at 9am", [("at 9am", "Thu 26 Nov 2026, 09:00")]),
    ("1:1 with Bob, fixed 24/7 support", []),
    ("monitoring the wednesday release", [("wednesday", "Wed 25 Nov 2026, 12:00")]),
    ("2 weeks of work", []),
]


@pytest.mark.parametrize(("text", "expected"), FREE_TEXT)
def test_find_dates_in_free_text_is_cautious(text: str, expected: list[tuple[str, str]]) -> None:
    tz, now = NOWS["thu"]
    found = find_dates(text, tz=tz, now=now, prefer="past")
    assert [(m.parsed.phrase, describe_with_time(m.parsed, tz)) for m in found] == expected
    for mention in found:
        assert text[mention.start : mention.end].rstrip(".") == mention.parsed.phrase


def describe_with_time(parsed: ParsedDate, tz: ZoneInfo) -> str:
    return format_local(parsed.at, tz)


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("next Tuesday", "next Tuesday", "Tue 1 Dec 2026"),
        ("2 wks", "2 wks", "Thu 10 Dec 2026"),
        ("with Jane next Tuesday on pricing", "next Tuesday", "Tue 1 Dec 2026"),
        ("on sat", "on sat", "Sat 28 Nov 2026"),
        ("5 December 2026", "5 December 2026", "Sat 5 Dec 2026"),
    ],
)
def test_find_date_in_a_follow_up_clause(text: str, phrase: str, expected: str) -> None:
    tz, now = NOWS["thu"]
    mention = find_date(text, tz=tz, now=now, prefer="future")
    assert mention is not None
    assert (text[mention.start : mention.end], describe(mention.parsed, tz)) == (phrase, expected)


def test_find_date_gives_none_without_a_date() -> None:
    tz, now = NOWS["thu"]
    assert find_date("with Jane about the pricing model", tz=tz, now=now, prefer="future") is None


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("tmrw 3p", "tomorrow 3pm"),
        ("in 2wks", "in 2 weeks"),
        ("next Thurs EOD", "next thursday 5pm"),
        ("nxt Fri thru Mon", "next friday through monday"),
    ],
)
def test_normalise_shorthand(phrase: str, expected: str) -> None:
    assert normalise_shorthand(phrase) == expected


def test_format_local_and_describe() -> None:
    at = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert format_local(at, NEW_YORK) == "Tue 1 Dec 2026, 09:00"
    assert format_local(at, HONOLULU) == "Tue 1 Dec 2026, 04:00"
    assert format_local(at, NEW_YORK, with_time=False) == "Tue 1 Dec 2026"
    parsed = ParsedDate(at, False, at.date(), "next Tuesday")
    assert describe(parsed, NEW_YORK) == "Tue 1 Dec 2026"


def test_slack_date_token() -> None:
    at = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
    assert slack_date(at, "Thu 1 Jan 2026, 03:00") == (
        "<!date^1767254400^{date_short_pretty} at {time}|Thu 1 Jan 2026, 03:00>"
    )
    assert (
        slack_date(at, "a|b <!here>", with_time=False)
        == "<!date^1767254400^{date_short_pretty}|a/b @\u2060here>"
    )


def test_warm_up_runs() -> None:
    warm_up()
