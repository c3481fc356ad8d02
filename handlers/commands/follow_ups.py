"""`/brm follow-ups [party] [mine|all|@person]`: the follow-ups still open, overdue first."""

from __future__ import annotations

from bot.follow_up_list import LIST_LIMIT, follow_up_list, read_follow_up_filter
from bot.recording import known_parties
from handlers.commands.registry import subcommand
from handlers.commands.request import CommandRequest
from storage.follow_ups import open_follow_ups


@subcommand(
    "follow-ups",
    help="Your follow-ups, overdue first (or everyone's)",
    example="/brm follow-ups all",
    aliases=("followups", "follow-up", "followup", "fu"),
)
def run(request: CommandRequest) -> None:
    services = request.services
    tz = services.directory.timezone(request.team_id, request.user_id, request.client)
    now = services.clock.now()
    with services.db.workspace(request.team_id, request.enterprise_id) as session:
        wanted = read_follow_up_filter(request.text, parties=known_parties(session), user_id=request.user_id)
        page = open_follow_ups(
            session,
            owner_id=wanted.owner_id,
            party_id=wanted.party.party_id if wanted.party else None,
            limit=LIST_LIMIT,
        )
    request.reply(*follow_up_list(page.rows, total=page.total, wanted=wanted, tz=tz, now=now))
