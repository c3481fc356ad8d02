"""A ✅ on a nudge that Slack delivers before the nudge is recorded as sent (the sender records a
batch's nudges once all of its posts are answered) is tried again until it is, not dropped; a
reaction on one of the bot's other messages is still ignored at once."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import select

from runtime.worker import run_due_jobs
from storage.models import IssueStatus, Job, JobStatus, Nudge, NudgeStatus
from tests.conftest import RunningApp
from tests.test_nudges import audit, logged_and_due, the_issue, wait_until


def reaction_jobs(app: RunningApp) -> list[Job]:
    with app.db.system() as session:
        return list(session.exec(select(Job).where(Job.kind == "reaction_added").order_by(Job.id)))


def back_to_being_sent(app: RunningApp, ts: str) -> None:
    """The moment between the nudge's post and its record: `sending`, with no message yet."""
    with app.db.system() as session:
        session.execute(
            update(Nudge)
            .where(Nudge.message_ts == ts)  # type: ignore[arg-type]
            .values(status=NudgeStatus.SENDING, message_ts=None, channel_id=None, claimed_by="a sender")
        )
        session.commit()


def recorded(app: RunningApp, channel: str, ts: str) -> None:
    with app.db.system() as session:
        session.execute(
            update(Nudge)
            .where(Nudge.status == NudgeStatus.SENDING)  # type: ignore[arg-type]
            .values(status=NudgeStatus.SENT, message_ts=ts, channel_id=channel)
        )
        session.commit()


def test_a_check_mark_before_the_nudge_is_recorded_closes_the_issue_once_it_is(app: RunningApp) -> None:
    post = logged_and_due(app)
    channel, ts = post.response["channel"], post.response["ts"]
    back_to_being_sent(app, ts)

    sent = app.client.reaction_added("U1", "white_check_mark", channel, ts, item_user=app.slack.bot_user_id)
    assert sent.status == 200

    def tried_once() -> bool:
        return [(j.status, j.attempts) for j in reaction_jobs(app)] == [(JobStatus.QUEUED, 1)]

    assert wait_until(tried_once), [(j.status, j.attempts) for j in reaction_jobs(app)]
    [job] = reaction_jobs(app)
    assert "NotRecordedYet" in (job.last_error or "")
    assert the_issue(app).status == IssueStatus.OPEN

    recorded(app, channel, ts)
    app.clock.advance(seconds=3)  # the job's retry is due
    run_due_jobs(app.brm.services)  # now, in this thread (the worker's poll may be a second off)
    assert wait_until(lambda: the_issue(app).status == IssueStatus.CLOSED)
    assert the_issue(app).closed_by == "U1"
    assert len(audit(app, "closed")) == 1
    assert wait_until(lambda: [j.status for j in reaction_jobs(app)] == [JobStatus.DONE])


def test_a_check_mark_on_another_bot_message_is_ignored_at_once(app: RunningApp) -> None:
    logged_and_due(app)  # its nudge is recorded: nothing is being sent
    other = app.slack.add_message("C1", text="a message the bot posted", user=app.slack.bot_user_id)

    app.client.reaction_added("U1", "white_check_mark", "C1", other["ts"], item_user=app.slack.bot_user_id)

    assert wait_until(lambda: [(j.status, j.attempts) for j in reaction_jobs(app)] == [(JobStatus.DONE, 1)])
    assert the_issue(app).status == IssueStatus.OPEN
