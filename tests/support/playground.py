"""`python app.py` as a newcomer runs it, with no Slack settings: the playground, on a free port.

with started_playground(tmp_path) as playground:
    urllib.request.urlopen(playground.url)
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
READY = re.compile(r"the playground is ready: open (http://127\.0\.0\.1:\d+)/ in a browser")


@dataclass
class Playground:
    process: subprocess.Popen
    url: str = ""  # the address the log line gave, e.g. http://127.0.0.1:40123
    lines: list[str] = field(default_factory=list)  # what it printed (both streams), so far

    @property
    def output(self) -> str:
        return "".join(self.lines)


def no_slack_env() -> dict[str, str]:
    """The environment with every Slack and database setting taken out, as on a fresh machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_", "BRM_"))}
    env["PYTHONPATH"] = str(ROOT)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def started_playground(
    *arguments: str, env: dict[str, str] | None = None, timeout: float = 60
) -> Iterator[Playground]:
    """`python app.py ARGUMENTS` until its log says where the playground is; stopped with SIGTERM after."""
    env = {**(env or no_slack_env()), "PORT": str(free_port())}
    process = subprocess.Popen(
        [sys.executable, "app.py", *arguments],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    playground = Playground(process)
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            playground.lines.append(line)
            found = READY.search(line)
            if found:
                playground.url = found.group(1)
                ready.set()
        ready.set()  # the process ended: stop waiting

    reader = threading.Thread(target=read, name="playground-output", daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + timeout
        while not ready.wait(0.1):
            if time.monotonic() > deadline:
                raise AssertionError(f"the playground did not start in {timeout}s:\n{playground.output}")
        if not playground.url:
            raise AssertionError(f"the playground stopped before it was ready:\n{playground.output}")
        yield playground
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=5)
