"""Slack's pace per channel, shared by every sender process through the database.

Slack takes about one chat.postMessage a second per channel. One process can keep to that alone,
but two or three workers draining a backlog each kept their own pace and together set off
Slack's limit (thousands of 429s while draining 10,000 nudges). Now a sender takes the channel's
next slot here before it posts: one guarded upsert, "the channel is free if its next slot has
come; then the next one is a second from now". A sender that finds the channel taken is told when
it is free and posts to other channels meanwhile. Another process's post may reach Slack a little
later after its slot than this one's would (a busy machine, a slow connection), so a process whose
channel was last taken by another one leaves `margin` more. The rows are shared by every workspace, like the
scheduler's sweeps: these functions take a `Database.system()` session.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.runtime_models import SlackPace


def channel_key(team_id: str, channel_id: str) -> str:
    return f"{team_id}:{channel_id}"


def take_slot(
    session: Session, key: str, *, holder: str, now: datetime, interval: timedelta, margin: timedelta
) -> datetime | None:
    """Take the channel's slot for a message now for `holder` (a process): None when taken (post),
    else when it is free."""
    table = SlackPace.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    free = or_(
        and_(table.c.holder == holder, table.c.next_at <= now),
        table.c.next_at <= now - margin,
    )
    taken = (
        dialect.insert(table)
        .values(channel_key=key, next_at=now + interval, holder=holder)
        .on_conflict_do_update(
            index_elements=[table.c.channel_key],
            set_={"next_at": now + interval, "holder": holder},
            where=free,
        )
        .returning(table.c.channel_key)
    )
    if session.execute(taken).first() is not None:
        session.commit()
        return None
    row = session.execute(select(table.c.next_at, table.c.holder).where(table.c.channel_key == key)).one()
    session.commit()
    return max(row.next_at if row.holder == holder else row.next_at + margin, now)
