"""The digest sweep: posts each subscribed channel's weekly digest when it falls due, exactly once.

The sweep reads which subscriptions are due from the database (`next_due_at <= now`), claims the
subscription's ISO week (a unique row: one winner however many processes sweep), composes, posts the
main message and its thread continuations, and moves `next_due_at` to the next scheduled time. A week
missed while the app was down goes out late, once: the week claimed is that of the latest scheduled
time at or before now, so three missed Mondays make one digest, not three.

Failures are never silent: a Slack error worth retrying (rate limits, Slack or the network down)
releases the claim and tries again in RETRY_DELAY; one that will not get better (the bot is not in the
channel, the channel is gone) closes the week, is logged, and the subscriber is told in a DM.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.digest import digest_for
from bot.digest_layout import RenderedDigest
from bot.digest_schedule import Schedule
from runtime.services import Services
from slack_api.client import make_web_client
from slack_api.failures import NOT_IN_CHANNEL, PERMANENT_ERRORS, SLACK_FAILURES, failure_code
from storage import digests
from storage.digests import DueSubscription

log = logging.getLogger(__name__)

BATCH = 50
RETRY_DELAY = timedelta(minutes=5)
# A claim still "sending" after this long belongs to a process that died; another may take it over.
CLAIM_TIMEOUT = timedelta(minutes=15)
WORKER = f"{socket.gethostname()}:{os.getpid()}"
METADATA_EVENT = "brm_digest"
HISTORY_SEARCHED = 100


def digest_client(services: Services) -> WebClient:
    """A client that retries only what Slack surely did not act on (429), so a lost answer to a post
    that did go through is checked against the channel instead of being posted again."""
    settings = services.settings
    client = make_web_client(settings.slack_api_url, settings.bot_token, retries=False)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    return client


def display_names(services: Services, team_id: str) -> Callable[[str], str]:
    """A person's display name from the user directory (cached), for a digest that names people
    without mentioning them."""
    return lambda user_id: services.directory.person(team_id, user_id).name


def post_digest(
    client: WebClient,
    channel_id: str,
    digest: RenderedDigest,
    *,
    marker: str | None = None,
    check_first: bool = False,
    on_main_posted: Callable[[str], None] | None = None,
) -> tuple[str, str | None]:
    """Post the main message, then its continuations in its thread: (main ts, thread problem or None).

    `marker` goes in the main message's metadata: when Slack's answer is lost (HTTP 5xx, a dropped
    connection) the channel is searched for it before anyone posts again. A failure of the main
    message raises; one in the thread is returned, since the digest is out and must not repeat.
    `check_first` searches before posting at all, for a retry after an attempt that may have posted.
    """
    ts = find_posted(client, channel_id, marker) if (marker and check_first) else None
    if ts is None:
        ts = _post_main(client, channel_id, digest, marker)
    if on_main_posted is not None:
        on_main_posted(ts)
    for number, message in enumerate(digest.thread, start=1):
        try:
            client.chat_postMessage(
                channel=channel_id,
                thread_ts=ts,
                text=message.text,
                blocks=message.blocks,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SLACK_FAILURES as error:
            problem = f"thread part {number} of {len(digest.thread)}: {failure_code(error)}"
            log.error("digest in %s posted, but its %s", channel_id, problem)
            return ts, problem
    return ts, None


def _post_main(client: WebClient, channel_id: str, digest: RenderedDigest, marker: str | None) -> str:
    metadata = {"event_type": METADATA_EVENT, "event_payload": {"digest": marker}} if marker else None
    try:
        answer = client.chat_postMessage(
            channel=channel_id,
            text=digest.main.text,
            blocks=digest.main.blocks,
            metadata=metadata,
            unfurl_links=False,
            unfurl_media=False,
        )
    except SLACK_FAILURES as error:
        lost = isinstance(error, OSError) or error.response.status_code >= 500
        found = find_posted(client, channel_id, marker) if (lost and marker) else None
        if found is None:
            raise
        log.warning("Slack's answer to the digest post in %s was lost, but it was posted", channel_id)
        return found
    return str(answer["ts"])


def find_posted(client: WebClient, channel_id: str, marker: str | None) -> str | None:
    """The ts of a digest main message carrying `marker` among the channel's latest messages."""
    try:
        history = client.conversations_history(
            channel=channel_id, limit=HISTORY_SEARCHED, include_all_metadata=True
        )
    except SLACK_FAILURES as error:
        log.warning("could not check %s for an earlier digest post: %s", channel_id, error)
        return None
    for message in history.get("messages") or []:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == METADATA_EVENT and payload.get("digest") == marker:
            return str(message["ts"])
    return None


def send_due_digests(services: Services) -> int:
    """The sweep: post every digest that is due now; returns how many went out."""
    now = services.clock.now()
    with services.db.system() as session:
        due = digests.due_subscriptions(session, now, limit=BATCH)
    client = digest_client(services) if due else services.client
    sent = 0
    for subscription in due:
        try:
            sent += deliver(services, client, subscription, now)
        except Exception:
            # One broken subscription must not stop the others; the next sweep tries it again.
            log.exception(
                "digest for subscription %s (team %s) failed", subscription.id, subscription.team_id
            )
    return sent


def deliver(services: Services, client: WebClient, subscription: DueSubscription, now: datetime) -> int:
    """Claim, compose and post one subscription's digest for this week; 1 if this call posted it."""
    schedule = Schedule.stored(subscription.weekday, subscription.time_of_day, subscription.timezone)
    week = schedule.week_key(schedule.latest(now))
    db = services.db
    with db.workspace(subscription.team_id, subscription.enterprise_id) as session:
        claim = digests.claim_week(
            session,
            subscription_id=subscription.id,
            week_key=week,
            worker=WORKER,
            now=now,
            stale_after=CLAIM_TIMEOUT,
        )
        if claim is None:
            # Someone else has this week; once it is settled, look again next week.
            if digests.week_finished(session, subscription.id, week):
                digests.set_next_due(session, subscription.id, schedule.next_after(now))
            return 0
    if claim.message_ts is not None:
        log.warning(
            "digest %s for %s was posted (ts %s) by a process that stopped before finishing; "
            "not posting it again, its thread may be incomplete",
            week,
            subscription.channel_id,
            claim.message_ts,
        )
        _settle(services, subscription, claim.delivery_id, schedule.next_after(now), now, "recovered")
        return 0

    with db.workspace(subscription.team_id, subscription.enterprise_id) as session:
        digest = digest_for(
            session,
            now=now,
            tz=schedule.tz,
            party_ids=subscription.party_ids,
            name_of=display_names(services, subscription.team_id),
        )

    def remember(ts: str) -> None:
        with db.workspace(subscription.team_id, subscription.enterprise_id) as session:
            digests.record_posted(session, claim.delivery_id, ts)

    try:
        _ts, problem = post_digest(
            client,
            subscription.channel_id,
            digest,
            marker=f"{subscription.id}:{week}",
            check_first=claim.resumed,
            on_main_posted=remember,
        )
    except SlackApiError as error:
        _failed(services, subscription, claim.delivery_id, schedule, now, str(error.response.get("error")))
        return 0
    except OSError as error:  # the network
        _failed(services, subscription, claim.delivery_id, schedule, now, type(error).__name__)
        return 0
    _settle(services, subscription, claim.delivery_id, schedule.next_after(now), now, problem)
    log.info("digest %s posted to %s (team %s)", week, subscription.channel_id, subscription.team_id)
    return 1


def _settle(
    services: Services,
    subscription: DueSubscription,
    delivery_id: int,
    next_due: datetime,
    now: datetime,
    problem: str | None,
) -> None:
    with services.db.workspace(subscription.team_id, subscription.enterprise_id) as session:
        digests.mark_sent(session, delivery_id, now, problem)
        digests.set_next_due(session, subscription.id, next_due)


def _failed(
    services: Services,
    subscription: DueSubscription,
    delivery_id: int,
    schedule: Schedule,
    now: datetime,
    code: str,
) -> None:
    permanent = code in PERMANENT_ERRORS
    with services.db.workspace(subscription.team_id, subscription.enterprise_id) as session:
        digests.mark_failed(session, delivery_id, code, retry=not permanent)
        digests.set_next_due(
            session, subscription.id, schedule.next_after(now) if permanent else now + RETRY_DELAY
        )
    if not permanent:
        log.warning(
            "digest for %s failed (%s); trying again in %s", subscription.channel_id, code, RETRY_DELAY
        )
        return
    log.error("digest for %s cannot be posted this week: %s", subscription.channel_id, code)
    _tell_subscriber(services.client, subscription, code)


def _tell_subscriber(client: WebClient, subscription: DueSubscription, code: str) -> None:
    why = (
        "I'm not in that channel. Invite me with `/invite @brm-bot` there"
        if code in NOT_IN_CHANNEL
        else f"Slack answered `{code}`"
    )
    try:
        client.chat_postMessage(
            channel=subscription.created_by,
            text=(
                f":warning: I couldn't post this week's BRM digest to <#{subscription.channel_id}>: {why}. "
                "I'll try again at the next scheduled time; `/brm digest off` in that channel stops it."
            ),
        )
    except SlackApiError as error:
        log.error(
            "could not tell %s that the digest failed: %s",
            subscription.created_by,
            error.response.get("error"),
        )
