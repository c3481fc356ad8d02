"""Records administrators: Slack's owners and admins plus the people named with `/brm admin add`,
through signed slash commands; everyone else is refused records work."""

from __future__ import annotations

import pytest

from storage.models import AuditEvent
from storage.records_models import LegalHold, RecordsAdmin
from tests.conftest import RunningApp
from tests.test_log_command import add_party, reply_text, rows

REFUSED = "Only records administrators may"


@pytest.fixture
def admin(app: RunningApp) -> RunningApp:
    """The app, with U9 a Slack workspace admin (U1 and U2 are ordinary members)."""
    app.slack.add_user("U9", name="ada", is_admin=True)
    return app


@pytest.mark.parametrize(
    "command",
    [
        "admin add <@U2|sam>",
        "admin remove <@U2|sam>",
        'hold add "PRR-1" DMV',
        "hold list",
        'hold release "PRR-1"',
        "export DMV",
        "retention interactions 6 years",
        "retention",
        "retention preview",
    ],
)
def test_a_member_who_is_not_a_records_admin_is_refused_and_nothing_is_written(
    admin: RunningApp, command: str
) -> None:
    add_party(admin, "DMV")
    shown = reply_text(admin.command(command))
    assert REFUSED in shown and "/brm admin list" in shown
    assert rows(admin, RecordsAdmin) == [] and rows(admin, LegalHold) == [] and rows(admin, AuditEvent) == []
    assert admin.slack.calls_to("files.getUploadURLExternal") == []


@pytest.mark.parametrize("role", ["is_admin", "is_owner", "is_primary_owner"])
def test_slack_owners_and_admins_are_records_admins(app: RunningApp, role: str) -> None:
    app.slack.add_user("U8", name="olga", **{role: True})
    add_party(app, "DMV")
    assert "placed" in reply_text(app.command('hold add "PRR-1" DMV', user_id="U8"))


def test_a_slack_admin_names_a_records_admin_who_may_then_place_holds(admin: RunningApp) -> None:
    add_party(admin, "DMV")
    shown = reply_text(admin.command("admin add <@U2|sam>", user_id="U9"))
    assert "<@U2> is now a records administrator" in shown
    assert "placed" in reply_text(admin.command('hold add "PRR-1" DMV', user_id="U2"))

    listed = reply_text(admin.command("admin list"))  # anyone may see who to ask
    assert "<@U2> (added by <@U9>)" in listed
    [added] = [e for e in rows(admin, AuditEvent) if e.action == "admin_added"]
    assert added.actor_id == "U9" and added.detail == {"user": "U2"}

    assert "no longer a records administrator" in reply_text(
        admin.command("admin remove <@U2>", user_id="U9")
    )
    assert REFUSED in reply_text(admin.command("hold list", user_id="U2"))
    assert [e.action for e in rows(admin, AuditEvent) if e.entity == "records_admin"] == [
        "admin_added",
        "admin_removed",
    ]


def test_adding_twice_and_removing_a_slack_admin_are_answered_plainly(admin: RunningApp) -> None:
    admin.command("admin add <@U2>", user_id="U9")
    assert "already a records administrator" in reply_text(admin.command("admin add <@U2>", user_id="U9"))
    shown = reply_text(admin.command("admin remove <@U9>", user_id="U9"))
    assert "change their role there" in shown
    assert len(rows(admin, RecordsAdmin)) == 1


def test_a_bot_cannot_be_named_and_a_command_needs_one_person(admin: RunningApp) -> None:
    assert "is a bot" in reply_text(admin.command("admin add <@UBOT>", user_id="U9"))
    assert "exactly one person" in reply_text(admin.command("admin add <@U1> <@U2>", user_id="U9"))
    assert "exactly one person" in reply_text(admin.command("admin add jane", user_id="U9"))
    assert rows(admin, RecordsAdmin) == []


def test_when_slack_cannot_say_who_is_an_admin_the_command_is_refused_and_says_so(admin: RunningApp) -> None:
    # Every lookup fails, the ones made before the command reaches records work included.
    admin.slack.fail_next("users.info", error="internal_error", times=5)
    shown = reply_text(admin.command("hold list", user_id="U9"))
    assert "couldn't check with Slack" in shown


def test_a_records_admin_of_one_workspace_is_not_one_in_another(admin: RunningApp) -> None:
    admin.command("admin add <@U2>", user_id="U9")
    assert REFUSED in reply_text(admin.command("hold list", user_id="U2", team_id="T2"))
    assert rows(admin, RecordsAdmin, team_id="T2") == []
