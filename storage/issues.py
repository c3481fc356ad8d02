"""Reading issues back for lists: filtered, in the order people want to work through them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from storage.models import Issue, IssueStatus, Party, Severity

_SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3}


@dataclass(frozen=True)
class IssueQuery:
    """Which issues to read; every filter given must hold."""

    status: str | None = IssueStatus.OPEN  # None: open and closed
    party_id: int | None = None
    owner_id: str | None = None
    overdue_at: datetime | None = None  # only open issues whose follow-up is before this moment


@dataclass(frozen=True)
class IssuePage:
    rows: list[tuple[Issue, str]]  # (issue, its party's name)
    total: int  # how many match, shown or not


def list_issues(session: Session, query: IssueQuery, *, now: datetime, limit: int) -> IssuePage:
    """The first `limit` matching issues: open before closed; open ones overdue first, then the most
    severe, then the oldest; closed ones most recently closed first."""
    conditions = issue_conditions(query)
    total = session.exec(select(func.count()).select_from(Issue).where(*conditions)).one()
    overdue = case(
        (
            (col(Issue.status) == IssueStatus.OPEN) & (col(Issue.follow_up_at) < now),
            0,
        ),
        else_=1,
    )
    # Severity orders open issues only; closed ones simply go most recently closed first.
    severity = case(
        (col(Issue.status) != IssueStatus.OPEN, 0),
        else_=case(_SEVERITY_RANK, value=col(Issue.severity), else_=len(_SEVERITY_RANK)),
    )
    statement = (
        select(Issue, Party.name)
        .join(Party, col(Party.id) == col(Issue.party_id))
        .where(*conditions)
        .order_by(
            case((col(Issue.status) == IssueStatus.OPEN, 0), else_=1),
            overdue,
            severity,
            col(Issue.closed_at).desc(),
            col(Issue.created_at),
            col(Issue.number),
        )
        .limit(limit)
    )
    return IssuePage(rows=[(issue, name) for issue, name in session.exec(statement)], total=int(total))


def issue_conditions(query: IssueQuery) -> list:
    """The WHERE conditions for `query`, for lists and counts of issues."""
    conditions = []
    if query.status is not None:
        conditions.append(col(Issue.status) == query.status)
    if query.party_id is not None:
        conditions.append(col(Issue.party_id) == query.party_id)
    if query.owner_id is not None:
        conditions.append(col(Issue.owner_id) == query.owner_id)
    if query.overdue_at is not None:
        conditions.append(col(Issue.status) == IssueStatus.OPEN)
        conditions.append(col(Issue.follow_up_at) < query.overdue_at)
    return conditions


def example_issue_number(session: Session) -> int | None:
    """The issue number hints and examples show: the newest open issue's, else the newest issue's;
    None when the workspace has no issue at all."""
    statement = (
        select(Issue.number)
        .order_by(case((col(Issue.status) == IssueStatus.OPEN, 0), else_=1), col(Issue.number).desc())
        .limit(1)
    )
    return session.exec(statement).first()
