"""The operator's command line for the queue: list the jobs that failed for good, retry them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.clock import FrozenClock
from runtime.worker import LEASE
from storage import jobs
from storage.db import Database
from storage.models import JobStatus
from tests.test_startup import ROOT, base_env


def app_command(tmp_path: Path, database: Database, *words: str) -> subprocess.CompletedProcess[str]:
    env = {
        **base_env(tmp_path),
        "SLACK_BOT_TOKEN": "xoxb-admin",
        "SLACK_SIGNING_SECRET": "s",
        "DATABASE_URL": database.engine.url.render_as_string(hide_password=False),
    }
    return subprocess.run(
        [sys.executable, "app.py", *words], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def failed_job(database: Database, clock: FrozenClock, secret: str) -> int:
    with database.system() as session:
        new = jobs.NewJob("command", "T1", None, "T1:U1", {"text": secret}, clock.now(), 1, 60)
        (job_id,) = jobs.insert_jobs(session.connection(), [new], now=clock.now())
        session.commit()
        jobs.claim_due(session, now=clock.now(), worker="w", limit=1, lease=LEASE)
        jobs.mark_failed(session, job_id, worker="w", now=clock.now(), error="Traceback ...\nOSError: boom")
        return job_id


def test_an_operator_sees_failed_jobs_and_retries_them(
    tmp_path: Path, database: Database, clock: FrozenClock
) -> None:
    job_id = failed_job(database, clock, secret="log DMV the secret thing someone typed")
    listed = app_command(tmp_path, database, "jobs", "failed")
    assert listed.returncode == 0, listed.stderr
    [line] = listed.stdout.splitlines()
    assert line.startswith(f"{job_id}\tcommand\tT1\t") and line.endswith("OSError: boom")
    assert "secret thing" not in listed.stdout + listed.stderr  # payloads stay out
    assert "1 failed, 0 waiting" in listed.stderr

    retried = app_command(tmp_path, database, "jobs", "retry", str(job_id))
    assert retried.returncode == 0, retried.stderr
    assert "1 failed jobs queued again" in retried.stdout
    with database.system() as session:
        job = jobs.job_by_id(session, job_id)
    assert job is not None and (job.status, job.attempts) == (JobStatus.QUEUED, 0)


def test_a_mistyped_admin_command_says_how_to_use_it(tmp_path: Path, database: Database) -> None:
    result = app_command(tmp_path, database, "jobs", "frobnicate")
    assert result.returncode == 2
    assert "usage: python app.py migrate | jobs failed | jobs retry" in result.stderr


def test_migrate_on_its_own_brings_the_schema_up_and_exits(tmp_path: Path, database: Database) -> None:
    result = app_command(tmp_path, database, "migrate")
    assert result.returncode == 0, result.stderr
    assert "the schema is current" in result.stderr
