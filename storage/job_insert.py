"""A batch of new jobs in one statement, on a driver connection of the job writer's own.

This is the insert every acknowledgement waits for (runtime/group_commit.py batches the requests).
Through SQLAlchemy it took BEGIN, the insert, on PostgreSQL the NOTIFY, and COMMIT, each a call into
the driver, and on PostgreSQL a round trip each. Here a batch is one statement:
- SQLite: in autocommit mode, so the statement is its own transaction: when the call returns the
  jobs are committed, and when it raises nothing of the batch exists.
- PostgreSQL: with the workers' wake-up (`pg_notify`) in the same statement, between BEGIN and
  COMMIT. The transaction is kept explicit so that a connection lost before the COMMIT (the server
  restarted, an administrator ended the session) is known to have committed nothing: the batch then
  goes again, once, on a new connection. Lost during the COMMIT, the batch may or may not exist, and
  the error is raised. (In autocommit mode, a connection the server ended just before the statement
  arrived looked the same as one ended after its commit.)

The values go through the columns' own SQLAlchemy bind processors, so a row written here reads back
exactly as one written through SQLAlchemy (SQLite keeps datetimes as text and compares them as
text; the payload is JSON encoded the same way). Each job's id comes back in its request's order:
on SQLite the rows of one INSERT get consecutive ids (the table never reuses one, and the write lock
is held for the statement); on PostgreSQL the rows are inserted from an ordered SELECT, whose
RETURNING ids rise in that order.
"""

from __future__ import annotations

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
        statement = self._statement(len(jobs))
        if not self._postgres:
            cursor = self._driver_connection().cursor()
            cursor.execute(statement, values)
            last = cursor.lastrowid
            return list(range(last - len(jobs) + 1, last + 1))
        driver = self._driver_connection()
        try:
            rows = self._execute(driver, statement, values)
        except BaseException:
            if not driver.broken:
                raise
            # Lost before the COMMIT was sent: nothing of the batch exists. Once more, on a new one.
            driver = self._driver_connection()
            rows = self._execute(driver, statement, values)
        try:
            driver.commit()
        except BaseException:
            self._end(driver)
            raise
        return sorted(row[0] for row in rows)

    def _execute(self, driver: Any, statement: str, values: list[Any]) -> list[Any]:
        try:
            return driver.execute(statement, values).fetchall()
        except BaseException:
            self._end(driver)
            raise

    def _end(self, driver: Any) -> None:
        """After an error: the transaction rolled back, or the connection given up when it is broken."""
        if not (driver.broken or driver.closed):
            try:
                driver.rollback()
                return
            except Exception:
                pass
        self._discard()

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
        """The connection, opened on first use (and again after one was given up)."""
        if self._connection is None:
            connection = self._engine.raw_connection()
            if not self._postgres:
                # Autocommit: the sqlite3 module's own transactions off.
                connection.driver_connection.isolation_level = None
            self._connection = connection
        return self._connection.driver_connection

    def _discard(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.invalidate()


def is_locked(problem: BaseException) -> bool:
    """SQLite's answer while another connection holds the write lock (nothing was written)."""
    return isinstance(problem, sqlite3.OperationalError) and "locked" in str(problem)
