"""Many senders, crashes and restarts: every nudge is posted exactly once.

Real OS processes (tests/support/nudge_worker.py) sweep the same database against the fake Slack,
as app processes on one PostgreSQL would. The nudges are due by the real clock here, since each
process keeps its own time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from storage.db import Database
from storage.models import Nudge, NudgeStatus
from tests.conftest import _truncate_all
from tests.support.fake_slack import FakeSlack
from tests.support.nudge_worker import seed_due_nudges

ROOT = Path(__file__).resolve().parent.parent


def database_url(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def start_worker(db: Database, slack: FakeSlack, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.nudge_worker", database_url(db), slack.url, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def finish(worker: subprocess.Popen[str], timeout: float = 240) -> str:
    out, err = worker.communicate(timeout=timeout)
    assert worker.returncode == 0, err[-3000:]
    return out


def posts_per_nudge(slack: FakeSlack) -> Counter[int]:
    """How many times each nudge reached Slack, by the nudge id each message carries."""
    return Counter(
        c.params["metadata"]["event_payload"]["nudge_id"] for c in slack.calls_to("chat.postMessage") if c.ok
    )


def statuses(db: Database, ids: list[int]) -> Counter[str]:
    with db.system() as session:
        return Counter(session.exec(select(Nudge.status).where(Nudge.id.in_(ids))))  # type: ignore[union-attr]


@pytest.fixture
def postgres(postgres_url: str) -> Iterator[Database]:
    db = Database.from_url(postgres_url)
    _truncate_all(db)
    yield db
    db.dispose()


@pytest.mark.postgres
def test_several_processes_drain_thousands_of_due_nudges_each_posted_once(
    postgres: Database, slack: FakeSlack
) -> None:
    ids = seed_due_nudges(postgres, count=2000, channels=100)
    # No pacing per channel here: the point is the sharing, not Slack's limits.
    workers = [start_worker(postgres, slack, "--threads", "8", "--pace", "0") for _ in range(3)]
    swept = [int(finish(w).split()[1]) for w in workers]

    per_nudge = posts_per_nudge(slack)
    assert sum(swept) == 2000
    assert set(per_nudge) == set(ids) and max(per_nudge.values()) == 1
    assert statuses(postgres, ids) == {NudgeStatus.SENT: 2000}
    # They really shared the work.
    assert sum(1 for n in swept if n > 0) >= 2, swept


def test_a_process_killed_in_the_middle_of_a_sweep_loses_and_doubles_nothing(
    database: Database, slack: FakeSlack
) -> None:
    ids = seed_due_nudges(database, count=600, channels=30)
    # Each post is held a moment before it is recorded, so the kill lands between the two for some.
    victim = start_worker(database, slack, "--hold", "0.2", "--threads", "8", "--pace", "0")
    slack.wait_for("chat.postMessage", 100, timeout=60)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)

    posted_before = posts_per_nudge(slack)
    with database.system() as session:
        caught = [
            n.id
            for n in session.exec(select(Nudge).where(Nudge.status == NudgeStatus.SENDING))
            if n.id in posted_before
        ]
    assert caught, "the kill should have caught nudges posted but not yet recorded"

    # A restarted process recovers the dead one's claims once their lease runs out.
    time.sleep(1.1)
    survivor = start_worker(database, slack, "--lease", "1", "--pace", "0")
    finish(survivor)

    per_nudge = posts_per_nudge(slack)
    assert set(per_nudge) == set(ids), "every nudge was posted"
    assert max(per_nudge.values()) == 1, [n for n, c in per_nudge.items() if c > 1]
    assert statuses(database, ids) == {NudgeStatus.SENT: 600}
    # The caught ones were found in the channel's history, not posted again.
    assert len(slack.calls_to("conversations.history")) >= len(caught)
