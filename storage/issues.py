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
    # Open and closed issues are read apart, each in its own order, and closed ones only when the
    # open ones leave room: each part can then follow an index instead of sorting every issue.
    rows = []
    if query.status in (None, IssueStatus.OPEN):
        rows += _first(session, [*conditions, col(Issue.status) == IssueStatus.OPEN], _open_order(now), limit)
    # Only open issues can be overdue.
    if query.status in (None, IssueStatus.CLOSED) and query.overdue_at is None and len(rows) < limit:
        closed = [*conditions, col(Issue.status) == IssueStatus.CLOSED]
        rows += _first(session, closed, _CLOSED_ORDER, limit - len(rows))
    return IssuePage(rows=rows, total=int(total))


def _open_order(now: datetime) -> tuple:
    """Overdue first, then the most severe, then the oldest. (An open issue has no closed_at: reopening
    clears it.)"""
    overdue = case((col(Issue.follow_up_at) < now, 0), else_=1)
    severity = case(_SEVERITY_RANK, value=col(Issue.severity), else_=len(_SEVERITY_RANK))
    return overdue, severity, col(Issue.created_at), col(Issue.number)


_CLOSED_ORDER = (col(Issue.closed_at).desc(), col(Issue.created_at), col(Issue.number))


def _first(session: Session, conditions: list, order: tuple, limit: int) -> list[tuple[Issue, str]]:
    """The first `limit` issues in `order`: their ids are picked first (from an index alone where one
    covers the order), then only those rows are read in full. Sorting the whole rows of thousands of
    issues was most of the cost."""
    ids = list(session.exec(select(col(Issue.id)).where(*conditions).order_by(*order).limit(limit)))
    if not ids:
        return []
    statement = (
        select(Issue, Party.name)
        .join(Party, col(Party.id) == col(Issue.party_id))
        .where(col(Issue.id).in_(ids))
    )
    found = {issue.id: (issue, name) for issue, name in session.exec(statement)}
    return [found[issue_id] for issue_id in ids if issue_id in found]


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
