"""Reading dates the way people write them in chat, in the person's own timezone.

Two questions get asked of a phrase: when did something happen (`parse_when`, prefers the past) and
when should we follow up (`parse_follow_up`, prefers the future). Both read the chat shorthand a BRM
actually types ("tmrw", "EOW", "f/u in 2 wks", "nxt Tues", "COB Thurs", "thru Fri") with a small
grammar of our own, and only fall back to dateparser for the rest ("5 December 2026 3pm").
Our own grammar is fast, deterministic and, unlike dateparser's search, never reads "may" or "march"
in ordinary sentences as dates; `find_dates` uses it to spot dates inside free text.

The grammar, by part: the words (bot/date_rules.py), holidays, quarters and fiscal years
(bot/date_periods.py), anchors and offsets and how they combine (bot/date_scan.py), the dateparser
fallback (bot/date_fallback.py), showing dates back (bot/date_format.py). The workspace's calendar
(holiday state, the month its fiscal year starts) comes from `reading_calendar`.

Rules worth knowing (the bot always shows back what it understood, so these only need to be sensible):
- A follow-up without a time of day is due at 09:00 local that day; if that is today and 09:00 has
  passed, at 17:00. "EOD"/"COB" = 17:00 today (tomorrow once 17:00 has passed), "EOW" = Friday 17:00,
  "EOM" = the month's last day 17:00, "next week" = its Monday, "next month" = its 1st,
  "mid-month" = the 15th. A bare weekday ("Friday", "by Fri") is the next one after today; "next
  Tuesday" is the Tuesday of next week (Monday to Sunday), "this Tuesday" the one of this week,
  "Tuesday after next" the one after the next one.
- Offsets count from their anchor: "three weeks from Friday", "2 days after the 20th", "the Friday
  after Thanksgiving", "wk of the 11th" (its Monday). "after X" is the working day after X, and
  "before <holiday>" the working day before it; "before Friday" is a deadline, Friday itself.
  "within 72 hours", "in the next 3 days", "within a week" are the end of that time.
- A phrase is read whole or not at all: "3 weeks from the kickoff" is not read as "3 weeks".
- When something happened without a time of day: now if it was today, else 12:00 local that day.
  A bare weekday ("Tuesday") is the latest one, today included; "last Tuesday" is before today.
- Parts of the day count as times: morning 09:00, afternoon 14:00, evening 18:00, tonight 20:00.
- Numeric dates are US style (11/3 = 3 November). A date without a year is the nearest one in the
  preferred direction.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.date_context import Context, DateCalendar, DateMention, ParsedDate, Prefer, reading_calendar
from bot.date_fallback import dateparser_read, normalise_shorthand
from bot.date_format import describe, format_local, slack_date
from bot.date_scan import finish, half_read, read_at, word_starts

__all__ = [
    "DateCalendar",
    "DateMention",
    "ParsedDate",
    "describe",
    "find_date",
    "find_dates",
    "format_local",
    "normalise_shorthand",
    "parse_follow_up",
    "parse_when",
    "reading_calendar",
    "reads_only_in_part",
    "slack_date",
    "warm_up",
]

_NUMERIC_DATE = re.compile(r"[\d/.\-\s]+")


def warm_up() -> None:
    """Run dateparser once so its lazy loading does not slow the first real command."""
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    dateparser_read("5 December 2026 3pm", Context.make(ZoneInfo("UTC"), now, "future"))


def parse_when(
    phrase: str, *, tz: ZoneInfo, now: datetime, calendar: DateCalendar | None = None
) -> ParsedDate | None:
    """When something happened ("yesterday", "last Friday 2pm", "Tuesday", "11/3"), or None."""
    return _parse_phrase(phrase, Context.make(tz, now, "past", calendar))


def parse_follow_up(
    phrase: str, *, tz: ZoneInfo, now: datetime, calendar: DateCalendar | None = None
) -> ParsedDate | None:
    """When to follow up ("next Tuesday", "by Fri", "in 2 wks", "EOW", "12/5"), or None."""
    return _parse_phrase(phrase, Context.make(tz, now, "future", calendar))


def find_dates(
    text: str, *, tz: ZoneInfo, now: datetime, prefer: Prefer, calendar: DateCalendar | None = None
) -> list[DateMention]:
    """Dates written inside free text, in order, read cautiously.

    Cautious means: risky shorthand ("sat", "wed", "3/4", "2 weeks", bare "2pm") only counts with a
    word that makes it a date ("on Sat", "on 3/4", "in 2 weeks", "at 2pm"). dateparser is not used.
    """
    return _find_dates(text, Context.make(tz, now, prefer, calendar))


def find_date(
    text: str, *, tz: ZoneInfo, now: datetime, prefer: Prefer, calendar: DateCalendar | None = None
) -> DateMention | None:
    """The date in a short text that is expected to hold one (the rest of "follow up ...").

    Reads generously at the start ("2 wks", "sat"), then cautiously anywhere ("with Jane next Tuesday"),
    and last asks dateparser about the whole text when it is only a few words. A date phrase read only
    in part ("3 weeks from the kickoff") is None: better "I couldn't read that" than a wrong date.
    """
    ctx = Context.make(tz, now, prefer, calendar)
    hit = read_at(text, 0, ctx, strict=False)
    if hit is not None:
        if half_read(text, 0, hit[0], in_free_text=False):
            return None
        parsed = finish(hit[1], ctx, text[: hit[0]])
        if parsed is not None:
            return DateMention(0, hit[0], parsed)
    mentions = _find_dates(text, ctx)
    if mentions:
        first = mentions[0]
        return None if half_read(text, first.start, first.end, in_free_text=False) else first
    stripped = text.strip().rstrip(".,;:!?")
    if stripped and len(stripped.split()) <= 4:
        reading = dateparser_read(stripped, ctx)
        parsed = finish(reading, ctx, stripped) if reading is not None else None
        if parsed is not None:
            start = text.index(stripped)
            return DateMention(start, start + len(stripped), parsed)
    return None


def reads_only_in_part(
    text: str, *, tz: ZoneInfo, now: datetime, prefer: Prefer, calendar: DateCalendar | None = None
) -> bool:
    """True when `text` starts with a date phrase that goes on past what could be read ("3 weeks from
    the kickoff"): worth telling the person which words were not understood."""
    ctx = Context.make(tz, now, prefer, calendar)
    hit = read_at(text.strip(), 0, ctx, strict=False)
    return hit is not None and half_read(text.strip(), 0, hit[0], in_free_text=False)


def _find_dates(text: str, ctx: Context) -> list[DateMention]:
    mentions = []
    pos = 0
    for start in word_starts(text):
        if start < pos:
            continue
        hit = read_at(text, start, ctx, strict=True)
        if hit is None:
            continue
        end, reading = hit
        if half_read(text, start, end, in_free_text=True):
            pos = end  # "the Friday after the offsite": not a Friday we can name
            continue
        parsed = finish(reading, ctx, text[start:end])
        if parsed is not None:
            mentions.append(DateMention(start, end, parsed))
            pos = end
    return mentions


def _parse_phrase(phrase: str, ctx: Context) -> ParsedDate | None:
    text = phrase.strip().strip(".,;:!?()[]").strip()
    if not text:
        return None
    hit = read_at(text, 0, ctx, strict=False)
    if hit is not None and not text[hit[0] :].strip(" .,;:!?"):
        return finish(hit[1], ctx, text)
    if hit is not None and half_read(text, 0, hit[0], in_free_text=False):
        return None  # "three weeks from the kickoff": dateparser would read its first part too
    if _NUMERIC_DATE.fullmatch(text):
        return None  # "2/30", "32/13": our grammar already said no, dateparser would guess wildly
    reading = dateparser_read(text, ctx)
    return finish(reading, ctx, text) if reading is not None else None
