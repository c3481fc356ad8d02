"""`/brm contact` and the people of `/brm log` end to end: signed slash commands, replies read from
the fake response_url, contacts and their links read back from the database. Every test runs on
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bot.form_fields import Field
from bot.party_select import party_option
from slack_api.ids import Shortcut
from storage.contact_models import InteractionContact
from storage.models import AuditEvent, Contact, Interaction, Party
from tests.conftest import RunningApp
from tests.test_log_command import add_party, reply_text, rows
from tests.test_no_pings import LOUD, PINGS, everything_sent
from tests.test_shortcuts import as_shown, open_form, post, submit

ADD = "contact add DMV Jane Doe, CIO, <@U1|jane> sponsor"


def contact(app: RunningApp, name: str, team_id: str = "T1") -> Contact:
    [found] = [c for c in rows(app, Contact, team_id) if c.name == name]
    return found


def test_add_reads_party_name_title_slack_user_and_role(app: RunningApp) -> None:
    add_party(app, "DMV", "Department of Motor Vehicles")
    reply = reply_text(app.command(ADD))
    assert "Added" in reply and "Jane Doe" in reply and "<@U1>" in reply

    jane = contact(app, "Jane Doe")
    assert (jane.title, jane.role, jane.slack_user_id, jane.name_key) == ("CIO", "sponsor", "U1", "jane doe")
    [event] = [e for e in rows(app, AuditEvent) if e.entity == "contact"]
    assert (event.action, event.actor_id, event.entity_id) == ("created", "U1", jane.id)


def test_a_party_lists_its_people_and_one_person_shows_party_role_user_last_contact_and_issues(
    app: RunningApp,
) -> None:
    add_party(app, "DMV")
    add_party(app, "DOT")
    app.command(ADD)
    app.command("contact add DMV Bob Stone, account manager")
    app.command("contact add DOT Sam Lee, technical lead")
    app.clock.advance(hours=1)
    app.command("log DMV met Jane Doe about the portal. not working: portal login fails")

    listed = reply_text(app.command("contact DMV"))
    assert "2 contacts" in listed and "Jane Doe" in listed and "Bob Stone" in listed
    assert "Sam Lee" not in listed
    assert listed.index("Bob Stone") < listed.index("Jane Doe")

    card = reply_text(app.command("contact jane doe"))
    for expected in ("Jane Doe", "DMV", "sponsor", "CIO", "<@U1>", "Thu 26 Nov", "#1", "portal login fails"):
        assert expected in card, expected
    bob = reply_text(app.command("contact Bob Stone"))
    assert "none yet" in bob and "Open issues involving them:* none" in bob


def test_edit_role_title_slack_rename_and_cadence_then_remove(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command(ADD)
    assert "champion" in reply_text(app.command("contact Jane Doe role champion"))
    app.command("contact Jane Doe title Chief Information Officer")
    app.command("contact Jane Doe slack <@U2|sam>")
    app.command("contact Jane Doe cadence every month")
    app.command("contact Jane Doe rename Jane Smith")
    jane = contact(app, "Jane Smith")
    assert (jane.role, jane.title, jane.slack_user_id, jane.cadence_days, jane.name_key) == (
        "champion",
        "Chief Information Officer",
        "U2",
        30,
        "jane smith",
    )
    same = reply_text(app.command("contact Jane Smith role champion"))
    assert "nothing changed" in same

    app.command("log DMV call with Jane Smith about renewals")
    assert len(rows(app, InteractionContact)) == 1
    gone = reply_text(app.command("contact remove Jane Smith"))
    assert "no longer a contact" in gone
    assert rows(app, Contact) == [] and rows(app, InteractionContact) == []
    assert len(rows(app, Interaction)) == 1  # the interaction stays
    actions = [e.action for e in rows(app, AuditEvent) if e.entity == "contact"]
    assert actions == [
        "created",
        "role_changed",
        "title_changed",
        "slack_user_changed",
        "cadence_changed",
        "name_changed",
        "removed",
    ]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("contact add Nowhere Jane Doe, CIO", "I don't know a party"),
        ("contact add DMV", "Start with the party"),
        ("contact add DMV Jane Doe, <@U1> <@U2>", "one Slack user"),
        ("contact add DMV <!channel>, CIO", "plain words"),
        ("contact Nobody Known", "I don't know a contact"),
        ("contact Jane Doe role boss", "one of sponsor, decision maker"),
        ("contact Jane Doe cadence sometimes", "as a cadence"),
        ("contact Jane Doe slack jane", "Which Slack user"),
    ],
)
def test_bad_input_gets_a_friendly_answer_and_writes_nothing(app: RunningApp, text: str, says: str) -> None:
    add_party(app, "DMV")
    app.command(ADD)
    before = [(c.id, c.name, c.role, c.title, c.slack_user_id, c.cadence_days) for c in rows(app, Contact)]
    events = len(rows(app, AuditEvent))
    reply = reply_text(app.command(text))
    assert says in reply and "Try:" in reply
    assert [
        (c.id, c.name, c.role, c.title, c.slack_user_id, c.cadence_days) for c in rows(app, Contact)
    ] == before
    assert len(rows(app, AuditEvent)) == events


def test_two_people_of_one_name_are_told_apart_by_their_party(app: RunningApp) -> None:
    add_party(app, "DMV")
    add_party(app, "DOT")
    app.command("contact add DMV Jane Doe, sponsor")
    app.command("contact add DOT Jane Doe, champion")
    asked = reply_text(app.command("contact Jane Doe"))
    assert "More than one contact" in asked and "/brm contact DOT Jane Doe" in asked
    assert "champion" in reply_text(app.command("contact DOT Jane Doe"))
    assert "sponsor" in reply_text(app.command("contact DMV Jane Doe"))
    duplicate = reply_text(app.command("contact add DMV jane doe"))
    assert "already a contact" in duplicate
    assert len(rows(app, Contact)) == 2


def test_a_log_links_known_people_by_slack_user_and_by_near_name_and_offers_to_add_the_rest(
    app: RunningApp,
) -> None:
    add_party(app, "DMV")
    add_party(app, "DOT")
    app.command(ADD)
    app.command("contact add DMV Robert Stone, account manager")
    app.command("contact add DOT Sam Lee")  # another party's Sam is not DMV's

    reply = reply_text(app.command("log DMV met <@U1> and Robert Stonne (CFO) and Sam Lee about renewals"))

    [interaction] = rows(app, Interaction)
    linked = sorted(link.contact_id for link in rows(app, InteractionContact))
    assert linked == sorted([contact(app, "Jane Doe").id, contact(app, "Robert Stone").id])
    assert all(link.interaction_id == interaction.id for link in rows(app, InteractionContact))
    assert "Linked to contacts" in reply and "Jane Doe (CIO, sponsor)" in reply and "Robert Stone" in reply
    assert "Sam Lee is not a contact at *DMV* yet" in reply and "/brm contact add DMV Sam Lee" in reply
    assert len(rows(app, Contact)) == 3  # nobody added on a guess


def test_contacts_stay_in_their_workspace(app: RunningApp) -> None:
    add_party(app, "DMV")
    add_party(app, "DMV", team_id="T2")
    app.command(ADD)
    assert "I don't know a contact" in reply_text(app.command("contact Jane Doe", team_id="T2"))
    assert "no contacts yet" in reply_text(app.command("contact DMV", team_id="T2"))
    app.command("log DMV met Jane Doe about renewals", team_id="T2")
    assert rows(app, InteractionContact, "T2") == []
    assert rows(app, Contact, "T2") == []


def test_typed_mentions_in_contact_commands_never_reach_slack_live(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command(ADD)
    for text in (
        f"contact add DMV Ann {LOUD}",
        f"contact add DMV Ann Lee, {LOUD}",
        f"contact Jane Doe title {LOUD}",
        f"contact Jane Doe role {LOUD}",
        f"contact {LOUD}",
        "contact DMV",
        "contact Jane Doe",
        f"log DMV met Jane Doe and Ann {LOUD} (CIO) about renewals",
    ):
        app.command(text)
    sent = everything_sent(app)
    assert not [ping for ping in PINGS if ping in sent]


def test_a_message_shortcut_form_links_its_people_and_the_thread_reply_names_them_without_roles(
    app: RunningApp,
) -> None:
    add_party(app, "DMV")
    app.command("contact add DMV Sam Lee, CTO, <@U2|sam> decision maker")
    app.command("contact add DMV Pat Kim, champion")
    message = post(
        app, "DMV call with <@U2|sam> and Pat Kim: the portal is down again. follow up next Tuesday"
    )
    _, view = open_form(app, Shortcut.LOG_INTERACTION, message)
    submit(app, view)

    [reply] = app.slack.wait_for("chat.postMessage")
    said = reply_text(reply.params)
    assert "Linked to contacts: Sam Lee, Pat Kim" in said
    assert "decision maker" not in said and "CTO" not in said  # a thread everyone in the channel reads
    [interaction] = rows(app, Interaction)
    linked = {
        link.contact_id for link in rows(app, InteractionContact) if link.interaction_id == interaction.id
    }
    assert linked == {contact(app, "Sam Lee").id, contact(app, "Pat Kim").id}


def test_the_global_shortcut_form_tells_the_person_who_was_linked_with_their_roles(app: RunningApp) -> None:
    add_party(app, "DMV")
    app.command("contact add DMV Sam Lee, CTO, <@U2|sam> decision maker")
    sent = app.client.global_shortcut(Shortcut.NEW_INTERACTION)
    assert sent.status == 200
    [opened] = app.slack.wait_for("views.open")
    view = opened.response["view"]
    values = as_shown(view)
    values[Field.PARTY][Field.PARTY]["selected_option"] = party_option(rows(app, Party)[0].id, "DMV")
    values[Field.SUMMARY][Field.SUMMARY]["value"] = "Quarterly review"
    values[Field.PEOPLE][Field.PEOPLE]["selected_users"] = ["U2"]
    assert app.client.view_submission(None, values, view=view).status == 200

    [told] = app.slack.wait_for("chat.postMessage")
    assert "Linked to contacts: Sam Lee (CTO, decision maker)" in reply_text(told.params)
    assert len(rows(app, InteractionContact)) == 1


def click_offer(app: RunningApp, reply: dict, name: str, *, team_id: str = "T1") -> dict:
    """Click *Add <name> as a contact* on a /brm log reply; what the app answered."""
    [button] = [
        element
        for block in reply["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["text"]["text"] == f"Add {name} as a contact"
    ]
    sent = app.client.block_action(
        button["action_id"],
        button["value"],
        message={"ts": "1.1", "blocks": reply["blocks"]},
        team_id=team_id,
    )
    assert sent.status == 200
    [answer] = app.slack.wait_for_response(sent.response_name)
    return answer.body


@pytest.mark.usefixtures("every_button_labelled")
def test_the_log_reply_offers_to_add_the_people_it_does_not_know_and_a_click_adds_them(
    app: RunningApp,
) -> None:
    add_party(app, "DMV")
    reply = app.command("log DMV met Bob Stone (CFO) and Ann Lee about renewals")
    assert rows(app, Contact) == []

    added = reply_text(click_offer(app, reply, "Bob Stone"))
    assert "Added *Bob Stone (CFO)* as a contact at *DMV*" in added
    bob = contact(app, "Bob Stone")
    assert (bob.title, bob.role, bob.name_key) == ("CFO", None, "bob stone")
    [event] = [e for e in rows(app, AuditEvent) if e.entity == "contact"]
    assert (event.action, event.surface, event.actor_id) == ("created", "button", "U1")

    again = reply_text(click_offer(app, reply, "Bob Stone"))
    assert "already a contact" in again and len(rows(app, Contact)) == 1
    # The next log links him.
    linked = reply_text(app.command("log DMV call with Bob Stone about the budget"))
    assert "Linked to contacts:* Bob Stone (CFO)" in linked


def test_an_offer_from_another_workspace_adds_nobody(app: RunningApp) -> None:
    add_party(app, "DMV")
    reply = app.command("log DMV met Bob Stone (CFO) about renewals")
    answer = reply_text(click_offer(app, reply, "Bob Stone", team_id="T2"))
    assert "That party is gone" in answer
    assert rows(app, Contact) == [] and rows(app, Contact, "T2") == []


def test_help_shows_contacts_and_cadence_and_the_aliases_work(app: RunningApp) -> None:
    shown = reply_text(app.command("help"))
    assert "/brm contact add DMV Jane Doe, CIO, @jane sponsor" in shown
    assert "/brm party DMV cadence every 2 weeks" in shown
    add_party(app, "DMV")
    app.command(ADD)
    assert "Jane Doe" in reply_text(app.command("contacts DMV")) and "Jane Doe" in reply_text(
        app.command("people DMV")
    )
    assert "Contacts* are the people at each party" in reply_text(app.command("contact"))
