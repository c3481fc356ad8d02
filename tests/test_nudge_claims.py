"""A paced claim (storage/nudge_claims.claim_due with a pace) takes the oldest nudge of each channel with
the channel's slot, and leaves a channel another process holds; marking a batch sent
(storage/nudge_batches.record_sent) writes nothing for a nudge this worker no longer holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import select

from storage import nudge_batches, nudge_claims
from storage.audit import change_row
from storage.db import Database
from storage.models import AuditEvent, Nudge, NudgeStatus
from storage.slack_pace import Pace, channel_key, take_slots
from tests.support.nudge_worker import seed_due_nudges

NOW = datetime.now(UTC)
LEASE = timedelta(minutes=5)
PACE = Pace(holder="host:1", interval=timedelta(seconds=1), margin=timedelta(milliseconds=50))


def claim(
    database: Database, worker: str, pace: Pace | None = PACE, *, now: datetime = NOW, cheap: bool = False
) -> list[nudge_claims.ClaimedNudge]:
    with database.system() as session:
        return nudge_claims.claim_due(
            session,
            now=now,
            worker=worker,
            limit=200,
            lease=LEASE,
            per_channel=1,
            pace=pace,
            free_channels_only=cheap,
        )


def test_a_paced_claim_takes_the_oldest_nudge_of_each_channel_with_its_slot(database: Database) -> None:
    ids = seed_due_nudges(database, count=6, channels=2)  # C0000: ids[0, 2, 4]; C0001: ids[1, 3, 5]
    claimed = claim(database, "w1")
    assert sorted(item.id for item in claimed) == [ids[0], ids[1]]
    # Both channels' slots are this process's now: another process's claim gets nothing.
    other = Pace(holder="host:2", interval=PACE.interval, margin=PACE.margin)
    assert claim(database, "w2", other) == []
    # Unpaced, the same claim takes the rest (the channels' slots are not asked).
    assert sorted(item.id for item in claim(database, "w3", None)) == [ids[2], ids[3]]


def test_a_claim_of_free_channels_only_takes_the_next_nudge_of_each_channel_whose_slot_came(
    database: Database,
) -> None:
    ids = seed_due_nudges(
        database, count=9, channels=3
    )  # C0000: ids[0, 3, 6]; C0001: 1, 4, 7; C0002: 2, 5, 8
    first = claim(database, "w1")
    assert sorted(item.id for item in first) == [ids[0], ids[1], ids[2]]
    other = Pace(holder="host:2", interval=PACE.interval, margin=PACE.margin)
    a_second_on = NOW + PACE.interval
    posted_by_other = a_second_on + PACE.margin  # another process posted to C0002: its slot is to come
    with database.system() as session:
        taken = take_slots(session, [channel_key("T1", "C0002")], pace=other, now=posted_by_other)
        assert taken == {"T1:C0002"}
        # and a nudge with no channel yet (a DM) is due: only a full claim looks for it
        session.execute(update(Nudge).where(Nudge.id == ids[8]).values(target_channel_id=None))
        session.commit()
    assert claim(database, "w1", now=NOW, cheap=True) == []  # no slot has come yet
    again = claim(database, "w1", now=posted_by_other, cheap=True)
    assert sorted(item.id for item in again) == [ids[3], ids[4]]
    later = posted_by_other + PACE.interval + PACE.margin  # every channel is free again
    assert sorted(item.id for item in claim(database, "w1", now=later, cheap=True)) == [
        ids[5],
        ids[6],
        ids[7],
    ]
    assert [item.id for item in claim(database, "w1", now=later)] == [ids[8]]


def test_a_channel_another_process_holds_is_left_to_it(database: Database) -> None:
    ids = seed_due_nudges(database, count=2, channels=2)
    other = Pace(holder="host:2", interval=PACE.interval, margin=PACE.margin)
    with database.system() as session:
        assert take_slots(session, [channel_key("T1", "C0000")], pace=other, now=NOW) == {"T1:C0000"}
    assert [item.id for item in claim(database, "w1")] == [ids[1]]


def test_marking_sent_skips_a_nudge_another_worker_holds_now(database: Database) -> None:
    first, second = seed_due_nudges(database, count=2, channels=2)
    claim(database, "w1")
    with database.system() as session:  # w1's lease ran out and w2 claimed the second one
        session.execute(update(Nudge).where(Nudge.id == second).values(claimed_by="w2"))
    sent = [
        nudge_batches.SentNudge(
            nudge_id=nudge_id,
            channel_id="C1",
            message_ts=f"1.{nudge_id}",
            sent_at=NOW,
            audit=change_row(
                team_id="T1",
                enterprise_id=None,
                actor_id=None,
                surface="scheduler",
                action="nudged",
                entity="issue",
                entity_id=nudge_id,
                nudge_id=nudge_id,
            ),
        )
        for nudge_id in (first, second)
    ]
    with database.system() as session:
        assert nudge_batches.record_sent(session, sent, worker="w1") == {first}
    with database.system() as session:
        statuses = dict(session.exec(select(Nudge.id, Nudge.status)).all())
        audited = session.exec(select(func.count()).select_from(AuditEvent)).one()
    assert statuses == {first: NudgeStatus.SENT, second: NudgeStatus.SENDING}
    assert audited == 1
