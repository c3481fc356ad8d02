"""A job that runs twice posts nothing twice through the Web API either (slack_api/job_client.py):
`/brm digest send` posts its digest once, even when its reply was not counted; a form's receipt, in
the thread or to the person alone, is made once."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from handlers import views
from runtime.worker import run_due_jobs
from slack_api.ids import Shortcut
from storage.models import Interaction, Job, JobStatus
from tests.conftest import RunningApp
from tests.test_command_jobs import the_jobs, web_only  # noqa: F401  (the fixture)
from tests.test_digest import add_issue, digest_posts
from tests.test_listener_jobs import open_form_now
from tests.test_log_command import add_party, rows
from tests.test_shortcuts import EXAMPLE, as_shown, post


def run_again(app: RunningApp, kind: str) -> int:
    """As if the worker died after the work but before recording it done: `kind`'s jobs run again."""
    with app.db.system() as session:
        session.execute(
            update(Job).where(Job.kind == kind).values(status=JobStatus.QUEUED, lease_holder=None)
        )
    return run_due_jobs(app.brm.services)


def thread_replies(app: RunningApp) -> list:
    return [call for call in app.slack.calls_to("chat.postMessage") if call.params.get("thread_ts")]


def test_a_form_job_that_runs_again_replies_in_the_thread_once(web_only: RunningApp) -> None:  # noqa: F811
    add_party(web_only, "DMV")
    view = open_form_now(web_only)
    web_only.client.view_submission(None, as_shown(view), view=view)
    assert run_due_jobs(web_only.brm.services) == 1
    [reply] = thread_replies(web_only)
    assert "DMV" in str(reply.params)

    assert run_again(web_only, "save_form") == 1
    assert len(rows(web_only, Interaction)) == 1
    assert len(thread_replies(web_only)) == 1


def test_a_shortcut_whose_job_runs_again_opens_the_form_once_and_tells_no_failure(
    web_only: RunningApp,  # noqa: F811
) -> None:
    add_party(web_only, "DMV")
    shortcut = web_only.client.message_shortcut(Shortcut.LOG_INTERACTION, post(web_only, EXAMPLE))
    assert run_due_jobs(web_only.brm.services) == 1
    assert len([call for call in web_only.slack.calls_to("views.open") if call.ok]) == 1

    # Slack took the trigger the first time; asked again it would answer expired_trigger_id.
    assert run_again(web_only, "open_form") == 1
    assert len(web_only.slack.calls_to("views.open")) == 1  # not asked again
    assert web_only.slack.response_posts(shortcut.response_name) == []  # no "couldn't open"
    assert [call for call in web_only.slack.calls_to("chat.postEphemeral")] == []


def test_a_form_job_that_died_between_the_save_and_the_receipt_sends_the_receipt_on_its_next_run(
    web_only: RunningApp,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_party(web_only, "DMV")
    view = open_form_now(web_only)
    web_only.client.view_submission(None, as_shown(view), view=view)
    real_announce = views.announce

    def die_once(*args: object) -> None:  # the worker is gone right after the save's commit
        monkeypatch.setattr(views, "announce", real_announce)
        raise RuntimeError("the worker died")

    monkeypatch.setattr(views, "announce", die_once)
    assert run_due_jobs(web_only.brm.services) == 1
    assert len(rows(web_only, Interaction)) == 1
    assert thread_replies(web_only) == []

    web_only.clock.advance(seconds=2)  # the retry's backoff
    assert run_due_jobs(web_only.brm.services) == 1
    [reply] = thread_replies(web_only)  # the receipt, for the record saved before
    assert "DMV" in str(reply.params)
    assert len(rows(web_only, Interaction)) == 1

    assert run_again(web_only, "save_form") == 1  # and never a second one
    assert len(thread_replies(web_only)) == 1


def test_a_form_job_that_cannot_use_the_thread_tells_the_person_once(
    web_only: RunningApp,  # noqa: F811
) -> None:
    add_party(web_only, "DMV")
    shortcut = web_only.client.message_shortcut(Shortcut.LOG_INTERACTION, post(web_only, EXAMPLE))
    run_due_jobs(web_only.brm.services)
    [opened] = web_only.slack.wait_for("views.open")
    view = opened.response["view"]
    web_only.slack.set_not_in_channel("C1")  # no thread reply: the receipt goes to the person alone
    web_only.client.view_submission(None, as_shown(view), view=view)
    run_due_jobs(web_only.brm.services)
    [told] = web_only.slack.response_posts(shortcut.response_name)
    assert "DMV" in str(told.body)

    assert run_again(web_only, "save_form") == 1
    assert len(web_only.slack.response_posts(shortcut.response_name)) == 1
    assert [call for call in web_only.slack.calls_to("chat.postMessage") if call.ok] == []


def test_a_digest_send_that_runs_again_posts_the_digest_once(web_only: RunningApp) -> None:  # noqa: F811
    dmv = add_party(web_only, "DMV")
    add_issue(web_only, dmv, "renewal emails bounce", number=1)
    sent = web_only.client.command("digest send", channel_id="C7")
    assert run_due_jobs(web_only.brm.services) == 1
    [post] = digest_posts(web_only, "C7")
    assert "renewal emails bounce" in str(post.params)
    [_reply] = web_only.slack.response_posts(sent.response_name)

    assert run_again(web_only, "command") == 1
    assert len(digest_posts(web_only, "C7")) == 1
    assert len(web_only.slack.response_posts(sent.response_name)) == 1
    assert [job.status for job in the_jobs(web_only)] == [JobStatus.DONE]


def test_a_digest_send_whose_reply_was_not_counted_finds_its_post_in_the_channel(
    web_only: RunningApp,  # noqa: F811
) -> None:
    dmv = add_party(web_only, "DMV")
    add_issue(web_only, dmv, "renewal emails bounce", number=1)
    sent = web_only.client.command("digest send", channel_id="C7")
    run_due_jobs(web_only.brm.services)
    # As if the worker died after posting the digest, before its reply was counted.
    with web_only.db.system() as session:
        session.execute(update(Job).values(status=JobStatus.QUEUED, lease_holder=None, posts_done=0))
    run_due_jobs(web_only.brm.services)
    assert len(digest_posts(web_only, "C7")) == 1
    assert len(web_only.slack.response_posts(sent.response_name)) == 2  # the reply, which is ephemeral
