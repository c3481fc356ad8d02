"""A port already in use stops `python app.py` with one line, as a bad setting does."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from tests.support.fake_slack import FakeSlack
from tests.test_startup import ROOT, base_env


def test_a_port_in_use_stops_the_app_with_one_line_and_never_says_serving(tmp_path: Path) -> None:
    with FakeSlack() as slack, socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            **base_env(tmp_path),
            "SLACK_BOT_TOKEN": "xoxb-live-token",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": slack.url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'brm.db'}",
            "PORT": str(port),
        }
        result = subprocess.run(
            [sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
    assert result.returncode == 2, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "cannot start" in line]
    assert line == (
        f"brm-bot cannot start: port {port} is in use by another program; "
        "stop that program or set PORT to a free port"
    )
    assert "Traceback" not in result.stderr + result.stdout
    assert "serving Slack" not in result.stderr + result.stdout
    # The worker process had started; it was stopped, not left behind.
    assert "stopping: finishing the work in flight" in result.stderr
