"""Running the retention schedule: what each rule disposes of now, and doing it (or only saying it).

A run goes rule by rule. Records past their period and not under any active legal hold are deleted
or redacted; each rule's run leaves a disposition record in the audit log: which type, how many,
the date range they spanned, the rule applied, how many a hold kept. Never their content.
`preview` computes the same without changing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.records.retention_rules import Period, RuleChange, kind_named
from storage.audit import record_change
from storage.models import Surface
from storage.records_holds import active_holds
from storage.records_models import RetentionRule
from storage.records_retention import candidates, dispose, retention_rule, retention_rules


@dataclass(frozen=True)
class Disposition:
    record_type: str
    rule: str  # "6 years, then delete"
    cutoff: datetime
    count: int
    oldest: datetime | None
    newest: datetime | None
    held: int  # past the period, but kept by a hold
    holds: tuple[str, ...]  # the names of the holds in place


def period_of(rule: RetentionRule) -> Period:
    return Period(rule.period_count, rule.period_unit)


def rule_text(rule: RetentionRule) -> str:
    then = "then redact the free text" if rule.disposition == "redact" else "then delete"
    return f"{period_of(rule)} from {kind_named(rule.record_type).aged_by}, {then}"


def preview(session: Session, now: datetime) -> list[Disposition]:
    """What a run now would dispose of, rule by rule; nothing is changed."""
    return _each_rule(session, now, apply=False)


def run_retention(session: Session, now: datetime) -> list[Disposition]:
    """Dispose of what is past its period and not held, and leave a disposition record per rule."""
    return _each_rule(session, now, apply=True)


def _each_rule(session: Session, now: datetime, *, apply: bool) -> list[Disposition]:
    holds = active_holds(session)
    names = tuple(hold.name for hold in holds)
    done = []
    for rule in retention_rules(session):
        cutoff = period_of(rule).cutoff(now)
        found = candidates(session, rule.record_type, cutoff, rule.disposition, holds)
        count = found.count
        if apply:
            count = dispose(session, rule.record_type, cutoff, rule.disposition, holds)
        disposition = Disposition(
            rule.record_type, rule_text(rule), cutoff, count, found.oldest, found.newest, found.held, names
        )
        if apply:
            _record(session, rule, disposition)
        done.append(disposition)
    return done


def _record(session: Session, rule: RetentionRule, done: Disposition) -> None:
    record_change(
        session,
        actor_id=None,
        surface=Surface.SCHEDULER,
        action="redacted" if rule.disposition == "redact" else "disposed",
        entity="retention",
        entity_id=rule.id,  # type: ignore[arg-type]
        record_type=done.record_type,
        count=done.count,
        oldest=done.oldest,
        newest=done.newest,
        rule=done.rule,
        cutoff=done.cutoff,
        kept_under_hold=done.held,
        holds=list(done.holds),
    )


def set_rule(session: Session, change: RuleChange, *, actor_id: str) -> RetentionRule | None:
    """Set, change or remove (period None) a record type's rule; audited. Returns the rule in force."""
    rule = retention_rule(session, change.record_type)
    was = rule_text(rule) if rule else "keep forever"
    if change.period is None:
        if rule is not None:
            _audit_rule(session, rule, actor_id, "retention_removed", was=was, now="keep forever")
            session.delete(rule)
        return None
    if rule is None:
        rule = RetentionRule(record_type=change.record_type, period_count=0, period_unit="", set_by=actor_id)
    rule.period_count, rule.period_unit = change.period.count, change.period.unit
    rule.disposition, rule.set_by = change.disposition, actor_id
    session.add(rule)
    session.flush()
    _audit_rule(session, rule, actor_id, "retention_set", was=was, now=rule_text(rule))
    return rule


def _audit_rule(session: Session, rule: RetentionRule, actor_id: str, action: str, **detail: str) -> None:
    record_change(
        session,
        actor_id=actor_id,
        surface=Surface.COMMAND,
        action=action,
        entity="retention",
        entity_id=rule.id,  # type: ignore[arg-type]
        record_type=rule.record_type,
        **detail,
    )
