"""Workers' heartbeats: how a web process knows that some worker, and some scheduler, is alive.

A web process (role `web`) runs no jobs itself; its health check is only true if the jobs it
queues will run. Each worker process writes its row every few seconds, saying whether its
scheduler runs too, and deletes it when it stops. A row not written for `STALE_AFTER` is a worker
that died. Shared by every workspace: these functions take a `Database.system()` session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from storage.runtime_models import WorkerHeartbeat

BEAT_EVERY = timedelta(seconds=5)
STALE_AFTER = timedelta(seconds=15)  # three beats missed


@dataclass(frozen=True)
class Alive:
    workers: int
    schedulers: int


def beat(session: Session, worker: str, *, now: datetime, scheduler_running: bool) -> None:
    table = WorkerHeartbeat.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = {"scheduler_running": scheduler_running, "beat_at": now}
    session.execute(
        dialect.insert(table)
        .values(worker=worker, **values)
        .on_conflict_do_update(index_elements=[table.c.worker], set_=values)
    )


def stopped(session: Session, worker: str) -> None:
    session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.worker == worker))  # type: ignore[arg-type]


def alive(session: Session, *, now: datetime) -> Alive:
    """How many workers, and how many of their schedulers, beat lately (dead ones' rows stay behind)."""
    rows = session.exec(
        select(WorkerHeartbeat.scheduler_running).where(WorkerHeartbeat.beat_at > now - STALE_AFTER)
    ).all()
    return Alive(workers=len(rows), schedulers=sum(1 for running in rows if running))
