"""`/brm party` end to end: signed slash commands, replies read from the fake response_url, parties,
aliases and audit rows read back from the database. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from storage.models import AuditEvent, Party, PartyAlias
from tests.conftest import RunningApp
from tests.test_log_command import add_party, reply_text, rows


def party(app: RunningApp, name: str, team_id: str = "T1") -> Party:
    [found] = [p for p in rows(app, Party, team_id) if p.name == name]
    return found


def aliases(app: RunningApp, team_id: str = "T1") -> list[str]:
    return sorted(a.alias for a in rows(app, PartyAlias, team_id))


def audit(app: RunningApp, team_id: str = "T1") -> list[AuditEvent]:
    return sorted(rows(app, AuditEvent, team_id), key=lambda e: e.id)


def snapshot(app: RunningApp, team_id: str = "T1") -> list[tuple]:
    """Everything `/brm party` can change, to compare before and after a refusal."""
    parties = sorted(
        (p.id, p.name, p.name_key, p.kind, p.owner_id, p.home_channel_id) for p in rows(app, Party, team_id)
    )
    return [*parties, *aliases(app, team_id), len(audit(app, team_id))]


# --------------------------------------------------------------------------- list and card


def test_the_list_shows_every_party_by_name_with_its_owner_home_and_open_issues(app: RunningApp) -> None:
    add_party(app, "Parks")
    add_party(app, "DMV")
    add_party(app, "acme Cloud")
    add_party(app, "Hidden Vendor", team_id="T2")
    app.command("issue DMV portal down")
    app.command("issue DMV renewals bounce")
    app.command("close #2")
    app.command("party DMV owner <@U2|sam>")
    app.command("party DMV channel <#CDMV0001|dmv-team>")
    app.command("issue Hidden Vendor: nope", team_id="T2")

    body = app.command("party")
    assert body["response_type"] == "ephemeral"
    shown = reply_text(body)
    assert "3 parties" in shown and "Hidden Vendor" not in shown
    assert shown.index("acme Cloud") < shown.index("DMV") < shown.index("Parks")
    dmv_line = next(line for line in shown.split("\\n") if "DMV" in line)
    assert "agency" in dmv_line and "<@U2>" in dmv_line and "<#CDMV0001>" in dmv_line
    assert "1 open issue" in dmv_line
    assert "0 open issues" in next(line for line in shown.split("\\n") if "Parks" in line)

    assert "No parties yet" in reply_text(app.command("party", team_id="T3"))


def test_a_long_list_stops_and_says_how_many_more(app: RunningApp) -> None:
    long = "Department of " + "Very Long Names " * 5
    with app.db.workspace("T1") as session:
        for n in range(75):
            session.add(Party(team_id="T1", name=f"P{n:03} <!here> & <co> {long}", name_key=f"p{n:03}"))
    body = app.command("party")
    assert len(body["blocks"]) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in body["blocks"] if b["type"] == "section")
    shown = reply_text(body)
    assert "75 parties" in shown and "and 15 more" in shown
    assert "P059" in shown and "P060" not in shown
    assert "<!here>" not in shown


def test_the_card_shows_kind_aliases_owner_home_issues_and_last_interaction(app: RunningApp) -> None:
    add_party(app, "DMV", "Department of Motor Vehicles")
    app.command("log DMV call yesterday about renewals. not working: renewal emails bounce")
    shown = reply_text(app.command("party department of motor vehicles"))
    for expected in (
        "*DMV*",
        "*Kind:* agency",
        "“Department of Motor Vehicles”",
        "*Owner:* nobody",
        "*Home channel:* none",
        "*Open issues:* 1",
        "*Last interaction:* Wed 25 Nov 2026",
    ):
        assert expected in shown
    assert "I read" not in shown


def test_a_near_miss_is_matched_and_said(app: RunningApp) -> None:
    add_party(app, "DMV")
    shown = reply_text(app.command("party DVM kind vendor"))
    assert "“DVM”" in shown and "existing party" in shown
    assert party(app, "DMV").kind == "vendor"


def test_an_unknown_party_is_explained_and_nothing_is_written(app: RunningApp) -> None:
    add_party(app, "DMV")
    before = snapshot(app)
    shown = reply_text(app.command("party Acme Cloud kind vendor"))
    assert "don't know a party called “Acme Cloud”" in shown and "DMV" in shown
    assert "/brm party DMV" in shown  # an example that works
    assert snapshot(app) == before


# --------------------------------------------------------------------------- changes


def test_kind_is_changed_and_audited(app: RunningApp) -> None:
    party_id = add_party(app, "Department of Revenue")
    shown = reply_text(app.command("party Department of Revenue kind vendor", user_id="U2"))
    assert "now a *vendor*" in shown and "it was agency" in shown and "*Kind:* vendor" in shown
    assert party(app, "Department of Revenue").kind == "vendor"
    [event] = audit(app)
    assert (event.actor_id, event.surface, event.action, event.entity, event.entity_id) == (
        "U2",
        "command",
        "kind_changed",
        "party",
        party_id,
    )
    assert event.detail == {"party": "Department of Revenue", "kind": "vendor", "was": "agency"}
    assert event.at is not None

    # The same kind again changes nothing and writes nothing.
    assert "already a *vendor*" in reply_text(app.command("party Department of Revenue kind vendor"))
    assert len(audit(app)) == 1


def test_aliases_are_added_used_by_log_and_removed(app: RunningApp) -> None:
    add_party(app, "Department of Motor Vehicles")
    shown = reply_text(app.command("party Department of Motor Vehicles alias DMV"))
    assert "also known as “DMV”" in shown
    assert aliases(app) == ["DMV"]

    app.command("log DMV call about renewals")
    assert len(rows(app, Party)) == 1  # the alias named the existing party

    assert "already an alias" in reply_text(app.command("party DMV alias d.m.v."))
    shown = reply_text(app.command("party Department of Motor Vehicles unalias dmv"))
    assert "no longer names" in shown
    assert aliases(app) == []
    assert [e.action for e in audit(app) if e.entity == "party"] == ["alias_added", "alias_removed"]

    shown = reply_text(app.command("party Department of Motor Vehicles unalias Motor Vehicles"))
    assert "has no alias “Motor Vehicles”" in shown and "/brm party" in shown


def test_an_alias_another_party_uses_is_refused(app: RunningApp) -> None:
    add_party(app, "DMV", "Motor Vehicles")
    add_party(app, "DOT")
    before = snapshot(app)
    for text in ("party DOT alias motor vehicles", "party DOT alias D.M.V."):
        shown = reply_text(app.command(text))
        assert "already names *DMV*" in shown and "/brm party" in shown
    assert snapshot(app) == before


def test_owner_is_set_and_cleared(app: RunningApp) -> None:
    add_party(app, "DMV")
    shown = reply_text(app.command("party DMV owner <@U2|sam>"))
    assert "<@U2> now owns *DMV*" in shown and "*Owner:* <@U2>" in shown
    assert party(app, "DMV").owner_id == "U2"
    shown = reply_text(app.command("party DMV owner none"))
    assert "no owner now" in shown
    assert party(app, "DMV").owner_id is None
    assert [(e.action, e.detail["owner_id"], e.detail["was"]) for e in audit(app)] == [
        ("owner_changed", "U2", None),
        ("owner_changed", None, "U2"),
    ]


@pytest.mark.parametrize(
    ("owner", "what"), [("UBOT2", "a bot"), ("UGONE", "a deactivated account")], ids=["bot", "deactivated"]
)
def test_a_bot_or_deactivated_account_cannot_own_a_party(app: RunningApp, owner: str, what: str) -> None:
    app.slack.add_user("UBOT2", name="deploybot", is_bot=True)
    app.slack.add_user("UGONE", name="former", deleted=True)
    add_party(app, "DMV")
    before = snapshot(app)
    shown = reply_text(app.command(f"party DMV owner <@{owner}>"))
    assert what in shown and "/brm party DMV owner" in shown
    assert snapshot(app) == before


def test_home_channel_is_set_from_a_channel_link_and_cleared(app: RunningApp) -> None:
    add_party(app, "DMV")
    shown = reply_text(app.command("party DMV channel <#CDMV0001|dmv-team>"))
    assert "<#CDMV0001> is now *DMV*'s home channel" in shown and "I'm not in" not in shown
    assert party(app, "DMV").home_channel_id == "CDMV0001"
    app.command("party DMV channel here", channel_id="CHERE001")
    assert party(app, "DMV").home_channel_id == "CHERE001"
    app.command("party DMV channel none")
    assert party(app, "DMV").home_channel_id is None
    assert [(e.detail["home_channel_id"], e.detail["was"]) for e in audit(app)] == [
        ("CDMV0001", None),
        ("CHERE001", "CDMV0001"),
        (None, "CHERE001"),
    ]


def test_a_home_channel_the_bot_is_not_in_gets_a_warning(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.slack.add_channel("COUT0001", name="dmv-private", is_member=False)
    shown = reply_text(app.command("party DMV channel <#COUT0001|dmv-private>"))
    assert "I'm not in <#COUT0001> yet" in shown and "/invite @brm-bot" in shown
    assert party(app, "DMV").home_channel_id == "COUT0001"  # set all the same


def test_rename_changes_the_name_and_refuses_a_name_in_use(app: RunningApp) -> None:
    add_party(app, "DMV", "Department of Motor Vehicles")
    add_party(app, "DOT", "Transportation")
    before = snapshot(app)
    for text in ("party DMV rename dot", "party DMV rename Transportation"):
        shown = reply_text(app.command(text))
        assert "already names *DOT*" in shown and "/brm party" in shown
    assert snapshot(app) == before

    shown = reply_text(app.command("party DMV rename Department of Motor Vehicles"))
    assert "*DMV* is now called *Department of Motor Vehicles*" in shown and "alias is gone" in shown
    renamed = party(app, "Department of Motor Vehicles")
    assert renamed.name_key == "department of motor vehicles"
    assert aliases(app) == ["Transportation"]
    assert "not “DMV”" not in reply_text(app.command("party department of motor vehicles"))
    [event] = [e for e in audit(app) if e.action == "renamed"]
    assert event.detail["was"] == "DMV" and event.detail["name"] == "Department of Motor Vehicles"

    app.command("party Department of Motor Vehicles rename department of motor vehicles")  # case only
    assert party(app, "department of motor vehicles").name_key == "department of motor vehicles"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("party DMV kind llama", "one of agency, vendor, partner, internal"),
        ("party DMV alias", "What is the alias"),
        ("party DMV owner @jane", "Slack's @ list"),
        ("party DMV channel #dmv-team", "Slack's # list"),
        ("party DMV channel here", "not a channel"),
        ("party DMV rename <@U2>", "plain words"),
        ("party DMV frobnicate", "but not “frobnicate”"),
    ],
)
def test_bad_input_gets_help_and_writes_nothing(app: RunningApp, text: str, said: str) -> None:
    add_party(app, "DMV")
    before = snapshot(app)
    body = app.command(text, channel_id="D0DIRECT")
    assert body["response_type"] == "ephemeral"
    shown = reply_text(body)
    assert said in shown and "/brm party" in shown
    assert snapshot(app) == before


# --------------------------------------------------------------------------- workspaces


def test_changes_stay_in_their_workspace(app: RunningApp) -> None:
    add_party(app, "DMV")
    add_party(app, "DMV", "Motor Vehicles", team_id="T2")
    add_party(app, "Acme Cloud", team_id="T2")
    other_before = snapshot(app, "T2")

    app.command("party DMV kind vendor")
    app.command("party DMV alias Motor Vehicles")  # T2's alias is no clash in T1
    app.command("party DMV owner <@U2>")
    app.command("party DMV channel <#CDMV0001|dmv>")
    app.command("party DMV rename Acme Cloud")  # nor is T2's party name
    other_card = reply_text(app.command("party DMV", team_id="T2"))
    assert "*DMV*" in other_card and "*Kind:* agency" in other_card and "*Owner:* nobody" in other_card
    assert "don't know a party called “Acme Cloud”" not in reply_text(app.command("party Acme Cloud"))

    assert snapshot(app, "T2") == other_before
    assert [e.action for e in audit(app)] == [
        "kind_changed",
        "alias_added",
        "owner_changed",
        "home_channel_changed",
        "renamed",
    ]
    assert audit(app, "T2") == []
    t1 = party(app, "Acme Cloud")
    assert (t1.kind, t1.owner_id, t1.home_channel_id) == ("vendor", "U2", "CDMV0001")
