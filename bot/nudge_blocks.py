"""The nudge message: what a follow-up reminder says in Slack, and how it reads once someone acted.

It carries the party, the issue's title (or the interaction's summary), how old it is, the party's
latest interactions, how many reminders there have been, the owner's mention, buttons Close /
Snooze 1 day / Snooze 1 week, and the hint that reacting ✅ closes it. Once someone acts, the same
message is updated in place to show the new state and who acted, with what undoes a close: taking
the ✅ away after a ✅, a Reopen button (and `/brm reopen #12`) after a button or a command. The
notification text changes with the blocks, since it is what notifications and screen readers read.
Every button has an accessibility label naming its record, as "Close" alone says nothing out of context.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.date_format import format_local, slack_date
from bot.plural import counted
from bot.replies import KIND_EMOJI, context, section
from bot.text import safe_mrkdwn, truncate
from storage.models import AuditEvent, Interaction, Issue, IssueStatus, Nudge, Party, Surface

Blocks = list[dict[str, Any]]


@dataclass(frozen=True)
class ButtonIds:
    """The action ids of a nudge's buttons (kept with the other ids in slack_api/ids.py)."""

    close: str
    snooze_day: str
    snooze_week: str
    reopen: str


@dataclass(frozen=True)
class Outcome:
    """The last thing someone did about a nudged record, shown on its nudge messages."""

    action: str  # closed, reopened, snoozed, done, undone
    actor_id: str | None
    until: datetime | None = None  # for a snooze
    surface: str | None = None  # how it was done: reaction, button, command...


# Audit actions that change what a nudge message shows, and how the message names them.
_OUTCOMES = {
    "closed": "closed",
    "reopened": "reopened",
    "snoozed": "snoozed",
    "follow_up_done": "done",
    "follow_up_reopened": "undone",
}


def latest_outcome(events: Sequence[AuditEvent]) -> Outcome | None:
    """The last close, reopen, snooze or done among a record's audit events (oldest first)."""
    for event in reversed(events):
        action = _OUTCOMES.get(event.action)
        if action is None:
            continue
        until = event.detail.get("follow_up_at") if action == "snoozed" else None
        return Outcome(
            action=action, actor_id=event.actor_id, until=_parse_time(until), surface=event.surface
        )
    return None


def _parse_time(value: object) -> datetime | None:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, datetime) else None


@dataclass(frozen=True)
class NudgeFacts:
    """Everything a nudge message shows, read from the database by the handler."""

    nudge: Nudge
    party: Party
    issue: Issue | None
    interaction: Interaction | None
    recent: Sequence[Interaction]  # the party's latest interactions, newest first
    times_nudged: int  # including this one
    outcome: Outcome | None = None  # None: a fresh nudge

    @property
    def is_open(self) -> bool:
        if self.issue is not None:
            return self.issue.status == IssueStatus.OPEN
        return self.interaction is not None and self.interaction.follow_up_done_at is None


def nudge_message(
    facts: NudgeFacts, *, buttons: ButtonIds, tz: ZoneInfo, now: datetime
) -> tuple[str, Blocks]:
    """The nudge as posted (and as updated after someone acts): notification text and blocks.

    `tz` is the owner's, for the fallback text of dates; Slack shows each reader their own time.
    """
    nudge, party = facts.nudge, facts.party
    party_name = safe_mrkdwn(party.name)
    owner = f"<@{nudge.owner_id}>"
    if facts.issue is not None:
        issue = facts.issue
        title = safe_mrkdwn(truncate(issue.title, 300))
        what = f"issue *#{issue.number}* with *{party_name}*"
        text = f"{_state(facts, tz)}: #{issue.number} {party.name}: {issue.title}"
        age = f"Open for {_age(issue.created_at, now)} · severity {safe_mrkdwn(issue.severity)}"
        headline = f"{owner}, time to follow up on {what}:\n>{title}"
    else:
        interaction = facts.interaction
        assert interaction is not None, "a nudge is about an issue or an interaction"
        summary = safe_mrkdwn(truncate(interaction.summary, 300))
        text = f"{_state(facts, tz)}: {party.name}: {interaction.summary}"
        age = f"Logged {_age(interaction.occurred_at, now)} ago"
        headline = f"{owner}, time to follow up with *{party_name}* on:\n>{summary}"
    if nudge.escalated_to:
        headline = f":rotating_light: Still open after {counted(facts.times_nudged, 'reminder')}. " + headline
    nudged = "first reminder" if facts.times_nudged <= 1 else f"reminder {facts.times_nudged}"
    blocks: Blocks = [
        section(f":alarm_clock: {headline}"),
        context(f"{age} · {nudged}"),
    ]
    if facts.recent:
        blocks.append(
            section(f"*Latest with {party_name}:*\n" + "\n".join(_touch(i, tz) for i in facts.recent))
        )
    if facts.outcome is not None:
        blocks.append(section(_outcome_line(facts, tz)))
    labels = _Labels(facts)
    if facts.is_open:
        blocks.append(_buttons(nudge, buttons, labels))
        verb = "close it" if facts.issue is not None else "mark it done"
        blocks.append(context(f"React :white_check_mark: to {verb} · :zzz: to snooze a week"))
    elif facts.outcome is not None and facts.outcome.action in ("closed", "done"):
        if facts.outcome.surface == Surface.REACTION:
            blocks.append(context("Remove the :white_check_mark: to reopen."))
        else:
            # Closed with a button or a command: there is no ✅ to take away, so say what reopens it.
            blocks.append(_reopen_button(nudge, buttons, labels))
            command = f" or `/brm reopen #{facts.issue.number}`" if facts.issue is not None else ""
            blocks.append(context(f"Reopen it with the button{command}."))
    return safe_mrkdwn(truncate(text, 300)), blocks


def _state(facts: NudgeFacts, tz: ZoneInfo) -> str:
    """The notification text's first words: the nudge's state now, as the blocks show it."""
    outcome = facts.outcome
    if outcome is None or outcome.action in ("reopened", "undone"):
        return "Follow-up due" if facts.is_open else "Follow-up"
    if outcome.action == "closed":
        return "Closed"
    if outcome.action == "done":
        return "Follow-up done"
    return "Snoozed" + (f" until {format_local(outcome.until, tz)}" if outcome.until is not None else "")


def _age(since: datetime, now: datetime) -> str:
    days = (now - since).days
    if days < 1:
        return "less than a day"
    return counted(days, "day")


def _touch(interaction: Interaction, tz: ZoneInfo) -> str:
    when = slack_date(
        interaction.occurred_at, format_local(interaction.occurred_at, tz, with_time=False), with_time=False
    )
    emoji = KIND_EMOJI.get(interaction.kind, ":memo:")
    return f"• {when} {emoji} {safe_mrkdwn(truncate(interaction.summary, 140))}"


def _outcome_line(facts: NudgeFacts, tz: ZoneInfo) -> str:
    outcome = facts.outcome
    assert outcome is not None
    who = f"<@{outcome.actor_id}>" if outcome.actor_id else "brm-bot"
    if outcome.action == "closed":
        return f":white_check_mark: *Closed* by {who}"
    if outcome.action == "done":
        return f":white_check_mark: *Done*, marked by {who}"
    if outcome.action in ("reopened", "undone"):
        return f":leftwards_arrow_with_hook: *Reopened* by {who}"
    until = ""
    if outcome.until is not None:
        until = " until " + slack_date(outcome.until, format_local(outcome.until, tz))
    return f":zzz: *Snoozed*{until} by {who}"


# Slack reads out an accessibility label of at most 75 characters.
_LABEL_CHARS = 75


class _Labels:
    """What a screen reader says for each button: the action and the record it is about."""

    def __init__(self, facts: NudgeFacts) -> None:
        self.is_issue = facts.issue is not None
        if facts.issue is not None:
            self.record = f"issue #{facts.issue.number}"
            self.close = f"Close {self.record}"
        else:
            self.record = f"the follow-up with {truncate(facts.party.name, 30)}"
            self.close = f"Mark {self.record} done"

    def snooze(self, period: str) -> str:
        return truncate(f"Snooze {self.record} for {period}", _LABEL_CHARS)

    def reopen(self) -> str:
        return truncate(f"Reopen {self.record}", _LABEL_CHARS)


def _button(
    nudge: Nudge, action_id: str, label: str, spoken: str, style: str | None = None
) -> dict[str, Any]:
    element = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "value": str(nudge.id),
        "accessibility_label": truncate(spoken, _LABEL_CHARS),
    }
    if style:
        element["style"] = style
    return element


def _buttons(nudge: Nudge, ids: ButtonIds, labels: _Labels) -> dict[str, Any]:
    return {
        "type": "actions",
        "block_id": f"brm_nudge_{nudge.id}",
        "elements": [
            _button(nudge, ids.close, "Close" if labels.is_issue else "Done", labels.close, "primary"),
            _button(nudge, ids.snooze_day, "Snooze 1 day", labels.snooze("1 day")),
            _button(nudge, ids.snooze_week, "Snooze 1 week", labels.snooze("1 week")),
        ],
    }


def _reopen_button(nudge: Nudge, ids: ButtonIds, labels: _Labels) -> dict[str, Any]:
    return {
        "type": "actions",
        "block_id": f"brm_nudge_{nudge.id}_reopen",
        "elements": [_button(nudge, ids.reopen, "Reopen", labels.reopen())],
    }
