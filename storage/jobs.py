"""Job rows: the durable queue of work after Slack's acknowledgement.

A job goes `queued` -> `running` (claimed by one worker, with a lease it renews while it works) ->
`done`; or back to `queued` with a later `run_after` when an attempt fails and attempts are left; or
to `failed` after its last attempt (kept, with the error, until an operator retries it).

Claiming is the nudges' pattern (storage/nudges.py): one guarded UPDATE ... WHERE still due, plus
FOR UPDATE SKIP LOCKED on PostgreSQL, so any number of workers share the table and no job is
claimed twice. A job left `running` by a worker that died is claimed again once its lease expired.

One key's jobs (a person's: "team:user") run in the order they were enqueued: a job is claimable
only while no earlier job of its key is unfinished. An earlier job still running past its own time
limit no longer counts, so one slow command cannot hold up everything its person types after it.

The queue is shared by every workspace, like the scheduler's sweeps: these functions take a
`Database.system()` session, and every job carries its workspace's team_id.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, delete, exists, func, insert, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from storage.models import Job, JobStatus

ERROR_KEPT_CHARS = 2000


@dataclass(frozen=True)
class ClaimedJob:
    """A job this worker now holds; `attempt` counts this one (1 for the first run)."""

    id: int
    kind: str
    team_id: str
    enterprise_id: str | None
    key: str | None
    payload: dict[str, Any]
    attempt: int
    max_attempts: int
    posts_done: int  # posts an earlier attempt already made: skip that many


@dataclass(frozen=True)
class QueueHealth:
    waiting: int  # queued and due, or running on an expired lease
    running: int
    failed: int
    oldest_waiting_seconds: float | None


@dataclass(frozen=True)
class NewJob:
    """A job about to be inserted by `insert_jobs`."""

    kind: str
    team_id: str
    enterprise_id: str | None
    key: str | None
    payload: dict[str, Any]
    run_after: datetime
    max_attempts: int
    time_limit_seconds: int


# Built once: the request thread's insert is compiled once per process, not once per request.
_INSERT = insert(Job.__table__).returning(Job.__table__.c.id, sort_by_parameter_order=True)  # type: ignore[attr-defined]


# The columns a new job's row sets, in the order of `new_job_values`.
NEW_JOB_COLUMNS = (
    "kind",
    "team_id",
    "enterprise_id",
    "key",
    "payload",
    "status",
    "run_after",
    "attempts",
    "max_attempts",
    "time_limit_seconds",
    "posts_done",
    "created_at",
    "updated_at",
)


def new_job_values(job: NewJob, *, now: datetime) -> tuple[Any, ...]:
    """`job`'s row, the values of `NEW_JOB_COLUMNS`. The stamps are written here, from the same clock
    `storage.db` stamps ORM rows with (`now`): the insert is Core, or the driver's (storage/job_insert.py),
    never the ORM's unit of work, whose bookkeeping before every acknowledgement cost more than the
    insert itself."""
    return (
        job.kind,
        job.team_id,
        job.enterprise_id,
        job.key,
        job.payload,
        JobStatus.QUEUED.value,
        job.run_after,
        0,
        job.max_attempts,
        job.time_limit_seconds,
        0,
        now,
        now,
    )


def insert_jobs(connection: Connection, new_jobs: list[NewJob], *, now: datetime) -> list[int]:
    """Insert `new_jobs` in the caller's transaction, in one statement; their ids, in order."""
    rows = [dict(zip(NEW_JOB_COLUMNS, new_job_values(job, now=now), strict=True)) for job in new_jobs]
    return [row[0] for row in connection.execute(_INSERT, rows)]


def _due(now: datetime) -> Any:
    return or_(
        (Job.status == JobStatus.QUEUED) & (Job.run_after <= now),
        (Job.status == JobStatus.RUNNING) & (Job.lease_expires_at < now),  # its worker is gone
    )


def _first_of_its_key(now: datetime) -> Any:
    earlier = aliased(Job)
    unfinished_before = exists().where(
        earlier.key == Job.key,
        earlier.id < Job.id,
        or_(
            earlier.status == JobStatus.QUEUED,
            and_(earlier.status == JobStatus.RUNNING, earlier.deadline_at > now),
        ),
    )
    return or_(Job.key.is_(None), ~unfinished_before)  # type: ignore[union-attr]


def claim_due(
    session: Session, *, now: datetime, worker: str, limit: int, lease: timedelta
) -> list[ClaimedJob]:
    """Claim up to `limit` due jobs for `worker`, first enqueued first; committed before returning."""
    claimable = and_(_due(now), _first_of_its_key(now))
    candidates = select(Job.id, Job.time_limit_seconds).where(claimable).order_by(Job.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        # Other workers skip the rows this one is claiming instead of waiting for them.
        candidates = candidates.with_for_update(skip_locked=True, of=Job)
    rows = session.exec(candidates).all()
    by_limit: dict[int, list[int]] = {}
    for job_id, seconds in rows:
        by_limit.setdefault(seconds, []).append(job_id)
    claimed = []
    for seconds, ids in by_limit.items():
        # The guard repeats the claim condition: on SQLite (no row locks) another worker may have
        # claimed a row between the SELECT and this UPDATE; then it is simply not ours.
        claimed += session.execute(
            update(Job)
            .where(Job.id.in_(ids), claimable)  # type: ignore[union-attr]
            .values(
                status=JobStatus.RUNNING,
                lease_holder=worker,
                lease_expires_at=now + lease,
                deadline_at=now + timedelta(seconds=seconds),
                attempts=Job.attempts + 1,
                updated_at=now,
            )
            .returning(
                Job.id,
                Job.kind,
                Job.team_id,
                Job.enterprise_id,
                Job.key,
                Job.payload,
                Job.attempts,
                Job.max_attempts,
                Job.posts_done,
            )
            .execution_options(synchronize_session=False)
        ).all()
    session.commit()
    return sorted((ClaimedJob(*row) for row in claimed), key=lambda job: job.id)


def _held(job_ids: Collection[int], worker: str) -> Any:
    return and_(
        Job.id.in_(list(job_ids)),  # type: ignore[union-attr]
        Job.status == JobStatus.RUNNING,
        Job.lease_holder == worker,
    )


def renew(session: Session, job_ids: Collection[int], *, worker: str, now: datetime, lease: timedelta) -> int:
    """Extend the lease on the jobs `worker` is still running; returns how many it still holds."""
    if not job_ids:
        return 0
    result = session.execute(
        update(Job)
        .where(_held(job_ids, worker))
        .values(lease_expires_at=now + lease)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def finish(session: Session, job_id: int, *, worker: str, now: datetime) -> bool:
    """The job is done; False when `worker` no longer held it (another took it over)."""
    result = session.execute(
        update(Job)
        .where(_held([job_id], worker))
        .values(
            status=JobStatus.DONE, lease_holder=None, lease_expires_at=None, finished_at=now, updated_at=now
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def retry_later(
    session: Session, job_id: int, *, worker: str, now: datetime, retry_at: datetime, error: str
) -> bool:
    """This attempt failed and attempts are left: queued again for `retry_at`."""
    result = session.execute(
        update(Job)
        .where(_held([job_id], worker))
        .values(
            status=JobStatus.QUEUED,
            run_after=retry_at,
            lease_holder=None,
            lease_expires_at=None,
            deadline_at=None,
            last_error=error[:ERROR_KEPT_CHARS],
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def mark_failed(session: Session, job_id: int, *, worker: str, now: datetime, error: str) -> bool:
    """The last attempt failed: kept as failed, with the error, for an operator to see and retry."""
    result = session.execute(
        update(Job)
        .where(_held([job_id], worker))
        .values(
            status=JobStatus.FAILED,
            lease_holder=None,
            lease_expires_at=None,
            last_error=error[:ERROR_KEPT_CHARS],
            finished_at=now,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def hand_back(session: Session, job_ids: Collection[int], *, worker: str, now: datetime) -> int:
    """Give claimed jobs back, due now, without counting the attempt (a worker stopping)."""
    if not job_ids:
        return 0
    result = session.execute(
        update(Job)
        .where(_held(job_ids, worker))
        .values(
            status=JobStatus.QUEUED,
            run_after=now,
            lease_holder=None,
            lease_expires_at=None,
            deadline_at=None,
            attempts=Job.attempts - 1,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def record_post(session: Session, job_id: int, *, posts_done: int) -> None:
    """Note that the job has now made `posts_done` posts, so a second run does not make them again."""
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.posts_done < posts_done)
        .values(posts_done=posts_done)
        .execution_options(synchronize_session=False)
    )


def running_holders(session: Session) -> list[str]:
    """The workers holding running jobs now (to find the ones on this host that are gone)."""
    statement = select(Job.lease_holder).where(Job.status == JobStatus.RUNNING).distinct()
    return [holder for holder in session.exec(statement) if holder]


def release_holder(session: Session, holder: str, *, now: datetime) -> int:
    """Make a dead worker's jobs claimable at once instead of when their lease expires."""
    result = session.execute(
        update(Job)
        .where(Job.status == JobStatus.RUNNING, Job.lease_holder == holder)
        .values(lease_expires_at=now - timedelta(seconds=1))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def queue_health(session: Session, *, now: datetime) -> QueueHealth:
    waiting, oldest = session.exec(select(func.count(), func.min(Job.run_after)).where(_due(now))).one()
    running = session.exec(
        select(func.count()).where(Job.status == JobStatus.RUNNING, Job.lease_expires_at >= now)
    ).one()
    failed = session.exec(select(func.count()).where(Job.status == JobStatus.FAILED)).one()
    age = None
    if oldest is not None:
        age = max(0.0, (now - oldest).total_seconds())
    return QueueHealth(
        waiting=int(waiting), running=int(running), failed=int(failed), oldest_waiting_seconds=age
    )


def failed_jobs(session: Session, *, limit: int = 100) -> list[Job]:
    statement = select(Job).where(Job.status == JobStatus.FAILED).order_by(Job.id.desc()).limit(limit)  # type: ignore[union-attr]
    return list(session.exec(statement))


def retry_failed(session: Session, job_ids: Collection[int] | None, *, now: datetime) -> int:
    """Queue failed jobs again with fresh attempts (all of them when `job_ids` is None)."""
    where = [Job.status == JobStatus.FAILED]
    if job_ids is not None:
        where.append(Job.id.in_(list(job_ids)))  # type: ignore[union-attr]
    result = session.execute(
        update(Job)
        .where(*where)
        .values(status=JobStatus.QUEUED, run_after=now, attempts=0, finished_at=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def forget_done_before(session: Session, before: datetime) -> int:
    """Done jobs are kept a while for the record, then deleted; failed ones stay until retried."""
    result = session.execute(
        delete(Job)
        .where(Job.status == JobStatus.DONE, Job.finished_at < before)  # type: ignore[operator]
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def job_by_id(session: Session, job_id: int) -> Job | None:
    return session.exec(select(Job).where(Job.id == job_id)).first()
