"""`/brm log` end to end: signed slash commands over HTTP, replies read from the fake response_url,
records read back from the database."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from storage.models import AuditEvent, Contact, Interaction, Issue, Party, PartyAlias
from tests.conftest import RunningApp

EXAMPLE = (
    "DMV met Jane (CIO) about the licensing portal outage, tense. "
    "not working: portal login fails for field offices. follow up next Tuesday"
)


def reply_text(reply: dict) -> str:
    """Everything a person sees in a reply, blocks included, as one string."""
    return json.dumps(reply, ensure_ascii=False)


def add_party(app: RunningApp, name: str, *aliases: str, team_id: str = "T1") -> int:
    from bot.text import normalise_name

    with app.db.workspace(team_id) as session:
        party = Party(team_id=team_id, name=name, name_key=normalise_name(name))
        session.add(party)
        session.flush()
        for alias in aliases:
            session.add(
                PartyAlias(team_id=team_id, party_id=party.id, alias=alias, alias_key=normalise_name(alias))
            )
        return party.id


def rows(app: RunningApp, model, team_id: str = "T1") -> list:
    with app.db.workspace(team_id) as session:
        return list(session.exec(select(model)))


def test_the_worked_example_records_an_interaction_and_an_issue(app: RunningApp) -> None:
    add_party(app, "DMV", "Department of Motor Vehicles")

    sent = app.client.command(f"log {EXAMPLE}")
    assert sent.status == 200
    [reply] = app.slack.wait_for_response(sent.response_name)
    body = reply.body

    assert body["response_type"] == "ephemeral"
    [interaction] = rows(app, Interaction)
    assert interaction.kind == "meeting"
    assert interaction.sentiment == "negative"
    assert interaction.logged_by == "U1"
    assert interaction.channel_id == "C1"
    assert interaction.contacts == [{"name": "Jane", "role": "CIO"}]
    # next Tuesday, 09:00 in Jane's New York timezone
    assert interaction.follow_up_at == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert interaction.occurred_at == app.clock.now()

    [issue] = rows(app, Issue)
    assert issue.number == 1
    assert issue.title == "portal login fails for field offices"
    assert issue.interaction_id == interaction.id
    assert issue.owner_id == "U1"
    assert issue.status == "open"

    # Jane is not a contact yet: offered, not added on a guess (tests/test_contact_command.py).
    assert rows(app, Contact) == []

    shown = reply_text(body)
    assert "DMV" in shown and "#1" in shown and "portal login fails" in shown
    assert "Tue 1 Dec" in shown  # the follow-up is shown back in the person's own terms
    assert "/brm contact add DMV Jane, CIO" in shown

    actions = sorted(event.action for event in rows(app, AuditEvent))
    assert actions == ["logged", "opened"]


def test_reply_lands_in_a_channel_the_bot_is_not_in(app: RunningApp) -> None:
    # The reply goes through response_url, not chat.postMessage: it works wherever the command was typed.
    app.slack.set_not_in_channel("C9")
    body = app.command("log DOT call about bridge sensors", channel_id="C9")
    assert "DOT" in reply_text(body)
    assert app.slack.calls_to("chat.postMessage") == []
    assert len(rows(app, Interaction)) == 1


@pytest.mark.parametrize(
    ("text", "expected_party", "how"),
    [
        ("dmv call about renewals", "DMV", "existing"),
        ("D.M.V. emailed about renewals", "DMV", "existing"),
        ("department of motor vehicles visit to the field office", "DMV", "existing"),
        ("DVM call about renewals", "DMV", "fuzzy"),
        ("Acme Cloud call about the contract", "Acme Cloud", "new"),
    ],
)
def test_party_recognition(app: RunningApp, text: str, expected_party: str, how: str) -> None:
    add_party(app, "DMV", "Department of Motor Vehicles")
    body = app.command(f"log {text}")
    [interaction] = rows(app, Interaction)
    party = next(p for p in rows(app, Party) if p.id == interaction.party_id)
    assert party.name == expected_party
    shown = reply_text(body)
    if how == "fuzzy":
        assert "DVM" in shown and "existing party" in shown
        assert len(rows(app, Party)) == 1
    elif how == "new":
        assert "new party" in shown and "as an *agency*" in shown
        assert "`/brm party Acme Cloud kind vendor`" in shown  # how to say what it really is
        assert len(rows(app, Party)) == 2
    else:
        assert "new party" not in shown and len(rows(app, Party)) == 1


def test_mentions_kind_and_when(app: RunningApp) -> None:
    add_party(app, "DOT")
    app.command("log DOT call with <@U2|sam> yesterday 3pm, great meeting")
    [interaction] = rows(app, Interaction)
    assert interaction.people == ["U2"]
    assert interaction.kind == "call"
    assert interaction.sentiment == "positive"
    # yesterday 15:00 in U1's New York timezone
    assert interaction.occurred_at == datetime(2026, 11, 25, 20, 0, tzinfo=UTC)


def test_dates_are_read_in_the_senders_timezone(app: RunningApp) -> None:
    add_party(app, "DOT")
    app.command("log DOT call. follow up tomorrow", user_id="U2")  # U2 is in Los Angeles
    [interaction] = rows(app, Interaction)
    assert interaction.follow_up_at == datetime(2026, 11, 27, 17, 0, tzinfo=UTC)  # 09:00 PST


def test_emoji_sentiment(app: RunningApp) -> None:
    add_party(app, "DOT")
    app.command("log DOT chat about invoices :slightly_frowning_face:")
    [interaction] = rows(app, Interaction)
    assert interaction.sentiment == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "log",
        "log    ",
        "frobnicate DMV",
    ],
)
def test_bad_input_gets_help_and_writes_nothing(app: RunningApp, text: str) -> None:
    body = app.command(text)
    shown = reply_text(body)
    assert body["response_type"] == "ephemeral"
    assert "/brm log" in shown  # an example that works
    assert rows(app, Interaction) == [] and rows(app, Issue) == [] and rows(app, Party) == []


def test_past_follow_up_is_refused_and_nothing_written(app: RunningApp) -> None:
    add_party(app, "DMV")
    body = app.command("log DMV call about renewals. follow up yesterday")
    assert "past" in reply_text(body)
    assert rows(app, Interaction) == [] and rows(app, Issue) == []


def test_an_unreadable_follow_up_date_mid_sentence_is_pointed_out_and_the_log_kept(app: RunningApp) -> None:
    add_party(app, "DMV")
    shown = reply_text(app.command("log DMV call and we will follow up next blursday <!channel>"))
    assert "Logged" in shown
    assert "No follow-up was set: I couldn't read a date in “next blursday" in shown
    assert "<!channel>" not in shown
    [interaction] = rows(app, Interaction)
    assert interaction.follow_up_at is None


def test_a_command_whose_work_runs_twice_is_recorded_once(app: RunningApp) -> None:
    # As when the worker running it died after saving and the next worker runs the job again.
    add_party(app, "DMV")
    text = "log DMV call about renewals. not working: renewal emails bounce. follow up next Tuesday"
    first = app.command(text, trigger_id="1.2.same-command")
    again = app.command(text, trigger_id="1.2.same-command")
    assert "Opened issue *#1*" in reply_text(first) and "Opened issue *#1*" in reply_text(again)
    assert len(rows(app, Interaction)) == 1 and len(rows(app, Issue)) == 1
    app.command(text, trigger_id="1.2.another-command")
    assert len(rows(app, Interaction)) == 2 and len(rows(app, Issue)) == 2


def test_help(app: RunningApp) -> None:
    body = app.command("help")
    shown = reply_text(body)
    assert "/brm log" in shown and "/brm close" in shown
    assert body["response_type"] == "ephemeral"


def test_user_text_cannot_ping_a_channel(app: RunningApp) -> None:
    add_party(app, "DMV")
    body = app.command("log DMV call about <!channel> and <!here> and <!subteam^S123|@team> alerts")
    shown = reply_text(body)
    for ping in ("<!channel>", "<!here>", "<!subteam^"):
        assert ping not in shown
    [interaction] = rows(app, Interaction)
    assert "<!channel>" in interaction.summary  # stored as written, only the echo is neutralised


def test_workspaces_never_see_each_other(app: RunningApp) -> None:
    add_party(app, "DMV", team_id="T1")
    app.command("log DMV call about renewals. not working: renewals stuck", team_id="T1")
    app.command("log DMV call about renewals. not working: renewals stuck", team_id="T2")

    # T2 had no DMV, so its log created its own party; numbering is per workspace.
    assert [i.number for i in rows(app, Issue, "T1")] == [1]
    assert [i.number for i in rows(app, Issue, "T2")] == [1]
    t1_parties, t2_parties = rows(app, Party, "T1"), rows(app, Party, "T2")
    assert {p.team_id for p in t1_parties} == {"T1"} and {p.team_id for p in t2_parties} == {"T2"}
    assert {p.id for p in t1_parties}.isdisjoint({p.id for p in t2_parties})


def test_forged_signature_is_refused_and_nothing_written(app: RunningApp) -> None:
    sent = app.client.command("log DMV call")  # a real one, to borrow its body
    app.slack.wait_for_response(sent.response_name)
    before = len(rows(app, Interaction))
    from urllib.parse import urlencode

    body = urlencode({**sent.payload, "response_url": app.slack.response_url("forged")})
    forged = app.client.raw(
        body,
        headers={
            "X-Slack-Request-Timestamp": str(int(datetime.now().timestamp())),
            "X-Slack-Signature": "v0=" + "0" * 64,
        },
    )
    assert forged.status == 401
    assert len(rows(app, Interaction)) == before
    assert app.slack.response_posts("forged") == []


def test_stale_signature_is_refused(app: RunningApp) -> None:
    app.client.timestamp = int(datetime.now().timestamp()) - 60 * 10  # ten minutes old, correctly signed
    sent = app.client.command("log DMV call")
    assert sent.status == 401
    assert rows(app, Interaction) == []
    assert app.slack.response_posts(sent.response_name) == []
