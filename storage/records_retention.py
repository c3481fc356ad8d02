"""Retention in the database: the rules, and finding and disposing of what is past its period.

Each record type says which rows are past a cutoff (`aged`), and how they are deleted or redacted.
Rows any active legal hold covers are never touched (storage/records_holds.py). Disposal runs as
set-based statements inside the caller's workspace session, so its size does not matter to memory,
and one transaction either disposes of all of a rule's rows or of none.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, and_, cast, delete, func, not_, true, update
from sqlmodel import Session, col, select

from storage.models import AuditEvent, Interaction, Issue, IssueStatus, Nudge, NudgeStatus
from storage.records_holds import held_by_any
from storage.records_models import LegalHold, RetentionRule

REDACTED = "[redacted under the retention schedule]"
REDACTED_DETAIL = {"redacted": True}
# The records-management trail itself is kept: who held, exported and disposed of what.
KEPT_AUDIT_ENTITIES = ("legal_hold", "records_admin", "retention", "export")


def retention_rules(session: Session) -> list[RetentionRule]:
    return list(session.exec(select(RetentionRule).order_by(col(RetentionRule.id))))


def retention_rule(session: Session, record_type: str) -> RetentionRule | None:
    return session.exec(select(RetentionRule).where(col(RetentionRule.record_type) == record_type)).first()


@dataclass(frozen=True)
class Candidates:
    """What a rule would dispose of now: how many rows and their date range, and how many a hold keeps."""

    count: int
    oldest: datetime | None
    newest: datetime | None
    held: int


@dataclass(frozen=True)
class _Type:
    model: Any
    aged_by: Any  # the column the age is counted from
    extra: Callable[[], Any]  # which rows of the table the type is about
    redacted: Callable[[], Any]  # rows already redacted (left alone)


_TYPES = {
    "interactions": _Type(
        Interaction, Interaction.occurred_at, true, lambda: col(Interaction.summary) == REDACTED
    ),
    "closed-issues": _Type(
        Issue,
        Issue.closed_at,
        lambda: col(Issue.status) == IssueStatus.CLOSED,
        lambda: col(Issue.title) == REDACTED,
    ),
    "audit": _Type(
        AuditEvent,
        AuditEvent.at,
        lambda: col(AuditEvent.entity).not_in(KEPT_AUDIT_ENTITIES),
        # JSON has no equality on PostgreSQL; both databases keep the text as it was written.
        lambda: cast(AuditEvent.detail, Text) == json.dumps(REDACTED_DETAIL),
    ),
    "nudges": _Type(
        Nudge,
        Nudge.due_at,
        lambda: col(Nudge.status).in_((NudgeStatus.SENT, NudgeStatus.CANCELLED, NudgeStatus.FAILED)),
        lambda: col(Nudge.last_error).is_(None),
    ),
}


def _past(record_type: str, cutoff: datetime, disposition: str) -> Any:
    kind = _TYPES[record_type]
    conditions = [col(kind.aged_by) < cutoff, kind.extra()]
    if disposition == "redact":
        conditions.append(not_(kind.redacted()))
    return and_(*conditions)


def _to_dispose(record_type: str, cutoff: datetime, disposition: str, holds: list[LegalHold]) -> Any:
    kind = _TYPES[record_type]
    return and_(_past(record_type, cutoff, disposition), not_(held_by_any(kind.model, holds)))


def candidates(
    session: Session, record_type: str, cutoff: datetime, disposition: str, holds: list[LegalHold]
) -> Candidates:
    kind = _TYPES[record_type]
    aged = col(kind.aged_by)
    count, oldest, newest = session.exec(
        select(func.count(), func.min(aged), func.max(aged))
        .select_from(kind.model)
        .where(_to_dispose(record_type, cutoff, disposition, holds))
    ).one()
    held = 0
    if holds:
        held = session.exec(
            select(func.count())
            .select_from(kind.model)
            .where(_past(record_type, cutoff, disposition), held_by_any(kind.model, holds))
        ).one()
    return Candidates(count, oldest, newest, held)


def dispose(
    session: Session, record_type: str, cutoff: datetime, disposition: str, holds: list[LegalHold]
) -> int:
    """Delete or redact what is past `cutoff` and not held; returns how many rows."""
    where = _to_dispose(record_type, cutoff, disposition, holds)
    model = _TYPES[record_type].model
    ids = select(model.id).where(where)
    if disposition == "redact":
        return _run(session, update(model).where(where).values(**_REDACTION[record_type]))
    # What refers to the rows goes first, in the order the foreign keys ask for.
    if model is Interaction:
        _run(session, delete(Nudge).where(col(Nudge.interaction_id).in_(ids)))
        _run(session, update(Issue).where(col(Issue.interaction_id).in_(ids)).values(interaction_id=None))
    elif model is Issue:
        _run(session, delete(Nudge).where(col(Nudge.issue_id).in_(ids)))
    return _run(session, delete(model).where(where))


_REDACTION: dict[str, dict[str, Any]] = {
    "interactions": {"summary": REDACTED, "people": [], "contacts": []},
    "closed-issues": {"title": REDACTED, "details": None, "resolution": None},
    "audit": {"detail": REDACTED_DETAIL},
    "nudges": {"last_error": None},
}


def _run(session: Session, statement: Any) -> int:
    result = session.exec(statement.execution_options(synchronize_session=False))  # type: ignore[call-overload]
    return result.rowcount or 0
