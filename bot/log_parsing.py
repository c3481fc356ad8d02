"""Reading `/brm log <text>`: who it was with, what kind of touchpoint, how it went, what is not
working and when to follow up, from one line of chat.

Pure: no Slack, no database, deterministic given `now`. Everything read is returned in a `LogDraft`
so the bot can show back what it understood; what it could not read is listed in `problems`.

The shape people write in (any part may be missing):
    DMV met Jane (CIO) about the licensing portal outage, tense. not working: portal login fails
    for field offices. follow up next Tuesday
- the party: a known party's name or alias anywhere, else the words before the first verb ("met"),
- issues: "not working: ...", "issue: ...", "problem: ...", "blocker: ..." up to the end of the sentence,
- the follow-up: "follow up ...", "f/u ...", "FU ...", "remind me ...", "check back ...", "next step ...",
- when it happened: a date anywhere else ("yesterday", "last Friday 2pm"); none means now.

Which known party some words name is decided in bot/party_names.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.dates import ParsedDate, describe, find_date, find_dates
from bot.party_names import (
    NOT_A_PARTY_START,
    KnownParty,
    PartyMatch,
    find_known_party_in,
    find_party,
    known_party_after_preposition,
    plain_name,
)
from bot.text import mentioned_users, normalise_name, safe_mrkdwn, truncate

KINDS = ("meeting", "call", "email", "visit", "chat")
DEFAULT_KIND = "chat"


@dataclass(frozen=True)
class ContactMention:
    """A person at the party named in the text: "Jane (CIO)", "with Bob Smith", "<@U123> (CTO)"."""

    name: str
    role: str | None = None
    user_id: str | None = None


@dataclass(frozen=True)
class LogDraft:
    """Everything read from a `/brm log` text, before anything is saved."""

    party: PartyMatch | None
    kind: str  # one of KINDS
    occurred_at: ParsedDate | None  # None means now
    follow_up: ParsedDate | None
    people: tuple[str, ...]  # Slack user ids mentioned
    contacts: tuple[ContactMention, ...]
    sentiment: str | None  # "positive", "neutral", "negative" or None when nothing said
    issues: tuple[str, ...]
    summary: str
    problems: tuple[str, ...]  # mrkdwn, what people typed in them escaped: the log is refused
    hints: tuple[str, ...] = ()  # plain text said in the reply; the log is still recorded


def parse_log_text(text: str, *, parties: Sequence[KnownParty], tz: ZoneInfo, now: datetime) -> LogDraft:
    """Read a `/brm log` text. See the module docstring for the shape it understands."""
    text = _tidy_whitespace(text)
    problems: list[str] = []
    if not text:
        problems.append(
            "There was nothing to log. Try: /brm log DMV met Jane (CIO) about the portal, follow up Friday"
        )
    clauses = _find_clauses(text, tz=tz, now=now)
    main = _main_spans(text, clauses)

    follow_up, follow_up_edits = _read_follow_up(text, clauses, tz=tz, now=now, problems=problems)
    issues = _read_issues(text, clauses, problems)
    party, party_span = _find_party_in(text, clauses, main, parties, tz=tz, now=now)
    main_text = " ".join(text[start:end] for start, end in main)

    edits = [(c.start, c.end, "") for c in clauses if c.kind == "issue"] + follow_up_edits
    if party_span is not None:
        edits.append(party_span)
    return LogDraft(
        party=party,
        kind=_read_kind(main_text),
        occurred_at=_read_when(text, main, party_span, tz=tz, now=now),
        follow_up=follow_up,
        people=_read_people(text),
        contacts=_read_contacts(text, clauses, party),
        sentiment=read_sentiment(main_text),
        issues=issues,
        summary=_tidy_summary(_apply_edits(text, edits)),
        problems=tuple(problems),
        hints=() if follow_up is not None else _unread_follow_up_hint(text, tz=tz, now=now),
    )


# --- clauses: issues and the follow-up ------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ISSUE_MARKER = re.compile(
    r"\b(?:not\s+working|issues?|problems?|blockers?|blocked(?:\s+(?:by|on))?|broken)(?:\s*:|\s+[-\u2013\u2014](?=\s))\s*",
    re.IGNORECASE,
)
_FOLLOW_UP_MARKER = re.compile(
    r"\b(?:(?:and|then|so|will|i['\u2019]ll|we['\u2019]ll|to|need\s+to|should|must|going\s+to)\s+)*"
    r"(?:follow[\s-]*ups?|followups?|f/u|fup|fu|circle\s+back|check\s+back|check\s+in\s+again|remind\s+me"
    r"|touch\s+base|next\s+steps?)\b\s*(?:[:\-\u2013\u2014]\s*)?",
    re.IGNORECASE,
)
_NEGATED_BEFORE = re.compile(r"(?:n['\u2019]t|\bnot|\bnever|\bno)\s+$", re.IGNORECASE)
# A full stop after these words does not end a sentence ("Dept. of Revenue", "Dec. 5", "D.M.V.").
_ABBREVIATIONS = _words(
    "dept div govt gov st mr mrs ms dr jr sr inc co corp ltd vs etc eg ie approx no jan feb mar apr "
    "jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun am pm"
)


@dataclass(frozen=True)
class _Clause:
    kind: Literal["issue", "follow_up"]
    start: int  # where the marker starts
    body_start: int  # where the words after the marker start
    end: int  # end of the clause, its sentence's full stop included
    body_end: int  # end of the words, without the full stop


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in re.finditer(r"[.!?;]+(?=\s|$)|\n", text):
        if m.group(0) == "." and _word_before(text, m.start()).replace(".", "") in _ABBREVIATIONS:
            continue
        if m.group(0) == "." and len(_word_before(text, m.start()).replace(".", "")) == 1:
            continue  # an initial: "D.M.V."
        spans.append((start, m.end()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _word_before(text: str, pos: int) -> str:
    m = re.search(r"[\w.]*$", text[:pos])
    return m.group(0).lower() if m else ""


def _find_clauses(text: str, *, tz: ZoneInfo, now: datetime) -> list[_Clause]:
    clauses: list[_Clause] = []
    for s_start, s_end in _sentences(text):
        markers = [("issue", m) for m in _ISSUE_MARKER.finditer(text, s_start, s_end)]
        markers += [("follow_up", m) for m in _FOLLOW_UP_MARKER.finditer(text, s_start, s_end)]
        markers = [(kind, m) for kind, m in markers if not _NEGATED_BEFORE.search(text[s_start : m.start()])]
        markers.sort(key=lambda km: km[1].start())
        # A follow-up marker in the middle of a sentence ("the vendor will follow up on it") only counts
        # when a date still to come follows it; at a clause boundary it always counts, so a bad or past
        # date can be reported.
        kept: list[tuple[str, re.Match[str]]] = []
        for index, (kind, m) in enumerate(markers):
            stop = markers[index + 1][1].start() if index + 1 < len(markers) else s_end
            at_boundary = re.search(r"(?:^|[,:;(\-\u2013\u2014])\s*$", text[s_start : m.start()]) is not None
            if kind == "follow_up" and not at_boundary:
                inside_issue = bool(kept) and kept[-1][0] == "issue"  # "not working: vendor will follow up"
                if inside_issue:
                    continue
                # "about the follow up to last week's outage": a date in the past is part of the story.
                mention = find_date(text[m.end() : stop], tz=tz, now=now, prefer="future")
                if mention is None or _is_past(mention.parsed, now, tz):
                    continue
            kept.append((kind, m))
        for index, (kind, m) in enumerate(kept):
            end = kept[index + 1][1].start() if index + 1 < len(kept) else s_end
            body_end = end
            while body_end > m.end() and text[body_end - 1] in " .;!?,\n":
                body_end -= 1
            clauses.append(_Clause(kind, m.start(), m.end(), end, body_end))  # type: ignore[arg-type]
    return clauses


def _main_spans(text: str, clauses: Sequence[_Clause]) -> list[tuple[int, int]]:
    """The parts of the text outside issue and follow-up clauses."""
    spans, pos = [], 0
    for clause in sorted(clauses, key=lambda c: c.start):
        if clause.start > pos:
            spans.append((pos, clause.start))
        pos = max(pos, clause.end)
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def _read_follow_up(
    text: str, clauses: Sequence[_Clause], *, tz: ZoneInfo, now: datetime, problems: list[str]
) -> tuple[ParsedDate | None, list[tuple[int, int, str]]]:
    """The first readable follow-up date, and how to edit the follow-up clauses out of the summary."""
    follow_up: ParsedDate | None = None
    edits: list[tuple[int, int, str]] = []
    for clause in (c for c in clauses if c.kind == "follow_up"):
        body = text[clause.body_start : clause.body_end]
        mention = find_date(body, tz=tz, now=now, prefer="future")
        if mention is None:
            if follow_up is None:
                problems.append(_follow_up_problem(body))
            continue
        if follow_up is not None:
            continue  # a second follow-up date stays in the summary as written
        if _is_past(mention.parsed, now, tz):
            problems.append(
                f'The follow-up date "{safe_mrkdwn(mention.parsed.phrase)}" ({describe(mention.parsed, tz)}) '
                'is in the past. Try a date ahead, like "next Tuesday" or "in 2 weeks".'
            )
            continue
        follow_up = mention.parsed
        # Words around the date ("with Jane on pricing") are part of the story: keep them in the summary.
        rest = _tidy_summary(body[: mention.start] + " " + body[mention.end :])
        if re.sub(r"\b(?:on|by|at|in|for|the|and|before|until)\b|\W", "", rest, flags=re.IGNORECASE):
            kept = (
                text[clause.start : clause.body_start].strip()
                + " "
                + rest
                + text[clause.body_end : clause.end]
            )
            edits.append((clause.start, clause.end, " " + kept.strip() + " "))
        else:
            edits.append((clause.start, clause.end, ""))
    return follow_up, edits


def _follow_up_problem(body: str) -> str:
    phrase = body.strip()
    if not phrase:
        return 'I saw "follow up" but no date after it. Try "follow up next Tuesday" or "f/u in 2 weeks".'
    return (
        f'I couldn\'t read the follow-up date "{safe_mrkdwn(truncate(phrase, 80))}". '
        'Try "next Tuesday", "by Friday", "in 2 weeks", "EOW" or "12/5".'
    )


_WEEKDAY = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)"
)
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
)
# The words after "follow up" that show a date was meant: "next blursday", "by Fridy", "in 2 wks".
_DATE_MEANT = re.compile(
    rf"(?:next|this|coming|tomorrow|today|tonight|eod|eow|eom|eoq|eoy|end\s+of|{_WEEKDAY}|{_MONTH}|\d+"
    rf"|(?:on|by|before|until)\s+(?:next|this|the\s+\d+|{_WEEKDAY}|{_MONTH}|\d+|eo[dwmqy]|end|tomorrow)"
    r"|in\s+(?:\d+|an?|one|two|three|four|five|six|ten|a\s+few|a\s+couple|couple))\b",
    re.IGNORECASE,
)


def _unread_follow_up_hint(text: str, *, tz: ZoneInfo, now: datetime) -> tuple[str, ...]:
    """When no follow-up was set but the text says "follow up" with what looks like a date the bot
    could not read, a note saying so: the log is kept, and the person is not left thinking a nudge is
    coming. (At a clause boundary an unreadable date is refused instead; this is for mid-sentence.)"""
    for marker in _FOLLOW_UP_MARKER.finditer(text):
        rest = text[marker.end() :]
        if _NEGATED_BEFORE.search(text[: marker.start()]) or not _DATE_MEANT.match(rest):
            continue
        phrase = truncate(re.split(r"[.;!?,\n]", rest, maxsplit=1)[0].strip(), 60)
        if find_date(phrase, tz=tz, now=now, prefer="future") is not None:
            continue  # a date that was read, and left out for a reason (in the past, say)
        return (
            f"No follow-up was set: I couldn't read a date in “{phrase}”. To set one, log again with "
            "a date like “follow up next Tuesday” or “f/u in 2 weeks”.",
        )
    return ()


def _is_past(parsed: ParsedDate, now: datetime, tz: ZoneInfo) -> bool:
    today = now.astimezone(tz).date()
    return parsed.local_date < today or (parsed.has_time and parsed.at < now - timedelta(minutes=1))


def _read_issues(text: str, clauses: Sequence[_Clause], problems: list[str]) -> tuple[str, ...]:
    issues = []
    for clause in (c for c in clauses if c.kind == "issue"):
        words = text[clause.body_start : clause.body_end].strip(" -\u2013\u2014:")
        if words:
            issues.append(words)
        else:
            marker = text[clause.start : clause.body_start].strip()
            problems.append(f'I saw "{marker}" but nothing after it. Try "not working: portal login fails".')
    return tuple(issues)


# --- the party ------------------------------------------------------------------------------------

_LEAD_STOP = re.compile(
    r"\b(?:met|meet|meeting|mtg|call|called|calls|phone|phoned|emailed|email|e-mail|emails|visit|visited"
    r"|site\s+visit|onsite|on-site|chat|chatted|talked|spoke|sync|synced|with|about|re)\b|re:|\s[-\u2013\u2014]\s|[:,(<]",
    re.IGNORECASE,
)


def match_party_text(text: str, parties: Sequence[KnownParty]) -> PartyMatch | None:
    """The party a piece of text is about: a known name or alias anywhere in it, else its lead words
    matched to a known party, else those lead words as a new party. None when there are no lead words.
    """
    text = _tidy_whitespace(text)
    match, _ = _party_from(text, [(0, len(text))], len(text), parties, lead_start=0)
    return match


def _find_party_in(
    text: str,
    clauses: Sequence[_Clause],
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


# --- kind, people, contacts, when -----------------------------------------------------------------

_KIND_WORDS = [
    ("meeting", r"met|meet|meeting|meetings|mtg|sync|synced|1:1|1-on-1|one-on-one|lunch|coffee"),
    ("call", r"call|called|calls|phone|phoned|rang|zoom|webex|video\s+call"),
    ("email", r"email|emailed|emails|e-mail|e-mailed|mailed"),
    ("visit", r"visit|visited|onsite|on-site|on\s+site"),
    ("chat", r"chat|chatted|slack|slacked|dm|dm['\u2019]?d|dmed|talked|spoke|texted|messaged"),
]
_KIND = re.compile("|".join(f"(?P<{kind}>\\b(?:{words})\\b)" for kind, words in _KIND_WORDS), re.IGNORECASE)
_MENTION = re.compile(r"<@(?P<id>[UW][A-Z0-9]+)(?:\|(?P<label>[^>]*))?>")
_NAME_WORD = r"[A-Z][a-z][\w'\u2019-]*"
_NAME_WITH_ROLE = re.compile(
    r"(?P<name><@[UW][A-Z0-9]+(?:\|[^>]*)?>|" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r"){0,2})"
    r"\s*\((?P<role>[^()\d]{1,40})\)"
)
_NAME_AFTER_VERB = re.compile(
    r"\b(?:with|met|called|emailed|phoned|visited|and|spoke\s+(?:to|with)|talked\s+(?:to|with))\s+"
    r"(?P<name>" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r"){0,2})"
)
# Capitalised words that are not people: sentence starts, days, months.
_NOT_A_NAME = _words(
    "met with and called emailed spoke talked the a an i we they monday tuesday wednesday thursday "
    "friday saturday sunday january february march april may june july august september october "
    "november december today tomorrow yesterday mon tue tues wed weds thu thur thurs fri sat sun jan "
    "feb mar apr jun jul aug sep sept oct nov dec eod eow eom cob"
)


def _read_kind(main_text: str) -> str:
    m = _KIND.search(main_text)
    return m.lastgroup if m and m.lastgroup else DEFAULT_KIND


def _read_people(text: str) -> tuple[str, ...]:
    return tuple(mentioned_users(text))


def _read_contacts(
    text: str, clauses: Sequence[_Clause], party: PartyMatch | None
) -> tuple[ContactMention, ...]:
    # Issue words are about systems, not people ("login with Okta fails"), so they are left out.
    issue_spans = [(c.start, c.end) for c in clauses if c.kind == "issue"]
    outside = "".join(
        " " * len(ch) if any(s <= i < e for s, e in issue_spans) else ch for i, ch in enumerate(text)
    )
    party_names = [f" {normalise_name(party.text)} ", f" {normalise_name(party.name)} "] if party else []

    def is_party(name: str) -> bool:
        # "Parks and Rec met ..." must not give a contact called "Rec"; "with Acme" is the party too.
        return any(f" {normalise_name(name)} " in known for known in party_names)

    found: dict[str, ContactMention] = {}
    for m in _NAME_WITH_ROLE.finditer(outside):
        contact = _contact(m["name"], m["role"].strip())
        if contact is not None and not is_party(contact.name):
            found.setdefault(contact.name.lower(), contact)
    for m in _NAME_AFTER_VERB.finditer(outside):
        contact = _contact(m["name"], None)
        if contact is not None and not is_party(contact.name):
            found.setdefault(contact.name.lower(), contact)
    return tuple(found.values())


def _contact(raw_name: str, role: str | None) -> ContactMention | None:
    mention = _MENTION.fullmatch(raw_name)
    if mention:
        return ContactMention(mention["label"] or mention["id"], role or None, mention["id"])
    words = raw_name.split()
    while words and words[0].lower().rstrip(".") in _NOT_A_NAME:
        words.pop(0)  # "Met Jane (CIO)" at the start of a sentence
    for index, word in enumerate(words):
        if word.lower().rstrip(".") in _NOT_A_NAME:
            words = words[:index]  # "Ann Lee Fri": the name stops where the date starts
            break
    if not words:
        return None
    return ContactMention(" ".join(words), role or None)


def _read_when(
    text: str,
    main: Sequence[tuple[int, int]],
    party_span: tuple[int, int, str] | None,
    *,
    tz: ZoneInfo,
    now: datetime,
) -> ParsedDate | None:
    for mention in find_dates(text, tz=tz, now=now, prefer="past"):
        if not any(start <= mention.start and mention.end <= end for start, end in main):
            continue
        if party_span and party_span[0] <= mention.start < party_span[1]:
            continue
        # A date ahead ("meeting again next week") is a plan, not when this happened.
        if mention.parsed.at <= now + timedelta(minutes=5):
            return mention.parsed
    return None


# --- sentiment ------------------------------------------------------------------------------------

_NEGATIVE = re.compile(
    r"tense|tension|frustrat\w*|angry|anger|upset|escalat\w*|concern(?:ed|s|ing)?|worr\w*|bad|rough"
    r"|difficult|heated|hostile|unhappy|annoyed|disappoint\w*|strained|awkward|poor|terrible|awful"
    r"|irritated|furious|negative|unpleasant|cold",
)
_POSITIVE = re.compile(
    r"great|good|productive|positive|happy|pleased|smooth(?:ly)?|friendly|excellent|constructive|helpful"
    r"|collaborative|thrilled|grateful|appreciative|fantastic|awesome|glad|warm|encouraging|promising",
)
_NEUTRAL = re.compile(r"neutral|ok|okay|fine|meh|so-so|mixed|routine|uneventful")
_NEGATORS = re.compile(r"not|no|never|hardly|barely|without|\w+n['\u2019]t")
_EMOJI_SENTIMENT = {
    "negative": {
        "slightly_frowning_face", "disappointed", "angry", "rage", "-1", "thumbsdown", "white_frowning_face",
        "confused", "worried", "frowning", "cry", "sob", "grimacing", "rotating_light", "warning",
    },
    "positive": {
        "smile", "slightly_smiling_face", "tada", "+1", "thumbsup", "raised_hands", "white_check_mark",
        "smiley", "grinning", "handshake", "heart", "star-struck", "clap",
    },
    "neutral": {"neutral_face", "expressionless", "shrug"},
}  # fmt: skip


def read_sentiment(text: str) -> str | None:
    """How a touchpoint went, from its words and emoji; None when the text does not say.

    "not great" counts as negative and "not bad" as neutral. When signs are mixed the majority wins,
    and a tie counts as negative: a worrying sign should not be averaged away.
    """
    votes = {"positive": 0, "negative": 0, "neutral": 0}
    for emoji in re.findall(r":([a-z0-9_+\-]+):", text.lower()):
        for mood, names in _EMOJI_SENTIMENT.items():
            if emoji in names:
                votes[mood] += 1
    without_emoji = re.sub(r":[a-z0-9_+\-]+:", " ", text.lower())
    # A negation reaches two words ahead, but not past a comma or full stop ("no problems, great").
    for fragment in re.split(r"[.,;:!?()]", without_emoji):
        words = re.findall(r"[a-z][a-z'\u2019-]*", fragment)
        for index, word in enumerate(words):
            negated = any(_NEGATORS.fullmatch(w) for w in words[max(0, index - 2) : index])
            if _NEGATIVE.fullmatch(word):
                votes["neutral" if negated else "negative"] += 1
            elif _POSITIVE.fullmatch(word):
                votes["negative" if negated else "positive"] += 1
            elif _NEUTRAL.fullmatch(word) and not negated:
                votes["neutral"] += 1
    if votes["negative"] and votes["negative"] >= votes["positive"]:
        return "negative"
    if votes["positive"]:
        return "positive"
    return "neutral" if votes["neutral"] else None


# --- text tidying -----------------------------------------------------------------------------------


def _tidy_whitespace(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    return "\n".join(line for line in lines if line)


def _apply_edits(text: str, edits: Sequence[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for start, end, replacement in sorted(edits):
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _tidy_summary(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" +([.,;:!?])(?=\s|$)", r"\1", text)
    text = re.sub(r"([.,;!?])(?:\s*[.,;])+(?=\s|$)", r"\1", text)  # "tense, ." -> "tense,"
    text = re.sub(r"\n\s*\n+", "\n", text)
    text = text.strip(" \n,;-\u2013\u2014")
    if text.endswith(":") and not re.search(r":[a-z0-9_+\-]+:$", text):
        text = text.rstrip(":").rstrip()  # a dangling "re:", but not the end of an emoji like ":tada:"
    return text.lstrip(":").lstrip()
