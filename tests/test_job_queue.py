"""The durable job queue (storage/jobs.py, runtime/): claiming, order, leases, retries, failure and
running twice, on both databases, driven with the test clock."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.clock import FrozenClock
from runtime.build import build_services
from runtime.kinds import KINDS, JobRun, job_kind
from runtime.services import Services
from runtime.worker import LEASE, Worker, release_the_dead, run_claimed, run_due_jobs
from storage import jobs
from storage.db import Database
from storage.models import Job, JobStatus
from tests.conftest import make_settings
from tests.support.fake_slack import FakeSlack

ran: list[tuple[int, str]] = []  # (job id, label) of every attempt of the kinds below
posted: list[str] = []
told: list[tuple[int, str]] = []
fail_times: dict[str, int] = {}  # label -> attempts still to fail


@job_kind("test:note")
def note(services: Services, job: JobRun) -> None:
    ran.append((job.id, job.payload["label"]))


def _tell(services: Services, job: JobRun, reference: str) -> None:
    told.append((job.id, reference))


@job_kind("test:flaky", max_attempts=3, on_failure=_tell)
def flaky(services: Services, job: JobRun) -> None:
    label = job.payload["label"]
    ran.append((job.id, label))
    job.post_once(lambda: posted.append(f"{label} first"))
    if fail_times.get(label, 0) > 0:
        fail_times[label] -= 1
        raise RuntimeError(f"{label} went wrong")
    job.post_once(lambda: posted.append(f"{label} second"))


@pytest.fixture
def services(database: Database, slack: FakeSlack, clock: FrozenClock) -> Iterator[Services]:
    ran.clear()
    posted.clear()
    told.clear()
    fail_times.clear()
    yield build_services(make_settings(slack), clock=clock, db=database)


def enqueue(services: Services, kind: str, label: str, key: str | None = None) -> int:
    return services.jobs.enqueue(kind, {"label": label}, team_id="T1", key=key)


def claim(services: Services, worker: str = "w1", limit: int = 10) -> list[jobs.ClaimedJob]:
    with services.db.system() as session:
        return jobs.claim_due(session, now=services.clock.now(), worker=worker, limit=limit, lease=LEASE)


def job_row(services: Services, job_id: int) -> Job:
    with services.db.system() as session:
        job = jobs.job_by_id(session, job_id)
    assert job is not None
    return job


def test_an_enqueued_job_runs_once_and_is_kept_as_done(services: Services, clock: FrozenClock) -> None:
    job_id = enqueue(services, "test:note", "hello")
    assert job_row(services, job_id).status == JobStatus.QUEUED  # committed, before anything ran
    assert run_due_jobs(services) == 1
    assert run_due_jobs(services) == 0
    assert ran == [(job_id, "hello")]
    done = job_row(services, job_id)
    assert (done.status, done.attempts, done.finished_at) == (JobStatus.DONE, 1, clock.now())
    assert done.lease_holder is None


def test_one_keys_jobs_are_claimed_one_at_a_time_in_order_and_other_keys_beside_them(
    services: Services,
) -> None:
    first = enqueue(services, "test:note", "U1 first", key="T1:U1")
    second = enqueue(services, "test:note", "U1 second", key="T1:U1")
    other = enqueue(services, "test:note", "U2", key="T1:U2")
    loose = enqueue(services, "test:note", "no key")
    assert [job.id for job in claim(services)] == [first, other, loose]
    assert claim(services, worker="w2") == []  # the second waits for the first, whoever asks
    with services.db.system() as session:
        assert jobs.finish(session, first, worker="w1", now=services.clock.now())
    assert [job.id for job in claim(services, worker="w2")] == [second]


def test_a_job_past_its_time_limit_no_longer_holds_up_its_persons_next_one(
    services: Services, clock: FrozenClock
) -> None:
    slow = enqueue(services, "test:note", "a follow-ups that never ends", key="T1:U1")
    after = enqueue(services, "test:note", "the next command", key="T1:U1")
    assert [job.id for job in claim(services)] == [slow]
    limit = KINDS["test:note"].time_limit
    clock.advance(seconds=limit.total_seconds() - 1)
    with services.db.system() as session:  # still being worked on: its lease is renewed
        jobs.renew(session, [slow], worker="w1", now=clock.now(), lease=LEASE)
    assert claim(services) == []
    clock.advance(seconds=2)
    with services.db.system() as session:
        jobs.renew(session, [slow], worker="w1", now=clock.now(), lease=LEASE)
    assert [job.id for job in claim(services)] == [after]


def test_a_job_whose_worker_stopped_renewing_is_claimed_again_after_the_lease(
    services: Services, clock: FrozenClock
) -> None:
    job_id = enqueue(services, "test:note", "x")
    [first] = claim(services, worker="w1")
    clock.advance(seconds=LEASE.total_seconds() - 1)
    assert claim(services, worker="w2") == []
    clock.advance(seconds=2)
    [again] = claim(services, worker="w2")
    assert (again.id, again.attempt) == (job_id, 2)
    with services.db.system() as session:  # the first worker, back from a long pause, holds nothing
        assert not jobs.finish(session, job_id, worker="w1", now=clock.now())
        assert jobs.finish(session, job_id, worker="w2", now=clock.now())
    assert first.attempt == 1


def test_a_failed_attempt_is_retried_with_backoff_and_posts_nothing_twice(
    services: Services, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    fail_times["flaky"] = 1
    job_id = enqueue(services, "test:flaky", "flaky")
    assert run_due_jobs(services) == 1
    retried = job_row(services, job_id)
    assert retried.status == JobStatus.QUEUED
    assert retried.run_after == clock.now() + timedelta(seconds=2)
    assert "flaky went wrong" in (retried.last_error or "")
    assert run_due_jobs(services) == 0  # not before its time
    clock.advance(seconds=2)
    assert run_due_jobs(services) == 1
    assert job_row(services, job_id).status == JobStatus.DONE
    assert [label for _, label in ran] == ["flaky", "flaky"]
    assert posted == ["flaky first", "flaky second"]  # the first post was not made again
    assert "failed on attempt 1 of 3" in caplog.text
    assert told == []


def test_a_job_that_fails_every_attempt_is_kept_as_failed_logged_and_the_person_told(
    services: Services, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    fail_times["doomed"] = 99
    job_id = enqueue(services, "test:flaky", "doomed")
    for wait in (0, 2, 8):
        clock.advance(seconds=wait)
        assert run_due_jobs(services) == 1
    clock.advance(hours=1)
    assert run_due_jobs(services) == 0
    failed = job_row(services, job_id)
    assert (failed.status, failed.attempts) == (JobStatus.FAILED, 3)
    assert "doomed went wrong" in (failed.last_error or "")
    assert told == [(job_id, f"job-{job_id}")]
    assert f"job {job_id} (test:flaky) failed for good" in caplog.text
    with services.db.system() as session:
        assert [job.id for job in jobs.failed_jobs(session)] == [job_id]
        assert jobs.queue_health(session, now=clock.now()).failed == 1
        # An operator retries it: fresh attempts, due now.
        assert jobs.retry_failed(session, [job_id], now=clock.now()) == 1
    fail_times["doomed"] = 0
    assert run_due_jobs(services) == 1
    assert job_row(services, job_id).status == JobStatus.DONE


def test_a_job_whose_worker_died_during_every_attempt_is_given_up_without_running(
    services: Services, clock: FrozenClock
) -> None:
    job_id = enqueue(services, "test:flaky", "kills its worker")
    for attempt in range(3):
        [claimed] = claim(services, worker=f"dead-{attempt}")
        clock.advance(seconds=LEASE.total_seconds() + 1)
    [last] = claim(services, worker="w4")
    assert last.attempt == 4
    run_claimed(services, last, "w4")
    assert ran == []
    assert job_row(services, job_id).status == JobStatus.FAILED
    assert told == [(job_id, f"job-{job_id}")]
    assert claimed.id == job_id


def test_a_stopping_worker_hands_its_jobs_back_without_using_up_an_attempt(
    services: Services, clock: FrozenClock
) -> None:
    job_id = enqueue(services, "test:note", "x")
    claim(services, worker="w1")
    with services.db.system() as session:
        assert jobs.hand_back(session, [job_id], worker="w1", now=clock.now()) == 1
    [again] = claim(services, worker="w2")
    assert again.attempt == 1


def test_a_stop_during_a_claim_runs_the_job_the_claim_took(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A claim committed just before a stop: the job is no longer waiting, and not yet handed to a
    thread. The stop waits for it, so it runs now, not a lease or a restart later."""
    committed = threading.Event()
    real_claim = jobs.claim_due

    def slow_after_commit(session: Session, **kwargs: Any) -> list[jobs.ClaimedJob]:
        claimed = real_claim(session, **kwargs)
        if claimed:
            session.commit()  # the job is running in the table, not yet in the worker's hands
            committed.set()
            time.sleep(0.5)
        return claimed

    monkeypatch.setattr(jobs, "claim_due", slow_after_commit)
    worker = Worker(services, threads=2)
    worker.start()
    job_id = enqueue(services, "test:note", "claimed at the stop")
    assert committed.wait(10)

    worker.stop()

    assert ran == [(job_id, "claimed at the stop")]
    assert job_row(services, job_id).status == JobStatus.DONE


def test_jobs_of_a_worker_on_this_machine_that_is_gone_are_claimed_at_once(
    services: Services, clock: FrozenClock
) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(gone.stdout)
    job_id = enqueue(services, "test:note", "x")
    claim(services, worker=f"{socket.gethostname()}:{dead_pid}:abc")
    other = enqueue(services, "test:note", "y")
    claim(services, worker=f"{socket.gethostname()}:{os.getpid()}:def")  # alive: this process
    elsewhere = enqueue(services, "test:note", "z")
    claim(services, worker=f"another-host:{dead_pid}:ghi")  # maybe alive, over there
    assert release_the_dead(services) == 1
    assert [job.id for job in claim(services, worker="w2")] == [job_id]
    assert {other, elsewhere}.isdisjoint({job_id})


def test_workers_claiming_at_the_same_time_never_get_the_same_job(services: Services) -> None:
    ids = {enqueue(services, "test:note", f"n{n}") for n in range(120)}
    got: dict[str, list[int]] = {}
    start = threading.Barrier(4)

    def worker(name: str) -> None:
        mine: list[int] = got.setdefault(name, [])
        start.wait()
        while True:
            claimed = claim(services, worker=name, limit=5)
            if not claimed:
                return
            mine += [job.id for job in claimed]

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    every = [job_id for mine in got.values() for job_id in mine]
    assert sorted(every) == sorted(ids)  # each claimed exactly once


def test_queue_health_counts_whats_waiting_and_how_long_the_oldest_has_waited(
    services: Services, clock: FrozenClock
) -> None:
    enqueue(services, "test:note", "a")
    clock.advance(seconds=30)
    enqueue(services, "test:note", "b")
    with services.db.system() as session:
        health = jobs.queue_health(session, now=clock.now())
    assert (health.waiting, health.running, health.failed) == (2, 0, 0)
    assert health.oldest_waiting_seconds == 30


def one_done_and_one_failed(services: Services, clock: FrozenClock) -> None:
    enqueue(services, "test:note", "done")
    run_due_jobs(services)
    fail_times["f"] = 99
    enqueue(services, "test:flaky", "f")
    for wait in (0, 2, 8):  # every attempt, at its retry time
        clock.advance(seconds=wait)
        run_due_jobs(services)


def test_done_jobs_are_forgotten_after_a_while_and_failed_ones_kept(
    services: Services, clock: FrozenClock
) -> None:
    one_done_and_one_failed(services, clock)
    clock.advance(days=2)
    with services.db.system() as session:
        assert jobs.forget_done_before(session, clock.now() - timedelta(days=1)) == 1
        assert [job.status for job in session.exec(select(Job))] == [JobStatus.FAILED]


def test_the_queue_sweep_logs_what_waits_and_failed_and_forgets_old_done_jobs(
    services: Services, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    from runtime.scheduler import report_the_queue

    assert report_the_queue(services) == 0
    assert "jobs:" not in caplog.text  # nothing to say about an empty queue
    one_done_and_one_failed(services, clock)
    enqueue(services, "test:note", "waiting")
    clock.advance(days=1, seconds=5)
    assert report_the_queue(services) == 1
    assert "jobs: 1 waiting (the oldest for 86405 s), 0 running, 1 failed" in caplog.text
