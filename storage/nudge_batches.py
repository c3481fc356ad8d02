"""The sender's reads and writes for a whole claimed batch of nudges at once.

Draining a backlog, each nudge cost a handful of ORM queries to read what it shows and another
transaction of ORM writes to record it; building and running those statements one nudge at a time
was most of the sender's CPU. Here a batch's nudges, their records, parties and counts are read with
one query each, and the nudges the batch posted are marked sent, with their audit rows and next
reminders, in one transaction of prepared Core statements (no unit of work, no per-row flush).

Like `claim_due`, these take the scheduler's unscoped `Database.system()` session: every id comes
from the nudge rows themselves, and every row written carries its nudge's own workspace.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, update
from sqlmodel import Session, select

from storage.models import AuditEvent, Interaction, Issue, Nudge, NudgeStatus, Party
from storage.nudges import NudgeSubject

_NUDGE = Nudge.__table__  # type: ignore[attr-defined]

# Built once: SQLAlchemy then compiles each of them once per dialect and reuses it.
_ADD_NUDGES = insert(_NUDGE)
_ADD_AUDIT = insert(AuditEvent.__table__)  # type: ignore[attr-defined]
_MARK_SENT = (
    update(_NUDGE)
    .where(
        _NUDGE.c.id == bindparam("b_id"),
        _NUDGE.c.status == NudgeStatus.SENDING.value,
        _NUDGE.c.claimed_by == bindparam("b_worker"),
    )
    .values(
        status=NudgeStatus.SENT.value,
        channel_id=bindparam("b_channel"),
        message_ts=bindparam("b_ts"),
        sent_at=bindparam("b_at"),
        check_before_post=False,
    )
)
# Sent and still held by the worker: what _MARK_SENT marked (a nudge is claimed only while pending).
_MARKED = select(_NUDGE.c.id).where(
    _NUDGE.c.id.in_(bindparam("ids", expanding=True)),
    _NUDGE.c.status == NudgeStatus.SENT.value,
    _NUDGE.c.claimed_by == bindparam("worker"),
)


@dataclass(frozen=True)
class SentNudge:
    """A nudge this worker posted, and what its being sent adds (once it is marked sent)."""

    nudge_id: int
    channel_id: str
    message_ts: str
    sent_at: datetime  # also the time its audit row and the nudges it adds are stamped with
    audit: dict[str, Any]  # the audit row (storage.audit.change_row)
    copy: dict[str, Any] | None = None  # an escalation copy to add (storage.nudges.nudge_values)
    # The next reminder, added unless its issue has a pending nudge by then (a snooze made while
    # this one was being sent planned it already).
    next: dict[str, Any] | None = None


def nudges_by_ids(session: Session, ids: Collection[int]) -> dict[int, Nudge]:
    if not ids:
        return {}
    return {n.id: n for n in session.exec(select(Nudge).where(Nudge.id.in_(list(ids))))}  # type: ignore[union-attr, call-overload, misc]


def subjects_of(session: Session, nudges: Iterable[Nudge]) -> dict[int, NudgeSubject]:
    """Each nudge's issue or interaction and party (storage.nudges.subject_of for many); a nudge
    whose record or party is gone is left out."""
    nudges = list(nudges)
    issue_ids = {n.issue_id for n in nudges if n.issue_id is not None}
    interaction_ids = {n.interaction_id for n in nudges if n.issue_id is None and n.interaction_id}
    issues = _by_id(session, Issue, issue_ids)
    interactions = _by_id(session, Interaction, interaction_ids)
    party_ids = {r.party_id for r in [*issues.values(), *interactions.values()]}
    parties = _by_id(session, Party, party_ids)
    subjects: dict[int, NudgeSubject] = {}
    for nudge in nudges:
        issue = issues.get(nudge.issue_id) if nudge.issue_id is not None else None  # type: ignore[arg-type]
        interaction = None if nudge.issue_id is not None else interactions.get(nudge.interaction_id)  # type: ignore[arg-type]
        record = issue or interaction
        party = parties.get(record.party_id) if record is not None else None  # type: ignore[arg-type]
        if party is not None and nudge.id is not None:
            subjects[nudge.id] = NudgeSubject(issue=issue, interaction=interaction, party=party)
    return subjects


def times_nudged_each(
    session: Session, *, issue_ids: Collection[int], interaction_ids: Collection[int]
) -> tuple[dict[int, int], dict[int, int]]:
    """storage.nudges.times_nudged for many records: (by issue id, by interaction id), 0 left out."""
    counts: tuple[dict[int, int], dict[int, int]] = ({}, {})
    for column, ids, into in (
        (Nudge.issue_id, issue_ids, counts[0]),
        (Nudge.interaction_id, interaction_ids, counts[1]),
    ):
        if not ids:
            continue
        statement = (
            select(column, func.count())
            .where(
                column.in_(list(ids)),  # type: ignore[union-attr]
                Nudge.status == NudgeStatus.SENT,
                Nudge.escalated_to.is_(None),  # type: ignore[union-attr]
            )
            .group_by(column)
        )
        into.update({record_id: int(count) for record_id, count in session.exec(statement)})  # type: ignore[call-overload]
    return counts


def record_sent(session: Session, sent: Sequence[SentNudge], *, worker: str) -> set[int]:
    """Mark each nudge sent, in one transaction with what each adds; committed before returning.

    A nudge this worker no longer holds (its lease ran out and another process claimed it) is not
    marked and adds nothing; the ids marked are returned."""
    connection = session.connection()
    ids = _mark_sent(connection, sent, worker=worker)
    marked = [item for item in sent if item.nudge_id in ids]
    _insert(connection, _ADD_NUDGES, [_new(item.copy, item) for item in marked if item.copy is not None])
    wanted = [item for item in marked if item.next is not None]
    pending = _issues_with_pending_nudges(connection, {item.next["issue_id"] for item in wanted})  # type: ignore[index]
    planned = []
    for item in wanted:
        assert item.next is not None
        if item.next["issue_id"] not in pending:
            pending.add(item.next["issue_id"])
            planned.append(_new(item.next, item))
    _insert(connection, _ADD_NUDGES, planned)
    _insert(connection, _ADD_AUDIT, [{**item.audit, "at": item.sent_at} for item in marked])
    session.commit()
    return ids


def _mark_sent(connection: Any, sent: Sequence[SentNudge], *, worker: str) -> set[int]:
    """Mark the nudges of `sent` that `worker` still holds sent; their ids.

    One statement, compiled once, run for every row of the batch (executemany), then one read of the
    ids it marked. Once caught up, a paced sender marks a few nudges every few dozen milliseconds:
    a statement built for each batch, each row's message picked from a CASE by its id, took more of
    its CPU than posting the nudges (SQLAlchemy builds and compiles a bound value per row each time).
    The update comes first, so SQLite takes its write lock at once, and a nudge another process has
    claimed since (its lease ran out) is neither marked nor read back."""
    if not sent:
        return set()
    rows = [
        {
            "b_id": item.nudge_id,
            "b_worker": worker,
            "b_channel": item.channel_id,
            "b_ts": item.message_ts,
            "b_at": item.sent_at,
        }
        for item in sent
    ]
    connection.execute(_MARK_SENT, rows)
    marked = connection.execute(_MARKED, {"ids": [item.nudge_id for item in sent], "worker": worker})
    return set(marked.scalars())


def _new(nudge: dict[str, Any], sent: SentNudge) -> dict[str, Any]:
    """A new pending nudge's row, stamped when the nudge that adds it was sent."""
    return {
        **nudge,
        "status": NudgeStatus.PENDING.value,
        "attempts": 0,
        "check_before_post": False,
        "created_at": sent.sent_at,
    }


def _issues_with_pending_nudges(connection: Any, issue_ids: Collection[int]) -> set[int]:
    if not issue_ids:
        return set()
    # An escalation copy waiting to go to the home channel is not the issue's next reminder: the
    # weekly reminders go on after it (counting it stopped them at the third).
    statement = select(_NUDGE.c.issue_id).where(
        and_(
            _NUDGE.c.issue_id.in_(list(issue_ids)),
            _NUDGE.c.status == NudgeStatus.PENDING.value,
            _NUDGE.c.escalated_to.is_(None),
        )
    )
    return {row[0] for row in connection.execute(statement)}


def _insert(connection: Any, statement: Any, rows: list[dict[str, Any]]) -> None:
    # executemany needs every row to name the same columns; rows differ only in their values.
    by_keys: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_keys[tuple(sorted(row))].append(row)
    for same in by_keys.values():
        connection.execute(statement, same)


def _by_id(session: Session, model: Any, ids: Collection[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in session.exec(select(model).where(model.id.in_(list(ids))))}  # type: ignore[call-overload]
