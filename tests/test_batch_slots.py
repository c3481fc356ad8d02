"""A claimed batch keeps its channels' slots together (runtime/nudge_pace.BatchSlots): a post within
the margin after the claim writes nothing, a late one keeps every channel of the batch still waiting
for its answer in one statement, and a channel another process took since is not posted to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import select

from runtime.nudge_pace import PACE_MARGIN, BatchSlots, pace
from storage import nudge_batches, nudge_claims
from storage.db import Database
from storage.runtime_models import SlackPace
from storage.slack_pace import Pace, channel_key, keep_many, take_slots
from tests.support.nudge_worker import seed_due_nudges

NOW = datetime(2031, 3, 4, 15, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
MS = timedelta(milliseconds=1)


def slots_now(database: Database) -> dict[str, tuple[datetime, str]]:
    with database.system() as session:
        rows = session.exec(select(SlackPace)).all()
        return {row.channel_key: (row.next_at.astimezone(UTC), row.holder) for row in rows}


def seed_and_claim(database: Database, *, count: int) -> list[nudge_claims.ClaimedNudge]:
    """`count` nudges due in as many channels, claimed by this process with each channel's slot."""
    seed_due_nudges(database, count=count, channels=count)
    with database.system() as session:
        return nudge_claims.claim_due(
            session,
            now=NOW,
            worker="w1",
            limit=10,
            lease=timedelta(minutes=5),
            per_channel=1,
            pace=pace(SECOND),
        )


def test_a_late_batch_keeps_its_waiting_channels_at_once_and_skips_one_taken_since(
    database: Database,
) -> None:
    claimed = seed_and_claim(database, count=3)
    with database.system() as session:
        batch = nudge_batches.nudges_by_ids(session, [item.id for item in claimed])
    first, second, third = (batch[item.id] for item in sorted(claimed, key=lambda item: item.id))
    key = {nudge.id: channel_key(nudge.team_id, str(nudge.target_channel_id)) for nudge in batch.values()}
    slots = BatchSlots(database, batch, slot=NOW, interval=SECOND)
    claimed_slots = slots_now(database)
    assert {next_at for next_at, _ in claimed_slots.values()} == {NOW + SECOND}

    # Within the margin after the claim: the claim's slot holds, nothing is written.
    assert slots.before_post(first, NOW + PACE_MARGIN / 2) == NOW
    assert (
        slots.after_post(first, first.target_channel_id, NOW, NOW + PACE_MARGIN) == NOW + SECOND + PACE_MARGIN
    )
    slots.close(first.id)
    assert slots_now(database) == claimed_slots

    # Another process takes the third channel (as after this batch's lease ran out).
    with database.system() as session:
        session.execute(
            update(SlackPace).where(SlackPace.channel_key == key[third.id]).values(holder="host:2")
        )

    # A post leaving late keeps the channels still waiting (not the answered one) a second past it.
    assert slots.before_post(second, NOW + 300 * MS) == NOW + 300 * MS
    after = slots_now(database)
    assert after[key[first.id]] == claimed_slots[key[first.id]]
    assert after[key[second.id]][0] == NOW + 1300 * MS
    assert after[key[third.id]] == (NOW + SECOND, "host:2")
    # The third channel is no longer this process's: its nudge must not be posted.
    assert slots.before_post(third, NOW + 310 * MS) is None

    # Answered late too: kept a second past the answer; this process posts there after its slot.
    again = slots.after_post(second, second.target_channel_id, NOW + 300 * MS, NOW + 500 * MS)
    assert again == NOW + 1300 * MS + PACE_MARGIN
    assert slots_now(database)[key[second.id]][0] == NOW + 1500 * MS


def test_keeping_never_moves_a_slot_earlier_and_names_only_the_channels_still_held(
    database: Database,
) -> None:
    seed_and_claim(database, count=2)
    held = slots_now(database)
    ours = next(iter(held.values()))[1]  # this process holds every channel it claimed
    with database.system() as session:
        kept = keep_many(session, list(held), holder=ours, next_at=NOW + SECOND / 2)
        assert kept == set(held)
        assert keep_many(session, list(held), holder="host:someone-else", next_at=NOW + 2 * SECOND) == set()
        assert keep_many(session, [], holder=ours, next_at=NOW) == set()
    assert slots_now(database) == held


def test_a_slot_comes_free_at_its_time_for_its_holder_and_a_margin_later_for_another(
    database: Database,
) -> None:
    ours = Pace(holder="host:1", interval=SECOND, margin=PACE_MARGIN)
    theirs = Pace(holder="host:2", interval=SECOND, margin=PACE_MARGIN)
    with database.system() as session:
        assert take_slots(session, ["T1:A", "T1:B"], pace=ours, now=NOW) == {"T1:A", "T1:B"}
        assert take_slots(session, ["T1:A", "T1:B"], pace=ours, now=NOW + SECOND - MS) == set()
        assert take_slots(session, ["T1:A"], pace=ours, now=NOW + SECOND) == {"T1:A"}
        assert take_slots(session, ["T1:B"], pace=theirs, now=NOW + SECOND) == set()
        assert take_slots(session, ["T1:B"], pace=theirs, now=NOW + SECOND + PACE_MARGIN) == {"T1:B"}
    assert slots_now(database)["T1:B"] == (NOW + 2 * SECOND + PACE_MARGIN, "host:2")
