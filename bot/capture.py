"""Capturing a Slack message: what the message says about itself (to prefill a form), and what the
bot says once it is saved (in the message's thread, or to the person alone).

Pure: the listeners hand in the message, what the workspace knows and the time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.date_format import format_local, slack_date
from bot.form_fields import PartyChoice, Prefill
from bot.log_parsing import parse_log_text
from bot.party_names import KnownParty
from bot.replies import Blocks, context, section
from bot.text import (
    a_kind,
    as_written,
    plain_text,
    safe_mrkdwn,
    short_title,
    truncate,
    with_labels,
    without_unshown,
)
from storage.models import Interaction, Issue, Party

# --- what a message prefills ----------------------------------------------------------------------


def prefill_from_message(
    text: str,
    *,
    user_id: str,
    sent_at: datetime,
    now: datetime,
    tz: ZoneInfo,
    parties: Sequence[KnownParty],
    usual_party: PartyChoice | None = None,
    author: str | None = None,
    ignore_people: Sequence[str] = (),
    names: Mapping[str, str] | None = None,
) -> Prefill:
    """What a message says about itself: party, kind, mood, people, when, and a follow-up.

    `text` is the message's as Slack sent it (escaped, with `<@U123>` tokens). Mentions read as the
    names in `names` (user id -> name) in the summary and the title; the people involved are the
    author and those mentioned, less `ignore_people` (bots: people involved are people).

    Dates in the message are read as of when it was sent ("follow up Friday" in last week's message
    means last week's Friday); a follow-up that has passed since is left out. Only a party the
    workspace already knows is guessed from the text, since the first words of a chat message are
    rarely a party's name ("Thanks all, ..."); otherwise the channel's usual party is offered.
    """
    draft = parse_log_text(as_written(text), parties=parties, tz=tz, now=sent_at)
    party = usual_party
    if draft.party is not None and draft.party.party_id is not None:
        party = PartyChoice(draft.party.party_id, draft.party.name)
    occurred_at = draft.occurred_at.at if draft.occurred_at else sent_at
    follow_up = draft.follow_up if draft.follow_up and draft.follow_up.at > now else None
    readable = plain_text(text, names).strip()
    # Whoever wrote the message took part too, unless it is the person capturing it.
    people = [author, *draft.people] if author and author != user_id else list(draft.people)
    return Prefill(
        owner_id=user_id,
        occurred_at=min(occurred_at, now),
        party=party,
        kind=draft.kind,
        text=readable,
        title=with_labels(draft.issues[0], names) if draft.issues else short_title(readable),
        people=tuple(dict.fromkeys(person for person in people if person not in ignore_people)),
        sentiment=draft.sentiment,
        follow_up=follow_up,
    )


def message_text(message: Mapping[str, Any]) -> str:
    """A Slack message's words; for messages that only carry attachments (forwarded mail, app posts),
    the attachments' text."""
    text = without_unshown(str(message.get("text") or ""))
    if text.strip():
        return text
    parts = []
    for attachment in message.get("attachments") or []:
        parts.append(without_unshown(str(attachment.get("text") or attachment.get("fallback") or "")))
    return "\n".join(part for part in parts if part.strip())


def message_time(ts: str) -> datetime:
    """When a message was sent, from its Slack ts ("1764150000.000100")."""
    return datetime.fromtimestamp(float(ts), UTC)


# --- what the bot says after saving ----------------------------------------------------------------


def interaction_receipt(
    interaction: Interaction, party: Party, tz: ZoneInfo, *, in_thread: bool = True
) -> tuple[str, Blocks]:
    """What the bot says about a logged interaction: in the source message's thread, or to the person.

    A thread reply is read by everyone in the channel (vendors in a shared channel too), so it says
    what was recorded and when to expect a follow-up, never the mood or the summary.
    """
    what = f"{a_kind(interaction.kind)} with *{safe_mrkdwn(party.name)}*"
    if in_thread:
        line = f":memo: <@{interaction.logged_by}> logged this as {what}."
    else:
        line = f":memo: Logged {what}{_from_message(interaction.permalink)}."
    if interaction.follow_up_at:
        line += f" Follow-up: {_moment(interaction.follow_up_at, interaction.follow_up_has_time, tz)}."
    return f"Logged {a_kind(interaction.kind, bold=False)} with {safe_mrkdwn(party.name)}", [section(line)]


def issue_receipt(issue: Issue, party: Party, tz: ZoneInfo, *, in_thread: bool = True) -> tuple[str, Blocks]:
    """What the bot says about a raised issue, with its number so people can close it by number."""
    who = f"<@{issue.raised_by}> raised" if in_thread else "Raised"
    line = (
        f":warning: {who} issue *#{issue.number}* with *{safe_mrkdwn(party.name)}*"
        f"{'' if in_thread else _from_message(issue.permalink)}: {safe_mrkdwn(truncate(issue.title, 300))}"
        f"\nSeverity *{issue.severity}* · owner <@{issue.owner_id}>"
    )
    if issue.follow_up_at:
        line += f" · follow-up {_moment(issue.follow_up_at, issue.follow_up_has_time, tz)}"
    text = f"Issue #{issue.number} raised with {safe_mrkdwn(party.name)}"
    return text, [section(line), context(f"Close it with `/brm close #{issue.number}`")]


def _from_message(permalink: str | None) -> str:
    return f" from <{permalink}|this message>" if permalink else ""


def _moment(at: datetime, has_time: bool, tz: ZoneInfo) -> str:
    return slack_date(at, format_local(at, tz, with_time=has_time), with_time=has_time)
