"""How long a person waits for brm-bot's reply to `/brm log`, next to a bare app's reply, in one run.

    python -m bench.reply_latency [--database sqlite|postgresql] [--rate 20] [--seconds 30] [--burst 200]

People see replies, not acknowledgements. The reply latency is the time from sending the signed
command to its reply reaching the response_url on the fake Slack (run in a process of its own, the
arrival stamped there). Two loads, each against the real app (`python app.py`: the ack commits a
job, the worker process runs it and replies) and against `python -m bench.bare_app --reply` (it
acks and then posts a one-line reply from a thread: the least any app can do), served the same way:

- *steady*: `--rate` commands a second for `--seconds` seconds, from 10 senders, each command sent
  at its scheduled time whether or not earlier ones were answered (open loop, as a team types);
- *burst*: `--burst` commands from 10 senders as fast as each is acknowledged (closed loop).

Printed: p50/p99/max of the reply latency for both apps and brm-bot's PASS/MISS against the issue's
target (steady p99 <= 250 ms), with the machine's load average. Figures from one run, not a test.
The apps take turns, never loaded at the same time.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.ack_latency import (
    BOT_TOKEN,
    SIGNING_SECRET,
    USERS,
    Prepared,
    Target,
    database,
    free_port,
    ms,
    percentile,
    prepare_commands,
    running,
    send,
    send_all,
    wait_for_replies,
    wait_healthy,
)
from bench.slack_process import RemoteFakeSlack

SENDERS = 10
TARGET_STEADY_P99 = 0.250


@dataclass
class Load:
    name: str
    replies: list[float]  # seconds, command sent -> reply arrived
    sent: int
    not_acked: int

    @property
    def missing(self) -> int:
        return self.sent - self.not_acked - len(self.replies)


def steady(port: int, batch: list[Prepared], rate: float) -> dict[str, float]:
    """Send each command at its slot (`rate` a second) from SENDERS threads; the time each was sent."""
    sent_at: dict[str, float] = {}
    lock = threading.Lock()
    slots = iter(range(len(batch)))
    began = time.monotonic() + 0.2

    def sender() -> None:
        while True:
            with lock:
                index = next(slots, None)
            if index is None:
                return
            delay = began + index / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            request = batch[index]
            _send_timed(port, request, sent_at)

    _run_senders(sender)
    return sent_at


def _send_timed(port: int, request: Prepared, sent_at: dict[str, float]) -> None:
    """Send one command; when it is acknowledged, keep the time it was sent under its reply's name."""
    at = time.time()
    if send(port, request).status == 200:
        sent_at[request.response_name] = at


def _run_senders(sender: Callable[[], None]) -> None:
    threads = [threading.Thread(target=sender, daemon=True) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def burst(port: int, batch: list[Prepared]) -> dict[str, float]:
    """Send the commands from SENDERS threads, each its next as soon as the last was acknowledged."""
    sent_at: dict[str, float] = {}
    lock = threading.Lock()
    left = iter(batch)

    def sender() -> None:
        while True:
            with lock:
                request = next(left, None)
            if request is None:
                return
            _send_timed(port, request, sent_at)

    _run_senders(sender)
    return sent_at


def measure(target: Target, fake: RemoteFakeSlack, kind: str, args: argparse.Namespace) -> Load:
    count = int(args.rate * args.seconds) if kind == "steady" else args.burst
    warm = prepare_commands(fake, 10, f"{target.name}-{kind}-warm")
    send_all(target.port, warm, SENDERS)
    wait_for_replies(fake, [p.response_name for p in warm], args.drain_timeout)
    batch = prepare_commands(fake, count, f"{target.name}-{kind}")
    sent_at = steady(target.port, batch, args.rate) if kind == "steady" else burst(target.port, batch)
    wait_for_replies(fake, list(sent_at), args.drain_timeout)
    arrived = {reply.name: reply.at for reply in fake.responses if reply.name in sent_at}
    latencies = [arrived[name] - at for name, at in sent_at.items() if name in arrived]
    load = Load(f"{target.name} {kind}", latencies, count, count - len(sent_at))
    print(
        f"[{load.name}] p50 {ms(percentile(latencies, 50))} p99 {ms(percentile(latencies, 99))} ms, "
        f"{load.missing} missing",
        file=sys.stderr,
    )
    target.check_alive()
    return load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rate", type=float, default=20.0, help="steady commands per second")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the steady load lasts")
    parser.add_argument("--burst", type=int, default=200, help="commands in the burst")
    parser.add_argument("--drain-timeout", type=float, default=120.0)
    args = parser.parse_args(argv)
    brm = Target("brm", [sys.executable, "app.py"], expect_replies=True)
    bare = Target("bare", [sys.executable, "-m", "bench.bare_app", "--reply"], expect_replies=True)
    load_before = os.getloadavg()[0]
    results: dict[tuple[str, str], Load] = {}
    with RemoteFakeSlack(list(USERS)) as fake, tempfile.TemporaryDirectory(prefix="brm-bench-") as tmp:
        workdir = Path(tmp)
        with database(args.database, workdir) as database_url, ExitStack() as stack:
            env = {
                **os.environ,
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": fake.url,
                "DATABASE_URL": database_url,
                "LOG_LEVEL": "INFO",
            }
            env.pop("SLACK_APP_TOKEN", None)
            for target in (brm, bare):
                target.port = free_port()
                target.log_path = workdir / f"{target.name}.log"
                target.process = stack.enter_context(
                    running(target.command, {**env, "PORT": str(target.port)}, target.log_path)
                )
                wait_healthy(target.port, target.process, target.log_path)
            for kind in ("steady", "burst"):
                for target in (brm, bare):
                    results[(target.name, kind)] = measure(target, fake, kind, args)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"/brm log reply latency ({when}; {os.cpu_count()} cores; database {args.database}; steady "
        f"{args.rate:g}/s for {args.seconds:g} s and a burst of {args.burst}, {SENDERS} senders)\n"
        f"1-minute load average: {load_before:.2f} before the run, {os.getloadavg()[0]:.2f} after\n\n"
        "| load | brm p50 | brm p99 | brm max | bare p50 | bare p99 | bare max | brm replies |\n"
        "|---|---:|---:|---:|---:|---:|---:|---|"
    )
    for kind in ("steady", "burst"):
        b, r = results[("brm", kind)], results[("bare", kind)]
        print(
            f"| {kind} | {ms(percentile(b.replies, 50))} ms | {ms(percentile(b.replies, 99))} ms "
            f"| {ms(max(b.replies, default=float('nan')))} ms | {ms(percentile(r.replies, 50))} ms "
            f"| {ms(percentile(r.replies, 99))} ms | {ms(max(r.replies, default=float('nan')))} ms "
            f"| {len(b.replies)}/{b.sent}, {b.missing} missing, {b.not_acked} not acked |"
        )
    p99 = percentile(results[("brm", "steady")].replies, 99)
    verdict = "PASS" if p99 <= TARGET_STEADY_P99 else "MISS"
    print(f"\n  {verdict}  steady reply p99 <= {TARGET_STEADY_P99 * 1000:.0f} ms: {ms(p99)} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
