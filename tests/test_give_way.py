"""Acknowledgements first (runtime/give_way.py): the worker beside the web process does not start a
job while a Slack request is being answered, starts it as soon as none is, and never waits longer
than its cap."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest

from bot.clock import FrozenClock
from runtime.build import build_services
from runtime.give_way import GiveWay, WebActivity
from runtime.kinds import JobRun, job_kind
from runtime.services import Services
from runtime.worker import Worker
from storage.db import Database
from tests.conftest import RunningApp, make_settings
from tests.support.fake_slack import FakeSlack

ran: list[str] = []
ran_now = threading.Event()


@job_kind("test:after-the-ack")
def after_the_ack(services: Services, job: JobRun) -> None:
    ran.append(job.payload["label"])
    ran_now.set()


@pytest.fixture
def services(database: Database, slack: FakeSlack, clock: FrozenClock) -> Iterator[Services]:
    ran.clear()
    ran_now.clear()
    yield build_services(make_settings(slack), clock=clock, db=database)


@pytest.fixture
def activity() -> Iterator[WebActivity]:
    yield WebActivity()


def running_worker(services: Services, activity: WebActivity, **timing: float) -> Worker:
    give_way = GiveWay.from_fd(os.dup(activity.fd), **timing)
    worker = Worker(services, threads=1, give_way=give_way.wait)
    worker.start()
    return worker


def enqueue(services: Services, label: str) -> None:
    services.jobs.enqueue("test:after-the-ack", {"label": label}, team_id="T1")


def test_a_job_waits_for_the_request_in_flight_and_runs_once_it_is_answered(
    services: Services, activity: WebActivity
) -> None:
    worker = running_worker(services, activity, at_most=60.0)
    try:
        with activity:  # a request is being answered
            enqueue(services, "saved")
            assert not ran_now.wait(0.5)
            assert ran == []
        assert ran_now.wait(10)
        assert ran == ["saved"]
    finally:
        worker.stop()


def test_a_web_process_that_is_never_quiet_still_gets_its_jobs_run(
    services: Services, activity: WebActivity
) -> None:
    worker = running_worker(services, activity, at_most=0.3)
    try:
        with activity:
            began = time.monotonic()
            enqueue(services, "not starved")
            assert ran_now.wait(10)
            assert time.monotonic() - began >= 0.3  # it did wait, up to the cap
        assert ran == ["not starved"]
    finally:
        worker.stop()


def test_the_web_process_counts_every_slack_request_it_answers(app: RunningApp) -> None:
    app.brm.web_activity = WebActivity()
    seen = GiveWay.from_fd(os.dup(app.brm.web_activity.fd), quiet=3600.0)
    assert not seen.busy()
    app.command("log call with DMV about the renewal backlog")
    assert seen.busy()  # a request finished within the last hour
