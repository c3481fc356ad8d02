"""What `/healthz` answers: what is wrong (None: nothing), and how the job queue stands.

Not ok when the database cannot be reached or lost its schema, when Socket Mode is not connected,
when this process's own worker process is down (role `all`), and, where the jobs run in worker
processes, when no worker or no scheduler has beaten lately (storage/heartbeats.py): a health
check that says ok must mean that what Slack sends will be worked on.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import text

from runtime.services import Services
from storage import heartbeats
from storage.jobs import queue_health

log = logging.getLogger(__name__)


def health_problem(
    services: Services,
    *,
    jobs_run_here: bool,
    worker_process_alive: bool | None,
    socket_connected: bool | None,
) -> tuple[str | None, dict[str, Any]]:
    """`worker_process_alive`/`socket_connected`: None when there is no such thing to ask about."""
    if not _database_reachable(services):
        return "database unreachable", {}
    try:
        with services.db.system() as session:
            queue = queue_health(session, now=services.clock.now())
            beating = heartbeats.alive(session, now=services.clock.now())
    except Exception:
        log.exception("health check: the database has no job or heartbeat table (was its schema dropped?)")
        return "database schema missing", {}
    details: dict[str, Any] = {
        "jobs_waiting": queue.waiting,
        "oldest_waiting_seconds": round(queue.oldest_waiting_seconds or 0.0, 1),
        "jobs_running": queue.running,
        "jobs_failed": queue.failed,
    }
    if socket_connected is False:
        return "not connected to Slack", details
    if worker_process_alive is not None:
        details["worker_process"] = "ready" if worker_process_alive else "down"
        if not worker_process_alive:
            return "no worker process", details
    if jobs_run_here:
        return None, details
    details["workers_alive"] = beating.workers
    details["schedulers_alive"] = beating.schedulers
    if not beating.workers:
        return "no worker alive", details
    if not beating.schedulers:
        return "no scheduler alive", details
    return None, details


def _database_reachable(services: Services) -> bool:
    try:
        with services.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        log.exception("health check: database unreachable")
        return False
