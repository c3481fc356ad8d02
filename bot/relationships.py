"""The Home tab's "your relationships": each party someone owns, with its health, last contact and
next touchpoint due, worst first, each with a *Log a touchpoint* button.

`your_relationships` reads them (health as `/brm health` judges it, due dates as bot/touchpoints.py
plans them); `relationship_blocks` draws them. Names are people's words and go through `safe_mrkdwn`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import touchpoints
from bot.cadence import describe_cadence
from bot.date_format import format_local
from bot.health import Health, Level, assess
from bot.replies import Blocks, context, section
from bot.text import safe_mrkdwn, truncate
from storage.digest_queries import cold_after_days, health_facts
from storage.models import Party
from storage.parties import owned_parties
from storage.workspaces import ensure_workspace

HOME_RELATIONSHIPS = 15
_LEVEL_EMOJI = {
    Level.GREEN: ":large_green_circle:",
    Level.AMBER: ":large_orange_circle:",
    Level.RED: ":red_circle:",
}
_FAR = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Relationship:
    party: Party
    health: Health
    last_contact_at: datetime | None
    cadence_days: int | None
    due_at: datetime | None  # the next touchpoint; None without a cadence


def your_relationships(session: Session, owner_id: str, *, now: datetime) -> tuple[list[Relationship], int]:
    """The parties `owner_id` owns, worst first (health, then the most overdue), at most
    HOME_RELATIONSHIPS of them, and how many they own in all."""
    parties = owned_parties(session, owner_id)
    if not parties:
        return [], 0
    workspace = ensure_workspace(session)
    facts = {f.party_id: f for f in health_facts(session, now=now, party_ids=[p.id for p in parties]).parties}  # type: ignore[misc]
    threshold = cold_after_days(session)
    found = []
    for party in parties:
        fact = facts[party.id]  # type: ignore[index]
        due = touchpoints.party_due(session, party, workspace)
        found.append(
            Relationship(
                party=party,
                health=assess(fact, now=now, cold_after_days=threshold),
                last_contact_at=fact.last_contact_at,
                cadence_days=due.cadence_days if due else None,
                due_at=due.due_at if due else None,
            )
        )
    found.sort(key=lambda r: (-r.health.level, r.due_at or _FAR, r.party.name.lower()))
    return found[:HOME_RELATIONSHIPS], len(found)


def relationship_blocks(
    relationships: list[Relationship], total: int, *, tz: ZoneInfo, now: datetime, log_action: str
) -> Blocks:
    """The section of the Home tab; `log_action` is the id of the *Log a touchpoint* button."""
    blocks: Blocks = [section(f"*:handshake: Your relationships* · {total}")]
    if not relationships:
        blocks.append(context("You own no party yet. Take one on: `/brm party DMV owner me`."))
        return blocks
    for item in relationships:
        blocks.append(_relationship(item, tz=tz, now=now, log_action=log_action))
    if total > len(relationships):
        blocks.append(context(f"…and {total - len(relationships)} more: `/brm health` shows them all."))
    return blocks


def _relationship(item: Relationship, *, tz: ZoneInfo, now: datetime, log_action: str) -> dict[str, Any]:
    name = safe_mrkdwn(truncate(item.party.name, 80))
    health = item.health
    last = format_local(item.last_contact_at, tz, with_time=False) if item.last_contact_at else "none yet"
    if item.due_at is None:
        due = "no cadence"
    elif item.due_at <= now:
        due = f":rotating_light: touchpoint overdue since {format_local(item.due_at, tz, with_time=False)}"
    else:
        due = f"next touchpoint {format_local(item.due_at, tz, with_time=False)}"
    cadence = f" ({describe_cadence(item.cadence_days)})" if item.cadence_days else ""
    lines = [
        f"{_LEVEL_EMOJI[health.level]} *{name}* · {safe_mrkdwn(truncate(health.explain(), 200))}",
        f"Last contact {last} · {due}{cadence}",
    ]
    block = section("\n".join(lines))
    block["accessory"] = {
        "type": "button",
        "action_id": log_action,
        "text": {"type": "plain_text", "text": "Log a touchpoint", "emoji": True},
        "value": str(item.party.id),
        "accessibility_label": truncate(f"Log a touchpoint with {item.party.name}", 75),
    }
    return block
