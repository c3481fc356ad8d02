"""Reading `/brm party` arguments (bot/party_args.py): where the name ends, and each action's value."""

import pytest

from bot.errors import BrmError, InputError, NotFound
from bot.party_args import NAME_LIMIT, PartyCommand, read_party_command
from bot.party_names import KnownParty

PARTIES = (
    KnownParty(1, "DMV", ("Department of Motor Vehicles",)),
    KnownParty(2, "Department of Revenue"),
    KnownParty(3, "Office of Channel Partners"),
    KnownParty(4, "Kind Foods"),
)


def read(text: str) -> PartyCommand:
    return read_party_command(text, parties=PARTIES, user_id="U1", channel_id="C1")


def test_nothing_lists_the_parties() -> None:
    assert read("   ") == PartyCommand("list")


@pytest.mark.parametrize(
    ("text", "party_id", "how"),
    [
        ("DMV", 1, "exact"),
        ("d.m.v.", 1, "exact"),
        ("department of motor vehicles", 1, "alias"),
        ("DVM", 1, "fuzzy"),
        ("Department of Revenue", 2, "exact"),
        ("Office of Channel Partners", 3, "exact"),  # an action word inside a known name
        ("Kind Foods", 4, "exact"),
    ],
)
def test_a_name_alone_shows_the_party(text: str, party_id: int, how: str) -> None:
    command = read(text)
    assert command.action == "show" and command.value is None
    assert command.party is not None
    assert (command.party.party_id, command.party.how) == (party_id, how)


@pytest.mark.parametrize(
    ("text", "party_id", "action", "value"),
    [
        ("Department of Revenue kind vendor", 2, "kind", "vendor"),
        ("DMV KIND: Partner", 1, "kind", "partner"),
        ("DMV kind vendors", 1, "kind", "vendor"),
        ("Kind Foods kind vendor", 4, "kind", "vendor"),
        ("Office of Channel Partners channel <#C9ABCDEF1|ocp>", 3, "channel", "C9ABCDEF1"),
        ("Office of Channel Partners kind partner", 3, "kind", "partner"),
        ("DVM kind internal", 1, "kind", "internal"),
        ("DMV alias Motor Vehicles Division", 1, "alias", "Motor Vehicles Division"),
        ("DMV alias “Motor  Vehicles”", 1, "alias", "Motor Vehicles"),
        ("DMV unalias Department of Motor Vehicles", 1, "unalias", "Department of Motor Vehicles"),
        (
            "DMV rename Dept of Motor Vehicles Owner Services",
            1,
            "rename",
            "Dept of Motor Vehicles Owner Services",
        ),
        ("DMV owner <@U2|sam>", 1, "owner", "U2"),
        ("DMV owner <@W2>", 1, "owner", "W2"),
        ("DMV owner me", 1, "owner", "U1"),
        ("DMV owner none", 1, "owner", None),
        ("DMV channel <#C123ABC|dmv-team>", 1, "channel", "C123ABC"),
        ("DMV channel <#G123ABC>", 1, "channel", "G123ABC"),
        ("DMV channel C0123456789", 1, "channel", "C0123456789"),
        ("DMV channel here", 1, "channel", "C1"),
        ("DMV channel none", 1, "channel", None),
    ],
)
def test_the_text_splits_at_the_action(text: str, party_id: int, action: str, value: str | None) -> None:
    command = read(text)
    assert command.party is not None and command.party.party_id == party_id
    assert (command.action, command.value) == (action, value)


@pytest.mark.parametrize(
    ("text", "error", "said"),
    [
        ("Acme", NotFound, "don't know a party called “Acme”"),
        ("Acme kind vendor", NotFound, "“Acme”"),
        ("DMV frobnicate", InputError, "but not “frobnicate”"),
        ("DMV kind", InputError, "one of agency, vendor, partner, internal"),
        ("DMV kind llama", InputError, "not “llama”"),
        ("DMV alias", InputError, "What is the alias"),
        ("DMV alias <@U2>", InputError, "plain words"),
        ("DMV rename <!channel>", InputError, "plain words"),
        ("DMV rename ...", InputError, "letter or digit"),
        ("DMV rename " + "x" * (NAME_LIMIT + 1), InputError, "too long"),
        ("DMV unalias", InputError, "Which alias"),
        ("DMV owner", InputError, "Who owns"),
        ("DMV owner @jane", InputError, "Slack's @ list"),
        ("DMV owner <@U1> <@U2>", InputError, "one owner"),
        ("DMV channel", InputError, "Which channel"),
        ("DMV channel #dmv-team", InputError, "Slack's # list"),
        ("DMV channel <#C1> <#C2>", InputError, "one home channel"),
    ],
)
def test_bad_input_is_refused_with_an_example(text: str, error: type, said: str) -> None:
    with pytest.raises(error) as refused:
        read(text)
    assert said in refused.value.text
    assert refused.value.example and refused.value.example.startswith("/brm party")


def test_channel_here_in_a_dm_is_refused() -> None:
    with pytest.raises(InputError) as refused:
        read_party_command("DMV channel here", parties=PARTIES, user_id="U1", channel_id="D1")
    assert "not a channel" in refused.value.text


def test_refusals_never_echo_a_ping() -> None:
    for text in ("<!channel> kind vendor", "DMV <!here>", "DMV kind <!everyone>", "<!here>"):
        with pytest.raises(BrmError) as refused:
            read(text)
        for ping in ("<!channel>", "<!here>", "<!everyone>"):
            assert ping not in refused.value.text


def test_with_no_parties_yet_the_error_says_so() -> None:
    with pytest.raises(NotFound) as refused:
        read_party_command("DMV", parties=(), user_id="U1", channel_id="C1")
    assert "none yet" in refused.value.text
