"""Reading the follow-up date and the issues out of a `/brm log` text's clauses (bot/log_clauses.py),
with the problem or hint to tell when a follow-up was meant but could not be read. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.dates import ParsedDate, describe, find_date
from bot.log_clauses import FOLLOW_UP_MARKER, NEGATED_BEFORE, Clause, is_past, tidy_summary
from bot.text import safe_mrkdwn, truncate


def read_follow_up(
    text: str, clauses: Sequence[Clause], *, tz: ZoneInfo, now: datetime, problems: list[str]
) -> tuple[ParsedDate | None, list[tuple[int, int, str]]]:
    """The first readable follow-up date, and how to edit the follow-up clauses out of the summary."""
    follow_up: ParsedDate | None = None
    edits: list[tuple[int, int, str]] = []
    for clause in (c for c in clauses if c.kind == "follow_up"):
        body = text[clause.body_start : clause.body_end]
        mention = find_date(body, tz=tz, now=now, prefer="future")
        if mention is None:
            if follow_up is None:
                problems.append(_follow_up_problem(body))
            continue
        if follow_up is not None:
            continue  # a second follow-up date stays in the summary as written
        if is_past(mention.parsed, now, tz):
            problems.append(
                f'The follow-up date "{safe_mrkdwn(mention.parsed.phrase)}" ({describe(mention.parsed, tz)}) '
                'is in the past. Try a date ahead, like "next Tuesday" or "in 2 weeks".'
            )
            continue
        follow_up = mention.parsed
        # Words around the date ("with Jane on pricing") are part of the story: keep them in the summary.
        rest = tidy_summary(body[: mention.start] + " " + body[mention.end :])
        if re.sub(r"\b(?:on|by|at|in|for|the|and|before|until)\b|\W", "", rest, flags=re.IGNORECASE):
            kept = (
                text[clause.start : clause.body_start].strip()
                + " "
                + rest
                + text[clause.body_end : clause.end]
            )
            edits.append((clause.start, clause.end, " " + kept.strip() + " "))
        else:
            edits.append((clause.start, clause.end, ""))
    return follow_up, edits


def _follow_up_problem(body: str) -> str:
    phrase = body.strip()
    if not phrase:
        return 'I saw "follow up" but no date after it. Try "follow up next Tuesday" or "f/u in 2 weeks".'
    return (
        f'I couldn\'t read the follow-up date "{safe_mrkdwn(truncate(phrase, 80))}". '
        'Try "next Tuesday", "by Friday", "in 2 weeks", "EOW" or "12/5".'
    )


_WEEKDAY = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)"
)
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
)
# The words after "follow up" that show a date was meant: "next blursday", "by Fridy", "in 2 wks".
_DATE_MEANT = re.compile(
    rf"(?:next|this|coming|tomorrow|today|tonight|eod|eow|eom|eoq|eoy|end\s+of|{_WEEKDAY}|{_MONTH}|\d+"
    rf"|(?:on|by|before|until)\s+(?:next|this|the\s+\d+|{_WEEKDAY}|{_MONTH}|\d+|eo[dwmqy]|end|tomorrow)"
    r"|in\s+(?:\d+|an?|one|two|three|four|five|six|ten|a\s+few|a\s+couple|couple))\b",
    re.IGNORECASE,
)


def unread_follow_up_hint(text: str, *, tz: ZoneInfo, now: datetime) -> tuple[str, ...]:
    """When no follow-up was set but the text says "follow up" with what looks like a date the bot
    could not read, a note saying so: the log is kept, and the person is not left thinking a nudge is
    coming. (At a clause boundary an unreadable date is refused instead; this is for mid-sentence.)"""
    for marker in FOLLOW_UP_MARKER.finditer(text):
        rest = text[marker.end() :]
        if NEGATED_BEFORE.search(text[: marker.start()]) or not _DATE_MEANT.match(rest):
            continue
        phrase = truncate(re.split(r"[.;!?,\n]", rest, maxsplit=1)[0].strip(), 60)
        if find_date(phrase, tz=tz, now=now, prefer="future") is not None:
            continue  # a date that was read, and left out for a reason (in the past, say)
        return (
            f"No follow-up was set: I couldn't read a date in “{phrase}”. To set one, log again with "
            "a date like “follow up next Tuesday” or “f/u in 2 weeks”.",
        )
    return ()


def read_issues(text: str, clauses: Sequence[Clause], problems: list[str]) -> tuple[str, ...]:
    issues = []
    for clause in (c for c in clauses if c.kind == "issue"):
        words = text[clause.body_start : clause.body_end].strip(" -\u2013\u2014:")
        if words:
            issues.append(words)
        else:
            marker = text[clause.start : clause.body_start].strip()
            problems.append(f'I saw "{marker}" but nothing after it. Try "not working: portal login fails".')
    return tuple(issues)
