"""The life of an issue: raising one from `/brm issue`, closing, reopening and snoozing it.

These functions are the one place that changes an issue's state, whichever Slack surface asked
(a command, a ✅ reaction on a nudge, a button). Each writes its audit row and keeps the issue's
pending nudges in step in the same session, so the change, its record and its reminders are
committed together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.errors import InputError
from bot.issue_args import ISSUE_EXAMPLE, IssueDraft, parse_issue_text
from bot.nudges import plan_follow_up, renudge_due_at
from bot.recording import Origin, known_parties, raise_issue, resolve_party
from storage.audit import record_change
from storage.models import Issue, IssueStatus, Party
from storage.nudges import cancel_pending_nudges
from storage.parties import get_party
from storage.records import issue_by_number, written_for_request
from storage.workspaces import ensure_workspace

__all__ = ["close_issue", "issue_by_number", "open_issue", "reopen_issue", "snooze_issue"]


@dataclass(frozen=True)
class IssueReceipt:
    """What `/brm issue` wrote, for the reply that shows back what was understood."""

    issue: Issue
    party: Party
    draft: IssueDraft


def open_issue(
    session: Session,
    *,
    text: str,
    origin: Origin,
    tz: ZoneInfo,
    now: datetime,
    timezone_of: Callable[[str], ZoneInfo],
) -> IssueReceipt:
    """Read a `/brm issue` text and write the issue (and its first nudge); InputError on bad input.

    `tz` is the author's timezone, in which their dates are read; `timezone_of(user_id)` gives the
    owner's, when someone else owns it, so that their nudge comes at their 09:00.
    """
    text = text.strip()
    if not text:
        raise InputError(
            "What is not working, and with whom? Start with the party's name.", example=ISSUE_EXAMPLE
        )
    draft = parse_issue_text(text, parties=known_parties(session), tz=tz, now=now)
    if origin.request_id:
        _, raised = written_for_request(session, origin.request_id)
        if raised:  # this command's work ran before: answer with the issue it raised
            party = get_party(session, raised[0].party_id)
            assert party is not None
            return IssueReceipt(issue=raised[0], party=party, draft=draft)
    if draft.problems or draft.party is None:
        raise InputError(" ".join(draft.problems), example=ISSUE_EXAMPLE)
    owner_id = draft.owner_id or origin.actor_id
    party = resolve_party(session, draft.party, origin)
    issue = raise_issue(
        session,
        party=party,
        title=draft.title,
        origin=origin,
        follow_up=draft.follow_up,
        owner_id=owner_id,
        severity=draft.severity,
        details=draft.details,
        owner_tz=tz if owner_id == origin.actor_id else timezone_of(owner_id),
        request_id=origin.request_id,
    )
    return IssueReceipt(issue=issue, party=party, draft=draft)


def close_issue(
    session: Session,
    issue: Issue,
    *,
    actor_id: str,
    surface: str,
    now: datetime,
    resolution: str | None = None,
) -> bool:
    """Close `issue` and cancel its pending nudges; False (and nothing written) when already closed."""
    if issue.status == IssueStatus.CLOSED:
        return False
    issue.status = IssueStatus.CLOSED
    issue.closed_at = now
    issue.closed_by = actor_id
    issue.close_surface = surface
    issue.resolution = resolution
    issue.updated_at = now
    session.add(issue)
    cancelled = cancel_pending_nudges(session, issue_id=issue.id)
    record_change(
        session,
        actor_id=actor_id,
        surface=surface,
        action="closed",
        entity="issue",
        entity_id=issue.id,
        number=issue.number,
        resolution=resolution,
        nudges_cancelled=cancelled,
    )
    return True


def reopen_issue(
    session: Session,
    issue: Issue,
    *,
    actor_id: str,
    surface: str,
    now: datetime,
    owner_tz: ZoneInfo | None = None,
    reason: str | None = None,
) -> bool:
    """Reopen `issue` and plan its next nudge; False (and nothing written) when already open.

    The nudge is at the follow-up when that is still to come; otherwise the follow-up moves to the
    workspace's re-nudge interval from now (09:00 in the owner's timezone), so a reopened issue is
    never silently left without a reminder.
    """
    if issue.status == IssueStatus.OPEN:
        return False
    # The close stays in the audit log; on the issue itself it no longer applies.
    previous = {"closed_by": issue.closed_by, "closed_at": issue.closed_at, "resolution": issue.resolution}
    issue.status = IssueStatus.OPEN
    issue.closed_at = None
    issue.closed_by = None
    issue.close_surface = None
    issue.resolution = None
    issue.updated_at = now
    if issue.follow_up_at is None or issue.follow_up_at <= now:
        every_days = ensure_workspace(session).renudge_days
        issue.follow_up_at = renudge_due_at(now, tz=owner_tz or ZoneInfo("UTC"), every_days=every_days)
        issue.follow_up_has_time = False
    session.add(issue)
    cancel_pending_nudges(session, issue_id=issue.id)
    plan_follow_up(session, issue=issue, owner_tz=owner_tz)
    record_change(
        session,
        actor_id=actor_id,
        surface=surface,
        action="reopened",
        entity="issue",
        entity_id=issue.id,
        number=issue.number,
        reason=reason,
        follow_up_at=issue.follow_up_at,
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
    owner_tz: ZoneInfo | None = None,
) -> None:
    """Move the issue's follow-up to `until` (aware UTC) and its pending nudge with it.

    `has_time` False: `until` is a day ("next Monday"), nudged at 09:00 in the owner's timezone.
    A closed issue keeps the new date but gets no nudge until it is reopened.
    """
    previous = issue.follow_up_at
    issue.follow_up_at = until
    issue.follow_up_has_time = has_time
    _replan(
        session,
        issue,
        now=now,
        owner_tz=owner_tz,
        audit={"actor_id": actor_id, "surface": surface, "action": "snoozed"},
        number=issue.number,
        follow_up_at=until,
        previous_follow_up_at=previous,
    )


def reassign_issue(
    session: Session,
    issue: Issue,
    *,
    owner_id: str,
    actor_id: str,
    surface: str,
    now: datetime,
    owner_tz: ZoneInfo | None = None,
) -> bool:
    """Give the issue to `owner_id`; its next nudge goes to them (at their 09:00 when the follow-up
    has no time). False, and nothing written, when it is theirs already."""
    if issue.owner_id == owner_id:
        return False
    was = issue.owner_id
    issue.owner_id = owner_id
    _replan(
        session,
        issue,
        now=now,
        owner_tz=owner_tz,
        audit={"actor_id": actor_id, "surface": surface, "action": "reassigned"},
        owner_id=owner_id,
        was=was,
    )
    return True


def _replan(
    session: Session,
    issue: Issue,
    *,
    now: datetime,
    owner_tz: ZoneInfo | None,
    audit: dict[str, str],
    **detail: object,
) -> None:
    """After a change to when or to whom an issue is nudged: its pending nudge is planned again (a
    closed issue gets none until it is reopened), and the change goes in the audit log."""
    issue.updated_at = now
    session.add(issue)
    cancel_pending_nudges(session, issue_id=issue.id)
    if issue.status == IssueStatus.OPEN:
        plan_follow_up(session, issue=issue, owner_tz=owner_tz)
    record_change(session, entity="issue", entity_id=issue.id, **audit, **detail)  # type: ignore[arg-type]
