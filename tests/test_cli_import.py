"""`brm-bot import parties FILE.csv`: a dry run writes nothing, --apply writes exactly the rows (audited
as from the import), a second apply changes nothing, and a bad file writes nothing and names the line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from storage.db import Database
from storage.models import AuditEvent, Party, PartyAlias
from tests.support.cli import operator_env, run_cli
from tests.support.fake_slack import FakeSlack

AGENCIES = """name,kind,aliases,owner_email,home_channel
Department of Motor Vehicles,agency,DMV; Motor Vehicles,jane@state.gov,#dmv-team
Acme Cloud,vendor,,sam@state.gov,
Regional Transit Partnership,partner,RTP,,C0PRIVATE1
"""


@pytest.fixture
def workspace(slack: FakeSlack) -> FakeSlack:
    """The fake Slack with the people and channels the files name."""
    slack.add_user("U1", name="jane", email="jane@state.gov")
    slack.add_user("U2", name="sam", email="Sam@State.gov")
    slack.add_user("U9", name="gone", email="gone@state.gov", deleted=True)
    slack.add_channel("C0DMV00001", name="dmv-team")
    slack.add_channel("C0PRIVATE1", name="transit", is_private=True)
    return slack


def url_of(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def run_import(
    db: Database, slack: FakeSlack, tmp_path: Path, text: str, *more: str, name: str = "agencies.csv"
):
    path = tmp_path / name
    path.write_text(text)
    return run_cli(["import", "parties", str(path), *more], operator_env(slack, url_of(db)), tmp_path)


def stored(db: Database) -> dict[str, tuple]:
    """{name: (kind, owner, home channel, aliases)} for every party of T1."""
    with db.workspace("T1") as session:
        aliases: dict[int, list[str]] = {}
        for alias in session.exec(select(PartyAlias)):
            aliases.setdefault(alias.party_id, []).append(alias.alias)
        return {
            p.name: (p.kind, p.owner_id, p.home_channel_id, sorted(aliases.get(p.id, [])))  # type: ignore[arg-type]
            for p in session.exec(select(Party))
        }


def audit_rows(db: Database) -> list[AuditEvent]:
    with db.workspace("T1") as session:
        return list(session.exec(select(AuditEvent).order_by(AuditEvent.id)))


def test_a_dry_run_shows_what_would_be_created_and_writes_nothing(
    database: Database, workspace: FakeSlack, tmp_path: Path
) -> None:
    result = run_import(database, workspace, tmp_path, AGENCIES)
    assert result.exit_code == 0, result.output
    assert (
        "line 2: create 'Department of Motor Vehicles' (agency, owner jane@state.gov, home channel "
        in result.stdout
    )
    assert "line 3: create 'Acme Cloud' (vendor, owner sam@state.gov)" in result.stdout
    assert "3 parties would be created, 0 would be changed" in result.stdout
    assert "Dry run: nothing was written" in result.stdout
    assert stored(database) == {} and audit_rows(database) == []


def test_apply_writes_exactly_the_rows_and_audits_them_as_the_import(
    database: Database, workspace: FakeSlack, tmp_path: Path
) -> None:
    result = run_import(database, workspace, tmp_path, AGENCIES, "--apply")
    assert result.exit_code == 0, result.output
    assert "3 parties created, 0 changed, 0 already as the file says." in result.stdout
    assert stored(database) == {
        "Department of Motor Vehicles": ("agency", "U1", "C0DMV00001", ["DMV", "Motor Vehicles"]),
        "Acme Cloud": ("vendor", "U2", None, []),
        "Regional Transit Partnership": ("partner", None, "C0PRIVATE1", ["RTP"]),
    }
    rows = audit_rows(database)
    assert {row.surface for row in rows} == {"import"} and {row.actor_id for row in rows} == {None}
    assert [(row.action, row.detail["line"]) for row in rows] == [
        ("created", 2),
        ("alias_added", 2),
        ("alias_added", 2),
        ("created", 3),
        ("created", 4),
        ("alias_added", 4),
    ]
    assert {row.detail["source"] for row in rows} == {"import agencies.csv"}
    # Each owner was looked up once, by e-mail; the channels were listed once.
    assert sorted(c.params["email"] for c in workspace.calls_to("users.lookupByEmail")) == [
        "jane@state.gov",
        "sam@state.gov",
    ]
    assert len(workspace.calls_to("conversations.list")) == 1


def test_a_second_apply_changes_nothing(database: Database, workspace: FakeSlack, tmp_path: Path) -> None:
    assert run_import(database, workspace, tmp_path, AGENCIES, "--apply").exit_code == 0
    before, audited = stored(database), len(audit_rows(database))
    again = run_import(database, workspace, tmp_path, AGENCIES, "--apply")
    assert again.exit_code == 0, again.output
    assert "0 parties created, 0 changed, 3 already as the file says." in again.stdout
    assert stored(database) == before and len(audit_rows(database)) == audited


def test_a_changed_file_changes_only_what_differs(
    database: Database, workspace: FakeSlack, tmp_path: Path
) -> None:
    assert run_import(database, workspace, tmp_path, AGENCIES, "--apply").exit_code == 0
    audited = len(audit_rows(database))
    changed = "name,kind,aliases\nacme cloud,partner,Acme\nDepartment of Motor Vehicles,,DMV\n"
    dry = run_import(database, workspace, tmp_path, changed, name="changes.csv")
    assert "line 2: change 'Acme Cloud': kind vendor -> partner; add alias Acme" in dry.stdout
    assert "0 parties would be created, 1 would be changed, 1 already as the file says." in dry.stdout
    result = run_import(database, workspace, tmp_path, changed, "--apply", name="changes.csv")
    assert result.exit_code == 0, result.output
    assert stored(database)["Acme Cloud"] == ("partner", "U2", None, ["Acme"])
    new = audit_rows(database)[audited:]
    assert [(row.action, row.detail["line"], row.detail["source"]) for row in new] == [
        ("kind_changed", 2, "import changes.csv"),
        ("alias_added", 2, "import changes.csv"),
    ]
    assert new[0].detail["kind"] == "partner" and new[0].detail["was"] == "vendor"


def test_a_bad_file_writes_nothing_and_names_each_bad_line(
    database: Database, workspace: FakeSlack, tmp_path: Path
) -> None:
    bad = (
        "name,kind,aliases,owner_email,home_channel\n"
        "Department of Revenue,agency,DOR,jane@state.gov,\n"  # good, but the file is not
        "Acme Cloud,supplier-ish,,,\n"
        "Water Board,agency,,nobody@state.gov,\n"
        "Parks,agency,,gone@state.gov,#no-such-channel\n"
        '"<@U1>",agency,,,\n'
        "department of revenue,vendor,,,\n"
        "Tax Office,agency,DOR,,\n"
    )
    result = run_import(database, workspace, tmp_path, bad, "--apply")
    assert result.exit_code == 1
    problems = [line.strip() for line in result.stderr.splitlines()[1:]]
    assert result.stderr.splitlines()[0].endswith("agencies.csv: 7 problems; nothing was written.")
    assert problems == [
        'line 3: A party\'s kind is one of agency, vendor, partner, internal, not "supplier-ish".',
        "line 4: owner_email: no one in this Slack workspace has the e-mail nobody@state.gov",
        "line 5: owner_email: gone@state.gov is a deactivated account, which cannot own a party",
        "line 5: home_channel: the bot sees no channel named #no-such-channel "
        "(a private channel: invite the bot to it first)",
        "line 6: the name '<@U1>' should be plain words, not a Slack mention or link",
        "line 7: 'department of revenue' is already on line 2; one row per party",
        "line 8: the alias 'DOR' is an alias of line 2",
    ]
    assert result.stdout == ""
    assert stored(database) == {} and audit_rows(database) == []


def test_a_clash_with_a_party_already_there_writes_nothing(
    database: Database, workspace: FakeSlack, tmp_path: Path
) -> None:
    assert run_import(database, workspace, tmp_path, AGENCIES, "--apply").exit_code == 0
    before, audited = stored(database), len(audit_rows(database))
    clash = "name,aliases\nNew Agency,\nDMV,\nLottery,Acme Cloud\n"
    result = run_import(database, workspace, tmp_path, clash, "--apply", name="clash.csv")
    assert result.exit_code == 1
    assert "line 3: 'DMV' is already an alias of the party 'Department of Motor Vehicles'" in result.stderr
    assert "line 4: the alias 'Acme Cloud' already names the party 'Acme Cloud'" in result.stderr
    assert "New Agency" not in stored(database)
    assert stored(database) == before and len(audit_rows(database)) == audited


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("kind,aliases\nagency,DMV\n", "line 1: the column 'name' is missing"),
        ("name,colour\nDMV,blue\n", "line 1: unknown column 'colour': the columns are name, kind, aliases"),
        ("", "is empty: the first line names the columns"),
        ("name\nDMV,extra\n", "line 2: 2 cells, but the header names 1 columns"),
    ],
)
def test_a_file_in_the_wrong_shape_is_refused_before_slack_is_asked(
    database: Database, workspace: FakeSlack, tmp_path: Path, text: str, said: str
) -> None:
    result = run_import(database, workspace, tmp_path, text, "--apply")
    assert result.exit_code == 1
    assert said in result.stderr
    assert workspace.calls == [] and stored(database) == {}


def test_a_file_that_is_not_utf8_is_refused(database: Database, workspace: FakeSlack, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("name\nDépartement\n".encode("latin-1"))
    result = run_cli(["import", "parties", str(path)], operator_env(workspace, url_of(database)), tmp_path)
    assert result.exit_code == 1 and "is not UTF-8 text" in result.stderr
