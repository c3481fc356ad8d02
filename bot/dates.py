"""Reading dates the way people write them in chat, in the person's own timezone.

Two questions get asked of a phrase: when did something happen (`parse_when`, prefers the past) and
when should we follow up (`parse_follow_up`, prefers the future). Both read the chat shorthand a BRM
actually types ("tmrw", "EOW", "f/u in 2 wks", "next Tues", "COB") with a small grammar of our own,
and only fall back to dateparser for the rest ("5 December 2026 3pm", "a fortnight from now").
Our own grammar is fast, deterministic and, unlike dateparser's search, never reads "may" or "march"
in ordinary sentences as dates; `find_dates` uses it to spot dates inside free text.

Rules worth knowing (the bot always shows back what it understood, so these only need to be sensible):
- A follow-up without a time of day is due at 09:00 local that day; if that is today and 09:00 has
  passed, at 17:00. "EOD"/"COB" = 17:00 today (tomorrow once 17:00 has passed), "EOW" = Friday 17:00,
  "EOM" = the month's last day 17:00, "next week" = its Monday, "next month" = its 1st,
  "mid-month" = the 15th. A bare weekday ("Friday", "by Fri") is the next one after today; "next
  Tuesday" is the Tuesday of next week (Monday to Sunday), "this Tuesday" the one of this week.
- When something happened without a time of day: now if it was today, else 12:00 local that day.
  A bare weekday ("Tuesday") is the latest one, today included; "last Tuesday" is before today.
- Parts of the day count as times: morning 09:00, afternoon 14:00, evening 18:00, tonight 20:00.
- Numeric dates are US style (11/3 = 3 November). A date without a year is the nearest one in the
  preferred direction.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import dateparser

from bot.text import safe_mrkdwn

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


def warm_up() -> None:
    """Run dateparser once so its lazy loading does not slow the first real command."""
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    _dateparser_read("5 December 2026 3pm", _Context.make(ZoneInfo("UTC"), now, "future"))


def parse_when(phrase: str, *, tz: ZoneInfo, now: datetime) -> ParsedDate | None:
    """When something happened ("yesterday", "last Friday 2pm", "Tuesday", "11/3"), or None."""
    return _parse_phrase(phrase, _Context.make(tz, now, "past"))


def parse_follow_up(phrase: str, *, tz: ZoneInfo, now: datetime) -> ParsedDate | None:
    """When to follow up ("next Tuesday", "by Fri", "in 2 wks", "EOW", "12/5"), or None."""
    return _parse_phrase(phrase, _Context.make(tz, now, "future"))


def find_dates(text: str, *, tz: ZoneInfo, now: datetime, prefer: Prefer) -> list[DateMention]:
    """Dates written inside free text, in order, read cautiously.

    Cautious means: risky shorthand ("sat", "wed", "3/4", "2 weeks", bare "2pm") only counts with a
    word that makes it a date ("on Sat", "on 3/4", "in 2 weeks", "at 2pm"). dateparser is not used.
    """
    ctx = _Context.make(tz, now, prefer)
    mentions = []
    pos = 0
    for start in _word_starts(text):
        if start < pos:
            continue
        hit = _read_at(text, start, ctx, strict=True)
        if hit is None:
            continue
        end, reading = hit
        parsed = _finish(reading, ctx, text[start:end])
        if parsed is not None:
            mentions.append(DateMention(start, end, parsed))
            pos = end
    return mentions


def find_date(text: str, *, tz: ZoneInfo, now: datetime, prefer: Prefer) -> DateMention | None:
    """The date in a short text that is expected to hold one (the rest of "follow up ...").

    Reads generously at the start ("2 wks", "sat"), then cautiously anywhere ("with Jane next Tuesday"),
    and last asks dateparser about the whole text when it is only a few words.
    """
    ctx = _Context.make(tz, now, prefer)
    hit = _read_at(text, 0, ctx, strict=False)
    if hit is not None:
        parsed = _finish(hit[1], ctx, text[: hit[0]])
        if parsed is not None:
            return DateMention(0, hit[0], parsed)
    mentions = find_dates(text, tz=tz, now=now, prefer=prefer)
    if mentions:
        return mentions[0]
    stripped = text.strip().rstrip(".,;:!?")
    if stripped and len(stripped.split()) <= 4:
        reading = _dateparser_read(stripped, ctx)
        parsed = _finish(reading, ctx, stripped) if reading is not None else None
        if parsed is not None:
            start = text.index(stripped)
            return DateMention(start, start + len(stripped), parsed)
    return None


def normalise_shorthand(phrase: str) -> str:
    """Chat shorthand spelled out for dateparser ("tmrw 3p" -> "tomorrow 3pm", "2wks" -> "2 weeks")."""
    text = " ".join(phrase.lower().split())
    for pattern, replacement in _SHORTHAND:
        text = pattern.sub(replacement, text)
    return text


def format_local(at: datetime, tz: ZoneInfo, *, with_time: bool = True) -> str:
    """A moment as the person reads it in their timezone: "Tue 1 Dec 2026, 09:00"."""
    local = at.astimezone(tz)
    day = f"{local:%a} {local.day} {local:%b %Y}"
    return f"{day}, {local:%H:%M}" if with_time else day


def describe(parsed: ParsedDate, tz: ZoneInfo) -> str:
    """A parsed date shown back, with the time only when one was given or implied."""
    return format_local(parsed.at, tz, with_time=parsed.has_time)


def slack_date(at: datetime, fallback: str, *, with_time: bool = True) -> str:
    """A Slack date token, shown to each reader in their own timezone.

    `fallback` is what clients that cannot render the token show (typically `format_local(...)`).
    """
    template = "{date_short_pretty} at {time}" if with_time else "{date_short_pretty}"
    # The fallback sits inside `<...|...>`, so it must not close the token early.
    safe_fallback = safe_mrkdwn(fallback).replace("|", "/")
    return f"<!date^{int(at.timestamp())}^{template}|{safe_fallback}>"


# --- the reading context -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    tz: ZoneInfo
    now_local: datetime
    prefer: Prefer

    @staticmethod
    def make(tz: ZoneInfo, now: datetime, prefer: Prefer) -> _Context:
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("now must be an aware datetime")
        return _Context(tz, now.astimezone(tz), prefer)

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
class _Reading:
    """What a phrase said before defaults are applied."""

    day: date | None = None
    clock: time | None = None
    instant: datetime | None = None  # an exact moment, for "in 2 hours" and "30 minutes ago"


_FOLLOW_UP_DEFAULT = time(9, 0)
_END_OF_DAY = time(17, 0)
_WHEN_DEFAULT = time(12, 0)


def _finish(reading: _Reading, ctx: _Context, phrase: str) -> ParsedDate | None:
    phrase = phrase.strip().rstrip(",")
    if reading.instant is not None:
        at = reading.instant.astimezone(UTC)
        return ParsedDate(at, True, at.astimezone(ctx.tz).date(), phrase)
    if reading.clock is not None:
        day = reading.day or ctx.today
        # A time alone ("3pm", "EOD") in a follow-up means the next time it comes round.
        if reading.day is None and ctx.future and ctx.local(day, reading.clock) <= ctx.now_local:
            day += timedelta(days=1)
        return ParsedDate(ctx.local(day, reading.clock), True, day, phrase)
    if reading.day is None:
        return None
    day = reading.day
    if ctx.future:
        clock = _FOLLOW_UP_DEFAULT
        if day == ctx.today and ctx.local(day, clock) <= ctx.now_local:
            clock = _END_OF_DAY
        return ParsedDate(ctx.local(day, clock), False, day, phrase)
    if day == ctx.today:
        return ParsedDate(ctx.now_local.astimezone(UTC), False, day, phrase)
    return ParsedDate(ctx.local(day, _WHEN_DEFAULT), False, day, phrase)


def _parse_phrase(phrase: str, ctx: _Context) -> ParsedDate | None:
    text = phrase.strip().strip(".,;:!?()[]").strip()
    if not text:
        return None
    hit = _read_at(text, 0, ctx, strict=False)
    if hit is not None and not text[hit[0] :].strip(" .,;:!?"):
        return _finish(hit[1], ctx, text)
    if _NUMERIC_DATE.fullmatch(text):
        return None  # "2/30", "32/13": our grammar already said no, dateparser would guess wildly
    reading = _dateparser_read(text, ctx)
    return _finish(reading, ctx, text) if reading is not None else None


# --- our grammar ---------------------------------------------------------------------------------

_WEEKDAY = (
    r"(?P<wd>mon(?:day)?|tue(?:s(?:day)?)?|wed(?:s|nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)\.?"
)
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# Digits may touch their unit ("2wks"); words may not, or "ad" would read as "a d(ay)".
_AMOUNT = (
    r"(?:(?P<num>\d{1,3})\s*|(?P<numw>an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|a\s+couple(?:\s+of)?|couple(?:\s+of)?|a\s+few|few|several)\s+)"
    r"(?P<unit>minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|wks?|w|fortnights?|months?|mos?|years?|yrs?)"
)
_NUMERIC_DATE = re.compile(r"[\d/.\-\s]+")
_CONNECTOR = re.compile(r"(?:on|by|before|until|till|til|due|for)\s+", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*,\s*|\s+", re.IGNORECASE)
_DATE_AFTER_TIME = re.compile(r"(?:\s*,\s*|\s+)(?:on\s+)?", re.IGNORECASE)
_WORD_START = re.compile(r"(?<![\w/:.@-])(?=\w)")

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple": 2, "few": 3, "several": 3,
}  # fmt: skip
_WEEKDAY_INDEX = {"mo": 0, "tu": 1, "we": 2, "th": 3, "fr": 4, "sa": 5, "su": 6}
_PART_OF_DAY = {
    "morning": time(9), "am": time(9), "afternoon": time(14), "pm": time(14),
    "evening": time(18), "night": time(20), "tonight": time(20), "tonite": time(20),
}  # fmt: skip

Strictness = Literal["always", "prefixed", "never"]
Handler = Callable[[re.Match[str], _Context], _Reading | None]


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    read: Handler
    # In free text: "always" reads it, "prefixed" only after "on"/"by"/..., "never" skips the rule.
    in_free_text: Strictness = "always"


def _rule(pattern: str, in_free_text: Strictness = "always") -> Callable[[Handler], Handler]:
    def register(read: Handler) -> Handler:
        # The trailing look-ahead keeps "mon" from matching inside "monitor" and "12/5" inside "12/50".
        compiled = re.compile("(?:" + pattern + r")(?![\w/])", re.IGNORECASE)
        _DAY_RULES.append(_Rule(compiled, read, in_free_text))
        return read

    return register


_DAY_RULES: list[_Rule] = []


# Relative day words.
@_rule(r"(?:the\s+)?day\s+after\s+(?:tomorrow|tmrw|tmw)")
def _day_after_tomorrow(m: re.Match[str], ctx: _Context) -> _Reading:
    return _Reading(day=ctx.today + timedelta(days=2))


@_rule(r"(?:the\s+)?day\s+before\s+yesterday")
def _day_before_yesterday(m: re.Match[str], ctx: _Context) -> _Reading:
    return _Reading(day=ctx.today - timedelta(days=2))


@_rule(r"(?:earlier\s+)?today|tdy")
def _today(m: re.Match[str], ctx: _Context) -> _Reading:
    return _Reading(day=ctx.today)


@_rule(r"tonight|tonite")
def _tonight(m: re.Match[str], ctx: _Context) -> _Reading:
    return _Reading(day=ctx.today, clock=_PART_OF_DAY["tonight"])


@_rule(r"tomorrow|tmrw|tmw|tmr|tomorow|tommorow|tommorrow")
def _tomorrow(m: re.Match[str], ctx: _Context) -> _Reading:
    return _Reading(day=ctx.today + timedelta(days=1))


@_rule(r"yesterday|yday|yest|ystrdy")
def _yesterday(m: re.Match[str], ctx: _Context) -> _Reading:
    return _Reading(day=ctx.today - timedelta(days=1))


@_rule(r"last\s+night")
def _last_night(m: re.Match[str], ctx: _Context) -> _Reading:
    return _Reading(day=ctx.today - timedelta(days=1), clock=_PART_OF_DAY["night"])


@_rule(r"this\s+(?P<part>morning|afternoon|evening|am|pm)")
def _this_part_of_day(m: re.Match[str], ctx: _Context) -> _Reading:
    return _Reading(day=ctx.today, clock=_PART_OF_DAY[m["part"].lower()])


# Weekdays.
@_rule(
    r"(?:(?P<mod>this|next|last|past|previous|coming)\s+)?"
    + _WEEKDAY
    + r"(?:\s+(?P<wmod>next|this|last)\s+week)?"
)
def _weekday(m: re.Match[str], ctx: _Context) -> _Reading | None:
    target = _WEEKDAY_INDEX[m["wd"][:2].lower()]
    if m["wmod"]:
        return _Reading(day=_weekday_in_week(ctx.today, target, m["wmod"].lower()))
    return _Reading(day=_resolve_weekday(ctx, target, (m["mod"] or "").lower()))


@_rule(r"(?P<wmod>next|this|last)\s+week(?:\s+on)?\s+" + _WEEKDAY)
def _week_then_weekday(m: re.Match[str], ctx: _Context) -> _Reading:
    target = _WEEKDAY_INDEX[m["wd"][:2].lower()]
    return _Reading(day=_weekday_in_week(ctx.today, target, m["wmod"].lower()))


# Weeks and months as a whole.
@_rule(
    r"(?:(?:early|(?:the\s+)?(?:beginning|start)\s+of)\s+)?(?P<mod>next|last|this|coming|following)\s+(?P<what>week|wk|month|mo|year|yr)"
)
def _whole_period(m: re.Match[str], ctx: _Context) -> _Reading | None:
    mod, what = m["mod"].lower(), m["what"].lower()[:2]
    today = ctx.today
    monday = today - timedelta(days=today.weekday())
    if what in ("we", "wk"):
        if mod in ("next", "coming", "following"):
            return _Reading(day=monday + timedelta(days=7))
        if mod == "last":
            return _Reading(day=today - timedelta(days=7))
        # "this week" as a deadline: its Friday, if that is still ahead.
        friday = monday + timedelta(days=4)
        return _Reading(day=friday) if friday >= today else None
    if what == "mo":
        if mod in ("next", "coming", "following"):
            return _Reading(day=_add_months(today.replace(day=1), 1))
        if mod == "this" and ctx.future:
            return _Reading(day=_last_day_of_month(today), clock=_END_OF_DAY)  # "this month": by its end
        return None
    if mod in ("next", "coming", "following"):
        return _Reading(day=date(today.year + 1, 1, 1))
    return None


@_rule(r"(?:the\s+)?week\s+after\s+next")
def _week_after_next(m: re.Match[str], ctx: _Context) -> _Reading:
    return _Reading(day=ctx.today - timedelta(days=ctx.today.weekday()) + timedelta(days=14))


@_rule(r"(?:(?:the\s+)?end\s+of\s+(?:the\s+)?(?P<mod>next\s+|this\s+)?|eo)(?P<what>week|wk|w|month|mo|m)")
def _end_of_period(m: re.Match[str], ctx: _Context) -> _Reading | None:
    what = m["what"].lower()[0]
    mod = (m["mod"] or "").strip().lower()
    if m.group(0).lower().startswith("eo") and len(m.group(0)) > 3:
        return None  # "eoweek" and the like are not words anyone writes
    today = ctx.today
    if what == "w":
        friday = today - timedelta(days=today.weekday()) + timedelta(days=4)
        if mod == "next" or (not mod and ctx.local(friday, _END_OF_DAY) <= ctx.now_local):
            friday += timedelta(days=7)
        return _Reading(day=friday, clock=_END_OF_DAY)
    last = _last_day_of_month(today)
    if mod == "next" or (not mod and ctx.local(last, _END_OF_DAY) <= ctx.now_local):
        last = _last_day_of_month(_add_months(today.replace(day=1), 1))
    return _Reading(day=last, clock=_END_OF_DAY)


@_rule(r"(?:(?:the\s+)?end\s+of\s+(?:the\s+)?(?P<mod>next\s+|this\s+)?|eo)(?P<what>quarter|qtr|q|year|yr|y)")
def _end_of_quarter_or_year(m: re.Match[str], ctx: _Context) -> _Reading | None:
    # Calendar quarters: the federal fiscal year (from 1 October) and most states' (from 1 July)
    # end their quarters on the same days.
    if m.group(0).lower().startswith("eo") and len(m.group(0)) > 3:
        return None
    yearly = m["what"].lower().startswith("y")
    months = 12 if yearly else 3
    today = ctx.today
    quarter_end_month = 12 if yearly else (today.month - 1) // 3 * 3 + 3
    end = _last_day_of_month(date(today.year, quarter_end_month, 1))
    if (m["mod"] or "").strip().lower() == "next" or ctx.local(end, _END_OF_DAY) <= ctx.now_local:
        end = _last_day_of_month(_add_months(end.replace(day=1), months))
    return _Reading(day=end, clock=_END_OF_DAY)


@_rule(r"(?:the\s+)?(?:next|following)\s+(?:business|working|work)\s+day")
def _next_business_day(m: re.Match[str], ctx: _Context) -> _Reading:
    return _Reading(day=_add_business_days(ctx.today, 1))


@_rule(
    r"(?P<in>in\s+)?(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|a\s+couple(?:\s+of)?|a\s+few)"
    r"\s+(?:business|working|work)\s+days?(?P<ago>\s+ago)?",
    in_free_text="prefixed",
)
def _business_days(m: re.Match[str], ctx: _Context) -> _Reading | None:
    words = (
        m["n"].lower().replace("a couple of", "couple").replace("a couple", "couple").replace("a few", "few")
    )
    count = int(words) if words.isdigit() else _NUMBER_WORDS.get(words)
    if count is None:
        return None
    return _Reading(day=_add_business_days(ctx.today, -count if m["ago"] else count))


@_rule(r"(?:later|sometime)\s+this\s+week", in_free_text="never")
def _later_this_week(m: re.Match[str], ctx: _Context) -> _Reading | None:
    friday = ctx.today - timedelta(days=ctx.today.weekday()) + timedelta(days=4)
    return _Reading(day=friday) if friday > ctx.today else None


@_rule(r"(?:the\s+)?week\s+of\s+(?:the\s+)?" + _MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?")
def _week_of(m: re.Match[str], ctx: _Context) -> _Reading | None:
    reading = _dated(ctx, _month_number(m["month"]), int(m["d"]), None)
    if reading is None or reading.day is None:
        return None
    return _Reading(day=reading.day - timedelta(days=reading.day.weekday()))


@_rule(r"(?:the\s+)?(?:first|1st|start|beginning)\s+of\s+(?:the\s+|next\s+)month", in_free_text="never")
def _first_of_the_month(m: re.Match[str], ctx: _Context) -> _Reading:
    return _Reading(day=_add_months(ctx.today.replace(day=1), 1))


@_rule(r"mid[\s-]*(?P<next>next\s+)?month|(?:the\s+)?middle\s+of\s+(?:the\s+)?(?P<next2>next\s+)?month")
def _mid_month(m: re.Match[str], ctx: _Context) -> _Reading:
    today = ctx.today
    fifteenth = today.replace(day=15)
    if m["next"] or m["next2"] or (ctx.future and fifteenth <= today):
        fifteenth = _add_months(fifteenth, 1)
    return _Reading(day=fifteenth)


@_rule(r"mid[\s-]*" + _MONTH)
def _mid_named_month(m: re.Match[str], ctx: _Context) -> _Reading | None:
    return _dated(ctx, _month_number(m["month"]), 15, None)


@_rule(r"(?:(?:early|(?:the\s+)?(?:beginning|start)\s+of)\s+)" + _MONTH, in_free_text="never")
def _start_of_named_month(m: re.Match[str], ctx: _Context) -> _Reading | None:
    return _dated(ctx, _month_number(m["month"]), 1, None)


# Amounts of time.
@_rule(r"in\s+" + _AMOUNT)
def _in_duration(m: re.Match[str], ctx: _Context) -> _Reading | None:
    return _offset(ctx, m, +1)


@_rule(_AMOUNT + r"\s+from\s+(?:now|today)")
def _duration_from_now(m: re.Match[str], ctx: _Context) -> _Reading | None:
    return _offset(ctx, m, +1)


@_rule(_AMOUNT + r"\s+ago")
def _duration_ago(m: re.Match[str], ctx: _Context) -> _Reading | None:
    return _offset(ctx, m, -1)


@_rule(_AMOUNT, in_free_text="never")
def _bare_duration(m: re.Match[str], ctx: _Context) -> _Reading | None:
    # "follow up 2 wks": the direction comes from the question being asked.
    return _offset(ctx, m, +1 if ctx.future else -1)


# Calendar dates.
@_rule(r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})")
def _iso_date(m: re.Match[str], ctx: _Context) -> _Reading | None:
    return _dated(ctx, int(m["mo"]), int(m["d"]), int(m["y"]))


@_rule(r"(?P<mo>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?", in_free_text="prefixed")
def _us_numeric_date(m: re.Match[str], ctx: _Context) -> _Reading | None:
    return _dated(ctx, int(m["mo"]), int(m["d"]), _year(m["y"]))


@_rule(
    r"(?:(?P<wd>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    + _MONTH.replace("\\.?", "\\.?\\s*")
    + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?(?!:)(?:,?\s+(?P<y>\d{4}))?"
)
def _month_day(m: re.Match[str], ctx: _Context) -> _Reading | None:
    return _dated(ctx, _month_number(m["month"]), int(m["d"]), _year(m["y"]))


@_rule(
    r"(?:the\s+)?(?P<d>\d{1,2})(?P<ord>st|nd|rd|th)?(?:\s+of)?\s+" + _MONTH + r"(?:,?\s+(?P<y>\d{4}))?",
    in_free_text="prefixed",
)
def _day_month(m: re.Match[str], ctx: _Context) -> _Reading | None:
    return _dated(ctx, _month_number(m["month"]), int(m["d"]), _year(m["y"]))


@_rule(r"the\s+(?P<d>\d{1,2})(?:st|nd|rd|th)")
def _day_of_month(m: re.Match[str], ctx: _Context) -> _Reading | None:
    day = int(m["d"])
    if not 1 <= day <= 31:
        return None
    step = 1 if ctx.future else -1
    month_start = ctx.today.replace(day=1)
    # The nearest month, in the preferred direction, that has this day and where it is not behind us.
    for months in range(0, 13):
        first = _add_months(month_start, step * months)
        if day > calendar.monthrange(first.year, first.month)[1]:
            continue
        candidate = first.replace(day=day)
        if (ctx.future and candidate >= ctx.today) or (not ctx.future and candidate <= ctx.today):
            return _Reading(day=candidate)
    return None


# Times of day. Some only count right next to a date ("Friday morning", "tomorrow at 3").
_TIME_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], time | None], bool]] = []


def _time_rule(pattern: str, *, alone: bool) -> Callable[[Callable[[re.Match[str]], time | None]], None]:
    def register(read: Callable[[re.Match[str]], time | None]) -> None:
        _TIME_RULES.append((re.compile("(?:" + pattern + r")(?![\w:/])", re.IGNORECASE), read, alone))

    return register


@_time_rule(r"(?:at\s+|@\s*|by\s+)?(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ap>[ap])\.?m\.?", alone=True)
def _clock_am_pm(m: re.Match[str]) -> time | None:
    hour, minute = int(m["h"]), int(m["m"] or 0)
    if not 1 <= hour <= 12 or minute > 59:
        return None
    return time(hour % 12 + (12 if m["ap"].lower() == "p" else 0), minute)


@_time_rule(r"(?:at\s+|@\s*|by\s+)?(?P<h>\d{1,2}):(?P<m>\d{2})", alone=True)
def _clock_24h(m: re.Match[str]) -> time | None:
    return _business_hours(int(m["h"]), int(m["m"]))


@_time_rule(r"(?:at\s+|@\s*)(?P<h>\d{1,2})", alone=False)
def _clock_bare_hour(m: re.Match[str]) -> time | None:
    return _business_hours(int(m["h"]), 0)


@_time_rule(r"(?:at\s+|by\s+)?(?:noon|midday|lunchtime)", alone=True)
def _noon(m: re.Match[str]) -> time | None:
    return time(12)


@_time_rule(
    r"(?:by\s+)?(?:eod|cob|eob|eop|(?:the\s+)?end\s+of\s+(?:the\s+)?(?:business\s+|work\s*)?day"
    r"|close\s+of\s+(?:business|play)|end\s+of\s+(?:play|business))",
    alone=True,
)
def _end_of_day(m: re.Match[str]) -> time | None:
    return _END_OF_DAY


@_time_rule(r"first\s+thing(?:\s+in\s+the\s+morning)?", alone=True)
def _first_thing(m: re.Match[str]) -> time | None:
    return time(9)


@_time_rule(r"(?:in\s+the\s+)?(?P<part>morning|afternoon|evening|night|am|pm)", alone=False)
def _part_of_day(m: re.Match[str]) -> time | None:
    return _PART_OF_DAY[m["part"].lower()]


def _word_starts(text: str) -> list[int]:
    return [m.start() for m in _WORD_START.finditer(text)]


def _read_at(text: str, pos: int, ctx: _Context, *, strict: bool) -> tuple[int, _Reading] | None:
    """The longest date expression starting at `pos`: (end, reading), or None."""
    connector = _CONNECTOR.match(text, pos)
    start = connector.end() if connector else pos
    best: tuple[int, _Reading] | None = None
    for end, reading in _date_then_time(text, start, ctx, strict, prefixed=connector is not None):
        if best is None or end > best[0]:
            best = (end, reading)
    for end, reading in _time_then_date(text, start, ctx, strict, prefixed=connector is not None):
        if best is None or end > best[0]:
            best = (end, reading)
    return best


def _date_then_time(
    text: str, pos: int, ctx: _Context, strict: bool, *, prefixed: bool
) -> list[tuple[int, _Reading]]:
    found = []
    for end, reading in _days_at(text, pos, ctx, strict, prefixed=prefixed):
        found.append((end, reading))
        if reading.instant is not None:
            continue
        sep = _SEPARATOR.match(text, end)
        if sep is None:
            continue
        clock_hit = _time_at(text, sep.end(), alone=False)
        if clock_hit is not None:
            found.append((clock_hit[0], _Reading(day=reading.day, clock=clock_hit[1])))
    return found


def _time_then_date(
    text: str, pos: int, ctx: _Context, strict: bool, *, prefixed: bool
) -> list[tuple[int, _Reading]]:
    clock_hit = _time_at(text, pos, alone=True)
    if clock_hit is None:
        return []
    end, clock = clock_hit
    # In free text a bare "9am" is too often not about when we met ("down since 9am").
    found = [] if strict and not _has_at(text, pos, prefixed) else [(end, _Reading(clock=clock))]
    sep = _DATE_AFTER_TIME.match(text, end)
    if sep is not None:
        for day_end, reading in _days_at(text, sep.end(), ctx, strict, prefixed=True):
            if reading.day is not None and reading.instant is None:
                found.append((day_end, _Reading(day=reading.day, clock=clock)))
    return found


def _has_at(text: str, pos: int, prefixed: bool) -> bool:
    return prefixed or text[pos : pos + 3].lower() in ("at ", "by ") or text[pos : pos + 1] == "@"


def _days_at(
    text: str, pos: int, ctx: _Context, strict: bool, *, prefixed: bool
) -> list[tuple[int, _Reading]]:
    found = []
    for rule in _DAY_RULES:
        m = rule.pattern.match(text, pos)
        if m is None or not _allowed_in(rule, m, strict, prefixed):
            continue
        reading = rule.read(m, ctx)
        if reading is not None:
            found.append((m.end(), reading))
    return found


def _allowed_in(rule: _Rule, m: re.Match[str], strict: bool, prefixed: bool) -> bool:
    if not strict:
        return True
    if rule.in_free_text == "never":
        return False
    if rule.in_free_text == "prefixed" and not prefixed:
        return False
    # Lowercase "may 2" is more often "they may 2x it" than a date; "May 2" and "on may 2" are dates.
    if rule.read is _month_day and m["month"] == "may" and not prefixed:
        return False
    # "sat", "wed", "sun", "fri" and friends are words too; alone in a sentence they need "on"/"last"/...
    weekday = m.groupdict().get("wd")
    if weekday and rule.read is _weekday and not prefixed and not m["mod"] and not m["wmod"]:
        return len(weekday.rstrip(".")) >= 4
    return True


def _time_at(text: str, pos: int, *, alone: bool) -> tuple[int, time] | None:
    best: tuple[int, time] | None = None
    for pattern, read, can_stand_alone in _TIME_RULES:
        if alone and not can_stand_alone:
            continue
        m = pattern.match(text, pos)
        if m is None:
            continue
        clock = read(m)
        if clock is not None and (best is None or m.end() > best[0]):
            best = (m.end(), clock)
    return best


# --- arithmetic ----------------------------------------------------------------------------------


def _resolve_weekday(ctx: _Context, target: int, mod: str) -> date:
    today = ctx.today
    ahead = (target - today.weekday()) % 7  # 0..6 days until the next one, today included
    behind = (today.weekday() - target) % 7  # 0..6 days since the last one, today included
    if mod == "next":
        return _weekday_in_week(today, target, "next")
    if mod in ("last", "past", "previous"):
        return today - timedelta(days=behind or 7)
    if mod == "coming":
        return today + timedelta(days=ahead or 7)
    if mod == "this":
        return today + timedelta(days=ahead) if ctx.future else today - timedelta(days=behind)
    # A bare weekday: a follow-up is never today; something that happened may well have been today.
    return today + timedelta(days=ahead or 7) if ctx.future else today - timedelta(days=behind)


def _weekday_in_week(today: date, target: int, which: str) -> date:
    monday = today - timedelta(days=today.weekday())
    weeks = {"last": -1, "this": 0, "next": 1}[which]
    return monday + timedelta(days=7 * weeks + target)


def _offset(ctx: _Context, m: re.Match[str], sign: int) -> _Reading | None:
    amount = int(m["num"]) if m["num"] else _amount(m["numw"])
    unit = m["unit"].lower()
    if amount is None or amount > 400:
        return None
    if unit.startswith("m") and not unit.startswith("mo"):
        return _Reading(instant=ctx.now_local + sign * timedelta(minutes=amount))
    if unit.startswith("h"):
        return _Reading(instant=ctx.now_local + sign * timedelta(hours=amount))
    if unit.startswith("d"):
        return _Reading(day=ctx.today + sign * timedelta(days=amount))
    if unit.startswith("w"):
        return _Reading(day=ctx.today + sign * timedelta(weeks=amount))
    if unit.startswith("f"):
        return _Reading(day=ctx.today + sign * timedelta(weeks=2 * amount))
    if unit.startswith("mo"):
        return _Reading(day=_add_months(ctx.today, sign * amount))
    return _Reading(day=_add_months(ctx.today, sign * 12 * amount))


def _amount(words: str) -> int | None:
    # "a couple of" -> "couple", "a few" -> "few", "an" -> "an".
    meaningful = [word for word in words.lower().split() if word not in ("a", "of")] or ["a"]
    return _NUMBER_WORDS.get(meaningful[0])


def _dated(ctx: _Context, month: int, day: int, year: int | None) -> _Reading | None:
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    if year is not None:
        return _Reading(day=_safe_date(year, month, day))
    step = 1 if ctx.future else -1
    # The nearest such date in the preferred direction; 29 February may be up to four years away.
    for years in range(0, 5):
        candidate = _safe_date(ctx.today.year + step * years, month, day)
        if candidate is None:
            continue
        if (ctx.future and candidate >= ctx.today) or (not ctx.future and candidate <= ctx.today):
            return _Reading(day=candidate)
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return 2000 + int(text) if len(text) == 2 else int(text)


def _month_number(name: str) -> int:
    return ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec").index(
        name[:3].lower()
    ) + 1


def _business_hours(hour: int, minute: int) -> time | None:
    if hour > 23 or minute > 59:
        return None
    # Without am/pm, "at 3" in a working day means 15:00, and "at 9" means 09:00.
    if 1 <= hour <= 6:
        hour += 12
    return time(hour, minute)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _add_business_days(day: date, count: int) -> date:
    """Monday to Friday only; public holidays are the nudge rules' business (bot/nudges.py)."""
    step = 1 if count >= 0 else -1
    for _ in range(abs(count)):
        day += timedelta(days=step)
        while day.weekday() >= 5:
            day += timedelta(days=step)
    return day


def _last_day_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


# --- dateparser, for what our grammar does not know ----------------------------------------------

_SHORTHAND = [
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        (r"\b(?:tmrw|tmw|tmr|tomorow|tommorow|tommorrow)\b", "tomorrow"),
        (r"\b(?:yday|yest|ystrdy)\b", "yesterday"),
        (r"\b(\d+)\s*wks?\b", r"\1 weeks"),
        (r"\bwks?\b", "week"),
        (r"\b(\d+)\s*hrs?\b", r"\1 hours"),
        (r"\b(\d+)\s*mins?\b", r"\1 minutes"),
        (r"\b(\d+)\s*mos\b", r"\1 months"),
        (r"\bmon\b", "monday"),
        (r"\btues?\b", "tuesday"),
        (r"\bweds?\b", "wednesday"),
        (r"\bthu(?:rs?)?\b", "thursday"),
        (r"\bfri\b", "friday"),
        (r"\bsat\b", "saturday"),
        (r"\bsun\b", "sunday"),
        (r"\b(?:eod|cob|eob)\b", "5pm"),
        (r"\b(\d{1,2})\s*([ap])\b", r"\1\2m"),
    )
]
_HAS_CLOCK = re.compile(r"\d\s*[ap]\.?m\b|\b\d{1,2}:\d{2}\b|\bnoon\b|\bmidnight\b|o'?clock", re.IGNORECASE)
# dateparser reads "the 5th" as May and similar surprises; these words are not dates on their own.
_NOT_A_DATE = re.compile(
    r"^\W*(?:the|a|an|on|by|in|at|and|or|with|about|soon|later|asap|tbd|n/?a|(?:in\s+)?may)\W*$", re.I
)
# A month alone says too little about when something happened ("in March"), though it will do for a
# follow-up (the 1st of that month).
_MONTH_ALONE = re.compile(r"^\W*(?:in\s+|early\s+)?" + _MONTH + r"\W*$", re.IGNORECASE)


def _dateparser_read(text: str, ctx: _Context) -> _Reading | None:
    if _NOT_A_DATE.match(text) or len(text) > 60:
        return None
    if not ctx.future and _MONTH_ALONE.match(text):
        return None
    normalised = normalise_shorthand(text)
    settings = {
        "RELATIVE_BASE": ctx.now_local.replace(tzinfo=None),
        "PREFER_DATES_FROM": ctx.prefer,
        "PREFER_DAY_OF_MONTH": "first",
        "DATE_ORDER": "MDY",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    result = dateparser.parse(normalised, languages=["en"], settings=settings)  # type: ignore[arg-type]
    if result is None:
        return None
    if _HAS_CLOCK.search(normalised):
        return _Reading(day=result.date(), clock=result.time().replace(second=0, microsecond=0))
    return _Reading(day=result.date())
