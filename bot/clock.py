"""The one source of "now" for the bot, so tests can freeze and move time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, at: datetime) -> None:
        self._at = _as_utc(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = _as_utc(at)

    def advance(self, **delta: float) -> datetime:
        """Move forward by `timedelta(**delta)` and return the new time."""
        self._at += timedelta(**delta)
        return self._at


def _as_utc(at: datetime) -> datetime:
    # A naive datetime has no meaning here; refusing it early keeps naive values out of the bot.
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("FrozenClock needs an aware datetime")
    return at.astimezone(UTC)
