"""Touchpoint cadence: how often a relationship should be touched, read from and shown as words.

Pure: no Slack, no database. A cadence is a whole number of days; "every 2 weeks" is 14, "monthly"
30, "quarterly" 91. `due_after` says when the next touchpoint is due from the last one; the nudge
that says so is planned in bot/touchpoints.py.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.errors import InputError
from bot.text import safe_mrkdwn, truncate

CADENCE_EXAMPLE = "/brm party DMV cadence every 2 weeks"
MAX_DAYS = 366
_UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "quarter": 91, "year": 365}
_WORDS = {
    "daily": 1,
    "weekly": 7,
    "biweekly": 14,
    "bi-weekly": 14,
    "fortnightly": 14,
    "monthly": 30,
    "bimonthly": 61,
    "quarterly": 91,
    "yearly": 365,
    "annually": 365,
}
_NUMBERS = {"one": 1, "a": 1, "an": 1, "two": 2, "other": 2, "three": 3, "four": 4, "six": 6, "twelve": 12}
_EVERY = re.compile(
    r"^(?:every|each|once\s+(?:a|an|every))?\s*(?P<n>\d+|[a-z]+)?\s*(?P<unit>day|week|fortnight|month|quarter|year)s?$"
)
_NONE = frozenset({"none", "off", "no", "never", "clear", "unset", "default", "-"})


def read_cadence(text: str, *, example: str = CADENCE_EXAMPLE) -> int | None:
    """Days from "every 2 weeks", "weekly", "30 days", "every other month"; None for "none"/"default".

    Bad input is an InputError with `example`, so nothing is written."""
    key = " ".join(text.lower().strip(" .").split())
    if key in _NONE:
        return None
    if key in _WORDS:
        return _WORDS[key]
    m = _EVERY.match(key)
    if m and (m["n"] is None or m["n"].isdigit() or m["n"] in _NUMBERS):
        count = 1 if m["n"] is None else int(m["n"]) if m["n"].isdigit() else _NUMBERS[m["n"]]
        days = count * _UNIT_DAYS[m["unit"]]
        if 1 <= days <= MAX_DAYS:
            return days
        raise InputError(f"A cadence is between a day and a year, not {days} days.", example=example)
    said = f"“{safe_mrkdwn(truncate(text.strip(), 40))}”" if text.strip() else "nothing"
    raise InputError(
        f"I couldn't read {said} as a cadence. Say how often, like `every 2 weeks`, `monthly` or "
        "`every 30 days` (or `none`).",
        example=example,
    )


def describe_cadence(days: int | None) -> str:
    """ "every 2 weeks" for 14, "every month" for 30; "no cadence" for None."""
    if days is None:
        return "no cadence"
    for unit, size in (("year", 365), ("quarter", 91), ("month", 30), ("week", 7)):
        if days % size == 0:
            count = days // size
            return f"every {unit}" if count == 1 else f"every {count} {unit}s"
    return "every day" if days == 1 else f"every {days} days"


def due_after(last: datetime, days: int) -> datetime:
    """When the next touchpoint is due, `days` after the last one."""
    return last + timedelta(days=days)
