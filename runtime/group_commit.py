"""Group commit: the jobs that requests are waiting to enqueue are committed many to a transaction.

Every acknowledgement waits until its job is committed. Committing each job in its own transaction
costs one per request: on SQLite each one queues for the database's single write lock (held now and
then by a worker saving records), on PostgreSQL each one waits for its own WAL flush. Here a request
that finds the database free commits its own job at once, on its own thread: at low load nothing
is handed to another thread and back. Requests arriving while that commit runs wait in line; when
it is done, the request at the head of the line commits everyone waiting, in one statement and one
transaction, and wakes each with its job's id (or with the error, when the commit failed: then none
of those jobs exists, and each request answers that nothing was saved). "Committed before the ack"
stays exactly true; the more requests wait, the fewer transactions there are. A batch is one
statement, on a connection of the writer's own (storage/job_insert.py).

One batch at a time, on both databases. SQLite has one write lock. On PostgreSQL, four batches
side by side on four connections were measured against one (bench/ack_latency.py, role web, 2 cores,
2026-12-03): p99 at 10 senders 27 to 32 ms with four, 21 to 23 ms with one; the batches grow
instead, and each costs the app and the server CPU that acknowledgements need.

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
from datetime import datetime

from sqlalchemy import Engine, event

from storage.db import make_engine
from storage.job_insert import OneStatementInsert, is_locked
from storage.jobs import NewJob

LOCK_WAIT_SECONDS = 2.5  # Slack allows 3 s for the acknowledgement
LOCK_RETRY_SECONDS = 0.0005
MAX_BATCH = 500

log = logging.getLogger(__name__)


class _Waiting:
    """One request's job, and what became of it. `batch` is set when the request must commit a batch."""

    __slots__ = ("_woken", "arrived", "batch", "error", "job", "job_id")

    def __init__(self, job: NewJob) -> None:
        self.job = job
        self.arrived = time.monotonic()
        self.job_id: int | None = None
        self.error: BaseException | None = None
        self.batch: list[_Waiting] | None = None
        self._woken = threading.Lock()  # held until the request is woken: the cheapest wait there is
        self._woken.acquire()

    def wait(self) -> None:
        self._woken.acquire()

    def wake(self) -> None:
        self._woken.release()


class JobWriter:
    """Inserts jobs for the threads of this process, many to a transaction (see the module docstring).

    `now()` stamps the rows; `notify` names the PostgreSQL channel each batch's statement wakes the
    workers on; `after_commit()` runs after each committed batch (the local wake-up)."""

    def __init__(
        self,
        engine: Engine,
        *,
        now: Callable[[], datetime],
        notify: str | None,
        after_commit: Callable[[], None],
    ) -> None:
        sqlite = engine.dialect.name == "sqlite"
        self._engine = _writer_engine(engine) if sqlite else _postgres_writer_engine(engine)
        self._insert = OneStatementInsert(self._engine, notify=notify)
        self._now = now
        self._after_commit = after_commit
        self._lock = threading.Lock()
        # Requests waiting for a batch to be committed. Empty whenever no batch is being committed:
        # the request that ends a commit hands the line to its head while anyone waits.
        self._pending: list[_Waiting] = []
        self._committing = False

    def insert(self, job: NewJob) -> int:
        """Block until `job` is committed; its id. Raises what the commit raised (nothing saved)."""
        me = _Waiting(job)
        with self._lock:
            commit_now = not self._committing
            if commit_now:
                self._committing = True
                me.batch = [me]
            else:
                self._pending.append(me)
        if not commit_now:
            me.wait()  # until a batch with this job was committed, or this request must commit one
        if me.batch is not None:
            self._commit_batch(me.batch)
        if me.error is not None:
            raise me.error
        assert me.job_id is not None
        return me.job_id

    def _commit_batch(self, batch: list[_Waiting]) -> None:
        """Commit `batch`, whose first request is the one committing it; answer the others, and hand
        the line on."""
        try:
            try:
                ids = self._commit(batch)
            except BaseException as problem:  # every waiting request must hear, whatever went wrong
                for waiting in batch:
                    waiting.error = problem
            else:
                for waiting, job_id in zip(batch, ids, strict=True):
                    waiting.job_id = job_id
                self._after_commit()
        finally:
            with self._lock:
                following = None
                if self._pending:
                    following, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                    following[0].batch = following  # its request commits the next batch
                else:
                    self._committing = False
            for waiting in batch[1:]:
                waiting.wake()
            if following is not None:
                following[0].wake()

    def close(self) -> None:
        """Wait (up to 10 s) for the batches being committed to end; a later insert opens anew."""
        deadline = time.monotonic() + 10
        while self._committing and time.monotonic() < deadline:
            time.sleep(0.01)
        self._insert.close()
        self._engine.dispose()

    def _commit(self, batch: list[_Waiting]) -> list[int]:
        deadline = batch[0].arrived + LOCK_WAIT_SECONDS
        jobs = [waiting.job for waiting in batch]
        while True:
            try:
                return self._insert.insert(jobs, now=self._now())
            except Exception as problem:
                if not is_locked(problem) or time.monotonic() > deadline:
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
    """The same PostgreSQL database through one connection of the writer's own, without SQLAlchemy's
    ping before each batch (a round trip per acknowledgement): a batch whose connection was lost
    before its COMMIT goes again on a new one instead (storage/job_insert.py)."""
    url = engine.url.render_as_string(hide_password=False)
    return make_engine(url, pool_pre_ping=False, pool_size=1, max_overflow=0)
