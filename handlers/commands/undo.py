"""`/brm undo`: take back your last `/brm log` or `/brm issue` (see bot/undo.py for the rules)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.undo import undo_last, undone_reply

if TYPE_CHECKING:
    from handlers.commands import CommandRequest


def run(request: CommandRequest) -> None:
    services = request.services
    with services.db.workspace(request.team_id, request.enterprise_id) as session:
        undone = undo_last(session, actor_id=request.user_id, now=services.clock.now())
    request.reply(*undone_reply(undone))
