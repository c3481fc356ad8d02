"""The playground's clock: the wall clock plus however far the person on the page has moved it ahead.

The app is built with this clock (its one clock, bot/clock.py's `Clock`), so moving it makes follow-ups
and digests come due while one watches.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


class PlaygroundClock:
    """Real time, shifted forward by an offset that only grows (time never runs backwards)."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset  # real time on purpose: the playground's own base

    def move_to(self, at: datetime) -> datetime:
        """Jump to `at` (an aware datetime); a time already past leaves the clock where it is."""
        if at.tzinfo is None:
            raise ValueError("the playground clock needs an aware datetime")
        with self._lock:
            real = datetime.now(UTC)  # real time on purpose: the offset is measured from it
            self._offset = max(self._offset, at - real)
            return real + self._offset

    def advance(self, by: timedelta) -> datetime:
        return self.move_to(self.now() + by)


def next_weekday_at(now: datetime, weekday: int, at: time, tz: ZoneInfo) -> datetime:
    """The first `weekday` (Monday 0) at `at` in `tz` strictly after `now`."""
    local = now.astimezone(tz)
    days_ahead = (weekday - local.weekday()) % 7
    candidate = datetime.combine(local.date() + timedelta(days=days_ahead), at, tzinfo=tz)
    if candidate <= local:
        candidate = datetime.combine(candidate.date() + timedelta(days=7), at, tzinfo=tz)
    return candidate.astimezone(UTC)
