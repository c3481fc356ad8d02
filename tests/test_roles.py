"""Roles and migrations: web and worker processes apart, on one PostgreSQL, started together on an
empty database; and migrations that never race."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import new_postgres_database
from tests.support.fake_slack import FakeSlack
from tests.support.signing import SlackClient
from tests.test_startup import ROOT, base_env, free_port, wait_for_health


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    """A PostgreSQL database with nothing in it, dropped afterwards."""
    with new_postgres_database("brm_roles") as url:
        yield url


def environment(tmp_path: Path, slack: FakeSlack, database_url: str, **more: str) -> dict[str, str]:
    return {
        **base_env(tmp_path),
        "SLACK_BOT_TOKEN": "xoxb-live-token",
        "SLACK_SIGNING_SECRET": "s",
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": database_url,
        **more,
    }


def start(env: dict[str, str], *arguments: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "app.py", *arguments],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.postgres
def test_web_worker_and_all_started_together_on_an_empty_database_all_come_up_and_work(
    tmp_path: Path, empty_postgres: str
) -> None:
    with FakeSlack() as slack:
        slack.add_user("U1", tz="America/Chicago")
        web_port, all_port = free_port(), free_port()
        processes = [
            start(environment(tmp_path, slack, empty_postgres, PORT=str(web_port), BRM_ROLE="web")),
            start(environment(tmp_path, slack, empty_postgres), "--role", "worker"),
            start(environment(tmp_path, slack, empty_postgres, PORT=str(all_port))),
        ]
        try:
            web_health = wait_for_health(web_port)
            all_health = wait_for_health(all_port)
            assert web_health["status"] == "ok" and "worker_process" not in web_health["details"]
            assert all_health["details"]["worker_process"] == "ready"
            # The web process runs no jobs: a worker (either one) answers its command.
            sent = SlackClient(f"http://127.0.0.1:{web_port}", "s", slack).command(
                "log DMV call about renewals"
            )
            assert sent.status == 200
            [reply] = slack.wait_for_response(sent.response_name, timeout=30)
            assert "DMV" in json.dumps(reply.body)
            assert [process.poll() for process in processes] == [None, None, None]
        finally:
            for process in processes:
                process.terminate()
            outputs = [process.communicate(timeout=60)[0] for process in processes]
    for process, output in zip(processes, outputs, strict=True):
        assert process.returncode == 0, output
        assert "Traceback" not in output, output
    assert "worker" in outputs[1] and "started with 4 threads" in outputs[1]


def test_migrations_started_together_on_an_empty_sqlite_file_all_succeed(tmp_path: Path) -> None:
    with FakeSlack() as slack:
        env = environment(tmp_path, slack, f"sqlite:///{tmp_path / 'fresh.db'}")
        processes = [start(env, "migrate") for _ in range(3)]
        outputs = [process.communicate(timeout=120)[0] for process in processes]
    for process, output in zip(processes, outputs, strict=True):
        assert process.returncode == 0, output
        assert "the schema is current" in output


@pytest.mark.postgres
def test_migrations_started_together_on_an_empty_postgres_database_all_succeed(
    tmp_path: Path, empty_postgres: str
) -> None:
    with FakeSlack() as slack:
        env = environment(tmp_path, slack, empty_postgres)
        processes = [start(env, "--migrate-only") for _ in range(3)]
        outputs = [process.communicate(timeout=120)[0] for process in processes]
    for process, output in zip(processes, outputs, strict=True):
        assert process.returncode == 0, output
