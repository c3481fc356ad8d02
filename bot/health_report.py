"""The `/brm health` report, as Block Kit: one party's health with its interactions and open issues,
or an overview of every party. Pure: facts in (`storage.digest_queries`), a message out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.digest import Lines, fit
from bot.digest_layout import (
    HEALTH_HINT,
    LEVEL_EMOJI,
    NAME_CHARS,
    Blocks,
    Message,
    Pager,
    context_block,
    header_block,
    section_block,
)
from bot.health import Level, assess
from bot.text import safe_mrkdwn, truncate
from storage.digest_facts import DigestFacts, Listed, PartyFacts


@dataclass(frozen=True)
class RecentInteraction:
    occurred_at: datetime
    kind: str
    summary: str
    sentiment: str | None
    permalink: str | None


def render_health(
    party: PartyFacts,
    *,
    now: datetime,
    tz: ZoneInfo,
    cold_after_days: int,
    interactions: Sequence[RecentInteraction],
    issues: Listed,
) -> Message:
    """One party's health with its reasons, its recent interactions and its open issues."""
    health = assess(party, now=now, cold_after_days=cold_after_days)
    lines = Lines(now, tz, {party.party_id: party.name})
    blocks: Blocks = [
        header_block(f"{truncate(party.name, NAME_CHARS)}: relationship health"),
        section_block(
            f"{LEVEL_EMOJI[health.level]} *{health.level.label}*: {', '.join(health.reasons) or 'no signs'}"
        ),
    ]
    recent = [
        lines.interaction(i.occurred_at, i.kind, i.summary, i.sentiment, i.permalink) for i in interactions
    ]
    blocks.append(
        section_block("*Recent interactions*\n" + ("\n".join(recent) if recent else "_None logged yet._"))
    )
    pager = Pager(max_messages=1, first=blocks)
    shown = [lines.open_issue(issue) for issue in issues.items] or ["_None open._"]
    placed = 0
    for index, line in enumerate(shown):
        if not pager.add((line,), title=f"*Open issues ({issues.total})*" if index == 0 else None):
            break
        placed += 1
    more = issues.total - min(placed, len(issues.items))
    [page] = pager.finish(f"_…and {more} more open._" if more > 0 else None)
    return Message(safe_mrkdwn(f"{party.name}: {health.explain()}"), page)


def render_health_overview(facts: DigestFacts, *, tz: ZoneInfo) -> Message:
    """Every party's health in one message, worst first."""
    healths = [(assess(p, now=facts.now, cold_after_days=facts.cold_after_days), p) for p in facts.parties]
    healths.sort(key=lambda pair: (-pair[0].level, pair[1].name))
    counts = " ".join(
        f"{LEVEL_EMOJI[level]} {sum(1 for h, _ in healths if h.level == level)} {level.label}"
        for level in sorted(Level, reverse=True)
    )
    lines = Lines(facts.now, tz, {p.party_id: p.name for p in facts.parties})
    pager = Pager(max_messages=1, first=[header_block("Relationship health"), context_block(counts)])
    placed = 0
    for index, (health, party) in enumerate(healths):
        line = fit(f"{LEVEL_EMOJI[health.level]} {lines.party_name(party.party_id)} · {health.explain()}")
        if not pager.add((line,), title="*Worst first*" if index == 0 else None):
            break
        placed += 1
    if not healths:
        pager.add(("_No parties yet. `/brm log` one to start._",))
    more = len(healths) - placed
    [page] = pager.finish((f"_…and {more} more._ " if more else "") + HEALTH_HINT)
    return Message(f"Relationship health: {counts}", page)
