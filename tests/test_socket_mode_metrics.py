"""Socket Mode skips the HTTP door: its requests are logged and counted all the same, and the
health-check port serves /metrics."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

from tests.test_socket_mode import slash_command, socket_mode_app


def test_a_command_over_socket_mode_is_counted_and_logged(tmp_path: Path) -> None:
    with socket_mode_app(tmp_path) as app:
        envelope = app.socket_mode.send_slash_command(slash_command(app.slack, "log DMV call", "first"))
        app.socket_mode.wait_for_ack(envelope)
        app.slack.wait_for_response("first", timeout=15)
        with urllib.request.urlopen(f"http://127.0.0.1:{app.port}/metrics", timeout=5) as response:
            text = response.read().decode()
    assert 'brm_slack_requests_total{outcome="ok",surface="command"} 1.0' in text
    assert 'brm_ack_seconds_count{surface="command"} 1.0' in text
    [line] = [line for line in app.output.splitlines() if "brm.requests" in line]
    assert re.search(r"INFO brm\.requests: command log from U1 in T1: ok \(\d+\.\d ms\)$", line), line
