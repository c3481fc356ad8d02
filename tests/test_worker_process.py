"""Nothing acknowledged is lost: real `python app.py` processes killed and stopped mid-burst, on
SQLite and PostgreSQL. Every command Slack got a 200 for is recorded once and answered once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlmodel import select

from storage.db import Database
from storage.models import Interaction
from tests.support.fake_slack import FakeSlack
from tests.support.signing import Sent, SlackClient
from tests.test_startup import _children, base_env, free_port, launch, wait_for_health

BURST = 20


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as slack:
        slack.add_user("U1", tz="America/Chicago")
        yield slack


def database_url(database: Database) -> str:
    return database.engine.url.render_as_string(hide_password=False)


@contextmanager
def app_processes(tmp_path: Path, slack: FakeSlack, url: str, port: int) -> Iterator[subprocess.Popen]:
    """`python app.py` in a process group of its own (as systemd starts it), healthy."""
    env = {
        **base_env(tmp_path),
        "SLACK_BOT_TOKEN": "xoxb-live-token",
        "SLACK_SIGNING_SECRET": "s",
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": url,
        "PORT": str(port),
    }
    process = launch(env, own_group=True)
    try:
        wait_for_health(port)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)


def send_burst(client: SlackClient, count: int) -> list[Sent]:
    """`count` commands from 5 senders at once; only those acknowledged with a 200 are returned."""
    acknowledged: list[Sent] = []
    lock = threading.Lock()

    def sender(numbers: range) -> None:
        for n in numbers:
            try:
                sent = client.command(f"log DMV call number {n} about renewals")
            except OSError:
                continue  # never acknowledged: Slack would tell the person it failed
            if sent.status == 200:
                with lock:
                    acknowledged.append(sent)

    threads = [threading.Thread(target=sender, args=(range(k, count, 5),)) for k in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return acknowledged


def assert_each_recorded_and_answered_once(database: Database, slack: FakeSlack, sent: list[Sent]) -> None:
    for command in sent:
        slack.wait_for_response(command.response_name, timeout=60)
    time.sleep(1.0)  # a second answer, if there were one, would have come by now
    with database.workspace("T1") as session:
        summaries = [row.summary for row in session.exec(select(Interaction))]
    for command in sent:
        text = command.payload["text"].removeprefix("log DMV ")
        number = text.split("number ")[1].split()[0]
        assert sum(f"number {number} " in summary for summary in summaries) == 1, (number, summaries)
        [reply] = slack.response_posts(command.response_name)
        assert f"number {number}" in json.dumps(reply.body)


@contextmanager
def mid_burst(
    tmp_path: Path, slack: FakeSlack, database: Database
) -> Iterator[tuple[subprocess.Popen, list[Sent]]]:
    """The app, with a burst of commands just acknowledged and the worker mid-way through them (every
    Slack call is slow); afterwards the app is started again, with a Slack at full speed."""
    port = free_port()
    slack.latency = 0.3
    with app_processes(tmp_path, slack, database_url(database), port) as process:
        sent = send_burst(SlackClient(f"http://127.0.0.1:{port}", "s", slack), BURST)
        assert len(sent) == BURST
        yield process, sent
    slack.latency = 0.0
    with app_processes(tmp_path, slack, database_url(database), port):
        assert_each_recorded_and_answered_once(database, slack, sent)


def test_sigkill_of_every_process_mid_burst_loses_nothing_after_a_restart(
    tmp_path: Path, fake_slack: FakeSlack, database: Database
) -> None:
    with mid_burst(tmp_path, fake_slack, database) as (process, sent):
        os.killpg(process.pid, signal.SIGKILL)  # the OOM killer, a host failure
        process.wait(timeout=10)
        answered_before = sum(bool(fake_slack.response_posts(c.response_name)) for c in sent)
        assert answered_before < BURST  # the kill really came mid-burst


def test_sigterm_to_the_process_group_mid_burst_exits_0_soon_and_loses_nothing(
    tmp_path: Path, fake_slack: FakeSlack, database: Database
) -> None:
    with mid_burst(tmp_path, fake_slack, database) as (process, _sent):
        stopped_at = time.monotonic()
        os.killpg(process.pid, signal.SIGTERM)  # what systemd does by default
        output, _ = process.communicate(timeout=60)
        took = time.monotonic() - stopped_at
        assert process.returncode == 0, output
        assert took < 30, output
        assert "Traceback" not in output, output


def test_sigkill_of_the_worker_alone_mid_burst_loses_nothing(
    tmp_path: Path, fake_slack: FakeSlack, database: Database
) -> None:
    with mid_burst(tmp_path, fake_slack, database) as (process, sent):
        [worker] = _children(process.pid)
        os.kill(worker, signal.SIGKILL)
        fake_slack.latency = 0.0
        assert_each_recorded_and_answered_once(database, fake_slack, sent)  # without a restart
        [replacement] = _children(process.pid)
        assert replacement != worker
