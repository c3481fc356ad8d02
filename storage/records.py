"""Interactions and issues: adding them and reading them back."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import Interaction, Issue, IssueStatus
from storage.workspaces import next_issue_number


def add_interaction(session: Session, interaction: Interaction) -> Interaction:
    session.add(interaction)
    session.flush()
    return interaction


def add_issue(session: Session, issue: Issue) -> Issue:
    """Store a new issue under the workspace's next number."""
    issue.number = next_issue_number(session)
    session.add(issue)
    session.flush()
    return issue


def issue_by_number(session: Session, number: int) -> Issue | None:
    return session.exec(select(Issue).where(Issue.number == number)).first()


def open_issues_for_party(session: Session, party_id: int) -> list[Issue]:
    statement = (
        select(Issue)
        .where(Issue.party_id == party_id, Issue.status == IssueStatus.OPEN)
        .order_by(Issue.created_at)
    )
    return list(session.exec(statement))


def recent_interactions(session: Session, party_id: int, limit: int = 3) -> list[Interaction]:
    statement = (
        select(Interaction)
        .where(Interaction.party_id == party_id)
        .order_by(Interaction.occurred_at.desc())  # type: ignore[union-attr]
        .limit(limit)
    )
    return list(session.exec(statement))
