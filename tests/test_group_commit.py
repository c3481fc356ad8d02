"""Many `/brm` commands at once, through the doors Slack uses: the process's job writer commits the
jobs of all the requests waiting together, and still no acknowledgement comes back before its own
job is on disk (runtime/group_commit.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlmodel import select

from app import build_app
from bot.clock import FrozenClock
from handlers.commands import COMMAND_JOB
from runtime import group_commit
from storage.db import Database
from storage.models import Job
from tests.conftest import SIGNING_SECRET, RunningApp, make_settings
from tests.support.fake_slack import FakeSlack
from tests.support.server import serve_in_thread
from tests.support.signing import Sent, SlackClient

SENDERS = 12


@pytest.fixture
def web_only(database: Database, slack: FakeSlack, clock: FrozenClock) -> Iterator[RunningApp]:
    """The app answering Slack with no worker anywhere: jobs stay in the table for the test to read."""
    brm = build_app(make_settings(slack), clock=clock, db=database, run_jobs_here=False)
    url, stop = serve_in_thread(brm.wsgi(), threads=SENDERS + 4)
    try:
        yield RunningApp(brm, url, database, slack, clock, SlackClient(url, SIGNING_SECRET, slack))
    finally:
        stop()
        brm.close()


def queued_texts(database: Database) -> list[str]:
    with database.system() as session:
        return [job.payload["text"] for job in session.exec(select(Job).order_by(Job.id))]


def send_together(app: RunningApp, texts: list[str]) -> tuple[list[threading.Thread], dict[str, Sent]]:
    """Send the commands from one thread each, all at once; the threads are returned running."""
    answers: dict[str, Sent] = {}
    start = threading.Barrier(len(texts))

    def send(text: str, user: str) -> None:
        start.wait()
        answers[text] = app.client.command(text, user_id=user)

    threads = [
        threading.Thread(target=send, args=(text, f"U{n % 4 + 1}"), daemon=True)
        for n, text in enumerate(texts)
    ]
    for thread in threads:
        thread.start()
    return threads, answers


def hold_the_database(database: Database) -> tuple[threading.Event, threading.Thread]:
    """Take the job table's write lock from another connection until the returned event is set."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with database.engine.connect() as connection:
            if database.engine.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.exec_driver_sql("LOCK TABLE job IN EXCLUSIVE MODE")
            taken.set()
            release.wait(30)
            connection.rollback()

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert taken.wait(10)
    return release, holder


def test_commands_sent_together_are_each_on_disk_when_acknowledged(web_only: RunningApp) -> None:
    texts = [f"log DMV call number {n}" for n in range(SENDERS)]
    on_disk_at_ack: dict[str, bool] = {}
    answers: dict[str, Sent] = {}
    start = threading.Barrier(SENDERS)

    def send(text: str) -> None:
        start.wait()
        answers[text] = web_only.client.command(text)
        on_disk_at_ack[text] = text in queued_texts(web_only.db)  # read the moment the ack is in

    threads = [threading.Thread(target=send, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert {text: answer.status for text, answer in answers.items()} == dict.fromkeys(texts, 200)
    assert on_disk_at_ack == dict.fromkeys(texts, True)
    assert sorted(queued_texts(web_only.db)) == sorted(texts)  # each once


def test_no_acknowledgement_comes_back_while_the_database_cannot_commit(web_only: RunningApp) -> None:
    release, holder = hold_the_database(web_only.db)
    texts = [f"log DMV visit number {n}" for n in range(SENDERS)]
    threads, answers = send_together(web_only, texts)
    time.sleep(1.0)
    assert answers == {}  # every request is waiting for its job's commit
    release.set()
    holder.join(10)
    for thread in threads:
        thread.join(30)
    assert {text: answer.status for text, answer in answers.items()} == dict.fromkeys(texts, 200)
    assert all("couldn't take" not in answer.body for answer in answers.values())
    assert sorted(queued_texts(web_only.db)) == sorted(texts)


# Only SQLite gives up waiting for the lock; PostgreSQL waits for as long as a lock is held.
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_commands_the_database_stays_locked_for_are_refused_and_nothing_is_queued(
    web_only: RunningApp, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(group_commit, "LOCK_WAIT_SECONDS", 0.5)
    release, holder = hold_the_database(web_only.db)
    texts = [f"log DMV email number {n}" for n in range(SENDERS)]
    threads, answers = send_together(web_only, texts)
    for thread in threads:
        thread.join(30)
    release.set()
    holder.join(10)
    assert len(answers) == SENDERS
    for answer in answers.values():
        assert answer.status == 200
        assert "couldn't take that command" in answer.body and "nothing was saved" in answer.body
    assert "could not queue a /brm command" in caplog.text
    assert queued_texts(web_only.db) == []
    # The writer carries on once the database is free again.
    sent = web_only.client.command("log DMV call after the lock")
    assert sent.status == 200 and "couldn't take" not in sent.body
    assert queued_texts(web_only.db) == ["log DMV call after the lock"]


@pytest.mark.postgres
def test_a_command_after_the_server_dropped_the_writers_connections_is_saved_once(
    postgres_url: str, slack: FakeSlack, clock: FrozenClock
) -> None:
    """The job writer keeps its own connections and does not ping before each batch: a connection the
    server has dropped (a database restart) is found at the insert, and the batch goes again on a
    new one, so the person is not told that nothing was saved."""
    database = Database.from_url(postgres_url, clock=clock)
    brm = build_app(make_settings(slack), clock=clock, db=database, run_jobs_here=False)
    url, stop = serve_in_thread(brm.wsgi(), threads=4)
    client = SlackClient(url, SIGNING_SECRET, slack)
    try:
        with database.system() as session:
            session.execute(text("DELETE FROM job"))
        assert client.command("log DMV call before the restart").status == 200
        with database.engine.connect() as connection:
            dropped = connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        assert dropped >= 1  # the writer's connection, at least
        answer = client.command("log DMV call after the restart")
        assert answer.status == 200
        assert queued_texts(database) == ["log DMV call before the restart", "log DMV call after the restart"]
    finally:
        stop()
        brm.close()
        database.dispose()


def test_jobs_committed_in_one_batch_each_come_back_with_their_own_id(web_only: RunningApp) -> None:
    """Jobs that waited together are inserted in one statement: each caller still gets its own job's id."""
    queue = web_only.brm.services.jobs
    release, holder = hold_the_database(web_only.db)  # so that every job waits, and they go together
    start = threading.Barrier(SENDERS)
    ids: dict[int, int] = {}

    def enqueue(n: int) -> None:
        start.wait()
        ids[n] = queue.enqueue(COMMAND_JOB, {"text": f"log DMV call {n}"}, team_id="T1", key=f"T1:U{n}")

    threads = [threading.Thread(target=enqueue, args=(n,), daemon=True) for n in range(SENDERS)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    release.set()
    holder.join(10)
    for thread in threads:
        thread.join(30)
    with web_only.db.system() as session:
        texts = {job.id: job.payload["text"] for job in session.exec(select(Job))}
    assert len(texts) == SENDERS
    assert {n: texts[job_id] for n, job_id in ids.items()} == {n: f"log DMV call {n}" for n in range(SENDERS)}
