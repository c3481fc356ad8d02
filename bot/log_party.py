"""Which party a `/brm log` text is about: a known party's name or alias anywhere in it, else the words
before its first verb ("DMV met Jane"). The matching of names is bot/party_names.py. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.dates import find_dates
from bot.log_clauses import Clause, tidy_whitespace
from bot.party_names import (
    NOT_A_PARTY_START,
    KnownParty,
    PartyMatch,
    find_known_party_in,
    find_party,
    known_party_after_preposition,
    plain_name,
)

_LEAD_STOP = re.compile(
    r"\b(?:met|meet|meeting|mtg|call|called|calls|phone|phoned|emailed|email|e-mail|emails|visit|visited"
    r"|site\s+visit|onsite|on-site|chat|chatted|talked|spoke|sync|synced|with|about|re)\b|re:|\s[-\u2013\u2014]\s|[:,(<]",
    re.IGNORECASE,
)


def match_party_text(text: str, parties: Sequence[KnownParty]) -> PartyMatch | None:
    """The party a piece of text is about: a known name or alias anywhere in it, else its lead words
    matched to a known party, else those lead words as a new party. None when there are no lead words.
    """
    text = tidy_whitespace(text)
    match, _ = _party_from(text, [(0, len(text))], len(text), parties, lead_start=0)
    return match


def find_party_in(
    text: str,
    clauses: Sequence[Clause],
    main: Sequence[tuple[int, int]],
    parties: Sequence[KnownParty],
    *,
    tz: ZoneInfo,
    now: datetime,
) -> tuple[PartyMatch | None, tuple[int, int, str] | None]:
    first_clause = min((c.start for c in clauses), default=len(text))
    lead_start = _lead_start(text, tz=tz, now=now)
    match, span = _party_from(text, main, first_clause, parties, lead_start=lead_start)
    if match is None:
        # The party may only be named inside an issue or follow-up: "issue: DMV portal is down".
        known = find_known_party_in(text, [(0, len(text))], parties)
        if known is not None:
            return known[0], None
    return match, span


def _party_from(
    text: str,
    regions: Sequence[tuple[int, int]],
    lead_end: int,
    parties: Sequence[KnownParty],
    *,
    lead_start: int,
) -> tuple[PartyMatch | None, tuple[int, int, str] | None]:
    """The party and, when it leads the text, the span to drop from the summary."""
    known = find_known_party_in(text, regions, parties)
    if known is not None:
        match, start, end = known
        return match, (_lead_span(text, start, end) if start == lead_start else None)
    lead = _lead_words(text, lead_start, lead_end)
    if lead is None and find_known_party_in(text, [(0, len(text))], parties) is None:
        # No verb ends the name, but it is plainly one: "DOL portal timeouts for claimants". (A known
        # party named further on, "... issue: DMV kiosk down", is still the better guess.)
        name = plain_name(text[lead_start:lead_end])
        if name is not None:
            lead = name, lead_start, lead_start + len(name)
    if lead is None:
        # No lead words ("had a call with Acme ..."): a known party named after "with", "at", "from".
        return known_party_after_preposition(text, regions, parties), None
    words, start, end = lead
    match = find_party(words, parties)
    if match is None and (name := plain_name(words)) is not None:
        # The words before the verb start with a plain name and go on with the story:
        # "DOL unemployment portal timeouts for claimants, follow up ..." is about DOL.
        words, end = name, start + len(name)
        match = find_party(words, parties)
    return match or PartyMatch(words, None, words, "new", 0.0), _lead_span(text, start, end)


def _lead_start(text: str, *, tz: ZoneInfo, now: datetime) -> int:
    """Where the party would be named: after a leading date ("Yesterday, DMV call ...") if any."""
    mentions = find_dates(text, tz=tz, now=now, prefer="past")
    pos = mentions[0].end if mentions and mentions[0].start == 0 else 0
    m = re.compile(r"[\s,:\-\u2013\u2014]*").match(text, pos)
    return m.end() if m else pos


def _lead_words(text: str, start: int, end: int) -> tuple[str, int, int] | None:
    stop = _LEAD_STOP.search(text, start, end)
    if stop is None:
        return None
    words = text[start : stop.start()].strip(" \t'\"\u201c\u201d\u2018\u2019.,;:!?-\u2013\u2014")
    if not words or not re.search(r"[A-Za-z]", words) or len(words.split()) > 6:
        return None
    if words.split()[0].lower() in NOT_A_PARTY_START or words.startswith("<"):
        return None
    word_start = text.index(words, start)
    return words, word_start, word_start + len(words)


def _lead_span(text: str, start: int, end: int) -> tuple[int, int, str]:
    # Also drop the separator people put after a party: "DMV: ...", "DMV - ...".
    m = re.compile(r"\s*(?:[:\-\u2013\u2014,]\s*)?").match(text, end)
    return (start, m.end() if m else end, "")
