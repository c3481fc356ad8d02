"""GET /healthz tells the truth: the job queue's state in its details, and not ok without a worker
or without the database's schema."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from sqlalchemy import text

from runtime.worker import LEASE
from storage import jobs
from storage.models import SQLModel
from tests.conftest import RunningApp
from tests.test_command_jobs import web_only  # noqa: F401  (the fixture)


def health(app: RunningApp) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{app.url}/healthz", timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def test_health_shows_what_waits_how_long_and_what_failed(web_only: RunningApp) -> None:  # noqa: F811
    assert health(web_only) == (
        200,
        {
            "status": "ok",
            "details": {
                "jobs_waiting": 0,
                "oldest_waiting_seconds": 0.0,
                "jobs_running": 0,
                "jobs_failed": 0,
            },
        },
    )
    web_only.client.command("log DMV call about renewals")
    web_only.clock.advance(seconds=42)
    web_only.client.command("list", user_id="U2")
    with web_only.db.system() as session:
        [claimed] = jobs.claim_due(session, now=web_only.clock.now(), worker="w", limit=1, lease=LEASE)
        jobs.mark_failed(session, claimed.id, worker="w", now=web_only.clock.now(), error="boom")
    status, answer = health(web_only)
    assert status == 200  # failed jobs are for an operator to look at; the app still works
    assert answer["details"] == {
        "jobs_waiting": 1,
        "oldest_waiting_seconds": 0.0,
        "jobs_running": 0,
        "jobs_failed": 1,
    }
    web_only.clock.advance(seconds=30)
    assert health(web_only)[1]["details"]["oldest_waiting_seconds"] == 30.0


class _GoneWorker:
    def alive(self) -> bool:
        return False

    def stop(self) -> None:
        pass


def test_health_is_not_ok_while_the_worker_process_is_down(web_only: RunningApp) -> None:  # noqa: F811
    web_only.brm.worker_process = _GoneWorker()  # type: ignore[assignment]
    status, answer = health(web_only)
    assert (status, answer["status"], answer["details"]["worker_process"]) == (
        503,
        "no worker process",
        "down",
    )


def test_health_is_not_ok_when_the_database_lost_its_schema(web_only: RunningApp) -> None:  # noqa: F811
    with web_only.db.engine.begin() as connection:
        connection.execute(text("DROP TABLE job"))
    try:
        assert health(web_only) == (503, {"status": "database schema missing", "details": {}})
    finally:
        SQLModel.metadata.tables["job"].create(web_only.db.engine)
