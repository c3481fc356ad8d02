"""The weekly "what is not working" digest: what it says, from the facts of the week.

Pure: facts in (`storage.digest_queries`), a `Digest` out (`build_digest`: sections of items, each
item a few lines of safe mrkdwn; the lines are `Lines` here). `render_digest` (bot/digest_layout.py)
lays it out as Slack messages; the `/brm health` report is bot/health_report.py.
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
from bot.digest_layout import (
    HEADER_LIMIT,
    ITEM_LINES,
    LEVEL_EMOJI,
    LINE_LIMIT,
    MAIN_PARTIES,
    NAME_CHARS,
    TITLE_CHARS,
    URL_CHARS,
    Digest,
    DigestSection,
    RenderedDigest,
    render_digest,
)
from bot.health import Health, Level, Trend, assess, days_since_contact, is_cold, mood, sentiment_trend
from bot.plural import counted
from bot.text import safe_mrkdwn, truncate
from storage.digest_facts import SENTIMENT_PERIOD, DigestFacts, FollowUpLine, IssueLine, Listed, PartyFacts
from storage.digest_queries import digest_facts

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
    lines = Lines(facts.now, tz, names, week_start=facts.week_start, people=people)
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
            f":snowflake: *Going cold: no contact in {counted(facts.cold_after_days, 'day')}*",
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


class Lines:
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
