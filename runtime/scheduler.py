"""The in-process scheduler: APScheduler 3.11 runs the periodic sweeps, the database decides what to do.

APScheduler only says "look now"; which nudges and digests are due, and who sends each one, is
decided by claiming rows in the database. That makes any number of app processes safe and lets a
process that was down catch up when it comes back (no job store, no misfire grace to lose work).
Each sweep is a function `sweep(services) -> int` that tests call directly with the clock they control.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from runtime.digest_sender import send_due_digests
from runtime.nudge_sender import sweep_nudges
from runtime.services import Services
from storage.events import forget_events_before
from storage.jobs import forget_done_before, queue_health

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sweep:
    name: str
    run: Callable[[Services], int]
    every_seconds: float


# Slack retries an unacknowledged event for about an hour at most; a day of memory is plenty.
HANDLED_EVENTS_KEPT = timedelta(days=1)


def forget_handled_events(services: Services) -> int:
    """Keep the table of handled Slack event ids from growing forever."""
    with services.db.system() as session:
        return forget_events_before(session, services.clock.now() - HANDLED_EVENTS_KEPT)


# Done jobs are kept a day for the record (an operator can see what ran); failed ones until retried.
DONE_JOBS_KEPT = timedelta(days=1)


def report_the_queue(services: Services) -> int:
    """Say in the log how the job queue stands when anything waits or failed; forget old done jobs."""
    now = services.clock.now()
    with services.db.system() as session:
        forgotten = forget_done_before(session, now - DONE_JOBS_KEPT)
        health = queue_health(session, now=now)
    if health.waiting or health.failed:
        level = logging.WARNING if health.failed else logging.INFO
        log.log(
            level,
            "jobs: %d waiting (the oldest for %.0f s), %d running, %d failed (python app.py jobs failed)",
            health.waiting,
            health.oldest_waiting_seconds or 0,
            health.running,
            health.failed,
        )
    return forgotten


# Each feature adds its sweep here.
SWEEPS: list[Sweep] = [
    Sweep("nudges", sweep_nudges, every_seconds=2),
    Sweep("digests", send_due_digests, every_seconds=60),
    Sweep("jobs", report_the_queue, every_seconds=60),
    Sweep("housekeeping", forget_handled_events, every_seconds=3600),
]


def start_scheduler(services: Services, sweeps: list[Sweep] | None = None) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    for sweep in SWEEPS if sweeps is None else sweeps:
        scheduler.add_job(
            _run_logged,
            "interval",
            seconds=sweep.every_seconds,
            args=(sweep, services),
            id=sweep.name,
            # A sweep that starts late is still worth running: the rows it claims are all still due.
            misfire_grace_time=None,
            next_run_time=datetime.now(UTC),  # real time on purpose: APScheduler's own timer
        )
    scheduler.start()
    log.info("scheduler started with sweeps: %s", ", ".join(s.name for s in SWEEPS) or "none")
    return scheduler


def _run_logged(sweep: Sweep, services: Services) -> None:
    try:
        done = sweep.run(services)
    except Exception:
        log.exception("sweep %s failed; it runs again in %ss", sweep.name, sweep.every_seconds)
        return
    if done:
        log.info("sweep %s handled %d", sweep.name, done)
