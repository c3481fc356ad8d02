"""Reading and showing touchpoint cadences, and when a touchpoint nudge may go out."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.cadence import describe_cadence, read_cadence
from bot.errors import InputError
from bot.touchpoints import touchpoint_send_time

NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("every 2 weeks", 14),
        ("Every two weeks.", 14),
        ("weekly", 7),
        ("biweekly", 14),
        ("every week", 7),
        ("monthly", 30),
        ("every month", 30),
        ("every other month", 60),
        ("30 days", 30),
        ("every 10 days", 10),
        ("quarterly", 91),
        ("once a year", 365),
        ("none", None),
        ("default", None),
    ],
)
def test_cadences_people_write(text: str, days: int | None) -> None:
    assert read_cadence(text) == days


@pytest.mark.parametrize(
    "text", ["", "sometimes", "every 0 days", "every 2 years", "every -3 weeks", "fortnight-ish"]
)
def test_what_is_not_a_cadence_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(InputError) as refused:
        read_cadence(text)
    assert refused.value.example


@pytest.mark.parametrize(
    ("days", "said"),
    [
        (7, "every week"),
        (14, "every 2 weeks"),
        (30, "every month"),
        (91, "every quarter"),
        (10, "every 10 days"),
        (1, "every day"),
        (None, "no cadence"),
    ],
)
def test_cadences_read_back_in_words(days: int | None, said: str) -> None:
    assert describe_cadence(days) == said
    if days:
        assert read_cadence(said) == days


@pytest.mark.parametrize(
    ("due", "sent"),
    [
        # Thursday 3 December 2026 in New York.
        (datetime(2026, 12, 3, 15, 0, tzinfo=UTC), datetime(2026, 12, 3, 15, 0, tzinfo=UTC)),  # 10:00: then
        (
            datetime(2026, 12, 3, 11, 0, tzinfo=UTC),
            datetime(2026, 12, 3, 14, 0, tzinfo=UTC),
        ),  # 06:00: at 09:00
        (
            datetime(2026, 12, 3, 23, 0, tzinfo=UTC),
            datetime(2026, 12, 4, 14, 0, tzinfo=UTC),
        ),  # 18:00: next day
        (
            datetime(2026, 12, 4, 23, 0, tzinfo=UTC),
            datetime(2026, 12, 7, 14, 0, tzinfo=UTC),
        ),  # Friday night: Monday
        (
            datetime(2026, 11, 26, 15, 0, tzinfo=UTC),
            datetime(2026, 11, 27, 14, 0, tzinfo=UTC),
        ),  # Thanksgiving
    ],
)
def test_touchpoint_nudges_go_out_in_working_hours_on_working_days(due: datetime, sent: datetime) -> None:
    when = touchpoint_send_time(due, tz=NY, region=None)
    assert when == sent
    assert touchpoint_send_time(when, tz=NY, region=None) == when  # asking again changes nothing
