"""Finding people and channels in Slack by what an admin writes in a CSV: an e-mail, a channel name.

People by e-mail through `users.lookupByEmail` (scope users:read.email), one call per address;
channels by name through `conversations.list` (public and private channels the bot can see), read
once. Each answer is kept, so a file naming one owner on 150 rows asks Slack once.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

CHANNEL_PAGE = 200


class LookupFailed(Exception):
    """Slack could not be asked (not a "no such person"): the message says why, for the operator."""


@dataclass(frozen=True)
class Found:
    """What an e-mail or a name resolved to: the id, or why there is none."""

    id: str | None
    problem: str | None = None
    is_bot: bool = False


class SlackLookup:
    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._people: dict[str, Found] = {}
        self._channels: dict[str, str] | None = None

    def person(self, email: str) -> Found:
        """The Slack user with this e-mail; `problem` says why they cannot own anything."""
        key = email.strip().lower()
        if key not in self._people:
            self._people[key] = self._look_up_person(key)
        return self._people[key]

    def _look_up_person(self, email: str) -> Found:
        try:
            user = self._client.users_lookupByEmail(email=email)["user"]
        except SlackApiError as problem:
            code = problem.response.get("error")
            if code == "users_not_found":
                return Found(None, f"no one in this Slack workspace has the e-mail {email}")
            raise LookupFailed(f"users.lookupByEmail failed ({code})") from None
        except OSError as problem:
            raise LookupFailed(f"Slack could not be reached ({type(problem).__name__})") from None
        if user.get("deleted"):
            return Found(user["id"], f"{email} is a deactivated account")
        if user.get("is_bot"):
            return Found(user["id"], f"{email} is a bot", is_bot=True)
        return Found(user["id"])

    def channel(self, name: str) -> Found:
        """The channel of this name ("#dmv-team" or "dmv-team"), or a channel id as it is."""
        wanted = name.strip().lstrip("#").lower()
        if self._channels is None:
            self._channels = self._all_channels()
        if wanted.upper() in self._channels.values():
            return Found(wanted.upper())
        found = self._channels.get(wanted)
        if found is None:
            return Found(
                None,
                f"the bot sees no channel named #{wanted} (a private channel: invite the bot to it first)",
            )
        return Found(found)

    def _all_channels(self) -> dict[str, str]:
        channels: dict[str, str] = {}
        cursor = None
        try:
            while True:
                page = self._client.conversations_list(
                    types="public_channel,private_channel",
                    exclude_archived=True,
                    limit=CHANNEL_PAGE,
                    cursor=cursor,
                )
                for channel in page.get("channels", []):
                    channels[str(channel["name"]).lower()] = channel["id"]
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    return channels
        except SlackApiError as problem:
            raise LookupFailed(f"conversations.list failed ({problem.response.get('error')})") from None
        except OSError as problem:
            raise LookupFailed(f"Slack could not be reached ({type(problem).__name__})") from None
