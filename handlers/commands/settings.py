"""`/brm settings`: show or change the workspace's holiday state, re-nudge interval, going-cold days and
the month its fiscal year starts."""

from __future__ import annotations

import calendar

from bot.cadence_settings import cadence_lines, set_default_cadence
from bot.plural import counted
from bot.replies import context, section
from bot.workspace_settings import every_days, fiscal_year_start, read_setting
from handlers.commands.registry import subcommand
from handlers.commands.request import CommandRequest
from storage.audit import record_change
from storage.models import Surface, Workspace
from storage.workspaces import ensure_workspace


@subcommand(
    "settings",
    help="Workspace settings (holidays, re-nudges, going cold)",
    example="/brm settings holidays CA",
)
def run(request: CommandRequest) -> None:
    services = request.services
    with services.db.workspace(request.team_id, request.enterprise_id) as session:
        workspace = ensure_workspace(session)
        name, _, rest = request.text.strip().partition(" ")
        if name.lower() == "cadence":
            said = set_default_cadence(session, workspace, rest, actor_id=request.user_id)
            headline = f":gear: Done: {said}."
        elif request.text.strip():
            change = read_setting(request.text)
            old = getattr(workspace, change.column)
            setattr(workspace, change.column, change.value)
            session.add(workspace)
            record_change(
                session,
                actor_id=request.user_id,
                surface=Surface.COMMAND,
                action="settings_changed",
                entity="workspace",
                entity_id=workspace.id,  # type: ignore[arg-type]
                setting=change.column,
                value=change.value,
                was=old,
            )
            headline = f":gear: Done: {change.said}."
        else:
            headline = ":gear: This workspace's settings:"
        default_state = services.settings.holiday_state
        state = workspace.holiday_region or default_state
        lines = [
            headline,
            f"• *holidays*: {state or 'federal only'}"
            + (" (the server's default)" if not workspace.holiday_region and default_state else ""),
            f"• *renudge*: {every_days(workspace.renudge_days)} while an issue stays open",
            f"• *cold*: {counted(workspace.cold_after_days, 'day')} without contact",
            _fiscal_year_line(workspace, default_state),
            "• *digest-mentions*: "
            + ("on: the digest @-mentions people" if workspace.digest_mentions else "off: names, no pings"),
            cadence_lines(workspace),
        ]
    request.reply(
        headline.removeprefix(":gear: "),
        [
            section("\n".join(lines)),
            context(
                "Change one: `/brm settings holidays CA` · `/brm settings renudge 14` · "
                "`/brm settings cold 45` · `/brm settings fiscal-year april` · "
                "`/brm settings digest-mentions on` · `/brm settings cadence agency every month`"
            ),
        ],
    )


def _fiscal_year_line(workspace: Workspace, default_state: str | None) -> str:
    month, was_set = fiscal_year_start(workspace, default_state)
    state = workspace.holiday_region or default_state
    usual = "" if was_set else (f" (the usual for {state})" if state else " (the default)")
    return f"• *fiscal-year*: starts 1 {calendar.month_name[month]}{usual}"
