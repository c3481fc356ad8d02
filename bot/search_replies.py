"""Block Kit for `/brm search`: the best matches first, each with its party, date and a link to the
message it came from.

Summaries, titles and party names are people's words and go through `safe_mrkdwn`.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.date_format import format_local
from bot.plural import counted
from bot.replies import KIND_EMOJI, Blocks, context, message_link, packed_sections, section
from bot.search_args import SEARCH_EXAMPLE, SearchCommand
from bot.text import safe_mrkdwn, truncate
from storage.search import Hit

RESULT_LIMIT = 10
_TEXT_SHOWN = 200


def search_reply(
    command: SearchCommand,
    hits: Sequence[Hit],
    *,
    tz: ZoneInfo,
    window: int | None = None,
    limit: int = RESULT_LIMIT,
) -> tuple[str, Blocks]:
    """The reply: at most `limit` hits (the caller fetched one more to know whether there are more).

    `window`: so many records matched that these are the best of the newest `window` of them."""
    where = _narrowed(command, tz)
    if not hits:
        text = f"Nothing matches {command.said}{where}."
        return text, [
            section(f":mag: {text}"),
            context(
                "I look in interaction summaries and issue titles and details, for records with every "
                "word. Try fewer or other words, or leave out the party or the date. "
                f"e.g. `{safe_mrkdwn(SEARCH_EXAMPLE)}`"
            ),
        ]
    shown = hits[:limit]
    more = len(hits) > limit
    heading = (
        f":mag: Best {len(shown)} matches for {command.said}{where}, best first:"
        if more
        else f":mag: {counted(len(shown), 'match', 'matches')} for {command.said}{where}, best first:"
    )
    blocks: Blocks = [section(heading), *packed_sections(_line(hit, tz) for hit in shown)]
    if window is not None:
        tip = (
            f"Very many records match: these are the best of the newest {window:,}. "
            "Add a word, a party or `since <date>` to narrow it down."
        )
    elif more:
        tip = "There are more: add a word, a party or `since <date>` to narrow it down."
    else:
        tip = "Every word must be in a record; put words in quotes to find them side by side."
    blocks.append(context(tip))
    return f"{counted(len(shown), 'match', 'matches')} for {command.said}", blocks


def _narrowed(command: SearchCommand, tz: ZoneInfo) -> str:
    said = ""
    if command.party is not None:
        said += f" at *{safe_mrkdwn(command.party.name)}*"
    if command.since_at is not None and command.since is not None:
        said += f" since {format_local(command.since_at, tz, with_time=command.since.has_time)}"
    return said


def _line(hit: Hit, tz: ZoneInfo) -> str:
    day = format_local(hit.at, tz, with_time=False)
    party = f"*{safe_mrkdwn(truncate(hit.party_name, 80))}*"
    text = safe_mrkdwn(truncate(" ".join(hit.text.split()), _TEXT_SHOWN))
    if hit.record == "issue":
        line = f":warning: Issue *#{hit.number}* ({hit.status}) · {party} · raised {day}: {text}"
    else:
        emoji = KIND_EMOJI.get(hit.kind or "", ":memo:")
        line = f"{emoji} {hit.kind} · {party} · {day}: {text}"
    line += message_link(hit.permalink)
    return "• " + line
