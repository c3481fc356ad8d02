"""Slack's pace per channel as the nudge sender keeps it: a slot taken in the database before each
post (storage/slack_pace.py), shared with every other sender process, and kept longer after a post
that reached Slack late."""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from storage import slack_pace as pace
from storage.db import Database
from storage.models import Nudge

# More between two processes' posts in one channel: one's post may leave a little later after its slot.
PACE_MARGIN = timedelta(milliseconds=50)
PROCESS = f"{socket.gethostname()}:{os.getpid()}"  # who took a channel's slot (storage/slack_pace.py)


def take_slot(db: Database, nudge: Nudge, *, now: datetime, interval: timedelta) -> datetime | None:
    """Take the nudge's channel's slot for a post now: None to post, else when the channel is free
    (another sender posted to it within the second). DMs, and a sender that keeps no pace, post."""
    if not interval or not nudge.target_channel_id:
        return None
    with db.system() as session:
        key = pace.channel_key(nudge.team_id, nudge.target_channel_id)
        return pace.take_slot(session, key, holder=PROCESS, now=now, interval=interval, margin=PACE_MARGIN)


def keep_slot_if_late(
    db: Database, nudge: Nudge, slot: datetime, answered: datetime, *, interval: timedelta
) -> None:
    """A post answered more than the margin after its slot may have reached Slack that late too:
    the channel's next slot is then a second after the answer (storage/slack_pace.keep_until)."""
    if not interval or not nudge.target_channel_id or answered - slot <= PACE_MARGIN:
        return
    with db.system() as session:
        key = pace.channel_key(nudge.team_id, nudge.target_channel_id)
        pace.keep_until(session, key, holder=PROCESS, next_at=answered + interval)
