"""The grammar's words: one small rule per way people write a day ("tmrw", "next Tues", "EOW", "12/5",
"the 20th", "in 2 wks") and per way they write a time of day ("3pm", "EOD", "Friday morning").

Each rule reads only its own words; bot/date_scan.py combines them (a date then a time, an offset from
an anchor) and bot/date_periods.py adds holidays, quarters and fiscal years.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, time, timedelta

from bot.date_context import (
    AMOUNT,
    END_OF_DAY,
    MONTH,
    NUMBER_WORDS,
    PART_OF_DAY,
    WEEKDAY,
    WEEKDAY_INDEX,
    Context,
    Reading,
    Rule,
    add_business_days,
    add_months,
    business_hours,
    dated,
    last_day_of_month,
    modifier,
    month_number,
    offset,
    resolve_weekday,
    rule_registry,
    weekday_in_week,
    year_of,
)

DAY_RULES: list[Rule] = []
_rule = rule_registry(DAY_RULES)


# Relative day words.
@_rule(r"(?:the\s+)?day\s+after\s+(?:tomorrow|tmrw|tmw)")
def _day_after_tomorrow(m: re.Match[str], ctx: Context) -> Reading:
    return Reading(day=ctx.today + timedelta(days=2))


@_rule(r"(?:the\s+)?day\s+before\s+yesterday")
def _day_before_yesterday(m: re.Match[str], ctx: Context) -> Reading:
    return Reading(day=ctx.today - timedelta(days=2))


@_rule(r"(?:earlier\s+)?today|tdy")
def _today(m: re.Match[str], ctx: Context) -> Reading:
    return Reading(day=ctx.today)


@_rule(r"tonight|tonite")
def _tonight(m: re.Match[str], ctx: Context) -> Reading:
    return Reading(day=ctx.today, clock=PART_OF_DAY["tonight"])


@_rule(r"tomorrow|tmrw|tmw|tmr|tomorow|tommorow|tommorrow")
def _tomorrow(m: re.Match[str], ctx: Context) -> Reading:
    return Reading(day=ctx.today + timedelta(days=1))


@_rule(r"yesterday|yday|yest|ystrdy")
def _yesterday(m: re.Match[str], ctx: Context) -> Reading:
    return Reading(day=ctx.today - timedelta(days=1))


@_rule(r"last\s+night")
def _last_night(m: re.Match[str], ctx: Context) -> Reading:
    return Reading(day=ctx.today - timedelta(days=1), clock=PART_OF_DAY["night"])


@_rule(r"this\s+(?P<part>morning|afternoon|evening|am|pm)")
def _this_part_of_day(m: re.Match[str], ctx: Context) -> Reading:
    return Reading(day=ctx.today, clock=PART_OF_DAY[m["part"].lower()])


# Weekdays.
@_rule(
    r"(?:(?P<mod>this|ne?xt|last|past|previous|coming)\s+)?"
    + WEEKDAY
    + r"(?:\s+(?:of\s+)?(?P<wmod>ne?xt|this|last)\s+(?:week|wk))?"
)
def weekday(m: re.Match[str], ctx: Context) -> Reading | None:
    target = WEEKDAY_INDEX[m["wd"][:2].lower()]
    if m["wmod"]:
        return Reading(day=weekday_in_week(ctx.today, target, modifier(m["wmod"])))
    return Reading(day=resolve_weekday(ctx, target, modifier(m["mod"])))


@_rule(r"(?P<wmod>ne?xt|this|last)\s+(?:week|wk)(?:\s+on)?\s+" + WEEKDAY)
def _week_then_weekday(m: re.Match[str], ctx: Context) -> Reading:
    target = WEEKDAY_INDEX[m["wd"][:2].lower()]
    return Reading(day=weekday_in_week(ctx.today, target, modifier(m["wmod"])))


# Weeks and months as a whole.
@_rule(
    r"(?:(?:early|(?:the\s+)?(?:beginning|start)\s+of)\s+)?(?P<mod>ne?xt|last|this|coming|following)\s+(?P<what>week|wk|month|mo|year|yr)"
)
def _whole_period(m: re.Match[str], ctx: Context) -> Reading | None:
    mod, what = modifier(m["mod"]), m["what"].lower()[:2]
    today = ctx.today
    monday = today - timedelta(days=today.weekday())
    if what in ("we", "wk"):
        if mod in ("next", "coming", "following"):
            return Reading(day=monday + timedelta(days=7))
        if mod == "last":
            return Reading(day=today - timedelta(days=7))
        # "this week" as a deadline: its Friday, if that is still ahead.
        friday = monday + timedelta(days=4)
        return Reading(day=friday) if friday >= today else None
    if what == "mo":
        if mod in ("next", "coming", "following"):
            return Reading(day=add_months(today.replace(day=1), 1))
        if mod == "this" and ctx.future:
            return Reading(day=last_day_of_month(today), clock=END_OF_DAY)  # "this month": by its end
        return None
    if mod in ("next", "coming", "following"):
        return Reading(day=date(today.year + 1, 1, 1))
    return None


@_rule(r"(?:the\s+)?(?:week|wk)\s+after\s+ne?xt")
def _week_after_next(m: re.Match[str], ctx: Context) -> Reading:
    return Reading(day=ctx.today - timedelta(days=ctx.today.weekday()) + timedelta(days=14))


@_rule(r"(?:(?:the\s+)?end\s+of\s+(?:the\s+)?(?P<mod>ne?xt\s+|this\s+)?|eo)(?P<what>week|wk|w|month|mo|m)")
def _end_of_period(m: re.Match[str], ctx: Context) -> Reading | None:
    what = m["what"].lower()[0]
    mod = modifier(m["mod"])
    if m.group(0).lower().startswith("eo") and len(m.group(0)) > 3:
        return None  # "eoweek" and the like are not words anyone writes
    today = ctx.today
    if what == "w":
        friday = today - timedelta(days=today.weekday()) + timedelta(days=4)
        if mod == "next" or (not mod and ctx.local(friday, END_OF_DAY) <= ctx.now_local):
            friday += timedelta(days=7)
        return Reading(day=friday, clock=END_OF_DAY)
    last = last_day_of_month(today)
    if mod == "next" or (not mod and ctx.local(last, END_OF_DAY) <= ctx.now_local):
        last = last_day_of_month(add_months(today.replace(day=1), 1))
    return Reading(day=last, clock=END_OF_DAY)


@_rule(r"(?:the\s+)?(?:ne?xt|following)\s+(?:business|working|work)\s+day")
def _next_business_day(m: re.Match[str], ctx: Context) -> Reading:
    return Reading(day=add_business_days(ctx.today, 1))


@_rule(
    r"(?P<in>in\s+)?(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|a\s+couple(?:\s+of)?|a\s+few)"
    r"\s+(?:business|working|work)\s+days?(?P<ago>\s+ago)?",
    in_free_text="prefixed",
)
def _business_days(m: re.Match[str], ctx: Context) -> Reading | None:
    words = (
        m["n"].lower().replace("a couple of", "couple").replace("a couple", "couple").replace("a few", "few")
    )
    count = int(words) if words.isdigit() else NUMBER_WORDS.get(words)
    if count is None:
        return None
    return Reading(day=add_business_days(ctx.today, -count if m["ago"] else count))


@_rule(r"(?:later|sometime)\s+this\s+week", in_free_text="never")
def _later_this_week(m: re.Match[str], ctx: Context) -> Reading | None:
    friday = ctx.today - timedelta(days=ctx.today.weekday()) + timedelta(days=4)
    return Reading(day=friday) if friday > ctx.today else None


@_rule(r"(?:the\s+)?(?:first|1st|start|beginning)\s+of\s+(?:the\s+|ne?xt\s+)month", in_free_text="never")
def _first_of_the_month(m: re.Match[str], ctx: Context) -> Reading:
    return Reading(day=add_months(ctx.today.replace(day=1), 1))


@_rule(r"mid[\s-]*(?P<next>ne?xt\s+)?month|(?:the\s+)?middle\s+of\s+(?:the\s+)?(?P<next2>ne?xt\s+)?month")
def _mid_month(m: re.Match[str], ctx: Context) -> Reading:
    today = ctx.today
    fifteenth = today.replace(day=15)
    if m["next"] or m["next2"] or (ctx.future and fifteenth <= today):
        fifteenth = add_months(fifteenth, 1)
    return Reading(day=fifteenth)


@_rule(r"mid[\s-]*" + MONTH)
def _mid_named_month(m: re.Match[str], ctx: Context) -> Reading | None:
    return dated(ctx, month_number(m["month"]), 15, None)


@_rule(r"(?:(?:early|(?:the\s+)?(?:beginning|start)\s+of)\s+)" + MONTH, in_free_text="never")
def _start_of_named_month(m: re.Match[str], ctx: Context) -> Reading | None:
    return dated(ctx, month_number(m["month"]), 1, None)


# Amounts of time.
# "within 72 hours", "in the next 3 days": the end of that time is when to follow up.
@_rule(r"(?:(?:in|within)\s+(?:the\s+(?:ne?xt|coming)\s+)?|over\s+the\s+(?:ne?xt|coming)\s+)" + AMOUNT)
def _in_duration(m: re.Match[str], ctx: Context) -> Reading | None:
    return offset(ctx, m, +1)


@_rule(AMOUNT + r"\s+from\s+(?:now|today)")
def _duration_from_now(m: re.Match[str], ctx: Context) -> Reading | None:
    return offset(ctx, m, +1)


@_rule(AMOUNT + r"\s+ago")
def _duration_ago(m: re.Match[str], ctx: Context) -> Reading | None:
    return offset(ctx, m, -1)


@_rule(AMOUNT, in_free_text="never")
def _bare_duration(m: re.Match[str], ctx: Context) -> Reading | None:
    # "follow up 2 wks": the direction comes from the question being asked.
    return offset(ctx, m, +1 if ctx.future else -1)


# Calendar dates.
@_rule(r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})")
def _iso_date(m: re.Match[str], ctx: Context) -> Reading | None:
    return dated(ctx, int(m["mo"]), int(m["d"]), int(m["y"]))


@_rule(r"(?P<mo>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?", in_free_text="prefixed")
def _us_numeric_date(m: re.Match[str], ctx: Context) -> Reading | None:
    return dated(ctx, int(m["mo"]), int(m["d"]), year_of(m["y"]))


@_rule(
    r"(?:(?P<wd>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    + MONTH.replace("\\.?", "\\.?\\s*")
    + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?(?!:)(?:,?\s+(?P<y>\d{4}))?"
)
def month_day(m: re.Match[str], ctx: Context) -> Reading | None:
    return dated(ctx, month_number(m["month"]), int(m["d"]), year_of(m["y"]))


@_rule(
    r"(?:the\s+)?(?P<d>\d{1,2})(?P<ord>st|nd|rd|th)?(?:\s+of)?\s+" + MONTH + r"(?:,?\s+(?P<y>\d{4}))?",
    in_free_text="prefixed",
)
def _day_month(m: re.Match[str], ctx: Context) -> Reading | None:
    return dated(ctx, month_number(m["month"]), int(m["d"]), year_of(m["y"]))


@_rule(r"the\s+(?P<d>\d{1,2})(?:st|nd|rd|th)")
def _day_of_month(m: re.Match[str], ctx: Context) -> Reading | None:
    day = int(m["d"])
    if not 1 <= day <= 31:
        return None
    step = 1 if ctx.future else -1
    month_start = ctx.today.replace(day=1)
    # The nearest month, in the preferred direction, that has this day and where it is not behind us.
    for months in range(0, 13):
        first = add_months(month_start, step * months)
        if day > calendar.monthrange(first.year, first.month)[1]:
            continue
        candidate = first.replace(day=day)
        if (ctx.future and candidate >= ctx.today) or (not ctx.future and candidate <= ctx.today):
            return Reading(day=candidate)
    return None


# The rules that name one day ("Friday", "Dec 5", "the 20th"), not a week or a month.
SINGLE_DAY_READERS = (weekday, month_day, _day_of_month, _us_numeric_date, _iso_date, _day_month, _tomorrow)


# Times of day. Some only count right next to a date ("Friday morning", "tomorrow at 3").
TIME_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], time | None], bool]] = []


def _time_rule(pattern: str, *, alone: bool) -> Callable[[Callable[[re.Match[str]], time | None]], None]:
    def register(read: Callable[[re.Match[str]], time | None]) -> None:
        TIME_RULES.append((re.compile("(?:" + pattern + r")(?![\w:/])", re.IGNORECASE), read, alone))

    return register


@_time_rule(r"(?:at\s+|@\s*|by\s+)?(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ap>[ap])\.?m\.?", alone=True)
def _clock_am_pm(m: re.Match[str]) -> time | None:
    hour, minute = int(m["h"]), int(m["m"] or 0)
    if not 1 <= hour <= 12 or minute > 59:
        return None
    return time(hour % 12 + (12 if m["ap"].lower() == "p" else 0), minute)


@_time_rule(r"(?:at\s+|@\s*|by\s+)?(?P<h>\d{1,2}):(?P<m>\d{2})", alone=True)
def _clock_24h(m: re.Match[str]) -> time | None:
    return business_hours(int(m["h"]), int(m["m"]))


@_time_rule(r"(?:at\s+|@\s*)(?P<h>\d{1,2})", alone=False)
def _clock_bare_hour(m: re.Match[str]) -> time | None:
    return business_hours(int(m["h"]), 0)


@_time_rule(r"(?:at\s+|by\s+)?(?:noon|midday|lunchtime)", alone=True)
def _noon(m: re.Match[str]) -> time | None:
    return time(12)


@_time_rule(
    r"(?:by\s+)?(?:eod|cob|eob|eop|(?:the\s+)?end\s+of\s+(?:the\s+)?(?:business\s+|work\s*)?day"
    r"|close\s+of\s+(?:business|play)|end\s+of\s+(?:play|business))",
    alone=True,
)
def _end_of_day(m: re.Match[str]) -> time | None:
    return END_OF_DAY


@_time_rule(r"first\s+thing(?:\s+in\s+the\s+morning)?", alone=True)
def _first_thing(m: re.Match[str]) -> time | None:
    return time(9)


@_time_rule(r"(?:in\s+the\s+)?(?P<part>morning|afternoon|evening|night|am|pm)", alone=False)
def _part_of_day(m: re.Match[str]) -> time | None:
    return PART_OF_DAY[m["part"].lower()]
