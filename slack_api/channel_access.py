"""Whether the bot is in a channel, asked of Slack (`conversations.info`), to warn people in time.

Posting where the bot is not a member fails later and out of sight (a digest, an escalated nudge), so
the commands that name a channel check it at once and say how to fix it.
"""

from __future__ import annotations

import logging
from typing import Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slack_api.failures import SlackError

log = logging.getLogger(__name__)

INVITE = "Invite me with `/invite @brm-bot`"

Access = Literal["member", "not_member", "not_found"]


def bot_access(client: WebClient, channel_id: str) -> Access | None:
    """ "member", "not_member" or "not_found"; None when Slack will not say."""
    try:
        channel = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as error:
        if error.response.get("error") == SlackError.CHANNEL_NOT_FOUND:
            return "not_found"
        log.info("conversations.info for %s failed: %s", channel_id, error.response.get("error"))
        return None
    if channel.get("is_im") or channel.get("is_member", True):
        return "member"
    return "not_member"
