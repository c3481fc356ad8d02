"""What an export reads: one streamed query per record type, in a workspace session.

The filters select records the way a legal hold does (storage/records_holds.py), so "export what
PRR-114 holds" and "hold what was exported" mean the same records. Rows are read a range of `BATCH`
ids at a time, a query a chunk (storage/records_export_read.py), so memory does not grow with the
number of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, true
from sqlmodel import col, select

from storage.models import AuditEvent, Contact, Interaction, Issue, Nudge, NudgeStatus, Party, PartyAlias
from storage.records_export_read import SnapshotReaders, read_ranges
from storage.records_export_text import chunk_statement
from storage.records_holds import interactions_held, issues_held

BATCH = 5_000  # ids per chunk: few round trips, and a chunk's text stays a few MB


@dataclass(frozen=True)
class ExportFilter:
    """The records asked for; each part optional (all None: the whole workspace)."""

    party_id: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    user_id: str | None = None


@dataclass(frozen=True)
class RecordType:
    """One file of the export: its name, its columns, and the query that reads its rows."""

    name: str  # "interactions": interactions.csv, interactions.json
    columns: tuple[str, ...]
    statement: Callable[[ExportFilter], Any]
    json_columns: frozenset[str] = frozenset()  # lists and objects: JSON text in the CSV


def _parties(wanted: ExportFilter) -> Any:
    return col(Party.id) == wanted.party_id if wanted.party_id is not None else true()


def _party_statement(wanted: ExportFilter) -> Any:
    columns = (Party.id, Party.name, Party.kind, Party.owner_id, Party.home_channel_id)
    return (
        select(*columns, Party.created_by, Party.created_at).where(_parties(wanted)).order_by(col(Party.id))
    )


def _alias_statement(wanted: ExportFilter) -> Any:
    party_ids = select(Party.id).where(_parties(wanted))
    return (
        select(PartyAlias.id, PartyAlias.party_id, PartyAlias.alias)
        .where(col(PartyAlias.party_id).in_(party_ids))
        .order_by(col(PartyAlias.id))
    )


def _contact_statement(wanted: ExportFilter) -> Any:
    party_ids = select(Party.id).where(_parties(wanted))
    return (
        select(
            Contact.id,
            Contact.party_id,
            Contact.name,
            Contact.role,
            Contact.slack_user_id,
            Contact.created_at,
        )
        .where(col(Contact.party_id).in_(party_ids))
        .order_by(col(Contact.id))
    )


INTERACTION_COLUMNS = (
    "id", "party_id", "occurred_at", "kind", "summary", "people", "contacts", "sentiment", "follow_up_at",
    "follow_up_done_at", "follow_up_done_by", "source", "channel_id", "message_ts", "permalink", "logged_by",
    "created_at",
)  # fmt: skip


def _interaction_statement(wanted: ExportFilter) -> Any:
    columns = [getattr(Interaction, name) for name in INTERACTION_COLUMNS]
    return select(*columns).where(interactions_held(wanted)).order_by(col(Interaction.id))


ISSUE_COLUMNS = (
    "id", "number", "party_id", "interaction_id", "title", "details", "severity", "owner_id", "status",
    "follow_up_at", "source", "channel_id", "message_ts", "permalink", "raised_by", "created_at",
    "updated_at", "closed_at", "closed_by", "close_surface", "resolution",
)  # fmt: skip


def _issue_statement(wanted: ExportFilter) -> Any:
    columns = [getattr(Issue, name) for name in ISSUE_COLUMNS]
    return select(*columns).where(issues_held(wanted)).order_by(col(Issue.id))


AUDIT_COLUMNS = ("id", "at", "actor_id", "surface", "action", "entity", "entity_id", "detail")


def _audit_statement(wanted: ExportFilter) -> Any:
    """The audit trail of every exported record: parties, contacts, interactions and issues; for an
    export of the whole workspace ("all data"), every audit event it has."""
    columns = [getattr(AuditEvent, name) for name in AUDIT_COLUMNS]
    if wanted == ExportFilter():
        return select(*columns).order_by(col(AuditEvent.id))
    about = [
        ("interaction", select(Interaction.id).where(interactions_held(wanted))),
        ("issue", select(Issue.id).where(issues_held(wanted))),
        ("party", select(Party.id).where(_parties(wanted))),
        (
            "contact",
            select(Contact.id).where(col(Contact.party_id).in_(select(Party.id).where(_parties(wanted)))),
        ),
    ]
    trail = or_(
        *(and_(col(AuditEvent.entity) == entity, col(AuditEvent.entity_id).in_(ids)) for entity, ids in about)
    )
    columns = [getattr(AuditEvent, name) for name in AUDIT_COLUMNS]
    return select(*columns).where(trail).order_by(col(AuditEvent.id))


NUDGE_COLUMNS = (
    "id", "issue_id", "interaction_id", "owner_id", "due_at", "sequence", "status", "channel_id",
    "message_ts", "escalated_to", "sent_at",
)  # fmt: skip


def _nudge_statement(wanted: ExportFilter) -> Any:
    """The nudges sent about the exported interactions and issues."""
    columns = [getattr(Nudge, name) for name in NUDGE_COLUMNS]
    about = or_(
        col(Nudge.issue_id).in_(select(Issue.id).where(issues_held(wanted))),
        col(Nudge.interaction_id).in_(select(Interaction.id).where(interactions_held(wanted))),
    )
    return select(*columns).where(about, col(Nudge.status) == NudgeStatus.SENT).order_by(col(Nudge.id))


RECORD_TYPES: tuple[RecordType, ...] = (
    RecordType(
        "parties",
        ("id", "name", "kind", "owner_id", "home_channel_id", "created_by", "created_at"),
        _party_statement,
    ),
    RecordType("party_aliases", ("id", "party_id", "alias"), _alias_statement),
    RecordType(
        "contacts", ("id", "party_id", "name", "role", "slack_user_id", "created_at"), _contact_statement
    ),
    RecordType(
        "interactions", INTERACTION_COLUMNS, _interaction_statement, frozenset({"people", "contacts"})
    ),
    RecordType("issues", ISSUE_COLUMNS, _issue_statement),
    RecordType("audit_trail", AUDIT_COLUMNS, _audit_statement, frozenset({"detail"})),
    RecordType("nudges_sent", NUDGE_COLUMNS, _nudge_statement),
)


Chunk = tuple[bytes | None, bytes | None, int]  # (CSV lines, JSON objects, rows in them)


def stream_text(
    readers: SnapshotReaders, record_type: RecordType, wanted: ExportFilter, formats: tuple[str, ...]
) -> Iterator[Chunk]:
    """The rows of one record type in id order, a chunk at a time, as the database writes them
    (storage/records_export_text.py): the chunk's CSV lines joined by CRLF and its JSON objects by
    ",\n", as UTF-8; None for a format not asked for. The caller writes what goes between chunks."""
    statement = record_type.statement(wanted)
    # Core statements on the export's own connections, not the ORM: its row machinery is not
    # wanted for a few values a chunk. That skips a session's workspace filter, so the statement
    # names the workspace itself.
    table = statement.get_final_froms()[0]
    statement = statement.where(table.c.team_id == readers.team_id)
    # The workspace's first and last ids: another workspace's rows around them are not read range by range.
    span = select(func.min(table.c.id), func.max(table.c.id)).where(table.c.team_id == readers.team_id)
    first_id, last_id = readers.connections[0].execute(span).one()
    if first_id is None:
        return
    chunk = chunk_statement(statement, table.c.id, readers.dialect, formats, BATCH)
    for csv_text, json_text, count in read_ranges(readers, chunk, first_id - 1, last_id, BATCH):
        if count:
            yield csv_text, json_text, count
