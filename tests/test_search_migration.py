"""Migration 0011_search indexes the rows written before it, and the index follows every later
insert, change and delete (SQLite's triggers, PostgreSQL's generated column). SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, column, insert, table
from sqlmodel import select

from bot.clock import FrozenClock
from storage.db import MIGRATIONS_DIR, Database, make_engine, migrate
from storage.models import Interaction, Issue, Party
from storage.search import search_records
from storage.search_index import SearchTerms
from tests.conftest import new_postgres_database

BEFORE_SEARCH = "0006_job_queue"
AT = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of its own (migrated by the test)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
    else:
        with new_postgres_database("brm_search_migration") as url:
            engine = make_engine(url)
            yield engine
            engine.dispose()


def upgrade(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def write_old(engine: Engine, model: type, rows: list[dict[str, Any]]) -> None:
    """Rows written with only the given columns, as the schema before the migration has them."""
    light = table(model.__tablename__, *(column(name, model.__table__.c[name].type) for name in rows[0]))
    with engine.begin() as connection:
        connection.execute(insert(light), rows)


def found(db: Database, *words: str) -> list[tuple[str, str]]:
    with db.workspace("T1") as session:
        return sorted((hit.record, hit.text) for hit in search_records(session, SearchTerms(words)).hits)


def test_rows_written_before_the_migration_are_found_after_it(engine: Engine) -> None:
    upgrade(engine, BEFORE_SEARCH)
    write_old(
        engine,
        Party,
        [{"id": 1, "team_id": "T1", "name": "DMV", "name_key": "dmv", "kind": "agency", "created_at": AT}],
    )
    common = {"team_id": "T1", "party_id": 1, "occurred_at": AT, "kind": "call", "follow_up_has_time": False,
              "source": "command", "logged_by": "U1", "created_at": AT}  # fmt: skip
    write_old(
        engine,
        Interaction,
        [
            {**common, "summary": "licensing portal outage", "people": [], "contacts": []},
            {**common, "summary": "budget talk", "people": [], "contacts": []},
        ],
    )
    write_old(
        engine,
        Issue,
        [
            {"team_id": "T1", "number": 1, "party_id": 1, "title": "renewals bounce",
             "details": "the portal mail relay drops them", "severity": "medium", "owner_id": "U1",
             "status": "open", "follow_up_has_time": False, "source": "command", "raised_by": "U1",
             "created_at": AT, "updated_at": AT}
        ],
    )  # fmt: skip
    migrate(engine)  # to the newest revision, through 0011_search

    db = Database(engine, FrozenClock(AT))
    assert found(db, "portal") == [("interaction", "licensing portal outage"), ("issue", "renewals bounce")]
    assert found(db, "budget") == [("interaction", "budget talk")]

    # From now on the index follows the rows: a new one, a changed one, a deleted one.
    with db.workspace("T1") as session:
        session.add(
            Interaction(team_id="T1", party_id=1, occurred_at=AT, summary="kiosk outage", logged_by="U1")
        )
        old = session.exec(select(Interaction).where(Interaction.summary == "budget talk")).one()
        old.summary = "kiosk budget"
        session.delete(session.exec(select(Issue)).one())
    assert found(db, "kiosk") == [("interaction", "kiosk budget"), ("interaction", "kiosk outage")]
    assert found(db, "budget") == [("interaction", "kiosk budget")]
    assert found(db, "talk") == []
    assert found(db, "portal") == [("interaction", "licensing portal outage")]
