"""When a near miss is the same party and when it is another one (bot/party_names.py): a table of
pairs, and the property that names differing only in a number never match. And when the first
words of a text are plainly a name no party has yet."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.party_names import KnownParty, PartyMatch, find_party, plain_name


def match(written: str, known: str) -> PartyMatch | None:
    return find_party(written, [KnownParty(1, known)])


# (the party's name, what was written): the same party, found as a near miss.
SAME = [
    ("Department of Labor", "Departmnet of Labor"),
    ("Department of Labor", "Dept of Labor"),
    ("Department of Motor Vehicles", "Department of Motor Vehicle"),
    ("DMV", "DMVs"),
    ("DMV", "DVM"),
    ("Acme Cloud", "Acme Clod"),
    ("Health and Human Services", "Health & Human Service"),
    ("School District 12", "SD12"),
    ("Department of Motor Vehicles", "DMV"),
    ("District 3", "Distrct 3"),
    ("Local 1199", "Locl 1199"),
    ("Region IV", "Regoin IV"),
    ("Unit A", "Unitt A"),
    ("North County Water", "North Conty Water"),
    ("A Better Way", "Better Way"),
]

# Two different parties, whichever of the two is known.
DIFFERENT = [
    ("District 3", "District 4"),
    ("District 3", "District 30"),
    ("Local 1199", "Local 1190"),
    ("Local 12345", "Local 12346"),
    ("SD 12", "SD 21"),
    ("Agency00", "Agency01"),
    ("Region 4", "Region"),
    ("Region IV", "Region V"),
    ("Region IV", "Region VI"),
    ("Region II", "Region III"),
    ("Unit A", "Unit B"),
    ("Building 5A", "Building 5B"),
    ("J Smith Consulting", "K Smith Consulting"),
    ("DOT", "DOL"),
    ("DOL", "DOE"),
    ("ODOT", "ODOE"),
    ("Department of Transportation", "DOL"),
    ("North County Water", "South County Water"),
    ("Eastern Region Transit", "Western Region Transit"),
    ("Water District", "Upper Water District"),
]


@pytest.mark.parametrize(("known", "written"), SAME)
def test_a_near_miss_of_the_same_name_is_found(known: str, written: str) -> None:
    found = match(written, known)
    assert found is not None and (found.party_id, found.how) == (1, "fuzzy")


@pytest.mark.parametrize(("known", "written"), DIFFERENT + [(b, a) for a, b in DIFFERENT])
def test_a_different_name_is_not_a_near_miss(known: str, written: str) -> None:
    assert match(written, known) is None


def test_among_numbered_parties_each_finds_its_own() -> None:
    parties = [KnownParty(n, f"District {n}") for n in range(1, 21)]
    for n in range(1, 21):
        found = find_party(f"Distrct {n}", parties)
        assert found is not None and found.party_id == n


_NAME_WORDS = [
    "Agency", "District", "Local", "Region", "School", "Unit", "County", "Water", "Transit", "Board",
    "Department", "of", "Labor", "Health", "Services", "Police", "Fire", "SEIU", "Court", "Parks",
]  # fmt: skip
_WORDS = st.sampled_from(_NAME_WORDS) | st.from_regex(r"[A-Z][a-z]{2,9}", fullmatch=True)
_ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def _roman(n: int) -> str:
    out = ""
    for value, numeral in _ROMAN:
        while n >= value:
            out, n = out + numeral, n - value
    return out


@st.composite
def _numbered_pair(draw: st.DrawFn) -> tuple[str, str]:
    """One name written twice with two different numbers in the same place, the same way."""
    words = draw(st.lists(_WORDS, min_size=1, max_size=4))
    where = draw(st.integers(0, len(words)))
    first = draw(st.integers(0, 99999))
    # Numbers a digit apart look most like a typo: "Local 1199" and "Local 1190".
    second = draw(
        st.integers(0, 99999).filter(lambda n: n != first) | st.sampled_from([first + 1, first + 10])
    )
    style = draw(st.sampled_from(["word", "glued", "padded", "roman"]))
    if style == "roman":
        first, second = first % 39 + 1, second % 39 + 1
        if first == second:
            second = second % 39 + 1

    def written(n: int) -> str:
        number = {"word": str(n), "glued": str(n), "padded": f"{n:05d}", "roman": _roman(n)}[style]
        if style in ("glued", "padded") and where > 0:
            return " ".join([*words[: where - 1], words[where - 1] + number, *words[where:]])
        return " ".join([*words[:where], number, *words[where:]])

    return written(first), written(second)


@given(_numbered_pair())
def test_names_that_differ_only_in_a_number_never_match(pair: tuple[str, str]) -> None:
    known, written = pair
    assert match(written, known) is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("DOL unemployment portal timeouts for claimants", "DOL"),
        ("DMV's kiosk is down", "DMV's"),
        ("D.M.V. kiosk is down", "D.M.V."),
        ("IT Security laptops are late", "IT Security"),
        ("Acme Cloud invoices are rejected", "Acme Cloud"),
        ("Acme Cloud, invoices are rejected", "Acme Cloud"),
        ("Department of Labor claims backlog", "Department of Labor"),
        ("Dept. of Labor claims backlog", "Dept. of Labor"),
        ("Parks & Rec permits", "Parks & Rec"),
        ("Parks &amp; Rec permits", "Parks &amp; Rec"),
        ("District 4 buses are late", "District 4"),
        ("Unit A is short staffed", "Unit A"),
        ("New York State Department of Labor claims", "New York State Department of Labor"),
        # Not plainly a name: a sentence, one capitalised word, a word in capitals that is not a name,
        # a name with nothing after it, or more words than a name has.
        ("the portal is down", None),
        ("The portal is down", None),
        ("Portal is down", None),
        ("Acme invoices rejected", None),
        ("I can't log in", None),
        ("FYI portal down", None),
        ("Great Meeting with DMV", None),
        ("Acme Cloud", None),
        ("DOL", None),
        ("Board Of Water And Power Of The Big City down", None),
        ("<@U1> portal down", None),
        ("", None),
    ],
)
def test_a_plain_name(text: str, name: str | None) -> None:
    assert plain_name(text) == name
