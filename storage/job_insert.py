"""A batch of new jobs in one statement, on a driver connection of its own in autocommit mode.

This is the insert every acknowledgement waits for (runtime/group_commit.py batches the requests).
Through SQLAlchemy it took a transaction of its own: BEGIN, the insert, on PostgreSQL the NOTIFY,
and COMMIT, each a call into the driver, and on PostgreSQL a round trip each. Here a batch is one
statement in autocommit mode, which is its own transaction: when the call returns the jobs are
committed, and when it raises nothing of the batch exists. On PostgreSQL the workers' wake-up
(`pg_notify`) is in the same statement, so it goes out with that commit.

The values go through the columns' own SQLAlchemy bind processors, so a row written here reads back
exactly as one written through SQLAlchemy (SQLite keeps datetimes as text and compares them as
text; the payload is JSON encoded the same way). Each job's id comes back in its request's order:
on SQLite the rows of one INSERT get consecutive ids (the table never reuses one, and the write lock
is held for the statement); on PostgreSQL the rows are inserted from an ordered SELECT, whose
RETURNING ids rise in that order.
"""

from __future__ import annotations

import select
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.pool import PoolProxiedConnection

from storage.jobs import NEW_JOB_COLUMNS, NewJob, new_job_values
from storage.models import Job


class OneStatementInsert:
    """`insert(jobs)`: their ids, committed. `notify`: the PostgreSQL channel woken in the same statement.

    Used by one thread at a time: the job writer commits one batch at a time."""

    def __init__(self, engine: Engine, *, notify: str | None = None) -> None:
        self._engine = engine
        self._postgres = engine.dialect.name == "postgresql"
        self._notify = notify
        columns = [Job.__table__.c[name] for name in NEW_JOB_COLUMNS]  # type: ignore[attr-defined]
        self._processors: list[Callable[[Any], Any] | None] = [
            column.type.dialect_impl(engine.dialect).bind_processor(engine.dialect) for column in columns
        ]
        placeholder = "%s" if self._postgres else "?"
        if self._postgres:  # typed, so that the VALUES list has the columns' types
            cells = [f"CAST({placeholder} AS {column.type.compile(engine.dialect)})" for column in columns]
            self._row = "(" + ", ".join([*cells, f"CAST({placeholder} AS INTEGER)"]) + ")"
        else:
            self._row = "(" + ", ".join([placeholder] * len(columns)) + ")"
        self._statements: dict[int, str] = {}
        self._connection: PoolProxiedConnection | None = None

    def insert(self, jobs: Sequence[NewJob], *, now: datetime) -> list[int]:
        values: list[Any] = []
        for n, job in enumerate(jobs):
            for value, process in zip(new_job_values(job, now=now), self._processors, strict=True):
                values.append(value if process is None else process(value))
            if self._postgres:
                values.append(n)
        driver = self._driver_connection()
        try:
            cursor = driver.cursor()
            cursor.execute(self._statement(len(jobs)), values)
            if self._postgres:
                return sorted(row[0] for row in cursor.fetchall())
            last = cursor.lastrowid
            return list(range(last - len(jobs) + 1, last + 1))
        except BaseException:
            if self._postgres and (driver.closed or driver.broken):
                self._discard()
            raise

    def close(self) -> None:
        self._discard()

    def _statement(self, count: int) -> str:
        statement = self._statements.get(count)
        if statement is None:
            rows = ", ".join([self._row] * count)
            names = ", ".join(NEW_JOB_COLUMNS)
            if self._postgres:
                inserted = (
                    f"INSERT INTO job ({names}) SELECT {names} FROM (VALUES {rows}) AS new ({names}, ord) "
                    "ORDER BY ord RETURNING id"
                )
                woken = f", pg_notify('{self._notify}', '')" if self._notify else ""
                statement = f"WITH inserted AS ({inserted}) SELECT id{woken} FROM inserted"
            else:
                statement = f"INSERT INTO job ({names}) VALUES {rows}"
            self._statements[count] = statement
        return statement

    def _driver_connection(self) -> Any:
        """The connection, opened on first use; on PostgreSQL a new one when the server dropped it.

        The server's goodbye (a restart, an administrator ending the session) is waiting on the socket
        of an idle connection: seen before anything is sent, the batch goes on a new connection and is
        certainly not committed twice. A connection that fails once the statement was sent is given up
        and the error raised: whether that batch was committed is then unknown."""
        if self._connection is not None and self._postgres and _dropped(self._connection.driver_connection):
            self._discard()
        if self._connection is None:
            connection = self._engine.raw_connection()
            driver = connection.driver_connection
            if self._postgres:
                driver.autocommit = True
            else:
                driver.isolation_level = None  # the sqlite3 module's own transactions off
            self._connection = connection
        return self._connection.driver_connection

    def _discard(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.invalidate()


def _dropped(driver: Any) -> bool:
    if driver.closed or driver.broken:
        return True
    readable, _, _ = select.select([driver.pgconn.socket], [], [], 0)
    return bool(readable)


def is_locked(problem: BaseException) -> bool:
    """SQLite's answer while another connection holds the write lock (nothing was written)."""
    return isinstance(problem, sqlite3.OperationalError) and "locked" in str(problem)
