"""People's text kept as they wrote it, the same on SQLite and PostgreSQL: Slack's escaping undone once
where text enters, mentions read as names, bots left out of the people involved, long titles and
control characters handled before the database sees them. Signed requests in, the fake Slack and
the database read back; each test runs on both databases with the same inputs."""

from __future__ import annotations

from sqlmodel import select

from bot.form_fields import Field
from slack_api.ids import Shortcut
from storage.models import AuditEvent, Contact, Interaction, Issue, Party, PartyAlias
from tests.conftest import RunningApp
from tests.test_log_command import add_party, reply_text, rows
from tests.test_shortcuts import inputs, open_form, post, settle, shown, submit

# One sentence, well over the 500 characters an issue title holds.
LONG_PROBLEM = "the licensing portal rejects renewals for field offices, " + ", ".join(
    f"step{n} fails again" for n in range(40)
)


def everything_written(app: RunningApp) -> str:
    """Every text column of the records people write, as one string to search."""
    with app.db.workspace("T1") as session:
        texts = [
            *(f"{p.name} {p.name_key}" for p in session.exec(select(Party))),
            *(a.alias for a in session.exec(select(PartyAlias))),
            *(f"{c.name} {c.role}" for c in session.exec(select(Contact))),
            *(f"{i.summary} {i.contacts}" for i in session.exec(select(Interaction))),
            *(f"{i.title} {i.details} {i.resolution}" for i in session.exec(select(Issue))),
        ]
    return "\n".join(texts)


# --------------------------------------------------------------------------- Slack's escaping


def test_a_party_named_in_a_command_is_stored_as_written_and_offered_so(app: RunningApp) -> None:
    # Slack sends "AT&T Mobility" in a slash command's text as "AT&amp;T Mobility".
    reply = app.command("log AT&amp;T Mobility call about &lt;renewals&gt; &amp; invoices")

    [party] = rows(app, Party)
    assert party.name == "AT&T Mobility"
    [interaction] = rows(app, Interaction)
    assert interaction.summary == "call about <renewals> & invoices"
    shown_back = reply_text(reply)
    assert "*AT&amp;T Mobility*" in shown_back  # escaped once, on the way out, as Slack asks
    assert "&amp;amp;" not in shown_back and "&lt;renewals&gt;" in shown_back

    _, view = open_form(app, Shortcut.LOG_INTERACTION, post(app, "hello"))
    options = app.client.block_suggestion(Field.PARTY, "AT&T", view=view).json()["options"]
    assert [option["text"]["text"] for option in options] == ["AT&T Mobility", "➕ New party: AT&T"]
    again = app.command("log AT&amp;T Mobility call about the renewal")
    assert len(rows(app, Party)) == 1 and "is a new party" not in reply_text(again)


def test_a_message_captured_with_a_shortcut_is_read_as_written(app: RunningApp) -> None:
    add_party(app, "AT&T Mobility")
    message = post(app, "AT&amp;T Mobility call: not working: invoices &gt; 90 days &amp; unpaid")

    _, view = open_form(app, Shortcut.RAISE_ISSUE, message)
    fields = inputs(view)
    assert fields[Field.PARTY]["initial_option"]["text"]["text"] == "AT&T Mobility"
    assert fields[Field.TITLE]["initial_value"] == "invoices > 90 days & unpaid"
    submit(app, view)
    app.slack.wait_for("chat.postMessage")

    [issue] = rows(app, Issue)
    assert issue.title == "invoices > 90 days & unpaid"
    [thread_reply] = app.slack.calls_to("chat.postMessage")
    assert "invoices &gt; 90 days &amp; unpaid" in shown(thread_reply.params)


# --------------------------------------------------------------------------- people involved


def test_an_apps_message_does_not_make_its_bot_a_person_involved(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.slack.add_user("UALERT", name="pagerbot", is_bot=True)
    message = post(
        app, "DMV portal is down, paging <@U2>", user="UALERT", bot_id="BALERT", subtype="bot_message"
    )

    _, view = open_form(app, Shortcut.LOG_INTERACTION, message)
    fields = inputs(view)
    assert fields[Field.PEOPLE].get("initial_users") == ["U2"]
    assert fields[Field.SUMMARY]["initial_value"] == "DMV portal is down, paging @sam"

    submit(app, view)
    app.slack.wait_for("chat.postMessage")
    [interaction] = rows(app, Interaction)
    assert interaction.people == ["U2"]
    assert interaction.summary == "DMV portal is down, paging @sam"


def test_mentions_read_as_names_and_mentioned_bots_are_not_people(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.slack.add_user("UHELPER", name="helper-bot", is_bot=True)
    message = post(app, "DMV call with <@U1> and <@UHELPER>: renewals late. thanks <@U2>", user="U2")

    _, view = open_form(app, Shortcut.LOG_INTERACTION, message)
    fields = inputs(view)
    # U2 wrote it and U1 took part; the helper bot did not.
    assert fields[Field.PEOPLE].get("initial_users") == ["U2", "U1"]
    assert fields[Field.SUMMARY]["initial_value"] == (
        "DMV call with @jane and @helper-bot: renewals late. thanks @sam"
    )
    submit(app, view)
    app.slack.wait_for("chat.postMessage")
    [interaction] = rows(app, Interaction)
    assert "@U" not in interaction.summary and "@sam" in interaction.summary
    assert app.slack.calls_to("users.info")  # names come from the user directory...
    looked_up = len(app.slack.calls_to("users.info"))
    open_form(app, Shortcut.RAISE_ISSUE, message, count=2)
    assert len(app.slack.calls_to("users.info")) == looked_up  # ...which keeps them


def test_a_mention_in_a_log_reads_as_the_persons_name(app: RunningApp) -> None:
    add_party(app, "DMV")

    reply = app.command("log DMV met <@U2> (CIO) and <@U9> about renewals")

    [interaction] = rows(app, Interaction)
    assert interaction.people == ["U2", "U9"]
    assert interaction.contacts == [{"name": "sam", "role": "CIO"}]
    assert [(contact.name, contact.role) for contact in rows(app, Contact)] == [("sam", "CIO")]
    assert "met @sam (CIO) and @U9 about renewals" in reply_text(reply)  # U9 is not in the directory


# --------------------------------------------------------------------------- what PostgreSQL refuses


def test_a_long_issue_title_is_kept_short_with_the_whole_text_in_the_details(app: RunningApp) -> None:
    add_party(app, "DMV")
    assert len(LONG_PROBLEM) > 500

    reply = app.command(f"log DMV call. not working: {LONG_PROBLEM}. follow up Friday")

    [issue] = rows(app, Issue)
    assert len(issue.title) <= 150 and issue.title.endswith("…")  # cut at a word, with an ellipsis
    assert LONG_PROBLEM.startswith(issue.title[:-1]) and LONG_PROBLEM[len(issue.title) - 1] in " ,"
    assert issue.details == LONG_PROBLEM
    assert f"Opened issue *#1*: {issue.title}" in reply_text(reply)
    [opened] = [event for event in rows(app, AuditEvent) if event.action == "opened"]
    assert opened.detail["title"] == issue.title


def test_nul_and_other_unseen_characters_are_dropped_from_everything_typed(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("log DMV\x00 met Ja\x00ne (C\x01IO) about the\x00 portal\x1b. not working: log\x00in fails")
    app.command("issue DMV renewals\x00 bounce\x07 high")
    app.command("close #1 vendor\x00 patched it")
    app.command("party DMV alias Motor\x00 Vehicles")
    app.command("log Water\x00 Board call about the\tmeters")

    written = everything_written(app)
    assert "\x00" not in written and "\x01" not in written and "\x07" not in written and "\x1b" not in written
    [interaction, second] = sorted(rows(app, Interaction), key=lambda row: row.id)
    assert interaction.summary == "met Jane (CIO) about the portal."
    assert second.summary == "call about the meters"  # a tab is space between words, not dropped
    assert sorted(issue.title for issue in rows(app, Issue)) == ["login fails", "renewals bounce"]
    assert "vendor patched it" in written
    assert [alias.alias for alias in rows(app, PartyAlias)] == ["Motor Vehicles"]
    assert sorted(party.name for party in rows(app, Party)) == ["DMV", "Water Board"]


def test_a_form_with_nul_characters_saves_without_them(app: RunningApp) -> None:
    message = post(app, "Parks: not working: the permit page")
    _, view = open_form(app, Shortcut.RAISE_ISSUE, message)

    submit(
        app,
        view,
        **{
            Field.PARTY: {
                "selected_option": {"text": {"type": "plain_text", "text": "New"}, "value": "new:Par\x00ks"}
            },
            Field.TITLE: {"value": "permit\x00 page\x0b down"},
            Field.DETAILS: {"value": "since\x00 Monday\r\nall day"},
        },
    )
    app.slack.wait_for("chat.postMessage")

    [party] = rows(app, Party)
    [issue] = rows(app, Issue)
    assert party.name == "Parks"
    assert (issue.title, issue.details) == ("permit page down", "since Monday\nall day")


def test_a_party_name_too_long_to_be_one_is_refused_and_nothing_is_written(app: RunningApp) -> None:
    add_party(app, "DMV")
    long_name = "Departmentofeverythingandmore" * 9  # 261 characters, more than any name holds

    logged = app.command(f"log {long_name} call about it")
    aliased = app.command(f"party DMV alias {long_name}")
    renamed = app.command(f"party DMV rename {long_name}")

    for reply in (logged, aliased, renamed):
        said = reply_text(reply)
        assert "too long" in said and "keep it under 100 characters" in said
        assert "Sorry" not in said
    assert [party.name for party in rows(app, Party)] == ["DMV"]
    assert rows(app, PartyAlias) == [] and rows(app, Interaction) == []


def test_a_new_party_name_too_long_in_a_form_is_shown_next_to_the_field(app: RunningApp) -> None:
    _, view = open_form(app, Shortcut.RAISE_ISSUE, post(app, "not working: the permit page"))
    option = {"text": {"type": "plain_text", "text": "New"}, "value": "new:" + "Parks" * 60}

    answer = submit(app, view, **{Field.PARTY: {"selected_option": option}})

    body = answer.json()
    assert body["response_action"] == "errors"
    assert "keep it under 100 characters" in body["errors"][Field.PARTY]
    settle(app)
    assert rows(app, Party) == [] and rows(app, Issue) == []


def test_a_long_contact_name_read_from_a_mention_is_cut_to_fit(app: RunningApp) -> None:
    add_party(app, "DMV")
    label = "jane" * 80  # a 320-character display name in a mention's label

    reply = app.command(f"log DMV met <@U9|{label}> (CIO) about renewals")

    assert "Logged" in reply_text(reply)
    [contact] = rows(app, Contact)
    assert len(contact.name) <= 200 and contact.name.startswith("janejane") and contact.role == "CIO"
