"""Turning a `/brm log` text into an interaction, its party, contacts and issues.

`record_log` is the one place that decides what a log writes; handlers call it inside a workspace
session, so either everything is written or (on an `InputError`) nothing is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import nudges, touchpoints
from bot.contact_links import PeopleLinked, link_people
from bot.dates import ParsedDate
from bot.errors import InputError
from bot.limits import check_name, fit_contact, fit_title
from bot.log_parsing import LogDraft, parse_log_text
from bot.party_names import KnownParty, PartyMatch
from bot.text import normalise_name, safe_mrkdwn
from storage import parties
from storage.audit import record_change
from storage.models import Interaction, Issue, Party, PartyKind, Surface
from storage.nudges import cancel_pending_nudges
from storage.records import add_interaction, add_issue, written_for_request

LOG_EXAMPLE = (
    "/brm log DMV met Jane (CIO) about the licensing portal outage, tense. "
    "not working: portal login fails for field offices. follow up next Tuesday"
)


@dataclass(frozen=True)
class LogReceipt:
    """What a log wrote, for the reply that shows back what the bot understood."""

    interaction: Interaction
    party: Party
    party_match: PartyMatch
    issues: list[Issue]
    draft: LogDraft
    tz: ZoneInfo
    notes: list[str] = field(default_factory=list)
    people: PeopleLinked = field(default_factory=PeopleLinked)


@dataclass(frozen=True)
class Origin:
    """Where a record came from in Slack."""

    actor_id: str
    channel_id: str | None
    surface: str = Surface.COMMAND
    message_ts: str | None = None
    permalink: str | None = None
    request_id: str | None = None  # a command's trigger_id or a form submission's key: write once

    def source_columns(self) -> dict[str, str | None]:
        """The columns interactions and issues share for where they came from."""
        return {
            "source": self.surface,
            "channel_id": self.channel_id,
            "message_ts": self.message_ts,
            "permalink": self.permalink,
        }


def known_parties(session: Session) -> list[KnownParty]:
    return [
        KnownParty(id=pid, name=name, aliases=aliases) for pid, name, aliases in parties.party_names(session)
    ]


def record_log(session: Session, *, text: str, origin: Origin, tz: ZoneInfo, now: datetime) -> LogReceipt:
    """Parse `text` and write the interaction and any issues it raises; raise InputError on bad input."""
    text = text.strip()
    if not text:
        raise InputError("Tell me what happened, starting with who it was with.", example=LOG_EXAMPLE)
    draft = parse_log_text(text, parties=known_parties(session), tz=tz, now=now)
    if origin.request_id:
        interaction, issues = written_for_request(session, origin.request_id)
        if interaction is not None:  # this command's work ran before: answer with what it wrote
            party = parties.get_party(session, interaction.party_id)
            assert party is not None
            match = draft.party or PartyMatch(party.name, party.id, party.name, "exact", 100.0)
            return LogReceipt(
                interaction=interaction, party=party, party_match=match, issues=issues, draft=draft, tz=tz
            )
    if draft.problems:
        raise InputError(" ".join(draft.problems), example=LOG_EXAMPLE)
    if draft.party is None:
        raise InputError(
            "I couldn't tell which agency, vendor or partner this was with. Start with its name.",
            example=LOG_EXAMPLE,
        )
    if draft.follow_up is not None and draft.follow_up.at <= now:
        raise InputError(
            f"The follow-up date “{safe_mrkdwn(draft.follow_up.phrase)}” is in the past. "
            "Pick a day still to come.",
            example="/brm log DOT call with Sam about the bridge sensors. follow up next Monday",
        )
    occurred_at = draft.occurred_at.at if draft.occurred_at else now
    if occurred_at > now:
        raise InputError(
            f"“{safe_mrkdwn(draft.occurred_at.phrase)}” is in the future; "
            "a log records something that happened. "
            "Use a follow-up for what comes next.",
            example="/brm log DMV call yesterday about renewals. follow up Friday",
        )

    party = resolve_party(session, draft.party, origin)
    interaction, people = save_interaction_linking(
        session,
        NewInteraction(
            party=party,
            occurred_at=occurred_at,
            kind=draft.kind,
            summary=draft.summary or text,
            people=tuple(draft.people),
            contacts=tuple((c.name, c.role) for c in draft.contacts),
            sentiment=draft.sentiment,
            follow_up_at=draft.follow_up.at if draft.follow_up else None,
            follow_up_has_time=draft.follow_up.has_time if draft.follow_up else False,
        ),
        origin,
    )

    issues = [
        raise_issue(
            session,
            party=party,
            title=title,
            origin=origin,
            interaction=interaction,
            follow_up=draft.follow_up,
        )
        for title in draft.issues
    ]
    return LogReceipt(
        interaction=interaction,
        party=party,
        party_match=draft.party,
        issues=issues,
        draft=draft,
        tz=tz,
        people=people,
    )


@dataclass(frozen=True)
class NewInteraction:
    """An interaction ready to save, however it was entered (command, message shortcut, form)."""

    party: Party
    occurred_at: datetime
    kind: str
    summary: str
    people: tuple[str, ...] = ()
    contacts: tuple[tuple[str, str | None], ...] = ()  # (name, role)
    sentiment: str | None = None
    follow_up_at: datetime | None = None
    follow_up_has_time: bool = False


def save_interaction(session: Session, new: NewInteraction, origin: Origin) -> Interaction:
    """Write an interaction, link its people to the party's contacts, and write its audit row."""
    return save_interaction_linking(session, new, origin)[0]


def save_interaction_linking(
    session: Session, new: NewInteraction, origin: Origin
) -> tuple[Interaction, PeopleLinked]:
    """`save_interaction`, also saying which people were linked to contacts and which are new."""
    party = new.party
    contacts = [(fit_contact(name), fit_contact(role) if role else None) for name, role in new.contacts]
    interaction = add_interaction(
        session,
        Interaction(
            team_id=party.team_id,
            enterprise_id=party.enterprise_id,
            party_id=party.id,
            occurred_at=new.occurred_at,
            kind=new.kind,
            summary=new.summary,
            people=list(new.people),
            contacts=[{"name": name, "role": role} for name, role in contacts],
            sentiment=new.sentiment,
            follow_up_at=new.follow_up_at,
            follow_up_has_time=new.follow_up_has_time,
            **origin.source_columns(),
            request_id=origin.request_id,
            logged_by=origin.actor_id,
        ),
    )
    record_change(
        session,
        actor_id=origin.actor_id,
        surface=origin.surface,
        action="logged",
        entity="interaction",
        entity_id=interaction.id,
        party=party.name,
        kind=interaction.kind,
        follow_up_at=interaction.follow_up_at,
    )
    nudges.plan_follow_up(session, interaction=interaction)
    people = link_people(session, party, interaction, names=contacts, user_ids=new.people)
    touchpoints.replan(session, party)  # the relationship's next touchpoint is a cadence from this one
    return interaction, people


def raise_issue(
    session: Session,
    *,
    party: Party,
    title: str,
    origin: Origin,
    interaction: Interaction | None = None,
    follow_up: ParsedDate | None = None,
    owner_id: str | None = None,
    severity: str | None = None,
    details: str | None = None,
    owner_tz: ZoneInfo | None = None,
    request_id: str | None = None,
) -> Issue:
    """Write a new issue (numbered per workspace), its audit row and its follow-up nudge.

    `owner_tz`: the owner's timezone when known, so a follow-up without a time is due at their 09:00.
    `request_id`: the `/brm issue` or form that raised it (issues a log raises go with the log's).
    A title too long for its column is shortened, the whole of it kept in the details.
    """
    title, details = fit_title(title, details)
    issue = add_issue(
        session,
        Issue(
            team_id=party.team_id,
            enterprise_id=party.enterprise_id,
            number=0,  # replaced by add_issue
            party_id=party.id,
            interaction_id=interaction.id if interaction else None,
            title=title,
            details=details,
            severity=severity or "medium",
            owner_id=owner_id or origin.actor_id,
            follow_up_at=follow_up.at if follow_up else None,
            follow_up_has_time=follow_up.has_time if follow_up else False,
            **origin.source_columns(),
            request_id=request_id,
            raised_by=origin.actor_id,
        ),
    )
    record_change(
        session,
        actor_id=origin.actor_id,
        surface=origin.surface,
        action="opened",
        entity="issue",
        entity_id=issue.id,
        number=issue.number,
        party=party.name,
        title=title,
        owner_id=issue.owner_id,
        follow_up_at=issue.follow_up_at,
    )
    if nudges.plan_follow_up(session, issue=issue, owner_tz=owner_tz) and interaction is not None:
        # The issue's nudge covers the follow-up of the interaction it came from: one reminder, not two.
        cancel_pending_nudges(session, interaction_id=interaction.id)
    return issue


def resolve_party(session: Session, match: PartyMatch, origin: Origin) -> Party:
    """The party a match names, created (and audited) when it is new."""
    if match.party_id is not None:
        party = parties.get_party(session, match.party_id)
        if party is not None:
            return party
    check_name(match.name, example=LOG_EXAMPLE)
    party, created = parties.create_party(
        session,
        name=match.name,
        name_key=normalise_name(match.name),
        kind=PartyKind.AGENCY,
        created_by=origin.actor_id,
    )
    if created:
        record_change(
            session,
            actor_id=origin.actor_id,
            surface=origin.surface,
            action="created",
            entity="party",
            entity_id=party.id,
            name=party.name,
            kind=party.kind,
        )
    return party
