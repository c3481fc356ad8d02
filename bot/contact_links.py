"""Which of an interaction's people are the party's contacts: linking them, and naming the rest.

A person is recognised by their Slack user (a mention, the form's people picker) or by name, with the
near-miss rules `/brm contact` uses (bot/contact_args.py `match_contacts`). Recognised people are
linked to the interaction (their last touchpoint moves); the others are not added on a guess, but
offered: the reply says how to add them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from bot.contact_args import KnownContact, match_contacts
from bot.text import normalise_name, safe_mrkdwn, truncate
from storage.contacts import contacts_of, link_contacts
from storage.models import Contact, Interaction, Party


@dataclass(frozen=True)
class PeopleLinked:
    """The interaction's contacts (linked), and the people named who are not contacts yet."""

    linked: list[Contact] = field(default_factory=list)
    new: list[tuple[str, str | None]] = field(default_factory=list)  # (name, title) as written


def link_people(
    session: Session,
    party: Party,
    interaction: Interaction,
    *,
    names: Sequence[tuple[str, str | None]],
    user_ids: Sequence[str],
) -> PeopleLinked:
    """Link the people of `interaction` that are `party`'s contacts; return them and the unknown names.

    `names` are the people read from the text; a contact whose whole name the summary says (a form's
    summary has no names read from it) is linked too."""
    contacts = contacts_of(session, party.id)  # type: ignore[arg-type]
    if not contacts and not names:
        return PeopleLinked()
    by_id = {contact.id: contact for contact in contacts}
    known = [
        KnownContact(
            id=c.id, name=c.name, party_id=c.party_id, party_name=party.name, slack_user_id=c.slack_user_id
        )  # type: ignore[arg-type]
        for c in contacts
    ]
    linked: dict[int, Contact] = {}
    for user_id in user_ids:
        for contact in contacts:
            if contact.slack_user_id == user_id:
                linked.setdefault(contact.id, contact)  # type: ignore[arg-type]
    new: list[tuple[str, str | None]] = []
    for name, title in names:
        found = match_contacts(name, known)
        if len(found) == 1:
            linked.setdefault(found[0].id, by_id[found[0].id])
        else:
            new.append((name, title))
    said = f" {normalise_name(interaction.summary)} "
    for contact in contacts:
        if f" {normalise_name(contact.name)} " in said and normalise_name(contact.name):
            linked.setdefault(contact.id, contact)  # type: ignore[arg-type]
    link_contacts(session, interaction, list(linked))
    return PeopleLinked(linked=list(linked.values()), new=new)


NEW_SHOWN = 3  # people offered as new contacts in one reply


def people_lines(people: PeopleLinked, party: Party) -> list[str]:
    """What a reply says about the people: who was linked to a contact, and how to add the others."""
    lines = []
    if people.linked:
        names = ", ".join(contact_label(contact) for contact in people.linked)
        lines.append(f":link: *Linked to contacts:* {names}")
    for name, title in people.new[:NEW_SHOWN]:
        command = f"/brm contact add {party.name} {name}" + (f", {title}" if title else "")
        lines.append(
            f":bust_in_silhouette: {safe_mrkdwn(name)} is not a contact at *{safe_mrkdwn(party.name)}* yet. "
            f"Add them: `{safe_mrkdwn(command)}`"
        )
    return lines


def contact_label(contact: Contact) -> str:
    """ "Jane Doe (CIO, sponsor)" as safe mrkdwn."""
    about = ", ".join(part for part in (contact.title, contact.role) if part)
    return safe_mrkdwn(f"{contact.name} ({about})" if about else contact.name)


def linked_note(people: PeopleLinked, *, public: bool) -> str | None:
    """Who a form's interaction was linked to. `public`: a thread reply everyone in the channel reads
    (vendors in a shared channel too), so it names the people only, without their roles."""
    if not people.linked:
        return None
    if public:
        return ":link: Linked to contacts: " + ", ".join(
            safe_mrkdwn(contact.name) for contact in people.linked
        )
    return ":link: Linked to contacts: " + ", ".join(contact_label(contact) for contact in people.linked)


def offer_buttons(people: PeopleLinked, party: Party, *, action_id: str) -> list[dict[str, Any]]:
    """An *Add … as a contact* button for each person named who is not a contact yet (at most
    NEW_SHOWN); each carries the party, the name and the title as written."""
    if not people.new:
        return []
    buttons = []
    for name, title in people.new[:NEW_SHOWN]:
        buttons.append(
            {
                "type": "button",
                "action_id": action_id,
                "text": {
                    "type": "plain_text",
                    "text": truncate(f"Add {name} as a contact", 75),
                    "emoji": True,
                },
                "value": json.dumps({"party": party.id, "name": name, "title": title}),
                "accessibility_label": truncate(f"Add {name} as a contact at {party.name}", 75),
            }
        )
    return [{"type": "actions", "block_id": "brm_add_contacts", "elements": buttons}]


def read_offer(value: str) -> tuple[int, str, str | None] | None:
    """(party id, name, title) from an offer button's value; None when it is not one of ours."""
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("party"), int)
        or not isinstance(data.get("name"), str)
    ):
        return None
    title = data.get("title")
    return data["party"], data["name"], title if isinstance(title, str) else None
