"""Reading `/brm search <words> [party] [since DATE]`.

Pure: no Slack, no database. The words become `SearchTerms`: runs of letters and digits only, so
quotes, punctuation and operators a person types are never query syntax. Text in double quotes is a
phrase (its words next to each other). A known party's exact name or alias at the end (or the start)
narrows the search to that party; "since <date>" at the end, read like any date in the app (in the
person's timezone, with the workspace's calendar), to what happened since. Very common words ("the",
"of") are left out, as PostgreSQL's English dictionary leaves them out, so both databases find the same.
What cannot be read becomes an `InputError` with an example, and nothing is searched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

from bot.dates import ParsedDate, parse_when
from bot.errors import InputError
from bot.party_names import KnownParty, PartyMatch
from bot.text import normalise_name, safe_mrkdwn, truncate
from storage.search_index import SearchTerms

SEARCH_EXAMPLE = "/brm search portal outage DMV since last month"
MAX_TERMS = 12
_MAX_PARTY_WORDS = 6
_WORD = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r"[\"\u201c\u201d\u201e]([^\"\u201c\u201d\u201e]*)[\"\u201c\u201d\u201e]")
_SLACK_TOKEN = re.compile(r"<[^<>]*>")
_SINCE = re.compile(r"(?<!\w)since(?!\w)", re.I)
_WORD_LIMIT = 60  # longer runs of letters are not words anyone searches for
# PostgreSQL's English stop words (tsearch_data/english.stop): its index leaves them out.
_STOP_TEXT = """
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her
hers herself it its itself they them their theirs themselves what which who whom this that these
those am is are was were be been being have has had having do does did doing a an the and but if or
because as until while of at by for with about against between into through during before after
above below to from up down in out on off over under again further then once here there when where
why how all any both each few more most other some such no nor not only own same so than too very s
t can will just don should now
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True)
class SearchCommand:
    """What `/brm search` was asked: the terms, the party it is narrowed to, since when."""

    terms: SearchTerms
    party: PartyMatch | None = None
    since: ParsedDate | None = None
    since_at: datetime | None = None  # the start of `since`'s day, or its moment when it has a time

    @property
    def said(self) -> str:
        """The terms as searched, for showing back (safe mrkdwn)."""
        shown = [*self.terms.words, *(f"“{' '.join(phrase)}”" for phrase in self.terms.phrases)]
        return safe_mrkdwn(" ".join(shown))


def read_search_command(
    text: str, *, parties: Sequence[KnownParty], tz: ZoneInfo, now: datetime
) -> SearchCommand:
    """Read the text after `/brm search`. `parties` may be only those `party_keys(text)` names."""
    names = _ExactNames(parties)
    text = " ".join(_SLACK_TOKEN.sub(" ", text).split())
    phrases = [phrase for phrase in (_words(m[1]) for m in _PHRASE.finditer(text)) if phrase]
    rest = " ".join(_PHRASE.sub(" ", text).split())
    rest, since = _read_since(rest, names, tz=tz, now=now)
    rest, party = _read_party(rest, names, keep_some=not phrases)
    words = tuple(dict.fromkeys(w for w in _words(rest) if w.lower() not in STOP_WORDS))
    phrases = [p for p in phrases if any(w.lower() not in STOP_WORDS for w in p)]
    if not words and not phrases:
        if _words(rest) or any(_words(m[1]) for m in _PHRASE.finditer(text)):
            raise InputError(
                "Those words are too common to search for (like “the” or “about”). "
                "Add a word that says what it was about.",
                example=SEARCH_EXAMPLE,
            )
        raise InputError(
            "What should I look for? Add a few words from the summary or the issue after `/brm search`.",
            example=SEARCH_EXAMPLE,
        )
    if len(words) + len(phrases) > MAX_TERMS:
        raise InputError(
            f"That is a lot of words: search with at most {MAX_TERMS} of them, the ones that matter most.",
            example=SEARCH_EXAMPLE,
        )
    since_at = None
    if since is not None:
        since_at = (
            since.at if since.has_time else datetime.combine(since.local_date, time(0), tz).astimezone(UTC)
        )
    return SearchCommand(SearchTerms(words, tuple(tuple(p) for p in phrases)), party, since, since_at)


def party_keys(text: str) -> set[str]:
    """Every run of up to a party name's length of words in `text`, as a party's name key: the names
    `read_search_command` may take for a party, to look up only those instead of every party."""
    words = (
        _SLACK_TOKEN.sub(" ", text).replace("\u201c", " ").replace("\u201d", " ").replace('"', " ").split()
    )
    keys = {
        normalise_name(" ".join(words[start : start + size]))
        for start in range(len(words))
        for size in range(1, _MAX_PARTY_WORDS + 1)
        if start + size <= len(words)
    }
    keys.discard("")
    return keys


def _words(text: str) -> list[str]:
    return [word[:_WORD_LIMIT] for word in _WORD.findall(text)]


def _read_since(
    text: str, names: _ExactNames, *, tz: ZoneInfo, now: datetime
) -> tuple[str, ParsedDate | None]:
    """(the text before "since", the date after it); a party may follow the date."""
    found = list(_SINCE.finditer(text))
    if not found:
        return text, None
    last = found[-1]
    before, after = text[: last.start()].strip(), text[last.end() :].strip()
    if not after:
        raise InputError(
            "Since when? Add a date after `since`, like `since Monday` or `since 11/1`.",
            example=SEARCH_EXAMPLE,
        )
    parsed = parse_when(after, tz=tz, now=now)
    if parsed is not None:
        return before, parsed
    # "since Monday DMV": the party after the date.
    words = after.split()
    for cut in range(len(words) - 1, max(0, len(words) - 1 - _MAX_PARTY_WORDS), -1):
        if names.find(" ".join(words[cut:])) is not None:
            parsed = parse_when(" ".join(words[:cut]), tz=tz, now=now)
            if parsed is not None:
                return f"{before} {' '.join(words[cut:])}", parsed
    raise InputError(
        f"I couldn't read “{safe_mrkdwn(truncate(after, 60))}” as a date. Try `since Monday`, "
        "`since 11/1` or `since last month`; to search for the word itself, put it in quotes: "
        '`"since the upgrade"`.',
        example=SEARCH_EXAMPLE,
    )


def _read_party(text: str, names: _ExactNames, *, keep_some: bool) -> tuple[str, PartyMatch | None]:
    """A known party named exactly (or by an alias) at the end of the words, or at their start.

    When the party's name is all there is, it is searched for as words instead (`keep_some`)."""
    words = text.split()
    most = min(_MAX_PARTY_WORDS, len(words) - (1 if keep_some else 0))
    for size in range(most, 0, -1):
        for name, rest in ((words[-size:], words[:-size]), (words[:size], words[size:])):
            match = names.find(" ".join(name))
            if match is not None:
                return " ".join(rest), match
    return text, None


class _ExactNames:
    """The workspace's parties by name and alias (case and punctuation folded), looked up exactly:
    words of a search are only taken for a party when they are its name, never a near miss."""

    def __init__(self, parties: Sequence[KnownParty]) -> None:
        self._known: dict[str, tuple[KnownParty, Literal["exact", "alias"]]] = {}
        for party in parties:
            self._known.setdefault(normalise_name(party.name), (party, "exact"))
        for party in parties:
            for alias in party.aliases:
                self._known.setdefault(normalise_name(alias), (party, "alias"))

    def find(self, words: str) -> PartyMatch | None:
        found = self._known.get(normalise_name(words)) if "<" not in words else None
        if found is None:
            return None
        party, how = found
        return PartyMatch(words, party.id, party.name, how, 100.0)
