"""Which known party some words name: exact name, alias, or a near miss (a typo, an abbreviation,
an acronym).

Pure: no Slack, no database. `find_party` matches a few words to the workspace's parties;
`find_known_party_in` looks for a known name or alias anywhere in a longer text.

When a near miss is the same name, and when it is another party:
- Same name: a typo ("Departmnet of Labor", "Acme Clod"), an abbreviation ("Dept of Labor"), singular
  or plural ("Motor Vehicle" / "Motor Vehicles", "DMVs"), the initials ("SD12" for "School District
  12"), two swapped letters of an acronym ("DVM" for "DMV").
- Different names, however alike they look: names whose numbers differ, in digits or roman numerals
  ("District 3" / "District 4", "Local 1199" / "Local 1190", "SD 12" / "SD 21", "Agency00" /
  "Agency01", "Region IV" / "Region V"); names whose single letters differ ("Unit A" / "Unit B",
  "Building 5A" / "Building 5B"); names whose compass words differ ("North County Water" / "South
  County Water"); two short acronyms that are not a swap of each other ("DOT", "DOL", "DOE").
  Government numbers its regions, districts, union locals and school districts, so a digit that
  differs is a different party, never a typo; the same holds when one name has a number the other
  lacks ("Region" / "Region 4").

A name no party has yet is taken from the start of a text only when it is plainly a name
(`plain_name`): an acronym ("DOL unemployment portal timeouts"), or two or more capitalised words
("Acme Cloud invoices rejected", "Department of Labor claims backlog", "District 4 buses late"),
followed by words that are not. "the portal is down" or "Portal is down" names no one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from bot.numbers import read_number
from bot.text import normalise_name

FUZZY_THRESHOLD = 85.0
_MAX_NAME_WORDS = 6


@dataclass(frozen=True)
class KnownParty:
    """A party the workspace already has."""

    id: int
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class PartyMatch:
    """Which party some words refer to."""

    text: str  # the words as written
    party_id: int | None  # None for a party we do not know yet
    name: str  # the canonical name, or the new party's name
    how: Literal["exact", "alias", "fuzzy", "new"]
    score: float  # 0-100; 100 for exact and alias matches, 0 for new parties


_TOKEN = re.compile(r"&amp;|&|[A-Za-z0-9][\w.'\u2019]*")
_NAME_STOPWORDS = frozenset({"of", "and", "the", "for", "to", "on", "in", "at"})
_EXPANSIONS = {
    "dept": "department", "depts": "departments", "div": "division",
    "govt": "government", "gov": "government",
    "svc": "services", "svcs": "services", "admin": "administration", "ofc": "office", "mgmt": "management",
    "tech": "technology", "info": "information", "natl": "national", "intl": "international",
    "assn": "association", "univ": "university", "dev": "development", "sys": "systems", "comm": "commission",
}  # fmt: skip
# Words many party names share: matching only on these says nothing about which party is meant.
_GENERIC_NAME_WORDS = frozenset({
    "department", "departments", "division", "office", "agency", "administration", "services", "service",
    "state", "county", "city", "government", "bureau", "board", "commission", "authority", "center",
    "council", "program",
})  # fmt: skip
# How alike two words must be to count as the same word with a typo ("vehicle"/"vehicles", "clod"/"cloud").
_WORD_MATCH = 80.0


# Words that start a sentence rather than name a party: "had a call with ...", "quick sync ...".
NOT_A_PARTY_START = frozenset({
    "i", "we", "they", "he", "she", "you", "it", "had", "have", "has", "a", "an", "the", "quick", "brief",
    "short", "good", "great", "long", "another", "our", "my", "their", "this", "that", "today",
    "yesterday", "finally", "just", "also", "then", "so", "and",
})  # fmt: skip
# Capitals that are not a name: "FYI portal down", "URGENT: ...".
_NOT_AN_ACRONYM = frozenset({"fyi", "asap", "psa", "urgent", "todo", "nb", "ok", "eod", "eow", "re", "fwd"})
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&.]*[A-Z][A-Z0-9&.]*(?:['\u2019]s)?")  # DOL, D.M.V., DMV's, I&E
_CAPITALISED = re.compile(r"[A-Z][\w'\u2019.&-]*")  # Acme, Mid-State, O'Brien, Dept.
_NUMBER_OR_LETTER = re.compile(r"\d[\w-]*|[A-Z]")  # District 4, Local 1199, Unit A, Building 5B
# Abbreviations whose full stop belongs to the name: "Dept. of Labor".
_ABBREVIATED = frozenset({"dept", "depts", "div", "govt", "gov", "st", "inc", "co", "corp", "ltd", "assn"})
_JOINING = frozenset({"of", "and", "&", "&amp;", "for", "the", "on", "at", "in"})  # Department of Labor


def plain_name(text: str) -> str | None:
    """The name `text` starts with, as written, when its first words are plainly one; else None.

    Plainly a name: an acronym, or at least two capitalised words (a number or a single letter after
    them counts: "District 4", "Unit A"), joined by little words like "of" at most, six words at the
    most, and followed by at least one word that is none of these. "DOL unemployment portal timeouts"
    gives "DOL", "Acme Cloud invoices rejected" "Acme Cloud"; "the portal is down", "Portal is down"
    (one capitalised word may just start the sentence) and a text that is all name give None.
    """
    text = text.strip()
    first = text.split()[0] if text else ""
    if not first or (first.lower() in NOT_A_PARTY_START and not _ACRONYM.fullmatch(first)):  # "IT" is one
        return None
    words = list(re.finditer(r"\S+", text))
    ends: list[int] = []  # where each word of the name ends, joining words included
    joining: list[bool] = []
    acronym, capitalised = False, 0
    for m in words:
        bare = _without_end_punctuation(m.group(0))
        if _ACRONYM.fullmatch(bare) and bare.lower() not in _NOT_AN_ACRONYM:
            acronym = True
        elif (ends and _NUMBER_OR_LETTER.fullmatch(bare)) or (
            _CAPITALISED.fullmatch(bare) and not bare.isupper()
        ):
            capitalised += 1
        elif ends and not joining[-1] and bare.lower() in _JOINING:
            joining.append(True)
            ends.append(m.start() + len(bare))
            continue
        else:
            break
        joining.append(False)
        ends.append(m.start() + len(bare))
        if len(bare) < len(m.group(0)):
            break  # "Acme Cloud, invoices ...": the comma ends the name
    while joining and joining[-1]:
        joining.pop()
        ends.pop()
    if not ends or len(ends) > _MAX_NAME_WORDS or len(ends) == len(words):
        return None  # nothing after it: no telling where the name ends
    if not acronym and capitalised < 2:
        return None
    return text[: ends[-1]]


def _without_end_punctuation(word: str) -> str:
    if word in ("&amp;", "&"):
        return word
    bare = word.rstrip(",;:!?")
    if bare.endswith(".") and (_ACRONYM.fullmatch(bare) or bare[:-1].lower() in _ABBREVIATED):
        return bare  # "Dept. of Labor", "D.M.V.": the full stop is part of the name
    return bare.rstrip(".")


def find_party(candidate: str, parties: Sequence[KnownParty]) -> PartyMatch | None:
    """The known party some words name ("DMV", "Dept of Motor Vehicle", "DVM"), or None.

    Exact name first, then an alias, then a fuzzy match (typos, abbreviations, acronyms) scoring at
    least FUZZY_THRESHOLD out of 100.
    """
    if "<" in candidate:
        # Slack sends mentions, channels and links as <...> tokens, and a party's name has none:
        # "<!channel>" folded to "channel" is not a typo of "Office of Channel Partners".
        return None
    wanted = normalise_name(candidate)
    if not wanted or not parties:
        return None
    for party in parties:
        if normalise_name(party.name) == wanted:
            return PartyMatch(candidate, party.id, party.name, "exact", 100.0)
    for party in parties:
        if any(normalise_name(alias) == wanted for alias in party.aliases):
            return PartyMatch(candidate, party.id, party.name, "alias", 100.0)
    best: tuple[float, KnownParty] | None = None
    for party in parties:
        score = max(_similarity(wanted, normalise_name(name)) for name in (party.name, *party.aliases))
        if best is None or score > best[0]:
            best = (score, party)
    if best is not None and best[0] >= FUZZY_THRESHOLD:
        return PartyMatch(candidate, best[1].id, best[1].name, "fuzzy", round(best[0], 1))
    return None


def find_known_party_in(
    text: str, regions: Sequence[tuple[int, int]], parties: Sequence[KnownParty]
) -> tuple[PartyMatch, int, int] | None:
    tokens = [
        (_normal_token(m.group(0)), m.start(), m.end())
        for region_start, region_end in regions
        for m in _TOKEN.finditer(text, region_start, region_end)
    ]
    words = [token for token, _, _ in tokens]
    best: tuple[int, int, PartyMatch, int, int] | None = None  # (length, -position, match, start, end)
    for party in parties:
        for name, how in [(party.name, "exact"), *((alias, "alias") for alias in party.aliases)]:
            wanted = normalise_name(name).split()
            if not wanted:
                continue
            for index in range(len(words) - len(wanted) + 1):
                if words[index : index + len(wanted)] != wanted:
                    continue
                start, end = tokens[index][1], tokens[index + len(wanted) - 1][2]
                end = _without_trailing_dot(text, start, end)
                key = (len(" ".join(wanted)), -start)
                if best is None or key > best[:2]:
                    match = PartyMatch(text[start:end], party.id, party.name, how, 100.0)  # type: ignore[arg-type]
                    best = (key[0], key[1], match, start, end)
    return (best[2], best[3], best[4]) if best else None


_AFTER_PREPOSITION = re.compile(
    r"\b(?:with|at|from|for|to)\s+(?:the\s+)?(?P<name>[A-Z][\w.&'\u2019-]*(?:\s+(?:(?:of|and|&)\s+)?[A-Z][\w.&'\u2019-]*){0,4})"
)


def known_party_after_preposition(
    text: str, regions: Sequence[tuple[int, int]], parties: Sequence[KnownParty]
) -> PartyMatch | None:
    for region_start, region_end in regions:
        for m in _AFTER_PREPOSITION.finditer(text, region_start, region_end):
            match = find_party(m["name"].rstrip("."), parties)
            if match is not None:
                return match
    return None


def _normal_token(token: str) -> str:
    if token in ("&", "&amp;"):
        return "and"
    return normalise_name(re.sub(r"['\u2019]s$", "", token))


def _without_trailing_dot(text: str, start: int, end: int) -> int:
    # "DMV." at the end of a sentence: the full stop belongs to the sentence, not to the name.
    if text[end - 1] == "." and text.count(".", start, end) == 1:
        return end - 1
    return end


def _similarity(wanted: str, name: str) -> float:
    if not name:
        return 0.0
    expanded_wanted, expanded_name = _expand(wanted), _expand(name)
    if expanded_wanted == expanded_name:
        return 99.0
    if _singular(expanded_wanted) == _singular(expanded_name):
        return 98.0
    # Number words are kept whole, so "SD12" is "School District 12" and not "School District 1".
    acronym = "".join(
        word if word.isdigit() else word[0] for word in expanded_name.split() if word not in _NAME_STOPWORDS
    )
    single = " " not in wanted
    if single and len(acronym) >= 2 and wanted == acronym:
        return 95.0
    if _marks(expanded_wanted) != _marks(expanded_name):
        return 0.0  # "District 3" is not "District 4", "Unit A" is not "Unit B", "North" is not "South"
    # Acronyms: only a swapped pair of letters counts ("DVM" for "DMV"); "DOT" is not "DOR".
    if single and len(wanted) <= 5:
        for short in {acronym, name} - {""}:
            if " " not in short and _transposed(wanted, short):
                return 90.0
        if len(wanted) <= 3 or (" " not in name and len(name) <= 5):
            return 0.0  # two short words that differ are two acronyms: "ODOT" is not "ODOE"
    # Little words are left out so "Parks and Rec" does not look like "Health and Human Services".
    content_wanted, content_name = _content_words(expanded_wanted), _content_words(expanded_name)
    if not content_wanted or not content_name or not _every_word_found(content_wanted, content_name):
        return 0.0
    return float(fuzz.WRatio(content_wanted, content_name))


# Words that tell apart names otherwise alike: "North County Water" and "South County Water".
_DIRECTIONS = frozenset({
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
    "northern", "southern", "eastern", "western", "central", "upper", "lower", "inner", "outer",
})  # fmt: skip
# Roman numerals from II to XXXIX ("Region IV"); a lone "I", "V" or "X" is read as a letter, like "Unit A".
_ROMAN = re.compile(r"(?=[ivx]{2})x{0,3}(?:ix|iv|v?i{0,3})")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}


def _marks(name: str) -> list[str]:
    """What must be the same for two names to be one: their numbers (digits or roman numerals), their
    single letters ("Unit A", "5B"), their compass words. A typo does not change these; a different
    district, local, region, unit or side of the state does."""
    marks = []
    words = name.split()
    for index, word in enumerate(words):
        if word in _DIRECTIONS:
            marks.append(word)
        elif _ROMAN.fullmatch(word):
            marks.append(str(_roman_value(word)))
        elif len(word) == 1 and not (word == "a" and index == 0 and len(words) > 1):  # "A Better Way"
            number = read_number(word)
            marks.append(str(number) if number is not None else word)
        elif any(ch.isdigit() for ch in word):
            for run in re.findall(r"\d+|[^\W\d]+", word):
                number = read_number(run)  # "²" and "፩" pass isdigit() but are no number int() reads
                if number is not None:
                    marks.append(str(number))
                elif len(run) == 1:
                    marks.append(run)  # "5b", "i95"
    return sorted(marks)


def _roman_value(numeral: str) -> int:
    total = 0
    for index, ch in enumerate(numeral):
        value = _ROMAN_VALUES[ch]
        following = _ROMAN_VALUES[numeral[index + 1]] if index + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


def _singular(name: str) -> str:
    """Each word without a plural ending: "vehicles" and "vehicle", "DMVs" and "DMV" are one name."""
    return " ".join(re.sub(r"(?<=[^s])s$", "", word) if len(word) > 2 else word for word in name.split())


def _every_word_found(wanted: str, name: str) -> bool:
    """Each word written names a word of the party ("Parks Dept" is not "Dept of Motor Vehicles"),
    and at least one of them is more than a generic word like "department"."""
    name_words = name.split()
    wanted_words = wanted.split()
    if all(word in _GENERIC_NAME_WORDS for word in wanted_words):
        return False
    return all(any(fuzz.ratio(word, other) >= _WORD_MATCH for other in name_words) for word in wanted_words)


def _content_words(name: str) -> str:
    return " ".join(word for word in name.split() if word not in _NAME_STOPWORDS)


def _transposed(a: str, b: str) -> bool:
    return len(a) == len(b) and sorted(a) == sorted(b) and OSA.distance(a, b) == 1


def _expand(name: str) -> str:
    return " ".join(_EXPANSIONS.get(word, word) for word in name.split())
