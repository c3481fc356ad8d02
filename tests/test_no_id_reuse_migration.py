"""Migration 0012_no_id_reuse on a database that already has records, on both databases: every row,
index and constraint stays, the rows that refer to rebuilt tables still do, an id the audit log names
(its record undone before the migration) is not handed out again, and the migration goes back down."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, inspect, text

from tests.test_contacts_migration import engine, migrate_to  # noqa: F401  (the fixture, both databases)

_NOW = "CURRENT_TIMESTAMP"


def _insert(connection: Connection, sql: str, **values: Any) -> int:
    connection.execute(text(sql), values)
    table = sql.split()[2]
    return connection.execute(text(f"SELECT max(id) FROM {table}")).scalar_one()


def _fill(connection: Connection) -> dict[str, int]:
    ids = {}
    ids["party"] = _insert(
        connection,
        "INSERT INTO party (team_id, name, name_key, kind, created_at) "
        f"VALUES ('T1', 'DMV', 'dmv', 'agency', {_NOW})",
    )
    ids["contact"] = _insert(
        connection,
        "INSERT INTO contact (team_id, party_id, name, name_key, created_at) "
        f"VALUES ('T1', :party, 'Jane Doe', 'jane doe', {_NOW})",
        party=ids["party"],
    )
    ids["interaction"] = _insert(
        connection,
        "INSERT INTO interaction (team_id, party_id, occurred_at, kind, summary, people, contacts,"
        f" follow_up_has_time, source, logged_by, created_at) VALUES ('T1', :party, {_NOW}, 'call',"
        f" 'renewals', '[]', '[]', false, 'command', 'U1', {_NOW})",
        party=ids["party"],
    )
    ids["issue"] = _insert(
        connection,
        "INSERT INTO issue (team_id, number, party_id, interaction_id, title, severity, owner_id, status,"
        " follow_up_has_time, source, raised_by, created_at, updated_at) VALUES ('T1', 1, :party,"
        f" :interaction, 'printers jammed', 'medium', 'U1', 'open', false, 'command', 'U1', {_NOW}, {_NOW})",
        party=ids["party"],
        interaction=ids["interaction"],
    )
    ids["nudge"] = _insert(
        connection,
        "INSERT INTO nudge (team_id, issue_id, party_id, contact_id, owner_id, due_at, sequence, status,"
        f" attempts, check_before_post, created_at) VALUES ('T1', :issue, :party, :contact, 'U1', {_NOW},"
        f" 1, 'pending', 0, false, {_NOW})",
        issue=ids["issue"],
        party=ids["party"],
        contact=ids["contact"],
    )
    connection.execute(
        text(
            "INSERT INTO interaction_contact (team_id, interaction_id, contact_id) "
            "VALUES ('T1', :interaction, :contact)"
        ),
        {"interaction": ids["interaction"], "contact": ids["contact"]},
    )
    # An interaction logged and undone before the migration: its id was the newest, so SQLite without
    # AUTOINCREMENT would hand it out again; the audit log still names it.
    gone = _insert(
        connection,
        "INSERT INTO interaction (team_id, party_id, occurred_at, kind, summary, people, contacts,"
        f" follow_up_has_time, source, logged_by, created_at) VALUES ('T1', :party, {_NOW}, 'call',"
        f" 'a slip', '[]', '[]', false, 'command', 'U1', {_NOW})",
        party=ids["party"],
    )
    for action in ("logged", "undone"):
        connection.execute(
            text(
                "INSERT INTO audit_event (team_id, at, actor_id, surface, action, entity, entity_id, detail)"
                f" VALUES ('T1', {_NOW}, 'U1', 'command', :action, 'interaction', :gone, '{{}}')"
            ),
            {"action": action, "gone": gone},
        )
    connection.execute(text("DELETE FROM interaction WHERE id = :gone"), {"gone": gone})
    ids["gone"] = gone
    return ids


def _schema(bound: Engine) -> dict[str, Any]:
    """What a rebuild must keep: each table's columns, keys, indexes and constraints."""
    look = inspect(bound)
    schema = {}
    for table in look.get_table_names():
        schema[table] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], c["default"]) for c in look.get_columns(table)
            ],
            "primary": look.get_pk_constraint(table)["constrained_columns"],
            "foreign": sorted(
                (f["constrained_columns"], f["referred_table"], f["referred_columns"])
                for f in look.get_foreign_keys(table)
            ),
            "indexes": sorted(
                (i["name"], i["column_names"], bool(i["unique"]), _where(i)) for i in look.get_indexes(table)
            ),
            "unique": sorted((u["name"], u["column_names"]) for u in look.get_unique_constraints(table)),
        }
    return schema


def _where(index: dict[str, Any]) -> str:
    """A partial index's condition, as text."""
    options = index.get("dialect_options", {})
    where = options.get("sqlite_where", options.get("postgresql_where"))
    return "" if where is None else str(where)


def _rows(connection: Connection) -> dict[str, list[tuple]]:
    tables = ("party", "contact", "interaction", "issue", "nudge", "interaction_contact", "audit_event")
    return {
        table: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
        for table in tables
    }


def _autoincrement_tables(connection: Connection) -> set[str]:
    if connection.dialect.name != "sqlite":
        return set()
    found = connection.execute(text("SELECT name FROM sqlite_master WHERE sql LIKE '%AUTOINCREMENT%'"))
    return {row[0] for row in found}


def test_records_keep_their_rows_and_ids_are_never_handed_out_again(engine: Engine) -> None:  # noqa: F811
    migrate_to(engine, "0008_contacts")
    with engine.begin() as connection:
        ids = _fill(connection)
        before = _rows(connection)
    schema_before = _schema(engine)

    migrate_to(engine, "0012_no_id_reuse")

    assert _schema(engine) == schema_before
    with engine.begin() as connection:
        assert _rows(connection) == before
        if connection.dialect.name == "sqlite":
            assert _autoincrement_tables(connection) >= {"party", "contact", "interaction", "issue", "nudge"}
            assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
        # The undone interaction's id stays its own: the next one logged gets a later one.
        new_id = _insert(
            connection,
            "INSERT INTO interaction (team_id, party_id, occurred_at, kind, summary, people, contacts,"
            f" follow_up_has_time, source, logged_by, created_at) VALUES ('T1', :party, {_NOW}, 'call',"
            f" 'budget', '[]', '[]', false, 'command', 'U1', {_NOW})",
            party=ids["party"],
        )
        assert new_id > ids["gone"] > ids["interaction"]
        connection.execute(text("DELETE FROM interaction WHERE id = :id"), {"id": new_id})

    migrate_to(engine, "0008_contacts", down=True)

    assert _schema(engine) == schema_before
    with engine.connect() as connection:
        assert _rows(connection) == before
        assert _autoincrement_tables(connection) == set()
