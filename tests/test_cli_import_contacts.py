"""`brm-bot import contacts FILE.csv`: people at the parties already there, with their Slack users
found by e-mail; a dry run writes nothing, --apply writes the rows audited as the import, a second
apply changes nothing, and a bad file writes nothing and names each bad line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from storage.db import Database
from storage.models import AuditEvent, Contact
from tests.support.cli import operator_env, run_cli
from tests.support.fake_slack import FakeSlack
from tests.test_cli_import import AGENCIES, url_of

PEOPLE = """party,name,role,title,email
DMV,Jane Doe,sponsor,CIO,jane@state.gov
Department of Motor Vehicles,Raj Patel,technical lead,,raj@dmv.example.gov
Acme Cloud,Sam Lee,account manager,Account Executive,
"""


@pytest.fixture
def workspace(database: Database, slack: FakeSlack, tmp_path: Path) -> FakeSlack:
    """The parties of test_cli_import's file, imported; Jane is in Slack, Raj (an agency's) is not."""
    slack.add_user("U1", name="jane", email="jane@state.gov")
    slack.add_user("U2", name="sam", email="sam@state.gov")
    slack.add_user("UBOT2", name="robot", email="robot@state.gov", is_bot=True)
    slack.add_channel("C0DMV00001", name="dmv-team")
    slack.add_channel("C0PRIVATE1", name="transit", is_private=True)
    assert run_import(database, slack, tmp_path, AGENCIES, "--apply", kind="parties").exit_code == 0
    return slack


def run_import(db: Database, slack: FakeSlack, tmp_path: Path, text: str, *more: str, kind: str = "contacts"):
    path = tmp_path / f"{kind}.csv"
    path.write_text(text)
    return run_cli(["import", kind, str(path), *more], operator_env(slack, url_of(db)), tmp_path)


def contacts(db: Database) -> list[tuple]:
    with db.workspace("T1") as session:
        return sorted(
            (c.name, c.party_id, c.role, c.title, c.slack_user_id) for c in session.exec(select(Contact))
        )


def contact_audit(db: Database) -> list[AuditEvent]:
    with db.workspace("T1") as session:
        statement = select(AuditEvent).where(AuditEvent.entity == "contact").order_by(AuditEvent.id)
        return list(session.exec(statement))


def test_dry_run_then_apply_then_again(database: Database, workspace: FakeSlack, tmp_path: Path) -> None:
    dry = run_import(database, workspace, tmp_path, PEOPLE)
    assert dry.exit_code == 0, dry.output
    assert (
        "line 2: add 'Jane Doe' at 'Department of Motor Vehicles', role sponsor, title CIO, Slack user "
        in dry.stdout
    )
    assert (
        "line 3: add 'Raj Patel' at 'Department of Motor Vehicles', role technical lead, no Slack user has"
        in dry.stdout
    )
    assert "3 contacts would be created, 0 would be changed" in dry.stdout
    assert contacts(database) == [] and contact_audit(database) == []

    applied = run_import(database, workspace, tmp_path, PEOPLE, "--apply")
    assert applied.exit_code == 0, applied.output
    assert "3 contacts created, 0 changed, 0 already as the file says." in applied.stdout
    names = [(name, role, title, user) for name, _party, role, title, user in contacts(database)]
    assert names == [
        ("Jane Doe", "sponsor", "CIO", "U1"),
        ("Raj Patel", "technical lead", None, None),
        ("Sam Lee", "account manager", "Account Executive", None),
    ]
    rows = contact_audit(database)
    assert [(row.action, row.surface, row.actor_id, row.detail["line"]) for row in rows] == [
        ("created", "import", None, 2),
        ("created", "import", None, 3),
        ("created", "import", None, 4),
    ]

    again = run_import(database, workspace, tmp_path, PEOPLE, "--apply")
    assert "0 contacts created, 0 changed, 3 already as the file says." in again.stdout
    assert len(contact_audit(database)) == 3

    changed = run_import(
        database, workspace, tmp_path, "party,name,role\nacme cloud,sam lee,champion\n", "--apply"
    )
    assert "line 2: change 'Sam Lee' at 'Acme Cloud': role -> champion" in changed.stdout
    [last] = contact_audit(database)[3:]
    assert (last.action, last.detail["before"], last.detail["after"]) == (
        "role_changed",
        "account manager",
        "champion",
    )


def test_a_bad_file_writes_nothing_and_names_each_line(
    database: Database, workspace: FakeSlack, tmp_path: Path
) -> None:
    bad = (
        "party,name,role,title,email\n"
        "DMV,Jane Doe,sponsor,CIO,jane@state.gov\n"  # good, but the file is not
        "DMV,Ann Smith,boss,,\n"
        "Atlantis,Bob Jones,,,\n"
        "DMV,Robot,,,robot@state.gov\n"
        "DMV,jane doe,champion,,\n"
        "DMV,,sponsor,,\n"
    )
    result = run_import(database, workspace, tmp_path, bad, "--apply")
    assert result.exit_code == 1
    said = result.stderr
    assert "line 3: role: A contact's role is one of sponsor, decision maker" in said
    assert "line 5: email: robot@state.gov is a bot, not a person" in said
    assert "line 6: 'jane doe' at 'DMV' is already on line 2" in said
    assert "line 7: the name is empty" in said
    assert contacts(database) == [] and contact_audit(database) == []
    # The party no one has is found once the rows themselves are good.
    unknown = run_import(database, workspace, tmp_path, "party,name\nAtlantis,Bob Jones\n", "--apply")
    assert unknown.exit_code == 1
    assert "line 2: no party is called 'Atlantis': import the parties first" in unknown.stderr
    assert contacts(database) == []
