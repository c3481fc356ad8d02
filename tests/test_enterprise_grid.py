"""Enterprise Grid (GovSlack is one): an org-wide install keeps one set of records for the whole org;
an install in a single workspace of an org keeps that workspace's own."""

from __future__ import annotations

import json

from sqlmodel import select

from bot.form_fields import Field
from slack_api.ids import Shortcut
from storage.models import Interaction, Issue, IssueStatus, Party
from tests.conftest import RunningApp
from tests.test_nudges import TUESDAY_9_NY, posts, sweep, updated_text, wait_until
from tests.test_shortcuts import EXAMPLE, add_party, as_shown, inputs, message_ts

LOG = (
    "log DMV met Jane (CIO) about the portal, tense. not working: portal login fails. follow up next Tuesday"
)


def test_an_org_wide_install_shares_records_across_the_orgs_workspaces(app: RunningApp) -> None:
    app.slack.add_user("U7", tz="America/New_York")
    logged = app.command(LOG, team_id="T1", enterprise_id="E1", org_install=True)
    assert "Logged" in logged["text"]

    # Someone in another workspace of the same org sees the issue and the party.
    listed = app.command("list", team_id="T2", enterprise_id="E1", org_install=True, user_id="U7")
    assert "portal login fails" in json.dumps(listed)
    again = app.command("log DMV call about renewals", team_id="T2", enterprise_id="E1", org_install=True)
    assert "new party" not in json.dumps(again).lower()

    with app.db.system() as session:
        assert {p.team_id for p in session.exec(select(Party))} == {"E1"}
        assert [i.team_id for i in session.exec(select(Interaction))] == ["E1", "E1"]
        [issue] = session.exec(select(Issue)).all()
    assert (issue.team_id, issue.enterprise_id) == ("E1", "E1")


def test_a_check_mark_on_a_nudge_works_in_an_org_wide_install(app: RunningApp) -> None:
    # Slack authorises events for an org-wide install at the org: they name no team.
    app.command(LOG, team_id="T1", enterprise_id="E1", org_install=True)
    app.clock.set(TUESDAY_9_NY)
    assert sweep(app) == 1
    [post] = posts(app)

    sent = app.client.reaction_added(
        "U2",
        "white_check_mark",
        post.response["channel"],
        post.response["ts"],
        team_id="T1",
        enterprise_id="E1",
        org_install=True,
    )
    assert sent.status == 200
    assert "*Closed* by <@U2>" in updated_text(app, post)

    def closed() -> bool:
        with app.db.workspace("E1", "E1") as session:
            return session.exec(select(Issue)).one().status == IssueStatus.CLOSED

    assert wait_until(closed)


def test_installs_in_single_workspaces_of_an_org_keep_their_own_records(app: RunningApp) -> None:
    app.command(LOG, team_id="T1", enterprise_id="E1")
    listed = app.command("list", team_id="T2", enterprise_id="E1")
    assert "portal login fails" not in json.dumps(listed)
    with app.db.system() as session:
        assert [p.team_id for p in session.exec(select(Party))] == ["T1"]


def test_a_message_captured_with_the_shortcut_in_an_org_wide_install_joins_the_orgs_records(
    app: RunningApp,
) -> None:
    add_party(app, "DMV", team_id="E1")
    message = app.slack.add_message("C1", message_ts(app), text=EXAMPLE, user="U2")
    sent = app.client.message_shortcut(
        Shortcut.LOG_INTERACTION, message, team_id="T3", enterprise_id="E1", org_install=True
    )
    assert sent.status == 200
    [opened] = app.slack.wait_for("views.open")
    view = opened.response["view"]
    assert inputs(view)[Field.PARTY]["initial_option"]["text"]["text"] == "DMV"  # the org's party

    answer = app.client.view_submission(
        None, as_shown(view), view=view, team_id="T3", enterprise_id="E1", org_install=True
    )
    assert answer.status == 200
    app.slack.wait_for("chat.postMessage")
    with app.db.system() as session:
        [interaction] = session.exec(select(Interaction)).all()
    assert interaction.team_id == "E1" and interaction.message_ts == message["ts"]
