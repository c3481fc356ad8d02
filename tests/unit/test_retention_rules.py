"""Reading retention rules and counting their periods back from now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import InputError
from bot.records.retention_rules import Period, RuleChange, read_rule_change


def test_the_period_counts_calendar_months_and_years() -> None:
    leap_day = datetime(2028, 2, 29, 12, 0, tzinfo=UTC)
    assert Period(1, "years").cutoff(leap_day) == datetime(2027, 2, 28, 12, 0, tzinfo=UTC)
    assert Period(6, "months").cutoff(datetime(2026, 8, 31, tzinfo=UTC)) == datetime(2026, 2, 28, tzinfo=UTC)
    assert Period(14, "months").cutoff(datetime(2026, 1, 15, tzinfo=UTC)) == datetime(
        2024, 11, 15, tzinfo=UTC
    )
    assert Period(2, "weeks").cutoff(leap_day) == leap_day - timedelta(weeks=2)
    assert Period(45, "days").cutoff(leap_day) == leap_day - timedelta(days=45)


@pytest.mark.parametrize(
    ("text", "change"),
    [
        ("interactions 6 years", RuleChange("interactions", Period(6, "years"), "delete")),
        ("closed issues 3 years redact", RuleChange("closed-issues", Period(3, "years"), "redact")),
        ("audit events 7 years", RuleChange("audit", Period(7, "years"), "delete")),
        ("nudge history 1 year", RuleChange("nudges", Period(1, "years"), "delete")),
        ("Interactions 18 Months Redact", RuleChange("interactions", Period(18, "months"), "redact")),
        ("audit keep", RuleChange("audit", None)),
    ],
)
def test_rules_are_read_as_people_write_them(text: str, change: RuleChange) -> None:
    assert read_rule_change(text) == change


@pytest.mark.parametrize(
    "text", ["", "parties 1 year", "interactions", "interactions six years", "audit 2 weeks"]
)
def test_what_cannot_be_read_is_refused(text: str) -> None:
    with pytest.raises(InputError):
        read_rule_change(text)


def test_a_period_reads_back_as_written() -> None:
    assert str(Period(1, "years")) == "1 year" and str(Period(6, "months")) == "6 months"
