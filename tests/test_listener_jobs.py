"""Shortcuts, forms and events through the job queue (handlers/after_ack.py): the work is on disk
before Slack gets its answer, a refused form queues nothing, and the job does what the listener did."""

from __future__ import annotations

from sqlmodel import select

from bot.form_fields import Field
from runtime.worker import run_due_jobs
from slack_api.ids import Shortcut
from storage.models import Interaction, Job, JobStatus
from tests.conftest import RunningApp
from tests.test_command_jobs import the_jobs, web_only  # noqa: F401  (the fixture)
from tests.test_log_command import add_party, rows
from tests.test_shortcuts import EXAMPLE, as_shown, inputs, post


def open_form_now(app: RunningApp) -> dict:
    sent = app.client.message_shortcut(Shortcut.LOG_INTERACTION, post(app, EXAMPLE))
    assert sent.status == 200
    [job] = the_jobs(app)
    assert (job.kind, job.status, job.key) == ("open_form", JobStatus.QUEUED, "T1:U1")
    assert app.slack.calls_to("views.open") == []  # nothing ran before the ack
    assert run_due_jobs(app.brm.services) == 1
    [opened] = app.slack.wait_for("views.open")
    return opened.response["view"]


def test_a_shortcut_is_queued_before_its_ack_and_its_job_opens_the_form(web_only: RunningApp) -> None:  # noqa: F811
    add_party(web_only, "DMV")
    view = open_form_now(web_only)
    assert "the portal is down again" in inputs(view)[Field.SUMMARY]["initial_value"]


def test_a_form_that_passes_is_saved_by_its_job_and_a_refused_one_queues_nothing(
    web_only: RunningApp,  # noqa: F811
) -> None:
    add_party(web_only, "DMV")
    view = open_form_now(web_only)

    refused = web_only.client.view_submission(
        None, as_shown(view, **{Field.SUMMARY: {"value": "   "}}), view=view
    )
    assert refused.json()["response_action"] == "errors"  # in the HTTP response, at once
    assert [job.kind for job in the_jobs(web_only)] == ["open_form"]

    accepted = web_only.client.view_submission(None, as_shown(view), view=view)
    assert accepted.status == 200 and accepted.body.strip() == ""
    assert the_jobs(web_only)[-1].kind == "save_form"
    assert rows(web_only, Interaction) == []  # saved by the job, not in the ack
    web_only.clock.advance(minutes=5)  # the job runs later; the form is read as it was when checked
    assert run_due_jobs(web_only.brm.services) == 1
    [saved] = rows(web_only, Interaction)
    assert "the portal is down again" in saved.summary
    assert saved.follow_up_at is not None
    assert saved.follow_up_at.date().isoformat() == "2026-12-01"  # "next Tuesday" as of the submit
    assert web_only.slack.wait_for("chat.postMessage")  # the receipt in the message's thread


def test_an_event_is_queued_before_its_ack(web_only: RunningApp) -> None:  # noqa: F811
    sent = web_only.client.reaction_added("U1", "white_check_mark", "C1", "1700000000.000100")
    assert sent.status == 200
    [job] = the_jobs(web_only)
    assert job.kind == "reaction_added"
    assert run_due_jobs(web_only.brm.services) == 1  # not a nudge: nothing to do, and done
    with web_only.db.system() as session:
        assert session.exec(select(Job.status)).all() == [JobStatus.DONE]
    assert web_only.slack.calls_to("chat.update") == []
