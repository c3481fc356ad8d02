"""Putting a job in the database, committed before Slack gets its acknowledgement.

Listeners call `services.jobs.enqueue(...)` and only then `ack()`: once Slack has told the person
it worked, the job is on disk, and a crash or a restart cannot lose it.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.clock import Clock
from runtime.kinds import KINDS
from runtime.wake import Wake
from storage import jobs
from storage.db import Database

log = logging.getLogger(__name__)


class JobQueue:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.wake = Wake(db.engine)

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
        job_kind = KINDS[kind]
        with self.db.system() as session:
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
        self.wake.after_commit()
        assert job_id is not None
        return job_id
