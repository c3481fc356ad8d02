"""search: the database's own full-text index over interaction summaries and issue titles and details

SQLite: FTS5 tables over the rows themselves (external content), kept in step by triggers.
PostgreSQL: a generated `tsvector` column on each table with a GIN index.
Rows written before this migration are indexed by it (FTS5 'rebuild'; a generated column is filled
when it is added).

Revision ID: 0011_search
Revises: 0006_job_queue
Create Date: 2026-12-01 14:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0011_search"
down_revision = "0008_contacts"
branch_labels = None
depends_on = None

# The same tokens on both databases as far as they allow: words split at punctuation, accents
# folded, English stems ("outages" finds "outage").
_SQLITE_TOKENIZE = "porter unicode61 remove_diacritics 2"


def _sqlite_index(table: str, columns: tuple[str, ...]) -> list[str]:
    fts = f"{table}_fts"
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    remove = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});"
    add = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', content_rowid='id', "
        f"tokenize='{_SQLITE_TOKENIZE}')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {remove} END",
        # Only a change to the indexed text re-indexes the row (not a snooze or a close).
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {names} ON {table} BEGIN {remove} {add} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


_POSTGRES_VECTORS = {
    "interaction": "to_tsvector('english'::regconfig, coalesce(summary, ''))",
    # A word in the title counts for more than one in the details.
    "issue": "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(details, '')), 'B')",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _sqlite_index("interaction", ("summary",)) + _sqlite_index(
            "issue", ("title", "details")
        ):
            op.execute(statement)
    elif dialect == "postgresql":
        for table, vector in _POSTGRES_VECTORS.items():
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({vector}) STORED"
            )
            op.execute(f"CREATE INDEX ix_{table}_search ON {table} USING gin (search_vector)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in ("interaction", "issue"):
        if dialect == "sqlite":
            for trigger in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{trigger}")
            op.execute(f"DROP TABLE IF EXISTS {table}_fts")
        elif dialect == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search")
            op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
