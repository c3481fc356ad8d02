"""A party's timeline, newest first, a page at a time: its interactions (when they happened), what
happened to its issues (opened, closed, reopened, handed over) and changes to the party itself
(added, kind, owner, name, home channel, aliases), the last two read from the audit log.

Pages are cut by a cursor (the last entry shown), not an offset, so a page reads only what it shows
and entries written meanwhile neither repeat nor vanish between pages. Entries at the same moment
are ordered by their source's rank, then by id, the same way in every query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, true
from sqlmodel import Session, col, select

from storage.models import AuditEvent, Interaction, Issue

ISSUE_ACTIONS = ("opened", "closed", "reopened", "reassigned")
PARTY_ACTIONS = (
    "created",
    "kind_changed",
    "owner_changed",
    "renamed",
    "home_channel_changed",
    "alias_added",
    "alias_removed",
)
# Ties at one moment: an interaction before the issue events it raised, those before party changes.
_INTERACTION, _ISSUE, _PARTY = 2, 1, 0


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: its last entry's moment, source rank and id."""

    at: datetime
    rank: int
    id: int

    def encode(self) -> str:
        return f"{self.at.isoformat()}~{self.rank}~{self.id}"

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        """The cursor `encode` wrote, or None for anything else (a button value is untrusted)."""
        try:
            at, rank, entry_id = text.split("~")
            moment = datetime.fromisoformat(at)
            cursor = cls(moment, int(rank), int(entry_id))
        except ValueError:
            return None
        if moment.tzinfo is None or cursor.rank not in (_INTERACTION, _ISSUE, _PARTY):
            return None
        return cursor


@dataclass(frozen=True)
class Entry:
    """One line of the timeline. `record` is "interaction", "issue" or "party"; `action` is
    "logged" for an interaction, else the audit action; `detail` is the audit row's detail."""

    at: datetime
    rank: int
    id: int
    record: str
    action: str
    actor_id: str | None
    text: str = ""  # the interaction's summary, the issue's title
    kind: str | None = None  # the interaction's kind
    number: int | None = None  # the issue's number
    permalink: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.at, self.rank, self.id)


def timeline_page(session: Session, party_id: int, *, after: Cursor | None, limit: int) -> list[Entry]:
    """The party's next `limit` entries after `after` (None: from the newest), plus one more when
    there are more."""
    entries = [
        *_interactions(session, party_id, after, limit + 1),
        *_issue_events(session, party_id, after, limit + 1),
        *_party_events(session, party_id, after, limit + 1),
    ]
    entries.sort(key=lambda entry: (entry.at, entry.rank, entry.id), reverse=True)
    return entries[: limit + 1]


def _older(at: Any, entry_id: Any, rank: int, after: Cursor | None) -> Any:
    """Entries of source `rank` that come after `after` in newest-first order."""
    if after is None:
        return true()
    if rank > after.rank:
        return at < after.at
    if rank < after.rank:
        return at <= after.at
    return or_(at < after.at, and_(at == after.at, entry_id < after.id))


def _interactions(session: Session, party_id: int, after: Cursor | None, limit: int) -> list[Entry]:
    when, ident = col(Interaction.occurred_at), col(Interaction.id)
    statement = (
        select(Interaction)
        .where(Interaction.party_id == party_id, _older(when, ident, _INTERACTION, after))
        .order_by(when.desc(), ident.desc())
        .limit(limit)
    )
    return [
        Entry(
            at=row.occurred_at,
            rank=_INTERACTION,
            id=row.id,  # type: ignore[arg-type]
            record="interaction",
            action="logged",
            actor_id=row.logged_by,
            text=row.summary,
            kind=row.kind,
            permalink=row.permalink,
        )
        for row in session.exec(statement)
    ]


def _issue_events(session: Session, party_id: int, after: Cursor | None, limit: int) -> list[Entry]:
    statement = (
        select(AuditEvent, Issue.number, Issue.title, Issue.permalink)
        .join(Issue, and_(AuditEvent.entity == "issue", AuditEvent.entity_id == Issue.id))
        .where(Issue.party_id == party_id, col(AuditEvent.action).in_(ISSUE_ACTIONS))
    )
    return [
        _audit_entry(event, "issue", _ISSUE, text=title, number=number, permalink=permalink)
        for event, number, title, permalink in session.exec(_newest(statement, _ISSUE, after, limit))
    ]


def _party_events(session: Session, party_id: int, after: Cursor | None, limit: int) -> list[Entry]:
    statement = select(AuditEvent).where(
        AuditEvent.entity == "party",
        AuditEvent.entity_id == party_id,
        col(AuditEvent.action).in_(PARTY_ACTIONS),
    )
    return [
        _audit_entry(event, "party", _PARTY)
        for event in session.exec(_newest(statement, _PARTY, after, limit))
    ]


def _newest(statement: Any, rank: int, after: Cursor | None, limit: int) -> Any:
    """Audit rows of `statement` after the cursor, newest first."""
    at, ident = col(AuditEvent.at), col(AuditEvent.id)
    return statement.where(_older(at, ident, rank, after)).order_by(at.desc(), ident.desc()).limit(limit)


def _audit_entry(event: AuditEvent, record: str, rank: int, **shown: Any) -> Entry:
    return Entry(
        at=event.at,
        rank=rank,
        id=event.id,  # type: ignore[arg-type]
        record=record,
        action=event.action,
        actor_id=event.actor_id,
        detail=event.detail,
        **shown,
    )
