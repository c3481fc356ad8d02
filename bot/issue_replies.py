"""Block Kit for the issue commands' replies: what `/brm issue` understood, the outcome of a close,
reopen or snooze, and `/brm list`.

Everything a person typed (titles, resolutions, party names) goes through `safe_mrkdwn`. Dates are
shown in the reader's timezone. Lists stay inside Slack's limits (50 blocks, 3000 characters a section).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.date_format import format_local
from bot.issues import IssueReceipt
from bot.list_filter import ListFilter
from bot.plural import counted, noun
from bot.replies import Blocks, context, new_party_note, section
from bot.text import safe_mrkdwn, truncate
from storage.models import Issue, IssueStatus

LIST_LIMIT = 20
_TITLE_IN_LIST = 150
_SEVERITY_EMOJI = {
    "critical": ":red_circle:",
    "high": ":large_orange_circle:",
    "medium": ":large_yellow_circle:",
    "low": ":white_circle:",
}


def issue_label(issue: Issue, party_name: str) -> str:
    """`*#12* · DMV · renewal emails bounce`, safe to post."""
    return f"*#{issue.number}* · {safe_mrkdwn(party_name)} · {safe_mrkdwn(truncate(issue.title, 300))}"


def follow_up_text(issue: Issue, tz: ZoneInfo) -> str:
    if issue.follow_up_at is None:
        return "none"
    return format_local(issue.follow_up_at, tz, with_time=issue.follow_up_has_time)


def issue_receipt(receipt: IssueReceipt, tz: ZoneInfo) -> tuple[str, Blocks]:
    """The reply to `/brm issue`: the new issue as understood, and how to correct it."""
    issue, party, draft = receipt.issue, receipt.party, receipt.draft
    owner = f"<@{issue.owner_id}>" + (" (you)" if issue.owner_id == issue.raised_by else "")
    follow_up = follow_up_text(issue, tz)
    if draft.follow_up is not None:
        follow_up += f" (from “{safe_mrkdwn(draft.follow_up.phrase)}”)"
    severity = issue.severity + ("" if draft.severity else " (the default; add low, high or critical)")
    lines = [
        f":warning: Opened {issue_label(issue, party.name)}",
        f"*Owner:* {owner}",
        f"*Severity:* {_SEVERITY_EMOJI.get(issue.severity, '')} {severity}",
        f"*Follow up:* {follow_up}",
    ]
    match = draft.party
    if match is not None and match.how == "fuzzy":
        lines.append(
            f":mag: I read “{safe_mrkdwn(match.text)}” as *{safe_mrkdwn(party.name)}*, an existing party."
        )
    elif match is not None and match.how == "new":
        lines.append(new_party_note(party, again="raise it again"))
    lines += [f":information_source: {safe_mrkdwn(note)}" for note in draft.notes]
    hint = (
        "Not quite right? `/brm undo` and raise it again. "
        f"Move the follow-up with `/brm snooze #{issue.number} next Monday`."
    )
    return f"Opened issue #{issue.number}: {safe_mrkdwn(issue.title)}", [
        section("\n".join(lines)),
        context(hint),
    ]


def closed_reply(issue: Issue, party_name: str) -> tuple[str, Blocks]:
    lines = [f":white_check_mark: Closed {issue_label(issue, party_name)}"]
    if issue.resolution:
        lines.append(f"*Resolution:* {safe_mrkdwn(truncate(issue.resolution, 1000))}")
    hint = f"Closed by mistake? `/brm reopen #{issue.number}`"
    return f"Closed issue #{issue.number}", [section("\n".join(lines)), context(hint)]


def already_closed_reply(issue: Issue, party_name: str, tz: ZoneInfo) -> tuple[str, Blocks]:
    by = f" by <@{issue.closed_by}>" if issue.closed_by else ""
    when = f" on {format_local(issue.closed_at, tz)}" if issue.closed_at else ""
    lines = [
        f":information_source: {issue_label(issue, party_name)} was already closed{by}{when}. "
        "Nothing changed."
    ]
    if issue.resolution:
        lines.append(f"*Resolution:* {safe_mrkdwn(truncate(issue.resolution, 1000))}")
    hint = f"To work on it again: `/brm reopen #{issue.number}`"
    return f"Issue #{issue.number} was already closed", [section("\n".join(lines)), context(hint)]


def reopened_reply(issue: Issue, party_name: str, tz: ZoneInfo) -> tuple[str, Blocks]:
    lines = [
        f":arrows_counterclockwise: Reopened {issue_label(issue, party_name)}",
        f"*Owner:* <@{issue.owner_id}> · *Follow up:* {follow_up_text(issue, tz)}",
    ]
    hint = f"Change the follow-up with `/brm snooze #{issue.number} next Monday`."
    return f"Reopened issue #{issue.number}", [section("\n".join(lines)), context(hint)]


def already_open_reply(issue: Issue, party_name: str, tz: ZoneInfo) -> tuple[str, Blocks]:
    line = (
        f":information_source: {issue_label(issue, party_name)} is already open. Nothing changed. "
        f"*Follow up:* {follow_up_text(issue, tz)}"
    )
    return f"Issue #{issue.number} is already open", [section(line)]


def reassigned_reply(
    issue: Issue, party_name: str, *, was: str, changed: bool, tz: ZoneInfo
) -> tuple[str, Blocks]:
    if not changed:
        line = f":information_source: {issue_label(issue, party_name)} is <@{issue.owner_id}>'s already."
        return f"Issue #{issue.number} is theirs already", [section(line)]
    lines = [
        f":bust_in_silhouette: {issue_label(issue, party_name)} is now <@{issue.owner_id}>'s (was <@{was}>)."
    ]
    if issue.status == IssueStatus.OPEN and issue.follow_up_at is not None:
        lines.append(f"*Follow up:* {follow_up_text(issue, tz)}; the nudge goes to <@{issue.owner_id}>.")
    return f"Issue #{issue.number} reassigned", [section("\n".join(lines))]


def snoozed_reply(
    issue: Issue, party_name: str, *, phrase: str, tz: ZoneInfo, nudge_at: datetime
) -> tuple[str, Blocks]:
    """`nudge_at`: when the first nudge really goes out (weekends and holidays skipped)."""
    assert issue.follow_up_at is not None
    if nudge_at.astimezone(tz).date() == issue.follow_up_at.astimezone(tz).date():
        when = "then"
    else:
        when = f"on the next working morning, {format_local(nudge_at, tz)}"
    lines = [
        f":zzz: Snoozed {issue_label(issue, party_name)}",
        f"*Follow up:* {follow_up_text(issue, tz)} (from “{safe_mrkdwn(phrase)}”); "
        f"<@{issue.owner_id}> gets a nudge {when}.",
    ]
    return f"Snoozed issue #{issue.number}", [section("\n".join(lines))]


def issue_list(
    rows: list[tuple[Issue, str]], *, total: int, wanted: ListFilter, tz: ZoneInfo, now: datetime
) -> tuple[str, Blocks]:
    """The reply to `/brm list`: at most LIST_LIMIT issues, one section each, and how to see the rest."""
    if not rows:
        text = f"No {_list_heading(wanted)} right now."
        return text, [section(text), context("Try `/brm list all` to see every issue, open or closed.")]
    heading = _list_heading(wanted, total)
    blocks: Blocks = [section(f"*{heading}*")]
    blocks += [section(issue_line(issue, party_name, tz=tz, now=now)) for issue, party_name in rows]
    shown = len(rows)
    if total > shown:
        example = "/brm list DMV" if wanted.party is None else f"/brm list {wanted.party.name} overdue"
        blocks.append(context(f"…and {total - shown} more. Narrow it down with `{safe_mrkdwn(example)}`."))
    else:
        blocks.append(context(_list_hint(rows[0][0])))
    return heading, blocks


def _list_hint(first: Issue) -> str:
    """What to do next, with the number of an issue in the list."""
    if first.status == IssueStatus.OPEN:
        n = first.number
        return f"Close one with `/brm close #{n} what fixed it`, or move it with `/brm snooze #{n} Friday`."
    return f"Reopen one with `/brm reopen #{first.number}`."


def _list_heading(wanted: ListFilter, count: int | None = None) -> str:
    """ "open issues for DMV owned by @sam"; with `count`, counted: "1 open issue for DMV"."""
    words = {"open": "open issue", "closed": "closed issue", "all": "issue"}[wanted.status]
    if wanted.overdue:
        words = "overdue issue"
    parts = [noun(2, words) if count is None else counted(count, words)]
    if wanted.party is not None:
        parts.append(f"for {safe_mrkdwn(wanted.party.name)}")
    if wanted.owner_id is not None:
        parts.append(f"owned by <@{wanted.owner_id}>")
    return " ".join(parts)


def issue_line(issue: Issue, party_name: str, *, tz: ZoneInfo, now: datetime) -> str:
    is_open = issue.status == IssueStatus.OPEN
    emoji = _SEVERITY_EMOJI.get(issue.severity, ":white_circle:") if is_open else ":white_check_mark:"
    title = safe_mrkdwn(truncate(issue.title, _TITLE_IN_LIST))
    first = f"{emoji} *#{issue.number}* · *{safe_mrkdwn(party_name)}* · {title}"
    details = [f"<@{issue.owner_id}>", issue.severity, f"opened {age(issue.created_at, now)}"]
    if is_open and issue.follow_up_at is not None:
        overdue = " :rotating_light: overdue" if issue.follow_up_at < now else ""
        details.append(f"follow up {follow_up_text(issue, tz)}{overdue}")
    if not is_open and issue.closed_at is not None:
        closer = f" by <@{issue.closed_by}>" if issue.closed_by else ""
        details.append(f"closed {age(issue.closed_at, now)}{closer}")
    return first + "\n" + " · ".join(details)


def age(then: datetime, now: datetime) -> str:
    """How long ago, in words a list can show: "today", "yesterday", "3 days ago", "5 weeks ago"."""
    days = (now - then).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 28:
        return f"{days} days ago"
    if days < 365:
        return f"{days // 7} weeks ago"
    return f"{counted(days // 365, 'year')} ago"
