"""Building a process's `Services` from its settings: the Slack client, the database, the clock, and
the job queue that knows every registered kind of job."""

from __future__ import annotations

from bot.clock import Clock, SystemClock
from runtime.kinds import KINDS
from runtime.queue import JobQueue
from runtime.services import Services
from settings import Settings
from slack_api.client import make_web_client
from slack_api.directory import UserDirectory
from storage.db import Database


def build_services(
    settings: Settings,
    *,
    clock: Clock | None = None,
    db: Database | None = None,
) -> Services:
    client = make_web_client(settings.slack_api_url, settings.bot_token)
    clock = clock or SystemClock()
    db = db or Database.from_url(settings.database_url)
    db.clock = clock  # one clock: rows are stamped with the time the app reads everywhere else
    return Services(
        settings=settings,
        db=db,
        clock=clock,
        directory=UserDirectory(client),
        client=client,
        jobs=JobQueue(db, clock, KINDS),
    )
