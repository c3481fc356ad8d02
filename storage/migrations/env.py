"""Alembic environment: runs on the connection `storage.db.migrate` hands over, or on DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import storage.contact_models  # (and the contacts tables)
import storage.models  # registers the tables on the metadata
import storage.records_models  # (and the public-records tables)
import storage.runtime_models  # noqa: F401  (and the runtime's own tables)
from storage.search_index import outside_the_models

target_metadata = SQLModel.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
        include_name=outside_the_models,  # the search index is the migrations' alone
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_engine(os.environ.get("DATABASE_URL", "sqlite:///brm-bot.db"))
    with engine.begin() as fresh_connection:
        _run(fresh_connection)
