"""The bot's Home tab: your follow-ups and the issues you own, where you find the bot in Slack."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.date_format import format_local
from bot.follow_up_list import follow_up_line
from bot.issue_replies import issue_line
from bot.replies import Blocks, HelpLines, context, help_examples, packed_sections, section
from storage.follow_ups import FollowUpPage
from storage.issues import IssuePage

HOME_FOLLOW_UPS = 20
HOME_ISSUES = 10


def home_view(
    follow_ups: FollowUpPage,
    issues: IssuePage,
    *,
    tz: ZoneInfo,
    now: datetime,
    example_number: int | None,
    help_lines: HelpLines,
) -> dict[str, Any]:
    """The Home tab for one person (at most 100 blocks, as Slack allows; this uses about 30).

    `example_number`: an issue that exists in the workspace, for the examples of what you can do
    (`help_lines`, those of `/brm help`).
    """
    blocks: Blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Your BRM desk"}},
        context(f"As of {format_local(now, tz)} · open this tab again to refresh it"),
        {"type": "divider"},
    ]
    overdue = sum(1 for row in follow_ups.rows if row.due_at < now)
    heading = f"*:alarm_clock: Your follow-ups* · {follow_ups.total} open"
    if overdue:
        heading += f" · :rotating_light: {overdue} overdue"
    blocks.append(section(heading))
    if follow_ups.rows:
        blocks += packed_sections(
            follow_up_line(row, tz=tz, now=now, show_owner=False) for row in follow_ups.rows
        )
        if follow_ups.total > len(follow_ups.rows):
            blocks.append(context(f"…and {follow_ups.total - len(follow_ups.rows)} more: `/brm follow-ups`"))
    else:
        blocks.append(context("Nothing to follow up. Add one to a log: `… follow up next Tuesday`."))
    blocks.append({"type": "divider"})

    blocks.append(section(f"*:warning: Issues you own* · {issues.total} open"))
    if issues.rows:
        lines = (issue_line(issue, party, tz=tz, now=now) for issue, party in issues.rows)
        blocks += packed_sections(lines, between="\n\n")
        if issues.total > len(issues.rows):
            blocks.append(context(f"…and {issues.total - len(issues.rows)} more: `/brm list mine`"))
    else:
        blocks.append(context("No open issues are yours. Raise one: `/brm issue DMV renewal emails bounce`."))
    blocks.append({"type": "divider"})

    blocks.append(section("*What you can do*\n" + help_examples(help_lines, example_number)))
    return {"type": "home", "blocks": blocks}
