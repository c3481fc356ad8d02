"""Relationship health rules (bot/health.py): the colour and the reasons given for it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.health import Level, Trend, assess, is_cold, sentiment_trend
from storage.digest_facts import PartyFacts, SentimentTally

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


def facts(**overrides: object) -> PartyFacts:
    values: dict[str, object] = {
        "party_id": 1,
        "name": "DMV",
        "created_at": NOW - timedelta(days=365),
        "last_contact_at": NOW - timedelta(days=3),
    }
    values.update(overrides)
    return PartyFacts(**values)  # type: ignore[arg-type]


def health(**overrides: object) -> str:
    return assess(facts(**overrides), now=NOW, cold_after_days=30).explain()


def test_the_issues_own_example_is_red_with_its_three_reasons() -> None:
    explained = health(
        open_issues=3,
        stale_issues=3,
        last_contact_at=NOW - timedelta(days=45),
        sentiment_now=SentimentTally(negative=2),
        sentiment_before=SentimentTally(positive=2),
    )
    assert explained == "red: 3 issues open for more than 30 days, no contact in 45 days, sentiment falling"


def test_a_healthy_relationship_is_green_and_says_why() -> None:
    assert health(sentiment_now=SentimentTally(positive=2)) == (
        "green: no open issues, contact 3 days ago, sentiment positive"
    )
    assert health(open_issues=1, last_contact_at=NOW) == "green: 1 issue open, contact today"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"open_issues": 1, "stale_issues": 1}, "amber: 1 issue open for more than 30 days"),
        ({"open_issues": 1, "high_issues": 1}, "amber: 1 high-severity issue open"),
        ({"open_issues": 1, "critical_issues": 1}, "red: 1 critical issue open"),
        ({"open_issues": 3}, "amber: 3 issues open"),
        ({"open_issues": 6}, "red: 6 issues open"),
        ({"open_issues": 1, "overdue_follow_ups": 1}, "amber: 1 follow-up overdue"),
        ({"open_issues": 3, "overdue_follow_ups": 3}, "red: 3 follow-ups overdue, 3 issues open"),
        ({"last_contact_at": NOW - timedelta(days=30)}, "amber: no contact in 30 days"),
        ({"last_contact_at": NOW - timedelta(days=44)}, "amber: no contact in 44 days"),
        ({"last_contact_at": NOW - timedelta(days=45)}, "red: no contact in 45 days"),
        ({"last_contact_at": None}, "amber: no contact logged yet"),
        ({"sentiment_now": SentimentTally(negative=2, neutral=1)}, "amber: sentiment mostly negative"),
    ],
)
def test_each_rule(overrides: dict[str, object], expected: str) -> None:
    assert health(**overrides) == expected


def test_a_new_party_without_contact_is_not_cold_yet() -> None:
    young = facts(created_at=NOW - timedelta(days=5), last_contact_at=None)
    assert not is_cold(young, NOW, 30)
    assert assess(young, now=NOW, cold_after_days=30).level == Level.GREEN


def test_three_amber_signs_together_are_red() -> None:
    explained = health(
        open_issues=1,
        stale_issues=1,
        overdue_follow_ups=1,
        last_contact_at=NOW - timedelta(days=31),
    )
    assert explained.startswith("red: ")
    assert "1 issue open for more than 30 days" in explained and "no contact in 31 days" in explained


def test_stale_issues_are_not_counted_twice() -> None:
    assert health(open_issues=4, stale_issues=4) == "red: 4 issues open for more than 30 days"
    assert health(open_issues=4, stale_issues=1) == "amber: 1 issue open for more than 30 days, 4 issues open"


def test_the_workspace_cold_threshold_is_used() -> None:
    party = facts(last_contact_at=NOW - timedelta(days=21))
    assert assess(party, now=NOW, cold_after_days=14).explain() == "red: no contact in 21 days"
    assert assess(party, now=NOW, cold_after_days=30).level == Level.GREEN


@pytest.mark.parametrize(
    ("now", "before", "trend"),
    [
        (SentimentTally(), SentimentTally(positive=3), Trend.NONE),
        (SentimentTally(positive=1), SentimentTally(), Trend.NEW),
        (SentimentTally(negative=1), SentimentTally(positive=1), Trend.FALLING),
        (SentimentTally(positive=1), SentimentTally(negative=1), Trend.RISING),
        (SentimentTally(positive=2, negative=1), SentimentTally(positive=3, negative=1), Trend.STEADY),
        (SentimentTally(neutral=1), SentimentTally(positive=1), Trend.FALLING),
    ],
)
def test_sentiment_trend(now: SentimentTally, before: SentimentTally, trend: Trend) -> None:
    assert sentiment_trend(now, before) == trend
