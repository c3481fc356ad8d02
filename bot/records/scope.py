"""Reading what a records command is about: `[party …] [from DATE] [to DATE] [by @person] [format …]`.

Shared by `/brm export` and `/brm hold add`. Dates are ISO (2025-01-01), read as whole days in the
requester's timezone: `from` is the first day included, `to` the last. Records work is exact, so
nothing here guesses a date from loose words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import InputError
from bot.text import USER_MENTION, safe_mrkdwn, truncate

FORMATS = ("csv", "json")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Scope:
    """What a records command covers; every part optional."""

    party_words: str  # the words naming a party, as written ("" for every party)
    first_day: date | None
    last_day: date | None
    user_id: str | None
    formats: tuple[str, ...] = FORMATS

    def bounds(self, tz: ZoneInfo) -> tuple[datetime | None, datetime | None]:
        """The start (inclusive) and end (exclusive) of the days covered, as moments in `tz`."""
        start = datetime.combine(self.first_day, time(), tz) if self.first_day else None
        end = datetime.combine(self.last_day + timedelta(days=1), time(), tz) if self.last_day else None
        return start, end

    @property
    def empty(self) -> bool:
        return not (self.party_words or self.first_day or self.last_day or self.user_id)


def read_scope(text: str, *, example: str, allow_format: bool = False) -> Scope:
    """The scope in `text`; InputError, with `example`, for a date or a word it cannot read."""
    words = text.split()
    party: list[str] = []
    first = last = None
    user_id: str | None = None
    formats = FORMATS
    i = 0
    while i < len(words):
        word, lower = words[i], words[i].lower()
        following = words[i + 1] if i + 1 < len(words) else None
        mention = USER_MENTION.fullmatch(word)
        if mention or (lower == "by" and following and USER_MENTION.fullmatch(following)):
            found = mention or USER_MENTION.fullmatch(following or "")
            assert found is not None
            if user_id is not None:
                raise InputError("Name one person at most.", example=example)
            user_id = found["id"]
            i += 1 if mention else 2
        elif lower in ("from", "to") and following is not None and _DATE.fullmatch(following):
            day = _read_day(following, example)
            if lower == "from":
                first = day
            else:
                last = day
            i += 2
        elif lower in ("from", "to"):
            shown = safe_mrkdwn(truncate(following or "nothing", 30))
            raise InputError(
                f"After `{lower}` I need a date written like 2025-01-01; I read “{shown}”.", example=example
            )
        elif lower == "format" and allow_format:
            if following is None or following.lower() not in FORMATS:
                raise InputError("The format is `csv` or `json` (without it: both).", example=example)
            formats = (following.lower(),)
            i += 2
        else:
            party.append(word)
            i += 1
    if first and last and last < first:
        raise InputError(f"The range ends ({last}) before it starts ({first}).", example=example)
    return Scope(" ".join(party), first, last, user_id, formats)


def _read_day(word: str, example: str) -> date:
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise InputError(f"{word} is not a date in the calendar.", example=example) from None


def describe_scope(scope: Scope, party_name: str | None) -> str:
    """ "DMV, from 2025-01-01 to 2025-12-31, by <@U2>" (mrkdwn), or "every record"."""
    parts = []
    if party_name:
        parts.append(f"*{safe_mrkdwn(party_name)}*")
    if scope.first_day or scope.last_day:
        parts.append(days_text(scope.first_day, scope.last_day))
    if scope.user_id:
        parts.append(f"of <@{scope.user_id}>")
    return ", ".join(parts) if parts else "every record"


def days_text(first: date | None, last: date | None) -> str:
    """ "from 2025-01-01 to 2025-12-31", "from 2025-01-01", "to 2025-12-31"."""
    return " ".join(part for part in (f"from {first}" if first else "", f"to {last}" if last else "") if part)
