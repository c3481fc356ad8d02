"""The engine, sessions and migrations.

Rows are stamped (`created_at` and the like) from the clock the Database was given, which is the
app's clock: nothing here reads the wall clock, so a test's frozen clock is the only time there is.

A session is opened for one workspace (`Database.workspace(team_id)`): every ORM query made through
it is filtered to that workspace's rows, and every row it writes must belong to that workspace. Only
the scheduler, which works across workspaces by design, opens a `Database.system()` session.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy import column as sql_column
from sqlalchemy.orm import ORMExecuteState, with_loader_criteria
from sqlalchemy.orm.util import LoaderCriteriaOption
from sqlmodel import Session

import storage.records_models  # noqa: F401  (its tables are scoped like the rest: registered before any session)
from storage.models import STAMPED, WorkspaceScoped

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class WorkspaceScopeError(RuntimeError):
    """A row of one workspace was about to be written through another workspace's session."""


class TimeSource(Protocol):
    """Where the time rows are stamped with comes from (the app's clock; see bot.clock)."""

    def now(self) -> datetime: ...


class NoClockError(RuntimeError):
    """A row needed a timestamp from a Database that was given no clock."""


def make_engine(url: str, **kwargs: object) -> Engine:
    """An engine for SQLite (WAL, busy timeout) or PostgreSQL (psycopg 3), same code above it."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            # WAL lets the scheduler write while request threads read; the busy timeout makes a
            # writer wait for the lock instead of failing at once.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, **{"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20, **kwargs})


# Any number fixed for the project: PostgreSQL advisory locks are named by a 64-bit integer.
MIGRATION_LOCK = 0x62726D2D626F74  # "brm-bot"


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration, one process at a time.

    Replicas started together would otherwise race to create the same tables (on PostgreSQL one
    dies on a duplicate key in pg_type). The migration runs in one transaction that first takes
    the database's lock: an advisory lock on PostgreSQL, the write lock on SQLite. The next
    process waits for it, then finds the schema current and has nothing to do."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        elif engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # waits up to the busy timeout for a writer
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        if engine.dialect.name == "sqlite":
            # SQLite plans queries from statistics only ANALYZE gathers; without them it can pick
            # the wrong index on large tables. A bounded look at each table at every start keeps
            # them fresh. Under the lock still held: after it, ANALYZE's write could find another
            # process's migration committed since its read began, and fail at once ("locked").
            connection.exec_driver_sql("PRAGMA analysis_limit=1000")
            connection.exec_driver_sql("PRAGMA optimize")


class Database:
    """Hands out sessions; one per unit of work, always closed."""

    def __init__(self, engine: Engine, clock: TimeSource | None = None) -> None:
        self.engine = engine
        self.clock = clock  # stamps new rows; the app sets its own clock here (build_services)

    @classmethod
    def from_url(cls, url: str, clock: TimeSource | None = None) -> Database:
        return cls(make_engine(url), clock)

    def _session(self) -> Session:
        session = Session(self.engine, expire_on_commit=False)
        session.info["clock"] = self.clock
        return session

    @contextmanager
    def workspace(self, team_id: str, enterprise_id: str | None = None) -> Iterator[Session]:
        """A session that sees and writes only `team_id`'s rows; commits on success."""
        if not team_id:
            raise WorkspaceScopeError("a workspace session needs a team_id")
        with self._session() as session:
            session.info["team_id"] = team_id
            session.info["enterprise_id"] = enterprise_id
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def system(self) -> Iterator[Session]:
        """An unscoped session for cross-workspace work (the scheduler's sweeps)."""
        with self._session() as session:
            session.info["system"] = True
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()


@event.listens_for(Session, "do_orm_execute")
def _scope_queries(state: ORMExecuteState) -> None:
    team_id = state.session.info.get("team_id")
    if team_id is None:
        if not state.session.info.get("system") and (state.is_select or state.is_update or state.is_delete):
            raise WorkspaceScopeError("query outside a workspace session; use Database.workspace()")
        return
    if state.is_select or state.is_update or state.is_delete:
        state.statement = state.statement.options(_workspace_criteria(team_id))


@functools.lru_cache(maxsize=1024)
def _workspace_criteria(team_id: str) -> LoaderCriteriaOption:
    # One filter, written once for the shared base: SQLAlchemy applies it to every mapped subclass
    # (every workspace-owned table) that a statement reads, joins, updates or deletes. Built once
    # per workspace. With one option per table, sixteen on every query, the worker made a fifth
    # more Python calls for each `/brm log` (11,350 against 9,160, measured with cProfile).
    return with_loader_criteria(
        WorkspaceScoped, lambda cls: _team_column(cls) == team_id, include_aliases=True
    )


def _team_column(cls: Any) -> Any:
    """The team_id of `cls`, a workspace-owned table's class or an alias of it. SQLAlchemy first calls
    the criterion with the base itself, a plain pydantic model without columns, to read the lambda:
    it gets a stand-in column then."""
    try:
        return cls.team_id
    except AttributeError:
        return sql_column("team_id")


@event.listens_for(Session, "before_flush")
def _stamp_new_rows(session: Session, _context, _instances) -> None:  # type: ignore[no-untyped-def]
    now: datetime | None = None
    for obj in session.new:
        for column in _stamped_columns(type(obj)):
            if getattr(obj, column) is None:
                if now is None:
                    now = stamp_time(session)
                setattr(obj, column, now)


def stamp_time(session: Session) -> datetime:
    """The time to stamp rows written through `session` with: its Database's clock, now."""
    clock = session.info.get("clock")
    if clock is None:
        raise NoClockError("this Database was given no clock to stamp rows with: Database(engine, clock)")
    return clock.now()


@functools.cache
def _stamped_columns(cls: type) -> tuple[str, ...]:
    table = getattr(cls, "__table__", None)
    if table is None:
        return ()
    return tuple(column.name for column in table.columns if column.info.get(STAMPED))


@event.listens_for(Session, "before_flush")
def _check_written_rows(session: Session, _context, _instances) -> None:  # type: ignore[no-untyped-def]
    team_id = session.info.get("team_id")
    if team_id is None:
        return
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, WorkspaceScoped):
            if obj.team_id is None:
                obj.team_id = team_id
                obj.enterprise_id = session.info.get("enterprise_id")
            elif obj.team_id != team_id:
                raise WorkspaceScopeError(
                    f"a {type(obj).__name__} of another workspace cannot be written here"
                )
