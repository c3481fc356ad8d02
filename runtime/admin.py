"""The operator's view of the queue: `python app.py jobs failed` and `python app.py jobs retry [ID ...]`.

Failed jobs are those whose last attempt failed (the person was told); retrying queues them again
with fresh attempts, for the workers to run. Only kinds and errors are printed, never payloads:
they hold what people typed and response_urls.
"""

from __future__ import annotations

import sys

from runtime.services import Services
from storage import jobs

USAGE = "usage: python app.py migrate | jobs failed | jobs retry [ID ...] (no ID: every failed job)"


def run_admin_command(words: list[str], services: Services) -> int:
    if words[:2] == ["jobs", "failed"] and len(words) == 2:
        return list_failed(services)
    if words[:2] == ["jobs", "retry"] and all(word.isdigit() for word in words[2:]):
        return retry(services, [int(word) for word in words[2:]] or None)
    print(USAGE, file=sys.stderr)
    return 2


def list_failed(services: Services) -> int:
    now = services.clock.now()
    with services.db.system() as session:
        failed = jobs.failed_jobs(session)
        health = jobs.queue_health(session, now=now)
    for job in failed:
        last_line = (job.last_error or "").strip().splitlines()[-1:] or [""]
        finished = job.finished_at.isoformat(timespec="seconds") if job.finished_at else "?"
        print(
            f"{job.id}\t{job.kind}\t{job.team_id}\t{finished}\t{job.attempts} attempts\t{last_line[0][:200]}"
        )
    print(
        f"{health.failed} failed, {health.waiting} waiting, {health.running} running",
        file=sys.stderr,
    )
    return 0


def retry(services: Services, job_ids: list[int] | None) -> int:
    with services.db.system() as session:
        count = jobs.retry_failed(session, job_ids, now=services.clock.now())
    print(f"{count} failed jobs queued again")
    return 0
