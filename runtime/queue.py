"""Putting a job in the database, committed before Slack gets its acknowledgement.

Listeners call `services.jobs.enqueue(...)` and only then `ack()`: once Slack has told the person
it worked, the job is on disk, and a crash or a restart cannot lose it. The insert itself is made
by the process's job writer (runtime/group_commit.py), which commits the jobs of all the requests
waiting at that moment in one transaction. An in-memory SQLite database (some tests) is one
connection's own, so there the insert is made on the caller's thread instead.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Protocol

from sqlmodel import Session

from bot.clock import Clock
from runtime.group_commit import JobWriter
from runtime.wake import CHANNEL, Wake
from storage.db import Database
from storage.jobs import NewJob, insert_jobs

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
        self._writer = (
            None
            if _in_memory(db)
            else JobWriter(
                db.engine,
                now=clock.now,
                notify=CHANNEL if self.wake.postgres else None,
                after_commit=self.wake.after_commit,
            )
        )

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
        job = self._new_job(kind, payload, team_id=team_id, enterprise_id=enterprise_id, key=key)
        if self._writer is not None:
            return self._writer.insert(job)
        with self.db.engine.begin() as connection:
            (job_id,) = insert_jobs(connection, [job], now=self.clock.now())
        self.wake.after_commit()
        return job_id

    def enqueue_in(
        self,
        session: Session,
        kind: str,
        payload: dict[str, Any],
        *,
        team_id: str,
        enterprise_id: str | None = None,
        key: str | None = None,
    ) -> int:
        """Add a job of `kind` in `session`'s transaction: it exists if and only if the caller's own
        writes commit (a sweep's claim of the day, a form's save); the workers wake at that commit."""
        job = self._new_job(kind, payload, team_id=team_id, enterprise_id=enterprise_id, key=key)
        (job_id,) = insert_jobs(session.connection(), [job], now=self.clock.now())
        self.wake.in_transaction(session)
        return job_id

    def _new_job(
        self, kind: str, payload: dict[str, Any], *, team_id: str, enterprise_id: str | None, key: str | None
    ) -> NewJob:
        limits = self.kinds[kind]
        return NewJob(
            kind=kind,
            team_id=team_id,
            enterprise_id=enterprise_id,
            key=key,
            payload=payload,
            run_after=self.clock.now(),
            max_attempts=limits.max_attempts,
            time_limit_seconds=int(limits.time_limit.total_seconds()),
        )

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


def _in_memory(db: Database) -> bool:
    url = db.engine.url
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
