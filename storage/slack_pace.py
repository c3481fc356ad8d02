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

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.runtime_models import SlackPace

_PACE = SlackPace.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Pace:
    """How a sender process keeps to Slack's pace: slots `interval` apart, taken as `holder`, and
    `margin` more after another holder's slot."""

    holder: str
    interval: timedelta
    margin: timedelta


def channel_key(team_id: str, channel_id: str) -> str:
    return f"{team_id}:{channel_id}"


def _take(dialect: Any) -> Any:
    # Built once per dialect, with bound parameters: a sender takes a slot for every post.
    taking = dialect.insert(_PACE)
    free = or_(
        and_(_PACE.c.holder == taking.excluded.holder, _PACE.c.next_at <= bindparam("b_now")),
        _PACE.c.next_at <= bindparam("b_free_before"),
    )
    return taking.on_conflict_do_update(
        index_elements=[_PACE.c.channel_key],
        set_={"next_at": taking.excluded.next_at, "holder": taking.excluded.holder},
        where=free,
    ).returning(_PACE.c.channel_key)


_TAKE = {"postgresql": _take(postgresql), "sqlite": _take(sqlite)}
_READ = select(_PACE.c.next_at, _PACE.c.holder).where(_PACE.c.channel_key == bindparam("b_key"))
_KEEP = (
    update(_PACE)
    .where(
        _PACE.c.channel_key == bindparam("b_key"),
        _PACE.c.holder == bindparam("b_holder"),
        _PACE.c.next_at < bindparam("b_next_at"),
    )
    .values(next_at=bindparam("b_next_at"))
)


def take_slot(
    session: Session,
    key: str,
    *,
    holder: str,
    now: datetime,
    interval: timedelta,
    margin: timedelta,
    commit: bool = True,
) -> datetime | None:
    """Take the channel's slot for a message now for `holder` (a process): None when taken (post),
    else when it is free. `commit` False: within the caller's transaction (the nudge claim's)."""
    connection = session.connection()
    taken = _TAKE["postgresql" if connection.dialect.name == "postgresql" else "sqlite"]
    values = {
        "channel_key": key,
        "next_at": now + interval,
        "holder": holder,
        "b_now": now,
        "b_free_before": now - margin,
    }
    if connection.execute(taken, values).first() is not None:
        if commit:
            session.commit()
        return None
    row = connection.execute(_READ, {"b_key": key}).one()
    if commit:
        session.commit()
    return max(row.next_at if row.holder == holder else row.next_at + margin, now)


def keep_until(session: Session, key: str, *, holder: str, next_at: datetime) -> bool:
    """Keep `holder`'s slot of the channel until `next_at`, unless another process has taken the
    channel since (then False); committed before returning.

    A slot is taken when a nudge is claimed, and Slack counts the second from when the post arrives.
    On a busy machine a post can leave, or arrive, well after its slot; the next process's post, a
    slot (and `margin`) later, then reached Slack less than a second after it and drew a 429. The
    sender keeps the slot until a second after such a post leaves, and after it is answered."""
    result = session.connection().execute(_KEEP, {"b_key": key, "b_holder": holder, "b_next_at": next_at})
    session.commit()
    return bool(result.rowcount)
