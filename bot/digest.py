"""The weekly "what is not working" digest and the `/brm health` report, as Block Kit.

Pure: facts in (`storage.digest_queries`), messages out. `build_digest` decides what the digest says
(a `Digest`: sections of items, each item a few lines of safe mrkdwn); `render_digest` lays it out as
a main message a CIO reads in a minute plus, when there is more, continuation messages for its thread.

Whatever the data, every message is one Slack accepts: at most 50 blocks, section text at most 3,000
characters, a header at most 150, no empty text. That holds by construction: each line is cut to
LINE_LIMIT and each item to ITEM_LINES lines, so an item always fits in one section block, and the
pager opens a new block, a new message, or stops with "and N more" before any limit is reached.
Everything a person typed goes through `safe_mrkdwn`, and links use Slack's `<url|text>` syntax.
People are named in plain text (their Slack display names), since a mention in a weekly channel post
notifies everyone named every week; a workspace can turn mentions on (`Workspace.digest_mentions`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.date_format import format_local
from bot.health import Health, Level, Trend, assess, days_since_contact, is_cold, mood, sentiment_trend
from bot.plural import counted
from bot.text import safe_mrkdwn, truncate
from storage.digest_queries import (
    SENTIMENT_PERIOD,
    DigestFacts,
    FollowUpLine,
    IssueLine,
    Listed,
    PartyFacts,
    digest_facts,
)

Blocks = list[dict[str, Any]]

# Slack's limits.
MAX_BLOCKS = 50
SECTION_TEXT_LIMIT = 3000
HEADER_LIMIT = 150
# Ours, chosen so that an item (ITEM_LINES lines of LINE_LIMIT) always fits one section block.
LINE_LIMIT = 550
ITEM_LINES = 5
TITLE_CHARS = 120  # an issue title or a summary as shown in a line
NAME_CHARS = 60  # a party name
URL_CHARS = 300  # longer links are not linked (a Slack permalink is under 100)
# How much goes in the main message; the rest continues in its thread, at most THREAD_MESSAGES long.
MAIN_PARTIES = 6
MAIN_ITEMS = 5
THREAD_MESSAGES = 10

LEVEL_EMOJI = {
    Level.RED: ":red_circle:",
    Level.AMBER: ":large_orange_circle:",
    Level.GREEN: ":large_green_circle:",
}
HEALTH_HINT = "`/brm health <party>` shows any party's health, interactions and issues."


@dataclass(frozen=True)
class Message:
    """One Slack message: the notification text and its blocks."""

    text: str
    blocks: Blocks


@dataclass(frozen=True)
class RenderedDigest:
    main: Message
    thread: tuple[Message, ...] = ()

    @property
    def messages(self) -> tuple[Message, ...]:
        return (self.main, *self.thread)


@dataclass(frozen=True)
class DigestSection:
    """A part of the digest: a title and items, each item a few lines of safe mrkdwn."""

    title: str
    items: tuple[tuple[str, ...], ...]
    main_limit: int = MAIN_ITEMS
    unlisted: int = 0  # how many more there are beyond the items, not listed anywhere


@dataclass(frozen=True)
class Digest:
    header: str  # plain text
    summary: str  # mrkdwn
    fallback: str  # the notification text
    sections: tuple[DigestSection, ...] = ()
    all_clear: bool = False


# --------------------------------------------------------------------------- building


@dataclass(frozen=True)
class People:
    """How a message names people: Slack mentions, which notify them, or plain names, which do not."""

    mentions: bool = True
    names: Mapping[str, str] = field(default_factory=dict)  # user id -> display name

    def show(self, user_id: str | None) -> str:
        if not self.mentions and user_id and _USER_ID.fullmatch(user_id):
            # Unknown to the directory: the id, as text, still pings nobody.
            return safe_mrkdwn(truncate(self.names.get(user_id) or user_id, 40))
        return person(user_id)


def digest_for(
    session: Session,
    *,
    now: datetime,
    tz: ZoneInfo,
    party_ids: Sequence[int] = (),
    name_of: Callable[[str], str] | None = None,
) -> RenderedDigest:
    """The digest of a workspace session's data at `now`: what the sweep, preview and send post.

    `name_of` gives a person's display name (cached by the caller), for a workspace that has
    mentions off; without it people are shown by their Slack ids, as text.
    """
    facts = digest_facts(session, now=now, party_ids=party_ids)
    scope = [party.name for party in facts.parties] if party_ids else []
    people = People(mentions=True)
    if not facts.mentions:
        names = {user_id: name_of(user_id) for user_id in people_in(facts)} if name_of else {}
        people = People(mentions=False, names=names)
    return render_digest(build_digest(facts, tz=tz, scope=scope, people=people))


def people_in(facts: DigestFacts) -> set[str]:
    """Everyone the digest may name: owners, closers and who logged a missed follow-up."""
    issues = [*facts.opened.items, *facts.overdue.items, *(i for p in facts.parties for i in p.top_issues)]
    found = {issue.owner_id for issue in issues}
    found |= {issue.closed_by for issue in facts.closed.items if issue.closed_by}
    found |= {line.logged_by for line in facts.missed_follow_ups.items if line.logged_by}
    return {user_id for user_id in found if user_id and _USER_ID.fullmatch(user_id)}


def build_digest(
    facts: DigestFacts, *, tz: ZoneInfo, scope: Sequence[str] = (), people: People | None = None
) -> Digest:
    """What this week's digest says, from the facts, with dates in `tz`; `people`: how it names
    them (by default as `facts.mentions` says, with no names known)."""
    people = people if people is not None else People(mentions=facts.mentions)
    healths = {
        p.party_id: assess(p, now=facts.now, cold_after_days=facts.cold_after_days) for p in facts.parties
    }
    names = {p.party_id: p.name for p in facts.parties}
    lines = _Lines(facts.now, tz, names, week_start=facts.week_start, people=people)
    broken = sorted(
        (p for p in facts.parties if p.open_issues),
        key=lambda p: (
            -healths[p.party_id].level,
            -p.critical_issues,
            -p.stale_issues,
            p.oldest_open_at or facts.now,
            p.name,
        ),
    )
    cold = sorted(
        (p for p in facts.parties if is_cold(p, facts.now, facts.cold_after_days)),
        key=lambda p: (p.last_contact_at is not None, p.last_contact_at or p.created_at, p.name),
    )
    trends = {p.party_id: sentiment_trend(p.sentiment_now, p.sentiment_before) for p in facts.parties}
    moving = sorted(
        (p for p in facts.parties if trends[p.party_id] in (Trend.FALLING, Trend.RISING)),
        key=lambda p: (trends[p.party_id], p.name),
    )
    open_total = sum(p.open_issues for p in facts.parties)
    quiet = not (
        open_total
        or facts.opened_total
        or facts.closed.total
        or facts.overdue.total
        or facts.missed_follow_ups.total
        or cold
        or any(trends[p.party_id] == Trend.FALLING for p in facts.parties)
    )
    local_day = format_local(facts.now, tz, with_time=False)
    header = truncate(f"What is not working · week to {local_day}", HEADER_LIMIT)
    summary = _summary(facts, healths, open_total, len(broken), len(cold), scope)
    fallback = f"Weekly BRM digest, week to {local_day}: " + (
        "all clear"
        if quiet
        else f"{counted(open_total, 'open issue')}, {facts.opened_total} opened this week"
    )
    if quiet:
        return Digest(header=header, summary=summary, fallback=fallback, all_clear=True)

    sections = [
        DigestSection(
            ":rotating_light: *What is not working*",
            tuple(lines.party_item(p, healths[p.party_id]) for p in broken),
            main_limit=MAIN_PARTIES,
        ),
        _listed_section(":arrow_down: *Got worse: opened this week*", facts.opened, lines.opened),
        _listed_section(":alarm_clock: *Got worse: follow-ups overdue*", facts.overdue, lines.overdue),
        _listed_section(
            ":hourglass: *Got worse: follow-ups missed this week*", facts.missed_follow_ups, lines.missed
        ),
        _listed_section(":white_check_mark: *Got better: closed this week*", facts.closed, lines.closed),
        DigestSection(
            _cold_title(facts),
            tuple(lines.cold(p, healths[p.party_id], facts.cold_after_days) for p in cold),
        ),
        DigestSection(
            ":chart_with_upwards_trend: *Sentiment trend*",
            tuple(lines.sentiment(p, trends[p.party_id]) for p in moving)
            + _steady_note(facts.parties, trends, others=bool(moving)),
        ),
    ]
    return Digest(
        header=header,
        summary=summary,
        fallback=fallback,
        sections=tuple(s for s in sections if s.items or s.unlisted),
    )


def _cold_title(facts: DigestFacts) -> str:
    """Parties with a cadence go cold past it; the others after the workspace's days."""
    days = counted(facts.cold_after_days, "day")
    if any(p.cadence_days for p in facts.parties):
        return f":snowflake: *Going cold: past their cadence, or no contact in {days}*"
    return f":snowflake: *Going cold: no contact in {days}*"


def _listed_section(title: str, listed: Listed, line: Any) -> DigestSection:
    items = tuple((line(item),) for item in listed.items)
    return DigestSection(title, items, unlisted=max(0, listed.total - len(items)))


def _steady_note(
    parties: Iterable[PartyFacts], trends: dict[int, Trend], *, others: bool
) -> tuple[tuple[str, ...], ...]:
    steady = sum(1 for p in parties if trends[p.party_id] in (Trend.STEADY, Trend.NEW))
    if not steady:
        return ()
    word = "other party" if others else "party"
    return ((f"_{counted(steady, word, word.replace('party', 'parties'))} steady or new._",),)


def _summary(
    facts: DigestFacts,
    healths: dict[int, Health],
    open_total: int,
    broken: int,
    cold: int,
    scope: Sequence[str],
) -> str:
    counts = {level: sum(1 for h in healths.values() if h.level == level) for level in Level}
    parts = [
        f"{counted(open_total, 'open issue')} across {counted(broken, 'party', 'parties')}",
        f"{facts.opened_total} opened, {facts.closed.total} closed this week",
        f"{counted(facts.overdue.total + facts.missed_follow_ups.total, 'follow-up')} overdue",
        f"{cold} going cold",
    ]
    if healths:
        parts.append(
            "health "
            + " ".join(
                f"{LEVEL_EMOJI[level]} {counts[level]} {level.label}" for level in sorted(Level, reverse=True)
            )
        )
    if scope:
        shown = ", ".join(safe_mrkdwn(truncate(name, NAME_CHARS)) for name in scope[:10])
        more = f" and {len(scope) - 10} more" if len(scope) > 10 else ""
        parts.append(f"for {shown}{more}")
    return " · ".join(parts)


# --------------------------------------------------------------------------- lines

_URL = re.compile(r"https?://[^\s<>|\"]+")
_USER_ID = re.compile(r"[UW][A-Z0-9]{1,30}")


def link(text: str, url: str | None) -> str:
    """Slack's `<url|text>` with the text made safe; just the safe text when there is no usable url."""
    label = safe_mrkdwn(text).replace("|", "/") or "link"
    if not url or len(url) > URL_CHARS or not _URL.fullmatch(url):
        return label
    return f"<{url.replace('&', '&amp;')}|{label}>"


def person(user_id: str | None) -> str:
    """A mention for a Slack user id; anything else shown as safe text."""
    if not user_id:
        return "nobody"
    return f"<@{user_id}>" if _USER_ID.fullmatch(user_id) else safe_mrkdwn(truncate(user_id, 40))


def fit(line: str) -> str:
    return truncate(line, LINE_LIMIT)


def _days_ago(days: int) -> str:
    return "today" if days <= 0 else ("yesterday" if days == 1 else f"{days} days ago")


class _Lines:
    """The lines of the digest and the health report, with dates shown in one timezone."""

    def __init__(
        self,
        now: datetime,
        tz: ZoneInfo,
        names: dict[int, str],
        *,
        week_start: datetime | None = None,
        people: People | None = None,
    ) -> None:
        self.now, self.tz, self.names = now, tz, names
        self.week_start = week_start  # the digest's week; None outside a digest
        self.person = (people or People()).show

    def party_name(self, party_id: int) -> str:
        name = self.names.get(party_id) or f"party {party_id}"
        return f"*{safe_mrkdwn(truncate(name, NAME_CHARS))}*"

    def day(self, at: datetime) -> str:
        return format_local(at, self.tz, with_time=False)

    def issue_link(self, issue: IssueLine) -> str:
        return link(f"#{issue.number} {truncate(issue.title, TITLE_CHARS)}", issue.permalink)

    def open_issue(self, issue: IssueLine) -> str:
        age = (self.now - issue.created_at).days
        opened = "opened today" if age <= 0 else f"open {counted(age, 'day')}"
        return fit(
            f"• {self.issue_link(issue)} · {safe_mrkdwn(issue.severity)} · {opened} · "
            f"{self.person(issue.owner_id)}"
        )

    def party_item(self, party: PartyFacts, health: Health) -> tuple[str, ...]:
        headline = fit(
            f"{LEVEL_EMOJI[health.level]} {self.party_name(party.party_id)} · "
            f"{counted(party.open_issues, 'open issue')} · {health.explain()}"
        )
        shown = party.top_issues[: ITEM_LINES - 2]
        lines = [headline, *(self.open_issue(issue) for issue in shown)]
        if party.open_issues > len(shown):
            lines.append(f"    _…and {party.open_issues - len(shown)} more open_")
        return tuple(lines)

    def opened(self, issue: IssueLine) -> str:
        return fit(
            f"• {self.issue_link(issue)} · {self.party_name(issue.party_id)} · "
            f"{safe_mrkdwn(issue.severity)} · {self.person(issue.owner_id)}"
        )

    def overdue(self, issue: IssueLine) -> str:
        due = issue.follow_up_at or self.now
        return fit(
            f"• {self.issue_link(issue)} · {self.party_name(issue.party_id)} · follow-up was due "
            f"{self.day(due)} ({_days_ago((self.now - due).days)}) · {self.person(issue.owner_id)}"
        )

    def missed(self, follow_up: FollowUpLine) -> str:
        summary = link(f"“{truncate(follow_up.summary, TITLE_CHARS)}”", follow_up.permalink)
        return fit(
            f"• {self.party_name(follow_up.party_id)}: follow-up due {self.day(follow_up.follow_up_at)} "
            f"after {summary}, nothing logged since · {self.person(follow_up.logged_by)}"
        )

    def closed(self, issue: IssueLine) -> str:
        when = f" {self.day(issue.closed_at)}" if issue.closed_at else ""
        within = self.week_start is not None and issue.created_at >= self.week_start
        how = "opened this week, closed" if within else "closed"
        return fit(
            f"• {self.issue_link(issue)} · {self.party_name(issue.party_id)} · "
            f"{how} by {self.person(issue.closed_by)}{when}"
        )

    def cold(self, party: PartyFacts, health: Health, cold_after_days: int) -> tuple[str, ...]:
        days = days_since_contact(party, self.now)
        if days is None or party.last_contact_at is None:
            contact = "no contact logged yet"
        else:
            last = link(self.day(party.last_contact_at), party.last_contact_permalink)
            contact = f"no contact in {counted(days, 'day')} (last: {last})"
        return (fit(f"• {LEVEL_EMOJI[health.level]} {self.party_name(party.party_id)} · {contact}"),)

    def sentiment(self, party: PartyFacts, trend: Trend) -> tuple[str, ...]:
        arrow = ":chart_with_downwards_trend:" if trend == Trend.FALLING else ":chart_with_upwards_trend:"
        days = SENTIMENT_PERIOD.days
        now, before = party.sentiment_now, party.sentiment_before
        latest = link("latest", party.last_contact_permalink) if party.last_contact_permalink else ""
        line = (
            f"• {arrow} {self.party_name(party.party_id)} {trend.name.lower()}: {mood(now)} in the last "
            f"{counted(days, 'day')} ({counted(now.total, 'interaction')}), {mood(before)} the "
            f"{days} days before "
            f"({before.total})"
        )
        return (fit(line + (f" · {latest}" if latest else "")),)

    def interaction(
        self, at: datetime, kind: str, summary: str, sentiment: str | None, url: str | None
    ) -> str:
        feeling = f" · {safe_mrkdwn(sentiment)}" if sentiment else ""
        return fit(
            f"• {self.day(at)} · {safe_mrkdwn(kind)} · {link(truncate(summary, TITLE_CHARS), url)}{feeling}"
        )


# --------------------------------------------------------------------------- layout


def header_block(text: str) -> dict[str, Any]:
    plain = truncate(" ".join(text.split()) or "brm-bot", HEADER_LIMIT)
    return {"type": "header", "text": {"type": "plain_text", "text": plain, "emoji": True}}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SECTION_TEXT_LIMIT)}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(text, SECTION_TEXT_LIMIT)}]}


class _Pager:
    """Fills section blocks with items, and messages with blocks, within Slack's limits.

    `room` blocks per message leave space for a closing note; an item never spans two blocks.
    """

    def __init__(self, *, max_messages: int, first: Blocks, room: int = MAX_BLOCKS - 1) -> None:
        self.messages: list[Blocks] = [list(first)]
        self._open: str | None = None  # the text of the section block being filled
        self._max_messages = max_messages
        self._room = room

    def add(self, item: Sequence[str], *, title: str | None = None) -> bool:
        """Place an item (after `title`, which starts a block); False when there is no room left."""
        text = "\n".join(line for line in item if line) or "…"
        if title is not None:
            return self._new_block(f"{title}\n{text}")
        if self._open is not None and len(self._open) + 1 + len(text) <= SECTION_TEXT_LIMIT:
            self._open += "\n" + text
            return True
        return self._new_block(text)

    def _new_block(self, text: str) -> bool:
        used = len(self.messages[-1]) + (1 if self._open is not None else 0)
        if used >= self._room:
            if len(self.messages) >= self._max_messages:
                return False
            self._close_block()
            self.messages.append([])
        self._close_block()
        self._open = truncate(text, SECTION_TEXT_LIMIT)
        return True

    def _close_block(self) -> None:
        if self._open is not None:
            self.messages[-1].append(_section(self._open))
            self._open = None

    def finish(self, note: str | None = None) -> list[Blocks]:
        self._close_block()
        if note:
            self.messages[-1].append(_context(note))
        return [blocks for blocks in self.messages if blocks]


@dataclass
class _Left:
    """What of a section did not go in the main message, for the thread."""

    title: str
    started: bool = False  # its title and first items are in the main message
    items: list[tuple[str, ...]] = field(default_factory=list)
    unlisted: int = 0


def render_digest(digest: Digest) -> RenderedDigest:
    """The digest as a main message and thread continuations, each within Slack's limits."""
    first = [header_block(digest.header), _context(digest.summary or "Weekly BRM digest")]
    if digest.all_clear:
        first.append(
            _section(
                ":white_check_mark: *All clear this week.* No open issues, nothing opened or overdue, "
                "and no relationship is going cold."
            )
        )
        return RenderedDigest(Message(digest.fallback, first))

    main = _Pager(max_messages=1, first=first)
    leftovers = [_fill_main(main, section) for section in digest.sections]
    leftovers = [left for left in leftovers if left.items or (left.unlisted and not left.started)]
    note = ("Continued in the thread. " if leftovers else "") + HEALTH_HINT
    [main_blocks] = main.finish(note)
    return RenderedDigest(Message(digest.fallback, main_blocks), _render_thread(leftovers))


def _fill_main(main: _Pager, section: DigestSection) -> _Left:
    """Place a section's first items in the main message; return what is left for the thread."""
    left = _Left(section.title, unlisted=section.unlisted)
    for index, item in enumerate(section.items):
        fits = index < section.main_limit and not left.items
        if fits and main.add(item, title=None if left.started else section.title):
            left.started = True
        else:
            left.items.append(item)
    more = len(left.items) + left.unlisted
    if more and left.started:
        where = " in the thread" if left.items else ""
        main.add((f"_…and {more} more{where}_",))
    return left


def _render_thread(leftovers: list[_Left]) -> tuple[Message, ...]:
    if not leftovers:
        return ()
    pager = _Pager(max_messages=THREAD_MESSAGES, first=[])
    not_shown = 0
    for left in leftovers:
        title = left.title + (" _(continued)_" if left.started else "")
        for index, item in enumerate(left.items):
            if not_shown or not pager.add(item, title=title if index == 0 else None):
                not_shown += 1
        if left.unlisted:
            more = (f"_…and {left.unlisted} more_",)
            if not_shown or not pager.add(more, title=None if left.items else title):
                not_shown += left.unlisted
    note = f"_…and {not_shown} more not shown here._ {HEALTH_HINT}" if not_shown else None
    pages = pager.finish(note)
    return tuple(
        Message(f"Weekly BRM digest, continued ({number} of {len(pages)})", blocks)
        for number, blocks in enumerate(pages, start=1)
    )


# --------------------------------------------------------------------------- /brm health


@dataclass(frozen=True)
class RecentInteraction:
    occurred_at: datetime
    kind: str
    summary: str
    sentiment: str | None
    permalink: str | None


def render_health(
    party: PartyFacts,
    *,
    now: datetime,
    tz: ZoneInfo,
    cold_after_days: int,
    interactions: Sequence[RecentInteraction],
    issues: Listed,
) -> Message:
    """One party's health with its reasons, its recent interactions and its open issues."""
    health = assess(party, now=now, cold_after_days=cold_after_days)
    lines = _Lines(now, tz, {party.party_id: party.name})
    blocks: Blocks = [
        header_block(f"{truncate(party.name, NAME_CHARS)}: relationship health"),
        _section(
            f"{LEVEL_EMOJI[health.level]} *{health.level.label}*: {', '.join(health.reasons) or 'no signs'}"
        ),
    ]
    recent = [
        lines.interaction(i.occurred_at, i.kind, i.summary, i.sentiment, i.permalink) for i in interactions
    ]
    blocks.append(
        _section("*Recent interactions*\n" + ("\n".join(recent) if recent else "_None logged yet._"))
    )
    pager = _Pager(max_messages=1, first=blocks)
    shown = [lines.open_issue(issue) for issue in issues.items] or ["_None open._"]
    placed = 0
    for index, line in enumerate(shown):
        if not pager.add((line,), title=f"*Open issues ({issues.total})*" if index == 0 else None):
            break
        placed += 1
    more = issues.total - min(placed, len(issues.items))
    [page] = pager.finish(f"_…and {more} more open._" if more > 0 else None)
    return Message(safe_mrkdwn(f"{party.name}: {health.explain()}"), page)


def render_health_overview(facts: DigestFacts, *, tz: ZoneInfo) -> Message:
    """Every party's health in one message, worst first."""
    healths = [(assess(p, now=facts.now, cold_after_days=facts.cold_after_days), p) for p in facts.parties]
    healths.sort(key=lambda pair: (-pair[0].level, pair[1].name))
    counts = " ".join(
        f"{LEVEL_EMOJI[level]} {sum(1 for h, _ in healths if h.level == level)} {level.label}"
        for level in sorted(Level, reverse=True)
    )
    lines = _Lines(facts.now, tz, {p.party_id: p.name for p in facts.parties})
    pager = _Pager(max_messages=1, first=[header_block("Relationship health"), _context(counts)])
    placed = 0
    for index, (health, party) in enumerate(healths):
        line = fit(f"{LEVEL_EMOJI[health.level]} {lines.party_name(party.party_id)} · {health.explain()}")
        if not pager.add((line,), title="*Worst first*" if index == 0 else None):
            break
        placed += 1
    if not healths:
        pager.add(("_No parties yet. `/brm log` one to start._",))
    more = len(healths) - placed
    [page] = pager.finish((f"_…and {more} more._ " if more else "") + HEALTH_HINT)
    return Message(f"Relationship health: {counts}", page)
