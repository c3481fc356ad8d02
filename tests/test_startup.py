"""Starting the app as an operator does: `python app.py`, configured from the environment."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.fake_slack import FakeSlack
from tests.support.playground import started_playground
from tests.support.signing import SlackClient

ROOT = Path(__file__).resolve().parent.parent


def run_app(env: dict[str, str], timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def base_env(tmp_path: Path) -> dict[str, str]:
    # An empty working directory, so no .env file of the developer's is read.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_"))}
    env["PYTHONPATH"] = str(ROOT)
    return env


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PORT": "http"}, "PORT"),
    ],
)
def test_a_bad_setting_stops_the_app_with_one_line(tmp_path: Path, settings: dict, named: str) -> None:
    result = run_app({**base_env(tmp_path), **settings})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0] and "Traceback" not in result.stderr


def test_with_no_slack_settings_the_app_serves_the_playground_on_loopback() -> None:
    # A fresh machine: no Slack or database setting at all, `python app.py` and nothing else.
    with started_playground() as playground:
        assert playground.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(playground.url + "/", timeout=10) as page:
            assert page.status == 200 and b"brm-bot playground" in page.read()
        with urllib.request.urlopen(playground.url + "/healthz", timeout=10) as health:
            assert json.loads(health.read())["status"] == "ok"
        folder = re.search(r"its records are kept in (\S+) until it stops", playground.output)
        assert folder and Path(folder.group(1)).is_dir()
    assert playground.process.returncode == 0, playground.output
    assert "Traceback" not in playground.output
    assert not Path(folder.group(1)).exists(), "the playground's records go when it stops"


def test_the_playground_is_not_on_the_slack_path(tmp_path: Path) -> None:
    # Serving Slack imports the app and its listeners; nothing of the playground comes with them.
    check = (
        "import sys, app, handlers; print(sorted(m for m in sys.modules if m.split('.')[0] == 'playground'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", check],
        cwd=ROOT,
        env=base_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("option", ["--playground", "--demo"])
def test_real_slack_settings_win_over_the_playground(tmp_path: Path, option: str) -> None:
    env = {**base_env(tmp_path), "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    result = subprocess.run(
        [sys.executable, "app.py", option], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SLACK_BOT_TOKEN" in lines[0] and "playground" in lines[0], result.stderr


def test_a_refused_token_stops_the_app_with_one_line(tmp_path: Path) -> None:
    with FakeSlack() as slack:
        slack.fail_next("auth.test", error="invalid_auth")
        env = {
            **base_env(tmp_path),
            "SLACK_BOT_TOKEN": "xoxb-revoked",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": slack.url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'brm.db'}",
        }
        result = run_app(env)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr and "invalid_auth" in result.stderr
    assert "Traceback" not in result.stderr
    assert "xoxb-revoked" not in result.stderr + result.stdout


def start_app(
    tmp_path: Path, slack: FakeSlack, port: int, database_url: str | None = None
) -> subprocess.Popen:
    """`python app.py` configured as an operator would, talking to the fake Slack."""
    env = {
        **base_env(tmp_path),
        "SLACK_BOT_TOKEN": "xoxb-live-token",
        "SLACK_SIGNING_SECRET": "s",
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'brm.db'}",
        "PORT": str(port),
    }
    return launch(env)


def launch(env: dict[str, str], *, own_group: bool = False) -> subprocess.Popen:
    """`python app.py` with exactly this environment, its output (both streams) on a pipe;
    `own_group`: in a process group of its own, as systemd starts it."""
    return subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=own_group,
    )


def stop_app(process: subprocess.Popen) -> str:
    process.terminate()
    # The worker process shares this pipe: reading to its end proves the worker stopped too.
    output, _ = process.communicate(timeout=30)
    return output


@dataclass
class Served:
    """`python app.py` running against a fake Slack; `output` is what it printed, once it stopped."""

    slack: FakeSlack
    process: subprocess.Popen
    client: SlackClient
    health: dict
    output: str = ""
    port: int = 0


@contextmanager
def served_app(tmp_path: Path) -> Iterator[Served]:
    """The app started, healthy, and stopped with SIGTERM when the block ends."""
    with FakeSlack() as slack:
        slack.add_user("U1", tz="America/Chicago")
        port = free_port()
        process = start_app(tmp_path, slack, port)
        served = Served(slack, process, SlackClient(f"http://127.0.0.1:{port}", "s", slack), {}, port=port)
        try:
            served.health = wait_for_health(port)
            yield served
        finally:
            served.output = stop_app(process)


def test_the_app_serves_slack_and_health_checks(tmp_path: Path) -> None:
    with served_app(tmp_path) as app:
        assert app.health["status"] == "ok"
        assert app.health["details"]["worker_process"] == "ready"
        assert app.health["details"]["jobs_failed"] == 0
        sent = app.client.command("log DMV call about renewals")
        assert sent.status == 200
        [reply] = app.slack.wait_for_response(sent.response_name, timeout=10)
        assert "DMV" in json.dumps(reply.body)
        # Every Web API call went to SLACK_API_URL: the fake saw auth.test and users.info.
        assert {call.method for call in app.slack.calls} >= {"auth.test", "users.info"}
    assert "xoxb-live-token" not in app.output
    assert app.process.returncode == 0, app.output
    assert "stopping: finishing the work in flight" in app.output and app.output.rstrip().endswith("stopped")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(port: int, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                return json.loads(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_nudges_that_came_due_while_the_app_was_down_go_out_when_it_starts(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from bot.clock import FrozenClock
    from bot.recording import Origin, record_log
    from storage.db import Database, migrate

    # The real process below reads the wall clock, so the records are written ten days before it.
    ten_days_ago = datetime.now(UTC) - timedelta(days=10)
    database_url = f"sqlite:///{tmp_path / 'brm.db'}"
    db = Database.from_url(database_url, clock=FrozenClock(ten_days_ago))
    migrate(db.engine)
    with db.workspace("T1") as session:
        receipt = record_log(
            session,
            text="DMV call. not working: portal login fails. follow up in 2 days",
            origin=Origin(actor_id="U1", channel_id="C1"),
            tz=ZoneInfo("America/New_York"),
            now=ten_days_ago,
        )
    db.dispose()
    [issue] = receipt.issues

    with FakeSlack() as slack:
        slack.add_user("U1", tz="America/New_York")
        process = start_app(tmp_path, slack, free_port(), database_url)
        try:
            [post] = slack.wait_for("chat.postMessage", timeout=30)
        finally:
            output = stop_app(process)
    assert post.params["channel"] == "C1"
    assert "portal login fails" in json.dumps(post.params)
    assert f"#{issue.number}" in json.dumps(post.params)
    assert process.returncode == 0, output
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_a_worker_that_dies_is_replaced_and_commands_still_get_answers(tmp_path: Path) -> None:
    with served_app(tmp_path) as app:
        first = app.client.command("log DMV call about renewals")
        app.slack.wait_for_response(first.response_name, timeout=10)

        [worker] = _children(app.process.pid)
        os.kill(worker, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while _children(app.process.pid) in ([], [worker]) and time.monotonic() < deadline:
            time.sleep(0.1)
        [replacement] = _children(app.process.pid)
        assert replacement != worker
        assert wait_for_health(app.port)["status"] == "ok"  # once the new worker takes jobs

        second = app.client.command("log DOT call about bridges")
        assert second.status == 200 and second.elapsed < 1.0
        [reply] = app.slack.wait_for_response(second.response_name, timeout=10)
        assert "DOT" in json.dumps(reply.body)
    assert "the worker process died" in app.output
    assert app.process.returncode == 0, app.output


def test_commands_in_flight_when_the_worker_dies_are_finished_by_the_next_one(tmp_path: Path) -> None:
    with served_app(tmp_path) as app:
        app.slack.latency = 1.0  # every Slack call is slow: the jobs are mid-way when the worker dies
        sent = [app.client.command(f"log DMV call number {n} about renewals") for n in range(3)]
        time.sleep(0.5)
        [worker] = _children(app.process.pid)
        os.kill(worker, signal.SIGKILL)
        for n, command in enumerate(sent):
            [reply] = app.slack.wait_for_response(command.response_name, timeout=30)
            assert f"number {n}" in json.dumps(reply.body)
    # The new worker saw that the holder of the job in flight (one person's jobs run one at a time)
    # is gone, and took it at once, not a lease later.
    assert "1 jobs of a worker that is gone" in app.output
    assert app.process.returncode == 0, app.output


def test_one_persons_commands_run_in_the_order_they_were_sent(tmp_path: Path) -> None:
    # Sent milliseconds apart, the two jobs reach the worker together; the show must wait for the log.
    with served_app(tmp_path) as app:
        app.slack.latency = 0.3  # both jobs first wait for Slack; then the show is quicker than the log
        long_story = "about the renewal backlog, the fee table and the field offices " * 40
        logged = app.client.command(f"log DMV call {long_story}. not working: printer toner runs dry")
        shown = app.client.command("show #1")
        app.slack.wait_for_response(logged.response_name, timeout=10)
        [card] = app.slack.wait_for_response(shown.response_name, timeout=10)
    assert "Issue #1: printer toner runs dry" in json.dumps(card.body), card.body


def test_commands_acknowledged_just_before_a_stop_still_get_their_replies(tmp_path: Path) -> None:
    # Their jobs are still on their way to the worker, or held there while the burst lasts.
    with served_app(tmp_path) as app:
        sent = [app.client.command(f"log DMV call number {n} about renewals") for n in range(5)]
        assert [command.status for command in sent] == [200] * 5
    for n, command in enumerate(sent):
        [reply] = app.slack.response_posts(command.response_name)
        assert f"number {n}" in json.dumps(reply.body)
    assert app.process.returncode == 0, app.output


def _children(pid: int) -> list[int]:
    """The processes `pid` started (Linux /proc), without the multiprocessing resource tracker."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(child) for child in (task / "children").read_text().split()]
    return [
        child for child in children if "resource_tracker" not in Path(f"/proc/{child}/cmdline").read_text()
    ]
