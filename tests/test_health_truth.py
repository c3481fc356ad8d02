"""`/healthz` tells the truth, and a worker that keeps dying is started again less and less often:
real `python app.py` processes."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.fake_slack import FakeSlack
from tests.test_startup import _children, base_env, free_port, launch


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as slack:
        slack.add_user("U1", tz="America/Chicago")
        yield slack


class Output:
    """What a running process prints, read as it comes (both streams)."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._reader.start()

    def _read(self, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.lines.append(line)

    def text(self) -> str:
        return "".join(self.lines)


@contextmanager
def running_app(tmp_path: Path, slack: FakeSlack, env: dict[str, str] | None = None) -> Iterator[tuple]:
    """`python app.py` on a SQLite file, answering health checks: (process, port, output, database path)."""
    port = free_port()
    path = tmp_path / "brm.db"
    process = launch(
        {
            **base_env(tmp_path),
            "SLACK_BOT_TOKEN": "xoxb-live-token",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": slack.url,
            "DATABASE_URL": f"sqlite:///{path}",
            "PORT": str(port),
            **(env or {}),
        },
        own_group=True,
    )
    output = Output(process)
    try:
        assert wait_until(lambda: answers(port), timeout=90), output.text()
        yield process, port, output, path
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def health(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as answer:
        return answer.code, json.loads(answer.read())


def answers(port: int) -> bool:
    try:
        health(port)
        return True
    except OSError:
        return False


def wait_until(condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_that_keeps_dying_is_restarted_less_and_less_often_and_health_says_so(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    with running_app(tmp_path, fake_slack) as (process, port, output, path):
        assert wait_until(lambda: health(port)[0] == 200, timeout=60)
        with sqlite3.connect(path) as connection:  # the database lost its schema
            connection.execute("DROP TABLE job")
        [worker] = _children(process.pid)
        os.kill(worker, signal.SIGKILL)
        waits = lambda: [float(w) for w in re.findall(r"it waited (\d+) s", output.text())]  # noqa: E731
        assert wait_until(lambda: len(waits()) >= 3, timeout=60), output.text()
        status, answer = health(port)
        assert status == 503 and answer["status"] == "database schema missing"
        assert waits()[:3] == [1.0, 2.0, 4.0]
        assert process.poll() is None  # the web process carries on, answering 503


def test_a_web_process_says_when_no_worker_is_alive_anywhere(tmp_path: Path, fake_slack: FakeSlack) -> None:
    with running_app(tmp_path, fake_slack, {"BRM_ROLE": "web"}) as (_web, port, _output, path):
        status, answer = health(port)
        assert (status, answer["status"]) == (503, "no worker alive")  # none has started yet
        worker_env = {
            **base_env(tmp_path),
            "SLACK_BOT_TOKEN": "xoxb-live-token",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": fake_slack.url,
            "DATABASE_URL": f"sqlite:///{path}",
            "BRM_ROLE": "worker",
        }
        worker = launch(worker_env, own_group=True)
        try:
            assert wait_until(lambda: health(port)[0] == 200, timeout=60)
            details = health(port)[1]["details"]
            assert (details["workers_alive"], details["schedulers_alive"]) == (1, 1)
            os.killpg(worker.pid, signal.SIGKILL)  # its machine is gone: no clean stop, no goodbye
            worker.wait(timeout=10)
            assert wait_until(lambda: health(port)[1]["status"] == "no worker alive", timeout=40)
            assert health(port)[0] == 503
            worker = launch(worker_env, own_group=True)  # another one comes up
            assert wait_until(lambda: health(port)[0] == 200, timeout=60)
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
            worker.communicate(timeout=30)
