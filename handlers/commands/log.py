"""`/brm log <what happened>`: record an interaction (and any issues it raises)."""

from __future__ import annotations

from bot.contact_links import offer_buttons
from bot.recording import LOG_EXAMPLE, Origin, record_log
from bot.replies import log_receipt
from bot.text import mentioned_users, name_mentions
from handlers.commands.registry import subcommand
from handlers.commands.request import CommandRequest
from runtime.touchpoint_logged import answer_touchpoints
from slack_api.ids import Action
from storage.models import Surface


@subcommand(
    "log",
    help="Log a touchpoint",
    example=LOG_EXAMPLE,
    more_examples=(
        (
            "Log a call from yesterday",
            "/brm log DOT call with @sam yesterday 3pm, great meeting. follow up in 2 weeks",
        ),
    ),
)
def run(request: CommandRequest) -> None:
    services = request.services
    tz = services.directory.timezone(request.team_id, request.user_id, request.client)
    # Slack sends a mention as `<@U123>`: with the person's name in it, a contact written
    # `@jane (CIO)` is saved as "jane", and the summary reads "@jane".
    people = services.directory.people(request.team_id, mentioned_users(request.text), request.client)
    text = name_mentions(request.text, {person.user_id: person.name for person in people})
    with services.db.workspace(request.team_id, request.enterprise_id) as session:
        receipt = record_log(
            session,
            text=text,
            origin=Origin(
                actor_id=request.user_id, channel_id=request.channel_id, request_id=request.trigger_id
            ),
            tz=tz,
            now=services.clock.now(),
        )
        answered = answer_touchpoints(
            services, session, receipt.interaction, actor_id=request.user_id, surface=Surface.COMMAND
        )
    if answered:
        services.jobs.wake.after_commit()
    text, blocks = log_receipt(receipt)
    blocks += offer_buttons(receipt.people, receipt.party, action_id=Action.ADD_CONTACT)
    request.reply(text, blocks)
