"""Claiming due nudges for sending: one guarded UPDATE ... WHERE status = 'pending' (plus FOR UPDATE
SKIP LOCKED on PostgreSQL), so any number of processes share the work and no row is claimed twice;
paced, each nudge with its channel's Slack slot (storage/slack_pace.py), taken in the same transaction.

Like the rest of the sweep's reads and writes, these take the scheduler's unscoped
`Database.system()` session: every id comes from the nudge rows themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, or_, update
from sqlmodel import Session, select

from storage.models import Nudge, NudgeStatus
from storage.runtime_models import SlackPace
from storage.slack_pace import Pace, channel_key, free_channels, take_slots


@dataclass(frozen=True)
class ClaimedNudge:
    """A nudge this process now holds; `recovered` when an earlier claim died or ended unsure."""

    id: int
    team_id: str
    target_channel_id: str | None
    recovered: bool


def claim_due(
    session: Session,
    *,
    now: datetime,
    worker: str,
    limit: int,
    lease: timedelta,
    skip_channels: Collection[str] = (),
    per_channel: int | None = None,
    pace: Pace | None = None,
    free_channels_only: bool = False,
    slot_at: datetime | None = None,
) -> list[ClaimedNudge]:
    """Claim up to `limit` due nudges for `worker`, oldest first; committed before returning.

    Due: pending with `due_at <= now` and no later `next_attempt_at`, or left `sending` by a claim
    older than `lease`. Channels in `skip_channels` are waiting out a rate limit and are left for later.
    `per_channel`: at most that many of the `limit` oldest in any one channel (a sender keeping to
    Slack's pace could post no more before the channel's next slot); DMs are not limited.
    `pace`: a nudge in a channel is claimed only with the channel's slot (storage/slack_pace.py),
    taken in the same transaction; channels whose next slot has not come are left for later.
    `free_channels_only` (with `pace`): only nudges in channels that have had a slot before and whose
    next one has come, and none left by a dead claim: a cheap claim for a sender caught up with its
    channels, which must still claim in full now and then for the rest (DMs, new channels, lost claims).
    `slot_at` (with `pace`): the moment the slots are taken for, if not `now`. A sender that claims a
    little ahead takes the slots that come by then, and posts none of them before it.
    """
    stale = now - lease
    slot_at = slot_at or now
    pending = (
        (Nudge.status == NudgeStatus.PENDING)
        & (Nudge.due_at <= now)
        & or_(Nudge.next_attempt_at.is_(None), Nudge.next_attempt_at <= now)  # type: ignore[union-attr]
    )
    left_by_a_dead_claim = (Nudge.status == NudgeStatus.SENDING) & (Nudge.claimed_at < stale)
    due = or_(pending, left_by_a_dead_claim)
    halves = (left_by_a_dead_claim, pending)
    ids = None
    if pace is not None and free_channels_only:
        halves = (pending,)
        skipped = set(skip_channels)
        channels = [pair for pair in free_channels(session, pace=pace, now=slot_at) if pair[1] not in skipped]
        ids = _oldest_in(session, pending, channels, per_channel or limit) if channels else []
        if not ids:
            session.commit()
            return []
    # One query for each half of `due`, merged oldest first: with the OR in one query the database
    # read and sorted every due row for each claim (a 10,000-nudge backlog: milliseconds a claim);
    # each half alone is read in order from the (status, due_at) index and stops at `limit`.
    rows = sorted(
        (
            row
            for condition in halves
            for row in session.exec(
                _candidates(
                    session,
                    condition,
                    limit,
                    skip_channels=skip_channels,
                    paced=pace is not None,
                    slot_at=slot_at,
                    ids=ids,
                )
            ).all()
        ),
        key=lambda row: (row[4], row[0]),
    )[:limit]
    if per_channel is not None:
        rows = _at_most_per_channel(rows, per_channel)
    if pace is not None:
        # Another process may have taken a channel's slot since the read: then its nudge waits.
        # Slots are taken in one order by every process, so two claims never wait on each other.
        keys = {channel_key(row[5], row[3]) for row in rows if row[3] is not None}
        taken = take_slots(session, keys, pace=pace, now=slot_at, commit=False)
        rows = [row for row in rows if row[3] is None or _first_of(taken, channel_key(row[5], row[3]))]
    if not rows:
        session.commit()
        return []
    unsure = {row[0] for row in rows if row[1] == NudgeStatus.SENDING or row[2]}
    # The guard repeats the due condition: on SQLite (no row locks) another process may have
    # claimed a row between the SELECT and this UPDATE; then it is simply not ours.
    claimed = session.execute(
        update(Nudge)
        .where(Nudge.id.in_([row[0] for row in rows]), due)  # type: ignore[union-attr]
        .values(
            status=NudgeStatus.SENDING,
            claimed_by=worker,
            claimed_at=now,
            attempts=Nudge.attempts + 1,
        )
        .returning(Nudge.id, Nudge.team_id, Nudge.target_channel_id)
        .execution_options(synchronize_session=False)
    ).all()
    session.commit()
    return [
        ClaimedNudge(id=nid, team_id=team, target_channel_id=target, recovered=nid in unsure)
        for nid, team, target in claimed
    ]


def _candidates(
    session: Session,
    condition: Any,
    limit: int,
    *,
    skip_channels: Collection[str],
    paced: bool,
    slot_at: datetime,
    ids: Sequence[int] | None = None,
) -> Any:
    candidates = select(
        Nudge.id, Nudge.status, Nudge.check_before_post, Nudge.target_channel_id, Nudge.due_at, Nudge.team_id
    ).where(condition)
    if ids is not None:
        candidates = candidates.where(Nudge.id.in_(ids))  # type: ignore[union-attr]
    elif skip_channels:
        candidates = candidates.where(
            or_(Nudge.target_channel_id.is_(None), Nudge.target_channel_id.not_in(list(skip_channels)))  # type: ignore[union-attr]
        )
    if paced and ids is None:
        # Another process posted there within the second: claiming it now would only give it back.
        slot_to_come = exists().where(
            SlackPace.channel_key
            == Nudge.team_id + ":" + Nudge.target_channel_id,  # storage/slack_pace.channel_key
            SlackPace.next_at > slot_at,
        )
        candidates = candidates.where(~slot_to_come)
    candidates = candidates.order_by(Nudge.due_at, Nudge.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        # Other processes skip the rows this one is claiming instead of waiting for them.
        candidates = candidates.with_for_update(skip_locked=True)
    return candidates


def _oldest_in(
    session: Session, condition: Any, channels: Sequence[tuple[str, str]], first: int
) -> list[int]:
    """The ids of the `first` oldest nudges meeting `condition` in each of `channels` (team id,
    channel id), read from the (team, channel, status, due) index.

    Its own statement, not a subquery of the claim's locking one: PostgreSQL locks no rows of a
    query with window functions, and with the subquery, a table whose statistics were not yet
    gathered got a plan that ranked every channel's nudges again for each due nudge (minutes)."""
    place = func.row_number().over(
        partition_by=(Nudge.team_id, Nudge.target_channel_id), order_by=(Nudge.due_at, Nudge.id)
    )
    ranked = (
        select(Nudge.id, Nudge.team_id, Nudge.target_channel_id, place.label("place"))
        .where(
            condition,
            # Two lists the index is searched by; the pairs are picked below.
            Nudge.team_id.in_({team for team, _ in channels}),  # type: ignore[attr-defined]
            Nudge.target_channel_id.in_({channel for _, channel in channels}),  # type: ignore[union-attr]
        )
        .subquery()
    )
    wanted = set(channels)
    rows = session.exec(
        select(ranked.c.id, ranked.c.team_id, ranked.c.target_channel_id).where(ranked.c.place <= first)
    )
    return [row[0] for row in rows if (row[1], row[2]) in wanted]


def _at_most_per_channel(rows: Sequence[Any], per_channel: int) -> list[Any]:
    taken: dict[str, int] = defaultdict(int)
    kept = []
    for row in rows:
        channel = row[3]
        if channel is None or taken[channel] < per_channel:
            kept.append(row)
            if channel is not None:
                taken[channel] += 1
    return kept


def _first_of(taken: set[str], key: str) -> bool:
    """Whether a claimed row of the channel `key` goes with the slot taken: only the first one does."""
    if key not in taken:
        return False
    taken.discard(key)
    return True


def by_channel(claimed: list[ClaimedNudge]) -> list[list[ClaimedNudge]]:
    """The claimed nudges by the channel they go to (each DM alone), in the order claimed."""
    channels: dict[str, list[ClaimedNudge]] = defaultdict(list)
    for item in claimed:
        channels[item.target_channel_id or f"team:{item.team_id}:dm:{item.id}"].append(item)
    return list(channels.values())
