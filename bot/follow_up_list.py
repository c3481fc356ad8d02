"""`/brm follow-ups [party] [mine|all|@person]`: what is coming up and what is overdue.

Reading the arguments, and the reply: one line per follow-up, overdue ones first, soonest next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.date_format import format_local
from bot.errors import InputError, NotFound
from bot.party_names import KnownParty, PartyMatch, find_party
from bot.plural import counted
from bot.replies import Blocks, context, packed_sections, section
from bot.text import USER_MENTION, safe_mrkdwn, truncate
from storage.follow_ups import FollowUp

FOLLOW_UPS_EXAMPLE = "/brm follow-ups DMV all"
LIST_LIMIT = 25
_EVERYONE = {"all", "everyone", "team"}
_MINE = {"mine", "me", "my"}
_WHAT_IN_LIST = 120


@dataclass(frozen=True)
class FollowUpFilter:
    owner_id: str | None  # None: everyone's
    party: PartyMatch | None = None


def read_follow_up_filter(text: str, *, parties: Sequence[KnownParty], user_id: str) -> FollowUpFilter:
    """Whose follow-ups (yours unless `all` or a person is named) and, optionally, which party's."""
    people = list(dict.fromkeys(m["id"] for m in USER_MENTION.finditer(text)))
    if len(people) > 1:
        raise InputError("Ask for one person's follow-ups at a time.", example="/brm follow-ups @sam")
    owner_id: str | None = people[0] if people else user_id
    words = []
    for word in USER_MENTION.sub(" ", text).split():
        key = word.lower().strip(",.;")
        if key in _EVERYONE and not people:
            owner_id = None
        elif key in _MINE:
            owner_id = user_id
        elif key:
            words.append(word)
    party = None
    if words:
        name = " ".join(words)
        party = find_party(name, parties)
        if party is None:
            raise NotFound(
                f"I don't know a party called “{safe_mrkdwn(name)}”. "
                "Add `all` for everyone's follow-ups, or `@someone` for theirs.",
                example=FOLLOW_UPS_EXAMPLE,
            )
    return FollowUpFilter(owner_id=owner_id, party=party)


def follow_up_list(
    rows: list[FollowUp], *, total: int, wanted: FollowUpFilter, tz: ZoneInfo, now: datetime
) -> tuple[str, Blocks]:
    whose = "everyone's" if wanted.owner_id is None else f"<@{wanted.owner_id}>'s"
    scope = f" for *{safe_mrkdwn(wanted.party.name)}*" if wanted.party else ""
    if not rows:
        text = f"No open follow-ups: {whose}{scope} are all done or not set."
        hint = "Set one with `/brm log DMV call about renewals. follow up next Tuesday`."
        if wanted.owner_id is not None:
            hint += " `/brm follow-ups all` shows everyone's."
        return text, [section(text), context(hint)]
    overdue = sum(1 for row in rows if row.due_at < now)
    heading = f"*{counted(total, 'open follow-up')}* ({whose}{scope})"
    if overdue:
        heading += f" · :rotating_light: {overdue} overdue"
    blocks: Blocks = [section(heading)]
    blocks += packed_sections(
        follow_up_line(row, tz=tz, now=now, show_owner=wanted.owner_id is None) for row in rows
    )
    more = f"…and {total - len(rows)} more. " if total > len(rows) else ""
    number = next((row.issue_number for row in rows if row.issue_number is not None), None)
    issue_hint = (
        f"Move one with `/brm snooze #{number} Friday`, close an issue with `/brm close #{number}`; "
        if number is not None
        else ""
    )
    blocks.append(context(f"{more}{issue_hint}✅ on a follow-up's nudge marks it done."))
    text = counted(total, "open follow-up") + (f", {overdue} overdue" if overdue else "")
    return text, blocks


def follow_up_line(row: FollowUp, *, tz: ZoneInfo, now: datetime, show_owner: bool) -> str:
    when = format_local(row.due_at, tz, with_time=row.has_time)
    mark = ":rotating_light:" if row.due_at < now else ":alarm_clock:"
    what = safe_mrkdwn(truncate(" ".join(row.what.split()), _WHAT_IN_LIST))
    if row.issue_number is not None:
        what = f"#{row.issue_number} {what}"
    if row.permalink:
        what = f"<{row.permalink}|{what}>"
    line = f"{mark} *{when}* · *{safe_mrkdwn(row.party_name)}* · {what}"
    if show_owner:
        line += f" · <@{row.owner_id}>"
    return line
