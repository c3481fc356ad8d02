"""Reading `/brm contact ...`: add a person at a party, list a party's people, show, change or remove one.

    /brm contact add DMV Jane Doe, CIO, @jane sponsor
    /brm contact DMV                      the party's people
    /brm contact Jane Doe                 one person (or `DMV Jane Doe` when two share the name)
    /brm contact Jane Doe role champion   also: title, slack, rename, cadence
    /brm contact remove Jane Doe

Pure: no Slack, no database. Party names are matched as `/brm log` matches them, people's names by
the same near-miss rules (bot/party_names.py), and a first name alone when only one person has it.
What cannot be read is an `InputError` or `NotFound` with an example: nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.cadence import read_cadence
from bot.errors import InputError, NotFound
from bot.limits import NAME_LIMIT
from bot.party_names import KnownParty, PartyMatch, find_party
from bot.text import USER_MENTION, normalise_name, safe_mrkdwn, truncate
from storage.contact_models import ContactRole

ADD_EXAMPLE = "/brm contact add DMV Jane Doe, CIO, @jane sponsor"
SHOW_EXAMPLE = "/brm contact Jane Doe"
ROLE_EXAMPLE = "/brm contact Jane Doe role champion"
REMOVE_EXAMPLE = "/brm contact remove Jane Doe"
CONTACT_CADENCE_EXAMPLE = "/brm contact Jane Doe cadence every month"
ACTIONS = ("role", "title", "slack", "rename", "cadence")
EXAMPLES = {
    "role": ROLE_EXAMPLE,
    "title": "/brm contact Jane Doe title CIO",
    "slack": "/brm contact Jane Doe slack @jane",
    "rename": "/brm contact Jane Doe rename Jane Smith",
    "cadence": CONTACT_CADENCE_EXAMPLE,
}
_ACTION_WORDS = {action: action for action in ACTIONS} | {"user": "slack", "every": "cadence"}
_ROLE_WORDS = {role.value: role.value for role in ContactRole} | {
    "executive sponsor": ContactRole.SPONSOR.value,
    "exec sponsor": ContactRole.SPONSOR.value,
    "decision-maker": ContactRole.DECISION_MAKER.value,
    "decider": ContactRole.DECISION_MAKER.value,
    "tech lead": ContactRole.TECHNICAL_LEAD.value,
    "technical": ContactRole.TECHNICAL_LEAD.value,
    "account mgr": ContactRole.ACCOUNT_MANAGER.value,
    "account rep": ContactRole.ACCOUNT_MANAGER.value,
}
_NONE_WORDS = frozenset({"none", "clear", "remove", "unset", "-", "nobody"})
_ADD_WORDS = frozenset({"add", "new", "create"})
_REMOVE_WORDS = frozenset({"remove", "delete", "rm", "drop"})
_QUOTES = "\"'\u201c\u201d\u2018\u2019"


@dataclass(frozen=True)
class KnownContact:
    """A contact the workspace has, with its party's name."""

    id: int
    name: str
    party_id: int
    party_name: str
    slack_user_id: str | None = None


@dataclass(frozen=True)
class NewContact:
    party: PartyMatch
    name: str
    role: str | None = None
    title: str | None = None
    slack_user_id: str | None = None


@dataclass(frozen=True)
class ContactCommand:
    """What `/brm contact` was asked to do.

    `action`: "help", "add" (`new` set), "list" (`party` set), "show", "remove" or one of ACTIONS
    (`contact` set); `value`: the new role, title, Slack user id, name or cadence in days (None clears).
    """

    action: str
    party: PartyMatch | None = None
    contact: KnownContact | None = None
    new: NewContact | None = None
    value: str | int | None = None


def read_contact_command(
    text: str, *, parties: Sequence[KnownParty], contacts: Sequence[KnownContact]
) -> ContactCommand:
    """Read the text after `/brm contact`."""
    words = text.split()
    if not words:
        return ContactCommand("help")
    first = words[0].lower()
    if first in _ADD_WORDS:
        return ContactCommand("add", new=read_new_contact(" ".join(words[1:]), parties))
    if first in _REMOVE_WORDS:
        return ContactCommand("remove", contact=_person(words[1:], parties, contacts, REMOVE_EXAMPLE))
    if first == "edit":
        words = words[1:]
    whole = " ".join(words)
    party = _whole_party(whole, parties)
    if party is not None and not _contact_named(whole, contacts):
        return ContactCommand("list", party=party)
    for i in range(1, len(words)):
        action = _ACTION_WORDS.get(words[i].lower().rstrip(":"))
        if action is None or _contact_named(whole, contacts):
            continue
        who = _find_person(words[:i], parties, contacts)
        if who is not None:
            value = (
                " ".join(words[i + 1 :])
                if action != "cadence" or words[i].lower() != "every"
                else (" ".join(words[i:]))
            )
            return ContactCommand(action, contact=who, value=_read_value(action, value))
    return ContactCommand("show", contact=_person(words, parties, contacts, SHOW_EXAMPLE))


def _whole_party(text: str, parties: Sequence[KnownParty]) -> PartyMatch | None:
    match = find_party(text, parties)
    return match if match is not None and match.party_id is not None else None


def _contact_named(text: str, contacts: Sequence[KnownContact]) -> bool:
    wanted = normalise_name(text)
    return bool(wanted) and any(normalise_name(c.name) == wanted for c in contacts)


def _person(
    words: Sequence[str], parties: Sequence[KnownParty], contacts: Sequence[KnownContact], example: str
) -> KnownContact:
    found = _find_person(words, parties, contacts)
    if found is not None:
        return found
    name = " ".join(words)
    if not name:
        raise InputError("Who? Add the person's name.", example=example)
    known = ", ".join(safe_mrkdwn(c.name) for c in sorted(contacts, key=lambda c: c.name.lower())[:8])
    raise NotFound(
        f"I don't know a contact called “{safe_mrkdwn(truncate(name, 80))}”. "
        f"Contacts I know: {known or 'none yet'}. `/brm contact DMV` lists a party's people.",
        example=ADD_EXAMPLE,
    )


def _find_person(
    words: Sequence[str], parties: Sequence[KnownParty], contacts: Sequence[KnownContact]
) -> KnownContact | None:
    """The contact `words` name: "Jane Doe", or "DMV Jane Doe" when the party is said first.

    Several people of that name at different parties: InputError asking which party."""
    name = " ".join(words)
    matches = match_contacts(name, contacts)
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        options = " or ".join(
            f"`/brm contact {safe_mrkdwn(c.party_name)} {safe_mrkdwn(c.name)}`" for c in matches[:4]
        )
        raise InputError(f"More than one contact is called that. Say which party: {options}.")
    for end in range(len(words) - 1, 0, -1):
        party = find_party(" ".join(words[:end]), parties)
        if party is None or party.party_id is None:
            continue
        at_party = [c for c in contacts if c.party_id == party.party_id]
        found = match_contacts(" ".join(words[end:]), at_party)
        if len(found) == 1:
            return found[0]
    return None


def match_contacts(name: str, contacts: Sequence[KnownContact]) -> list[KnownContact]:
    """The contacts `name` names: every exact match; else one near miss (a typo), or the one person
    with that first name. Several exact matches mean several people share the name."""
    wanted = normalise_name(name)
    if not wanted or "<" in name:
        return []
    exact = [c for c in contacts if normalise_name(c.name) == wanted]
    if exact:
        return exact
    near = find_party(name, [KnownParty(id=c.id, name=c.name) for c in contacts])
    if near is not None and near.how == "fuzzy":
        return [c for c in contacts if c.id == near.party_id]
    first = [c for c in contacts if normalise_name(c.name).split()[0] == wanted] if " " not in wanted else []
    return first if len(first) == 1 else []


def read_new_contact(text: str, parties: Sequence[KnownParty]) -> NewContact:
    """ "DMV Jane Doe, CIO, @jane sponsor": the party, the name, then title, Slack user and role in
    any order after commas."""
    head, *parts = [part.strip() for part in text.split(",")]
    words = head.split()
    party = None
    for exact in (True, False):
        for end in range(len(words) - 1, 0, -1):
            match = find_party(" ".join(words[:end]), parties)
            if match is not None and match.party_id is not None and (not exact or match.how != "fuzzy"):
                party, words = match, words[end:]
                break
        if party is not None:
            break
    if party is None:
        if len(words) < 2:
            raise InputError("Start with the party, then the person's name.", example=ADD_EXAMPLE)
        raise NotFound(
            f"I don't know a party at the start of “{safe_mrkdwn(truncate(head, 80))}”. "
            "`/brm party` lists them; `/brm log` adds a new one.",
            example=ADD_EXAMPLE,
        )
    name = read_person_name(" ".join(words), example=ADD_EXAMPLE)
    role = title = user = None
    for part in parts:
        users = USER_MENTION.findall(part)
        if users:
            if user is not None or len(users) > 1:
                raise InputError("A contact has one Slack user: mention only them.", example=ADD_EXAMPLE)
            user = users[0]
            part = USER_MENTION.sub(" ", part).strip()
        part_role, rest = _split_role(part)
        if part_role is not None:
            role = part_role
        if rest:
            title = read_title(rest) if title is None else read_title(f"{title}, {rest}")
    return NewContact(party=party, name=name, role=role, title=title, slack_user_id=user)


def _split_role(text: str) -> tuple[str | None, str]:
    """("sponsor", "CIO") from "CIO sponsor": a role from the short list at the end of the text."""
    key = " ".join(text.lower().split())
    for words, role in sorted(_ROLE_WORDS.items(), key=lambda item: -len(item[0])):
        if key == words or key.endswith(" " + words):
            return role, " ".join(text.split()[: -len(words.split())])
    return None, text.strip()


def read_role(value: str, *, example: str = ROLE_EXAMPLE) -> str | None:
    key = " ".join(value.lower().strip(" .").split())
    if key in _NONE_WORDS:
        return None
    if key in _ROLE_WORDS:
        return _ROLE_WORDS[key]
    said = f", not “{safe_mrkdwn(truncate(value, 40))}”" if value.strip() else ""
    raise InputError(
        f"A contact's role is one of {', '.join(role.value for role in ContactRole)}{said}. "
        "Their job title goes in `title`.",
        example=example,
    )


def read_person_name(value: str, *, example: str) -> str:
    """A person's name: plain words, not a mention or a link, at most NAME_LIMIT characters."""
    name = " ".join(value.strip().strip(_QUOTES).split())
    if not name:
        raise InputError("What is the person's name?", example=example)
    if "<" in name or ">" in name:
        raise InputError("A name should be plain words; put their Slack user after a comma.", example=example)
    if len(name) > NAME_LIMIT:
        raise InputError(f"That name is too long: keep it under {NAME_LIMIT} characters.", example=example)
    if not normalise_name(name):
        raise InputError("A name needs at least one letter or digit.", example=example)
    return name


def read_title(value: str) -> str | None:
    title = " ".join(value.split())
    if title.lower() in _NONE_WORDS or not title:
        return None
    if "<" in title or ">" in title:
        raise InputError("A title should be plain words, like CIO.", example=EXAMPLES["title"])
    if len(title) > NAME_LIMIT:
        raise InputError(
            f"That title is too long: keep it under {NAME_LIMIT} characters.", example=EXAMPLES["title"]
        )
    return title


def _read_value(action: str, value: str) -> str | int | None:
    if action == "role":
        return read_role(value)
    if action == "title":
        return read_title(value)
    if action == "rename":
        return read_person_name(value, example=EXAMPLES["rename"])
    if action == "cadence":
        return read_cadence(value, example=CONTACT_CADENCE_EXAMPLE)
    key = value.strip().lower()
    if key in _NONE_WORDS:
        return None
    m = USER_MENTION.fullmatch(value.strip())
    if m is None:
        raise InputError(
            "Which Slack user? Mention them, choosing them from Slack's @ list (or `slack none`).",
            example=EXAMPLES["slack"],
        )
    return m["id"]
