"""Legal holds through signed slash commands: placing, listing and releasing them, and `/brm undo`
refusing what a hold covers (naming the hold and who to ask)."""

from __future__ import annotations

import pytest

from storage.models import AuditEvent, Interaction, Issue, Party
from storage.records_models import LegalHold
from tests.conftest import RunningApp
from tests.test_log_command import add_party, reply_text, rows


@pytest.fixture
def records(app: RunningApp) -> RunningApp:
    """U9 is a Slack workspace admin, so a records administrator; U1 and U2 are members."""
    app.slack.add_user("U9", name="ada", is_admin=True)
    return app


def test_a_hold_is_placed_listed_and_released_and_each_step_is_audited(records: RunningApp) -> None:
    add_party(records, "DMV")
    records.command("log DMV call about renewals")
    shown = reply_text(
        records.command('hold add "PRR-2026-114" DMV from 2026-01-01 to 2026-12-31', user_id="U9")
    )
    assert "Hold *PRR-2026-114* placed over *DMV*, from 2026-01-01 to 2026-12-31" in shown
    assert "1 interactions and 0 issues" in shown
    [hold] = rows(records, LegalHold)
    # Whole days in the admin's timezone (New York): from midnight there, to the midnight after the last day.
    assert hold.starts_at.isoformat() == "2026-01-01T05:00:00+00:00"
    assert hold.ends_at.isoformat() == "2027-01-01T05:00:00+00:00"

    listed = reply_text(records.command("hold list", user_id="U9"))
    assert "*PRR-2026-114*: *DMV*, from 2026-01-01 to 2026-12-31; placed by <@U9>" in listed

    assert "released" in reply_text(records.command('hold release "prr-2026-114"', user_id="U9"))
    assert "No legal hold is in place" in reply_text(records.command("hold list", user_id="U9"))
    assert [e.action for e in rows(records, AuditEvent) if e.entity == "legal_hold"] == [
        "hold_placed",
        "hold_released",
    ]


def test_undo_refuses_a_record_under_hold_and_names_the_hold_and_who_to_ask(records: RunningApp) -> None:
    add_party(records, "DMV")
    records.command("log DMV call about renewals. not working: printers jammed")
    records.command('hold add "PRR-7" DMV', user_id="U9")

    shown = reply_text(records.command("undo"))

    assert "under legal hold *PRR-7*, placed by <@U9>, so it stays" in shown and "Ask <@U9>" in shown
    assert len(rows(records, Interaction)) == 1 and len(rows(records, Issue)) == 1
    assert [e for e in rows(records, AuditEvent) if e.action == "undone"] == []

    records.command('hold release "PRR-7"', user_id="U9")
    assert "Undid your last log" in reply_text(records.command("undo"))
    assert rows(records, Interaction) == []


def test_a_hold_on_a_person_covers_what_they_logged_and_not_what_others_did(records: RunningApp) -> None:
    add_party(records, "DMV")
    records.command("issue DMV scanners down", user_id="U2")
    records.command("issue DMV printers jammed")
    records.command('hold add "PRR-8" <@U2|sam>', user_id="U9")
    assert "under legal hold *PRR-8*" in reply_text(records.command("undo", user_id="U2"))
    assert "Undid issue *#2*" in reply_text(records.command("undo"))
    assert [i.number for i in rows(records, Issue)] == [1]


def test_a_hold_on_a_person_covers_the_interactions_that_name_them(records: RunningApp) -> None:
    add_party(records, "DMV")
    records.command("log DMV call with <@U2|sam> about renewals")  # U1 logs; Sam was there
    records.command("log DMV call with <@U3|ana> about scanners")
    records.command('hold add "PRR-10" <@U2|sam>', user_id="U9")
    assert "Undid your last log" in reply_text(records.command("undo"))  # Ana's call: not held
    assert "under legal hold *PRR-10*" in reply_text(records.command("undo"))
    [kept] = rows(records, Interaction)
    assert kept.people == ["U2"]


def test_a_hold_over_a_date_range_leaves_records_outside_it_alone(records: RunningApp) -> None:
    add_party(records, "DMV")
    records.command("log DMV call about renewals")  # on 26 November 2026
    records.command('hold add "PRR-9" from 2025-01-01 to 2025-12-31', user_id="U9")
    assert "Undid your last log" in reply_text(records.command("undo"))


def test_a_party_a_hold_names_is_not_removed_with_an_undone_log(records: RunningApp) -> None:
    records.command("log Water Board call about the meters")  # adds the party
    [party] = rows(records, Party)
    records.command('hold add "PRR-10" Water Board to 2020-12-31', user_id="U9")  # not this log's dates
    shown = reply_text(records.command("undo"))
    assert "Undid your last log" in shown and "went too" not in shown
    assert [p.id for p in rows(records, Party)] == [party.id]


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ('hold add "PRR-1"', "Say what the hold covers"),
        ('hold add "PRR-1" Nowhere Agency', "I don't know a party called"),
        ('hold add "PRR-1" DMV from 1 Jan', "After `from` I need a date written like 2025-01-01"),
        ('hold add "PRR-1" DMV from 2025-02-30', "is not a date in the calendar"),
        ('hold add "PRR-1" DMV from 2025-03-01 to 2025-02-01', "ends (2025-02-01) before it starts"),
        ('hold release "PRR-404"', "No hold called *PRR-404* is in place"),
        ("hold frobnicate", "takes `add`, `list` or `release`"),
    ],
)
def test_bad_hold_commands_get_a_clear_answer_and_write_nothing(
    records: RunningApp, command: str, answer: str
) -> None:
    add_party(records, "DMV")
    assert answer in reply_text(records.command(command, user_id="U9"))
    assert rows(records, LegalHold) == [] and rows(records, AuditEvent) == []


def test_two_holds_in_place_cannot_share_a_name(records: RunningApp) -> None:
    add_party(records, "DMV")
    records.command('hold add "PRR-1" DMV', user_id="U9")
    assert "already in place" in reply_text(records.command('hold add "prr-1" DMV', user_id="U9"))
    assert len(rows(records, LegalHold)) == 1


def test_a_hold_name_cannot_ping_anyone(records: RunningApp) -> None:
    add_party(records, "DMV")
    shown = reply_text(records.command('hold add "<!channel> PRR" DMV', user_id="U9"))
    assert "placed" in shown and "<!channel>" not in shown
