"""Slack's pace per channel, shared by every sender process through the database.

Slack takes about one chat.postMessage a second per channel. One process can keep to that alone,
but two or three workers draining a backlog each kept their own pace and together set off
Slack's limit (thousands of 429s while draining 10,000 nudges). Now a sender takes the channel's
next slot here before it posts: one guarded upsert, "the channel is free if its next slot has
come; then the next one is a second from now". A sender that finds the channel taken is told when
it is free and posts to other channels meanwhile. The rows are shared by every workspace, like the
scheduler's sweeps: these functions take a `Database.system()` session.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.models import SlackPace


def channel_key(team_id: str, channel_id: str) -> str:
    return f"{team_id}:{channel_id}"


def take_slot(session: Session, key: str, *, now: datetime, interval: timedelta) -> datetime | None:
    """Take the channel's slot for a message now: None when taken (post), else when it is free."""
    table = SlackPace.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    taken = (
        dialect.insert(table)
        .values(channel_key=key, next_at=now + interval)
        .on_conflict_do_update(
            index_elements=[table.c.channel_key],
            set_={"next_at": now + interval},
            where=table.c.next_at <= now,
        )
        .returning(table.c.channel_key)
    )
    if session.execute(taken).first() is not None:
        session.commit()
        return None
    free_at = session.execute(select(table.c.next_at).where(table.c.channel_key == key)).scalar_one()
    session.commit()
    return max(free_at, now)
