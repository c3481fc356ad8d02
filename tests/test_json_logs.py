"""`brm-bot serve` with LOG_FORMAT=json: every line of both processes (web and worker) is one JSON
object, each handled request has its line (workspace, user, surface, subcommand, outcome, duration),
and what people typed is not in the log at INFO. HOST chooses the address bound."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from tests.support.cli import launch_brm_bot
from tests.support.fake_slack import FakeSlack
from tests.support.signing import SlackClient
from tests.test_startup import base_env, free_port, stop_app, wait_for_health

# Words only the person typed: none may reach the log at INFO.
TYPED = ("Quokkaville", "cantaloupe", "Zebrafish", "papaya")


def test_json_logs_one_object_per_line_a_line_per_request_and_no_typed_words(tmp_path: Path) -> None:
    with FakeSlack() as slack:
        slack.add_user("U1", tz="America/Chicago")
        port = free_port()
        env = {
            **base_env(tmp_path),
            "SLACK_BOT_TOKEN": "xoxb-live-token",
            "SLACK_SIGNING_SECRET": "json-signing-secret",
            "SLACK_API_URL": slack.url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'brm.db'}",
            "PORT": str(port),
            "HOST": "127.0.0.1",
            "LOG_FORMAT": "json",
        }
        process = launch_brm_bot(["serve"], env, tmp_path)
        try:
            wait_for_health(port)
            client = SlackClient(f"http://127.0.0.1:{port}", "json-signing-secret", slack)
            sent = [
                client.command("log Quokkaville met Jane about the cantaloupe outage. follow up Friday"),
                client.command("Zebrafish papaya"),  # no such subcommand: its first word is the person's
                client.command("close #12 cantaloupe"),  # refused: no issue #12
            ]
            for request in sent:
                assert request.status == 200
                slack.wait_for_response(request.response_name, timeout=15)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
                assert b"brm_slack_requests_total" in response.read()
        finally:
            output = stop_app(process)
    assert process.returncode == 0, output
    lines = [json.loads(line) for line in output.splitlines()]  # each line parses on its own
    assert {line["process"] for line in lines} == {"web", "worker"}
    handled = [line for line in lines if line["logger"] == "brm.requests"]
    assert [(h["surface"], h["subcommand"], h["outcome"]) for h in handled] == [
        ("command", "log", "ok"),
        ("command", "unknown", "ok"),
        ("command", "close", "ok"),
    ]
    assert all(h["workspace"] == "T1" and h["user_id"] == "U1" and h["duration_ms"] >= 0 for h in handled)
    info = "\n".join(json.dumps(line) for line in lines if line["level"] in ("INFO", "WARNING", "ERROR"))
    assert [word for word in TYPED if word.lower() in info.lower()] == []
    assert "xoxb-live-token" not in output and "json-signing-secret" not in output
    assert any(f"http://127.0.0.1:{port}/slack/events" in line["message"] for line in lines)
