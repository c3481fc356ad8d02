"""How fast brm-bot acknowledges `/brm log`, next to a bare Bolt app that only acks, in the same run.

    python -m bench.ack_latency [--requests N] [--database sqlite|postgresql] [--brm-role all|web]

Slack gives an app 3 seconds to acknowledge a slash command; brm-bot aims for a few milliseconds,
under load too. This benchmark starts the real app (`python app.py`) as a subprocess against a fake
Slack on loopback (tests/support/fake_slack.py) and a fresh database, and measures:

- the first `/brm log` after the health check comes up: its ack latency, and how long until its
  reply reached the response_url;
- for 1, 10 and 50 concurrent senders, the ack latency of N signed `/brm log` commands (time from
  sending the POST on a new connection to reading the whole HTTP 200), as p50/p99/max, and the
  acks per second; then it waits for every reply at its response_url and counts the missing ones,
  because an ack without the work done is not a win.

The serving process's own CPU time per command (not its worker's) is printed too, for each app.

With `--brm-role web` the app is `python app.py --role web` alone: the acknowledgement path of a
deployment whose workers run on other machines, every ack still committing its job, with nothing
else on this machine's two cores. No replies then; the jobs are counted in the database instead.

Then the same against `python -m bench.bare_app`, served the same way, so the ratio says what
brm-bot itself costs. It prints a Markdown table and PASS/MISS against the issue's targets: ack p99 at
10 senders <= 100 ms and <= 1.5x the bare app's; the first command acknowledged in under 1 s. These
are figures from one run on one machine, not a test.

Everything listens and is loaded on 127.0.0.1. Each app's first command is timed right after it
starts, with nothing else loaded. Then both apps stay up and are loaded in turn, level by level, never
at the same time, so a change in the machine's background load falls on both sides of the ratio. Each
level starts with a short unmeasured warm-up, and brm-bot's replies are awaited before anything else is
measured, so one level's backlog does not leak into the next figures. The machine's load average is
printed with the figures: other work on a 2-core machine moves them a lot.

PostgreSQL: a database is created for the run on the server named by BRM_BENCH_POSTGRES_URL (an
admin URL, default postgresql+psycopg://postgres@127.0.0.1:5432/postgres) and dropped afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from app import HEALTH_PATH, SLACK_EVENTS_PATH
from bench.slack_process import RemoteFakeSlack
from tests.support.signing import APP_ID, VERIFICATION_TOKEN, sign

REPO = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-token"
DEFAULT_PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CONCURRENCY = (1, 10, 50)

# Targets from the issue; checked against the figures of this run only.
TARGET_P99_MS = 100.0
TARGET_RATIO = 1.5
TARGET_FIRST_S = 1.0

# Senders in several timezones, as a real workspace has; the app looks each up once with users.info.
USERS = [
    ("U1", "America/New_York", "jane"),
    ("U2", "America/Los_Angeles", "sam"),
    ("U3", "America/Chicago", "ana"),
    ("U4", "America/Denver", "li"),
    ("U5", "Pacific/Honolulu", "kai"),
]

# Realistic `/brm log` texts: known and new parties, contacts, kinds, moods, issues and follow-ups.
# Follow-ups are always in the future, so no command is refused for a past date.
LOG_TEXTS = [
    "DMV met Jane (CIO) about the licensing portal outage, tense. not working: portal login fails for "
    "field offices. follow up next Tuesday",
    "Department of Revenue call with Priya (deputy director) about the tax filing season, great meeting. "
    "follow up in 2 weeks",
    "Acme Cloud email from their account manager about the renewal quote, 12% uplift. issue: renewal "
    "quote above budget. follow up next Monday",
    "County IT visit with Bob (IT manager) to review the shared fiber project :slightly_smiling_face:",
    "Health and Human Services chat with Maria (PMO lead) yesterday about the eligibility system "
    "roadmap. follow up next Friday",
    "DMV call with Tom (help desk) about password resets, frustrated. not working: reset emails arrive "
    "hours late",
    "Parks Department met Lee (director) about the reservations site, positive. follow up in 3 weeks",
    "Northwind Networks call about the outage credits, tense. issue: SLA credits for March not applied. "
    "follow up next Wednesday",
    "Department of Corrections meeting with Ortiz (CIO) about body camera storage costs",
    "State Police email with Captain Reyes about CAD system upgrade timeline. follow up in 10 days",
    "Acme Cloud met Dana (CSM) about the migration plan, good progress :tada:",
    "Department of Education call with Kim (CTO) about the grants portal, concerned. not working: grant "
    "uploads time out over 20MB. follow up next Thursday",
]


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class Prepared:
    """One signed slash command, built before the clock starts so only the round trip is timed."""

    body: bytes
    headers: dict[str, str]
    response_name: str


@dataclass
class Outcome:
    status: int
    seconds: float
    error: str | None = None


def prepare_commands(fake: RemoteFakeSlack, count: int, label: str) -> list[Prepared]:
    """`count` signed `/brm log` commands, each with its own response_url on the fake."""
    prepared = []
    for n in range(count):
        user_id, _tz, user_name = USERS[n % len(USERS)]
        name = f"{label}-{n}-{uuid.uuid4().hex[:6]}"
        fields = {
            "token": VERIFICATION_TOKEN,
            "team_id": "T1",
            "team_domain": "t1",
            "channel_id": "C1",
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user_name,
            "command": "/brm",
            "text": "log " + LOG_TEXTS[n % len(LOG_TEXTS)],
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": fake.response_url(name),
            "trigger_id": f"{n}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex}",
        }
        body = urlencode(fields)
        # Signed now: Slack's signatures stay valid for 5 minutes, longer than any phase here.
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            # A new connection per command, as Slack's own deliveries arrive; no keep-alive reuse.
            "Connection": "close",
            **sign(body, SIGNING_SECRET),
        }
        prepared.append(Prepared(body.encode(), headers, name))
    return prepared


def send(port: int, request: Prepared, timeout: float = 10.0) -> Outcome:
    """POST one command on a fresh connection; the time is until the whole answer has been read."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    try:
        connection.request("POST", SLACK_EVENTS_PATH, body=request.body, headers=request.headers)
        answer = connection.getresponse()
        answer.read()
        return Outcome(answer.status, time.perf_counter() - started)
    except OSError as problem:
        return Outcome(0, time.perf_counter() - started, f"{type(problem).__name__}: {problem}")
    finally:
        connection.close()


def send_all(port: int, requests: list[Prepared], concurrency: int) -> tuple[list[Outcome], float]:
    """Send `requests` from `concurrency` threads, each sending its next one as soon as the last is
    acknowledged (closed loop, like people waiting for Slack). Returns the outcomes and the wall time."""
    outcomes: list[Outcome | None] = [None] * len(requests)
    next_index = iter(range(len(requests)))
    lock = threading.Lock()
    start = threading.Barrier(concurrency + 1)

    def sender() -> None:
        start.wait()
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            outcomes[index] = send(port, requests[index])

    threads = [threading.Thread(target=sender, name=f"sender-{n}", daemon=True) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        # Every send has a 10 s timeout, so this bound is only hit if something is badly wrong.
        thread.join(timeout=60 + 10 * len(requests) / concurrency)
    wall = time.perf_counter() - began
    return [o or Outcome(0, math.nan, "sender did not finish") for o in outcomes], wall


@dataclass
class Delivery:
    """What arrived at the response_urls of a batch of commands."""

    expected: int
    delivered: int = 0
    logged: int = 0  # replies that say "Logged ..." (not an error or help text)
    last_at: float | None = None  # time.time() of the last reply

    @property
    def missing(self) -> int:
        return self.expected - self.delivered


def wait_for_replies(fake: RemoteFakeSlack, names: list[str], timeout: float) -> Delivery:
    """Wait (at most `timeout` seconds) until every command has had a reply at its response_url."""
    wanted = set(names)
    deadline = time.monotonic() + timeout
    while True:
        arrived = {r.name: r for r in list(fake.responses) if r.name in wanted}
        if len(arrived) == len(wanted) or time.monotonic() >= deadline:
            break
        time.sleep(0.05)
    delivery = Delivery(expected=len(wanted), delivered=len(arrived))
    delivery.logged = sum(1 for r in arrived.values() if str(r.body.get("text", "")).startswith("Logged "))
    delivery.last_at = max((r.at for r in arrived.values()), default=None)
    return delivery


# --------------------------------------------------------------------------- figures


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: the smallest value with at least p% of the values at or below it."""
    ordered = sorted(v for v in values if not math.isnan(v))
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Phase:
    concurrency: int
    latencies: list[float]  # seconds, successful acks only
    failures: int  # non-200 answers and connection errors
    wall: float
    delivery: Delivery | None = None
    reply_wall: float | None = None  # from the first send to the last reply
    first_error: str | None = None
    web_cpu_per_ack: float = math.nan  # the serving process's CPU seconds while the commands were sent

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 50)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 99)

    @property
    def max(self) -> float:
        return max(self.latencies, default=math.nan)

    @property
    def acks_per_second(self) -> float:
        return len(self.latencies) / self.wall if self.wall else math.nan


@dataclass
class FirstCommand:
    ack: float  # seconds
    status: int
    reply: float | None  # seconds from sending to the reply reaching the response_url; None if none came


@dataclass
class Target:
    """One app under test: how to start it, and what was measured of it."""

    name: str
    command: list[str]
    expect_replies: bool  # brm-bot replies at the response_url; the bare app only acks
    # Role web serves with no worker: /healthz then answers 503 (nothing runs the jobs), which is
    # still a server taking requests; its jobs are counted in the database instead of replies.
    serving_statuses: tuple[int, ...] = (200,)
    port: int = 0
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    start_to_healthy: float = math.nan
    first: FirstCommand | None = None
    phases: dict[int, Phase] = field(default_factory=dict)
    acked: int = 0  # commands answered with HTTP 200, warm-ups and the first included
    jobs_in_database: int | None = None  # role web: the jobs its acks committed, counted at the end

    def check_alive(self) -> None:
        assert self.process is not None and self.log_path is not None
        if self.process.poll() is not None:
            raise RuntimeError(
                f"{self.name} exited with {self.process.returncode} during the run:\n{tail(self.log_path)}"
            )


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(command: list[str], env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen]:
    """A subprocess whose output goes to `log_path`, always stopped (SIGTERM, then SIGKILL) on exit."""
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def wait_healthy(
    port: int,
    process: subprocess.Popen,
    log_path: Path,
    timeout: float = 90.0,
    statuses: tuple[int, ...] = (200,),
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode} before it was healthy:\n{tail(log_path)}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", HEALTH_PATH)
            if connection.getresponse().status in statuses:
                return
        except OSError:
            pass  # not listening yet
        finally:
            connection.close()
        time.sleep(0.01)
    raise RuntimeError(f"not healthy after {timeout:.0f} s:\n{tail(log_path)}")


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no output)"


# --------------------------------------------------------------------------- measuring


def start_and_measure_first(
    target: Target, stack: ExitStack, env: dict[str, str], fake: RemoteFakeSlack, workdir: Path, drain: float
) -> None:
    """Start the app (stopped when `stack` closes) and time the first command once it is healthy."""
    target.port = free_port()
    target.log_path = workdir / f"{target.name}.log"
    spawned = time.perf_counter()
    target.process = stack.enter_context(
        running(target.command, {**env, "PORT": str(target.port)}, target.log_path)
    )
    try:
        wait_healthy(target.port, target.process, target.log_path, statuses=target.serving_statuses)
    except RuntimeError as problem:
        raise RuntimeError(f"{target.name} {problem}") from None
    target.start_to_healthy = time.perf_counter() - spawned
    print(f"[{target.name}] healthy {target.start_to_healthy:.2f} s after start", file=sys.stderr)

    [first] = prepare_commands(fake, 1, f"{target.name}-first")
    sent_at = time.time()
    outcome = send(target.port, first)
    target.acked += outcome.status == 200
    reply = None
    if target.expect_replies:
        delivery = wait_for_replies(fake, [first.response_name], drain)
        reply = delivery.last_at - sent_at if delivery.last_at is not None else None
    target.first = FirstCommand(ack=outcome.seconds, status=outcome.status, reply=reply)


def measure_level(
    target: Target, fake: RemoteFakeSlack, concurrency: int, *, requests: int, warmup: int, drain: float
) -> None:
    """Warm up, send `requests` commands from `concurrency` senders, then wait for their replies."""
    name = target.name
    if warmup:
        warm = prepare_commands(fake, warmup, f"{name}-warm{concurrency}")
        warm_outcomes, _ = send_all(target.port, warm, min(concurrency, warmup))
        target.acked += sum(o.status == 200 for o in warm_outcomes)
        if target.expect_replies:
            wait_for_replies(fake, [p.response_name for p in warm], drain)
    batch = prepare_commands(fake, requests, f"{name}-c{concurrency}")
    assert target.process is not None
    cpu_before = process_cpu(target.process.pid)
    phase_began = time.time()
    outcomes, wall = send_all(target.port, batch, concurrency)
    web_cpu = process_cpu(target.process.pid) - cpu_before
    ok = [o for o in outcomes if o.status == 200]
    target.acked += len(ok)
    phase = Phase(
        concurrency=concurrency,
        latencies=[o.seconds for o in ok],
        failures=len(outcomes) - len(ok),
        wall=wall,
        web_cpu_per_ack=web_cpu / max(len(outcomes), 1),
        first_error=next((o.error or f"HTTP {o.status}" for o in outcomes if o.status != 200), None),
    )
    if target.expect_replies:
        # Only acknowledged commands can be expected to have been worked on. Waiting here also
        # drains the app's backlog, so it does not slow whatever is measured next.
        phase.delivery = wait_for_replies(
            fake, [p.response_name for p, o in zip(batch, outcomes, strict=True) if o.status == 200], drain
        )
        if phase.delivery.last_at is not None:
            phase.reply_wall = phase.delivery.last_at - phase_began
    target.phases[concurrency] = phase
    target.check_alive()
    print(
        f"[{name}] {concurrency:>2} senders: p50 {ms(phase.p50)} p99 {ms(phase.p99)} "
        f"max {ms(phase.max)} ms, {phase.failures} failed, "
        f"serving process CPU {phase.web_cpu_per_ack * 1000:.2f} ms an ack",
        file=sys.stderr,
    )


def count_jobs(database_url: str) -> int:
    """How many jobs the app has committed (role web: nothing has run them)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM job")).scalar_one())
    finally:
        engine.dispose()


def process_cpu(pid: int) -> float:
    """The CPU seconds (user and system) one process has used so far: not its children (the worker)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- databases


@contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    """A DATABASE_URL for a fresh database, removed afterwards (the SQLite file goes with workdir)."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'brm-bench.db'}"
        return
    admin_url = os.environ.get("BRM_BENCH_POSTGRES_URL", DEFAULT_PG_ADMIN_URL)
    name = f"brm_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        except SQLAlchemyError as problem:
            shown = make_url(admin_url).render_as_string(hide_password=True)
            raise RuntimeError(
                f"cannot create a database at {shown} (set BRM_BENCH_POSTGRES_URL): "
                f"{str(problem).splitlines()[0]}"
            ) from None
        try:
            yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


# --------------------------------------------------------------------------- report


def ms(seconds: float | None) -> str:
    return "n/a" if seconds is None or math.isnan(seconds) else f"{seconds * 1000:.1f}"


def report(brm: Target, bare: Target, args: argparse.Namespace, load: tuple[float, float]) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"/brm log acknowledgement latency: figures from this run ({when}; {os.cpu_count()} cores; "
        f"{platform.python_implementation()} {platform.python_version()}; database {args.database}; "
        f"{args.requests} commands per level after {args.warmup} warm-up; "
        f"brm role {args.brm_role}; bare app: "
        f"{'Bolt defaults' if args.bare_bolt_defaults else 'inline ack like app.py'})",
        # Other work on the machine moves these figures; the load average says how quiet it was.
        f"1-minute load average: {load[0]:.2f} before the run, {load[1]:.2f} after",
        "",
        "| concurrency | brm p50 | brm p99 | bare p50 | bare p99 | ratio p99 | replies delivered |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for c in CONCURRENCY:
        b, r = brm.phases[c], bare.phases[c]
        ratio = b.p99 / r.p99 if r.p99 else math.nan
        d = b.delivery
        delivered = f"{d.delivered}/{d.expected} ({d.logged} logged)" if d else "n/a (role web: no worker)"
        if b.failures:
            delivered += f", {b.failures} not acked"
        lines.append(
            f"| {c} | {ms(b.p50)} ms | {ms(b.p99)} ms | {ms(r.p50)} ms | {ms(r.p99)} ms | {ratio:.2f}x "
            f"| {delivered} |"
        )
    lines += [
        "",
        "| concurrency | brm max | brm acks/s | brm all replies in | brm web CPU/ack | bare max "
        "| bare acks/s | bare CPU/ack |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in CONCURRENCY:
        b, r = brm.phases[c], bare.phases[c]
        replies_in = f"{b.reply_wall:.1f} s" if b.reply_wall is not None else "n/a"
        lines.append(
            f"| {c} | {ms(b.max)} ms | {b.acks_per_second:.0f} | {replies_in} "
            f"| {b.web_cpu_per_ack * 1000:.2f} ms | {ms(r.max)} ms | {r.acks_per_second:.0f} "
            f"| {r.web_cpu_per_ack * 1000:.2f} ms |"
        )
    lines.append("")
    for run in (brm, bare):
        first = run.first
        assert first is not None
        reply = f", reply at the response_url after {ms(first.reply)} ms" if run is brm else ""
        if run is brm and first.reply is None:
            reply = ", NO reply reached the response_url"
        lines.append(
            f"{run.name}: healthy {run.start_to_healthy:.2f} s after start; first /brm log acked in "
            f"{ms(first.ack)} ms (HTTP {first.status}){reply}"
        )
        for phase in run.phases.values():
            if phase.failures:
                lines.append(
                    f"{run.name}: {phase.failures} of {args.requests} commands at "
                    f"{phase.concurrency} senders were not acknowledged with HTTP 200 "
                    f"(first: {phase.first_error})"
                )

    b10 = brm.phases[10]
    missing = sum(p.delivery.missing for p in brm.phases.values() if p.delivery)
    not_acked = sum(p.failures for p in brm.phases.values())
    first = brm.first
    assert first is not None
    checks = [
        (
            f"ack p99 at 10 senders <= {TARGET_P99_MS:.0f} ms",
            f"{ms(b10.p99)} ms",
            b10.p99 * 1000 <= TARGET_P99_MS,
        ),
    ]
    for senders in (10, 50):
        mine, theirs = brm.phases[senders], bare.phases[senders]
        limit = TARGET_RATIO * theirs.p99
        checks.append(
            (
                f"ack p99 at {senders} senders <= {TARGET_RATIO}x bare "
                f"({ms(theirs.p99)} ms x {TARGET_RATIO} = {ms(limit)} ms)",
                f"{ms(mine.p99)} ms",
                mine.p99 <= limit,
            )
        )
    checks.append(
        (
            f"first /brm log after start acked in < {TARGET_FIRST_S:.0f} s",
            f"{ms(first.ack)} ms",
            first.status == 200 and first.ack < TARGET_FIRST_S,
        )
    )
    if brm.expect_replies:
        checks.append(
            (
                "every acknowledged command got its reply",
                f"{missing} missing, {not_acked} not acked",
                missing == 0 and not_acked == 0 and first.reply is not None,
            )
        )
    else:
        checks.append(
            (
                "every acknowledged command's job is in the database",
                f"{brm.jobs_in_database} jobs for {brm.acked} acks",
                brm.jobs_in_database == brm.acked,
            )
        )
    lines += ["", "Targets (figures from this run on this machine; not a guarantee):"]
    lines += [f"  {'PASS' if ok else 'MISS'}  {what}: {seen}" for what, seen, ok in checks]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="measured commands per concurrency level")
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured commands before each level")
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="sqlite: a file in a temporary directory; postgresql: a new database at BRM_BENCH_POSTGRES_URL",
    )
    parser.add_argument(
        "--drain-timeout", type=float, default=120.0, help="seconds to wait for a level's replies"
    )
    parser.add_argument(
        "--brm-role",
        choices=("all", "web"),
        default="all",
        help="all: python app.py with its worker (what one machine runs); web: app.py --role web alone, "
        "the acknowledgement path of a scaled-out deployment whose workers run on other machines "
        "(nothing runs the jobs: they are counted in the database instead of waiting for replies)",
    )
    parser.add_argument(
        "--bare-bolt-defaults",
        action="store_true",
        help="run the bare app in Bolt's default ack mode (10 ms polling) instead of app.py's inline ack",
    )
    args = parser.parse_args(argv)
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be at least 1 and --warmup at least 0")

    bare_command = [sys.executable, "-m", "bench.bare_app"]
    if args.bare_bolt_defaults:
        bare_command.append("--bolt-defaults")
    if args.brm_role == "web":
        web_role = [sys.executable, "app.py", "--role", "web"]
        brm = Target("brm", web_role, expect_replies=False, serving_statuses=(200, 503))
    else:
        brm = Target("brm", [sys.executable, "app.py"], expect_replies=True)
    bare = Target("bare", bare_command, expect_replies=False)
    load_before = os.getloadavg()[0]

    # The fake Slack runs in a process of its own, so its work does not slow the threads timing acks.
    with RemoteFakeSlack(list(USERS)) as fake, tempfile.TemporaryDirectory(prefix="brm-bench-") as tmp:
        workdir = Path(tmp)
        try:
            with database(args.database, workdir) as database_url, ExitStack() as stack:
                env = {
                    **os.environ,
                    "SLACK_BOT_TOKEN": BOT_TOKEN,
                    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                    "SLACK_API_URL": fake.url,
                    "DATABASE_URL": database_url,
                    "LOG_LEVEL": "INFO",
                    "PYTHONUNBUFFERED": "1",
                }
                env.pop("SLACK_APP_TOKEN", None)  # HTTP mode is what is measured
                # Each app's first command is timed with only that app started and nothing else loaded.
                start_and_measure_first(brm, stack, env, fake, workdir, args.drain_timeout)
                start_and_measure_first(bare, stack, env, fake, workdir, args.drain_timeout)
                # Then the apps take turns at each level, so a change in the machine's background load
                # during the run affects both sides of the ratio alike. Only one is loaded at a time.
                for concurrency in CONCURRENCY:
                    for target in (brm, bare):
                        measure_level(
                            target,
                            fake,
                            concurrency,
                            requests=args.requests,
                            warmup=args.warmup,
                            drain=args.drain_timeout,
                        )
                if not brm.expect_replies:
                    brm.jobs_in_database = count_jobs(database_url)
        except RuntimeError as problem:
            print(f"benchmark could not run: {problem}", file=sys.stderr)
            return 1
    print(report(brm, bare, args, (load_before, os.getloadavg()[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
