"""A person who changes timezone gets their dates read in the new one from their next command."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlmodel import col, select

from storage.models import Interaction, Job, JobStatus
from tests.conftest import RunningApp


def follow_ups(app: RunningApp) -> list[datetime]:
    with app.db.workspace("T1") as session:
        return [i.follow_up_at for i in session.exec(select(Interaction).order_by(Interaction.id))]


def wait_for_jobs(app: RunningApp, seconds: float = 10) -> None:
    """Until every job enqueued so far is done: the worker's own cache is forgotten by a job."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with app.db.system() as session:
            unfinished = select(Job).where(col(Job.status).in_([JobStatus.QUEUED, JobStatus.RUNNING]))
            if session.exec(unfinished).first() is None:
                return
        time.sleep(0.02)
    raise AssertionError(f"jobs still unfinished after {seconds} s")


def test_user_change_refreshes_the_timezone(app: RunningApp) -> None:
    app.command("log DOT call. follow up tomorrow")
    app.slack.add_user("U1", tz="America/Los_Angeles", name="jane", real_name="Jane Doe")

    app.command("log DOT call. follow up tomorrow")  # still the cached New York profile
    sent = app.client.event({"type": "user_change", "user": {"id": "U1", "tz": "America/Los_Angeles"}})
    assert sent.status == 200
    wait_for_jobs(app)  # the worker's copy of the profile is forgotten by a job of its own
    app.command("log DOT call. follow up tomorrow")

    new_york_9am = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    los_angeles_9am = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    assert follow_ups(app) == [new_york_9am, new_york_9am, los_angeles_9am]
    assert len(app.slack.calls_to("users.info")) == 2
