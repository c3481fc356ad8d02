"""`/brm search <words> [party] [since DATE]`: the workspace's interactions and issues that have
those words, best matches first, with links to the messages they came from."""

from __future__ import annotations

from bot.party_names import KnownParty
from bot.search_args import SEARCH_EXAMPLE, party_keys, read_search_command
from bot.search_replies import RESULT_LIMIT, search_reply
from handlers.commands.registry import subcommand
from handlers.commands.request import CommandRequest
from storage.search import parties_named, search_records


@subcommand(
    "search",
    help="Search summaries and issues, best matches first",
    example=SEARCH_EXAMPLE,
    aliases=("find",),
)
def run(request: CommandRequest) -> None:
    services = request.services
    tz = services.directory.timezone(request.team_id, request.user_id, request.client)
    with services.db.workspace(request.team_id, request.enterprise_id) as session:
        # Only the parties the words may name, not every party of the workspace.
        named = [KnownParty(*row) for row in parties_named(session, party_keys(request.text))]
        command = read_search_command(request.text, parties=named, tz=tz, now=services.clock.now())
        found = search_records(
            session,
            command.terms,
            party_id=command.party.party_id if command.party is not None else None,
            since=command.since_at,
            limit=RESULT_LIMIT,
        )
    window = found.window if found.window_full else None
    request.reply(*search_reply(command, found.hits, tz=tz, window=window))
