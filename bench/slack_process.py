"""The fake Slack in a process of its own, for benchmarks.

Run in the load generator's own process, the fake's work (answering users.info, recording every
reply posted to a response_url) competes for that process's interpreter lock with the threads that
time the acks, and the app that sends replies looks slower than a bare app that sends none. Out
here it is, like Slack itself, somebody else's computer.

    python -m bench.slack_process '[["U1", "America/New_York", "jane"]]'

prints the fake's base URL on its first line and serves until its standard input closes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from typing import Any

from tests.support.fake_slack import FakeSlack


@dataclass(frozen=True)
class Reply:
    name: str
    at: float
    body: dict[str, Any]


class RemoteFakeSlack:
    """The parts of FakeSlack a benchmark uses, with the fake running in a child process."""

    def __init__(self, users: list[tuple[str, str, str]]) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.slack_process", json.dumps(users)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.base = self._process.stdout.readline().strip()
        if not self.base.startswith("http://127.0.0.1:"):
            self.close()
            raise RuntimeError("the fake Slack process did not start")
        self.url = f"{self.base}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.base}/response/{name}"

    @property
    def responses(self) -> list[Reply]:
        with urllib.request.urlopen(f"{self.base}/_fake/responses", timeout=30) as answer:
            return [Reply(**post) for post in json.loads(answer.read())]

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def __enter__(self) -> RemoteFakeSlack:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def main() -> None:
    with FakeSlack() as fake:
        for user_id, tz, name in json.loads(sys.argv[1]):
            fake.add_user(user_id, tz=tz, name=name, real_name=name.title())
        print(fake.base, flush=True)
        sys.stdin.read()  # until the benchmark closes our input (or exits)


if __name__ == "__main__":
    main()
