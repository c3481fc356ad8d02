"""`/brm settings`: the workspace's holiday state, re-nudge interval, going-cold days and fiscal year."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from runtime.nudge_sender import sweep_nudges
from storage.models import AuditEvent, Nudge, Workspace
from tests.conftest import RunningApp
from tests.test_log_command import add_party


def workspace(app: RunningApp, team_id: str = "T1") -> Workspace:
    with app.db.workspace(team_id) as session:
        return session.exec(select(Workspace)).one()


def test_settings_are_shown_and_changed_with_an_audit_row(app: RunningApp) -> None:
    shown = json.dumps(app.command("settings"))
    assert "federal only" in shown and "every 7 days" in shown and "30 days" in shown

    answer = json.dumps(app.command("settings holidays ca"))
    assert "CA" in answer
    app.command("settings renudge 14")
    app.command("settings cold 45")

    settings = workspace(app)
    assert (settings.holiday_region, settings.renudge_days, settings.cold_after_days) == ("CA", 14, 45)
    assert workspace_of_other_team_untouched(app)
    with app.db.workspace("T1") as session:
        changes = [
            e.detail for e in session.exec(select(AuditEvent).where(AuditEvent.action == "settings_changed"))
        ]
    assert [(c["setting"], c["value"], c["was"]) for c in changes] == [
        ("holiday_region", "CA", None),
        ("renudge_days", 14, 7),
        ("cold_after_days", 45, 30),
    ]


def test_one_day_is_said_as_people_say_it(app: RunningApp) -> None:
    assert "nudged again every day" in json.dumps(app.command("settings renudge 1"))
    assert "cold after 1 day without" in json.dumps(app.command("settings cold 1"))
    shown = json.dumps(app.command("settings"))
    assert "every day while" in shown and "1 day without contact" in shown
    assert "1 days" not in shown


def workspace_of_other_team_untouched(app: RunningApp) -> bool:
    app.command("settings", team_id="T2")
    other = workspace(app, "T2")
    return (other.holiday_region, other.renudge_days) == (None, 7)


@pytest.mark.parametrize(
    "text",
    [
        "settings holidays XX",
        "settings renudge 0",
        "settings cold many",
        "settings tz UTC",
        "settings fiscal-year smarch",
        "settings fiscal-year 13",
        "settings fiscal-year",
    ],
)
def test_bad_settings_are_explained_and_nothing_changes(app: RunningApp, text: str) -> None:
    answer = json.dumps(app.command(text))
    assert "/brm settings" in answer
    with app.db.workspace("T1") as session:
        assert session.exec(select(Workspace)).first() is None  # not even the workspace row was written
        assert session.exec(select(AuditEvent)).first() is None


def test_a_state_holiday_set_by_command_holds_back_nudges(app: RunningApp) -> None:
    # César Chávez Day (31 March) is a California state holiday, not a federal one.
    add_party(app, "DMV")
    app.command("settings holidays CA")
    app.clock.set(datetime(2027, 3, 29, 15, 0, tzinfo=UTC))  # Monday
    app.command("log DMV call. not working: portal down. follow up Wednesday")
    app.clock.set(datetime(2027, 3, 31, 15, 0, tzinfo=UTC))  # Wednesday 10:00 in New York
    assert sweep_nudges(app.brm.services) == 0
    assert app.slack.calls_to("chat.postMessage") == []
    with app.db.workspace("T1") as session:
        [nudge] = session.exec(select(Nudge).where(Nudge.status == "pending")).all()
    assert nudge.due_at.astimezone(UTC).date().isoformat() == "2027-04-01"  # the next working morning


def test_the_fiscal_year_start_is_shown_defaulted_from_the_state_and_set(app: RunningApp) -> None:
    assert "starts 1 July (the default)" in json.dumps(app.command("settings"))
    app.command("settings holidays TX")
    assert "starts 1 September (the usual for TX)" in json.dumps(app.command("settings"))
    assert workspace(app).fiscal_year_start is None  # the state's usual month is not stored

    answer = json.dumps(app.command("settings fiscal-year april"))
    assert "the fiscal year starts on 1 April" in answer and "starts 1 April" in answer
    assert "(the usual" not in answer
    assert workspace(app).fiscal_year_start == 4
    app.command("settings fy 10")
    assert workspace(app).fiscal_year_start == 10

    app.command("settings fiscal-year default")
    assert workspace(app).fiscal_year_start is None
    with app.db.workspace("T1") as session:
        changes = [
            (e.detail["value"], e.detail["was"])
            for e in session.exec(select(AuditEvent).where(AuditEvent.action == "settings_changed"))
            if e.detail["setting"] == "fiscal_year_start"
        ]
    assert changes == [(4, None), (10, 4), (None, 10)]
