"""The touchpoint nudge: "your relationship with DMV is due a touchpoint", and how it reads once the
owner acted on it.

It names the party (and the key contact, when it is about one), the cadence, the last contact and
how long ago it was, with buttons *Log a touchpoint* (opens the log form prefilled), *Snooze* (a
week) and *Not needed now*; reacting ✅ marks it done. Once someone acts, the message is updated in
place to say who did what, without the buttons. Buttons carry accessibility labels naming the party.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.cadence import describe_cadence
from bot.date_format import format_local
from bot.nudge_blocks import nudge_button
from bot.replies import Blocks, context, section
from bot.text import safe_mrkdwn
from storage.models import Contact, Nudge, Party


@dataclass(frozen=True)
class TouchpointIds:
    """The action ids of the nudge's buttons (kept with the other ids in slack_api/ids.py)."""

    log: str
    snooze: str
    not_needed: str


@dataclass(frozen=True)
class TouchpointFacts:
    nudge: Nudge
    party: Party
    contact: Contact | None
    cadence_days: int
    last_contact_at: datetime | None
    outcome: str | None = None  # "done", "not_needed", "snoozed", "logged": what the owner did
    actor_id: str | None = None
    until: datetime | None = None  # a snooze's end


def touchpoint_message(
    facts: TouchpointFacts, *, ids: TouchpointIds, tz: ZoneInfo, now: datetime
) -> tuple[str, Blocks]:
    """The nudge's notification text and blocks."""
    who = _who(facts)
    last = (
        f"last contact {format_local(facts.last_contact_at, tz, with_time=False)} "
        f"({(now - facts.last_contact_at).days} days ago)"
        if facts.last_contact_at
        else "no touchpoint logged yet"
    )
    headline = f":handshake: <@{facts.nudge.owner_id}>, *{who}* is due a touchpoint"
    lines = [headline, f"Cadence {describe_cadence(facts.cadence_days)} · {last}"]
    text = f"{_plain_who(facts)} is due a touchpoint"
    if facts.outcome is None:
        blocks: Blocks = [section("\n".join(lines)), _buttons(facts, ids)]
        blocks.append(context("React :white_check_mark: when it is done."))
        return safe_mrkdwn(text), blocks
    outcome = _outcome(facts, tz)
    return safe_mrkdwn(f"{text}: {outcome}"), [section("\n".join(lines)), context(outcome)]


def _outcome(facts: TouchpointFacts, tz: ZoneInfo) -> str:
    by = f"<@{facts.actor_id}>" if facts.actor_id else "someone"
    if facts.outcome == "snoozed" and facts.until is not None:
        return f":zzz: Snoozed by {by} until {format_local(facts.until, tz)}."
    if facts.outcome == "not_needed":
        return f":ok_hand: Not needed now, said {by}: the next one is due a cadence from today."
    if facts.outcome == "logged":
        return f":memo: {by} logged a touchpoint."
    return f":white_check_mark: Done, said {by}: the next one is due a cadence from today."


def _who(facts: TouchpointFacts) -> str:
    party = safe_mrkdwn(facts.party.name)
    if facts.contact is None:
        return party
    return f"{safe_mrkdwn(facts.contact.name)} ({party})"


def _plain_who(facts: TouchpointFacts) -> str:
    if facts.contact is None:
        return f"Your relationship with {facts.party.name}"
    return f"{facts.contact.name} at {facts.party.name}"


def _buttons(facts: TouchpointFacts, ids: TouchpointIds) -> dict[str, Any]:
    who = _plain_who(facts)
    return {
        "type": "actions",
        "block_id": f"brm_touchpoint_{facts.nudge.id}",
        "elements": [
            nudge_button(facts.nudge, ids.log, "Log a touchpoint", f"Log a touchpoint: {who}", "primary"),
            nudge_button(facts.nudge, ids.snooze, "Snooze 1 week", f"Snooze a week: {who}"),
            nudge_button(facts.nudge, ids.not_needed, "Not needed now", f"Not needed now: {who}"),
        ],
    }
