"""`/brm show #12`: one issue whole, and its history from the audit log (who did what, and when)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.date_format import format_local
from bot.issue_replies import follow_up_text
from bot.plural import counted
from bot.replies import Blocks, context, section
from bot.text import safe_mrkdwn, truncate
from storage.models import AuditEvent, Issue, IssueStatus

SHOW_EXAMPLE = "/brm show #12"
HISTORY_SHOWN = 15
_SURFACES = {
    "command": "with /brm",
    "reaction": "with a reaction",
    "button": "with a button",
    "shortcut": "from a message",
    "modal": "with a form",
}


def issue_card(
    issue: Issue, party_name: str, history: list[AuditEvent], *, tz: ZoneInfo
) -> tuple[str, Blocks]:
    status = (
        ":white_check_mark: closed" if issue.status == IssueStatus.CLOSED else ":large_yellow_circle: open"
    )
    title = safe_mrkdwn(truncate(issue.title, 300))
    if issue.permalink:
        title = f"<{issue.permalink}|{title}>"
    lines = [
        f"*#{issue.number}* · *{safe_mrkdwn(party_name)}* · {title}",
        f"*Status:* {status} · *Severity:* {issue.severity} · *Owner:* <@{issue.owner_id}>",
        f"*Raised:* {format_local(issue.created_at, tz)} by <@{issue.raised_by}>"
        f" {_SURFACES.get(issue.source, '')}".rstrip(),
    ]
    if issue.status == IssueStatus.OPEN:
        lines.append(f"*Follow up:* {follow_up_text(issue, tz)}")
    elif issue.closed_at is not None:
        closer = f" by <@{issue.closed_by}>" if issue.closed_by else ""
        lines.append(f"*Closed:* {format_local(issue.closed_at, tz)}{closer}")
        if issue.resolution:
            lines.append(f"*How:* {safe_mrkdwn(truncate(issue.resolution, 500))}")
    if issue.details:
        lines.append(f"*Details:* {safe_mrkdwn(truncate(issue.details, 1200))}")
    blocks: Blocks = [section("\n".join(lines))]
    shown = history[-HISTORY_SHOWN:]
    if shown:
        entries = [_history_line(event, tz) for event in shown]
        if len(history) > len(shown):
            entries.insert(0, f"_…{counted(len(history) - len(shown), 'earlier change')}_")
        blocks.append(section("*History*\n" + "\n".join(entries)))
    hint = (
        f"`/brm reopen #{issue.number}`"
        if issue.status == IssueStatus.CLOSED
        else f"`/brm close #{issue.number} what fixed it` · `/brm snooze #{issue.number} next Monday`"
    )
    blocks.append(context(hint))
    return f"Issue #{issue.number}: {safe_mrkdwn(issue.title)}", blocks


def _history_line(event: AuditEvent, tz: ZoneInfo) -> str:
    who = f"<@{event.actor_id}>" if event.actor_id else "brm-bot"
    how = _SURFACES.get(event.surface, "")
    return (
        f"• {format_local(event.at, tz)} · {who} {_describe(event.action, event.detail, tz)} {how}".rstrip()
    )


def _describe(action: str, detail: dict[str, Any], tz: ZoneInfo) -> str:
    if action == "opened":
        return "opened it"
    if action == "closed":
        resolution = detail.get("resolution")
        return "closed it" + (f": “{safe_mrkdwn(truncate(str(resolution), 200))}”" if resolution else "")
    if action == "reopened":
        return "reopened it"
    if action == "snoozed":
        return "moved the follow-up" + _to_day(detail.get("follow_up_at"), tz)
    if action == "reassigned":
        return f"gave it to <@{detail.get('owner_id')}>"
    if action == "nudged":
        escalated = detail.get("escalated_to")
        return "sent a nudge" + (f", copied to <#{escalated}>" if escalated else "")
    return safe_mrkdwn(action.replace("_", " "))


def _to_day(value: Any, tz: ZoneInfo) -> str:
    if not isinstance(value, str):
        return ""
    try:
        return " to " + format_local(datetime.fromisoformat(value), tz, with_time=False)
    except ValueError:
        return ""
