"""Finding dates in text: the longest reading at a position, a date then a time ("Friday 3pm"), a
time then a date ("3pm Friday"), and readings built on an anchor ("three weeks from Friday", "the
Friday after Thanksgiving", "Tuesday after next", "the day after Labor Day", "wk of the 11th").

An anchored phrase is read whole or not at all: `half_read` tells the callers when a reading stops
where a phrase goes on relating it to something ("3 weeks from the kickoff"), so they can say they
could not read it rather than show a date that is only its first part.
"""

from __future__ import annotations

import re
from datetime import UTC, date, time, timedelta

from bot.date_context import (
    AMOUNT,
    END_OF_DAY,
    FOLLOW_UP_DEFAULT,
    NUMBER_WORDS,
    WEEKDAY,
    WEEKDAY_INDEX,
    WHEN_DEFAULT,
    Context,
    ParsedDate,
    Reading,
    Rule,
    add_business_days,
    amount_of,
    resolve_weekday,
    shift,
)
from bot.date_periods import HOLIDAY_RULES, PERIOD_RULES
from bot.date_rules import DAY_RULES, SINGLE_DAY_READERS, TIME_RULES, month_day, weekday
from bot.nudges import is_working_day

_CONNECTOR = re.compile(
    r"(?:on|by|before|until|till|til|thru|through|due|for|no\s+later\s+than)\s+", re.IGNORECASE
)
_SEPARATOR = re.compile(r"\s*,\s*|\s+", re.IGNORECASE)
_DATE_AFTER_TIME = re.compile(r"(?:\s*,\s*|\s+)(?:on\s+)?", re.IGNORECASE)
_WORD_START = re.compile(r"(?<![\w/:.@-])(?=\w)")

_RULES = DAY_RULES + PERIOD_RULES + HOLIDAY_RULES
# One pattern that matches wherever any rule does, so most words of a sentence are passed over in one
# step instead of one per rule (the rules' group names are dropped; only whether it matches counts).
_ANY_RULE = re.compile(
    "|".join(re.sub(r"\(\?P<\w+>", "(?:", rule.pattern.pattern) for rule in _RULES), re.IGNORECASE
)
_MAX_DEPTH = 2  # "2 days after the Friday after Thanksgiving", and no deeper


def finish(reading: Reading, ctx: Context, phrase: str) -> ParsedDate | None:
    """A reading with its defaults applied (the time of day a date alone means), or None."""
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
        clock = FOLLOW_UP_DEFAULT
        if day == ctx.today and ctx.local(day, clock) <= ctx.now_local:
            clock = END_OF_DAY
        return ParsedDate(ctx.local(day, clock), False, day, phrase)
    if day == ctx.today:
        return ParsedDate(ctx.now_local.astimezone(UTC), False, day, phrase)
    return ParsedDate(ctx.local(day, WHEN_DEFAULT), False, day, phrase)


def word_starts(text: str) -> list[int]:
    """Where a date may start in free text: at a word, not inside a path, a time or an address."""
    return [m.start() for m in _WORD_START.finditer(text)]


def read_at(text: str, pos: int, ctx: Context, *, strict: bool) -> tuple[int, Reading] | None:
    """The longest date expression starting at `pos`: (end, reading), or None."""
    connector = _CONNECTOR.match(text, pos)
    start = connector.end() if connector else pos
    best: tuple[int, Reading] | None = None
    if connector is not None:
        # "before July 4th" is a relation to the holiday before it is a deadline: tried first, it wins ties.
        for end, reading in _anchored_days_at(text, pos, ctx, strict, 0):
            if best is None or end > best[0]:
                best = (end, reading)
    for end, reading in _date_then_time(text, start, ctx, strict, prefixed=connector is not None):
        if best is None or end > best[0]:
            best = (end, reading)
    for end, reading in _time_then_date(text, start, ctx, strict, prefixed=connector is not None):
        if best is None or end > best[0]:
            best = (end, reading)
    return best


def _date_then_time(
    text: str, pos: int, ctx: Context, strict: bool, *, prefixed: bool
) -> list[tuple[int, Reading]]:
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
            found.append((clock_hit[0], Reading(day=reading.day, clock=clock_hit[1])))
    return found


def _time_then_date(
    text: str, pos: int, ctx: Context, strict: bool, *, prefixed: bool
) -> list[tuple[int, Reading]]:
    clock_hit = _time_at(text, pos, alone=True)
    if clock_hit is None:
        return []
    end, clock = clock_hit
    # In free text a bare "9am" is too often not about when we met ("down since 9am").
    found = [] if strict and not _has_at(text, pos, prefixed) else [(end, Reading(clock=clock))]
    sep = _DATE_AFTER_TIME.match(text, end)
    if sep is not None:
        for day_end, reading in _days_at(text, sep.end(), ctx, strict, prefixed=True):
            if reading.day is not None and reading.instant is None:
                found.append((day_end, Reading(day=reading.day, clock=clock)))
    return found


def _has_at(text: str, pos: int, prefixed: bool) -> bool:
    return prefixed or text[pos : pos + 3].lower() in ("at ", "by ") or text[pos : pos + 1] == "@"


def _days_at(
    text: str, pos: int, ctx: Context, strict: bool, *, prefixed: bool, depth: int = 0
) -> list[tuple[int, Reading]]:
    found = []
    if _ANY_RULE.match(text, pos) is not None:
        found = _rule_days_at(text, pos, ctx, strict, prefixed=prefixed, rules=_RULES)
    if depth < _MAX_DEPTH:
        found += _anchored_days_at(text, pos, ctx, strict, depth)
    return found


def _rule_days_at(
    text: str, pos: int, ctx: Context, strict: bool, *, prefixed: bool, rules: list[Rule]
) -> list[tuple[int, Reading]]:
    found = []
    for rule in rules:
        m = rule.pattern.match(text, pos)
        if m is None or not _allowed_in(rule, m, strict, prefixed):
            continue
        reading = rule.read(m, ctx)
        if reading is not None:
            found.append((m.end(), reading))
    return found


def _allowed_in(rule: Rule, m: re.Match[str], strict: bool, prefixed: bool) -> bool:
    if not strict:
        return True
    if rule.in_free_text == "never":
        return False
    if rule.in_free_text == "prefixed" and not prefixed:
        return False
    # Lowercase "may 2" is more often "they may 2x it" than a date; "May 2" and "on may 2" are dates.
    if rule.read is month_day and m["month"] == "may" and not prefixed:
        return False
    # "sat", "wed", "sun", "fri" and friends are words too; alone in a sentence they need "on"/"last"/...
    weekday_word = m.groupdict().get("wd")
    if weekday_word and rule.read is weekday and not prefixed and not m["mod"] and not m["wmod"]:
        return len(weekday_word.rstrip(".")) >= 4
    return True


def _time_at(text: str, pos: int, *, alone: bool) -> tuple[int, time] | None:
    best: tuple[int, time] | None = None
    for pattern, read, can_stand_alone in TIME_RULES:
        if alone and not can_stand_alone:
            continue
        m = pattern.match(text, pos)
        if m is None:
            continue
        clock = read(m)
        if clock is not None and (best is None or m.end() > best[0]):
            best = (m.end(), clock)
    return best


# --- readings built on an anchor -----------------------------------------------------------------

_RELATION = r"(?P<rel>after|from|following|past|before|prior\s+to|b4)"
_OFFSET_FROM_ANCHOR = re.compile(
    r"(?:"
    + AMOUNT
    + r"|(?P<bn>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|a\s+couple(?:\s+of)?|a\s+few)"
    + r"\s+(?:business|working|work)\s+days?)\s+"
    + _RELATION
    + r"\s+",
    re.IGNORECASE,
)
_WEEKDAY_FROM_ANCHOR = re.compile(r"(?:the\s+)?" + WEEKDAY + r"\s+" + _RELATION + r"\s+", re.IGNORECASE)
_WEEKDAY_AFTER_NEXT = re.compile(
    r"(?:the\s+)?" + WEEKDAY + r"\s+(?P<which>after\s+ne?xt|before\s+last)(?:\s+(?:week|wk))?(?![\w/])",
    re.IGNORECASE,
)
_DAY_FROM_ANCHOR = re.compile(r"(?:the\s+)?day\s+" + _RELATION + r"\s+", re.IGNORECASE)
_WEEK_OF_ANCHOR = re.compile(r"(?:the\s+)?(?:week|wk)\s+(?P<rel>of|after|before)\s+", re.IGNORECASE)
_NEXT_TO_ANCHOR = re.compile(r"(?P<rel>after|following|before|b4)\s+", re.IGNORECASE)
_BACKWARD = ("before", "prior", "b4")
# What "after X" can be next to: a day, not a week or a month.
_DAY_ANCHOR_RULES = [rule for rule in DAY_RULES if rule.read in SINGLE_DAY_READERS] + HOLIDAY_RULES


def _anchored_days_at(
    text: str, pos: int, ctx: Context, strict: bool, depth: int
) -> list[tuple[int, Reading]]:
    found: list[tuple[int, Reading]] = []
    if (m := _OFFSET_FROM_ANCHOR.match(text, pos)) is not None:
        sign = -1 if m["rel"].lower().startswith(_BACKWARD) else 1
        for end, day in _anchors(text, m.end(), ctx, strict, depth):
            if (shifted := _shift(m, day, sign)) is not None:
                found.append((end, Reading(day=shifted)))
    if (m := _WEEKDAY_FROM_ANCHOR.match(text, pos)) is not None:
        target = WEEKDAY_INDEX[m["wd"][:2].lower()]
        backward = m["rel"].lower().startswith(_BACKWARD)
        for end, day in _anchors(text, m.end(), ctx, strict, depth):
            found.append((end, Reading(day=_weekday_beside(day, target, backward))))
    if (m := _WEEKDAY_AFTER_NEXT.match(text, pos)) is not None:
        target = WEEKDAY_INDEX[m["wd"][:2].lower()]
        # The one after the next one ("Tuesday" alone in a follow-up), or the one before the last one.
        if m["which"].lower().startswith("after"):
            found.append((m.end(), Reading(day=resolve_weekday(ctx, target, "coming") + timedelta(days=7))))
        else:
            found.append((m.end(), Reading(day=resolve_weekday(ctx, target, "last") - timedelta(days=7))))
    if (m := _DAY_FROM_ANCHOR.match(text, pos)) is not None:
        step = -1 if m["rel"].lower().startswith(_BACKWARD) else 1
        for end, day in _anchors(text, m.end(), ctx, strict, depth):
            found.append((end, Reading(day=day + timedelta(days=step))))
    if (m := _WEEK_OF_ANCHOR.match(text, pos)) is not None:
        weeks = {"of": 0, "after": 1, "before": -1}[m["rel"].lower()]
        for end, day in _anchors(text, m.end(), ctx, strict, depth):
            found.append((end, Reading(day=day - timedelta(days=day.weekday()) + timedelta(weeks=weeks))))
    if (m := _NEXT_TO_ANCHOR.match(text, pos)) is not None:
        backward = m["rel"].lower().startswith(_BACKWARD)
        # "before Friday" is a deadline (by Friday: the connector reads it); before a holiday, and after
        # a day, means the working day next to it ("after next week" is not a day). In free text only
        # holidays count ("after Friday's outage" is not a date).
        rules = HOLIDAY_RULES if backward or strict else _DAY_ANCHOR_RULES
        for end, day in _anchors(text, m.end(), ctx, strict, depth, rules=rules):
            found.append((end, Reading(day=_working_day_beside(day, ctx, backward))))
    return found


def _anchors(
    text: str, pos: int, ctx: Context, strict: bool, depth: int, *, rules: list[Rule] | None = None
) -> list[tuple[int, date]]:
    """The days an anchor phrase at `pos` can read as; the relation word before it works as "on"."""
    if rules is not None:
        readings = _rule_days_at(text, pos, ctx, strict, prefixed=True, rules=rules)
    else:
        readings = _days_at(text, pos, ctx, strict, prefixed=True, depth=depth + 1)
    return [
        (end, reading.day) for end, reading in readings if reading.day is not None and reading.instant is None
    ]


def _shift(m: re.Match[str], day: date, sign: int) -> date | None:
    if m["bn"]:
        words = m["bn"].lower()
        count = int(words) if words.isdigit() else amount_of(words)
        return add_business_days(day, sign * count) if count is not None else None
    amount = int(m["num"]) if m["num"] else amount_of(m["numw"])
    unit = m["unit"].lower()
    if amount is None or amount > 400:
        return None
    if unit.startswith("h") and amount % 24 == 0:
        return day + timedelta(days=sign * amount // 24)  # "48 hours after Monday"
    # Minutes, or hours that are not whole days, from a day are not something people mean: None.
    return shift(day, amount, unit, sign)


def _weekday_beside(day: date, target: int, backward: bool) -> date:
    """The first `target` weekday strictly after (or before) `day`."""
    if backward:
        return day - timedelta(days=(day.weekday() - target) % 7 or 7)
    return day + timedelta(days=(target - day.weekday()) % 7 or 7)


def _working_day_beside(day: date, ctx: Context, backward: bool) -> date:
    step = timedelta(days=-1 if backward else 1)
    day += step
    while not is_working_day(day, ctx.calendar.holiday_region):
        day += step
    return day


# A reading followed by one of these words was only the first part of the phrase ("3 weeks from the
# kickoff", "Friday after the offsite", "the 5th of next month").
_GOES_ON = re.compile(
    r"[ \t]*(?:after|before|from|following|past|prior\s+to|b4|of)\b(?=\s*\S)", re.IGNORECASE
)
_OFFSET_BEFORE = re.compile(
    r"(?:\d|\b(?:" + "|".join(NUMBER_WORDS) + r"))\s*[a-z]+\s+(?:after|from|before|following|past|b4)\s+$",
    re.I,
)
_LEADS_IN = re.compile(
    r"(?:\b(?:the|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")|\d)\s+$", re.I
)


def half_read(text: str, start: int, end: int, *, in_free_text: bool) -> bool:
    """True when the reading text[start:end] is only part of a longer date phrase.

    It goes on relating the date to something ("Friday after the offsite"), or it is the anchor of an
    offset that could not be read ("30 minutes after Monday"). At the start of a phrase meant as a
    date any relating word gives it away; in free text only with words that lead in ("the Friday
    after the offsite", "2 hrs from Monday").
    """
    before = text[:start]
    if _OFFSET_BEFORE.search(before) is not None:
        return True
    if _GOES_ON.match(text, end) is None:
        return False
    return not in_free_text or _LEADS_IN.search(before) is not None
