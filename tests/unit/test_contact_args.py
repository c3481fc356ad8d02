"""Reading `/brm contact ...`: which party, which person, which change; and matching people's names."""

from __future__ import annotations

import pytest

from bot.contact_args import KnownContact, match_contacts, read_contact_command
from bot.errors import BrmError, InputError, NotFound
from bot.party_names import KnownParty

PARTIES = [
    KnownParty(1, "DMV", ("Department of Motor Vehicles",)),
    KnownParty(2, "Acme Cloud"),
    KnownParty(3, "DOT"),
]
CONTACTS = [
    KnownContact(10, "Jane Doe", 1, "DMV", "U1"),
    KnownContact(11, "Robert Stone", 1, "DMV"),
    KnownContact(12, "Sam Lee", 3, "DOT"),
    KnownContact(13, "Sam Lee", 2, "Acme Cloud"),
]


def read(text: str):  # type: ignore[no-untyped-def]
    return read_contact_command(text, parties=PARTIES, contacts=CONTACTS)


def test_add_reads_the_party_the_name_and_the_parts_after_commas_in_any_order() -> None:
    new = read("add Department of Motor Vehicles Ann Lee, <@U9|ann> technical lead, Deputy CIO").new
    assert new is not None and new.party.party_id == 1
    assert (new.name, new.role, new.title, new.slack_user_id) == (
        "Ann Lee",
        "technical lead",
        "Deputy CIO",
        "U9",
    )
    plain = read("add Acme Cloud Bo Yang").new
    assert plain is not None and (plain.party.name, plain.name, plain.role, plain.title) == (
        "Acme Cloud",
        "Bo Yang",
        None,
        None,
    )
    assert read("add DMV Ann Lee, exec sponsor").new.role == "sponsor"  # type: ignore[union-attr]


def test_a_party_alone_lists_its_people_and_a_name_shows_one() -> None:
    assert read("DMV").action == "list" and read("DMV").party.party_id == 1  # type: ignore[union-attr]
    assert read("").action == "help"
    shown = read("jane doe")
    assert shown.action == "show" and shown.contact.id == 10  # type: ignore[union-attr]
    assert read("DOT Sam Lee").contact.id == 12  # type: ignore[union-attr]
    assert read("Acme Cloud Sam Lee").contact.id == 13  # type: ignore[union-attr]


def test_changes_read_their_value() -> None:
    assert (read("Jane Doe role Champion").action, read("Jane Doe role Champion").value) == (
        "role",
        "champion",
    )
    assert read("Jane Doe title CIO").value == "CIO"
    assert read("Jane Doe slack <@U7|x>").value == "U7"
    assert read("Jane Doe slack none").value is None
    assert read("edit Jane Doe cadence every 2 weeks").value == 14
    assert read("Jane Doe rename Jane Smith").value == "Jane Smith"
    assert read("remove Robert Stone").contact.id == 11  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "error", "says"),
    [
        ("Sam Lee", InputError, "/brm contact DOT Sam Lee"),
        ("Nobody Here", NotFound, "I don't know a contact"),
        ("add Atlantis Ann Lee", NotFound, "I don't know a party"),
        ("add DMV", InputError, "Start with the party"),
        ("Jane Doe role boss", InputError, "one of sponsor"),
        ("Jane Doe slack jane", InputError, "Which Slack user"),
        ("add DMV Ann <!here>", InputError, "plain words"),
        ("add DMV " + "A" * 120, InputError, "too long"),
    ],
)
def test_what_cannot_be_read_is_refused_with_an_example(text: str, error: type[BrmError], says: str) -> None:
    with pytest.raises(error) as refused:
        read(text)
    assert says in refused.value.text
    assert refused.value.example or error is InputError


def test_names_match_exactly_by_a_near_miss_or_by_a_first_name_only_one_person_has() -> None:
    dmv = [c for c in CONTACTS if c.party_id == 1]
    assert [c.id for c in match_contacts("Jane Doe", dmv)] == [10]
    assert [c.id for c in match_contacts("Robert Stonne", dmv)] == [11]  # a typo
    assert [c.id for c in match_contacts("Jane", dmv)] == [10]
    assert [c.id for c in match_contacts("Sam Lee", CONTACTS)] == [12, 13]  # two people, one name
    assert match_contacts("Sam", CONTACTS) == []  # which Sam?
    assert match_contacts("Joan Smith", dmv) == [] and match_contacts("<@U1>", dmv) == []
