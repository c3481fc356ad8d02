"""Migration 0008_contacts on a database that already has contacts, on both databases: what logs
wrote as a contact's role (a title such as "CIO") becomes their title, a role of the short list stays,
names are folded for matching; and the migration goes back down cleanly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect, text

from storage.db import MIGRATIONS_DIR, make_engine
from tests.conftest import new_postgres_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    with new_postgres_database("brm_contacts_migration") as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def migrate_to(engine: Engine, revision: str, *, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def test_contacts_written_before_get_titles_roles_and_folded_names(engine: Engine) -> None:
    migrate_to(engine, "0006_job_queue")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO party (team_id, name, name_key, kind, created_at) "
                "VALUES ('T1', 'DMV', 'dmv', 'agency', CURRENT_TIMESTAMP)"
            )
        )
        party_id = connection.execute(text("SELECT id FROM party")).scalar_one()
        for name, role in (("Jane Doe", "CIO"), ("Bob Stone", "Sponsor"), ("Ann Lee", None)):
            connection.execute(
                text(
                    "INSERT INTO contact (team_id, party_id, name, role, created_at) "
                    "VALUES ('T1', :party, :name, :role, CURRENT_TIMESTAMP)"
                ),
                {"party": party_id, "name": name, "role": role},
            )
        # Rows that refer to the party, and a nudge (its table is rebuilt on SQLite): all kept.
        connection.execute(
            text(
                "INSERT INTO interaction (team_id, party_id, occurred_at, kind, summary, people, contacts,"
                " follow_up_has_time, source, logged_by, created_at) VALUES ('T1', :party, CURRENT_TIMESTAMP,"
                " 'call', 'renewals', '[]', '[]', false, 'command', 'U1', CURRENT_TIMESTAMP)"
            ),
            {"party": party_id},
        )
        interaction_id = connection.execute(text("SELECT id FROM interaction")).scalar_one()
        connection.execute(
            text(
                "INSERT INTO nudge (team_id, interaction_id, owner_id, due_at, sequence, status, attempts,"
                " check_before_post, created_at) VALUES ('T1', :interaction, 'U1', CURRENT_TIMESTAMP, 1,"
                " 'pending', 0, false, CURRENT_TIMESTAMP)"
            ),
            {"interaction": interaction_id},
        )

    migrate_to(engine, "0008_contacts")

    with engine.connect() as connection:
        rows = connection.execute(text("SELECT name, name_key, role, title FROM contact ORDER BY name")).all()
        assert [tuple(row) for row in rows] == [
            ("Ann Lee", "ann lee", None, None),
            ("Bob Stone", "bob stone", "Sponsor", None),
            ("Jane Doe", "jane doe", None, "CIO"),
        ]
        assert connection.execute(text("SELECT cadence_by_kind FROM workspace")).all() == []
        assert connection.execute(text("SELECT interaction_id, party_id FROM nudge")).all() == [
            (interaction_id, None)
        ]
        assert connection.execute(text("SELECT count(*) FROM interaction")).scalar_one() == 1
    assert "interaction_contact" in inspect(engine).get_table_names()

    migrate_to(engine, "0006_job_queue", down=True)
    tables = inspect(engine)
    assert "interaction_contact" not in tables.get_table_names()
    assert "title" not in {column["name"] for column in tables.get_columns("contact")}
    assert "party_id" not in {column["name"] for column in tables.get_columns("nudge")}
