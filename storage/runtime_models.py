"""The tables the runtime keeps for itself: Slack's pace per channel, shared by every sender process,
and the worker processes' heartbeats.

Kept beside storage/models.py so that the shared models module stays small;
storage/migrations/env.py imports both.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class SlackPace(SQLModel, table=True):
    """When a channel may next get a message: Slack's one a second per channel, shared by every
    sender process through the database (storage/slack_pace.py)."""

    __tablename__ = "slack_pace"

    channel_key: str = Field(primary_key=True, max_length=96)  # "team:channel"
    next_at: datetime
    holder: str = Field(max_length=128)  # the process that took the last slot


class WorkerHeartbeat(SQLModel, table=True):
    """A worker process saying every few seconds that it runs, and whether its scheduler does."""

    __tablename__ = "worker_heartbeat"

    worker: str = Field(primary_key=True, max_length=128)
    scheduler_running: bool = Field(default=False)
    beat_at: datetime
