"""When a channel's weekly digest is due, and reading `/brm digest on [weekday] [time] [parties]`.

Pure. A schedule is a weekday and a time of day in the subscriber's timezone ("every Monday at 09:00,
America/New_York"), so it follows daylight saving time. Each delivery belongs to an ISO week of that
local calendar (`week_key`), which is what makes "one digest per channel per week" checkable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import InputError
from bot.party_names import KnownParty, find_party
from bot.text import safe_mrkdwn

DEFAULT_WEEKDAY = 0  # Monday
DEFAULT_TIME = time(9, 0)
DIGEST_ON_EXAMPLE = "/brm digest on monday 9:00 DMV DOT"

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS = {
    **{name.lower(): index for index, name in enumerate(WEEKDAY_NAMES)},
    **{name.lower() + "s": index for index, name in enumerate(WEEKDAY_NAMES)},
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "weds": 2, "thu": 3, "thur": 3, "thurs": 3,
    "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
_TIME = re.compile(r"([0-9]{1,2})(?:[:.h]([0-9]{2}))?(am|pm|a|p)?", re.IGNORECASE)
_NAMED_TIMES = {"noon": time(12, 0), "midday": time(12, 0)}
_FILLER = frozenset({"every", "at", "on", "for", "weekly", "only", "and", "each", "in", "the", "parties"})


@dataclass(frozen=True)
class Schedule:
    weekday: int  # Monday is 0
    time_of_day: time
    tz: ZoneInfo

    @classmethod
    def stored(cls, weekday: int, time_of_day: str, timezone: str) -> Schedule:
        """A schedule from its stored columns; an unknown timezone is read as UTC."""
        hours, _, minutes = time_of_day.partition(":")
        try:
            tz = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            tz = ZoneInfo("UTC")
        return cls(weekday % 7, time(int(hours) % 24, int(minutes or 0) % 60), tz)

    @property
    def hhmm(self) -> str:
        return f"{self.time_of_day:%H:%M}"

    def describe(self) -> str:
        """ "every Monday at 09:00 (America/New_York)"."""
        return f"every {WEEKDAY_NAMES[self.weekday]} at {self.hhmm} ({self.tz.key})"

    def _at(self, day: date) -> datetime:
        return datetime.combine(day, self.time_of_day, tzinfo=self.tz).astimezone(UTC)

    def latest(self, now: datetime) -> datetime:
        """The latest scheduled time at or before `now` (UTC)."""
        today = now.astimezone(self.tz).date()
        day = today - timedelta(days=(today.weekday() - self.weekday) % 7)
        if self._at(day) > now:
            day -= timedelta(days=7)
        return self._at(day)

    def next_after(self, now: datetime) -> datetime:
        """The first scheduled time strictly after `now` (UTC)."""
        latest_day = self.latest(now).astimezone(self.tz).date()
        return self._at(latest_day + timedelta(days=7))

    def week_key(self, at: datetime) -> str:
        """The ISO week of a scheduled time in the schedule's own calendar: "2026-W49"."""
        year, week, _ = at.astimezone(self.tz).isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class DigestPlan:
    """What `/brm digest on ...` asked for."""

    weekday: int
    time_of_day: time
    parties: tuple[KnownParty, ...]  # empty: every party


def parse_digest_on(text: str, parties: Sequence[KnownParty]) -> DigestPlan:
    """Read "[weekday] [time] [party names]"; raise InputError on anything it cannot place."""
    text = re.sub(r"([0-9])\s+(am|pm)\b", r"\1\2", text.strip(), flags=re.IGNORECASE)
    weekday: int | None = None
    at: time | None = None
    chunks: list[list[str]] = [[]]
    for raw in re.split(r"(\s+|,)", text):
        word = raw.strip()
        lowered = word.lower().rstrip(".")
        if not word:
            continue
        if word == "," or lowered in _FILLER:
            if chunks[-1]:
                chunks.append([])
        elif lowered in _WEEKDAYS:
            if weekday is not None and weekday != _WEEKDAYS[lowered]:
                raise InputError("Pick one day of the week for the digest.", example=DIGEST_ON_EXAMPLE)
            weekday = _WEEKDAYS[lowered]
        elif (read := _read_time(lowered)) is not None:
            at = read
        elif _TIME.fullmatch(lowered) or re.fullmatch(r"[0-9]+[:.][0-9]+", lowered):
            raise InputError(
                f"“{safe_mrkdwn(word)}” isn't a time of day I can read. Try 9, 9am, 09:00 or 14:30.",
                example=DIGEST_ON_EXAMPLE,
            )
        else:
            chunks[-1].append(word)
    found: list[KnownParty] = []
    for chunk in (c for c in chunks if c):
        for party in _parties_in(chunk, parties):
            if party not in found:
                found.append(party)
    return DigestPlan(
        weekday=DEFAULT_WEEKDAY if weekday is None else weekday,
        time_of_day=at or DEFAULT_TIME,
        parties=tuple(found),
    )


def _read_time(word: str) -> time | None:
    if word in _NAMED_TIMES:
        return _NAMED_TIMES[word]
    match = _TIME.fullmatch(word)
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    half = (match.group(3) or "").lower()[:1]
    if minutes > 59:
        return None
    if half:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if half == "p" else 0)
    elif hours > 23:
        return None
    return time(hours, minutes)


def _parties_in(words: list[str], parties: Sequence[KnownParty]) -> list[KnownParty]:
    """The parties some words name: the longest exact names and aliases from the left ("DMV DOT",
    "department of motor vehicles"), and where none fits, the closest near miss ("dept revenue")."""
    by_id = {party.id: party for party in parties}
    found, start = [], 0
    while start < len(words):
        end, party_id = _longest_exact(words, start, parties)
        if party_id is None:
            end, party_id = _closest(words, start, parties)
        if party_id is None:
            known = ", ".join(safe_mrkdwn(party.name) for party in parties[:8]) or "none yet"
            raise InputError(
                f"I don't know a party called “{safe_mrkdwn(words[start])}”. Parties I know: {known}.",
                example=DIGEST_ON_EXAMPLE,
            )
        found.append(by_id[party_id])
        start = end
    return found


def _longest_exact(words: list[str], start: int, parties: Sequence[KnownParty]) -> tuple[int, int | None]:
    for end in range(len(words), start, -1):
        match = find_party(" ".join(words[start:end]), parties)
        if match is not None and match.party_id is not None and match.how in ("exact", "alias"):
            return end, match.party_id
    return start, None


def _closest(words: list[str], start: int, parties: Sequence[KnownParty]) -> tuple[int, int | None]:
    best: tuple[float, int, int] | None = None
    for end in range(start + 1, len(words) + 1):
        match = find_party(" ".join(words[start:end]), parties)
        if match is not None and match.party_id is not None and (best is None or match.score > best[0]):
            best = (match.score, end, match.party_id)
    return (best[1], best[2]) if best else (start, None)
