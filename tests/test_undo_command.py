"""`/brm undo`: taking back your last `/brm log` or `/brm issue`, through signed slash commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from storage.models import AuditEvent, Interaction, Issue, Nudge, Party
from tests.conftest import RunningApp
from tests.test_log_command import add_party, reply_text, rows
from tests.test_nudges import sweep

LOG = "log Water Board call about the meters, tense. not working: meter reads fail. follow up next Tuesday"


def test_undo_takes_back_a_log_with_its_issue_nudges_and_new_party(app: RunningApp) -> None:
    app.command(LOG)
    assert len(rows(app, Nudge)) >= 1

    shown = reply_text(app.command("undo"))

    assert "Undid your last log with *Water Board*" in shown and "*#1*" in shown
    assert "was added with it" in shown
    assert rows(app, Interaction) == [] and rows(app, Issue) == [] and rows(app, Nudge) == []
    assert rows(app, Party) == []
    [undone] = [e for e in rows(app, AuditEvent) if e.action == "undone"]
    assert undone.actor_id == "U1" and undone.entity == "interaction"
    assert undone.detail["issues"] == [1] and "meters" in undone.detail["said"]


def test_a_party_that_was_there_before_stays(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("log DMV call about renewals")
    shown = reply_text(app.command("undo"))
    assert "Undid your last log with *DMV*" in shown and "went too" not in shown
    assert [p.name for p in rows(app, Party)] == ["DMV"]


def test_undo_takes_back_the_latest_of_a_log_and_an_issue(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("log DMV call about renewals")
    app.command("issue DMV printers jammed")  # #1, after the log
    assert "Undid issue *#1*" in reply_text(app.command("undo"))
    assert rows(app, Issue) == [] and len(rows(app, Interaction)) == 1
    assert "Undid your last log" in reply_text(app.command("undo"))
    assert rows(app, Interaction) == []
    app.command("issue DMV scanners down")
    assert [i.number for i in rows(app, Issue)] == [2]  # numbers are never given out twice


def test_only_your_own_records_are_undone(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("log DMV call about renewals", user_id="U2")
    assert "nothing to undo" in reply_text(app.command("undo"))
    assert "nothing to undo" in reply_text(app.command("undo", team_id="T2", user_id="U2"))
    assert len(rows(app, Interaction)) == 1


def test_an_older_record_is_not_undone(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("log DMV call about renewals")
    with app.db.workspace("T1") as session:
        session.exec(update(Interaction).values(created_at=app.clock.now() - timedelta(days=2)))
    assert "in the last 24 hours" in reply_text(app.command("undo"))
    assert len(rows(app, Interaction)) == 1


def test_once_its_nudge_went_out_a_log_stays(app: RunningApp) -> None:
    app.command(LOG.replace("next Tuesday", "tomorrow 9am"))  # due 23 hours later, inside undo's day
    app.clock.set(datetime(2026, 11, 27, 14, 0, tzinfo=UTC))  # Friday 9:00 in New York
    assert sweep(app) == 1
    shown = reply_text(app.command("undo"))
    assert "already sent a nudge" in shown and "/brm close #1" in shown
    assert len(rows(app, Interaction)) == 1 and len(rows(app, Issue)) == 1


def test_an_issue_worked_on_since_stays(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV printers jammed by Friday")
    app.command("snooze #1 next Monday")
    shown = reply_text(app.command("undo"))
    assert "worked on since" in shown
    assert len(rows(app, Issue)) == 1
    assert [e.action for e in rows(app, AuditEvent) if e.action == "undone"] == []


def test_what_people_typed_cannot_ping_from_the_undo_reply(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("log DMV call about <!channel> renewals <!here>")
    shown = reply_text(app.command("undo"))
    assert "renewals" in shown and "<!channel>" not in shown and "<!here>" not in shown
