"""Reading follow-ups back: open issues' and interactions' follow-up dates still to be acted on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func
from sqlmodel import Session, col, select

from storage.issues import IssueQuery, issue_conditions
from storage.models import Interaction, Issue, IssueStatus, Party


@dataclass(frozen=True)
class FollowUp:
    """One promise still open: an open issue's follow-up, or an interaction's not yet marked done."""

    due_at: datetime
    has_time: bool
    party_name: str
    owner_id: str  # the issue's owner, or whoever logged the interaction
    issue_number: int | None  # None for an interaction's follow-up
    what: str  # the issue's title, or the interaction's summary
    permalink: str | None


@dataclass(frozen=True)
class FollowUpPage:
    rows: list[FollowUp]  # soonest (most overdue) first
    total: int  # how many match, shown or not


def open_follow_ups(
    session: Session, *, owner_id: str | None, party_id: int | None, limit: int
) -> FollowUpPage:
    """The first `limit` follow-ups by date. An interaction whose log raised an issue is left out:
    the issue carries that follow-up (its nudge replaced the interaction's)."""
    open_issues = IssueQuery(status=IssueStatus.OPEN, party_id=party_id, owner_id=owner_id)
    issue_where = [*issue_conditions(open_issues), col(Issue.follow_up_at).is_not(None)]
    open_interactions = [
        col(Interaction.follow_up_at).is_not(None),
        col(Interaction.follow_up_done_at).is_(None),
    ]
    if owner_id is not None:
        open_interactions.append(col(Interaction.logged_by) == owner_id)
    if party_id is not None:
        open_interactions.append(col(Interaction.party_id) == party_id)
    raised_an_issue = exists().where(col(Issue.interaction_id) == col(Interaction.id))
    interaction_where = [*open_interactions, ~raised_an_issue]

    total = session.exec(select(func.count()).select_from(Issue).where(*issue_where)).one()
    total += _count_interactions(session, open_interactions)
    issues = session.exec(
        select(Issue, Party.name)
        .join(Party, col(Party.id) == col(Issue.party_id))
        .where(*issue_where)
        .order_by(col(Issue.follow_up_at), col(Issue.number))
        .limit(limit)
    )
    interactions = session.exec(
        select(Interaction, Party.name)
        .join(Party, col(Party.id) == col(Interaction.party_id))
        .where(*interaction_where)
        .order_by(col(Interaction.follow_up_at), col(Interaction.id))
        .limit(limit)
    )
    rows = [
        FollowUp(
            due_at=issue.follow_up_at,  # type: ignore[arg-type]
            has_time=issue.follow_up_has_time,
            party_name=name,
            owner_id=issue.owner_id,
            issue_number=issue.number,
            what=issue.title,
            permalink=issue.permalink,
        )
        for issue, name in issues
    ] + [
        FollowUp(
            due_at=interaction.follow_up_at,  # type: ignore[arg-type]
            has_time=interaction.follow_up_has_time,
            party_name=name,
            owner_id=interaction.logged_by,
            issue_number=None,
            what=interaction.summary,
            permalink=interaction.permalink,
        )
        for interaction, name in interactions
    ]
    rows.sort(key=lambda row: (row.due_at, row.issue_number is None, row.issue_number or 0))
    return FollowUpPage(rows=rows[:limit], total=int(total))


def _count_interactions(session: Session, open_interactions: list) -> int:
    """How many open follow-ups of interactions that raised no issue: all of them, less those that did.

    The list can ask each interaction whether it raised an issue (NOT EXISTS), since it stops after
    a page; the count would ask that of every interaction with an open follow-up (110,000 probes at
    the size of a large state). The set of interactions that raised an issue is read once instead."""
    every = session.exec(select(func.count()).select_from(Interaction).where(*open_interactions)).one()
    raised = select(col(Issue.interaction_id)).where(col(Issue.interaction_id).is_not(None))
    with_an_issue = session.exec(
        select(func.count())
        .select_from(Interaction)
        .where(*open_interactions, col(Interaction.id).in_(raised))
    ).one()
    return int(every) - int(with_an_issue)
