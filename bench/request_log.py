"""What the request log and metrics cost each Slack request: `ObservedApp` next to a plain Bolt
`App`, both dispatching the same signed-and-parsed `/brm` commands to a listener that only acks, in
the same run.

    python -m bench.request_log [--requests 20000] [--format text|json]

Both apps are built the way app.py builds brm-bot's (`process_before_response=True`, no signature
check inside Bolt: the door does it before), the log goes through the production handler
(`logs.configure_logging`: the redaction filter and the chosen format) into /dev/null, so formatting
and writing the line are counted, the terminal is not. The apps are run in turns of 1,000 requests,
alternating, so a change in the machine's load falls on both. Prints per-request p50/p99/mean for
each and the difference. Figures from one run on one machine, not a test.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from urllib.parse import urlencode

from slack_bolt import Ack, App, BoltRequest
from slack_sdk import WebClient

import handlers  # noqa: F401 - every subcommand registered, as in the app
from handlers.request_log import ObservedApp
from logs import configure_logging
from tests.support.fake_slack import FakeSlack

ROUNDS = 1000


def build(kind: type[App], slack_url: str) -> App:
    app = kind(
        # Bolt checks the token once with auth.test, answered by the fake Slack on loopback.
        client=WebClient(token="xoxb-bench", base_url=slack_url),
        signing_secret="bench",
        token_verification_enabled=False,
        request_verification_enabled=False,
        process_before_response=True,
    )

    @app.command("/brm")
    def only_ack(ack: Ack) -> None:
        ack()

    return app


def command_request(number: int) -> BoltRequest:
    body = urlencode(
        {
            "command": "/brm",
            "text": f"log DMV call number {number} about renewals",
            "team_id": "T1",
            "user_id": "U1",
            "channel_id": "C1",
            "response_url": "https://hooks.slack.com/commands/T1/1/x",
            "trigger_id": f"1.{number}",
        }
    )
    return BoltRequest(body=body, headers={"content-type": ["application/x-www-form-urlencoded"]})


def timed(app: App, requests: list[BoltRequest]) -> list[float]:
    seconds = []
    for request in requests:
        started = time.perf_counter()
        response = app.dispatch(request)
        seconds.append(time.perf_counter() - started)
        assert response.status == 200, response.body
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    arguments = parser.parse_args(argv)
    configure_logging("INFO", log_format=arguments.format)
    devnull = open(os.devnull, "w")  # noqa: SIM115 - the log's stream for the whole run
    for handler in logging.getLogger().handlers:
        handler.setStream(devnull)  # type: ignore[attr-defined]
    with FakeSlack() as slack:
        apps = {"plain Bolt App": build(App, slack.url), "ObservedApp": build(ObservedApp, slack.url)}
        results: dict[str, list[float]] = {name: [] for name in apps}
        for app in apps.values():  # warm-up, unmeasured (and the one auth.test)
            timed(app, [command_request(n) for n in range(200)])
        for start in range(0, arguments.requests, ROUNDS):
            batch = [command_request(n) for n in range(start, min(start + ROUNDS, arguments.requests))]
            for name, app in apps.items():
                results[name] += timed(app, batch)
    load = os.getloadavg()[0]
    print(f"{arguments.requests} /brm commands each, log format {arguments.format}, load average {load:.1f}")
    print("| app | p50 | p99 | mean |")
    print("|---|---:|---:|---:|")
    for name, seconds in results.items():
        p99 = statistics.quantiles(seconds, n=100)[98]
        p50, mean = statistics.median(seconds), statistics.mean(seconds)
        print(f"| {name} | {p50 * 1e6:.0f} µs | {p99 * 1e6:.0f} µs | {mean * 1e6:.0f} µs |")
    plain, observed = (statistics.mean(results[name]) for name in apps)
    print(f"request log and metrics: {(observed - plain) * 1e6:+.0f} µs per request on average")
    return 0


if __name__ == "__main__":
    sys.exit(main())
