"""Putting a job in the database, committed before Slack gets its acknowledgement.

Listeners call `services.jobs.enqueue(...)` and only then `ack()`: once Slack has told the person
it worked, the job is on disk, and a crash or a restart cannot lose it.

On SQLite the insert needs the database's one write lock, which a worker holds while it saves a
command's records. SQLite's own wait for a lock sleeps in steps of up to 100 ms and misses the
short gaps between a worker's transactions, so the acknowledgement would wait far longer than the
lock is held: the enqueue asks again every half millisecond instead, for up to `LOCK_WAIT_SECONDS`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from bot.clock import Clock
from runtime.wake import Wake
from storage import jobs
from storage.db import Database, make_engine

LOCK_WAIT_SECONDS = 2.5  # Slack allows 3 s for the acknowledgement
LOCK_RETRY_SECONDS = 0.0005

log = logging.getLogger(__name__)


class KindLimits(Protocol):
    """What the queue reads of a kind of job (`runtime.kinds.JobKind`) when it writes the job's row."""

    max_attempts: int
    time_limit: timedelta


class JobQueue:
    def __init__(self, db: Database, clock: Clock, kinds: Mapping[str, KindLimits]) -> None:
        # The kinds are handed in (`runtime.kinds.KINDS`) so that the queue, which `Services` carries,
        # does not import the kinds, whose jobs take a `Services`.
        self.db = db
        self.clock = clock
        self.kinds = kinds
        self.wake = Wake(db.engine)
        self._insert_db = _without_lock_wait(db) if _sqlite_file(db) else db

    def enqueue(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        team_id: str,
        enterprise_id: str | None = None,
        key: str | None = None,
    ) -> int:
        """Commit a job of `kind` (a registered kind) and wake the workers; returns its id."""
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                job_id = self._insert(kind, payload, team_id=team_id, enterprise_id=enterprise_id, key=key)
                break
            except OperationalError as problem:
                if "locked" not in str(problem) or time.monotonic() > deadline:
                    raise
                time.sleep(LOCK_RETRY_SECONDS)
        self.wake.after_commit()
        return job_id

    def _insert(
        self, kind: str, payload: dict[str, Any], *, team_id: str, enterprise_id: str | None, key: str | None
    ) -> int:
        job_kind = self.kinds[kind]
        with self._insert_db.system() as session:
            job = jobs.enqueue(
                session,
                kind=kind,
                team_id=team_id,
                enterprise_id=enterprise_id,
                key=key,
                payload=payload,
                run_after=self.clock.now(),
                max_attempts=job_kind.max_attempts,
                time_limit_seconds=int(job_kind.time_limit.total_seconds()),
            )
            self.wake.in_transaction(session)
            job_id = job.id
        assert job_id is not None
        return job_id


def _without_lock_wait(db: Database) -> Database:
    """The same SQLite database through connections that do not wait for a lock (see above)."""
    # No pool: a connection is opened per job (a fraction of a millisecond), none is left behind.
    engine = make_engine(db.engine.url.render_as_string(hide_password=False), poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _no_busy_wait(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.execute("PRAGMA busy_timeout=0")  # after make_engine's own pragmas

    return Database(engine, db.clock)


def _sqlite_file(db: Database) -> bool:
    url = db.engine.url
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
