"""The daily retention run: a sweep starts one job per workspace per day, the job disposes.

The scheduler's sweep looks every hour; for each workspace with a retention rule it claims the day
(a `retention_run` row, unique per workspace and UTC date) and queues the `retention` job in the
same transaction. Any number of processes may sweep: exactly one claims a day, and a process that
was down catches up at its next look. The job runs the schedule (bot/records/retention.py) in one
workspace transaction.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from bot.records.retention import run_retention
from runtime.kinds import JobRun, job_kind
from runtime.services import Services
from storage.records_models import RetentionRule, RetentionRun

log = logging.getLogger(__name__)

RETENTION_JOB = "retention"
SWEEP_SECONDS = 3600


def start_due_retention(services: Services) -> int:
    """Queue today's retention job for each workspace with a rule that has none yet; returns how many."""
    now = services.clock.now()
    day = now.date().isoformat()
    with services.db.system() as session:
        workspaces = session.exec(select(RetentionRule.team_id, RetentionRule.enterprise_id).distinct()).all()
    started = 0
    for team_id, enterprise_id in workspaces:
        try:
            with services.db.system() as session:
                session.add(RetentionRun(team_id=team_id, enterprise_id=enterprise_id, day=day))
                session.flush()  # the unique key: another process claimed this day first
                services.jobs.enqueue_in(
                    session, RETENTION_JOB, {"day": day}, team_id=team_id, enterprise_id=enterprise_id
                )
        except IntegrityError:
            continue
        started += 1
    if started:
        services.jobs.wake.after_commit()
    return started


@job_kind(RETENTION_JOB, max_attempts=3)
def retention_job(services: Services, job: JobRun) -> None:
    with services.db.workspace(job.team_id, job.enterprise_id) as session:
        done = run_retention(session, services.clock.now())
    for disposition in done:
        log.info(
            "retention in %s: %s %d %s (%s), %d kept under hold",
            job.team_id,
            "disposed of" if "delete" in disposition.rule else "redacted",
            disposition.count,
            disposition.record_type,
            disposition.rule,
            disposition.held,
        )
