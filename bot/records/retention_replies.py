"""What `/brm retention` shows: the schedule in force, and what a run would dispose of (preview)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.date_format import format_local
from bot.records.retention import Disposition, rule_text
from bot.records.retention_rules import RECORD_KINDS, RETENTION_EXAMPLE, kind_named
from bot.replies import Blocks, context, section
from bot.text import safe_mrkdwn
from storage.records_models import RetentionRule


def schedule_blocks(rules: list[RetentionRule], headline: str) -> tuple[str, Blocks]:
    by_type = {rule.record_type: rule for rule in rules}
    lines = [
        f"• *{kind.label}*: " + (rule_text(by_type[kind.name]) if kind.name in by_type else "kept forever")
        for kind in RECORD_KINDS
    ]
    return headline, [
        section("\n".join([f":card_index_dividers: {headline}", *lines])),
        context(
            f"Set one: `{RETENTION_EXAMPLE}` (add `redact` to keep the skeleton) · keep forever: "
            "`/brm retention interactions keep` · see what the next daily run would do: "
            "`/brm retention preview`. Records under a legal hold are never disposed of."
        ),
    ]


def preview_blocks(found: list[Disposition], tz: ZoneInfo) -> tuple[str, Blocks]:
    if not found:
        return "Nothing is disposed of", [
            section(":card_index_dividers: No retention period is set, so every record is kept."),
            context(f"Set one: `{RETENTION_EXAMPLE}`"),
        ]
    lines = []
    for done in found:
        label = kind_named(done.record_type).label
        line = f"• *{label}* ({done.rule}): "
        if done.count and done.oldest and done.newest:
            oldest, newest = (format_local(at, tz, with_time=False) for at in (done.oldest, done.newest))
            line += f"{done.count:,} would go, dated {oldest} to {newest}"
        else:
            line += "nothing is past its period"
        if done.held:
            names = ", ".join(f"*{safe_mrkdwn(name)}*" for name in done.holds)
            line += f"; {done.held:,} past it are kept by legal hold ({names})"
        lines.append(line)
    return "Retention preview", [
        section("\n".join([":mag: *If retention ran now* (nothing has been changed):", *lines])),
        context("The daily run disposes of these and writes a disposition record in the audit log."),
    ]
