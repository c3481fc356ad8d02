"""The life of an issue after it is raised: closing, reopening and snoozing.

These functions are the one place that changes an issue's state, whichever Slack surface asked
(a command, a ✅ reaction on a nudge, a button). Each writes its audit row in the same session, so
the change and its record are committed together or not at all.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage.audit import record_change
from storage.models import Issue, IssueStatus
from storage.records import issue_by_number

__all__ = ["close_issue", "issue_by_number", "reopen_issue", "snooze_issue"]


def close_issue(
    session: Session,
    issue: Issue,
    *,
    actor_id: str,
    surface: str,
    now: datetime,
    resolution: str | None = None,
) -> bool:
    """Close `issue`; False (and nothing written) when it was already closed."""
    if issue.status == IssueStatus.CLOSED:
        return False
    issue.status = IssueStatus.CLOSED
    issue.closed_at = now
    issue.closed_by = actor_id
    issue.close_surface = surface
    issue.resolution = resolution
    issue.updated_at = now
    session.add(issue)
    record_change(
        session,
        actor_id=actor_id,
        surface=surface,
        action="closed",
        entity="issue",
        entity_id=issue.id,
        number=issue.number,
        resolution=resolution,
    )
    return True


def reopen_issue(session: Session, issue: Issue, *, actor_id: str, surface: str, now: datetime) -> bool:
    """Reopen `issue`; False (and nothing written) when it was already open."""
    if issue.status == IssueStatus.OPEN:
        return False
    # The close is kept in the audit log; on the issue itself it no longer applies.
    previous = {"closed_by": issue.closed_by, "closed_at": issue.closed_at, "resolution": issue.resolution}
    issue.status = IssueStatus.OPEN
    issue.closed_at = None
    issue.closed_by = None
    issue.close_surface = None
    issue.resolution = None
    issue.updated_at = now
    session.add(issue)
    record_change(
        session,
        actor_id=actor_id,
        surface=surface,
        action="reopened",
        entity="issue",
        entity_id=issue.id,
        number=issue.number,
        **previous,
    )
    return True


def snooze_issue(
    session: Session,
    issue: Issue,
    *,
    until: datetime,
    actor_id: str,
    surface: str,
    now: datetime,
    has_time: bool = True,
) -> None:
    """Move the issue's follow-up to `until` (aware UTC)."""
    previous = issue.follow_up_at
    issue.follow_up_at = until
    issue.follow_up_has_time = has_time
    issue.updated_at = now
    session.add(issue)
    record_change(
        session,
        actor_id=actor_id,
        surface=surface,
        action="snoozed",
        entity="issue",
        entity_id=issue.id,
        number=issue.number,
        follow_up_at=until,
        previous_follow_up_at=previous,
    )
