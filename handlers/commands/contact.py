"""`/brm contact`: add a person at a party, list a party's people, show, change or remove one.

Arguments are read by `bot.contact_args`, changes made by `bot.contacts` inside one workspace
session (a refusal rolls everything back); the answer is ephemeral.
"""

from __future__ import annotations

from bot import contact_replies as replies
from bot.contact_args import read_contact_command
from bot.contacts import add_contact, change_contact, known_contacts, party_of, remove_contact
from bot.recording import known_parties
from handlers.commands.registry import subcommand
from handlers.commands.request import CommandRequest
from storage.contacts import contacts_of, get_contact, last_touchpoints, open_issues_with
from storage.parties import get_party


@subcommand(
    "contact",
    help="Contacts: add one, a party's people, one person",
    example="/brm contact add DMV Jane Doe, CIO, @jane sponsor",
    aliases=("contacts", "people"),
)
def run(request: CommandRequest) -> None:
    services = request.services
    tz = services.directory.timezone(request.team_id, request.user_id, request.client)
    with services.db.workspace(request.team_id, request.enterprise_id) as session:
        command = read_contact_command(
            request.text, parties=known_parties(session), contacts=known_contacts(session)
        )
        if command.action == "help":
            text, blocks = replies.contact_help()
        elif command.action == "add":
            assert command.new is not None
            contact = add_contact(session, command.new, actor_id=request.user_id)
            text, blocks = replies.added(contact, party_of(session, contact))
        elif command.action == "list":
            assert command.party is not None and command.party.party_id is not None
            party = get_party(session, command.party.party_id)
            assert party is not None
            people = contacts_of(session, party.id)  # type: ignore[arg-type]
            last = last_touchpoints(session, [person.id for person in people])  # type: ignore[misc]
            text, blocks = replies.contact_list(party, people, last, tz=tz)
        else:
            assert command.contact is not None
            contact = get_contact(session, command.contact.id)
            assert contact is not None
            if command.action == "remove":
                text, blocks = replies.removed(remove_contact(session, contact, actor_id=request.user_id))
            else:
                change = None
                if command.action != "show":
                    change = change_contact(session, contact, command, actor_id=request.user_id)
                last = last_touchpoints(session, [contact.id]).get(contact.id)  # type: ignore[list-item,arg-type]
                text, blocks = replies.contact_card(
                    contact,
                    party_of(session, contact),
                    last=last,
                    issues=open_issues_with(session, contact.id),  # type: ignore[arg-type]
                    tz=tz,
                    change=change,
                )
    request.reply(text, blocks)
