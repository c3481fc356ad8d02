"""Reading an export at one snapshot of the database; on PostgreSQL on two connections at once.

The database writes the export's text (storage/records_export_text.py), and that is most of an
export's work. A table's ids are cut into ranges of `BATCH` ids, a query each. On PostgreSQL two
connections take every other range, each on a thread of its own, and the chunks come back in id
order: the server formats them in two processes, beside the compression. SQLite runs its queries
without Python's interpreter lock, beside the compression too, but on one connection (READERS).

The connections read one moment of the database, for every record type of the export:
- PostgreSQL: the export's session holds a REPEATABLE READ transaction and exports its snapshot
  (`pg_export_snapshot`); each reader's transaction starts at it (`SET TRANSACTION SNAPSHOT`).
- SQLite: while another connection holds the write lock, so that nothing can commit, each reader
  starts its read transaction; then the lock is let go. Writers wait those few milliseconds.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from psycopg.adapt import Loader
from sqlalchemy import Connection, Engine
from sqlmodel import Session

# SQLite reads on one connection: two threads running its queries side by side were slower than
# one (they contend for SQLite's own locks; measured 8.8 s against 7.1 s for the bench's export).
READERS = {"postgresql": 2, "sqlite": 1}
AHEAD = 2  # chunks a reader may hold ready for the writer
_POLL_SECONDS = 0.5

Row = tuple[Any, ...]  # (CSV lines, JSON objects, rows): the chunk statement's row


@dataclass
class SnapshotReaders:
    """The export's connections, at its snapshot, and the workspace they read."""

    dialect: str
    team_id: str
    connections: list[Connection]


@contextmanager
def export_snapshot(session: Session) -> Iterator[SnapshotReaders]:
    """The export's connections (`READERS`), reading one snapshot for as long as it runs."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    dialect = engine.dialect.name
    with ExitStack() as stack:
        connections = [stack.enter_context(engine.connect()) for _ in range(READERS.get(dialect, 1))]
        if dialect == "postgresql":
            exporting = session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            snapshot = exporting.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            for connection in connections:
                connection.execution_options(isolation_level="REPEATABLE READ")
                connection.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                connection.exec_driver_sql("SET LOCAL TIME ZONE 'UTC'")  # this transaction only
        else:
            with engine.connect() as lock:
                lock.exec_driver_sql("BEGIN IMMEDIATE")  # waits for a writer, up to the busy timeout
                for connection in connections:
                    connection.exec_driver_sql("BEGIN")
                    connection.exec_driver_sql("SELECT count(*) FROM sqlite_master")  # the snapshot
                    stack.callback(_text_as_str, connection)
                    _driver(connection).text_factory = bytes  # the export's text as stored: UTF-8
                lock.rollback()
        for connection in connections:
            stack.callback(connection.rollback)  # read only: nothing to keep
        yield SnapshotReaders(dialect, str(session.info["team_id"]), connections)


def read_ranges(
    readers: SnapshotReaders, statement: Any, after_id: int, last_id: int, width: int
) -> Iterator[Row]:
    """`statement`'s row for each range of ids (lower bound `after`, exclusive; upper `upto`,
    inclusive) of `width` ids from above `after_id` up to `last_id`, in order: every other range on
    each connection."""
    bounds = [(after, min(after + width, last_id)) for after in range(after_id, last_id, width)]
    if not bounds:
        return
    stop = threading.Event()
    lanes = []
    for lane, connection in enumerate(readers.connections):
        ready: queue.Queue[Row | BaseException] = queue.Queue(AHEAD)
        read = _reader(readers.dialect, connection, statement)
        thread = threading.Thread(
            target=_read_lane, args=(read, bounds[lane :: len(readers.connections)], ready, stop),
            name=f"brm-export-read-{lane}", daemon=True,
        )  # fmt: skip
        thread.start()
        lanes.append((thread, ready))
    try:
        for index in range(len(bounds)):
            row = lanes[index % len(lanes)][1].get()
            if isinstance(row, BaseException):
                raise row
            yield row
    finally:
        stop.set()
        for thread, ready in lanes:
            while thread.is_alive():  # a reader waiting to hand over a chunk that is no longer wanted
                with suppress(queue.Empty):
                    ready.get(timeout=_POLL_SECONDS)
            thread.join()


def _read_lane(
    read: Callable[[int, int], Row], bounds: list[tuple[int, int]], ready: queue.Queue, stop: threading.Event
) -> None:
    for after, upto in bounds:
        try:
            row: Row | BaseException = read(after, upto)
        except BaseException as problem:  # raised on the export's thread, in the chunk's place
            row = problem
        while not stop.is_set():
            try:
                ready.put(row, timeout=_POLL_SECONDS)
                break
            except queue.Full:
                continue
        if stop.is_set() or isinstance(row, BaseException):
            return


class _RawText(Loader):
    """Text as the server sent it, UTF-8 bytes: the export writes bytes, and a chunk is megabytes."""

    def load(self, data: Any) -> bytes:
        return bytes(data)


def _reader(dialect: str, connection: Connection, statement: Any) -> Callable[[int, int], Row]:
    if dialect != "postgresql":
        return lambda after, upto: tuple(connection.execute(statement, {"after": after, "upto": upto}).one())
    compiled = statement.compile(dialect=connection.dialect)  # once: the chunks differ by their ids
    sql, params = str(compiled), compiled.params
    driver = _driver(connection)

    def read(after: int, upto: int) -> Row:
        cursor = driver.cursor()
        cursor.adapters.register_loader("text", _RawText)  # this cursor only
        with cursor:
            cursor.execute(sql, {**params, "after": after, "upto": upto})
            row = cursor.fetchone()
        assert row is not None  # an aggregate without GROUP BY: always one row
        return tuple(row)

    return read


def _driver(connection: Connection) -> Any:
    return connection.connection.driver_connection


def _text_as_str(connection: Connection) -> None:
    _driver(connection).text_factory = str
