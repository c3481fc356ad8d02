"""What a digest and a health check are made of: the facts `storage.digest_queries` reads (plain
frozen dataclasses, no session), and the periods and caps those reads use."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from storage.models import Severity

# How far back "this week" reaches, and the periods the sentiment trend compares (the last one and
# the one before): long enough that a relationship with monthly contact has a trend at all.
WEEK = timedelta(days=7)
SENTIMENT_PERIOD = timedelta(days=60)
# An issue open longer than this is "stale" for health and ordering.
STALE_ISSUE_AGE = timedelta(days=30)
DEFAULT_COLD_AFTER_DAYS = 30
# The most rows any list brings back: the digest never shows more than this per list.
TOP_ISSUES_PER_PARTY = 3
LIST_LIMIT = 40

SEVERITY_RANK = {Severity.CRITICAL: 4, Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}


@dataclass(frozen=True)
class IssueLine:
    """One issue as the digest shows it."""

    number: int
    party_id: int
    title: str
    severity: str
    owner_id: str
    created_at: datetime
    follow_up_at: datetime | None = None
    permalink: str | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None


@dataclass(frozen=True)
class FollowUpLine:
    """An interaction's follow-up date that passed with nothing logged with the party since."""

    party_id: int
    summary: str
    follow_up_at: datetime
    logged_by: str
    permalink: str | None = None


@dataclass(frozen=True)
class SentimentTally:
    """How interactions with sentiment went in one period."""

    positive: int = 0
    neutral: int = 0
    negative: int = 0

    @property
    def total(self) -> int:
        return self.positive + self.neutral + self.negative

    @property
    def score(self) -> float | None:
        """From -1 (all negative) to +1 (all positive); None without any interaction."""
        return (self.positive - self.negative) / self.total if self.total else None


@dataclass(frozen=True)
class PartyFacts:
    """What is known about one relationship, for its health and its lines in the digest."""

    party_id: int
    name: str
    created_at: datetime
    open_issues: int = 0
    stale_issues: int = 0
    critical_issues: int = 0
    high_issues: int = 0
    overdue_follow_ups: int = 0
    oldest_open_at: datetime | None = None
    last_contact_at: datetime | None = None
    last_contact_permalink: str | None = None
    sentiment_now: SentimentTally = field(default_factory=SentimentTally)
    sentiment_before: SentimentTally = field(default_factory=SentimentTally)
    top_issues: tuple[IssueLine, ...] = ()


@dataclass(frozen=True)
class Listed:
    """The first few of a list, and how many there are in all."""

    items: tuple[Any, ...] = ()
    total: int = 0


@dataclass(frozen=True)
class DigestFacts:
    """Everything a digest says, read at `now` for the week before it."""

    now: datetime
    week_start: datetime
    cold_after_days: int
    parties: tuple[PartyFacts, ...] = ()
    opened: Listed = field(default_factory=Listed)  # opened this week and still open
    closed: Listed = field(default_factory=Listed)  # closed this week, some opened this week too
    overdue: Listed = field(default_factory=Listed)
    missed_follow_ups: Listed = field(default_factory=Listed)
    opened_and_closed: int = 0  # of `closed`, how many were opened this week too
    mentions: bool = False  # the workspace wants people @-mentioned in its digest, not just named

    @property
    def opened_total(self) -> int:
        """Every issue opened this week, still open or closed since."""
        return self.opened.total + self.opened_and_closed
