"""Dates shown back to people: in their timezone, or as a Slack date token each reader sees in theirs.

Kept apart from the reading (bot/dates.py) so the many modules that only show dates do not load it.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.date_context import ParsedDate
from bot.text import safe_mrkdwn


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
