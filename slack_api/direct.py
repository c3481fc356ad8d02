"""Telling one person something only they see, wherever they are.

First through the `response_url` Slack gave with the request (an ephemeral message in that channel,
which works even where the bot is not a member, for 30 minutes), else in a direct message from the
bot. When neither works the message is logged in full, so nothing is lost silently. Given a job's
client (slack_api/job_client.py), both ways are counted as the job's posts: a second run of the job
does not tell the person again.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from slack_api.failures import SLACK_FAILURES, failure_code
from slack_api.job_client import PostsOnce, unwrapped

log = logging.getLogger(__name__)


def tell_directly(
    client: WebClient,
    *,
    user_id: str,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
    response_url: str | None = None,
    dm_fallback: bool = True,
) -> bool:
    """Show `text` (and `blocks`) to `user_id` alone; True when it reached them.

    `dm_fallback=False` is for notes not worth a DM when the response_url no longer works.
    """
    bot_client, job = unwrapped(client)
    if response_url and _respond_once(job, response_url, text, blocks):
        return True
    if not dm_fallback:
        log.info("not telling %s by DM", user_id)
        log.debug("not telling %s by DM: %s", user_id, text)
        return False
    try:
        channel = bot_client.conversations_open(users=user_id)["channel"]["id"]
        client.chat_postMessage(channel=channel, text=text, blocks=blocks)
        return True
    except SLACK_FAILURES as problem:
        log.error(
            "could not tell %s directly (%s); the message was: %s", user_id, failure_code(problem), text
        )
        return False


def _respond_once(
    job: PostsOnce | None, response_url: str, text: str, blocks: list[dict[str, Any]] | None
) -> bool:
    if job is None:
        return _respond(response_url, text, blocks)
    reached = job.post_once(lambda: _respond(response_url, text, blocks))
    return reached is None or reached  # None: an earlier run of the job made this post


def _respond(response_url: str, text: str, blocks: list[dict[str, Any]] | None) -> bool:
    try:
        answer = WebhookClient(response_url, timeout=10).send(
            text=text, blocks=blocks, response_type="ephemeral", replace_original=False
        )
    except Exception as problem:  # a network failure here only means: try the DM instead
        log.warning("response_url failed (%s); sending a DM instead", type(problem).__name__)
        return False
    if answer.status_code != 200:
        # Expired (after 30 minutes or 5 uses) or refused: a DM still reaches the person.
        log.info("response_url answered %s; sending a DM instead", answer.status_code)
        return False
    return True
