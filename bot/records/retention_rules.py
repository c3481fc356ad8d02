"""Retention rules as people write them: `/brm retention interactions 6 years redact`.

Four record types have a period: interactions (by when they happened), closed issues (by when they
were closed), audit events (by when they were written) and nudge history (sent, cancelled or failed
nudges, by when they were due). Without a rule a type is kept forever: nothing is ever disposed of
unless an administrator set a period. After its period a record is deleted, or redacted (its free
text replaced, its skeleton kept), as its rule says.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.errors import InputError

RETENTION_EXAMPLE = "/brm retention interactions 6 years"
DISPOSITIONS = ("delete", "redact")
# Shorter periods are almost always a slip ("6 days" for "6 years"), and a slip here destroys records.
MINIMUM_DAYS = 30


@dataclass(frozen=True)
class RecordKind:
    name: str  # as stored and as typed: "interactions"
    label: str  # as shown: "closed issues"
    aged_by: str  # what its age is counted from, as shown


RECORD_KINDS = (
    RecordKind("interactions", "interactions", "when they happened"),
    RecordKind("closed-issues", "closed issues", "when they were closed"),
    RecordKind("audit", "audit events", "when they were written"),
    RecordKind("nudges", "nudge history", "when they were due"),
)
_NAMES = {
    **{kind.name: kind.name for kind in RECORD_KINDS},
    "interaction": "interactions",
    "closed": "closed-issues",
    "issues": "closed-issues",
    "closed_issues": "closed-issues",
    "audit-events": "audit",
    "audit-log": "audit",
    "nudge": "nudges",
    "nudge-history": "nudges",
}
_UNITS = {"day": "days", "week": "weeks", "month": "months", "year": "years"}
_PERIOD = re.compile(r"(?P<count>\d{1,4})\s*(?P<unit>day|week|month|year)s?", re.IGNORECASE)
KEEP_WORDS = ("keep", "forever", "off", "none")


@dataclass(frozen=True)
class Period:
    count: int
    unit: str  # days, weeks, months, years

    def __str__(self) -> str:
        return f"{self.count} {self.unit[:-1] if self.count == 1 else self.unit}"

    def cutoff(self, now: datetime) -> datetime:
        """The moment this long before `now`: records older than it are past their period."""
        if self.unit == "days":
            return now - timedelta(days=self.count)
        if self.unit == "weeks":
            return now - timedelta(weeks=self.count)
        months = self.count * (12 if self.unit == "years" else 1)
        year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
        day = min(now.day, calendar.monthrange(year, month + 1)[1])  # 29 February to 28 February
        return now.replace(year=year, month=month + 1, day=day)

    def at_least_days(self) -> int:
        return self.count * {"days": 1, "weeks": 7, "months": 28, "years": 365}[self.unit]


@dataclass(frozen=True)
class RuleChange:
    record_type: str
    period: Period | None  # None: keep forever (the rule is removed)
    disposition: str = "delete"


def kind_named(record_type: str) -> RecordKind:
    return next(kind for kind in RECORD_KINDS if kind.name == record_type)


def read_rule_change(text: str) -> RuleChange:
    """`interactions 6 years`, `closed-issues 3 years redact`, `audit keep`; InputError otherwise."""
    words = text.split()
    if not words:
        raise InputError("Name a record type and a period.", example=RETENTION_EXAMPLE)
    # Two words first: "closed issues", "audit events", "nudge history".
    name = _NAMES.get("-".join(words[:2]).lower()) if len(words) > 1 else None
    rest = words[2:]
    if name is None:
        name = _NAMES.get(words[0].lower().replace("_", "-"))
        rest = words[1:]
    if name is None:
        known = ", ".join(f"`{kind.name}`" for kind in RECORD_KINDS)
        raise InputError(f"Retention is set for {known}.", example=RETENTION_EXAMPLE)
    if len(rest) == 1 and rest[0].lower() in KEEP_WORDS:
        return RuleChange(name, None)
    disposition = "delete"
    if rest and rest[-1].lower() in DISPOSITIONS:
        disposition = rest.pop().lower()
    found = _PERIOD.fullmatch(" ".join(rest))
    if found is None:
        raise InputError(
            f"Give the period as a number and days, weeks, months or years (or `keep` to keep "
            f"{kind_named(name).label} forever), then `delete` or `redact`.",
            example=f"/brm retention {name} 6 years redact",
        )
    period = Period(int(found["count"]), _UNITS[found["unit"].lower()])
    if period.at_least_days() < MINIMUM_DAYS:
        raise InputError(
            f"A retention period is {MINIMUM_DAYS} days at least: {period} would dispose of records "
            "almost as soon as they are written.",
            example=RETENTION_EXAMPLE,
        )
    return RuleChange(name, period, disposition)
