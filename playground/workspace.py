"""What the stand-in Slack knows: the people, the channels, the messages and the open views.

One `Workspace` per playground, shared by the stand-in's Web API (the bot's calls), the Slack side
(what the person on the page does) and the page, which polls `snapshot()`. Messages and views are kept
in Slack's own shapes, so what the app sends is what the page renders.
"""

from __future__ import annotations

import copy
import itertools
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from playground.clock import PlaygroundClock

TEAM_ID = "T0PLAYGRND"
TEAM_NAME = "State IT (playground)"
TEAM_DOMAIN = "state-it-playground"
BOT_USER_ID = "U0BRMBOT"
BOT_ID = "B0BRMBOT"
APP_ID = "A0BRMPLAY"
YOU = "U0ALEX"  # the person using the page
TIMEZONE = "America/New_York"

# (id, handle, real name, title); the first is the person on the page.
PEOPLE = (
    (YOU, "alex", "Alex Rivera", "Business Relationship Manager"),
    ("U0PRIYA", "priya", "Priya Shah", "Business Relationship Manager"),
    ("U0MARCUS", "marcus", "Marcus Webb", "Deputy CIO"),
    ("U0DANA", "dana", "Dana Okafor", "Vendor Manager"),
)
# (id, name, topic); channel messages are seen by everyone, DMs are the bot's with one person.
CHANNELS = (
    ("C0BRMTEAM", "brm-team", "Where the BRMs work and the weekly digest lands"),
    ("C0AGENCIES", "agency-partners", "Talking with agencies, vendors and partners"),
)
DM_PREFIX = "D0"


@dataclass
class Message:
    """One message in Slack's shape, plus what Slack keeps beside it."""

    channel: str
    body: dict[str, Any]  # Slack's message object (type, user, text, ts, blocks, metadata, ...)
    ephemeral_to: str | None = None  # shown only to this person ("Only visible to you")
    reactions: dict[str, list[str]] = field(default_factory=dict)  # name -> people, in order

    @property
    def ts(self) -> str:
        return self.body["ts"]


@dataclass
class ResponseUrl:
    """Where a response_url posts: the channel and person of the request, and the message acted on."""

    channel: str
    user: str
    message_ts: str | None = None  # a button's message, which replace_original/delete_original change


class Workspace:
    """The stand-in Slack's state, behind one lock (the app calls from many threads)."""

    def __init__(self, clock: PlaygroundClock) -> None:
        self.clock = clock
        self.cond = threading.Condition(threading.RLock())
        self.version = 0  # grows with every change, so the page knows when to redraw
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.messages: dict[tuple[str, str], Message] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.modal_stack: list[str] = []  # the person's open modals, the top one last
        self.home_view: str | None = None
        self.problems: list[str] = []  # what the page must show as errors (Block Kit it cannot draw, ...)
        self.response_urls: dict[str, ResponseUrl] = {}
        self.triggers: dict[str, str] = {}  # unused trigger id -> the person it was issued to
        self._last_ts_micros = 0
        self._view_numbers = itertools.count(1)
        for user_id, handle, real_name, title in PEOPLE:
            self.users[user_id] = person(user_id, handle, real_name, title)
        self.users[BOT_USER_ID] = person(BOT_USER_ID, "brm-bot", "BRM Bot", "", is_bot=True)
        for channel_id, name, topic in CHANNELS:
            self.channels[channel_id] = channel(channel_id, name, topic)
        self.channels[dm_of(YOU)] = {**channel(dm_of(YOU), "", ""), "is_im": True, "is_channel": False}

    # ------------------------------------------------------------------ changes (lock held by caller)

    def changed(self) -> None:
        self.version += 1
        self.cond.notify_all()

    def new_ts(self) -> str:
        """A message ts from the playground's clock, always later than the one before."""
        micros = int(self.clock.now().timestamp() * 1_000_000)
        self._last_ts_micros = max(micros, self._last_ts_micros + 1)
        return f"{self._last_ts_micros // 1_000_000}.{self._last_ts_micros % 1_000_000:06d}"

    def new_view_id(self) -> str:
        return f"V0PLAY{next(self._view_numbers):05d}"

    def new_trigger(self, user: str) -> str:
        trigger_id = f"{secrets.randbelow(10**10)}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"
        self.triggers[trigger_id] = user
        return trigger_id

    def post(self, channel_id: str, body: dict[str, Any], *, ephemeral_to: str | None = None) -> Message:
        body = {"type": "message", "ts": self.new_ts(), "team": TEAM_ID, **body}
        message = Message(channel_id, body, ephemeral_to)
        self.messages[(channel_id, message.ts)] = message
        self.changed()
        return message

    def problem(self, text: str) -> None:
        self.problems.append(text)
        self.changed()

    # ------------------------------------------------------------------ reading

    def message(self, channel_id: str, ts: str) -> Message | None:
        return self.messages.get((channel_id, ts))

    def channel_id_for(self, raw: str) -> str:
        """A channel id as Slack reads `channel`: a person's id means the bot's DM with them."""
        return dm_of(raw) if raw[:1] in ("U", "W") else raw

    def public_message(self, message: Message) -> dict[str, Any]:
        """The message as Slack hands it to apps, with its reactions."""
        body = copy.deepcopy(message.body)
        if message.reactions:
            body["reactions"] = [
                {"name": name, "users": list(users), "count": len(users)}
                for name, users in message.reactions.items()
                if users
            ]
        return body

    def snapshot(self) -> dict[str, Any]:
        """Everything the page draws, as JSON."""
        with self.cond:
            shown = sorted(
                (m for m in self.messages.values() if m.ephemeral_to in (None, YOU)),
                key=lambda m: float(m.ts),
            )
            return {
                "version": self.version,
                "now": self.clock.now().isoformat(),
                "timezone": TIMEZONE,
                "you": YOU,
                "bot": BOT_USER_ID,
                "team": TEAM_NAME,
                "users": {uid: _who(user) for uid, user in self.users.items()},
                "channels": [_channel_summary(c) for c in self.channels.values()],
                "messages": [
                    {**self.public_message(m), "channel": m.channel, "ephemeral": m.ephemeral_to is not None}
                    for m in shown
                ],
                "modal": copy.deepcopy(self.views[self.modal_stack[-1]]) if self.modal_stack else None,
                "home": copy.deepcopy(self.views[self.home_view]) if self.home_view else None,
                "problems": list(self.problems),
            }


def dm_of(user_id: str) -> str:
    return DM_PREFIX + user_id[2:] if user_id.startswith("U0") else DM_PREFIX + user_id


def person(user_id: str, handle: str, real_name: str, title: str, *, is_bot: bool = False) -> dict[str, Any]:
    """A user object as users.info answers it."""
    return {
        "id": user_id,
        "team_id": TEAM_ID,
        "name": handle,
        "deleted": False,
        "real_name": real_name,
        "tz": TIMEZONE,
        "tz_label": "Eastern Standard Time",
        "tz_offset": -18000,
        "is_bot": is_bot,
        "is_admin": user_id == YOU,
        "is_owner": user_id == YOU,
        "is_app_user": False,
        "updated": 1_700_000_000,
        "profile": {
            "title": title,
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": handle,
            "display_name_normalized": handle,
            "team": TEAM_ID,
            **({"bot_id": BOT_ID} if is_bot else {}),
        },
    }


def channel(channel_id: str, name: str, topic: str) -> dict[str, Any]:
    """A conversation object as conversations.info answers it."""
    return {
        "id": channel_id,
        "name": name,
        "is_channel": True,
        "is_im": False,
        "is_private": False,
        "is_archived": False,
        "is_member": True,
        "is_ext_shared": False,
        "context_team_id": TEAM_ID,
        "topic": {"value": topic},
        "created": 1_700_000_000,
    }


def _who(user: dict[str, Any]) -> dict[str, Any]:
    return {"name": user["real_name"], "handle": user["name"], "is_bot": user["is_bot"]}


def _channel_summary(conversation: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": conversation["id"],
        "name": conversation["name"],
        "is_im": conversation["is_im"],
        "topic": conversation["topic"]["value"],
    }
