"""Slack's pace per channel as the nudge sender keeps it: a slot taken in the database with each
claimed nudge (storage/slack_pace.py), shared with every other sender process, and kept longer for
a post that leaves, or reaches Slack, late; this process's own pauses (its pace, and Slack's
Retry-After), and the wait for the next channel to come free."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.clock import Clock
from runtime.services import Services
from storage import nudges, slack_pace
from storage.db import Database
from storage.models import Nudge
from storage.slack_pace import Pace

# More between two processes' posts in one channel: one's post may leave a little later after its slot.
PACE_MARGIN = timedelta(milliseconds=20)
PROCESS = f"{socket.gethostname()}:{os.getpid()}"  # who took a channel's slot (storage/slack_pace.py)


def pace(interval: timedelta) -> Pace | None:
    """The rule this process's claims take channels' slots by (None: a sender that keeps no pace)."""
    return Pace(holder=PROCESS, interval=interval, margin=PACE_MARGIN) if interval else None


class ChannelPauses:
    """Until when this process leaves each channel (or owner, for DMs) alone: Slack's pace or its
    Retry-After. Shared by the sender's threads."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._until: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def pause(self, channel: str, until: datetime) -> None:
        with self._lock:
            self._until[channel] = max(until, self._until.get(channel, until))

    def until(self, channel: str) -> datetime | None:
        """When the channel is free again, if it is paused now."""
        with self._lock:
            until = self._until.get(channel)
        return until if until is not None and until > self._clock.now() else None

    def after(self, now: datetime) -> dict[str, datetime]:
        """The channels paused beyond `now`, and until when."""
        with self._lock:
            return {channel: until for channel, until in self._until.items() if until > now}

    def channels(self, now: datetime) -> list[str]:
        return list(self.after(now))


def wait_for_a_free_channel(
    services: Services,
    paused: ChannelPauses,
    now: datetime,
    *,
    gather: timedelta,
    linger: timedelta,
    ahead: timedelta = timedelta(0),
) -> bool:
    """When a paused channel (or a nudge given back) is free again within `linger`, wait for it, or
    until `ahead` before it, for a sender that claims that far ahead of its slots.

    Saves a whole scheduler interval per message when one channel has many nudges waiting. Only
    time that really moves ends the wait: with a clock that does not move, the sweep just ends.
    """
    until = paused.after(now)
    with services.db.system() as session:
        waiting = nudges.channels_with_due_nudges(session, now=now, channels=until)
        ends = [until[channel] for channel in waiting]
        if not ends or min(ends) - now > gather:
            upcoming = nudges.next_due(session, after=now)  # reads every pending nudge
            ends += [upcoming] if upcoming is not None else []
    if not ends or min(ends) - now > linger:
        return False
    time.sleep(max(min(ends) - now - ahead, gather).total_seconds())
    return services.clock.now() > now


class BatchSlots:
    """The slots of one claimed batch's channels, kept together while the batch is posted.

    Each claimed nudge took its channel's slot with the claim (`slot`). A post that leaves, or is
    answered, more than the margin after its slot may reach Slack that late, so its channel is kept
    until a second after that (storage/slack_pace.keep_many). A busy sender posting a batch of 200
    channels falls behind the claim within a few posts; keeping each channel in a transaction of its
    own, twice a post, made it later still. Here one statement keeps every channel of the batch that
    has not had its answer yet, whenever a post leaves or is answered more than the margin after the
    last keep: the posts within the margin after it need nothing more."""

    def __init__(
        self,
        db: Database,
        nudges: Mapping[int, Nudge],
        *,
        slot: datetime,
        interval: timedelta,
        not_before: float = 0.0,
    ) -> None:
        self._db = db
        self._interval = interval
        self._not_before = not_before  # time.monotonic() at the slot: a claim ahead waits for it
        self._kept_at = slot
        # The channels still to be kept: each nudge's, until its post is answered (or it is not posted).
        self._channels = {id_: _key(n) for id_, n in nudges.items() if interval and n.target_channel_id}
        self._open = set(self._channels.values())
        self._lost: set[str] = set()
        self._lock = threading.Lock()

    def wait_for_slot(self, nudge: Nudge) -> None:
        """Hold a post to a channel until the batch's slot, when it was claimed ahead of it."""
        if self._interval and nudge.target_channel_id:
            time.sleep(max(self._not_before - time.monotonic(), 0.0))

    def before_post(self, nudge: Nudge, leaves: datetime) -> datetime | None:
        """The slot the post that leaves now goes by; None when another process has taken its
        channel since the claim (then it must not be posted)."""
        if not self._interval or not nudge.target_channel_id:
            return self._kept_at
        kept_at = self._keep_by(leaves)
        return None if _key(nudge) in self._lost else kept_at

    def after_post(
        self, nudge: Nudge, posted_to: str | None, slot: datetime, answered: datetime
    ) -> datetime | None:
        """After a post to the nudge's channel (`posted_to`, None: not posted), answered at `answered`:
        when this process may post there again (None: no pace to keep there). It waits the margin
        after its slot too, as the others do: else whichever process took a channel first would keep
        it from all the others."""
        if not self._interval or posted_to is None or posted_to != nudge.target_channel_id:
            return None
        self._keep_by(answered)
        return slot + self._interval + PACE_MARGIN

    def close(self, nudge_id: int) -> None:
        """The nudge's post is answered, or it is not posted now: its channel needs no more keeping."""
        with self._lock:
            self._open.discard(self._channels.get(nudge_id, ""))

    def _keep_by(self, moment: datetime) -> datetime:
        with self._lock:
            if moment - self._kept_at > PACE_MARGIN and self._open:
                with self._db.system() as session:
                    held = slack_pace.keep_many(
                        session, self._open, holder=PROCESS, next_at=moment + self._interval
                    )
                self._lost |= self._open - held
                self._open &= held
                self._kept_at = moment
            return self._kept_at


def _key(nudge: Nudge) -> str:
    return slack_pace.channel_key(nudge.team_id, str(nudge.target_channel_id))
