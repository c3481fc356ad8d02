"""What listeners need, built once in app.py and handed to each listener through Bolt's context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_sdk import WebClient

from bot.clock import Clock
from handlers.directory import UserDirectory
from storage.db import Database

if TYPE_CHECKING:
    from settings import Settings


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    directory: UserDirectory
    client: WebClient  # the bot's own client, for work not started by a request (the scheduler)

    def __deepcopy__(self, memo: dict) -> Services:
        # Bolt deep-copies the context for lazy listeners; the services are shared, never copied.
        return self


def services_of(context: dict) -> Services:
    return context["services"]
