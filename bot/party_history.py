"""`/brm party <name> history`: the party's timeline, newest first, a page at a time with a *More*
button (and *Newest* to start again), for the first page and for every click.

What people wrote (summaries, titles, names) goes through `safe_mrkdwn`; people are shown as
`<@U…>` only when the audit row holds a real Slack user id (an ephemeral reply notifies nobody).
"""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.date_format import format_local
from bot.replies import KIND_EMOJI, Blocks, context, message_link, packed_sections, section
from bot.text import a_kind, safe_mrkdwn, truncate
from storage.models import Party
from storage.timeline import Cursor, Entry, timeline_page

PAGE_SIZE = 10
_TEXT_SHOWN = 300
_USER_ID = re.compile(r"[UW][A-Z0-9]+")
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]+")


def history_reply(
    session: Session,
    party: Party,
    *,
    tz: ZoneInfo,
    action_id: str,
    after: Cursor | None = None,
    shown: int = 0,
) -> tuple[str, Blocks]:
    """The page of `party`'s timeline after `after` (None: the newest); `shown` entries came before.

    `action_id` is the *More* and *Newest* buttons' (slack_api.ids)."""
    entries = timeline_page(session, party.id, after=after, limit=PAGE_SIZE)  # type: ignore[arg-type]
    page, more = entries[:PAGE_SIZE], len(entries) > PAGE_SIZE
    name = safe_mrkdwn(party.name)
    if not page:
        text = f"Nothing recorded for {name} yet." if after is None else f"No older entries for {name}."
        return text, [section(f":scroll: {text}"), context(_tip(party))]
    first, last = shown + 1, shown + len(page)
    heading = f":scroll: *{name}*: history, newest first ({first}–{last})"
    blocks: Blocks = [section(heading), *packed_sections(entry_line(entry, tz) for entry in page)]
    buttons = []
    if more:
        value = f"{party.id}~{last}~{page[-1].cursor.encode()}"
        buttons.append(_button(action_id, "More", value, f"Older entries of {party.name}"))
    if after is not None:
        buttons.append(_button(action_id, "Newest", f"{party.id}~0~", f"The newest entries of {party.name}"))
    if buttons:
        blocks.append({"type": "actions", "block_id": "brm_party_history", "elements": buttons})
    blocks.append(context(_tip(party)))
    return f"{party.name}: history ({first}–{last})", blocks


def read_more_value(value: str) -> tuple[int, int, Cursor | None] | None:
    """(party id, entries shown so far, cursor) from a button's value; None when it is not one of ours."""
    party, _, rest = value.partition("~")
    shown, _, cursor_text = rest.partition("~")
    if not (party.isdigit() and shown.isdigit()):
        return None
    cursor = Cursor.decode(cursor_text) if cursor_text else None
    if cursor_text and cursor is None:
        return None
    return int(party), int(shown), cursor


def _tip(party: Party) -> str:
    return f"`/brm party {safe_mrkdwn(party.name)}` shows its card · `/brm search <words>` finds a record"


def _button(action_id: str, label: str, value: str, spoken: str) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label},
        "value": value,
        "accessibility_label": truncate(spoken, 75),
    }


def entry_line(entry: Entry, tz: ZoneInfo) -> str:
    """One entry as a line: when, what, who."""
    when = format_local(entry.at, tz, with_time=False)
    by = _person(entry.actor_id) if entry.actor_id else "the bot"
    if entry.record == "interaction":
        emoji = KIND_EMOJI.get(entry.kind or "", ":memo:")
        line = f"{emoji} *{when}* · {entry.kind} logged by {by}: {_text(entry.text)}"
    elif entry.record == "issue":
        line = f"*{when}* · Issue *#{entry.number}* {_issue_event(entry, by)}"
    else:
        line = f"*{when}* · {_party_event(entry, by)}"
    if entry.action in ("logged", "opened"):
        line += message_link(entry.permalink)
    return "• " + line


def _issue_event(entry: Entry, by: str) -> str:
    detail = entry.detail
    if entry.action == "opened":
        return f"opened by {by}: {_text(entry.text)}"
    if entry.action == "closed":
        resolution = detail.get("resolution")
        return f"closed by {by}" + (f": {_text(str(resolution))}" if resolution else "")
    if entry.action == "reopened":
        return f"reopened by {by}"
    return f"handed to {_person(detail.get('owner_id'))} by {by}"  # reassigned


def _party_event(entry: Entry, by: str) -> str:
    raw = entry.detail
    detail = {key: _text(str(value)) for key, value in raw.items() if value is not None}
    action = entry.action
    if action == "created":
        return f":new: added as {a_kind(detail.get('kind', 'agency'))} by {by}"
    if action == "kind_changed":
        return f":label: kind changed to *{detail.get('kind')}* (was {detail.get('was')}) by {by}"
    if action == "owner_changed":
        now, was = _person(raw.get("owner_id")), _person(raw.get("was"))
        return f":bust_in_silhouette: owner now {now} (was {was}) by {by}"
    if action == "renamed":
        return f":pencil2: renamed “{detail.get('name')}” (was “{detail.get('was')}”) by {by}"
    if action == "home_channel_changed":
        return f":house: home channel now {_channel(raw.get('home_channel_id'))} by {by}"
    if action == "alias_added":
        return f":link: alias “{detail.get('alias')}” added by {by}"
    return f":link: alias “{detail.get('alias')}” removed by {by}"  # alias_removed


def _text(text: str) -> str:
    return safe_mrkdwn(truncate(" ".join(text.split()), _TEXT_SHOWN))


def _person(user_id: Any) -> str:
    if not user_id:
        return "nobody"
    return f"<@{user_id}>" if _USER_ID.fullmatch(str(user_id)) else safe_mrkdwn(str(user_id))


def _channel(channel_id: Any) -> str:
    if not channel_id:
        return "none"
    return f"<#{channel_id}>" if _CHANNEL_ID.fullmatch(str(channel_id)) else safe_mrkdwn(str(channel_id))
