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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.dates import ParsedDate, find_dates
from bot.log_clauses import apply_edits, find_clauses, main_spans, tidy_summary, tidy_whitespace
from bot.log_follow_up import read_follow_up, read_issues, unread_follow_up_hint
from bot.log_party import find_party_in
from bot.log_people import ContactMention, read_contacts, read_kind, read_people
from bot.party_names import (
    KnownParty,
    PartyMatch,
)
from bot.sentiment import read_sentiment


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
    text = tidy_whitespace(text)
    problems: list[str] = []
    if not text:
        problems.append(
            "There was nothing to log. Try: /brm log DMV met Jane (CIO) about the portal, follow up Friday"
        )
    clauses = find_clauses(text, tz=tz, now=now)
    main = main_spans(text, clauses)

    follow_up, follow_up_edits = read_follow_up(text, clauses, tz=tz, now=now, problems=problems)
    issues = read_issues(text, clauses, problems)
    party, party_span = find_party_in(text, clauses, main, parties, tz=tz, now=now)
    main_text = " ".join(text[start:end] for start, end in main)

    edits = [(c.start, c.end, "") for c in clauses if c.kind == "issue"] + follow_up_edits
    if party_span is not None:
        edits.append(party_span)
    return LogDraft(
        party=party,
        kind=read_kind(main_text),
        occurred_at=_read_when(text, main, party_span, tz=tz, now=now),
        follow_up=follow_up,
        people=read_people(text),
        contacts=read_contacts(text, clauses, party),
        sentiment=read_sentiment(main_text),
        issues=issues,
        summary=tidy_summary(apply_edits(text, edits)),
        problems=tuple(problems),
        hints=() if follow_up is not None else unread_follow_up_hint(text, tz=tz, now=now),
    )


# --- when it happened ------------------------------------------------------------------------------


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
