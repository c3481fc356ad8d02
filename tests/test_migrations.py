"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.db import Database
from storage.models import SQLModel
from storage.search_index import outside_the_models


def test_migrations_match_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": outside_the_models}
        )
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == [], "models.py and the migrations disagree; add or fix a migration"
