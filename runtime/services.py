"""What listeners and jobs need, built once per process (`runtime/build.py`) and handed to listeners
through Bolt's context (`handlers/context.py`) and to jobs by the worker."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.clock import Clock
from runtime.queue import JobQueue
from settings import Settings
from slack_api.directory import UserDirectory
from storage.db import Database


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
