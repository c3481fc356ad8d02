"""Days the calendar names rather than numbers: public holidays ("Thanksgiving", "July 4th", "New
Year's"), quarters ("Q3", "end of Q3", "next quarter", "fiscal Q3", "FQ3 FY27") and fiscal years
("next fiscal year", "end of FY", "EOFY", "FY27").

- A holiday is its next date from today (its latest one, for something that happened), taken from
  the `holidays` package for the workspace's state, then the federal calendar: "Cesar Chavez Day"
  reads only where it is a holiday. The holiday itself, not the day off in lieu ("observed").
- Quarters are calendar quarters (Q1 = January to March) unless the phrase says fiscal ("fiscal
  Q3", "FQ3", "Q3 FY27"); fiscal quarters count from the month the workspace's fiscal year starts.
- "the second Tuesday of next month", "the last Friday in March", "the 5th of next month": a day
  by its place in a month.
- FY27 is the fiscal year that ends in 2027, as state budgets name it (from 1 July 2026 in most
  states). A quarter or a year alone is its first day; "end of ..." its last day at 17:00.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache

import holidays

from bot.date_context import (
    END_OF_DAY,
    MONTH,
    WEEKDAY,
    WEEKDAY_INDEX,
    Context,
    Handler,
    Reading,
    Rule,
    add_months,
    modifier,
    month_number,
    rule_registry,
    safe_date,
)

PERIOD_RULES: list[Rule] = []
HOLIDAY_RULES: list[Rule] = []
_rule = rule_registry(PERIOD_RULES)
_holiday_rule = rule_registry(HOLIDAY_RULES)

# The month each state's fiscal year starts, where it is not July.
FISCAL_YEAR_STARTS = {"NY": 4, "TX": 9, "AL": 10, "MI": 10, "DC": 10}
DEFAULT_FISCAL_YEAR_START = 7


def fiscal_year_start_for(region: str | None) -> int:
    """The month a state's fiscal year starts in: July unless the state is known to differ."""
    return FISCAL_YEAR_STARTS.get((region or "").upper(), DEFAULT_FISCAL_YEAR_START)


# --- holidays --------------------------------------------------------------------------------------

_APOSTROPHE = r"['’]?"
# How people write a holiday -> the names the `holidays` package gives it (states name some differently).
_HOLIDAY_NAMES: list[tuple[str, tuple[str, ...]]] = [
    (rf"new\s+year{_APOSTROPHE}s(?:\s+day)?|new\s+year\s+day", ("New Year's Day",)),
    (
        r"(?:mlk|martin\s+luther\s+king(?:\s+jr\.?)?)(?:\s+day)?",
        ("Martin Luther King Jr. Day",),
    ),
    (
        rf"(?:presidents{_APOSTROPHE}|president{_APOSTROPHE}s|washington{_APOSTROPHE}s)\s+(?:day|birthday)",
        ("Washington's Birthday", "Presidents' Day"),
    ),
    (r"memorial\s+day", ("Memorial Day",)),
    (r"juneteenth", ("Juneteenth National Independence Day",)),
    (
        r"independence\s+day|(?:the\s+)?(?:fourth|4th)\s+of\s+july|july\s+(?:4th|4|fourth)",
        ("Independence Day",),
    ),
    (r"labou?r\s+day", ("Labor Day",)),
    (rf"(?:columbus|indigenous\s+peoples{_APOSTROPHE})\s+day", ("Columbus Day", "Indigenous Peoples' Day")),
    (rf"veterans{_APOSTROPHE}\s+day", ("Veterans Day",)),
    (r"thanksgiving(?:\s+day)?", ("Thanksgiving Day", "Thanksgiving")),
    (r"christmas(?:\s+day)?|xmas", ("Christmas Day",)),
    (rf"patriots{_APOSTROPHE}\s+day", ("Patriots' Day",)),
    (r"cesar\s+chavez\s+day", ("Cesar Chavez Day",)),
    (r"good\s+friday", ("Good Friday",)),
]
# Days people plan around that are the same date every year, holiday or not.
_FIXED_DAYS = {"christmas eve": (12, 24), "new year's eve": (12, 31)}


def _holiday_dates(names: tuple[str, ...], region: str | None, year: int) -> list[date]:
    days = _named_days(region, year)
    found = [day for day, name in days if name in names]
    if not found and region:
        found = [day for day, name in _named_days(None, year) if name in names]
    return found


@lru_cache(maxsize=128)
def _named_days(region: str | None, year: int) -> tuple[tuple[date, str], ...]:
    subdivision = region.upper() if region and region.upper() in holidays.US.subdivisions else None
    calendar = holidays.US(subdiv=subdivision, years=year)
    # One day can carry several names ("Emancipation Day In Texas; Juneteenth ..."); "(observed)" days
    # are days off in lieu, not the holiday people name.
    return tuple(
        (day, part.strip())
        for day, names in sorted(calendar.items())
        for part in names.split(";")
        if "(observed)" not in part.lower()
    )


def _nearest(candidates: list[date], ctx: Context) -> date | None:
    if ctx.future:
        ahead = [day for day in candidates if day >= ctx.today]
        return min(ahead) if ahead else None
    behind = [day for day in candidates if day <= ctx.today]
    return max(behind) if behind else None


def _holiday_reader(names: tuple[str, ...]) -> Handler:
    def read(m: re.Match[str], ctx: Context) -> Reading | None:
        years = range(ctx.today.year - 1, ctx.today.year + 2)
        candidates = [
            day for year in years for day in _holiday_dates(names, ctx.calendar.holiday_region, year)
        ]
        day = _nearest(candidates, ctx)
        return Reading(day=day) if day is not None else None

    return read


for _pattern, _names in _HOLIDAY_NAMES:
    # Alone in a sentence a holiday is often a thing ("the Christmas party"); "on", "by", "before" or
    # "after" make it a date.
    _holiday_rule(_pattern, "prefixed")(_holiday_reader(_names))


@_holiday_rule(rf"christmas\s+eve|new\s+year{_APOSTROPHE}s\s+eve", "prefixed")
def _fixed_day(m: re.Match[str], ctx: Context) -> Reading | None:
    key = "christmas eve" if m.group(0).lower().startswith("c") else "new year's eve"
    month, day = _FIXED_DAYS[key]
    years = range(ctx.today.year - 1, ctx.today.year + 2)
    found = _nearest([date(year, month, day) for year in years], ctx)
    return Reading(day=found) if found is not None else None


# --- quarters and fiscal years ---------------------------------------------------------------------


def _year_start(day: date, first_month: int) -> date:
    """The first day of the (fiscal) year that `day` falls in."""
    start = date(day.year, first_month, 1)
    return start if start <= day else date(day.year - 1, first_month, 1)


def _quarter_start(day: date, first_month: int) -> date:
    year = _year_start(day, first_month)
    months = (day.year - year.year) * 12 + day.month - year.month
    return add_months(year, months // 3 * 3)


def _fiscal_year_named(year_end: int, first_month: int) -> date:
    """The first day of the fiscal year named after the year it ends in (FY27: 1 July 2026)."""
    return date(year_end if first_month == 1 else year_end - 1, first_month, 1)


def _last_day(start: date, months: int) -> date:
    return add_months(start, months) - timedelta(days=1)


def _edge(start: date, months: int, edge: str) -> Reading:
    if edge == "end":
        return Reading(day=_last_day(start, months), clock=END_OF_DAY)
    return Reading(day=start)


def _edge_of(prefix: str | None) -> str:
    words = (prefix or "").lower()
    return "end" if ("end" in words or "close" in words or words.startswith("eo")) else "start"


def _full_year(text: str | None) -> int | None:
    if not text:
        return None
    digits = text.lstrip("'’")
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


_EDGE = r"(?P<edge>(?:the\s+)?(?:end|close|start|beginning)\s+of\s+(?:the\s+)?|early\s+)?"
_QUARTER_WORDS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_YEAR_AFTER = (
    r"(?:,?\s+(?:of\s+|in\s+)?(?:(?P<fy>fy\s*|fiscal\s+(?:year\s+)?)(?P<fyear>['’]?\d{2}|20\d{2})"
    r"|(?P<year>['’]\d{2}|20\d{2})))?"
)


@_rule(
    _EDGE
    + r"(?:(?P<fiscal>fiscal\s+|f)?(?:q|qtr\s*|quarter\s*)(?P<q>[1-4])"
    + r"|(?P<qword>first|1st|second|2nd|third|3rd|fourth|4th)\s+(?P<fiscal2>fiscal\s+)?(?:quarter|qtr))"
    + _YEAR_AFTER,
    "prefixed",
)
def _numbered_quarter(m: re.Match[str], ctx: Context) -> Reading | None:
    number = int(m["q"]) if m["q"] else _QUARTER_WORDS[m["qword"].lower()]
    fiscal = bool(m["fiscal"] or m["fiscal2"] or m["fy"])
    first_month = ctx.calendar.fiscal_year_start if fiscal else 1
    edge = _edge_of(m["edge"])
    named_year = _full_year(m["fyear"] or m["year"])
    if named_year is not None:
        year = _fiscal_year_named(named_year, first_month) if fiscal else date(named_year, 1, 1)
        return _edge(add_months(year, 3 * (number - 1)), 3, edge)
    this_year = _year_start(ctx.today, first_month)
    starts = [add_months(this_year, 12 * years + 3 * (number - 1)) for years in (-1, 0, 1)]
    # "Q3" is the next Q3 to start; "end of Q3" the next one to end (in the past, the latest ones).
    days = starts if edge == "start" else [_last_day(start, 3) for start in starts]
    day = _nearest(days, ctx)
    if day is None:
        return None
    return _edge(_quarter_start(day, first_month), 3, edge)


@_rule(
    _EDGE + r"(?:fy|fiscal\s+year)\s*(?P<fyear>['’]?\d{2}|20\d{2})\s+f?(?:q|qtr\s*|quarter\s*)(?P<q>[1-4])",
    "prefixed",
)
def _quarter_of_named_fiscal_year(m: re.Match[str], ctx: Context) -> Reading | None:
    # "FY27 Q3": a quarter of a fiscal year is a fiscal quarter.
    year = _full_year(m["fyear"])
    if year is None or not 2000 <= year <= 2100:
        return None
    start = add_months(_fiscal_year_named(year, ctx.calendar.fiscal_year_start), 3 * (int(m["q"]) - 1))
    return _edge(start, 3, _edge_of(m["edge"]))


@_rule(
    _EDGE
    + r"(?:(?P<fy>fy|fiscal\s+year|fiscal)\s*(?P<fyear>['’]?\d{2}|20\d{2})"
    + r"|(?P<fye>fye)\s*(?P<fyeyear>['’]?\d{2}|20\d{2}))",
    "prefixed",
)
def _named_fiscal_year(m: re.Match[str], ctx: Context) -> Reading | None:
    year = _full_year(m["fyear"] or m["fyeyear"])
    if year is None or not 2000 <= year <= 2100:
        return None
    edge = "end" if m["fye"] else _edge_of(m["edge"])
    return _edge(_fiscal_year_named(year, ctx.calendar.fiscal_year_start), 12, edge)


@_rule(
    r"(?:the\s+)?(?P<mod>ne?xt|this|last|previous|coming|following)\s+(?P<fiscal>fiscal\s+)?"
    r"(?P<what>quarter|qtr|year|yr|fy|fq)"
)
def _relative_period(m: re.Match[str], ctx: Context) -> Reading | None:
    mod, what = modifier(m["mod"]), m["what"].lower()
    fiscal = bool(m["fiscal"]) or what in ("fy", "fq")
    if not fiscal and what in ("year", "yr"):
        return None  # "next year" as a calendar year is an ordinary rule (bot/date_rules.py)
    months = 12 if what in ("year", "yr", "fy") else 3
    first_month = ctx.calendar.fiscal_year_start if fiscal else 1
    current = (_year_start if months == 12 else _quarter_start)(ctx.today, first_month)
    if mod == "this":
        return _edge(current, months, "end")  # "this quarter": by its end, like "this month"
    step = -1 if mod in ("last", "previous") else 1
    return Reading(day=add_months(current, step * months))


@_rule(
    r"(?:(?:the\s+)?end\s+of\s+(?:the\s+)?(?P<mod>ne?xt\s+|this\s+)?|eo)"
    r"(?P<fiscal>fiscal\s+|f)?(?P<what>quarter|qtr|q|year|yr|y)|(?P<fye>fye)"
)
def _end_of_quarter_or_year(m: re.Match[str], ctx: Context) -> Reading | None:
    text = m.group(0).lower()
    if text.startswith("eo") and len(text) > 4:
        return None  # "eofy" and "eoq" are written; "eoquarter" is not
    fiscal = bool(m["fiscal"] or m["fye"])
    months = 12 if (m["what"] or "y").lower().startswith("y") else 3
    first_month = ctx.calendar.fiscal_year_start if fiscal else 1
    current = (_year_start if months == 12 else _quarter_start)(ctx.today, first_month)
    end = _last_day(current, months)
    if modifier(m["mod"]) == "next" or ctx.local(end, END_OF_DAY) <= ctx.now_local:
        end = _last_day(add_months(current, months), months)
    return Reading(day=end, clock=END_OF_DAY)


# --- days of a month named by their place in it --------------------------------------------------

_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "last": -1,
}  # fmt: skip
_WHICH_MONTH = (
    r"(?:(?:the\s+)?(?P<which>ne?xt|this|the|following|coming)\s+month|" + MONTH + r"(?:\s+(?P<y>\d{4}))?)"
)


@_rule(
    r"(?:the\s+)?(?P<ord>first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last)\s+"
    + WEEKDAY
    + r"\s+(?:of|in)\s+"
    + _WHICH_MONTH
)
def _weekday_of_month(m: re.Match[str], ctx: Context) -> Reading | None:
    ordinal, target = _ORDINALS[m["ord"].lower()], WEEKDAY_INDEX[m["wd"][:2].lower()]

    def pick(year: int, month: int) -> date | None:
        days = [
            day
            for day in (date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1))
            if day.weekday() == target
        ]
        return days[ordinal - 1 if ordinal > 0 else -1] if ordinal <= len(days) else None

    return _in_month(m, ctx, pick)


@_rule(
    r"(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)\s+of\s+(?:the\s+)?(?P<which>ne?xt|this|the|following|coming)\s+month"
)
def _day_of_named_month(m: re.Match[str], ctx: Context) -> Reading | None:
    number = int(m["d"])
    return _in_month(m, ctx, lambda year, month: safe_date(year, month, number))


def _in_month(m: re.Match[str], ctx: Context, pick: Callable[[int, int], date | None]) -> Reading | None:
    """The day `pick` chooses in the month the phrase names: next, this, a named one, or the nearest."""
    groups = m.groupdict()
    which = modifier(groups.get("which"))
    first = ctx.today.replace(day=1)
    if which in ("next", "following", "coming"):
        months = [add_months(first, 1)]
    elif which == "this":
        months = [first]
    elif groups.get("month"):
        number = month_number(m["month"])
        if groups.get("y"):
            months = [date(int(m["y"]), number, 1)]
        else:
            months = [date(ctx.today.year + years, number, 1) for years in (-1, 0, 1)]
    else:  # "the month": this one, or the next (the last) when its day is not ahead (behind)
        months = [add_months(first, step) for step in (-1, 0, 1)]
    if len(months) == 1:
        day = pick(months[0].year, months[0].month)
        return Reading(day=day) if day is not None else None
    day = _nearest([d for d in (pick(start.year, start.month) for start in months) if d is not None], ctx)
    return Reading(day=day) if day is not None else None
