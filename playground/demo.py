"""`--demo`: a small, believable state IT portfolio, so the digest, health and lists have something to say.

A dozen agencies, vendors and partners with their owners and home channels, a few weeks of
interactions (some tense), open and closed issues (two with follow-ups coming due), and a few
messages in the channels to try the shortcuts on. Written through the app's own storage functions
into the playground's fresh database, dated back from the playground's clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import nudges
from bot.text import normalise_name
from playground.workspace import CHANNELS, TEAM_ID, TIMEZONE, YOU, Workspace
from runtime.services import Services
from storage.audit import record_change
from storage.models import Interaction, Issue, Surface
from storage.parties import create_party, find_or_add_contact
from storage.records import add_interaction, add_issue

TEAM_CHANNEL, PARTNERS_CHANNEL = CHANNELS[0][0], CHANNELS[1][0]

# name, kind, owner, contact (name, role)
PARTIES = (
    ("DMV", "agency", YOU, ("Jane Morales", "CIO")),
    ("Department of Health", "agency", "U0PRIYA", ("Dr. Ken Ito", "Deputy Secretary")),
    ("Department of Revenue", "agency", YOU, ("Lisa Grant", "Director of Operations")),
    ("Corrections", "agency", "U0PRIYA", ("Tom Reyes", "IT Liaison")),
    ("Parks and Recreation", "agency", "U0MARCUS", ("Amy Chen", "Business Manager")),
    ("Workforce Development", "agency", YOU, ("Omar Haddad", "Program Director")),
    ("Acme Licensing Systems", "vendor", "U0DANA", ("Rick Stone", "Account Manager")),
    ("CloudCo", "vendor", "U0DANA", ("Mei Lin", "Technical Lead")),
    ("Northwind Networks", "vendor", "U0MARCUS", ("Sara Patel", "Account Manager")),
    ("County Clerks Association", "partner", YOU, ("Bill Turner", "President")),
    ("State University IT", "partner", "U0PRIYA", ("Grace Obi", "CIO")),
    ("Office of Budget", "internal", "U0MARCUS", ("Nina Brooks", "Budget Analyst")),
)

# party, days ago, kind, sentiment, summary
INTERACTIONS = (
    ("DMV", 20, "meeting", "neutral", "quarterly review of the licensing portal roadmap"),
    ("DMV", 6, "call", "negative", "field offices cannot log in to the licensing portal since Monday"),
    (
        "Department of Health",
        15,
        "meeting",
        "positive",
        "vaccine records dashboard went live, thanks all round",
    ),
    ("Department of Health", 3, "email", "neutral", "asked for a date for the data-sharing renewal"),
    ("Department of Revenue", 12, "visit", "negative", "tax season capacity worries; batch jobs late twice"),
    ("Corrections", 40, "call", "neutral", "checked in on the inmate records migration plan"),
    ("Parks and Recreation", 9, "chat", "positive", "reservation system upgrade is ahead of schedule"),
    ("Workforce Development", 25, "meeting", "neutral", "kickoff for the unemployment claims modernization"),
    ("Workforce Development", 2, "call", "negative", "claims backlog growing; vendor missed a sprint demo"),
    ("Acme Licensing Systems", 5, "call", "negative", "escalated the portal login failures, no root cause"),
    ("CloudCo", 18, "meeting", "positive", "agreed the migration runbook for the data center exit"),
    ("Northwind Networks", 45, "email", "neutral", "renewal quote for the WAN circuits"),
    ("County Clerks Association", 11, "visit", "positive", "demoed e-recording to ten county clerks"),
    ("State University IT", 30, "meeting", "neutral", "shared security operations center pilot"),
    ("Office of Budget", 8, "meeting", "neutral", "FY27 IT budget request walkthrough"),
)

# party, title, severity, owner, days open, follow-up in days (None: none), closed days ago (None: open)
ISSUES = (
    ("DMV", "licensing portal login fails for field offices", "high", YOU, 6, 1, None),
    ("Department of Revenue", "nightly batch jobs finish after 7am", "medium", YOU, 12, 2, None),
    ("Workforce Development", "claims backlog above 10,000", "critical", YOU, 2, None, None),
    ("Acme Licensing Systems", "no root cause for portal outage", "high", "U0DANA", 5, None, None),
    ("Corrections", "records migration has no test plan", "medium", "U0PRIYA", 30, None, None),
    ("Department of Health", "dashboard load times over 10 seconds", "low", "U0PRIYA", 20, None, 4),
    ("CloudCo", "VPN tunnel flapping during migration tests", "high", "U0DANA", 16, None, 9),
)

# channel, person, text: messages to try the shortcuts on
MESSAGES = (
    (PARTNERS_CHANNEL, "U0DANA", "Acme says the portal fix slips to next Friday. DMV will not be happy."),
    (PARTNERS_CHANNEL, "U0PRIYA", "Health wants a date for the data-sharing renewal by end of month."),
    (TEAM_CHANNEL, "U0MARCUS", "Budget hearings start in two weeks: where does every agency stand?"),
)


def load_demo(services: Services, workspace: Workspace) -> None:
    now = services.clock.now()
    tz = ZoneInfo(TIMEZONE)
    with services.db.workspace(TEAM_ID) as session:
        ids: dict[str, int] = {}
        for name, kind, owner, (contact, role) in PARTIES:
            party, _ = create_party(
                session, name=name, name_key=normalise_name(name), kind=kind, created_by=owner
            )
            party.owner_id = owner
            party.home_channel_id = PARTNERS_CHANNEL
            party.created_at = now - timedelta(days=120)
            session.flush()
            find_or_add_contact(session, party, name=contact, role=role)
            ids[name] = party.id  # type: ignore[assignment]
            record_change(
                session, actor_id=owner, surface=Surface.COMMAND, action="created", entity="party",
                entity_id=party.id, name=name, kind=kind,
            )  # fmt: skip
        for name, days_ago, kind, sentiment, summary in INTERACTIONS:
            owner = next(p[2] for p in PARTIES if p[0] == name)
            add_interaction(
                session,
                Interaction(
                    team_id=TEAM_ID,
                    party_id=ids[name],
                    occurred_at=_morning(now - timedelta(days=days_ago), tz),
                    kind=kind,
                    summary=summary,
                    sentiment=sentiment,
                    channel_id=PARTNERS_CHANNEL,
                    logged_by=owner,
                    created_at=now - timedelta(days=days_ago),
                ),
            )
        for name, title, severity, owner, days_open, follow_up_days, closed_days_ago in ISSUES:
            issue = add_issue(
                session,
                Issue(
                    team_id=TEAM_ID,
                    number=0,  # numbered by add_issue
                    party_id=ids[name],
                    title=title,
                    severity=severity,
                    owner_id=owner,
                    raised_by=owner,
                    channel_id=PARTNERS_CHANNEL,
                    created_at=now - timedelta(days=days_open),
                    updated_at=now - timedelta(days=closed_days_ago or 0),
                    follow_up_at=_morning(now + timedelta(days=follow_up_days), tz)
                    if follow_up_days
                    else None,
                    status="closed" if closed_days_ago else "open",
                    closed_by=owner if closed_days_ago else None,
                    closed_at=now - timedelta(days=closed_days_ago) if closed_days_ago else None,
                    close_surface=Surface.COMMAND if closed_days_ago else None,
                ),
            )
            if issue.follow_up_at is not None and issue.status == "open":
                nudges.plan_follow_up(session, issue=issue, owner_tz=tz)
    with workspace.cond:
        for channel_id, person, text in MESSAGES:
            workspace.post(channel_id, {"user": person, "text": text})


def _morning(day: datetime, tz: ZoneInfo) -> datetime:
    """9:00 that day in the workspace's timezone: when such things happen."""
    local = day.astimezone(tz)
    return local.replace(hour=9, minute=0, second=0, microsecond=0)
