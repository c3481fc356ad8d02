"""`/brm hold add "NAME" [party] [from DATE] [to DATE] [@person]`, `/brm hold list`,
`/brm hold release "NAME"` (see bot/records/holds.py). For records administrators only."""

from __future__ import annotations

from bot.date_format import format_local
from bot.errors import InputError
from bot.records.holds import HOLD_EXAMPLE, list_holds, place_hold, release_hold
from bot.replies import context, packed_sections, section
from bot.text import safe_mrkdwn
from handlers.commands.registry import subcommand
from handlers.commands.request import CommandRequest
from handlers.records_access import require_for_command

KEPT_FROM = "retention, `/brm undo` or removing a party"


@subcommand(
    "hold",
    help="Keep records from any deletion for a records request (legal hold)",
    example='/brm hold add "PRR-2026-114" DMV',
    aliases=("holds",),
)
def run(request: CommandRequest) -> None:
    action, _, rest = request.text.strip().partition(" ")
    action = action.lower()
    if action not in ("add", "place", "list", "ls", "", "release"):
        raise InputError("`/brm hold` takes `add`, `list` or `release`.", example=HOLD_EXAMPLE)
    require_for_command(request, "place, list or release legal holds")
    services = request.services
    tz = services.directory.timezone(request.team_id, request.user_id, request.client)
    with services.db.workspace(request.team_id, request.enterprise_id) as session:
        if action in ("add", "place"):
            view = place_hold(session, rest, actor_id=request.user_id, tz=tz)
            reply = (
                f"Hold {safe_mrkdwn(view.name)} placed",
                [
                    section(
                        f":lock: Hold *{safe_mrkdwn(view.name)}* placed over {view.covers}. "
                        f"It covers {view.interactions} interactions and {view.issues} issues now, "
                        "and whatever else matches later."
                    ),
                    context(
                        f"Nothing it covers can be deleted by {KEPT_FROM}. Release it with "
                        f'`/brm hold release "{safe_mrkdwn(view.name)}"`.'
                    ),
                ],
            )
        elif action == "release":
            name = release_hold(session, rest, actor_id=request.user_id, now=services.clock.now())
            reply = (
                f"Hold {safe_mrkdwn(name)} released",
                [
                    section(
                        f":unlock: Hold *{safe_mrkdwn(name)}* released. "
                        "Retention applies again to what it kept."
                    )
                ],
            )
        else:
            views = list_holds(session, tz)
            if not views:
                reply = (
                    "No legal holds",
                    [section(":lock: No legal hold is in place."), context(f"Place one: `{HOLD_EXAMPLE}`")],
                )
            else:
                lines = [
                    f"• *{safe_mrkdwn(v.name)}*: {v.covers}; placed by <@{v.placed_by}> on "
                    f"{format_local(v.placed_at, tz, with_time=False)}; "
                    f"covers {v.interactions} interactions, {v.issues} issues"
                    for v in views
                ]
                reply = (
                    f"{len(views)} legal holds",
                    [section(":lock: *Legal holds in place*"), *packed_sections(lines)],
                )
    request.reply(*reply)
