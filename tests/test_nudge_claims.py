"""A paced claim (storage/nudges.claim_due with a pace) takes the oldest nudge of each channel with
the channel's slot, and leaves a channel another process holds; marking a batch sent
(storage/nudge_batches.record_sent) writes nothing for a nudge this worker no longer holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import select

from storage import nudge_batches, nudges
from storage.audit import change_row
from storage.db import Database
from storage.models import AuditEvent, Nudge, NudgeStatus
from storage.slack_pace import Pace, channel_key, take_slots
from tests.support.nudge_worker import seed_due_nudges

NOW = datetime.now(UTC)
LEASE = timedelta(minutes=5)
PACE = Pace(holder="host:1", interval=timedelta(seconds=1), margin=timedelta(milliseconds=50))


def claim(database: Database, worker: str, pace: Pace | None = PACE) -> list[nudges.ClaimedNudge]:
    with database.system() as session:
        return nudges.claim_due(
            session, now=NOW, worker=worker, limit=200, lease=LEASE, per_channel=1, pace=pace
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
