"""Group commit: one writer thread per process commits the jobs that requests are waiting to enqueue.

Every acknowledgement waits until its job is committed. Committing each job on its own request
thread costs a transaction per request: on SQLite each one queues for the database's single write
lock (held now and then by a worker saving records), on PostgreSQL each one waits for its own WAL
flush. Here a request thread hands its row to the writer and waits; the writer takes every row that
is waiting, inserts them in one statement, commits once, and then wakes each waiting request with
its job's id (or with the error, when the commit failed: then none of those jobs exists, and each
request answers that nothing was saved). "Committed before the ack" stays exactly true; the
requests that arrive while one batch commits form the next batch, so the more requests wait, the
fewer transactions there are. On PostgreSQL a few writers commit side by side (the server then
flushes their commits to disk together, too), each on a connection of the writers' own pool, which
is not pinged before each batch (a round trip an acknowledgement): a connection the server dropped
is found at the insert, and the batch goes again on a new one. SQLite has one write lock, so one
writer.

SQLite: the writer's connection does not use SQLite's own busy wait, which sleeps in steps of up
to 100 ms and misses the short gaps between a worker's transactions; it asks for the write lock
every half millisecond instead, for up to `LOCK_WAIT_SECONDS`. It commits with
`synchronous=FULL`, so a committed job survives a power cut too (the app's other connections use
NORMAL: WAL is then durable against a crash of the process, not of the machine), at the cost of
one fsync per batch rather than per request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import DBAPIError, OperationalError

from storage.db import make_engine
from storage.jobs import NewJob, insert_jobs

LOCK_WAIT_SECONDS = 2.5  # Slack allows 3 s for the acknowledgement
LOCK_RETRY_SECONDS = 0.0005
MAX_BATCH = 500
POSTGRES_WRITERS = 4

log = logging.getLogger(__name__)

InTransaction = Callable[[Connection], None]


@dataclass
class _Waiting:
    job: NewJob
    arrived: float
    done: threading.Event = field(default_factory=threading.Event)
    job_id: int | None = None
    error: BaseException | None = None


class JobWriter:
    """Inserts jobs for the threads of this process, many to a transaction (see the module docstring).

    `now()` stamps the rows; `in_transaction(connection)` runs before each commit (the PostgreSQL
    NOTIFY); `after_commit()` runs after each committed batch (the local wake-up)."""

    def __init__(
        self,
        engine: Engine,
        *,
        now: Callable[[], datetime],
        in_transaction: InTransaction,
        after_commit: Callable[[], None],
    ) -> None:
        self._sqlite = engine.dialect.name == "sqlite"
        self._engine = _writer_engine(engine) if self._sqlite else _postgres_writer_engine(engine)
        self._now = now
        self._in_transaction = in_transaction
        self._after_commit = after_commit
        self._pending: list[_Waiting] = []
        self._ready = threading.Condition()
        self._writers = 1 if self._sqlite else POSTGRES_WRITERS
        self._threads: list[threading.Thread] = []
        self._closing = False

    def insert(self, job: NewJob) -> int:
        """Block until `job` is committed; its id. Raises what the commit raised (nothing saved)."""
        waiting = _Waiting(job, time.monotonic())
        with self._ready:
            self._pending.append(waiting)
            self._threads = [thread for thread in self._threads if thread.is_alive()]
            if len(self._threads) < self._writers:
                thread = threading.Thread(target=self._write_forever, name="brm-job-writer", daemon=True)
                thread.start()
                self._threads.append(thread)
            self._ready.notify()
        waiting.done.wait()
        if waiting.error is not None:
            raise waiting.error
        assert waiting.job_id is not None
        return waiting.job_id

    def _write_forever(self) -> None:
        while True:
            with self._ready:
                while not self._pending:
                    if self._closing:
                        return
                    self._ready.wait()
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
            try:
                ids = self._commit(batch)
            except BaseException as problem:  # every waiting request must hear, whatever went wrong
                for waiting in batch:
                    waiting.error = problem
                    waiting.done.set()
                continue
            for waiting, job_id in zip(batch, ids, strict=True):
                waiting.job_id = job_id
                waiting.done.set()
            self._after_commit()

    def close(self) -> None:
        """Let the writers finish what waits and end (a later insert starts them again)."""
        with self._ready:
            self._closing = True
            self._ready.notify_all()
            threads, self._threads = self._threads, []
        for thread in threads:
            thread.join(timeout=10)
        with self._ready:
            self._closing = False
        self._engine.dispose()

    def _commit(self, batch: list[_Waiting]) -> list[int]:
        deadline = batch[0].arrived + LOCK_WAIT_SECONDS
        reconnected = committing = False
        while True:
            try:
                with self._engine.connect() as connection:
                    if self._sqlite:
                        connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock, or "locked" at once
                    ids = insert_jobs(connection, [w.job for w in batch], now=self._now())
                    self._in_transaction(connection)
                    committing = True
                    connection.commit()
                    return ids
            except DBAPIError as problem:
                if problem.connection_invalidated and not committing and not reconnected:
                    # A pooled PostgreSQL connection the server dropped (it restarted) before the
                    # commit was asked for: nothing of the batch exists, so it goes again, once, on
                    # a new connection. (Dropped during the commit, the jobs may exist: no retry.)
                    reconnected = True
                    continue
                locked = isinstance(problem, OperationalError) and "locked" in str(problem)
                if not self._sqlite or not locked or time.monotonic() > deadline:
                    raise
                time.sleep(LOCK_RETRY_SECONDS)


def _writer_engine(engine: Engine) -> Engine:
    """The same SQLite file through one connection that never waits for the lock by itself."""
    url = engine.url.render_as_string(hide_password=False)
    writer = make_engine(url, pool_size=1, max_overflow=0)

    @event.listens_for(writer, "connect")
    def _writer_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # After make_engine's own pragmas: see the module docstring for both.
        dbapi_connection.execute("PRAGMA busy_timeout=0")
        dbapi_connection.execute("PRAGMA synchronous=FULL")

    return writer


def _postgres_writer_engine(engine: Engine) -> Engine:
    """The same PostgreSQL database through a pool of the writers' own, without a ping before each
    batch (a round trip per acknowledgement): a connection found dropped is retried instead."""
    url = engine.url.render_as_string(hide_password=False)
    return make_engine(url, pool_pre_ping=False, pool_size=POSTGRES_WRITERS, max_overflow=0)
