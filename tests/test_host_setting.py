"""HOST chooses the address `python app.py` binds: a loopback-only server is not reached on the
machine's other addresses, and an address that is not this machine's stops the app in one line."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.support.fake_slack import FakeSlack
from tests.test_startup import ROOT, base_env, free_port, launch, stop_app, wait_for_health


def env_for(tmp_path: Path, slack: FakeSlack, port: int, host: str) -> dict[str, str]:
    return {
        **base_env(tmp_path),
        "SLACK_BOT_TOKEN": "xoxb-live-token",
        "SLACK_SIGNING_SECRET": "s",
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'brm.db'}",
        "PORT": str(port),
        "HOST": host,
    }


def other_address() -> str | None:
    """An address of this machine that is not loopback, or None when it has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks a route
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


def test_a_loopback_host_is_answered_there_only(tmp_path: Path) -> None:
    address = other_address()
    if address is None:
        pytest.skip("this machine has no address besides loopback to check against")
    with FakeSlack() as slack:
        port = free_port()
        process = launch(env_for(tmp_path, slack, port, "127.0.0.1"))
        try:
            assert wait_for_health(port)["status"] == "ok"
            with pytest.raises(OSError):
                urllib.request.urlopen(f"http://{address}:{port}/healthz", timeout=2)
        finally:
            output = stop_app(process)
    assert f"serving Slack on http://127.0.0.1:{port}/slack/events" in output


def test_a_host_that_is_not_this_machines_stops_the_app_in_one_line(tmp_path: Path) -> None:
    with FakeSlack() as slack:
        env = env_for(tmp_path, slack, free_port(), "192.0.2.55")  # TEST-NET-1: no machine has it
        result = subprocess.run(
            [sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
    assert result.returncode == 2, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "cannot start" in line]
    assert (
        line == "brm-bot cannot start: HOST=192.0.2.55 is not an address of this machine; unset HOST for all"
    )
    assert "Traceback" not in result.stderr
