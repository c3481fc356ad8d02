"""The playground's clock: it moves only forward, and "to Monday 9:00" means the next one, local time."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from playground.clock import PlaygroundClock, next_weekday_at

NEW_YORK = ZoneInfo("America/New_York")


def test_the_next_monday_at_nine_is_in_the_workspace_timezone_and_strictly_later() -> None:
    thursday = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # 10:00 in New York
    assert next_weekday_at(thursday, 0, time(9), NEW_YORK) == datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
    monday_nine = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
    assert next_weekday_at(monday_nine, 0, time(9), NEW_YORK) == datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
    monday_early = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)  # 08:00 in New York: still to come today
    assert next_weekday_at(monday_early, 0, time(9), NEW_YORK) == monday_nine


def test_daylight_saving_time_is_followed() -> None:
    # 9:00 in New York is 13:00 UTC in summer (EDT) and 14:00 UTC in winter (EST).
    friday_in_june = datetime(2026, 6, 5, 12, 0, tzinfo=UTC)
    assert next_weekday_at(friday_in_june, 0, time(9), NEW_YORK) == datetime(2026, 6, 8, 13, 0, tzinfo=UTC)


def test_the_clock_moves_forward_and_never_back() -> None:
    clock = PlaygroundClock()
    start = clock.now()
    later = clock.move_to(start + timedelta(days=3))
    assert later - start >= timedelta(days=3)
    assert clock.move_to(start) >= later, "a time already past leaves the clock where it is"
    assert clock.advance(timedelta(hours=1)) - later >= timedelta(hours=1)
    assert clock.now().tzinfo is not None
