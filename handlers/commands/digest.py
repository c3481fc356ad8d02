"""`/brm digest on [weekday] [time] [parties] | off | preview | send`: the channel's weekly digest."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.date_format import format_local
from bot.digest import digest_for
from bot.digest_layout import MAX_BLOCKS, RenderedDigest
from bot.digest_schedule import DIGEST_ON_EXAMPLE, Schedule, parse_digest_on
from bot.errors import InputError
from bot.numbers import read_number
from bot.plural import counted
from bot.recording import known_parties
from bot.replies import context, section
from bot.text import safe_mrkdwn
from handlers.commands.registry import subcommand
from handlers.commands.request import CommandRequest
from runtime.digest_sender import display_names, find_posted, post_digest
from slack_api.channel_access import INVITE as INVITE_COMMAND
from slack_api.channel_access import bot_access
from slack_api.failures import NOT_IN_CHANNEL
from slack_api.job_client import unwrapped
from storage import digests
from storage.audit import record_change
from storage.models import Surface

log = logging.getLogger(__name__)

USAGE = (
    "`/brm digest on [weekday] [time] [parties]` every week in this channel (default Monday 9:00 in "
    "your timezone) · `/brm digest off` · `/brm digest preview` only to you · `/brm digest send` here now"
    " · `/brm digest cold 45` relationships go cold after 45 days without contact"
)
MAX_COLD_DAYS = 365
INVITE = f"{INVITE_COMMAND}, then try again."


@subcommand("digest", help="Weekly digest in this channel", example="/brm digest on monday 9:00")
def run(request: CommandRequest) -> None:
    action, _, rest = request.text.strip().partition(" ")
    handler = ACTIONS.get(action.lower())
    if handler is None:
        raise InputError(
            f"`/brm digest` takes on, off, preview, send or cold, not “{safe_mrkdwn(action)}”.",
            example=DIGEST_ON_EXAMPLE,
        )
    handler(request, rest.strip())


def turn_on(request: CommandRequest, rest: str) -> None:
    services = request.services
    tz = services.directory.timezone(request.team_id, request.user_id, request.client)
    now = services.clock.now()
    with services.db.workspace(request.team_id, request.enterprise_id) as session:
        plan = parse_digest_on(rest, known_parties(session))
        schedule = Schedule(plan.weekday, plan.time_of_day, tz)
        subscription, created = digests.subscribe(
            session,
            channel_id=request.channel_id,
            weekday=schedule.weekday,
            time_of_day=schedule.hhmm,
            timezone=tz.key,
            party_ids=[party.id for party in plan.parties],
            created_by=request.user_id,
            next_due_at=schedule.next_after(now),
        )
        record_change(
            session,
            actor_id=request.user_id,
            surface=Surface.COMMAND,
            action="digest_on" if created else "digest_changed",
            entity="digest",
            entity_id=subscription.id,  # type: ignore[arg-type]
            channel_id=request.channel_id,
            weekday=schedule.weekday,
            time_of_day=schedule.hhmm,
            timezone=tz.key,
            party_ids=subscription.party_ids,
        )
        next_due = subscription.next_due_at
    names = [safe_mrkdwn(party.name) for party in plan.parties]
    scope = f", for {_and(names)}" if names else ", for every party"
    when = schedule.describe()
    lines = [
        f":calendar: {when[:1].upper()}{when[1:]} in this channel{scope}.",
        f"The first one: {format_local(next_due, tz)}." if next_due else "",
        "Turn it off with `/brm digest off`; see it now with `/brm digest preview`.",
    ]
    blocks = [section("\n".join(line for line in lines if line))]
    warning = _membership_warning(request)
    if warning:
        blocks.append(context(warning))
    request.reply(f"Weekly digest: {schedule.describe()}", blocks)


def turn_off(request: CommandRequest, rest: str) -> None:
    services = request.services
    with services.db.workspace(request.team_id, request.enterprise_id) as session:
        subscription = digests.unsubscribe(session, request.channel_id)
        if subscription is not None:
            record_change(
                session,
                actor_id=request.user_id,
                surface=Surface.COMMAND,
                action="digest_off",
                entity="digest",
                entity_id=subscription.id,  # type: ignore[arg-type]
                channel_id=request.channel_id,
            )
    if subscription is None:
        text = "This channel gets no weekly digest, so there was nothing to turn off."
        request.reply(text, [section(text), context(USAGE)])
        return
    text = "The weekly digest is off in this channel. `/brm digest on` turns it back on."
    request.reply(text, [section(f":no_bell: {text}")])


# Slack takes at most 5 posts to one response_url: the main message and up to 4 parts of its thread.
PREVIEW_THREAD_PARTS = 4


def preview(request: CommandRequest, rest: str) -> None:
    """The digest as it would be posted, only to the caller: the main message, then its thread's
    parts as further messages (as many as a response_url takes)."""
    digest = _compose(request)
    shown = digest.thread[:PREVIEW_THREAD_PARTS]
    note = "Only you can see this preview."
    if digest.thread:
        note += f" Posted, it continues in a thread of {counted(len(digest.thread), 'more message')}"
        if len(shown) == len(digest.thread):
            note += ", shown below."
        else:
            note += f"; the first {len(shown)} are shown below."
    request.reply(digest.main.text, _with_note(digest.main.blocks, note))
    for number, part in enumerate(shown, start=1):
        label = f"Preview, thread part {number} of {len(digest.thread)}."
        request.reply(part.text, _with_note(part.blocks, label))


def _with_note(blocks: Sequence[dict[str, Any]], note: str) -> list[dict[str, Any]]:
    listed = list(blocks)
    if len(listed) < MAX_BLOCKS:
        listed.append(context(note))
    return listed


def send_now(request: CommandRequest, rest: str) -> None:
    digest = _compose(request)
    # The digest keeps its own record of a post (a marker in its metadata, looked for in the channel),
    # which also finds a post whose count an earlier run of this job never wrote.
    client, job = unwrapped(request.client)
    marker = f"job-{job.id}" if job is not None else None
    try:
        if marker is not None and find_posted(client, request.channel_id, marker) is not None:
            log.warning("digest of job %s was posted by an earlier run; not posting it again", marker)
        else:
            post_digest(client, request.channel_id, digest, marker=marker)
    except SlackApiError as error:
        code = error.response.get("error")
        if code in NOT_IN_CHANNEL:
            raise InputError(f"I'm not in this channel, so I can't post the digest here. {INVITE}") from error
        raise
    request.reply(
        "Posted the digest in this channel.", [section(":white_check_mark: Posted the digest here.")]
    )


def cold_after(request: CommandRequest, rest: str) -> None:
    """The workspace's "going cold" threshold, in days without contact."""
    days = read_number(rest)
    if days is None or not 1 <= days <= MAX_COLD_DAYS:
        raise InputError(
            f"Give the number of days without contact after which a relationship is going cold, "
            f"from 1 to {MAX_COLD_DAYS}.",
            example="/brm digest cold 45",
        )
    services = request.services
    with services.db.workspace(request.team_id, request.enterprise_id) as session:
        workspace, old = digests.set_cold_after_days(session, days)
        record_change(
            session,
            actor_id=request.user_id,
            surface=Surface.COMMAND,
            action="cold_after_changed",
            entity="workspace",
            entity_id=workspace.id,  # type: ignore[arg-type]
            cold_after_days=days,
            was=old,
        )
    text = (
        f"Relationships now go cold after {counted(days, 'day')} without contact (it was {old}), "
        "in this workspace's digests and health."
    )
    request.reply(text, [section(f":snowflake: {text}")])


def status(request: CommandRequest, rest: str) -> None:
    services = request.services
    with services.db.workspace(request.team_id, request.enterprise_id) as session:
        subscription = digests.subscription_for_channel(session, request.channel_id)
    if subscription is None or not subscription.active:
        text = "This channel gets no weekly digest."
    else:
        schedule = Schedule.stored(subscription.weekday, subscription.time_of_day, subscription.timezone)
        parties = "some parties" if subscription.party_ids else "every party"
        text = f"This channel gets the digest {schedule.describe()}, for {parties}."
    request.reply(text, [section(text), context(USAGE)])


def _compose(request: CommandRequest) -> RenderedDigest:
    services = request.services
    tz = services.directory.timezone(request.team_id, request.user_id, request.client)
    with services.db.workspace(request.team_id, request.enterprise_id) as session:
        subscription = digests.subscription_for_channel(session, request.channel_id)
        party_ids = subscription.party_ids if subscription is not None and subscription.active else []
        return digest_for(
            session,
            now=services.clock.now(),
            tz=tz,
            party_ids=party_ids,
            name_of=display_names(services, request.team_id),
        )


def _membership_warning(request: CommandRequest) -> str | None:
    """A hint when the bot cannot post in the channel; None when it can or Slack will not say."""
    access = bot_access(request.client, request.channel_id)
    if access == "not_found":
        return f":warning: I can't see this channel, so I can't post the digest here. {INVITE}"
    if access == "not_member":
        return f":warning: I'm not in this channel yet. {INVITE}"
    return None


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


ACTIONS = {
    "on": turn_on,
    "off": turn_off,
    "preview": preview,
    "send": send_now,
    "cold": cold_after,
    "": status,
    "status": status,
}
