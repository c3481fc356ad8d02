"""`/brm party`: list the workspace's parties, show one, or change its kind, aliases, owner, home
channel or name.

Arguments are read by `bot.party_args`, changes made by `bot.parties` inside one workspace session (a
refusal rolls everything back), and the answer is ephemeral: the party's card with what changed.
"""

from __future__ import annotations

from bot.parties import change_party
from bot.party_args import OWNER_EXAMPLE, PartyCommand, read_party_command
from bot.party_replies import LIST_LIMIT, party_card, party_list
from bot.recording import known_parties
from bot.replies import context
from handlers.commands.registry import subcommand
from handlers.commands.request import CommandRequest
from slack_api.channel_access import INVITE, bot_access
from storage.parties import aliases_of, get_party, list_parties, party_row


@subcommand(
    "party",
    help="Parties: list, show one, set kind, alias, owner, home channel",
    example="/brm party DMV channel #dmv-team",
    aliases=("parties",),
)
def run(request: CommandRequest) -> None:
    services = request.services
    tz = services.directory.timezone(request.team_id, request.user_id, request.client)
    with services.db.workspace(request.team_id, request.enterprise_id) as session:
        command = read_party_command(
            request.text,
            parties=known_parties(session),
            user_id=request.user_id,
            channel_id=request.channel_id,
        )
        if command.action == "list":
            page = list_parties(session, limit=LIST_LIMIT)
            text, blocks = party_list(page.rows, total=page.total)
        else:
            assert command.party is not None and command.party.party_id is not None
            party = get_party(session, command.party.party_id)
            assert party is not None
            change = None
            if command.action != "show":
                _check_owner(request, command)
                change = change_party(session, party, command, actor_id=request.user_id)
                session.flush()
            text, blocks = party_card(
                party_row(session, party),
                aliases_of(session, party.id),
                tz=tz,
                match=command.party,
                change=change,
            )
    if command.action == "channel" and command.value:
        warning = _home_channel_warning(request, command.value)
        if warning:
            blocks.append(context(warning))
    request.reply(text, blocks)


def _check_owner(request: CommandRequest, command: PartyCommand) -> None:
    """A party's owner is nudged about it: a bot or a deactivated account cannot be one."""
    if command.action != "owner" or command.value is None:
        return
    request.services.directory.owner(
        request.team_id,
        command.value,
        request.client,
        owns="a party",
        instead="Mention a person, or use `owner none`.",
        example=OWNER_EXAMPLE,
    )


def _home_channel_warning(request: CommandRequest, channel_id: str) -> str | None:
    """Escalations are posted in the home channel: say so now if the bot cannot post there."""
    access = bot_access(request.client, channel_id)
    if access == "not_found":
        return f":warning: I can't see <#{channel_id}>, so escalations can't be posted there. {INVITE} there."
    if access == "not_member":
        return f":warning: I'm not in <#{channel_id}> yet. {INVITE} there, so escalations can be posted."
    return None
