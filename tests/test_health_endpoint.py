"""GET /healthz tells the truth: the job queue's state in its details, and not ok without a worker
or without the database's schema."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from sqlalchemy import text

from runtime.worker import LEASE
from storage import heartbeats, jobs
from storage.models import SQLModel
from tests.conftest import RunningApp
from tests.test_command_jobs import web_only  # noqa: F401  (the fixture)


def health(app: RunningApp) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{app.url}/healthz", timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def a_worker_beats(app: RunningApp, name: str = "w1", *, scheduler_running: bool = True) -> None:
    """What a worker process writes every few seconds (runtime/heartbeat.py)."""
    with app.db.system() as session:
        heartbeats.beat(session, name, now=app.clock.now(), scheduler_running=scheduler_running)


def test_health_shows_what_waits_how_long_and_what_failed(web_only: RunningApp) -> None:  # noqa: F811
    a_worker_beats(web_only)
    assert health(web_only) == (
        200,
        {
            "status": "ok",
            "details": {
                "jobs_waiting": 0,
                "oldest_waiting_seconds": 0.0,
                "jobs_running": 0,
                "jobs_failed": 0,
                "workers_alive": 1,
                "schedulers_alive": 1,
            },
        },
    )
    web_only.client.command("log DMV call about renewals")
    web_only.clock.advance(seconds=42)
    web_only.client.command("list", user_id="U2")
    with web_only.db.system() as session:
        [claimed] = jobs.claim_due(session, now=web_only.clock.now(), worker="w", limit=1, lease=LEASE)
        jobs.mark_failed(session, claimed.id, worker="w", now=web_only.clock.now(), error="boom")
    a_worker_beats(web_only)
    status, answer = health(web_only)
    assert status == 200  # failed jobs are for an operator to look at; the app still works
    assert answer["details"] == {
        "jobs_waiting": 1,
        "oldest_waiting_seconds": 0.0,
        "jobs_running": 0,
        "jobs_failed": 1,
        "workers_alive": 1,
        "schedulers_alive": 1,
    }
    web_only.clock.advance(seconds=30)
    a_worker_beats(web_only)
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


def test_a_web_process_is_not_ok_without_a_worker_or_a_scheduler_alive(
    web_only: RunningApp,  # noqa: F811
) -> None:
    assert health(web_only)[1]["status"] == "no worker alive"  # no worker has ever beaten
    a_worker_beats(web_only, "w1", scheduler_running=False)
    status, answer = health(web_only)
    assert (status, answer["status"]) == (503, "no scheduler alive")
    assert (answer["details"]["workers_alive"], answer["details"]["schedulers_alive"]) == (1, 0)
    a_worker_beats(web_only, "w2", scheduler_running=True)
    assert health(web_only)[0] == 200
    web_only.clock.advance(seconds=20)  # both stopped beating: killed, or their machine is gone
    a_worker_beats(web_only, "w1", scheduler_running=False)
    assert health(web_only)[1]["status"] == "no scheduler alive"
    web_only.clock.advance(seconds=20)
    assert health(web_only)[:1] == (503,)
    assert health(web_only)[1]["status"] == "no worker alive"
