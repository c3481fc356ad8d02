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

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, case, or_, select, update
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


def claim_order(key: str) -> bytes:
    """The one order in which every process takes or keeps several channels' slots (byte order:
    PostgreSQL's collation "C"), so that no two of them wait on each other's rows."""
    return key.encode()


def _taking(dialect: Any) -> Any:
    """The upsert `take_slots` runs, built once per dialect: a multi-row VALUES built for each
    claim was compiled afresh each time (a few milliseconds of a paced sender's CPU a claim)."""
    taking = dialect.insert(_PACE)
    at = _PACE.c.next_at.type
    free = or_(
        and_(_PACE.c.holder == taking.excluded.holder, _PACE.c.next_at <= bindparam("now", type_=at)),
        _PACE.c.next_at <= bindparam("free_at", type_=at),
    )
    return taking.on_conflict_do_update(
        index_elements=[_PACE.c.channel_key],
        set_={"next_at": taking.excluded.next_at, "holder": taking.excluded.holder},
        where=free,
    ).returning(_PACE.c.channel_key)


_TAKE = {"postgresql": _taking(postgresql), "sqlite": _taking(sqlite)}


def take_slots(
    session: Session, keys: Collection[str], *, pace: Pace, now: datetime, commit: bool = True
) -> set[str]:
    """Take the slots for a message now of those channels (`keys`) that are free for `pace`'s holder,
    in one statement; the keys taken. A channel is free once its next slot has come, or `margin`
    after that when another process holds it. `commit` False: within the caller's transaction (the
    nudge claim's)."""
    if not keys:
        return set()
    connection = session.connection()
    rows = [
        {
            "channel_key": key,
            "next_at": now + pace.interval,
            "holder": pace.holder,
            "now": now,
            "free_at": now - pace.margin,
        }
        # In one order for every process (`claim_order`): PostgreSQL locks the rows in the order given.
        for key in sorted(keys, key=claim_order)
    ]
    taken = connection.execute(_TAKE[connection.dialect.name], rows)
    keys_taken = {row.channel_key for row in taken}
    if commit:
        session.commit()
    return keys_taken


def free_channels(session: Session, *, pace: Pace, now: datetime) -> list[tuple[str, str]]:
    """The channels whose slot `pace`'s holder may take now (the rule `take_slots` takes them by),
    as (team id, channel id): one read of this small table, where finding them among the due nudges
    means reading every due nudge."""
    free = _free(pace.holder, now=now, margin=pace.margin)
    keys = session.connection().execute(select(_PACE.c.channel_key).where(free)).scalars()
    return [(team_id, channel_id) for team_id, _, channel_id in (key.partition(":") for key in keys)]


def _free(holder: Any, *, now: datetime, margin: timedelta) -> Any:
    """A channel is free once its next slot has come for the process that took it, and `margin`
    after that for any other."""
    return or_(and_(_PACE.c.holder == holder, _PACE.c.next_at <= now), _PACE.c.next_at <= now - margin)


def keep_many(session: Session, keys: Collection[str], *, holder: str, next_at: datetime) -> set[str]:
    """Keep `holder`'s slots of the channels `keys` until at least `next_at`, in one statement; the
    keys it still holds (another process took the rest since). Committed before returning.

    A slot is taken when a nudge is claimed, and Slack counts the second from when the post arrives.
    On a busy machine a post can leave, or arrive, well after its slot; the next process's post, a
    slot (and `margin`) later, then reached Slack less than a second after it and drew a 429. The
    sender keeps the slots of its batch until a second after such a post (runtime/nudge_pace.py)."""
    if not keys:
        return set()
    connection = session.connection()
    mine = and_(_PACE.c.channel_key.in_(sorted(keys)), _PACE.c.holder == holder)
    if connection.dialect.name == "postgresql":
        # Rows are locked in the order every claim takes its slots (`claim_order`), by the
        # statement's own subquery: two processes keeping and claiming the same channels never
        # wait on each other, and it costs one round trip.
        mine = _PACE.c.channel_key.in_(
            select(_PACE.c.channel_key)
            .where(mine)
            .order_by(_PACE.c.channel_key.collate("C"))
            .with_for_update()
            .scalar_subquery()
        )
    kept = connection.execute(
        update(_PACE)
        .where(mine)
        .values(next_at=case((_PACE.c.next_at < next_at, next_at), else_=_PACE.c.next_at))
        .returning(_PACE.c.channel_key)
    )
    held = {row.channel_key for row in kept}
    session.commit()
    return held
