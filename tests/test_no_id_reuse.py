"""A record taken back with `/brm undo` leaves its id behind for good, on both databases: the next
record gets a new id and a history of its own, and can itself be undone."""

from __future__ import annotations

from sqlmodel import select

from storage.audit import history
from storage.models import AuditEvent, Interaction, Issue, Party
from tests.conftest import RunningApp
from tests.test_log_command import add_party, reply_text, rows


def _history(app: RunningApp, entity: str, entity_id: int) -> list[str]:
    with app.db.workspace("T1") as session:
        return [event.action for event in history(session, entity, entity_id)]


def test_a_log_after_an_undone_log_gets_a_new_id_and_its_own_history(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("log DMV call about renewals")
    [undone] = rows(app, Interaction)
    assert "Undid your last log" in reply_text(app.command("undo"))

    app.command("log DMV call about the budget")
    [logged] = rows(app, Interaction)
    assert logged.summary == "call about the budget"
    assert logged.id != undone.id
    assert _history(app, "interaction", logged.id) == ["logged"]
    assert _history(app, "interaction", undone.id) == ["logged", "undone"]

    shown = reply_text(app.command("undo"))
    assert "Undid your last log with *DMV*" in shown and "budget" in shown
    assert rows(app, Interaction) == []


def test_an_issue_after_an_undone_issue_gets_a_new_id_and_can_be_undone(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("issue DMV printers jammed")
    [undone] = rows(app, Issue)
    assert "Undid issue *#1*" in reply_text(app.command("undo"))

    app.command("issue DMV scanners down")
    [raised] = rows(app, Issue)
    assert raised.id != undone.id and raised.number == 2
    assert _history(app, "issue", raised.id) == ["opened"]
    assert "Undid issue *#2*" in reply_text(app.command("undo"))
    assert rows(app, Issue) == []


def test_a_party_removed_with_its_log_leaves_its_id_behind(app: RunningApp) -> None:
    app.command("log Water Board call about the meters")  # the log creates the party
    [first] = rows(app, Party)
    assert "went too" in reply_text(app.command("undo"))
    assert rows(app, Party) == []

    app.command("log Water Board call about the meters again")
    [again] = rows(app, Party)
    assert again.id != first.id
    assert _history(app, "party", again.id) == ["created"]
    with app.db.workspace("T1") as session:
        created = session.exec(select(AuditEvent).where(AuditEvent.entity == "party")).all()
    assert sorted(event.entity_id for event in created) == sorted({first.id, again.id})
