"""People's Slack profiles, read with `users.info` and cached: mostly for their timezone, also for
the workspace and organisation they belong to."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import InputError

log = logging.getLogger(__name__)

FALLBACK_TZ = ZoneInfo("UTC")
MAX_PEOPLE = 10  # looked up at once: each new one is a users.info call, and a form must open in 3 s


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str
    tz: ZoneInfo
    is_bot: bool = False
    deactivated: bool = False
    # Where they belong (None when Slack did not say): their workspace, and their Enterprise Grid org.
    team_id: str | None = None
    enterprise_id: str | None = None

    @property
    def cannot_own(self) -> str | None:
        """Why this account cannot own an issue or a party ("a bot", "a deactivated account"), or None:
        an owner is someone who can act on a nudge."""
        if self.is_bot:
            return "a bot"
        if self.deactivated:
            return "a deactivated account"
        return None


class UserDirectory:
    """Looks people up once an hour at most; a failed lookup falls back to UTC and says so in the log."""

    def __init__(self, client: WebClient, ttl_seconds: float = 3600.0) -> None:
        self._client = client
        self._ttl = ttl_seconds
        self._cache: dict[tuple[str, str], tuple[float, Person]] = {}
        self._lock = threading.Lock()

    def person(self, team_id: str, user_id: str, client: WebClient | None = None) -> Person:
        key = (team_id, user_id)
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        person = self._look_up(user_id, client or self._client)
        with self._lock:
            self._cache[key] = (now + self._ttl, person)
        return person

    def people(self, team_id: str, user_ids: Iterable[str], client: WebClient | None = None) -> list[Person]:
        """The first MAX_PEOPLE of these people, each once (the rest read as their user ids)."""
        wanted = list(dict.fromkeys(user_ids))[:MAX_PEOPLE]
        return [self.person(team_id, user_id, client) for user_id in wanted]

    def timezone(self, team_id: str, user_id: str, client: WebClient | None = None) -> ZoneInfo:
        return self.person(team_id, user_id, client).tz

    def owner(
        self,
        team_id: str,
        user_id: str,
        client: WebClient | None = None,
        *,
        owns: str,
        instead: str,
        example: str | None = None,
    ) -> Person:
        """The person about to own `owns` ("an issue", "a party"); InputError, saying `instead` what
        to do, for a bot or a deactivated account, which could never act on a nudge."""
        person = self.person(team_id, user_id, client)
        if person.cannot_own:
            raise InputError(
                f"<@{user_id}> is {person.cannot_own}, so it cannot own {owns}. {instead}", example=example
            )
        return person

    def forget(self, team_id: str, user_id: str) -> None:
        """Drop a cached profile (Slack tells us with `user_change` when someone moves timezone)."""
        with self._lock:
            self._cache.pop((team_id, user_id), None)

    def _look_up(self, user_id: str, client: WebClient) -> Person:
        try:
            user = client.users_info(user=user_id)["user"]
        except SlackApiError as error:
            log.warning(
                "users.info failed for %s (%s); reading their dates in UTC",
                user_id,
                error.response.get("error"),
            )
            return Person(user_id=user_id, name=user_id, tz=FALLBACK_TZ)
        try:
            tz = ZoneInfo(user.get("tz") or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("unknown timezone %r for %s; using UTC", user.get("tz"), user_id)
            tz = FALLBACK_TZ
        profile = user.get("profile") or {}
        name = profile.get("display_name") or user.get("real_name") or user.get("name") or user_id
        return Person(
            user_id=user_id,
            name=name,
            tz=tz,
            is_bot=bool(user.get("is_bot")) or user_id == "USLACKBOT",
            deactivated=bool(user.get("deleted")),
            team_id=user.get("team_id") or None,
            enterprise_id=(user.get("enterprise_user") or {}).get("enterprise_id") or None,
        )
