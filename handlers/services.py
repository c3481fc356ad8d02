"""What listeners and jobs need, built once per process and handed to listeners through Bolt's context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.clock import Clock, SystemClock
from handlers.directory import UserDirectory
from handlers.slack_client import make_web_client
from runtime.queue import JobQueue
from storage.db import Database

if TYPE_CHECKING:
    from settings import Settings


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    directory: UserDirectory
    client: WebClient  # the bot's own client, for work not started by a request (jobs, the scheduler)
    jobs: JobQueue  # where the work after an ack goes: committed before the ack (runtime/)

    def __deepcopy__(self, memo: dict) -> Services:
        # Should anything deep-copy a context, the services are shared, never copied.
        return self


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
        jobs=JobQueue(db, clock),
    )


def team_of(context: BoltContext) -> str:
    """The workspace a request's records belong to: the Slack workspace, or for an org-wide install
    on Enterprise Grid (GovSlack is one) the whole organisation. In an org-wide install a request names
    the workspace it came from, or none at all (events authorised at the org level carry no team), so
    the organisation's id stands in: the BRMs of every workspace in the org then share one set of
    parties, issues and digests, as one CIO's office does.

    Read from the request each time, not stored in the context: a job rebuilds the context from the
    request's fields (handlers/after_ack.py)."""
    if context.is_enterprise_install and context.enterprise_id:
        return context.enterprise_id
    return str(context.team_id or "")


def services_of(context: dict) -> Services:
    return context["services"]
