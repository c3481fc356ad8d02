"""Relationship health: green, amber or red for one party, always with the reasons that made it so.

Pure: it reads the facts `storage.digest_queries` gathered and decides. Each rule that fires gives a
reason at amber or red; the party's health is the worst of them, and enough amber signs together make
red. A CIO should be able to read "red: 3 issues open for more than 30 days, no contact in 45 days,
sentiment falling" and know what to ask about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from bot.plural import counted
from storage.digest_facts import STALE_ISSUE_AGE, PartyFacts, SentimentTally


class Level(IntEnum):
    GREEN = 0
    AMBER = 1
    RED = 2

    @property
    def label(self) -> str:
        return self.name.lower()


# Issues open longer than STALE_ISSUE_AGE: one is a warning, this many is red.
STALE_ISSUES_RED = 3
# Open issues of any age.
OPEN_ISSUES_AMBER = 3
OPEN_ISSUES_RED = 6
# Follow-up dates on open issues that have passed.
OVERDUE_AMBER = 1
OVERDUE_RED = 3
# No contact for the workspace's cold_after_days is amber; this many times that is red.
COLD_RED_FACTOR = 1.5
# Sentiment scores run from -1 (all negative) to +1 (all positive); a move this big is a trend.
TREND_STEP = 0.34
NEGATIVE_SCORE = -0.5
NEGATIVE_MIN_INTERACTIONS = 2
# This many amber reasons together are red: many small warnings are one big one.
AMBER_REASONS_RED = 3


class Trend(IntEnum):
    """How sentiment moved between the last period and the one before."""

    NONE = 0  # nothing to compare
    FALLING = 1
    STEADY = 2
    RISING = 3
    NEW = 4  # sentiment this period, none before


def sentiment_trend(now: SentimentTally, before: SentimentTally) -> Trend:
    if now.score is None:
        return Trend.NONE
    if before.score is None:
        return Trend.NEW
    change = now.score - before.score
    if change <= -TREND_STEP:
        return Trend.FALLING
    if change >= TREND_STEP:
        return Trend.RISING
    return Trend.STEADY


def mood(tally: SentimentTally) -> str | None:
    """A word for a period's sentiment: positive, mixed or negative; None without any."""
    score = tally.score
    if score is None:
        return None
    if score >= TREND_STEP:
        return "positive"
    if score <= -TREND_STEP:
        return "negative"
    return "mixed"


@dataclass(frozen=True)
class Reason:
    level: Level
    text: str


@dataclass(frozen=True)
class Health:
    level: Level
    reasons: tuple[str, ...]

    def explain(self) -> str:
        """ "red: 3 issues open for more than 30 days, no contact in 45 days, sentiment falling"."""
        return f"{self.level.label}: {', '.join(self.reasons)}" if self.reasons else self.level.label


def assess(facts: PartyFacts, *, now: datetime, cold_after_days: int) -> Health:
    """The party's health from its facts at `now`."""
    warnings = [
        *_issue_reasons(facts),
        *_contact_reasons(facts, now, cold_after_days),
        *_sentiment_reasons(facts),
    ]
    if not warnings:
        return Health(Level.GREEN, _good_signs(facts, now))
    level = max(reason.level for reason in warnings)
    if sum(1 for reason in warnings if reason.level == Level.AMBER) >= AMBER_REASONS_RED:
        level = Level.RED
    ordered = sorted(warnings, key=lambda reason: -reason.level)
    return Health(level, tuple(reason.text for reason in ordered))


def _issue_reasons(facts: PartyFacts) -> list[Reason]:
    reasons = []
    stale_days = STALE_ISSUE_AGE.days
    if facts.stale_issues:
        level = Level.RED if facts.stale_issues >= STALE_ISSUES_RED else Level.AMBER
        issues = counted(facts.stale_issues, "issue")
        reasons.append(Reason(level, f"{issues} open for more than {counted(stale_days, 'day')}"))
    if facts.critical_issues:
        reasons.append(Reason(Level.RED, f"{counted(facts.critical_issues, 'critical issue')} open"))
    elif facts.high_issues:
        reasons.append(Reason(Level.AMBER, f"{counted(facts.high_issues, 'high-severity issue')} open"))
    # "3 issues open" says nothing new when all of them were just counted as stale.
    if facts.open_issues >= OPEN_ISSUES_AMBER and facts.open_issues > facts.stale_issues:
        level = Level.RED if facts.open_issues >= OPEN_ISSUES_RED else Level.AMBER
        reasons.append(Reason(level, f"{counted(facts.open_issues, 'issue')} open"))
    if facts.overdue_follow_ups >= OVERDUE_AMBER:
        level = Level.RED if facts.overdue_follow_ups >= OVERDUE_RED else Level.AMBER
        reasons.append(Reason(level, f"{counted(facts.overdue_follow_ups, 'follow-up')} overdue"))
    return reasons


def days_since_contact(facts: PartyFacts, now: datetime) -> int | None:
    if facts.last_contact_at is None:
        return None
    return max(0, (now - facts.last_contact_at).days)


def is_cold(facts: PartyFacts, now: datetime, cold_after_days: int) -> bool:
    """No contact for `cold_after_days`, or none logged ever with a party older than that."""
    days = days_since_contact(facts, now)
    if days is None:
        return (now - facts.created_at).days >= cold_after_days
    return days >= cold_after_days


def _contact_reasons(facts: PartyFacts, now: datetime, cold_after_days: int) -> list[Reason]:
    if not is_cold(facts, now, cold_after_days):
        return []
    days = days_since_contact(facts, now)
    if days is None:
        return [Reason(Level.AMBER, "no contact logged yet")]
    level = Level.RED if days >= cold_after_days * COLD_RED_FACTOR else Level.AMBER
    return [Reason(level, f"no contact in {counted(days, 'day')}")]


def _sentiment_reasons(facts: PartyFacts) -> list[Reason]:
    if sentiment_trend(facts.sentiment_now, facts.sentiment_before) == Trend.FALLING:
        return [Reason(Level.AMBER, "sentiment falling")]
    score = facts.sentiment_now.score
    if (
        score is not None
        and score <= NEGATIVE_SCORE
        and facts.sentiment_now.total >= NEGATIVE_MIN_INTERACTIONS
    ):
        return [Reason(Level.AMBER, "sentiment mostly negative")]
    return []


def _good_signs(facts: PartyFacts, now: datetime) -> tuple[str, ...]:
    signs = [counted(facts.open_issues, "issue") + " open" if facts.open_issues else "no open issues"]
    days = days_since_contact(facts, now)
    if days is not None:
        signs.append("contact today" if days == 0 else f"contact {counted(days, 'day')} ago")
    feeling = mood(facts.sentiment_now)
    if feeling:
        signs.append(f"sentiment {feeling}")
    return tuple(signs)
