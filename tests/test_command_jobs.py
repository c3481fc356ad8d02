"""`/brm` commands through the job queue, through the doors Slack uses: the job is on disk before
Slack gets its acknowledgement, and a job that runs twice writes nothing twice and answers once."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import update
from sqlmodel import func, select

from app import build_app
from bot.clock import FrozenClock
from runtime.worker import LEASE, run_due_jobs
from storage import jobs
from storage.db import Database
from storage.models import Interaction, Issue, Job, JobStatus
from tests.conftest import SIGNING_SECRET, RunningApp, make_settings
from tests.support.fake_slack import FakeSlack
from tests.support.server import serve_in_thread
from tests.support.signing import SlackClient


@pytest.fixture
def web_only(database: Database, slack: FakeSlack, clock: FrozenClock) -> Iterator[RunningApp]:
    """The app answering Slack with no worker anywhere: jobs wait in the table until a test runs them."""
    brm = build_app(make_settings(slack), clock=clock, db=database, run_jobs_here=False)
    url, stop = serve_in_thread(brm.wsgi())
    try:
        yield RunningApp(brm, url, database, slack, clock, SlackClient(url, SIGNING_SECRET, slack))
    finally:
        stop()
        brm.close()


def the_jobs(app: RunningApp) -> list[Job]:
    with app.db.system() as session:
        return list(session.exec(select(Job).order_by(Job.id)))


def count(app: RunningApp, table: type) -> int:
    with app.db.workspace("T1") as session:
        return int(session.exec(select(func.count()).select_from(table)).one())


def test_a_command_is_on_disk_before_slack_gets_its_acknowledgement(web_only: RunningApp) -> None:
    sent = web_only.client.command("log DMV call about renewals")
    assert sent.status == 200
    [job] = the_jobs(web_only)  # the ack came back, and nothing has run the job yet
    assert (job.kind, job.status, job.team_id, job.key) == ("command", JobStatus.QUEUED, "T1", "T1:U1")
    assert job.payload["text"] == "log DMV call about renewals"
    assert web_only.slack.response_posts(sent.response_name) == []
    assert run_due_jobs(web_only.brm.services) == 1
    [reply] = web_only.slack.wait_for_response(sent.response_name)
    assert "DMV" in json.dumps(reply.body)
    assert count(web_only, Interaction) == 1


def test_a_command_that_runs_again_writes_once_and_answers_once(web_only: RunningApp) -> None:
    sent = web_only.client.command("log DMV call. not working: portal login fails")
    run_due_jobs(web_only.brm.services)
    web_only.slack.wait_for_response(sent.response_name)
    # As if the worker died after the work and before recording the job done: it runs again.
    with web_only.db.system() as session:
        session.execute(update(Job).values(status=JobStatus.QUEUED))
    assert run_due_jobs(web_only.brm.services) == 1
    assert count(web_only, Interaction) == 1
    assert count(web_only, Issue) == 1
    assert len(web_only.slack.response_posts(sent.response_name)) == 1


def test_a_command_whose_worker_died_every_time_tells_the_person(
    web_only: RunningApp, clock: FrozenClock
) -> None:
    sent = web_only.client.command("log DMV call about renewals")
    [job] = the_jobs(web_only)
    services = web_only.brm.services
    for attempt in range(job.max_attempts):  # claimed, and each time the worker died before the end
        with services.db.system() as session:
            jobs.claim_due(session, now=clock.now(), worker=f"dead-{attempt}", limit=1, lease=LEASE)
        clock.advance(seconds=LEASE.total_seconds() + 1)
    assert run_due_jobs(services) == 1
    [reply] = web_only.slack.wait_for_response(sent.response_name)
    assert "didn't work and nothing was saved" in json.dumps(reply.body)
    assert f"job-{job.id}" in json.dumps(reply.body)
    assert [j.status for j in the_jobs(web_only)] == [JobStatus.FAILED]
    assert count(web_only, Interaction) == 0


def test_one_persons_commands_are_answered_in_the_order_they_were_sent(web_only: RunningApp) -> None:
    logged = web_only.client.command("log DMV call. not working: printer toner runs dry")
    shown = web_only.client.command("show #1")
    other = web_only.client.command("list", user_id="U2")
    with web_only.db.system() as session:
        first = jobs.claim_due(
            session, now=web_only.clock.now(), worker="w", limit=10, lease=LEASE
        )  # the show waits for the log; the other person's list does not
    assert [claimed.payload["text"] for claimed in first] == [
        "log DMV call. not working: printer toner runs dry",
        "list",
    ]
    with web_only.db.system() as session:
        session.execute(update(Job).values(status=JobStatus.QUEUED, lease_holder=None))
    run_due_jobs(web_only.brm.services)
    web_only.slack.wait_for_response(logged.response_name)
    web_only.slack.wait_for_response(other.response_name)
    [card] = web_only.slack.wait_for_response(shown.response_name)
    assert "Issue #1: printer toner runs dry" in json.dumps(card.body)


def test_a_command_the_queue_cannot_take_is_refused_in_the_ack(
    web_only: RunningApp, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def database_down(*args: object, **kwargs: object) -> int:
        raise OSError("connection refused")

    monkeypatch.setattr(web_only.brm.services.jobs, "enqueue", database_down)
    sent = web_only.client.command("log DMV call about renewals")
    assert sent.status == 200
    assert "couldn't take that command" in sent.body and "nothing was saved" in sent.body
    assert "could not queue a /brm command" in caplog.text
    assert the_jobs(web_only) == []
