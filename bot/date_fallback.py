"""dateparser, for the dates our own grammar does not know ("5 December 2026 3pm", "a fortnight from
now"), with chat shorthand spelled out first. The only module that imports dateparser.
"""

from __future__ import annotations

import re

import dateparser

from bot.date_context import MONTH, Context, Reading


def normalise_shorthand(phrase: str) -> str:
    """Chat shorthand spelled out for dateparser ("tmrw 3p" -> "tomorrow 3pm", "2wks" -> "2 weeks")."""
    text = " ".join(phrase.lower().split())
    for pattern, replacement in _SHORTHAND:
        text = pattern.sub(replacement, text)
    return text


_SHORTHAND = [
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        (r"\b(?:tmrw|tmw|tmr|tomorow|tommorow|tommorrow)\b", "tomorrow"),
        (r"\b(?:yday|yest|ystrdy)\b", "yesterday"),
        (r"\bnxt\b", "next"),
        (r"\bthru\b", "through"),
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
_MONTH_ALONE = re.compile(r"^\W*(?:in\s+|early\s+)?" + MONTH + r"\W*$", re.IGNORECASE)


def dateparser_read(text: str, ctx: Context) -> Reading | None:
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
        return Reading(day=result.date(), clock=result.time().replace(second=0, microsecond=0))
    return Reading(day=result.date())
