"""Holidays, quarters and fiscal years (bot/date_periods.py), read with the workspace's calendar."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.date_periods import fiscal_year_start_for
from bot.dates import DateCalendar, find_dates, format_local, parse_follow_up, parse_when, reading_calendar

NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")

NOWS = {
    "thu": (NEW_YORK, datetime(2026, 11, 26, 10, 0, tzinfo=NEW_YORK)),  # Thanksgiving 2026
    "nye": (LOS_ANGELES, datetime(2037, 12, 31, 16, 0, tzinfo=LOS_ANGELES)),  # the last day of 2037
    "dst": (NEW_YORK, datetime(2026, 3, 7, 20, 0, tzinfo=NEW_YORK)),  # clocks go forward overnight
    "june": (NEW_YORK, datetime(2031, 6, 30, 18, 0, tzinfo=NEW_YORK)),  # the last evening of FY31
}
FEDERAL = DateCalendar()
CA = DateCalendar(holiday_region="CA")
TX = DateCalendar(holiday_region="TX", fiscal_year_start=9)
NY = DateCalendar(holiday_region="NY", fiscal_year_start=4)
JANUARY = DateCalendar(fiscal_year_start=1)


def _shown(now_key: str, phrase: str, calendar: DateCalendar, parse=parse_follow_up) -> str | None:
    tz, now = NOWS[now_key]
    parsed = parse(phrase, tz=tz, now=now, calendar=calendar)
    return None if parsed is None else format_local(parsed.at, tz, with_time=parsed.has_time)


HOLIDAYS = [
    # The next one from today, today included.
    ("thu", "Thanksgiving", FEDERAL, "Thu 26 Nov 2026"),
    ("thu", "Christmas", FEDERAL, "Fri 25 Dec 2026"),
    ("thu", "xmas", FEDERAL, "Fri 25 Dec 2026"),
    ("thu", "New Year's", FEDERAL, "Fri 1 Jan 2027"),
    ("thu", "New Year’s Day", FEDERAL, "Fri 1 Jan 2027"),
    ("thu", "Memorial Day", FEDERAL, "Mon 31 May 2027"),
    ("thu", "Labor Day", FEDERAL, "Mon 6 Sep 2027"),
    ("thu", "MLK Day", FEDERAL, "Mon 18 Jan 2027"),
    ("thu", "Presidents Day", CA, "Mon 15 Feb 2027"),
    ("thu", "July 4th", FEDERAL, "Sun 4 Jul 2027"),  # the day itself, not the Monday off in lieu
    ("thu", "the Fourth of July", FEDERAL, "Sun 4 Jul 2027"),
    ("thu", "Juneteenth", FEDERAL, "Sat 19 Jun 2027"),
    ("thu", "Christmas Eve", FEDERAL, "Thu 24 Dec 2026"),
    ("thu", "New Year's Eve", FEDERAL, "Thu 31 Dec 2026"),
    ("thu", "by Christmas", FEDERAL, "Fri 25 Dec 2026"),
    ("nye", "New Year's", FEDERAL, "Fri 1 Jan 2038"),
    ("nye", "Christmas", FEDERAL, "Sat 25 Dec 2038"),
    ("dst", "Memorial Day", FEDERAL, "Mon 25 May 2026"),
    # State holidays: only where they are holidays.
    ("thu", "Cesar Chavez Day", CA, "Wed 31 Mar 2027"),
    ("thu", "Cesar Chavez Day", FEDERAL, None),
    ("thu", "Patriots' Day", DateCalendar(holiday_region="MA"), "Mon 19 Apr 2027"),
    ("thu", "Good Friday", TX, "Fri 26 Mar 2027"),
    # The working day after a holiday depends on the state's days off.
    ("thu", "after Thanksgiving", FEDERAL, "Fri 27 Nov 2026"),
    ("thu", "after Thanksgiving", CA, "Mon 30 Nov 2026"),
    ("thu", "after Christmas", FEDERAL, "Mon 28 Dec 2026"),
    ("thu", "after Christmas", TX, "Mon 28 Dec 2026"),
    ("thu", "before Christmas", TX, "Wed 23 Dec 2026"),  # Christmas Eve is a Texas holiday
]


@pytest.mark.parametrize(("now_key", "phrase", "calendar", "expected"), HOLIDAYS)
def test_holidays_by_name(now_key: str, phrase: str, calendar: DateCalendar, expected: str | None) -> None:
    assert _shown(now_key, phrase, calendar) == expected


def test_a_holiday_that_happened_is_the_latest_one() -> None:
    assert _shown("thu", "Labor Day", FEDERAL, parse_when) == "Mon 7 Sep 2026"
    assert _shown("nye", "Thanksgiving", FEDERAL, parse_when) == "Thu 26 Nov 2037"


PERIODS = [
    # Calendar quarters unless the phrase says fiscal.
    ("thu", "Q2", FEDERAL, "Thu 1 Apr 2027"),
    ("thu", "q1", FEDERAL, "Fri 1 Jan 2027"),
    ("thu", "Q4", FEDERAL, "Fri 1 Oct 2027"),  # this Q4 has started: the next one
    ("thu", "end of Q3", FEDERAL, "Thu 30 Sep 2027, 17:00"),
    ("thu", "end of Q4", FEDERAL, "Thu 31 Dec 2026, 17:00"),
    ("thu", "the end of the third quarter", FEDERAL, "Thu 30 Sep 2027, 17:00"),
    ("thu", "Q2 2027", FEDERAL, "Thu 1 Apr 2027"),
    ("thu", "Q1 '28", FEDERAL, "Sat 1 Jan 2028"),
    ("thu", "next quarter", FEDERAL, "Fri 1 Jan 2027"),
    ("thu", "next qtr", FEDERAL, "Fri 1 Jan 2027"),
    ("thu", "this quarter", FEDERAL, "Thu 31 Dec 2026, 17:00"),
    ("thu", "EOQ", FEDERAL, "Thu 31 Dec 2026, 17:00"),
    ("thu", "end of next quarter", FEDERAL, "Wed 31 Mar 2027, 17:00"),
    ("dst", "end of Q1", FEDERAL, "Tue 31 Mar 2026, 17:00"),
    ("dst", "Q2", FEDERAL, "Wed 1 Apr 2026"),
    ("nye", "next quarter", FEDERAL, "Fri 1 Jan 2038"),
    ("nye", "end of Q1", FEDERAL, "Wed 31 Mar 2038, 17:00"),
    ("nye", "EOY", FEDERAL, "Thu 31 Dec 2037, 17:00"),
    # Fiscal quarters count from the month the fiscal year starts (July unless set).
    ("thu", "fiscal Q3", FEDERAL, "Fri 1 Jan 2027"),
    ("thu", "FQ3", FEDERAL, "Fri 1 Jan 2027"),
    ("thu", "Q3 FY27", FEDERAL, "Fri 1 Jan 2027"),
    ("thu", "FY27 Q3", FEDERAL, "Fri 1 Jan 2027"),
    ("thu", "end of FY28 Q1", NY, "Wed 30 Jun 2027, 17:00"),
    ("thu", "end of FQ2", FEDERAL, "Thu 31 Dec 2026, 17:00"),
    ("thu", "FQ1", NY, "Thu 1 Apr 2027"),
    ("thu", "fiscal Q1", TX, "Wed 1 Sep 2027"),
    ("thu", "next fiscal quarter", NY, "Fri 1 Jan 2027"),
    ("thu", "end of the fiscal quarter", TX, "Mon 30 Nov 2026, 17:00"),
    ("dst", "fiscal Q4", FEDERAL, "Wed 1 Apr 2026"),
    # Fiscal years: FY27 is the one that ends in 2027.
    ("thu", "next fiscal year", FEDERAL, "Thu 1 Jul 2027"),
    ("thu", "next FY", NY, "Thu 1 Apr 2027"),
    ("thu", "end of FY", FEDERAL, "Wed 30 Jun 2027, 17:00"),
    ("thu", "EOFY", FEDERAL, "Wed 30 Jun 2027, 17:00"),
    ("thu", "EOFY", NY, "Wed 31 Mar 2027, 17:00"),
    ("thu", "EOFY", TX, "Tue 31 Aug 2027, 17:00"),
    ("thu", "end of the fiscal year", DateCalendar(fiscal_year_start=10), "Thu 30 Sep 2027, 17:00"),
    ("thu", "EOFY", JANUARY, "Thu 31 Dec 2026, 17:00"),
    ("thu", "end of next fiscal year", FEDERAL, "Fri 30 Jun 2028, 17:00"),
    ("thu", "FY28", FEDERAL, "Thu 1 Jul 2027"),
    ("thu", "FY 2028", TX, "Wed 1 Sep 2027"),
    ("thu", "FY28", JANUARY, "Sat 1 Jan 2028"),
    ("thu", "end of FY27", FEDERAL, "Wed 30 Jun 2027, 17:00"),
    ("thu", "FYE 27", NY, "Wed 31 Mar 2027, 17:00"),
    ("nye", "next fiscal year", FEDERAL, "Thu 1 Jul 2038"),
    ("nye", "FY39", FEDERAL, "Thu 1 Jul 2038"),
    # On the last evening of a fiscal year, its end has passed: the next one's.
    ("june", "EOFY", FEDERAL, "Wed 30 Jun 2032, 17:00"),
    ("june", "next fiscal year", FEDERAL, "Tue 1 Jul 2031"),
]


@pytest.mark.parametrize(("now_key", "phrase", "calendar", "expected"), PERIODS)
def test_quarters_and_fiscal_years(now_key: str, phrase: str, calendar: DateCalendar, expected: str) -> None:
    assert _shown(now_key, phrase, calendar) == expected


def test_periods_that_happened() -> None:
    assert _shown("thu", "last quarter", FEDERAL, parse_when) == "Wed 1 Jul 2026"
    assert _shown("thu", "Q3", FEDERAL, parse_when) == "Wed 1 Jul 2026"
    assert _shown("thu", "last fiscal year", FEDERAL, parse_when) == "Tue 1 Jul 2025"


def test_in_free_text_a_bare_quarter_or_holiday_needs_a_word_that_makes_it_a_date() -> None:
    tz, now = NOWS["thu"]
    said = "the Q3 numbers were fine and the Christmas party is on; decision by Q2, review before Christmas"
    found = [m.parsed.phrase for m in find_dates(said, tz=tz, now=now, prefer="future")]
    assert found == ["by Q2", "before Christmas"]


def test_the_workspace_calendar_applies_inside_reading_calendar() -> None:
    tz, now = NOWS["thu"]
    with reading_calendar(DateCalendar(holiday_region="CA", fiscal_year_start=4)):
        after = parse_follow_up("after Thanksgiving", tz=tz, now=now)
        fiscal_end = parse_follow_up("EOFY", tz=tz, now=now)
    outside = parse_follow_up("after Thanksgiving", tz=tz, now=now)
    assert after is not None and fiscal_end is not None and outside is not None
    assert (after.local_date.isoformat(), fiscal_end.local_date.isoformat()) == ("2026-11-30", "2027-03-31")
    assert outside.local_date.isoformat() == "2026-11-27"


@pytest.mark.parametrize(
    ("state", "month"), [("NY", 4), ("TX", 9), ("AL", 10), ("MI", 10), ("CA", 7), ("ny", 4), (None, 7)]
)
def test_the_fiscal_year_start_defaults_from_the_state(state: str | None, month: int) -> None:
    assert fiscal_year_start_for(state) == month


@pytest.mark.parametrize(
    ("now_key", "phrase", "expected"),
    [
        ("thu", "the second Tuesday of next month", "Tue 8 Dec 2026"),
        ("thu", "the last Friday in March", "Fri 26 Mar 2027"),
        ("thu", "first Monday of the month", "Mon 7 Dec 2026"),  # this month's has passed
        ("thu", "the last Friday of this month", "Fri 27 Nov 2026"),
        ("thu", "the 3rd Thursday of November", "Thu 18 Nov 2027"),
        ("thu", "the 4th Thursday in November 2027", "Thu 25 Nov 2027"),
        ("thu", "the 5th of next month", "Sat 5 Dec 2026"),
        ("thu", "2 days after the first Monday of next month", "Wed 9 Dec 2026"),
        ("nye", "the first Monday of the month", "Mon 4 Jan 2038"),
        ("nye", "the 15th of next month", "Fri 15 Jan 2038"),
        ("thu", "the fifth Monday of February", None),  # February 2027 and 2028 have four
    ],
)
def test_a_day_by_its_place_in_a_month(now_key: str, phrase: str, expected: str | None) -> None:
    assert _shown(now_key, phrase, FEDERAL) == expected
