"""`/brm undo`: take back your last `/brm log` or `/brm issue` (see bot/undo.py for the rules)."""

from __future__ import annotations

from bot.undo import undo_last, undone_reply
from handlers.commands.registry import subcommand
from handlers.commands.request import CommandRequest


@subcommand("undo", help="Take back your last log or issue", example="/brm undo")
def run(request: CommandRequest) -> None:
    services = request.services
    with services.db.workspace(request.team_id, request.enterprise_id) as session:
        undone = undo_last(session, actor_id=request.user_id, now=services.clock.now())
    request.reply(*undone_reply(undone))
