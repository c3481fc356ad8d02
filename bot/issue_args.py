"""Reading the arguments of the issue commands: `/brm issue`, `/brm close`, `/brm reopen`,
`/brm snooze` and `/brm assign` (`/brm list`'s are bot/list_filter.py).

Pure: no Slack, no database, deterministic given `now`. What cannot be read becomes an `InputError`
(or a `problems` entry) with an example that works, so nothing is written on bad input.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.dates import ParsedDate, describe, find_date, find_dates, parse_follow_up, reads_only_in_part
from bot.errors import InputError, NotFound
from bot.party_names import KnownParty, PartyMatch, find_party, plain_name
from bot.text import normalise_name, safe_mrkdwn, truncate
from storage.models import Severity

ISSUE_EXAMPLE = "/brm issue DMV renewal emails bounce @jane by Friday high"
NEW_PARTY_EXAMPLE = "/brm issue Acme Cloud: invoices are rejected. follow up Monday"
CLOSE_EXAMPLE = "/brm close #12 vendor patched the login page"
REOPEN_EXAMPLE = "/brm reopen #12"
SNOOZE_EXAMPLE = "/brm snooze #12 next Monday"
ASSIGN_EXAMPLE = "/brm assign #12 @sam"

# Issue numbers are small; anything longer is a typo, and would not fit the database's integer.
_MAX_NUMBER_DIGITS = 9
_NUMBER = re.compile(
    r"^(?:issue\s+)?(?:#\s*|no\.?\s*|number\s+)?(?P<n>[0-9]+)(?![\w/:.-]*\w)[\s:,.\-\u2013\u2014]*", re.I
)


def read_issue_number(text: str, *, example: str) -> tuple[int, str]:
    """The issue number a command starts with ("#12", "12", "issue 12") and the rest of the text."""
    text = " ".join(text.split())
    m = _NUMBER.match(text)
    if m is None:
        said = f" “{safe_mrkdwn(text.split()[0])}” is not an issue number." if text else ""
        raise InputError(f"Which issue? Start with its number, as in the example.{said}", example=example)
    digits = m["n"].lstrip("0") or "0"
    if len(digits) > _MAX_NUMBER_DIGITS or int(digits) == 0:
        raise NotFound(f"There is no issue #{m['n']} here.", example=example)
    return int(digits), text[m.end() :].strip()


def read_snooze_date(text: str, *, tz: ZoneInfo, now: datetime) -> ParsedDate:
    """The date a snooze runs until: required, readable, and still to come."""
    phrase = text.strip()
    if not phrase:
        raise InputError("Until when? Add a date after the issue number.", example=SNOOZE_EXAMPLE)
    parsed = parse_follow_up(phrase, tz=tz, now=now)
    if parsed is None:
        raise InputError(
            f"I couldn't read “{safe_mrkdwn(phrase)}” as a date. "
            "Try _tomorrow_, _Friday_, _next Monday_, _in 2 weeks_ or _12/5_.",
            example=SNOOZE_EXAMPLE,
        )
    if parsed.at <= now:
        raise InputError(
            f"“{safe_mrkdwn(parsed.phrase)}” ({describe(parsed, tz)}) is in the past. "
            "Pick a day still to come.",
            example=SNOOZE_EXAMPLE,
        )
    return parsed


@dataclass(frozen=True)
class IssueDraft:
    """Everything read from a `/brm issue` text, before anything is saved."""

    party: PartyMatch | None
    title: str
    details: str | None  # the whole text when the title had to be shortened
    owner_id: str | None  # None: whoever raised it
    follow_up: ParsedDate | None
    severity: str | None  # None: the default
    notes: tuple[str, ...]  # things worth telling the person about how the text was read
    problems: tuple[str, ...]  # reasons nothing can be saved


TITLE_LIMIT = 300

_SEVERITY_NAMES = {
    "low": Severity.LOW,
    "medium": Severity.MEDIUM,
    "med": Severity.MEDIUM,
    "high": Severity.HIGH,
    "critical": Severity.CRITICAL,
    "crit": Severity.CRITICAL,
    "urgent": Severity.CRITICAL,
}
_SEVERITY_LEVELS = {"1": Severity.CRITICAL, "2": Severity.HIGH, "3": Severity.MEDIUM, "4": Severity.LOW}
_SEVERITY_WORD = "|".join(_SEVERITY_NAMES)
# "sev1", "sev 2", "p1", "severity: high", "priority high": clearly a severity wherever it is written.
_SEVERITY_MARKED = re.compile(
    r"[(\[]?(?<![\w-])(?:(?:sev(?:erity)?|priority|prio)\s*[-:=]?\s*(?:(?P<level>[1-4])|(?P<name>"
    + _SEVERITY_WORD
    + r"))|p(?P<p>[1-4]))(?![\w-])[)\]]?",
    re.I,
)
# A bare "high" only counts as the last word, and not after words that make it part of the title
# ("latency is high").
_SEVERITY_LAST = re.compile(
    r"[(\[]?(?<![\w-])(?P<name>" + _SEVERITY_WORD + r")(?:\s+(?:severity|priority|sev))?[)\]]?$", re.I
)
_NOT_SEVERITY_AFTER = frozenset(
    {"is", "are", "was", "were", "be", "been", "being", "too", "very", "so", "still", "remains", "remain"}
    | {"stays", "stay", "getting", "gets", "got", "running", "runs", "not"}
)
OWNER_MENTION = re.compile(
    r"(?:\b(?:owner|owned\s+by|assign(?:ed)?\s+to)\s*:?\s*)?<@(?P<id>[UW][A-Z0-9]+)(?:\|[^>]*)?>", re.I
)
# "@jane" that Slack did not turn into a mention: a name we cannot look up.
_LOOSE_HANDLE = re.compile(
    r"(?:\b(?:owner|owned\s+by|assign(?:ed)?\s+to)\s*:?\s*)?(?<![\w<])@(?P<name>[a-z][\w.-]*)", re.I
)
_BROADCASTS = frozenset({"here", "channel", "everyone"})
_FOLLOW_UP_KEYWORD = re.compile(
    r"(?<![\w/])(?:follow[\s-]?up|followup|f/u|fu|check\s+back|remind\s+me|revisit)(?:\s+on)?(?![\w/])\s*",
    re.I,
)
_CONNECTOR_WORD = re.compile(r"^(?:on|by|before|until|till|til|due|for)\b", re.I)
# "down since Monday", "broken from Tuesday": the date describes the problem, not when to follow up.
_DESCRIBING_DATE_AFTER = frozenset({"since", "from", "after", "starting", "started", "began", "begun", "of"})
_TRAILING_JUNK = " \t.,;!-\u2013\u2014"
_LEAD_SEPARATOR = re.compile(r"^[\s:,\-\u2013\u2014]+")
_QUOTED_PARTY = re.compile(r"^[\"\u201c](?P<name>[^\"\u201c\u201d]{1,100})[\"\u201d]")
_NEW_PARTY_LEAD = re.compile(r"^(?P<name>[^:\n]{1,80}?)\s*(?::(?=\s|$)|\s[-\u2013\u2014]\s)")
_MAX_PARTY_WORDS = 6
# Stricter than the log's fuzzy threshold: here the name's end is not marked by a verb, and a clearly
# given new name ("Parks Dept: ...") must not be taken for a known one it only half resembles.
NEAR_MISS_SCORE = 90.0


def parse_issue_text(text: str, *, parties: Sequence[KnownParty], tz: ZoneInfo, now: datetime) -> IssueDraft:
    """Read `/brm issue <party> <title> [@owner] [follow-up date] [severity]`.

    The party leads: a known name or alias (longest first), a new name given clearly (quoted, or
    followed by a colon or a dash), a near miss of a known name, or else a new name that is plainly
    one (`bot.party_names.plain_name`, as `/brm log` reads it). A mention anywhere is the owner.
    A date at the end (or after "follow up") is the follow-up; a severity word at the end, or
    "sev1".."sev4", "p1".."p4", "severity high" anywhere, is the severity. The rest is the title.
    """
    text = " ".join(text.split())
    notes: list[str] = []
    problems: list[str] = []

    owner_id, text = _read_owner(text, notes, problems)
    severity, text = _read_marked_severity(text, problems)
    text, trailing_severity, follow_up = _peel_trailing(text, tz=tz, now=now, notes=notes, problems=problems)
    if severity is None:
        severity = trailing_severity
    elif trailing_severity is not None and trailing_severity != severity:
        problems.append("That names two severities. Give one: low, medium, high or critical.")

    party, rest = read_party_lead(text, parties)
    if party is None:
        problems.append(
            "I couldn't tell which agency, vendor or partner this is about. Start with its name; "
            "for a party I don't know yet, put a colon after it, like `Acme Cloud: invoices rejected`."
        )
    title = rest.strip(_TRAILING_JUNK + ":")
    if party is not None and not title:
        problems.append(
            f"What is not working with {safe_mrkdwn(party.name)}? Add a short title after the name."
        )
    details = None
    if len(title) > TITLE_LIMIT:
        details, title = title, truncate(title, TITLE_LIMIT)
        notes.append("The title was long, so I shortened it and kept all of it as the details.")
    return IssueDraft(
        party=party,
        title=title,
        details=details,
        owner_id=owner_id,
        follow_up=follow_up,
        severity=severity,
        notes=tuple(notes),
        problems=tuple(problems),
    )


def _read_owner(text: str, notes: list[str], problems: list[str]) -> tuple[str | None, str]:
    owners = list(dict.fromkeys(m["id"] for m in OWNER_MENTION.finditer(text)))
    if len(owners) > 1:
        problems.append("That mentions more than one person. An issue has one owner: mention only them.")
    text = OWNER_MENTION.sub(" ", text)
    for m in _LOOSE_HANDLE.finditer(text):
        if m["name"].lower() not in _BROADCASTS:
            notes.append(
                f"I couldn't find “@{m['name']}” in Slack, so I left it in the title. To pick an owner, "
                "choose them from Slack's @ list as you type."
            )
            break
    return (owners[0] if owners else None), " ".join(text.split())


def _read_marked_severity(text: str, problems: list[str]) -> tuple[str | None, str]:
    found = {_severity_of(m) for m in _SEVERITY_MARKED.finditer(text)}
    if len(found) > 1:
        problems.append("That names two severities. Give one: low, medium, high or critical.")
    text = _SEVERITY_MARKED.sub(" ", text)
    return (found.pop() if len(found) == 1 else None), " ".join(text.split())


def _severity_of(m: re.Match[str]) -> str:
    if m["name"]:
        return _SEVERITY_NAMES[m["name"].lower()]
    return _SEVERITY_LEVELS[m["level"] or m["p"]]


def _peel_trailing(
    text: str, *, tz: ZoneInfo, now: datetime, notes: list[str], problems: list[str]
) -> tuple[str, str | None, ParsedDate | None]:
    """Take a severity word and a follow-up date off the end, in either order."""
    severity: str | None = None
    follow_up: ParsedDate | None = None
    while True:
        text = text.rstrip(_TRAILING_JUNK)
        if severity is None and (m := _SEVERITY_LAST.search(text)) is not None:
            before = text[: m.start()].split()
            if before and before[-1].lower() not in _NOT_SEVERITY_AFTER:
                severity, text = _SEVERITY_NAMES[m["name"].lower()], text[: m.start()]
                continue
        if (
            follow_up is None
            and (found := _trailing_follow_up(text, tz=tz, now=now, notes=notes)) is not None
        ):
            start, follow_up = found
            text = text[:start]
            if follow_up.at <= now:
                problems.append(
                    f"The follow-up date “{safe_mrkdwn(follow_up.phrase)}” ({describe(follow_up, tz)}) "
                    "is in the past. Pick a day still to come."
                )
            continue
        return text, severity, follow_up


def _trailing_follow_up(
    text: str, *, tz: ZoneInfo, now: datetime, notes: list[str]
) -> tuple[int, ParsedDate] | None:
    """Where the follow-up at the end of `text` starts, and its date; None when there is none."""
    keywords = list(_FOLLOW_UP_KEYWORD.finditer(text))
    keyword = keywords[-1] if keywords else None
    if keyword is not None and keyword.end() < len(text):
        tail = text[keyword.end() :]
        parsed = parse_follow_up(tail, tz=tz, now=now)
        if parsed is not None:
            return keyword.start(), parsed
        if find_date(tail, tz=tz, now=now, prefer="future") is None and (
            len(tail.split()) <= 3 or reads_only_in_part(tail, tz=tz, now=now, prefer="future")
        ):
            notes.append(f"I couldn't read “{tail}” as a date, so there is no follow-up date.")
    mentions = find_dates(text, tz=tz, now=now, prefer="future")
    if not mentions or mentions[-1].end != len(text):
        return None
    mention = mentions[-1]
    before = text[: mention.start].split()
    if before and before[-1].lower() in _DESCRIBING_DATE_AFTER:
        return None
    # "portal down yesterday" says when it broke; only "by yesterday" is a follow-up in the past.
    if mention.parsed.at <= now and not _CONNECTOR_WORD.match(mention.parsed.phrase):
        return None
    return mention.start, mention.parsed


def read_party_lead(text: str, parties: Sequence[KnownParty]) -> tuple[PartyMatch | None, str]:
    """The party a text starts with, and the text after it."""
    quoted = _QUOTED_PARTY.match(text)
    if quoted is not None:
        return _named(quoted["name"].strip(), parties), _after_lead(text, quoted.end())
    prefixes = _prefixes(text)
    for end in reversed(prefixes):
        match = find_party(text[:end], parties)
        if match is not None and match.how in ("exact", "alias"):
            return match, _after_lead(text, end)
    lead = _NEW_PARTY_LEAD.match(text)
    if lead is not None and len(lead["name"].split()) <= _MAX_PARTY_WORDS:
        name = lead["name"].strip(" \"'")
        if name:
            return _named(name, parties), _after_lead(text, lead.end())
    best: tuple[PartyMatch, int] | None = None
    for end in prefixes:
        match = known_party(text[:end], parties)
        if match is None:
            continue
        if (
            best is None
            or match.score > best[0].score
            or (match.score == best[0].score and _all_words_in(text[:end], match.name))
        ):
            best = (match, end)
    if best is not None:
        return best[0], _after_lead(text, best[1])
    # A name no party has yet, given plainly: "DOL unemployment portal timeouts", as `/brm log` reads it.
    name = plain_name(text)
    if name is not None:
        return _named(name, parties), _after_lead(text, len(name))
    return None, text


def _named(name: str, parties: Sequence[KnownParty]) -> PartyMatch:
    """The party a clearly given name means: a known one, or a new one by that name."""
    return known_party(name, parties) or PartyMatch(name, None, name, "new", 0.0)


def known_party(words: str, parties: Sequence[KnownParty]) -> PartyMatch | None:
    """A known party by name, alias or a close enough near miss (exact and alias matches score 100)."""
    match = find_party(words, parties)
    return match if match is not None and match.score >= NEAR_MISS_SCORE else None


def _prefixes(text: str) -> list[int]:
    """Where the first one, two, ... words end (up to a party name's length), punctuation left off."""
    ends = []
    for m in re.finditer(r"\S+", text):
        if len(ends) == _MAX_PARTY_WORDS:
            break
        end = m.start() + len(m.group(0).rstrip(":,;.-\u2013\u2014"))
        if end > m.start():
            ends.append(end)
    return ends


def _after_lead(text: str, end: int) -> str:
    return _LEAD_SEPARATOR.sub("", text[end:])


def _all_words_in(candidate: str, name: str) -> bool:
    name_words = set(normalise_name(name).split())
    return all(word in name_words for word in normalise_name(candidate).split())


def read_new_owner(text: str, *, user_id: str) -> str:
    """Who an issue goes to: one person mentioned, or `me`; InputError otherwise."""
    people = list(dict.fromkeys(m["id"] for m in OWNER_MENTION.finditer(text)))
    rest = OWNER_MENTION.sub(" ", text).strip().lower()
    if not people and rest in ("me", "myself"):
        return user_id
    if len(people) != 1 or rest not in ("", "to"):
        raise InputError(
            "To whom? Mention one person after the issue number, or say `me`.", example=ASSIGN_EXAMPLE
        )
    return people[0]
