"""Reading `/brm search <words> [party] [since DATE]` (pure: no Slack, no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.errors import InputError
from bot.party_names import KnownParty
from bot.search_args import read_search_command
from storage.search_index import SearchTerms, fts5_query

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday 10:00 in New York
PARTIES = [KnownParty(1, "DMV", ("Department of Motor Vehicles",)), KnownParty(2, "Parks")]


def read(text: str):
    return read_search_command(text, parties=PARTIES, tz=NY, now=NOW)


def test_words_are_letters_and_digits_only_and_common_words_are_left_out() -> None:
    command = read('the portal* "outage" -- OR 3.5 NEAR(x) o\'brien')
    assert command.terms == SearchTerms(
        words=("portal", "3", "5", "NEAR", "x", "o", "brien"), phrases=(("outage",),)
    )
    # "NEAR" as typed is a word, never an operator ("OR" is a common word, left out): the FTS5
    # query is quoted strings only.
    assert fts5_query(command.terms) == '"portal" "3" "5" "NEAR" "x" "o" "brien" "outage"'
    assert command.party is None and command.since is None


def test_quotes_make_a_phrase_and_an_unbalanced_quote_is_punctuation() -> None:
    assert read("“portal outage” field").terms == SearchTerms(("field",), (("portal", "outage"),))
    assert read('"portal outage').terms == SearchTerms(("portal", "outage"))


def test_a_known_party_at_the_end_or_the_start_narrows_the_search() -> None:
    assert read("portal outage DMV").party.party_id == 1
    assert read("Department of Motor Vehicles portal").party.party_id == 1
    assert read("parks budget").party.party_id == 2
    assert read("portal outage DMV").terms.words == ("portal", "outage")
    # A near miss is not a party here (it may be a word someone wrote), nor is the name alone.
    assert read("portal DVM").party is None
    assert read("Parks").party is None and read("Parks").terms.words == ("Parks",)


def test_since_reads_a_date_in_the_persons_timezone_from_the_start_of_that_day() -> None:
    command = read("portal since yesterday")
    assert command.since_at == datetime(2026, 11, 25, 5, 0, tzinfo=UTC)  # midnight in New York
    assert command.terms.words == ("portal",)
    dated = read("portal since Monday DMV")
    assert dated.party.party_id == 1 and dated.since_at == datetime(2026, 11, 23, 5, 0, tzinfo=UTC)
    # Inside quotes "since" is a word like any other.
    assert read('"down since the upgrade"').since is None


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "What should I look for?"),
        ("?!", "What should I look for?"),
        ("<@U123|sam> <!here>", "What should I look for?"),
        ("the of an", "too common"),
        ("portal since", "Since when?"),
        ("portal since the upgrade", "as a date"),
        (" ".join(f"w{n}" for n in range(13)), "at most 12"),
    ],
)
def test_what_cannot_be_searched_is_refused_with_an_example(text: str, said: str) -> None:
    with pytest.raises(InputError) as refused:
        read(text)
    assert said in refused.value.text
    assert refused.value.example
