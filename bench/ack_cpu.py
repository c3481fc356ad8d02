"""The CPU an acknowledgement costs in process, brm-bot next to the bare app, with no HTTP server.

    python -m bench.ack_cpu [--requests 3000] [--threads 10] [--database sqlite|postgresql] [--rounds 3]

bench/ack_latency.py measures over HTTP, where waitress, the client and (role all) the worker share
the machine with the app and move the figures a lot. This calls each app's WSGI callable directly
from `--threads` threads with the same signed `/brm log` commands: brm-bot as app.py builds it
for role web (`app.build_app`, every acknowledgement committing its job, nothing running them) and
the bare app behind the same door (`bench.bare_app`). It prints the process's CPU time (user and
system) and the wall time per command, and the latency p50/p99 of one call, for each app, taking
turns for `--rounds` rounds so that a change in the machine's speed falls on both.

The apps' Web API calls (auth.test, users.info) go to a fake Slack in this process. PostgreSQL: a
database is created for the run on the server named by BRM_BENCH_POSTGRES_URL and dropped afterwards.
Figures from one run on one machine, not a test.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from app import SLACK_EVENTS_PATH, build_app
from bench.ack_latency import SIGNING_SECRET, USERS, database, percentile, prepare_commands
from bench.bare_app import build_bare_app
from settings import load_settings
from storage.db import make_engine, migrate
from tests.support.fake_slack import FakeSlack
from web.http_door import SlackDoor

WARMUP = 50
WsgiCallable = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def environ_for(body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    """The WSGI environ waitress would hand the app for this POST."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": SLACK_EVENTS_PATH,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "3000",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    return environ


def run_round(
    app: WsgiCallable, requests: list[tuple[bytes, dict[str, str]]], threads: int
) -> dict[str, Any]:
    """Call `app` once for each request from `threads` threads; CPU and wall per call, latencies."""
    statuses: list[str] = []
    latencies: list[float] = []
    pending = iter(requests)
    lock = threading.Lock()

    def start_response(status: str, _headers: list[Any], _exc_info: Any = None) -> None:
        statuses.append(status)

    def work() -> None:
        while True:
            with lock:
                request = next(pending, None)
            if request is None:
                return
            environ = environ_for(*request)
            started = time.perf_counter()
            b"".join(app(environ, start_response))
            latencies.append(time.perf_counter() - started)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    before, wall_before = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    after, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - wall_before
    refused = [status for status in statuses if not status.startswith("200")]
    if refused:
        raise RuntimeError(f"{len(refused)} commands were not acknowledged: {refused[:3]}")
    count = len(requests)
    return {
        "user": (after.ru_utime - before.ru_utime) / count,
        "system": (after.ru_stime - before.ru_stime) / count,
        "wall": wall / count,
        "latencies": latencies,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="commands per app and round")
    parser.add_argument("--threads", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=open(os.devnull, "w"))  # noqa: SIM115
    with FakeSlack() as slack, tempfile.TemporaryDirectory(prefix="brm-bench-") as tmp:
        for user_id, tz, name in USERS:
            slack.add_user(user_id, tz=tz, name=name)
        with database(arguments.database, Path(tmp)) as url:
            migrate(make_engine(url))
            settings = load_settings(
                {
                    "SLACK_BOT_TOKEN": "xoxb-bench-token",
                    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                    "SLACK_API_URL": slack.url,
                    "DATABASE_URL": url,
                },
                dotenv=False,
            )
            brm = build_app(settings, run_jobs_here=False)
            apps: dict[str, WsgiCallable] = {
                "brm": brm.wsgi(),
                "bare": SlackDoor(build_bare_app(settings), SIGNING_SECRET, path=SLACK_EVENTS_PATH),
            }
            results: dict[str, list[dict[str, Any]]] = {name: [] for name in apps}
            try:
                for name, app in apps.items():  # warm-up: the first auth.test and users.info
                    run_round(app, commands(slack, WARMUP, f"warm-{name}"), arguments.threads)
                for round_number in range(arguments.rounds):
                    for name, app in apps.items():
                        batch = commands(slack, arguments.requests, f"{name}-{round_number}")
                        results[name].append(run_round(app, batch, arguments.threads))
            finally:
                brm.close()
    print(report(results, arguments))
    return 0


def commands(slack: FakeSlack, count: int, label: str) -> list[tuple[bytes, dict[str, str]]]:
    return [(prepared.body, prepared.headers) for prepared in prepare_commands(slack, count, label)]


def report(results: dict[str, list[dict[str, Any]]], arguments: argparse.Namespace) -> str:
    lines = [
        f"/brm log acknowledged in process: {arguments.requests} commands an app and round, "
        f"{arguments.threads} threads, {arguments.rounds} rounds, database {arguments.database}, "
        f"1-minute load average {os.getloadavg()[0]:.2f}",
        "",
        "| app | round | CPU/ack (user + system) | wall/ack | p50 | p99 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, rounds in results.items():
        for number, result in enumerate(rounds, start=1):
            cpu = (result["user"] + result["system"]) * 1000
            latencies = result["latencies"]
            lines.append(
                f"| {name} | {number} | {cpu:.3f} ms ({result['user'] * 1000:.3f} + "
                f"{result['system'] * 1000:.3f}) | {result['wall'] * 1000:.3f} ms | "
                f"{percentile(latencies, 50) * 1000:.2f} ms | {percentile(latencies, 99) * 1000:.2f} ms |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
