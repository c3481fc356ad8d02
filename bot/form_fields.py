"""What a capture form is made of: its fields (`Field`: each input block holds one element whose action
id equals its block id, so a submitted value is always `state.values[field][field]`), where the form
came from (`Source`, carried in the modal's private_metadata) and what it opens with (`Prefill`). Pure."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.dates import ParsedDate
from bot.text import truncate
from storage.models import InteractionKind, Sentiment


class Field(StrEnum):
    """Block ids of the form inputs; each block's element has the same action id."""

    PARTY = "brm_party"  # an external_select: its options come from the options listener
    KIND = "brm_kind"
    WHEN = "brm_when"
    SUMMARY = "brm_summary"
    PEOPLE = "brm_people"
    SENTIMENT = "brm_sentiment"
    TITLE = "brm_title"
    DETAILS = "brm_details"
    SEVERITY = "brm_severity"
    OWNER = "brm_owner"
    FOLLOW_UP = "brm_follow_up"


MAX_PARTY_OPTIONS = 100  # Slack shows at most 100 options in a select
SUMMARY_LIMIT = 3000  # plain_text_input's own maximum
FUTURE_SLACK = timedelta(minutes=5)  # clocks differ a little; "when it happened" may be a moment ahead

SENTIMENT_LABELS = {
    Sentiment.POSITIVE: "🙂 Positive",
    Sentiment.NEUTRAL: "😐 Neutral",
    Sentiment.NEGATIVE: "🙁 Negative",
}


# --- where a form came from ---------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a form was opened from, carried in the modal's private_metadata (at most 3000 characters).

    `tz` is the person's timezone when the form opened, so that the submission can be checked at once
    without asking Slack again. `follow_up` is the moment read from the message (ISO), so that a time of
    day it named ("by 3pm Friday") survives when the person leaves the date picker as it was.
    """

    tz: str = "UTC"
    channel_id: str | None = None
    message_ts: str | None = None
    thread_ts: str | None = None  # the thread the message is in, when it is a reply
    message_user: str | None = None
    response_url: str | None = None  # the shortcut's: ephemeral answers in that channel for 30 minutes
    follow_up: str | None = None

    @property
    def has_message(self) -> bool:
        return bool(self.channel_id and self.message_ts)

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def to_metadata(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None}, separators=(",", ":"))

    @classmethod
    def from_metadata(cls, raw: str | None) -> Source:
        """The source a modal carries; ValueError when the metadata is not ours."""
        try:
            data = json.loads(raw or "{}")
        except ValueError as problem:
            raise ValueError("the form's private_metadata is not JSON") from problem
        if not isinstance(data, dict):
            raise ValueError("the form's private_metadata is not an object")
        known = {k: str(v) for k, v in data.items() if k in cls.__dataclass_fields__ and v is not None}
        return cls(**known)


# --- what a form opens with ------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyChoice:
    """A party picked in the form: an existing one (`party_id`) or a new one to create by `name`."""

    party_id: int | None
    name: str


@dataclass(frozen=True)
class Prefill:
    """The values a form opens with; every one of them can be changed before saving."""

    owner_id: str
    occurred_at: datetime
    party: PartyChoice | None = None
    kind: str = InteractionKind.CHAT
    text: str = ""  # the message as a person reads it
    title: str = ""
    people: tuple[str, ...] = ()
    sentiment: str | None = None
    follow_up: ParsedDate | None = None


def blank_prefill(*, user_id: str, now: datetime) -> Prefill:
    """A form with nothing read from a message (the global shortcut)."""
    return Prefill(owner_id=user_id, occurred_at=now)


def select_option(label: str, value: str) -> dict[str, Any]:
    return {"text": plain_text(truncate(label, 75)), "value": value}


def plain_text(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}
