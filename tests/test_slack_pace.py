"""Slack's pace per channel is shared by every sender process (storage/slack_pace.py): three real
processes draining one backlog against a Slack that allows one message a second per channel get
(almost) no 429s, and every nudge is posted once."""

from __future__ import annotations

import time

from storage.db import Database
from storage.models import NudgeStatus
from tests.support.fake_slack import FakeSlack
from tests.support.nudge_worker import seed_due_nudges
from tests.test_nudges_concurrency import finish, posts_per_nudge, start_worker, statuses

NUDGES = 400
CHANNELS = 40  # 10 nudges a channel: at one a second, at least 9 s


def test_three_senders_share_each_channels_pace_and_slack_hardly_ever_says_slow_down(
    database: Database, slack: FakeSlack
) -> None:
    ids = seed_due_nudges(database, count=NUDGES, channels=CHANNELS)
    slack.rate_limit_per_channel(1.0)
    began = time.monotonic()
    workers = [start_worker(database, slack, "--threads", "4") for _ in range(3)]
    swept = [int(finish(worker).split()[1]) for worker in workers]
    took = time.monotonic() - began

    per_nudge = posts_per_nudge(slack)
    assert sum(swept) == NUDGES
    assert set(per_nudge) == set(ids) and max(per_nudge.values()) == 1
    assert statuses(database, ids) == {NudgeStatus.SENT: NUDGES}
    refused = [call for call in slack.calls_to("chat.postMessage") if call.status == 429]
    # A slot is taken as a post leaves; two posts a slot apart may still arrive a little closer.
    assert len(refused) < NUDGES / 100, f"{len(refused)} answers of 429"  # the target: < 1%
    assert took >= NUDGES / CHANNELS - 1  # the pace was kept, not skipped
    assert sum(1 for n in swept if n > 0) >= 2, swept  # they really shared the work
