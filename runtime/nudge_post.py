"""Posting one nudge to Slack, and what came of it: posted, rate limited, unsure whether it reached
Slack, or refused. A nudge refused by its channel (the bot is not in it, it is gone or archived) goes
to its owner's DM instead. Every post carries message metadata naming the nudge, so that an attempt
which may have reached Slack is found in the channel's history before the nudge is posted again.

The sender (runtime/nudge_sender.py) decides what each outcome means for the nudge's row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slack_api.failures import CANNOT_POST_THERE, SLACK_FAILURES
from storage.models import Nudge

log = logging.getLogger(__name__)

HISTORY_DEPTH = 999  # messages looked through for an earlier attempt (Slack's page maximum)
METADATA_EVENT = "brm_nudge"


@dataclass(frozen=True)
class Posted:
    channel_id: str
    ts: str
    note: str | None = None  # e.g. why it went to the DM instead


@dataclass(frozen=True)
class RateLimited:
    retry_after: int
    channel_key: str


@dataclass(frozen=True)
class Unsure:
    """The post may or may not have reached Slack."""

    error: str


@dataclass(frozen=True)
class Refused:
    error: str


Outcome = Posted | RateLimited | Unsure | Refused


class NudgePoster:
    """Posts nudges with one client (the sender's, which does no retries of its own)."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post(self, nudge: Nudge, text: str, blocks: list[dict[str, Any]]) -> Outcome:
        target = nudge.target_channel_id
        outcome = self.post_to(target or nudge.owner_id, nudge, text, blocks)
        if (
            isinstance(outcome, Refused)
            and outcome.error in CANNOT_POST_THERE
            and target is not None
            and nudge.escalated_to is None
        ):
            fallback = self.post_to(nudge.owner_id, nudge, text, blocks)
            if isinstance(fallback, Posted):
                return Posted(fallback.channel_id, fallback.ts, note=f"sent by DM: {target} {outcome.error}")
            return fallback
        return outcome

    def post_to(self, channel: str, nudge: Nudge, text: str, blocks: list[dict[str, Any]]) -> Outcome:
        try:
            answer = self.client.chat_postMessage(
                channel=channel,
                text=text,
                blocks=blocks,
                metadata={"event_type": METADATA_EVENT, "event_payload": {"nudge_id": nudge.id}},
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as failure:
            status = failure.response.status_code
            error = str(failure.response.get("error") or f"HTTP {status}")
            if status == 429:
                return RateLimited(retry_after_seconds(failure.response.headers), channel)
            if status >= 500:
                return Unsure(f"HTTP {status} {error}")
            return Refused(error)
        except OSError as failure:  # the network: refused, reset, timed out
            return Unsure(f"{type(failure).__name__}: {failure}")
        return Posted(str(answer["channel"]), str(answer["ts"]))

    def find_earlier_post(self, nudge: Nudge) -> Posted | None:
        """The message an earlier attempt posted, if it reached Slack; None to post (again).

        When the history cannot be read the nudge is posted: a possible duplicate is kinder than a
        lost reminder, and the log says so.
        """
        channels = [c for c in (nudge.target_channel_id, self.dm_channel(nudge.owner_id)) if c]
        for channel in channels:
            try:
                page = self.client.conversations_history(
                    channel=channel, limit=HISTORY_DEPTH, include_all_metadata=True
                )
            except SLACK_FAILURES as failure:
                log.warning(
                    "nudge %s: could not look in %s for an earlier post (%s)", nudge.id, channel, failure
                )
                continue
            for message in page.get("messages") or []:
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if metadata.get("event_type") == METADATA_EVENT and payload.get("nudge_id") == nudge.id:
                    log.info("nudge %s had reached Slack before (%s %s)", nudge.id, channel, message["ts"])
                    return Posted(channel, str(message["ts"]), note="found after an interrupted attempt")
        return None

    def dm_channel(self, user_id: str) -> str | None:
        try:
            return str(self.client.conversations_open(users=user_id)["channel"]["id"])
        except SLACK_FAILURES:
            return None

    # ------------------------------------------------------------------ recording the outcome


def retry_after_seconds(headers: Any) -> int:
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            try:
                return max(1, int(float(value if isinstance(value, str) else value[0])))
            except (TypeError, ValueError, IndexError):
                break
    return 1
