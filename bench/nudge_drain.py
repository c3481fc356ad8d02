"""How fast due nudges drain against Slack's per-channel limit, and what each nudge costs the app.

    python -m bench.nudge_drain [--nudges 10000] [--channels 200] [--processes 1] [--postgres URL]

Two runs, each on a fresh database with `--nudges` open issues due now, spread evenly over
`--channels` channels, swept by real sender processes (tests/support/nudge_worker.py, the same
sweep the scheduler runs) against the fake Slack on loopback (tests/support/fake_slack.py):

1. *Drain*: the fake enforces one message per second per channel (answering 429 with Retry-After
   beyond that), as Slack does for chat.postMessage. Printed: the time until every nudge is posted,
   next to the floor that limit sets ((nudges per channel - 1) seconds), the 429s received, the
   time to the first post and the gaps between two posts to one channel.
2. *Cost*: no limit and no pacing, one process: the sender process's CPU time per nudge (reading
   it, rendering it, posting it, recording it with its audit row and next reminder) and nudges/s.

The database is SQLite in a temporary directory unless `--postgres` names a server (an admin URL
such as postgresql+psycopg://postgres@127.0.0.1:5432/postgres): a database is created there for
each run and dropped after. Figures from one run on one machine, not a test.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage.db import Database, migrate
from tests.support.fake_slack import FakeSlack
from tests.support.nudge_worker import seed_due_nudges

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Run:
    seconds: float
    posted: int
    duplicates: int  # posts of a nudge that had been posted already
    rate_limited: int
    cpu_seconds: float  # all sender processes together
    first_post: float  # seconds from starting the senders to the first post reaching the fake
    gaps: list[float]  # between two successive posts to one channel, as the fake received them, sorted


@contextmanager
def fresh_database(postgres_admin_url: str | None) -> Iterator[str]:
    """The URL of a new, migrated database, removed afterwards."""
    if postgres_admin_url is None:
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite:///{directory}/bench.db"
            _migrate(url)
            yield url
        return
    name = f"brm_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(url: str) -> None:
    db = Database.from_url(url)
    migrate(db.engine)
    db.dispose()


def drain(
    fake: FakeSlack,
    database_url: str,
    *,
    nudges: int,
    channels: int,
    processes: int,
    limited: bool,
) -> Run:
    """Seed the nudges, run `processes` senders until all are posted; what it took."""
    fake.reset()
    fake.add_user("U1", tz="America/New_York")
    fake.rate_limit_per_channel(1.0 if limited else None)
    db = Database.from_url(database_url)
    seed_due_nudges(db, count=nudges, channels=channels)
    db.dispose()
    pace = "1" if limited else "0"
    started = time.perf_counter()
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.support.nudge_worker", database_url, fake.url, "--pace", pace],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for _ in range(processes)
    ]
    outputs = [worker.communicate()[0].split() for worker in workers]
    seconds = time.perf_counter() - started
    started_at = time.time() - seconds  # the fake stamps each call with time.time()
    posts = fake.calls_to("chat.postMessage")
    posted = [call.params["metadata"]["event_payload"]["nudge_id"] for call in posts if call.ok]
    by_channel: dict[str, list[float]] = defaultdict(list)
    for call in posts:
        if call.ok:
            by_channel[call.params["channel"]].append(call.at)
    gaps = sorted(b - a for times in by_channel.values() for a, b in itertools.pairwise(sorted(times)))
    return Run(
        seconds=seconds,
        posted=len(set(posted)),
        duplicates=len(posted) - len(set(posted)),
        rate_limited=sum(1 for call in posts if call.status == 429),
        cpu_seconds=sum(float(out[3]) for out in outputs if len(out) >= 4),
        first_post=min((call.at for call in posts if call.ok), default=started_at) - started_at,
        gaps=gaps,
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nudges", type=int, default=10_000)
    parser.add_argument("--channels", type=int, default=200)
    parser.add_argument("--processes", type=int, default=1, help="sender processes in the drain run")
    parser.add_argument("--postgres", metavar="ADMIN_URL", help="use PostgreSQL on this server")
    args = parser.parse_args(argv)
    floor = math.ceil(args.nudges / args.channels) - 1

    with FakeSlack() as fake:
        with fresh_database(args.postgres) as url:
            limited = drain(
                fake, url, nudges=args.nudges, channels=args.channels, processes=args.processes, limited=True
            )
        with fresh_database(args.postgres) as url:
            free = drain(fake, url, nudges=args.nudges, channels=args.channels, processes=1, limited=False)

    database = "PostgreSQL" if args.postgres else "SQLite"
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    print(f"## Nudge drain: {args.nudges} nudges over {args.channels} channels, {database}")
    print(
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n"
    )
    print(
        "| run | posted | duplicates | time | floor | time / floor | 429s | sender CPU per nudge | nudges/s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, run, run_floor in (
        (f"1 msg/s/channel, {args.processes} process(es)", limited, floor),
        ("no limit, 1 process", free, None),
    ):
        ratio = f"{run.seconds / run_floor:.2f}" if run_floor else "-"
        print(
            f"| {name} | {run.posted}/{args.nudges} | {run.duplicates} | {run.seconds:.1f} s | "
            f"{f'{run_floor} s' if run_floor is not None else '-'} | {ratio} | {run.rate_limited} | "
            f"{1000 * run.cpu_seconds / max(run.posted, 1):.2f} ms | {run.posted / run.seconds:.0f} |"
        )
    if limited.gaps:
        gaps = limited.gaps
        print(
            f"\nPaced run: first post {limited.first_post:.2f} s after the senders started; between two "
            f"posts to one channel: mean {sum(gaps) / len(gaps):.3f} s, p50 {gaps[len(gaps) // 2]:.3f} s, "
            f"p90 {gaps[int(len(gaps) * 0.9)]:.3f} s, p99 {gaps[int(len(gaps) * 0.99)]:.3f} s "
            f"(Slack's limit allows 1.000 s)"
        )
    complete = limited.posted == free.posted == args.nudges
    return 0 if complete and limited.duplicates == free.duplicates == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
