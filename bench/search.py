"""How fast `/brm search` answers over 1,000,000 interactions and 100,000 issues, on SQLite (FTS5)
and PostgreSQL (tsvector + GIN), next to a `LIKE '%…%'` scan of the same rows in the same run.

    python -m bench.search [--database sqlite|postgresql|both] [--queries 100] [--regenerate]

Three things are timed for each of the same queries, one after the other, after the first three
are run once unmeasured (so most queries find their part of the index as the last query left it):
- `/brm search <words>`: the subcommand's whole work (`handlers/commands/search.py`: reading the
  words, the queries, composing the Block Kit), with a `CommandRequest` whose reply is kept in memory
  (bench/reads.py's harness); the person's timezone comes from the fake Slack once, then its cache;
- the search queries alone: `storage.search.search_records` in a workspace session;
- the baseline: the same workspace's interactions and issues whose text contains every word
  (`LIKE '%word%'` on SQLite, which ignores ASCII case; `ILIKE` on PostgreSQL), newest first, the same
  number of rows, in the same kind of session. It reads every row of the workspace.
p50 and p99 over the queries are printed per database, and how many times faster the search queries
are than the scan. The issue's target: p99 under 50 ms and at least 20x faster than the scan.

The queries (seeded): 40 of one word, 40 of two, 10 of three and 10 quoted two-word phrases, drawn
from the words the summaries are made of with the summaries' own frequencies, leaving out the 30 most
common words (the "meeting"s and "update"s that say nothing: see the `--common` row for them).
`--common N` also times N one-word queries of those 30 words (default 20; 0 leaves them out): they
match a large share of all rows, the worst case for ranking.

The data set (seeded): 1,000 parties; interactions spread over three years, 90% in the measured
workspace and 10% in another; each summary 6 to 14 words drawn with a Zipf-like frequency from 3,000
words (a few hundred of a BRM's words and made-up ones), with a few filler words; issues likewise
with titles of 3 to 7 words and, for half, details of 10 words. Built with SQLAlchemy Core bulk
inserts into a database migrated with the app's own migrations (so the search index is filled by
the same triggers or generated columns as in the app), then cached: the SQLite file under /tmp, the
PostgreSQL database `brm_bench_search_v1` on BRM_BENCH_POSTGRES_URL's server (default
postgresql+psycopg://postgres@127.0.0.1:5432/test); `--regenerate` makes both again. PostgreSQL gets
VACUUM ANALYZE after loading, as autovacuum would. Figures from one run on one machine, not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlmodel import col, or_, select

from bench.reads import Timing, bench_services, command, load_average, timed_read
from storage.db import Database, migrate
from storage.models import Interaction, Issue, Party, Workspace
from storage.search import search_records
from storage.search_index import SearchTerms
from tests.support.fake_slack import FakeSlack

TEAM, OTHER_TEAM = "T1", "T2"
USER = "U1"
PARTIES = 1_000
INTERACTIONS = 1_000_000
ISSUES = 100_000
VOCABULARY = 3_000
COMMON = 30  # the most frequent words, left out of the ordinary queries
RESULTS = 10  # what `/brm search` shows
TARGET_P99_MS = 50.0
TARGET_SPEEDUP = 20.0
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
SPAN_DAYS = 3 * 365
BATCH = 20_000
# The name changes with the data set or the schema, so a stale cache is never measured.
SQLITE_CACHE = Path("/tmp/brm-bench-search-v1.db")
PG_DATABASE = "brm_bench_search_v1"
DEFAULT_PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

_BRM_TEXT = """
portal outage login renewal invoice license contract vendor migration cloud budget procurement
security audit patch upgrade network firewall backup recovery disaster payroll benefits hiring
training helpdesk ticket escalation sla uptime latency database server storage email phishing
identity mfa password reset accessibility website mobile app kiosk payment fees refund grant federal
compliance privacy records retention request legislature session fiscal quarter roadmap pilot
rollout deployment testing acceptance defect bug release schedule delay risk issue blocker
dependency staffing contractor invoice billing renewal quote statement scope change order amendment
signature approval board committee steering governance charter kickoff workshop demo feedback survey
satisfaction complaint praise citizen resident field office county city district agency department
division unit team lead director manager sponsor champion stakeholder partner broker integration api
interface data exchange report dashboard analytics mainframe modernization legacy cobol telephony
voip radio broadband wireless
"""
_BRM_WORDS = _BRM_TEXT.split()
_FILLERS = ("with", "about", "the", "on", "for", "and", "re", "after", "to")
_SYLLABLE_TEXT = "ka lo mi ne ru sa te vo zi ba de fi go hu ja ke li mo nu pa qui ro su ta ve wi xo ya zu"
_SYLLABLES = _SYLLABLE_TEXT.split()


def vocabulary() -> list[str]:
    """VOCABULARY distinct words, most frequent first: a BRM's words and made-up ones, shuffled."""
    rng = random.Random(11)
    words = list(dict.fromkeys(_BRM_WORDS))
    seen = set(words)
    while len(words) < VOCABULARY:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    rng.shuffle(words)
    return words


def _weights() -> list[float]:
    return [1.0 / (rank + 5) for rank in range(VOCABULARY)]


class Words:
    """Draws words with the data set's frequencies (fast: cumulative weights drawn in bulk)."""

    def __init__(self, rng: random.Random, first_rank: int = 0) -> None:
        self.rng = rng
        self.words = vocabulary()[first_rank:]
        weights = _weights()[first_rank:]
        total = 0.0
        self.cumulative = []
        for weight in weights:
            total += weight
            self.cumulative.append(total)

    def draw(self, n: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=n)


def _text(words: Words, rng: random.Random, low: int, high: int) -> str:
    drawn = words.draw(rng.randint(low, high))
    for _ in range(rng.randint(0, 3)):
        drawn.insert(rng.randrange(len(drawn) + 1), rng.choice(_FILLERS))
    return " ".join(drawn)


def _moment(rng: random.Random) -> datetime:
    return NOW - timedelta(seconds=rng.randrange(SPAN_DAYS * 86_400))


def _party_rows() -> Iterator[dict[str, Any]]:
    for n in range(1, PARTIES + 1):
        team = TEAM if n <= PARTIES * 9 // 10 else OTHER_TEAM
        yield {
            "id": n,
            "team_id": team,
            "name": f"Agency {n:04}",
            "name_key": f"agency {n:04}",
            "kind": "agency",
            "owner_id": USER,
            "created_at": NOW - timedelta(days=SPAN_DAYS + 1),
        }


def _party_of(rng: random.Random) -> int:
    # Parties 1..900 belong to the measured workspace, 901..1000 to the other one (10% of rows).
    return rng.randint(1, 900) if rng.random() < 0.9 else rng.randint(901, PARTIES)


def _team(party_id: int) -> str:
    return TEAM if party_id <= PARTIES * 9 // 10 else OTHER_TEAM


def _interaction_rows() -> Iterator[dict[str, Any]]:
    rng = random.Random(1)
    words = Words(rng)
    kinds = ("meeting", "call", "email", "visit", "chat")
    for n in range(1, INTERACTIONS + 1):
        party_id = _party_of(rng)
        at = _moment(rng)
        yield {
            "id": n,
            "team_id": _team(party_id),
            "party_id": party_id,
            "occurred_at": at,
            "kind": kinds[n % 5],
            "summary": _text(words, rng, 6, 14),
            "people": [],
            "contacts": [],
            "follow_up_has_time": False,
            "source": "command",
            "permalink": f"https://example.slack.com/archives/C1/p{n:016}" if n % 3 == 0 else None,
            "logged_by": USER,
            "created_at": at,
        }


def _issue_rows() -> Iterator[dict[str, Any]]:
    rng = random.Random(2)
    words = Words(rng)
    numbers = {TEAM: 0, OTHER_TEAM: 0}
    for n in range(1, ISSUES + 1):
        party_id = _party_of(rng)
        team = _team(party_id)
        numbers[team] += 1
        at = _moment(rng)
        yield {
            "id": n,
            "team_id": team,
            "number": numbers[team],
            "party_id": party_id,
            "title": _text(words, rng, 3, 7),
            "details": _text(words, rng, 10, 10) if n % 2 else None,
            "severity": "medium",
            "owner_id": USER,
            "status": "open" if n % 5 == 0 else "closed",
            "follow_up_has_time": False,
            "source": "command",
            "raised_by": USER,
            "created_at": at,
            "updated_at": at,
        }


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    while batch := list(islice(rows, BATCH)):
        yield batch


def load(engine: Engine) -> None:
    """Migrate, then fill with Core bulk inserts (the search index fills itself as in the app)."""
    migrate(engine)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA synchronous=OFF")
        for team in (TEAM, OTHER_TEAM):
            connection.execute(
                insert(Workspace.__table__),  # type: ignore[arg-type]
                [{"team_id": team, "issue_seq": 0, "renudge_days": 7, "cold_after_days": 30,
                  "digest_mentions": False, "created_at": NOW}],
            )  # fmt: skip
        for model, rows in ((Party, _party_rows), (Interaction, _interaction_rows), (Issue, _issue_rows)):
            started = time.perf_counter()
            for batch in _batches(rows()):
                connection.execute(insert(model.__table__), batch)  # type: ignore[attr-defined]
            print(f"  {model.__tablename__}: {time.perf_counter() - started:.0f} s", flush=True)
        if engine.dialect.name == "postgresql":
            for table in ("workspace", "party", "interaction", "issue"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


def sqlite_db(regenerate: bool) -> Database:
    if regenerate or not SQLITE_CACHE.exists():
        partial = SQLITE_CACHE.with_suffix(".partial")
        for leftover in [SQLITE_CACHE, *partial.parent.glob(partial.name + "*")]:
            leftover.unlink(missing_ok=True)
        started = time.perf_counter()
        engine = create_engine(f"sqlite:///{partial}")
        load(engine)
        engine.dispose()
        os.replace(partial, SQLITE_CACHE)
        print(f"generated {SQLITE_CACHE} in {time.perf_counter() - started:.0f} s")
    else:
        print(f"reusing {SQLITE_CACHE} (--regenerate makes it again)")
    db = Database.from_url(f"sqlite:///{SQLITE_CACHE}")
    migrate(db.engine)
    return db


def postgres_db(admin_url: str, regenerate: bool) -> Database:
    """The cached database, or a new one loaded under a temporary name and renamed once complete."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    partial = f"{PG_DATABASE}_partial"
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": PG_DATABASE})
        if regenerate or exists.first() is None:
            for name in (PG_DATABASE, partial):
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{partial}"'))
            started = time.perf_counter()
            engine = create_engine(make_url(admin_url).set(database=partial))
            load(engine)
            engine.dispose()
            connection.execute(text(f'ALTER DATABASE "{partial}" RENAME TO "{PG_DATABASE}"'))
            print(f"loaded PostgreSQL database {PG_DATABASE} in {time.perf_counter() - started:.0f} s")
        else:
            print(f"reusing PostgreSQL database {PG_DATABASE} (--regenerate makes it again)")
    admin.dispose()
    db = Database.from_url(
        make_url(admin_url).set(database=PG_DATABASE).render_as_string(hide_password=False)
    )
    migrate(db.engine)
    return db


# --------------------------------------------------------------------------- the queries


def queries(count: int) -> list[str]:
    """What people type after `/brm search`: a word or two, sometimes three, sometimes a phrase."""
    rng = random.Random(3)
    words = Words(rng, first_rank=COMMON)
    shapes = [1] * 40 + [2] * 40 + [3] * 10 + [0] * 10  # 0: a quoted two-word phrase
    chosen = []
    for n in range(count):
        shape = shapes[n % len(shapes)]
        if shape == 0:
            chosen.append('"' + " ".join(words.draw(2)) + '"')
        else:
            chosen.append(" ".join(dict.fromkeys(words.draw(shape))))
    rng.shuffle(chosen)
    return chosen


def common_queries(count: int) -> list[str]:
    top = vocabulary()[:COMMON]
    return [top[n % COMMON] for n in range(count)]


def _terms(query: str) -> SearchTerms:
    if query.startswith('"'):
        return SearchTerms(phrases=(tuple(query.strip('"').split()),))
    return SearchTerms(words=tuple(query.split()))


def searched(db: Database, query: str) -> Callable[[], object]:
    terms = _terms(query)

    def run() -> object:
        with db.workspace(TEAM) as session:
            return search_records(session, terms, limit=RESULTS).hits

    return run


def scanned(db: Database, query: str) -> Callable[[], object]:
    """The baseline: every word (or the phrase) somewhere in the text, by a scan, newest first."""
    needles = [query.strip('"')] if query.startswith('"') else query.split()

    def contains(column: Any, needle: str) -> Any:
        pattern = f"%{needle}%"
        return column.ilike(pattern) if db.engine.dialect.name == "postgresql" else column.like(pattern)

    def run() -> object:
        with db.workspace(TEAM) as session:
            interactions = session.exec(
                select(Interaction.id, Interaction.summary)
                .where(*(contains(col(Interaction.summary), needle) for needle in needles))
                .order_by(col(Interaction.occurred_at).desc())
                .limit(RESULTS + 1)
            ).all()
            issues = session.exec(
                select(Issue.id, Issue.title)
                .where(
                    *(or_(contains(col(Issue.title), n), contains(col(Issue.details), n)) for n in needles)
                )
                .order_by(col(Issue.created_at).desc())
                .limit(RESULTS + 1)
            ).all()
            return [*interactions, *issues]

    return run


WARM_UP = 3


def timed_each(runs: list[Callable[[], object]]) -> Timing:
    """Wall and CPU time of each call, after WARM_UP unmeasured calls (the first ones)."""
    for run in runs[:WARM_UP]:
        run()
    timing = Timing([], [])
    for run in runs:
        once = timed_read(run, 1)
        timing.wall_ms += once.wall_ms
        timing.cpu_ms += once.cpu_ms
    return timing


def measure(db: Database, fake: FakeSlack, chosen: list[str], common: list[str]) -> dict[str, Timing]:
    services = bench_services(db, fake, NOW)
    rows: dict[str, Timing] = {}
    sample = command(services, f"search {chosen[0]}", TEAM)()
    print(f"  e.g. /brm search {chosen[0]} → {_said(sample)}", flush=True)
    steps: list[tuple[str, list[Callable[[], object]]]] = [
        ("/brm search", [command(services, f"search {q}", TEAM) for q in chosen]),
        ("search queries", [searched(db, q) for q in chosen]),
        ("LIKE scan (baseline)", [scanned(db, q) for q in chosen]),
    ]
    if common:
        steps.append((f"search queries, {len(common)} common words", [searched(db, q) for q in common]))
        steps.append((f"LIKE scan, {len(common)} common words", [scanned(db, q) for q in common]))
    for label, runs in steps:
        started = time.perf_counter()
        rows[label] = timed_each(runs)
        print(
            f"  {label}: p50 {rows[label].p50:.1f} ms, p99 {rows[label].p99:.1f} ms "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    return rows


def _said(posted: list[dict[str, Any]]) -> str:
    if not posted:
        return "(nothing posted)"
    said = " ".join(str(posted[0].get("text", "")).split())
    return said[:80]


def report(results: dict[str, dict[str, Timing]], count: int, loads: list[str]) -> None:
    print()
    print(
        f"{INTERACTIONS:,} interactions and {ISSUES:,} issues (90% in the searched workspace); {count} "
        f"queries; {platform.platform()}; load average (1, 5, 15 min) {' then '.join(loads)}"
    )
    print()
    names = list(results)
    print("| | " + " | ".join(f"{name} p50 ms | {name} p99 ms | {name} CPU p50 ms" for name in names) + " |")
    print("|---|" + "---:|---:|---:|" * len(names))
    for label in next(iter(results.values())):
        cells = []
        for name in names:
            timing = results[name][label]
            cells.append(f"{timing.p50:.1f} | {timing.p99:.1f} | {statistics.median(timing.cpu_ms):.1f}")
        print(f"| {label} | {' | '.join(cells)} |")
    print()
    for name, rows in results.items():
        command_p99 = rows["/brm search"].p99
        search, scan = rows["search queries"], rows["LIKE scan (baseline)"]
        p50_x, p99_x = scan.p50 / search.p50, scan.p99 / search.p99
        verdict = "PASS" if command_p99 < TARGET_P99_MS and min(p50_x, p99_x) >= TARGET_SPEEDUP else "MISS"
        print(
            f"{verdict} {name}: /brm search p99 {command_p99:.1f} ms (target < {TARGET_P99_MS:.0f}); "
            f"search queries {p50_x:.0f}x faster than the scan at p50, {p99_x:.0f}x at p99 "
            f"(target >= {TARGET_SPEEDUP:.0f}x)"
        )


def _pg_admin_url() -> str:
    return os.environ.get("BRM_BENCH_POSTGRES_URL", DEFAULT_PG_ADMIN_URL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--common", type=int, default=20, help="one-word queries of the most common words")
    parser.add_argument("--regenerate", action="store_true", help="make the cached databases again")
    parser.add_argument("--build-only", action="store_true", help="make or check the caches, time nothing")
    args = parser.parse_args()
    chosen, common = queries(args.queries), common_queries(args.common)
    results: dict[str, dict[str, Timing]] = {}
    loads = [load_average()]
    with FakeSlack() as fake:
        fake.add_user(USER, tz="America/New_York", name="jane", real_name="Jane Doe")
        for name, wanted, open_db in (
            ("SQLite", "sqlite", lambda: sqlite_db(args.regenerate)),
            ("PostgreSQL", "postgresql", lambda: postgres_db(_pg_admin_url(), args.regenerate)),
        ):  # fmt: skip
            if args.database not in (wanted, "both"):
                continue
            print(name, flush=True)
            db = open_db()
            try:
                if not args.build_only:
                    results[name] = measure(db, fake, chosen, common)
            finally:
                db.dispose()
            loads.append(load_average())
    if results:
        report(results, len(chosen), loads)


if __name__ == "__main__":
    main()
