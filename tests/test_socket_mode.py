"""Socket Mode: `python app.py` with SLACK_APP_TOKEN set, against a fake Slack and its WebSocket."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.fake_slack import FakeSlack
from tests.support.fake_socket_mode import FakeSocketMode
from tests.support.signing import SlackClient
from tests.test_startup import base_env, free_port, launch, stop_app, wait_for_health

APP_TOKEN = "xapp-1-A1-socket-secret"


def start_socket_mode_app(tmp_path: Path, slack: FakeSlack, port: int = 0) -> subprocess.Popen:
    env = {
        **base_env(tmp_path),
        "SLACK_BOT_TOKEN": "xoxb-live-token",
        "SLACK_APP_TOKEN": APP_TOKEN,  # no SLACK_SIGNING_SECRET: Socket Mode does not need it
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'brm.db'}",
        "PORT": str(port or free_port()),  # where the health check is answered
    }
    return launch(env)


@dataclass
class Connected:
    slack: FakeSlack
    socket_mode: FakeSocketMode
    process: subprocess.Popen
    port: int  # the health check's
    output: str = ""  # what the app printed, once it stopped


@contextmanager
def socket_mode_app(tmp_path: Path) -> Iterator[Connected]:
    """The app started in Socket Mode and connected; stopped with SIGTERM when the block ends."""
    with FakeSlack() as slack, FakeSocketMode() as socket_mode:
        slack.add_user("U1", tz="America/Chicago")
        socket_mode.serve_on(slack)
        port = free_port()
        connected = Connected(slack, socket_mode, start_socket_mode_app(tmp_path, slack, port), port)
        try:
            socket_mode.wait_connected()
            yield connected
        finally:
            connected.output = stop_app(connected.process)


def slash_command(slack: FakeSlack, text: str, response_name: str) -> dict[str, str]:
    """The payload Slack puts in a `slash_commands` envelope: the same fields as over HTTP."""
    return {
        "token": "unused-in-socket-mode",
        "team_id": "T1",
        "team_domain": "t1",
        "channel_id": "C1",
        "channel_name": "general",
        "user_id": "U1",
        "user_name": "jane",
        "command": "/brm",
        "text": text,
        "api_app_id": "A1",
        "is_enterprise_install": "false",
        "response_url": slack.response_url(response_name),
        "trigger_id": "1.2.socket",
    }


def test_a_command_over_socket_mode_is_acknowledged_and_answered(tmp_path: Path) -> None:
    with socket_mode_app(tmp_path) as app:
        text = "log DMV call about renewals, tense. follow up in 2 weeks"
        envelope = app.socket_mode.send_slash_command(slash_command(app.slack, text, "first"))
        ack = app.socket_mode.wait_for_ack(envelope)
        assert ack.seconds < 1.0  # Slack allows 3
        [reply] = app.slack.wait_for_response("first", timeout=10)
        assert "DMV" in json.dumps(reply.body)
        assert reply.body.get("response_type") == "ephemeral"
        [opened] = app.slack.calls_to("apps.connections.open")
    assert opened.token == APP_TOKEN
    assert APP_TOKEN not in app.output and "xoxb-live-token" not in app.output
    assert app.process.returncode == 0, app.output


def test_socket_mode_answers_health_checks_and_nothing_else_over_http(tmp_path: Path) -> None:
    with socket_mode_app(tmp_path) as app:
        assert wait_for_health(app.port)["status"] == "ok"
        # Bolt checks no signatures in Socket Mode: Slack's HTTP endpoint must not be there at all.
        client = SlackClient(f"http://127.0.0.1:{app.port}", "any-secret", app.slack)
        forged = client.command("log DMV call about renewals")
        assert forged.status == 404
    assert app.slack.responses == []
    assert app.process.returncode == 0, app.output


def test_bad_input_over_socket_mode_gets_help(tmp_path: Path) -> None:
    with socket_mode_app(tmp_path) as app:
        command = slash_command(app.slack, "frobnicate <!channel>", "bad")
        envelope = app.socket_mode.send_slash_command(command)
        app.socket_mode.wait_for_ack(envelope)
        [reply] = app.slack.wait_for_response("bad", timeout=10)
    shown = json.dumps(reply.body)
    assert "/brm log" in shown  # the help, with examples
    assert "<!channel>" not in shown
    assert app.process.returncode == 0, app.output


def test_a_refused_app_token_stops_the_app_with_one_line(tmp_path: Path) -> None:
    with FakeSlack() as slack, FakeSocketMode() as socket_mode:
        socket_mode.serve_on(slack)
        slack.fail_next("apps.connections.open", error="invalid_auth")
        process = start_socket_mode_app(tmp_path, slack)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 2, output
    [line] = [line for line in output.splitlines() if "cannot start" in line]
    assert "SLACK_APP_TOKEN" in line and "invalid_auth" in line
    assert "Traceback" not in output
    assert APP_TOKEN not in output
