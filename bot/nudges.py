"""Follow-up nudges, the BRM side: when one is due, where it goes, when to escalate, what it says.

Rules (the README's "Follow-up nudges" section says the same for people):
- a follow-up given without a time of day is due at 09:00 in the owner's Slack timezone;
- no nudge goes out on a Saturday, a Sunday or a public holiday of the workspace's US state (in the
  owner's timezone): it moves to the next working morning, 09:00;
- an issue still open after a nudge is nudged again every `renudge_days` (default 7) days;
- from the third unanswered nudge on, a copy also goes to the party's home channel, if it has one.

Everything here is pure (no Slack, no clock): the sender in `runtime/nudge_sender.py` supplies the
owner's timezone, the workspace's holiday region and "now". The message itself is `bot/nudge_blocks.py`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from sqlmodel import Session

from storage.models import Interaction, Issue, IssueStatus, Nudge
from storage.nudges import nudge_values, plan_nudge

MORNING = time(9, 0)
ESCALATE_FROM = 3  # the third unanswered nudge is the first one copied to the party's home channel
DEFAULT_RENUDGE_DAYS = 7


# --------------------------------------------------------------------------- when and where


def nudge_target(channel_id: str | None) -> str | None:
    """Where a record's nudge goes: the channel it was logged in, or None (the owner's DM).

    A DM (`D...`) is one the bot may not be part of, so the nudge goes to the owner's own DM with the bot.
    """
    if not channel_id or channel_id.startswith("D"):
        return None
    return channel_id


def follow_up_due_at(follow_up_at: datetime, *, has_time: bool, owner_tz: ZoneInfo | None = None) -> datetime:
    """When a follow-up's first nudge is due, before weekends and holidays are taken into account.

    Without a time of day it is 09:00 in the owner's timezone on the follow-up's day; when the owner's
    timezone is not known the follow-up's own 09:00 (read in the author's timezone) stands.
    """
    if has_time or owner_tz is None:
        return follow_up_at
    day = follow_up_at.astimezone(owner_tz).date()
    return datetime.combine(day, MORNING, tzinfo=owner_tz).astimezone(follow_up_at.tzinfo)


def plan_follow_up(
    session: Session,
    *,
    issue: Issue | None = None,
    interaction: Interaction | None = None,
    owner_tz: ZoneInfo | None = None,
) -> Nudge | None:
    """Plan the first nudge for a record that has a follow-up date; None when it has none."""
    record = issue if issue is not None else interaction
    if record is None or record.follow_up_at is None:
        return None
    owner_id = issue.owner_id if issue is not None else interaction.logged_by  # type: ignore[union-attr]
    return plan_nudge(
        session,
        nudge_values(
            due_at=follow_up_due_at(
                record.follow_up_at, has_time=record.follow_up_has_time, owner_tz=owner_tz
            ),
            owner_id=owner_id,
            target_channel_id=nudge_target(record.channel_id),
            issue=issue,
            interaction=interaction if issue is None else None,
        ),
    )


def is_working_day(day: date, region: str | None) -> bool:
    """Monday to Friday and not a US federal holiday or a public holiday of `region` (a state code)."""
    return day.weekday() < 5 and day not in _holiday_calendar(region, day.year)


def send_time(due_at: datetime, *, tz: ZoneInfo, region: str | None) -> datetime:
    """When a nudge due at `due_at` may go out: then, or the next working morning at 09:00 in `tz`.

    Idempotent: a time this returns is returned unchanged, so the sender can ask again safely.
    """
    local = due_at.astimezone(tz)
    if is_working_day(local.date(), region):
        return due_at
    day = local.date() + timedelta(days=1)
    while not is_working_day(day, region):
        day += timedelta(days=1)
    return datetime.combine(day, MORNING, tzinfo=tz).astimezone(due_at.tzinfo)


def first_nudge_at(
    follow_up_at: datetime, *, has_time: bool, owner_tz: ZoneInfo, region: str | None
) -> datetime:
    """When the first nudge for a follow-up goes out: when it is due, or the next working morning."""
    due = follow_up_due_at(follow_up_at, has_time=has_time, owner_tz=owner_tz)
    return send_time(due, tz=owner_tz, region=region)


def renudge_due_at(sent_at: datetime, *, tz: ZoneInfo, every_days: int | None) -> datetime:
    """The next reminder for an issue still open: `every_days` later, at 09:00 in the owner's timezone."""
    day = sent_at.astimezone(tz).date() + timedelta(days=every_days or DEFAULT_RENUDGE_DAYS)
    return datetime.combine(day, MORNING, tzinfo=tz).astimezone(sent_at.tzinfo)


def should_renudge(issue: Issue | None) -> bool:
    """Only issues are nudged again; an interaction's follow-up is one reminder."""
    return issue is not None and issue.status == IssueStatus.OPEN


def escalation_channel(
    sequence: int, *, home_channel_id: str | None, target_channel_id: str | None
) -> str | None:
    """The party's home channel when this nudge is to be copied there, else None."""
    if sequence < ESCALATE_FROM or not home_channel_id or home_channel_id == target_channel_id:
        return None
    return home_channel_id


@lru_cache(maxsize=64)
def _holiday_calendar(region: str | None, year: int) -> holidays.HolidayBase:
    subdivision = region.upper() if region else None
    if subdivision and subdivision not in holidays.US.subdivisions:
        subdivision = None  # an unknown code is refused when it is set; federal holidays still apply
    return holidays.US(subdiv=subdivision, years=year)
