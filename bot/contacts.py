"""Adding, changing and removing contacts, each with its audit row.

Called inside one workspace session: a refusal (`InputError`) rolls everything back. A change to
what the contact already is writes nothing, and says so. A contact's cadence change replans its
touchpoint nudge (bot/touchpoints.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from bot import touchpoints
from bot.cadence import describe_cadence
from bot.contact_args import ADD_EXAMPLE, EXAMPLES, ContactCommand, KnownContact, NewContact
from bot.errors import InputError, NotFound
from bot.text import normalise_name, safe_mrkdwn
from storage import contacts as store
from storage.audit import record_change
from storage.models import Contact, Party, Surface
from storage.parties import get_party


@dataclass(frozen=True)
class ContactChange:
    """What a change did, for the reply: `said` is safe mrkdwn."""

    contact: Contact
    changed: bool
    said: str


def known_contacts(session: Session) -> list[KnownContact]:
    return [
        KnownContact(
            id=contact.id,  # type: ignore[arg-type]
            name=contact.name,
            party_id=contact.party_id,
            party_name=party_name,
            slack_user_id=contact.slack_user_id,
        )
        for contact, party_name in store.contact_names(session)
    ]


def add_contact(
    session: Session, new: NewContact, *, actor_id: str, surface: str = Surface.COMMAND
) -> Contact:
    """Write a new contact at `new.party`; InputError when the party already has someone of that name."""
    assert new.party.party_id is not None
    party = get_party(session, new.party.party_id)
    if party is None:
        raise NotFound("That party is gone.", example=ADD_EXAMPLE)
    key = normalise_name(new.name)
    existing = _named(session, party.id, key)  # type: ignore[arg-type]
    if existing is not None:
        raise InputError(
            f"*{safe_mrkdwn(existing.name)}* is already a contact at *{safe_mrkdwn(party.name)}*. "
            "Change them instead:",
            example=f"/brm contact {existing.name} role champion",
        )
    contact = store.add_contact(
        session,
        Contact(
            team_id=party.team_id,
            enterprise_id=party.enterprise_id,
            party_id=party.id,  # type: ignore[arg-type]
            name=new.name,
            name_key=key,
            role=new.role,
            title=new.title,
            slack_user_id=new.slack_user_id,
        ),
    )
    _audit(session, contact, actor_id, "created", surface=surface, party=party.name, role=contact.role)
    return contact


def change_contact(
    session: Session, contact: Contact, command: ContactCommand, *, actor_id: str
) -> ContactChange:
    """Apply one of role, title, slack, rename, cadence (already read and checked) to `contact`."""
    action, value = command.action, command.value
    column = {"rename": "name", "slack": "slack_user_id", "cadence": "cadence_days"}.get(action, action)
    before = getattr(contact, column)
    if before == value:
        return ContactChange(
            contact, False, f"{_bold(contact)} already has that {_what(action)}; nothing changed."
        )
    if action == "rename":
        assert isinstance(value, str)
        key = normalise_name(value)
        clash = _named(session, contact.party_id, key)
        if clash is not None and clash.id != contact.id:
            raise InputError(
                f"Someone at that party is already called *{safe_mrkdwn(clash.name)}*.",
                example=EXAMPLES["rename"],
            )
        contact.name_key = key
    setattr(contact, column, value)
    session.add(contact)
    session.flush()
    audited = _what(action).lower().replace(" ", "_")
    _audit(session, contact, actor_id, f"{audited}_changed", before=before, after=value)
    if action == "cadence":
        party = get_party(session, contact.party_id)
        assert party is not None
        touchpoints.replan(session, party)
    return ContactChange(contact, True, _said(contact, action, value))


def remove_contact(session: Session, contact: Contact, *, actor_id: str) -> str:
    """Delete the contact (its interactions stay, with the name as written); the reply's text."""
    party = get_party(session, contact.party_id)
    _audit(session, contact, actor_id, "removed", name=contact.name, party=party.name if party else None)
    said = f"{_bold(contact)} is no longer a contact" + (
        f" at *{safe_mrkdwn(party.name)}*." if party else "."
    )
    store.remove_contact(session, contact)
    if party is not None:
        touchpoints.replan(session, party)
    return said


def _named(session: Session, party_id: int, key: str) -> Contact | None:
    """The party's contact whose name folds to `key`. Folded here rather than by the stored key,
    which contacts saved before 0008_contacts have only lower-cased."""
    return next((c for c in store.contacts_of(session, party_id) if normalise_name(c.name) == key), None)


def _said(contact: Contact, action: str, value: Any) -> str:
    if action == "cadence":
        return (
            f"{_bold(contact)}: touchpoints {describe_cadence(value)}."
            if value
            else (f"{_bold(contact)} has no cadence of their own now.")
        )
    if action == "slack":
        return (
            f"{_bold(contact)} is <@{value}> in Slack."
            if value
            else f"{_bold(contact)} has no Slack user now."
        )
    if value is None:
        return f"{_bold(contact)} has no {_what(action)} now."
    return f"{_bold(contact)}'s {_what(action)} is now {safe_mrkdwn(str(value))}."


def _what(action: str) -> str:
    return {"rename": "name", "slack": "Slack user", "cadence": "cadence"}.get(action, action)


def _bold(contact: Contact) -> str:
    return f"*{safe_mrkdwn(contact.name)}*"


def _audit(
    session: Session,
    contact: Contact,
    actor_id: str,
    action: str,
    *,
    surface: str = Surface.COMMAND,
    **detail: Any,
) -> None:
    record_change(
        session,
        actor_id=actor_id,
        surface=surface,
        action=action,
        entity="contact",
        entity_id=contact.id,
        **detail,  # type: ignore[arg-type]
    )


def party_of(session: Session, contact: Contact) -> Party:
    party = get_party(session, contact.party_id)
    assert party is not None
    return party
