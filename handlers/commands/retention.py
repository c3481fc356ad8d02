"""`/brm retention [TYPE PERIOD [delete|redact] | TYPE keep | preview]`: the workspace's retention
schedule (see bot/records/retention_rules.py). For records administrators only."""

from __future__ import annotations

from bot.records.retention import preview, rule_text, set_rule
from bot.records.retention_replies import preview_blocks, schedule_blocks
from bot.records.retention_rules import kind_named, read_rule_change
from handlers.commands.registry import subcommand
from handlers.commands.request import CommandRequest
from handlers.records_access import require_for_command
from storage.records_retention import retention_rules


@subcommand(
    "retention",
    help="Retention schedule: how long each record type is kept",
    example="/brm retention interactions 6 years",
)
def run(request: CommandRequest) -> None:
    require_for_command(request, "see or set the retention schedule")
    services = request.services
    text = request.text.strip()
    with services.db.workspace(request.team_id, request.enterprise_id) as session:
        if text.lower() == "preview":
            tz = services.directory.timezone(request.team_id, request.user_id, request.client)
            reply = preview_blocks(preview(session, services.clock.now()), tz)
        elif text:
            change = read_rule_change(text)
            rule = set_rule(session, change, actor_id=request.user_id)
            label = kind_named(change.record_type).label
            done = f"{label}: {rule_text(rule)}" if rule else f"{label} are kept forever"
            reply = schedule_blocks(retention_rules(session), f"Done: {done}.")
        else:
            reply = schedule_blocks(retention_rules(session), "This workspace's retention schedule:")
    request.reply(*reply)
