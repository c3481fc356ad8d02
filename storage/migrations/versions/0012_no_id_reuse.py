"""no id reuse: SQLite tables whose ids the audit log refers to never hand out a deleted row's id

Without AUTOINCREMENT, SQLite gives a new row the largest id in the table plus one: delete the newest
interaction (`/brm undo`, retention) and the next one logged takes its id, and with it the deleted
record's audit history, holds and export trail. Each such table is rebuilt with AUTOINCREMENT, keeping
its rows, indexes and constraints, and its sequence starts past every id the audit log names for it,
so an id deleted before this migration is not handed out again either. PostgreSQL's sequences never
reuse an id: nothing to do there.

Revision ID: 0012_no_id_reuse
Revises: 0008_contacts
Create Date: 2026-12-01 15:00:00
"""

from __future__ import annotations

import re
from collections.abc import Callable

from alembic import op
from sqlalchemy.engine import Connection

revision = "0012_no_id_reuse"
down_revision = "0008_contacts"
branch_labels = None
depends_on = None

# Table -> the `audit_event.entity` its ids are recorded under (None: the audit log names them only
# in an event's detail, as the nudges are).
TABLES: dict[str, str | None] = {
    "workspace": "workspace",
    "party": "party",
    "contact": "contact",
    "interaction": "interaction",
    "issue": "issue",
    "nudge": None,
    "digest_subscription": "digest",
    "job": "export",  # an export is named by its job's id
    "records_admin": "records_admin",
    "retention_rule": "retention",
    "legal_hold": "legal_hold",
}

_ID_COLUMN = "id INTEGER NOT NULL"
_ID_AUTOINCREMENT = "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT"


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    for table, entity in TABLES.items():
        _rebuild(connection, table, _with_autoincrement)
        _start_sequence_past_audited_ids(connection, table, entity)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    for table in TABLES:
        _rebuild(connection, table, _without_autoincrement)
        connection.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = ?", (table,))


def _rebuild(connection: Connection, table: str, new_definition: Callable[[str], str]) -> None:
    """Recreate `table` from its own stored definition, changed by `new_definition`, with its rows.

    SQLite's way to change a table is to build a new one and copy the rows over. The usual recipe
    turns foreign keys off, which cannot be done inside the migration's transaction; instead they are
    deferred: dropping the table counts the rows of other tables that refer to it, and putting its
    rows back (same ids) counts them off again, so the commit fails if a single reference is lost.
    """
    (create_sql,) = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).one()
    # Indexes the table declares (those of its UNIQUE constraints come back with the table itself).
    index_sqls = [
        row[0]
        for row in connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (table,),
        )
    ]
    columns = ", ".join(f'"{row[1]}"' for row in connection.exec_driver_sql(f'PRAGMA table_info("{table}")'))
    kept = f"_rebuild_{table}"
    connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")  # until this transaction ends
    connection.exec_driver_sql(f'CREATE TEMP TABLE "{kept}" AS SELECT {columns} FROM "{table}"')
    connection.exec_driver_sql(f'DROP TABLE "{table}"')
    connection.exec_driver_sql(new_definition(create_sql))
    connection.exec_driver_sql(f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM temp."{kept}"')
    connection.exec_driver_sql(f'DROP TABLE temp."{kept}"')
    for index_sql in index_sqls:
        connection.exec_driver_sql(index_sql)


def _with_autoincrement(create_sql: str) -> str:
    """The table's definition with `id` as an AUTOINCREMENT key instead of a table PRIMARY KEY clause."""
    sql, found = re.subn(rf"\b{_ID_COLUMN}\b", _ID_AUTOINCREMENT, create_sql, count=1)
    # The clause sits between others ("PRIMARY KEY (id), CONSTRAINT ...", or before columns added later
    # by ALTER TABLE) or last of all.
    sql, dropped = re.subn(r"PRIMARY KEY \(id\)\s*,\s*", "", sql, count=1)
    if not dropped:
        sql, dropped = re.subn(r",\s*PRIMARY KEY \(id\)(?=\s*\)\s*$)", "", sql, count=1)
    if found != 1 or dropped != 1:
        raise RuntimeError(f"unexpected table definition, not rebuilt: {create_sql}")
    return sql


def _without_autoincrement(create_sql: str) -> str:
    sql, found = re.subn(rf"\b{_ID_AUTOINCREMENT}\b", _ID_COLUMN, create_sql, count=1)
    sql, added = re.subn(r"\s*\)\s*$", ", \n\tPRIMARY KEY (id)\n)", sql, count=1)
    if found != 1 or added != 1:
        raise RuntimeError(f"unexpected table definition, not rebuilt: {create_sql}")
    return sql


def _start_sequence_past_audited_ids(connection: Connection, table: str, entity: str | None) -> None:
    """Copying the rows started the table's sequence at its largest id; an id deleted earlier that
    the audit log still names (the newest records are the ones undone) must not be handed out."""
    if entity is None:
        return
    audited = connection.exec_driver_sql(
        "SELECT max(entity_id) FROM audit_event WHERE entity = ?", (entity,)
    ).scalar()
    if not audited:
        return
    current = connection.exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).scalar()
    if current is None:
        connection.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, audited))
    elif audited > current:
        connection.exec_driver_sql("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (audited, table))
