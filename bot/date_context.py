"""What every part of date reading shares: the result types, the reading context, the workspace's
calendar (holiday state, fiscal year), the words of the grammar, the rule shape and date arithmetic.

Nothing here reads a phrase; bot/date_rules.py, bot/date_periods.py and bot/date_scan.py do.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Prefer = Literal["past", "future"]


@dataclass(frozen=True)
class ParsedDate:
    """A date read from a phrase."""

    at: datetime  # aware, UTC
    has_time: bool  # the person gave a time of day, or the phrase implies one ("EOD", "this morning")
    local_date: date  # the calendar day in the person's timezone
    phrase: str  # the words that were read


@dataclass(frozen=True)
class DateMention:
    """A date found inside a longer text, with where it sits (character offsets, end exclusive)."""

    start: int
    end: int
    parsed: ParsedDate


@dataclass(frozen=True)
class DateCalendar:
    """The workspace's calendar: whose public holidays count, and the month its fiscal year starts."""

    holiday_region: str | None = None  # a US state code such as "CA"; None: federal holidays only
    fiscal_year_start: int = 7  # 1..12; most states start their fiscal year on 1 July


# The calendar of the workspace being served, set for the request by the handlers that know the
# workspace (the /brm commands, the message shortcuts); elsewhere the federal holidays and July.
_CALENDAR: ContextVar[DateCalendar] = ContextVar("date_calendar", default=DateCalendar())  # noqa: B039 (frozen)


@contextmanager
def reading_calendar(calendar: DateCalendar) -> Iterator[None]:
    """Read dates with `calendar` inside this block."""
    token = _CALENDAR.set(calendar)
    try:
        yield
    finally:
        _CALENDAR.reset(token)


@dataclass(frozen=True)
class Context:
    """Who is reading and when: the person's timezone, now on their clock, the direction preferred."""

    tz: ZoneInfo
    now_local: datetime
    prefer: Prefer
    calendar: DateCalendar = field(default_factory=lambda: DateCalendar())

    @staticmethod
    def make(tz: ZoneInfo, now: datetime, prefer: Prefer, calendar: DateCalendar | None = None) -> Context:
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("now must be an aware datetime")
        return Context(tz, now.astimezone(tz), prefer, calendar or _CALENDAR.get())

    @property
    def today(self) -> date:
        return self.now_local.date()

    @property
    def future(self) -> bool:
        return self.prefer == "future"

    def local(self, day: date, clock: time) -> datetime:
        """Local wall time as an aware UTC datetime (a time skipped by DST lands an hour later)."""
        return datetime.combine(day, clock, tzinfo=self.tz).astimezone(UTC)


@dataclass(frozen=True)
class Reading:
    """What a phrase said before defaults are applied."""

    day: date | None = None
    clock: time | None = None
    instant: datetime | None = None  # an exact moment, for "in 2 hours" and "30 minutes ago"


FOLLOW_UP_DEFAULT = time(9, 0)
END_OF_DAY = time(17, 0)
WHEN_DEFAULT = time(12, 0)


WEEKDAY = (
    r"(?P<wd>mon(?:day)?|tue(?:s(?:day)?)?|wed(?:s|nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)\.?"
)
MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# Digits may touch their unit ("2wks"); words may not, or "ad" would read as "a d(ay)".
AMOUNT = (
    r"(?:(?P<num>\d{1,3})\s*|(?P<numw>an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|a\s+couple(?:\s+of)?|couple(?:\s+of)?|a\s+few|few|several)\s+)"
    r"(?P<unit>minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|wks?|w|fortnights?|months?|mos?|years?|yrs?)"
)

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple": 2, "few": 3, "several": 3,
}  # fmt: skip
WEEKDAY_INDEX = {"mo": 0, "tu": 1, "we": 2, "th": 3, "fr": 4, "sa": 5, "su": 6}
PART_OF_DAY = {
    "morning": time(9), "am": time(9), "afternoon": time(14), "pm": time(14),
    "evening": time(18), "night": time(20), "tonight": time(20), "tonite": time(20),
}  # fmt: skip


def modifier(word: str | None) -> str:
    """A modifier word as the rules compare it: "Nxt " -> "next"."""
    word = (word or "").strip().lower()
    return "next" if word == "nxt" else word


Strictness = Literal["always", "prefixed", "never"]
Handler = Callable[[re.Match[str], Context], Reading | None]


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    read: Handler
    # In free text: "always" reads it, "prefixed" only after "on"/"by"/..., "never" skips the rule.
    in_free_text: Strictness = "always"


def rule_registry(rules: list[Rule]) -> Callable[..., Callable[[Handler], Handler]]:
    """A decorator that compiles a rule's pattern and adds the rule to `rules`."""

    def rule(pattern: str, in_free_text: Strictness = "always") -> Callable[[Handler], Handler]:
        def register(read: Handler) -> Handler:
            # The trailing look-ahead keeps "mon" from matching inside "monitor" and "12/5" inside "12/50".
            compiled = re.compile("(?:" + pattern + r")(?![\w/])", re.IGNORECASE)
            rules.append(Rule(compiled, read, in_free_text))
            return read

        return register

    return rule


def resolve_weekday(ctx: Context, target: int, mod: str) -> date:
    today = ctx.today
    ahead = (target - today.weekday()) % 7  # 0..6 days until the next one, today included
    behind = (today.weekday() - target) % 7  # 0..6 days since the last one, today included
    if mod == "next":
        return weekday_in_week(today, target, "next")
    if mod in ("last", "past", "previous"):
        return today - timedelta(days=behind or 7)
    if mod == "coming":
        return today + timedelta(days=ahead or 7)
    if mod == "this":
        return today + timedelta(days=ahead) if ctx.future else today - timedelta(days=behind)
    # A bare weekday: a follow-up is never today; something that happened may well have been today.
    return today + timedelta(days=ahead or 7) if ctx.future else today - timedelta(days=behind)


def weekday_in_week(today: date, target: int, which: str) -> date:
    monday = today - timedelta(days=today.weekday())
    weeks = {"last": -1, "this": 0, "next": 1}[which]
    return monday + timedelta(days=7 * weeks + target)


def offset(ctx: Context, m: re.Match[str], sign: int) -> Reading | None:
    """An AMOUNT match counted from now: an exact moment for minutes and hours, else a day."""
    amount = int(m["num"]) if m["num"] else amount_of(m["numw"])
    unit = m["unit"].lower()
    if amount is None or amount > 400:
        return None
    if unit.startswith("m") and not unit.startswith("mo"):
        # Elapsed time, counted in UTC: "within 24 hours" is 24 hours even on the night clocks change.
        return Reading(instant=ctx.now_local.astimezone(UTC) + sign * timedelta(minutes=amount))
    if unit.startswith("h"):
        return Reading(instant=ctx.now_local.astimezone(UTC) + sign * timedelta(hours=amount))
    return Reading(day=shift(ctx.today, amount, unit, sign))


def shift(day: date, amount: int, unit: str, sign: int) -> date | None:
    """`day` moved `amount` days, weeks, fortnights, months or years; None for a smaller unit."""
    unit = unit.lower()
    if unit.startswith("d"):
        return day + timedelta(days=sign * amount)
    if unit.startswith("w"):
        return day + timedelta(weeks=sign * amount)
    if unit.startswith("f"):
        return day + timedelta(weeks=2 * sign * amount)
    if unit.startswith("mo"):
        return add_months(day, sign * amount)
    if unit.startswith("y"):
        return add_months(day, 12 * sign * amount)
    return None


def amount_of(words: str) -> int | None:
    # "a couple of" -> "couple", "a few" -> "few", "an" -> "an".
    meaningful = [word for word in words.lower().split() if word not in ("a", "of")] or ["a"]
    return NUMBER_WORDS.get(meaningful[0])


def dated(ctx: Context, month: int, day: int, year: int | None) -> Reading | None:
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    if year is not None:
        return Reading(day=safe_date(year, month, day))
    step = 1 if ctx.future else -1
    # The nearest such date in the preferred direction; 29 February may be up to four years away.
    for years in range(0, 5):
        candidate = safe_date(ctx.today.year + step * years, month, day)
        if candidate is None:
            continue
        if (ctx.future and candidate >= ctx.today) or (not ctx.future and candidate <= ctx.today):
            return Reading(day=candidate)
    return None


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def year_of(text: str | None) -> int | None:
    if text is None:
        return None
    return 2000 + int(text) if len(text) == 2 else int(text)


def month_number(name: str) -> int:
    return ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec").index(
        name[:3].lower()
    ) + 1


def business_hours(hour: int, minute: int) -> time | None:
    if hour > 23 or minute > 59:
        return None
    # Without am/pm, "at 3" in a working day means 15:00, and "at 9" means 09:00.
    if 1 <= hour <= 6:
        hour += 12
    return time(hour, minute)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def add_business_days(day: date, count: int) -> date:
    """Monday to Friday only; public holidays are the nudge rules' business (bot/nudges.py)."""
    step = 1 if count >= 0 else -1
    for _ in range(abs(count)):
        day += timedelta(days=step)
        while day.weekday() >= 5:
            day += timedelta(days=step)
    return day


def last_day_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])
