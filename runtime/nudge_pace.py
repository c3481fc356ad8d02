"""Slack's pace per channel as the nudge sender keeps it: a slot taken in the database with each
claimed nudge (storage/slack_pace.py), shared with every other sender process, and kept longer for
a post that leaves, or reaches Slack, late."""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from storage import slack_pace
from storage.db import Database
from storage.models import Nudge
from storage.slack_pace import Pace

# More between two processes' posts in one channel: one's post may leave a little later after its slot.
PACE_MARGIN = timedelta(milliseconds=50)
PROCESS = f"{socket.gethostname()}:{os.getpid()}"  # who took a channel's slot (storage/slack_pace.py)


def pace(interval: timedelta) -> Pace | None:
    """The rule this process's claims take channels' slots by (None: a sender that keeps no pace)."""
    return Pace(holder=PROCESS, interval=interval, margin=PACE_MARGIN) if interval else None


def still_holds_slot(
    db: Database, nudge: Nudge, slot: datetime, *, now: datetime, interval: timedelta
) -> bool:
    """Before a post that leaves more than the margin after its slot (taken with the claim): keep
    the channel a second from now. False when another process has taken it since (do not post)."""
    if not interval or not nudge.target_channel_id or now - slot <= PACE_MARGIN:
        return True
    with db.system() as session:
        key = slack_pace.channel_key(nudge.team_id, nudge.target_channel_id)
        return slack_pace.keep_until(session, key, holder=PROCESS, next_at=now + interval)


def after_post(
    db: Database,
    nudge: Nudge,
    posted_to: str | None,
    slot: datetime,
    answered: datetime,
    *,
    interval: timedelta,
) -> datetime | None:
    """After a post to the nudge's channel (`posted_to`, None: not posted), answered at `answered`:
    when this process may post there again (None: no pace to keep there).

    A post answered more than the margin after its slot may have reached Slack that late too: the
    channel's next slot is then a second after the answer (storage/slack_pace.keep_until). This
    process waits the margin after its slot too, as the others do: else whichever process took a
    channel first would keep it from all the others."""
    if not interval or posted_to is None or posted_to != nudge.target_channel_id:
        return None
    if answered - slot > PACE_MARGIN:
        with db.system() as session:
            key = slack_pace.channel_key(nudge.team_id, posted_to)
            slack_pace.keep_until(session, key, holder=PROCESS, next_at=answered + interval)
    return slot + interval + PACE_MARGIN
