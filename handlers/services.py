"""What listeners and jobs need, built once per process and handed to listeners through Bolt's context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_sdk import WebClient

from bot.clock import Clock, SystemClock
from handlers.directory import UserDirectory
from handlers.slack_client import make_web_client
from storage.db import Database

if TYPE_CHECKING:
    from handlers.work import Work
    from settings import Settings


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    directory: UserDirectory
    client: WebClient  # the bot's own client, for work not started by a request (jobs, the scheduler)
    work: Work | None = None  # where the work after an ack runs (None inside the worker itself)

    def __deepcopy__(self, memo: dict) -> Services:
        # Bolt deep-copies the context for lazy listeners; the services are shared, never copied.
        return self


def build_services(
    settings: Settings,
    *,
    clock: Clock | None = None,
    db: Database | None = None,
    work: Work | None = None,
) -> Services:
    client = make_web_client(settings.slack_api_url, settings.bot_token)
    services = Services(
        settings=settings,
        db=db or Database.from_url(settings.database_url),
        clock=clock or SystemClock(),
        directory=UserDirectory(client),
        client=client,
        work=work,
    )
    if work is not None:
        work.bind(services)
    return services


def services_of(context: dict) -> Services:
    return context["services"]
