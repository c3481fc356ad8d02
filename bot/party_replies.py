"""Block Kit for `/brm party`: the list of parties, one party's card, and the outcome of a change.

Party names and aliases are people's words and go through `safe_mrkdwn`; owners and home channels
are Slack ids shown as `<@U…>` and `<#C…>` (an ephemeral reply notifies nobody). Lists stay inside
Slack's limits (50 blocks, 3000 characters a section).
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.date_format import format_local
from bot.parties import PartyChange
from bot.party_args import CHANNEL_EXAMPLE, KIND_EXAMPLE, OWNER_EXAMPLE
from bot.party_names import PartyMatch
from bot.plural import counted
from bot.replies import Blocks, context, packed_sections, section
from bot.text import safe_mrkdwn, truncate
from storage.models import PartyAlias
from storage.parties import PartyRow

LIST_LIMIT = 60
_NAME_IN_LIST = 80
_HOW_TO_CHANGE = (
    f"Change it: `{KIND_EXAMPLE}` · `{OWNER_EXAMPLE}` · `{CHANNEL_EXAMPLE}` · "
    "`alias …`, `unalias …`, `rename …`"
)


def party_list(rows: Sequence[PartyRow], *, total: int) -> tuple[str, Blocks]:
    """The reply to `/brm party`: every party by name, at most LIST_LIMIT, and how many more."""
    if not rows:
        text = "No parties yet."
        return text, [
            section(f"{text} `/brm log` adds one the first time you log a touchpoint with it."),
            context("e.g. `/brm log DMV call with Jane about renewals`"),
        ]
    heading = f"*{counted(total, 'party', 'parties')}*"
    blocks: Blocks = [section(heading)]
    blocks += packed_sections(_list_line(row) for row in rows)
    if total > len(rows):
        blocks.append(context(f"…and {total - len(rows)} more. `/brm party DMV` shows one party."))
    else:
        blocks.append(context("`/brm party DMV` shows one party and how to change it."))
    return counted(total, "party", "parties"), blocks


def _list_line(row: PartyRow) -> str:
    party = row.party
    parts = [f"*{safe_mrkdwn(truncate(party.name, _NAME_IN_LIST))}*", party.kind]
    parts.append(f"owner {_owner(party.owner_id)}")
    if party.home_channel_id:
        parts.append(f"home <#{party.home_channel_id}>")
    parts.append(_open(row.open_issues))
    return "• " + " · ".join(parts)


def party_card(
    row: PartyRow,
    aliases: Sequence[PartyAlias],
    *,
    tz: ZoneInfo,
    match: PartyMatch | None = None,
    change: PartyChange | None = None,
) -> tuple[str, Blocks]:
    """One party: name, kind, aliases, owner, home channel, open issues and last interaction."""
    party = row.party
    lines = []
    if change is not None:
        lines.append((":white_check_mark: " if change.changed else ":information_source: ") + change.said)
    if match is not None and match.how == "fuzzy":
        lines.append(
            f":mag: I read “{safe_mrkdwn(match.text)}” as *{safe_mrkdwn(party.name)}*, an existing party."
        )
    last = (
        format_local(row.last_interaction_at, tz, with_time=False) if row.last_interaction_at else "none yet"
    )
    names = ", ".join(f"“{safe_mrkdwn(alias.alias)}”" for alias in aliases) or "none"
    lines += [
        f":office: *{safe_mrkdwn(party.name)}*",
        f"*Kind:* {party.kind}",
        f"*Aliases:* {names}",
        f"*Owner:* {_owner(party.owner_id)}",
        f"*Home channel:* {f'<#{party.home_channel_id}>' if party.home_channel_id else 'none'}",
        f"*Open issues:* {row.open_issues}",
        f"*Last interaction:* {last}",
    ]
    text = change.said if change is not None else safe_mrkdwn(party.name)
    return text, [section("\n".join(lines)), context(_HOW_TO_CHANGE)]


def _owner(owner_id: str | None) -> str:
    return f"<@{owner_id}>" if owner_id else "nobody"


def _open(count: int) -> str:
    return counted(count, "open issue")
