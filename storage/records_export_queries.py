"""What an export reads: one streamed query per record type, in a workspace session.

The filters select records the way a legal hold does (storage/records_holds.py), so "export what
PRR-114 holds" and "hold what was exported" mean the same records. Rows are read `BATCH` at a
time (a server-side cursor on PostgreSQL), so memory does not grow with the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, true
from sqlmodel import Session, col, select

from storage.models import AuditEvent, Contact, Interaction, Issue, Nudge, NudgeStatus, Party, PartyAlias
from storage.records_export_rows import csv_and_json_chunks
from storage.records_export_text import csv_cells, json_object
from storage.records_holds import interactions_held, issues_held

BATCH = 5_000  # rows per round trip: few trips, and a batch of text stays a few MB


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


Chunk = tuple[str, bytes, int]  # ("csv" or "json", UTF-8 text, rows in it)


def begin_snapshot(session: Session) -> None:
    """Make the session's transaction read one snapshot of the workspace: on PostgreSQL an export
    reads each table twice (its CSV, its JSON), and both must hold the same rows. Call first."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        session.connection().exec_driver_sql("SET LOCAL TIME ZONE 'UTC'")  # this transaction only


def stream_text(
    session: Session, record_type: RecordType, wanted: ExportFilter, formats: tuple[str, ...]
) -> Iterator[Chunk]:
    """The rows of one record type in id order as text, `BATCH` rows a chunk: the CSV (its header
    first, a chunk of no rows) and JSON objects separated by ",\n" (a chunk's objects; the caller
    puts the commas between chunks). See storage/records_export_text.py."""
    statement = record_type.statement(wanted)
    dialect = session.get_bind().dialect.name
    columns = list(statement.selected_columns)
    # Through the session's connection, not the ORM: its row machinery cost as much as all the
    # writing. That skips the session's workspace filter, so the statement names the workspace itself.
    table = statement.get_final_froms()[0]
    statement = statement.where(table.c.team_id == session.info["team_id"])
    if dialect == "postgresql":
        if "csv" in formats:
            yield "csv", (",".join(record_type.columns) + "\n").encode(), 0  # names never need quotes
            yield from _copy(session, statement.with_only_columns(*csv_cells(columns, dialect)), "csv")
        if "json" in formats:
            yield from _copy(session, statement.with_only_columns(json_object(columns, dialect)), "json")
        return
    text = statement.with_only_columns(*csv_cells(columns, dialect))
    yield from csv_and_json_chunks(
        session.connection(), text, record_type.columns, record_type.json_columns, BATCH, formats
    )


# COPY's CSV output with a delimiter and a quote that JSON text never holds (control characters
# are escaped in it): each JSON object comes as it is, one a line, never quoted.
_ONE_OBJECT_A_LINE = "FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01'"


def _copy(session: Session, statement: Any, what: str) -> Iterator[Chunk]:
    """`COPY (statement) TO STDOUT`: the CSV (no header), or one JSON object a line."""
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect)
    options = "FORMAT csv" if what == "csv" else _ONE_OBJECT_A_LINE
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY ({compiled}) TO STDOUT ({options})", compiled.params) as copy:
        lines: list[bytes] = []
        for line in copy:  # one row a message
            lines.append(line)
            if len(lines) == BATCH:
                yield _chunk(what, lines)
                lines = []
        if lines:
            yield _chunk(what, lines)


def _chunk(what: str, lines: list[bytes]) -> Chunk:
    data = b"".join(lines)
    if what == "csv":
        return what, data, len(lines)
    if b"\x01" in data:  # cannot happen with valid JSON; a broken file must not pass as one
        raise RuntimeError("COPY quoted a JSON object of the export")
    # No LF inside an object (see storage/records_export_text.py): each LF ends one.
    return what, data[:-1].replace(b"\n", b",\n"), len(lines)
