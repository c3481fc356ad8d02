"""`/brm undo`: take back your last `/brm log` or `/brm issue`, when it was a slip.

A log or an issue that came out wrong ("DMW" for "DMV", the wrong day) would otherwise stay as a
second, wrong record beside the corrected one. Undo removes the caller's most recent record written
by a slash command, within UNDO_WINDOW, with what it brought along: the issues a log raised, their
pending nudges, and a party the log created that nothing else uses. It refuses once a nudge for it
has gone out, or when someone has worked on its issues since: then people may already rely on it,
and closing it says what happened instead. The audit log keeps what was removed.

An undone record is deleted, not kept as withdrawn: it was a slip of the last 24 hours that nobody
acted on, and its `undone` audit event keeps what it said. A record under a legal hold is never
undone (the refusal names the hold), and a party a hold names is never removed with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from bot import touchpoints
from bot.errors import InputError
from bot.plural import noun
from bot.records.holds import held_refusal
from bot.replies import Blocks, context, section
from bot.text import safe_mrkdwn, truncate
from storage.audit import history, record_change
from storage.contacts import unlink_interactions
from storage.models import (
    AuditEvent,
    Contact,
    Interaction,
    Issue,
    Nudge,
    NudgeStatus,
    Party,
    PartyAlias,
    Surface,
)
from storage.parties import get_party
from storage.records import issues_raised_with
from storage.records_holds import holds_covering, holds_naming_party

UNDO_WINDOW = timedelta(hours=24)
UNDO_EXAMPLE = "/brm undo"
# What may have happened to a record for undo to still be a clean "it never happened".
_OWN_ACTIONS = {"logged", "opened"}


@dataclass(frozen=True)
class Undone:
    """What `/brm undo` removed, for the reply."""

    kind: str  # "log" or "issue"
    party_name: str
    said: str  # the summary or the title
    issue_numbers: list[int]
    party_removed: bool


def undo_last(session: Session, *, actor_id: str, now: datetime) -> Undone:
    """Remove the caller's last record written by `/brm log` or `/brm issue`; InputError when there
    is none to take back, or it can no longer be."""
    since = now - UNDO_WINDOW
    interaction = session.exec(
        select(Interaction)
        .where(
            col(Interaction.logged_by) == actor_id,
            col(Interaction.source) == Surface.COMMAND,
            col(Interaction.created_at) >= since,
        )
        .order_by(col(Interaction.created_at).desc(), col(Interaction.id).desc())
    ).first()
    lone_issue = session.exec(
        select(Issue)
        .where(
            col(Issue.raised_by) == actor_id,
            col(Issue.source) == Surface.COMMAND,
            col(Issue.interaction_id).is_(None),
            col(Issue.created_at) >= since,
        )
        .order_by(col(Issue.created_at).desc(), col(Issue.id).desc())
    ).first()
    if interaction is None and lone_issue is None:
        raise InputError(
            "You have logged nothing with `/brm log` or `/brm issue` in the last 24 hours, so there is "
            "nothing to undo. An older record stays: close an issue instead, with `/brm close`, "
            "its number and why.",
            example=UNDO_EXAMPLE,
        )
    if lone_issue is not None and (interaction is None or _written_later(session, lone_issue, interaction)):
        return _undo_records(session, actor_id, interaction=None, issues=[lone_issue])
    assert interaction is not None
    raised = issues_raised_with(session, interaction.id)  # type: ignore[arg-type]
    return _undo_records(session, actor_id, interaction=interaction, issues=raised)


def _undo_records(
    session: Session, actor_id: str, *, interaction: Interaction | None, issues: list[Issue]
) -> Undone:
    issue_ids = [issue.id for issue in issues]
    nudges = list(
        session.exec(
            select(Nudge).where(
                col(Nudge.issue_id).in_(issue_ids)
                | (col(Nudge.interaction_id) == (interaction.id if interaction else -1))
            )
        )
    )
    what = "log" if interaction is not None else "issue"
    if any(n.status not in (NudgeStatus.PENDING, NudgeStatus.CANCELLED) for n in nudges):
        raise InputError(
            f"I already sent a nudge for your last {what}, so people may have seen it: it stays. "
            + _close_hint(issues),
            example=UNDO_EXAMPLE,
        )
    record = interaction if interaction is not None else issues[0]
    record_history = history(session, _entity(record), record.id)  # type: ignore[arg-type]
    changes = list(record_history)
    for issue in issues:
        if issue is not record:
            changes += history(session, "issue", issue.id)  # type: ignore[arg-type]
    if any(event.action not in _OWN_ACTIONS for event in changes):
        raise InputError(
            f"Your last {what} has been worked on since (closed, snoozed or changed), so it stays. "
            + _close_hint(issues),
            example=UNDO_EXAMPLE,
        )
    for held in [record, *(issue for issue in issues if issue is not record)]:
        covering = holds_covering(session, held)
        if covering:
            thing = (
                f"Your last {what}" if held is record else f"Issue #{getattr(held, 'number', '')} it raised"
            )
            raise InputError(held_refusal(covering[0], thing), example=UNDO_EXAMPLE)
    party = get_party(session, record.party_id)
    assert party is not None
    said = interaction.summary if interaction is not None else issues[0].title
    numbers = sorted(issue.number for issue in issues)

    # In the order the foreign keys ask for: nudges, then issues, then the interaction.
    session.exec(delete(Nudge).where(col(Nudge.id).in_([n.id for n in nudges])))  # type: ignore[call-overload]
    session.exec(delete(Issue).where(col(Issue.id).in_(issue_ids)))  # type: ignore[call-overload]
    if interaction is not None:
        unlink_interactions(session, [interaction.id])  # type: ignore[list-item]
        session.exec(delete(Interaction).where(col(Interaction.id) == interaction.id))  # type: ignore[call-overload]
    created = next((event for event in record_history if event.action in _OWN_ACTIONS), None)
    party_removed = _remove_party_if_only_this_used_it(session, party, created)
    if not party_removed:
        touchpoints.replan(session, party)  # the last touchpoint is the one before the undone log
    record_change(
        session,
        actor_id=actor_id,
        surface=Surface.COMMAND,
        action="undone",
        entity=_entity(record),
        entity_id=record.id,  # type: ignore[arg-type]
        party=party.name,
        said=said,
        issues=numbers,
        party_removed=party_removed,
    )
    return Undone(what, party.name, said, numbers, party_removed)


def _written_later(session: Session, issue: Issue, interaction: Interaction) -> bool:
    """Whether the issue was written after the interaction. Two commands stamped at one instant (one
    clock tick apart, or a frozen clock) are told apart by the audit log, which numbers every write."""
    if issue.created_at != interaction.created_at:
        return issue.created_at > interaction.created_at
    first_issue_event = history(session, "issue", issue.id)[0]  # type: ignore[arg-type]
    first_interaction_event = history(session, "interaction", interaction.id)[0]  # type: ignore[arg-type]
    return first_issue_event.id > first_interaction_event.id  # type: ignore[operator]


def _entity(record: Interaction | Issue) -> str:
    return "interaction" if isinstance(record, Interaction) else "issue"


def _remove_party_if_only_this_used_it(session: Session, party: Party, created: AuditEvent | None) -> bool:
    """A party the undone record created, untouched since and used by nothing else, goes with it.

    "Created by it": the party's creation is the audit row just before the record's own (`created`;
    both are written in one transaction). Anything in doubt keeps the party.
    """
    party_history = history(session, "party", party.id)  # type: ignore[arg-type]
    created_with_it = (
        created is not None
        and [event.action for event in party_history] == ["created"]
        and party_history[0].id == created.id - 1  # type: ignore[operator]
    )
    if not created_with_it or holds_naming_party(session, party.id):  # type: ignore[arg-type]
        return False
    for model in (Interaction, Issue):
        if session.exec(select(model.id).where(col(model.party_id) == party.id)).first() is not None:
            return False
    session.exec(delete(PartyAlias).where(col(PartyAlias.party_id) == party.id))  # type: ignore[call-overload]
    session.exec(delete(Contact).where(col(Contact.party_id) == party.id))  # type: ignore[call-overload]
    session.exec(delete(Nudge).where(col(Nudge.party_id) == party.id))  # type: ignore[call-overload]
    session.exec(delete(Party).where(col(Party.id) == party.id))  # type: ignore[call-overload]
    return True


def _close_hint(issues: list[Issue]) -> str:
    if issues:
        return f"Close it with `/brm close #{issues[0].number} logged by mistake`."
    return "Log a correction, and say so in it."


def undone_reply(undone: Undone) -> tuple[str, Blocks]:
    """The reply to `/brm undo`: what was removed, and what to do next."""
    party = f"*{safe_mrkdwn(undone.party_name)}*"
    said = safe_mrkdwn(truncate(" ".join(undone.said.split()), 300))
    if undone.kind == "issue":
        lines = [f":leftwards_arrow_with_hook: Undid issue *#{undone.issue_numbers[0]}* with {party}: {said}"]
    else:
        lines = [f":leftwards_arrow_with_hook: Undid your last log with {party}: {said}"]
        if undone.issue_numbers:
            numbers = ", ".join(f"*#{number}*" for number in undone.issue_numbers)
            lines.append(f"The {noun(len(undone.issue_numbers), 'issue')} it raised went too: {numbers}.")
    if undone.party_removed:
        lines.append(f"{party} was added with it and nothing else uses it, so it went too.")
    again = "Log it" if undone.kind == "log" else "Raise it"
    return f"Undid your last {undone.kind}", [
        section("\n".join(lines)),
        context(f"{again} again the way you meant it."),
    ]
