"""Interactions and issues: adding them and reading them back."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from storage.models import Interaction, Issue, Party
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


def issues_raised_with(session: Session, interaction_id: int) -> list[Issue]:
    """The issues a log raised along with its interaction, by number."""
    return list(
        session.exec(select(Issue).where(Issue.interaction_id == interaction_id).order_by(Issue.number))
    )


def written_for_request(session: Session, request_id: str) -> tuple[Interaction | None, list[Issue]]:
    """What the request `request_id` (a slash command, a form submission) already wrote: its
    interaction (with the issues it raised), or the issue it raised alone; (None, []) when nothing yet."""
    interaction = session.exec(select(Interaction).where(Interaction.request_id == request_id)).first()
    if interaction is not None:
        return interaction, issues_raised_with(session, interaction.id)  # type: ignore[arg-type]
    issue = session.exec(select(Issue).where(Issue.request_id == request_id)).first()
    return None, [issue] if issue is not None else []


def recent_interactions(session: Session, party_id: int, limit: int = 3) -> list[Interaction]:
    statement = (
        select(Interaction)
        .where(Interaction.party_id == party_id)
        .order_by(Interaction.occurred_at.desc())  # type: ignore[union-attr]
        .limit(limit)
    )
    return list(session.exec(statement))


def records_for_message(
    session: Session, channel_id: str, message_ts: str
) -> tuple[list[Interaction], list[Issue]]:
    """The interactions and issues already captured from one Slack message."""
    interactions = select(Interaction).where(
        Interaction.channel_id == channel_id, Interaction.message_ts == message_ts
    )
    issues = select(Issue).where(Issue.channel_id == channel_id, Issue.message_ts == message_ts)
    return (
        list(session.exec(interactions.order_by(Interaction.created_at))),
        list(session.exec(issues.order_by(Issue.number))),
    )


def usual_party_for_channel(session: Session, channel_id: str) -> Party | None:
    """The party a channel is about: the one whose home it is, else the one most logged from it."""
    home = session.exec(select(Party).where(Party.home_channel_id == channel_id).order_by(Party.name)).first()
    if home is not None:
        return home
    counts: dict[int, int] = {}
    for model in (Interaction, Issue):
        statement = (
            select(model.party_id, func.count())
            .where(model.channel_id == channel_id)
            .group_by(model.party_id)
        )
        for party_id, count in session.exec(statement):
            counts[party_id] = counts.get(party_id, 0) + count
    if not counts:
        return None
    # Ties go to the party seen first (lowest id), so the guess does not flip between opens.
    party_id = min(counts, key=lambda pid: (-counts[pid], pid))
    return session.exec(select(Party).where(Party.id == party_id)).first()
