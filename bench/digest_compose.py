"""How long composing one workspace's weekly digest takes with 1,000 parties, 100,000 issues and
1,000,000 interactions, on SQLite and on PostgreSQL.

    python -m bench.digest_compose [--runs 7] [--database sqlite|postgresql|both] [--regenerate]

What is timed is what the digest sweep does for a channel subscribed to every party: open a workspace
session, run the digest queries (`storage.digest_queries.digest_facts`) and compose the Block Kit
messages (`bot.digest`), i.e. `bot.digest.digest_for`. Each run is timed on its own, after one
unmeasured warm-up; the median, min and max are printed, with the share spent in the queries. The
issue's target is 500 ms or less on each database.

Two reference points are timed in the same run: the floor (`COUNT(*)` of the three tables, the least
any query over all the data costs) and a naive approach that asks the database about each party in
turn (how many issues it has open, when it was last contacted), which is what "no query per row"
avoids.

The data set is generated with a fixed seed: parties created three years ago; interactions spread
over those three years (60% with a sentiment, 10% with a follow-up a week later); issues spread
likewise, one in five still open, half with a follow-up date, the closed ones closed within 60 days.
SQLite gets it through the sqlite3 module's executemany into a file cached under /tmp (reused by
later runs unless --regenerate); PostgreSQL gets it through COPY into a fresh database on the server
at BRM_BENCH_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres), dropped at
the end. Both are migrated with the app's own migrations first. After loading, PostgreSQL gets
VACUUM ANALYZE, as its autovacuum would do on its own after a large insert; SQLite gets no ANALYZE,
as the app never runs one. Figures from one run on one machine, not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, func, text
from sqlalchemy.engine import make_url
from sqlmodel import select

from bot.digest import build_digest, digest_for
from bot.digest_layout import render_digest
from storage.db import Database, migrate
from storage.digest_queries import digest_facts
from storage.models import Interaction, Issue

TEAM = "TBENCH"
PARTIES = 1_000
ISSUES = 100_000
INTERACTIONS = 1_000_000
SPAN_DAYS = 3 * 365
SEED = 20261126
NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
TZ = ZoneInfo("America/New_York")
TARGET_MS = 500.0
# The name changes with the schema, so a stale cache is never measured.
SQLITE_CACHE = Path("/tmp/brm-bench-digest-v3.db")
DEFAULT_PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SENTIMENTS = ("positive", "neutral", "negative")
SEVERITIES = ("low", "medium", "medium", "high", "critical")
KINDS = ("meeting", "call", "email", "visit", "chat")
BATCH = 50_000


# --------------------------------------------------------------------------- the data set


def _stamp(at: datetime) -> str:
    """A UTC timestamp as SQLAlchemy stores it in SQLite, and as PostgreSQL's COPY reads it."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _moment(rng: random.Random) -> datetime:
    return NOW - timedelta(seconds=rng.randrange(SPAN_DAYS * 86_400))


def party_rows() -> Iterator[tuple]:
    created = _stamp(NOW - timedelta(days=SPAN_DAYS + 1))
    for n in range(1, PARTIES + 1):
        name = f"Agency {n:04d}"
        yield (n, TEAM, None, name, name.lower(), "agency", "U1", None, "U1", created)


def interaction_rows() -> Iterator[tuple]:
    rng = random.Random(SEED)
    for n in range(1, INTERACTIONS + 1):
        at = _moment(rng)
        sentiment = rng.choice(SENTIMENTS) if rng.random() < 0.6 else None
        follow_up = _stamp(at + timedelta(days=7)) if rng.random() < 0.1 else None
        link = f"https://bench.slack.com/archives/C1/p{1_700_000_000_000_000 + n}" if n % 2 else None
        yield (
            n, TEAM, None, rng.randrange(1, PARTIES + 1), _stamp(at), rng.choice(KINDS),
            f"touchpoint {n} about the service roadmap", "[]", "[]", sentiment, follow_up, False,
            "command", None, None, link, "U1", _stamp(at),
        )  # fmt: skip


def issue_rows() -> Iterator[tuple]:
    rng = random.Random(SEED + 1)
    for n in range(1, ISSUES + 1):
        created = _moment(rng)
        closed = None if rng.random() < 0.2 else min(NOW, created + timedelta(days=rng.uniform(0.1, 60)))
        follow_up = _stamp(created + timedelta(days=14)) if rng.random() < 0.5 else None
        link = f"https://bench.slack.com/archives/C1/p{1_600_000_000_000_000 + n}" if n % 2 else None
        yield (
            n, TEAM, None, n, rng.randrange(1, PARTIES + 1), None,
            f"issue {n}: the portal login fails for field offices", None, rng.choice(SEVERITIES), "U1",
            "open" if closed is None else "closed", follow_up, False, "command", None, None, link, "U1",
            _stamp(created), _stamp(closed or created), _stamp(closed) if closed else None,
            "U2" if closed else None, "command" if closed else None, None,
        )  # fmt: skip


TABLES: list[tuple[str, tuple[str, ...], Callable[[], Iterator[tuple]]]] = [
    (
        "party",
        ("id", "team_id", "enterprise_id", "name", "name_key", "kind", "owner_id", "home_channel_id",
         "created_by", "created_at"),
        party_rows,
    ),
    (
        "interaction",
        ("id", "team_id", "enterprise_id", "party_id", "occurred_at", "kind", "summary", "people",
         "contacts", "sentiment", "follow_up_at", "follow_up_has_time", "source", "channel_id",
         "message_ts", "permalink", "logged_by", "created_at"),
        interaction_rows,
    ),
    (
        "issue",
        ("id", "team_id", "enterprise_id", "number", "party_id", "interaction_id", "title", "details",
         "severity", "owner_id", "status", "follow_up_at", "follow_up_has_time", "source", "channel_id",
         "message_ts", "permalink", "raised_by", "created_at", "updated_at", "closed_at", "closed_by",
         "close_surface", "resolution"),
        issue_rows,
    ),
]  # fmt: skip


def _batches(rows: Iterator[tuple]) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _workspace_row() -> tuple:
    return (TEAM, None, 1, 0, None, 7, 30, _stamp(NOW - timedelta(days=SPAN_DAYS + 1)))


WORKSPACE_COLUMNS = (
    "team_id", "enterprise_id", "id", "issue_seq", "holiday_region", "renudge_days", "cold_after_days",
    "created_at",
)  # fmt: skip


def load_sqlite(path: Path) -> None:
    migrate_url(f"sqlite:///{path}")
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        raw = connection.connection.driver_connection
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=OFF")
        for table, columns, rows in [
            ("workspace", WORKSPACE_COLUMNS, lambda: iter([_workspace_row()])),
            *TABLES,
        ]:
            statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            for batch in _batches(rows()):
                raw.executemany(statement, batch)
    engine.dispose()


def load_postgres(url: str) -> None:
    migrate_url(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        cursor = connection.connection.driver_connection.cursor()
        # The generated timestamps are UTC wall times; COPY reads them in the session's timezone.
        cursor.execute("SET TIME ZONE 'UTC'")
        for table, columns, rows in [
            ("workspace", WORKSPACE_COLUMNS, lambda: iter([_workspace_row()])),
            *TABLES,
        ]:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
        for table in ("workspace", "party", "interaction", "issue"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def migrate_url(url: str) -> None:
    engine = create_engine(url)
    migrate(engine)
    engine.dispose()


# --------------------------------------------------------------------------- timing


def timed(run: Callable[[], object], runs: int) -> list[float]:
    run()  # warm-up: caches, prepared plans, lazy imports
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def compose(db: Database) -> object:
    with db.workspace(TEAM) as session:
        return digest_for(session, now=NOW, tz=TZ)


def queries_only(db: Database) -> object:
    with db.workspace(TEAM) as session:
        return digest_facts(session, now=NOW)


def floor(db: Database) -> object:
    with db.engine.connect() as connection:
        return [
            connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("party", "issue", "interaction")
        ]


def naive(db: Database) -> object:
    """Per party: how many issues it has open, when it was last contacted. 2,000 small queries."""
    open_count = select(func.count()).select_from(Issue).where(Issue.status == "open")
    last_contact = select(func.max(Interaction.occurred_at))
    with db.workspace(TEAM) as session:
        return [
            (
                session.exec(open_count.where(Issue.party_id == party_id)).one(),
                session.exec(last_contact.where(Interaction.party_id == party_id)).one(),
            )
            for party_id in range(1, PARTIES + 1)
        ]


def measure(name: str, db: Database, runs: int) -> dict[str, object]:
    with db.workspace(TEAM) as session:
        facts = digest_facts(session, now=NOW)
    rendered = render_digest(build_digest(facts, tz=TZ))
    return {
        "database": name,
        "compose": timed(lambda: compose(db), runs),
        "queries": timed(lambda: queries_only(db), runs),
        "floor": timed(lambda: floor(db), runs),
        "naive": timed(lambda: naive(db), 1),
        "open": sum(p.open_issues for p in facts.parties),
        "messages": len(rendered.messages),
        "blocks": sum(len(m.blocks) for m in rendered.messages),
    }


def sqlite_db(regenerate: bool, path: Path = SQLITE_CACHE) -> Database:
    """The data set in a SQLite file at `path`, generated the first time (or with `regenerate`)."""
    if regenerate or not path.exists():
        path.unlink(missing_ok=True)
        partial = path.with_suffix(".partial")
        for leftover in partial.parent.glob(partial.name + "*"):
            leftover.unlink()
        started = time.perf_counter()
        load_sqlite(partial)
        os.replace(partial, path)
        print(f"generated {path} in {time.perf_counter() - started:.0f} s")
    else:
        print(f"reusing {path} (--regenerate makes it again)")
    return Database.from_url(f"sqlite:///{path}")


def postgres_db(admin_url: str) -> tuple[Database, Callable[[], None]]:
    name = f"brm_bench_digest_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    started = time.perf_counter()
    load_postgres(url)
    print(f"loaded PostgreSQL database {name} in {time.perf_counter() - started:.0f} s")
    db = Database.from_url(url)

    def drop() -> None:
        db.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return db, drop


def report(results: list[dict[str, object]]) -> None:
    def stats(values: object) -> str:
        ms = list(values)  # type: ignore[call-overload]
        return f"{statistics.median(ms):8.1f} {min(ms):8.1f} {max(ms):8.1f}"

    print()
    print(f"{PARTIES:,} parties, {ISSUES:,} issues, {INTERACTIONS:,} interactions; {platform.platform()}")
    print()
    print("| database | what | median ms | min ms | max ms |")
    print("|---|---|---:|---:|---:|")
    for result in results:
        for key, label in (
            ("compose", "digest: queries + Block Kit"),
            ("queries", "of which the queries"),
            ("floor", "floor: COUNT(*) of 3 tables"),
            ("naive", "naive: 2 queries per party (1 run)"),
        ):
            median, low, high = stats(result[key]).split()
            print(f"| {result['database']} | {label} | {median} | {low} | {high} |")
    print()
    for result in results:
        median = statistics.median(result["compose"])  # type: ignore[arg-type]
        verdict = "PASS" if median <= TARGET_MS else "MISS"
        print(
            f"{result['database']}: {verdict} (median {median:.0f} ms, target {TARGET_MS:.0f} ms); "
            f"{result['open']:,} open issues, {result['messages']} messages, {result['blocks']} blocks"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--regenerate", action="store_true", help="make the cached SQLite file again")
    args = parser.parse_args()
    results = []
    if args.database in ("sqlite", "both"):
        db = sqlite_db(args.regenerate)
        results.append(measure("SQLite", db, args.runs))
        db.dispose()
    if args.database in ("postgresql", "both"):
        db, drop = postgres_db(os.environ.get("BRM_BENCH_POSTGRES_URL", DEFAULT_PG_ADMIN_URL))
        try:
            results.append(measure("PostgreSQL", db, args.runs))
        finally:
            drop()
    report(results)


if __name__ == "__main__":
    main()
