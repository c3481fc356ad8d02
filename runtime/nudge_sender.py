"""The nudge sweep: claim due nudges from the database, post them to Slack, record the outcome.

A batch is claimed, read with a few queries, and posted while the next one is claimed; its posted
nudges are marked sent in one short transaction (with their audit rows, weekly re-nudges, escalation
copies: storage/nudge_batches.py). Channels are posted to in parallel, at most one nudge a second in
each (Slack's guidance for chat.postMessage; counted in the database, so every sender process shares
it: storage/slack_pace.py). Slack failures never hold up other channels and never lose a nudge:
- 429: the channel waits out Retry-After (its other nudges are left for later) and the nudge is
  tried again then (`next_attempt_at`; when it was due stays); other channels carry on;
- 5xx, timeouts, dropped connections: back off (30 s doubling, at most an hour) and try again, with
  the error kept on the nudge; the attempt may have reached Slack, so the retry looks first;
- channel_not_found, not_in_channel, is_archived: post to the owner's DM instead;
- anything else (the owner's account is gone, ...): the nudge is marked failed with the reason and
  an ERROR log line.

Exactly once: every nudge is posted with message metadata naming it (runtime/nudge_post.py). One whose
earlier attempt may have reached Slack (a process died before marking it sent, Slack timed out) is
looked for in the channel's history before it is posted again (README).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot import nudges as rules
from bot.nudge_blocks import NudgeFacts, nudge_message
from bot.touchpoints import touchpoint_send_time
from runtime.nudge_messages import BUTTONS, fresh_nudge_facts
from runtime.nudge_pace import BatchSlots, ChannelPauses, pace, wait_for_a_free_channel
from runtime.nudge_post import NudgePoster, Outcome, Posted, RateLimited, Unsure
from runtime.nudge_sent import sent_nudge
from runtime.services import Services
from runtime.touchpoint_messages import render_touchpoint, touchpoint_facts
from slack_api.client import make_web_client
from storage import nudge_batches as batches
from storage import nudge_claims as claims
from storage import nudges as store
from storage.models import Nudge, NudgeStatus
from storage.nudge_claims import by_channel
from storage.workspaces import ensure_workspace

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # a claim older than this is taken to have died with its process
BATCH = 200
THREADS = 16
CHANNEL_INTERVAL = timedelta(seconds=1)  # between two nudges in one channel
GATHER = timedelta(milliseconds=25)  # between two claims that did not fill a batch, paced
# Paced, a claim takes the slots coming within this and its posts wait for them (claimed only once
# come, a channel's next post left a claim, a read and part of a sweep's cycle after its slot).
LOOKAHEAD = timedelta(milliseconds=40)
IN_FLIGHT = 4  # batches posting at once, paced (a channel is in one at most: its slot is taken)
LINGER = timedelta(seconds=1)  # a sweep waits this long at most for a channel to be free again
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)


def sweep_nudges(services: Services) -> int:
    """The scheduler's entry point: send every nudge that is due; returns how many were posted."""
    return NudgeSender(services).sweep()


@dataclass(frozen=True)
class WorkspaceRules:
    holiday_region: str | None
    renudge_days: int


@dataclass(frozen=True)
class Batch:
    """A claimed batch as read before posting: its nudges, and what each (not a touchpoint) shows."""

    nudges: dict[int, Nudge]
    facts: dict[int, NudgeFacts]  # a nudge whose record is gone has none
    slots: BatchSlots  # its channels' slots, taken with the claim (runtime/nudge_pace.py)


@dataclass(frozen=True)
class Prepared:
    """A claimed nudge, read and rendered, ready to post."""

    nudge: Nudge
    facts: NudgeFacts | None  # None for a touchpoint nudge
    text: str
    blocks: list[dict[str, Any]]
    tz: ZoneInfo
    rules: WorkspaceRules


class NudgeSender:
    """One process's sender: claims batches until nothing is due, posting channels in parallel."""

    def __init__(
        self,
        services: Services,
        *,
        client: WebClient | None = None,
        worker: str | None = None,
        lease: timedelta = LEASE,
        batch: int = BATCH,
        threads: int = THREADS,
        channel_interval: timedelta = CHANNEL_INTERVAL,
        linger: timedelta = LINGER,
    ) -> None:
        settings = services.settings
        self.services = services
        # Retries are ours to decide (429 must not stall the sweep), so the client does none.
        self.client = client or make_web_client(settings.slack_api_url, settings.bot_token, retries=False)
        self.poster = NudgePoster(self.client)
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.lease = lease
        self.batch = batch
        self.threads = threads
        self.channel_interval = channel_interval
        self.linger = linger
        self._paused = ChannelPauses(services.clock)  # channels rate limited or paced, and till when
        self._workspaces: dict[str, WorkspaceRules] = {}  # read once per sender
        self._sent: list[batches.SentNudge] = []  # posted in this batch, to be marked sent
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ the sweep

    def sweep(self) -> int:
        posted = 0
        full_claim_at: float | None = None  # when this sweep last claimed in full (None: not yet)
        in_flight: deque[list[Future[int]]] = deque()  # batches being posted, oldest first

        def finish(keep: int) -> None:  # at most `keep` batches left posting; the posted marked sent
            nonlocal posted
            while in_flight and (len(in_flight) > keep or all(f.done() for f in in_flight[0])):
                posted += sum(future.result() for future in in_flight.popleft())
            self._mark_sent()

        with ThreadPoolExecutor(self.threads, thread_name_prefix="brm-nudge") as pool:
            try:
                while True:
                    now = self.services.clock.now()
                    started = time.monotonic()
                    ahead = LOOKAHEAD if self.channel_interval else timedelta(0)
                    # Caught up with its channels, the sender claims only from channels whose slot has
                    # come (cheap), and in full at least every LINGER for the rest: DMs, new channels.
                    cheap = bool(self.channel_interval) and full_claim_at is not None
                    cheap = cheap and started - full_claim_at < LINGER.total_seconds()
                    if not cheap:
                        full_claim_at = started
                    claimed = self._claim(now, slot_at=now + ahead, cheap=cheap)
                    if not claimed and cheap:
                        full_claim_at = None  # none in the channels known: the next claim looks at all
                        continue
                    if not claimed and in_flight:
                        finish(0)  # its posts pause their channels, or give them back
                        continue
                    if not claimed:
                        # Paced, claims are at least GATHER apart: a channel free within it needs no look.
                        gather = GATHER if self.channel_interval else timedelta(0)
                        if wait_for_a_free_channel(
                            self.services, self._paused, now, gather=gather, linger=self.linger, ahead=ahead
                        ):
                            continue
                        return posted
                    batch = self._read(claimed, slot=now + ahead, not_before=started + ahead.total_seconds())
                    in_flight.append([pool.submit(self._send_channel, c, batch) for c in by_channel(claimed)])
                    finish(keep=IN_FLIGHT if self.channel_interval else 0)  # paced: post while claiming
                    if len(claimed) == self.batch:
                        full_claim_at = None  # not caught up: claim in full again
                    elif self.channel_interval:
                        # Caught up: what comes next is channels' slots coming round one by one. Claiming
                        # them a few at a time cost more CPU per nudge than the posts themselves.
                        time.sleep(max(GATHER.total_seconds() - (time.monotonic() - started), 0))
            finally:
                wait([future for futures in in_flight for future in futures])
                self._mark_sent()

    def _claim(self, now: datetime, *, slot_at: datetime, cheap: bool) -> list[claims.ClaimedNudge]:
        with self.services.db.system() as session:
            return claims.claim_due(
                session,
                now=now,
                worker=self.worker,
                limit=self.batch,
                lease=self.lease,
                skip_channels=self._paused.channels(slot_at),
                # Kept to Slack's pace, a channel takes one post before it is paused again.
                per_channel=1 if self.channel_interval else None,
                pace=pace(self.channel_interval),
                free_channels_only=cheap,
                slot_at=slot_at,
            )

    def _read(self, claimed: list[claims.ClaimedNudge], *, slot: datetime, not_before: float) -> Batch:
        """The claimed nudges and what each shows, read together (posting reads nothing more)."""
        with self.services.db.system() as session:
            nudges = batches.nudges_by_ids(session, [item.id for item in claimed])
            ours = [n for n in nudges.values() if n.party_id is None and n.claimed_by == self.worker]
            facts = fresh_nudge_facts(session, [n for n in ours if n.status == NudgeStatus.SENDING])
        slots = BatchSlots(
            self.services.db, nudges, slot=slot, interval=self.channel_interval, not_before=not_before
        )
        return Batch(nudges, facts, slots)

    def _mark_sent(self) -> None:
        """Mark the batch's posted nudges sent, all in one transaction.

        Until then each stays `sending` under this worker's claim: should the process die first,
        the claim's lease runs out and the next claim looks in Slack before posting it again."""
        with self._lock:
            sent, self._sent = self._sent, []
        if not sent:
            return
        try:
            with self.services.db.system() as session:
                marked = batches.record_sent(session, sent, worker=self.worker)
        except Exception:
            log.exception(
                "%d posted nudges could not be marked sent; they are looked for after their lease", len(sent)
            )
            return
        for item in sent:
            if item.nudge_id not in marked:
                # Our lease ran out and another process holds the nudge; it looks before posting.
                log.warning("nudge %s posted (%s) after its claim expired", item.nudge_id, item.message_ts)

    def _send_channel(self, items: list[claims.ClaimedNudge], batch: Batch) -> int:
        """Post one channel's claimed nudges in order; once the channel is rate limited, the rest wait."""
        posted = 0
        for index, item in enumerate(items):
            try:
                posted += self._send_one(item, batch)
            except Exception:
                # Never silent, never lost: the claim stays and its lease expiry brings it back.
                log.exception("nudge %s: sending failed unexpectedly; it is retried after its lease", item.id)
            if item.target_channel_id and self._paused.until(item.target_channel_id) is not None:
                self._give_back(items[index + 1 :], item.target_channel_id)
                break
        return posted

    def _give_back(self, items: list[claims.ClaimedNudge], channel: str) -> None:
        until = self._paused.until(channel)
        if not items or until is None:
            return
        for team_id in {item.team_id for item in items}:
            ids = [item.id for item in items if item.team_id == team_id]
            with self.services.db.workspace(team_id) as session:
                store.release(session, ids, worker=self.worker, retry_at=until, count_attempt=False)

    # ------------------------------------------------------------------ one nudge

    def _send_one(self, item: claims.ClaimedNudge, batch: Batch) -> int:
        try:
            return self._send_claimed(item, batch)
        finally:
            batch.slots.close(item.id)

    def _send_claimed(self, item: claims.ClaimedNudge, batch: Batch) -> int:
        now = self.services.clock.now()
        prepared = self._prepare(item, batch, now)
        if prepared is None:
            return 0
        nudge = prepared.nudge
        outcome: Outcome | None = None
        if item.recovered:
            outcome = self.poster.find_earlier_post(nudge)
        if outcome is None:
            batch.slots.wait_for_slot(nudge)
            leaves = self.services.clock.now()
            slot = batch.slots.before_post(nudge, leaves)
            if slot is None:
                self._paused.pause(str(nudge.target_channel_id), leaves + self.channel_interval)
                with self.services.db.workspace(item.team_id) as session:
                    store.release(
                        session, [item.id], worker=self.worker, retry_at=leaves, count_attempt=False
                    )
                return 0
            outcome = self.poster.post(nudge, prepared.text, prepared.blocks)
            answered = self.services.clock.now()
            recorded = self._record(item, prepared, outcome)
            posted_to = outcome.channel_id if isinstance(outcome, Posted) else None
            again = batch.slots.after_post(nudge, posted_to, slot, answered)
            if again is not None:
                self._paused.pause(str(nudge.target_channel_id), again)
            return recorded
        return self._record(item, prepared, outcome)

    def _prepare(self, item: claims.ClaimedNudge, batch: Batch, now: datetime) -> Prepared | None:
        """Render the nudge read with its batch; None when it is not to be posted now (released or
        cancelled)."""
        services = self.services
        nudge = batch.nudges.get(item.id)
        if nudge is None or nudge.status != NudgeStatus.SENDING or nudge.claimed_by != self.worker:
            return None
        if nudge.party_id is not None:  # a relationship past its cadence (bot/touchpoints.py)
            return self._prepare_touchpoint(item, nudge, now)
        facts = batch.facts.get(item.id)
        if facts is None or not facts.is_open:
            # The sweep's own writes go by the ids on the nudge row (no one's input), so they use
            # the unscoped session the scheduler is allowed.
            with services.db.system() as session:
                store.mark_cancelled(session, item.id, worker=self.worker)
            log.info("nudge %s cancelled: its record is closed, done or gone", item.id)
            return None
        workspace = self._workspace_rules(item.team_id)
        # Slack is asked for the owner's timezone outside any transaction (it may be slow).
        tz = services.directory.timezone(item.team_id, nudge.owner_id)
        when = rules.send_time(nudge.due_at, tz=tz, region=workspace.holiday_region)
        if when > now:
            # A weekend or a holiday where the owner is: the next working morning instead.
            with services.db.workspace(item.team_id) as session:
                store.release(session, [item.id], worker=self.worker, due_at=when, count_attempt=False)
            return None
        text, blocks = nudge_message(facts, buttons=BUTTONS, tz=tz, now=now)
        return Prepared(nudge=nudge, facts=facts, text=text, blocks=blocks, tz=tz, rules=workspace)

    def _prepare_touchpoint(self, item: claims.ClaimedNudge, nudge: Nudge, now: datetime) -> Prepared | None:
        """A touchpoint nudge goes out in the owner's working hours, while its relationship is due."""
        workspace = self._workspace_rules(item.team_id)
        tz = self.services.directory.timezone(item.team_id, nudge.owner_id)
        # Read in the workspace's own session: the cadence defaults are the workspace's settings.
        with self.services.db.workspace(item.team_id) as session:
            touchpoint = touchpoint_facts(session, nudge, fresh=True)
            if touchpoint is None:
                store.mark_cancelled(session, item.id, worker=self.worker)
                log.info(
                    "touchpoint nudge %s cancelled: its party or contact is gone or has no cadence", item.id
                )
                return None
            when = touchpoint_send_time(nudge.due_at, tz=tz, region=workspace.holiday_region)
            if when > now:
                store.release(session, [item.id], worker=self.worker, due_at=when, count_attempt=False)
                return None
        text, blocks = render_touchpoint(touchpoint, tz=tz, now=now)
        return Prepared(nudge=nudge, facts=None, text=text, blocks=blocks, tz=tz, rules=workspace)

    def _workspace_rules(self, team_id: str) -> WorkspaceRules:
        with self._lock:
            known = self._workspaces.get(team_id)
        if known is None:
            with self.services.db.workspace(team_id) as session:
                workspace = ensure_workspace(session)
            known = WorkspaceRules(
                holiday_region=workspace.holiday_region or self.services.settings.holiday_state,
                renudge_days=workspace.renudge_days,
            )
            with self._lock:
                self._workspaces[team_id] = known
        return known

    def _record(self, item: claims.ClaimedNudge, prepared: Prepared, outcome: Outcome) -> int:
        now = self.services.clock.now()
        nudge = prepared.nudge
        if isinstance(outcome, Posted):
            if self.channel_interval and nudge.target_channel_id:
                self._paused.pause(nudge.target_channel_id, now + self.channel_interval)
            sent = sent_nudge(
                nudge,
                prepared.facts,
                outcome,
                tz=prepared.tz,
                renudge_days=prepared.rules.renudge_days,
                now=now,
            )
            with self._lock:
                self._sent.append(sent)  # marked sent with the rest of the batch (_mark_sent)
            return 1
        with self.services.db.workspace(item.team_id) as session:
            if isinstance(outcome, RateLimited):
                until = now + timedelta(seconds=outcome.retry_after)
                self._paused.pause(outcome.channel_key, until)
                error = f"rate limited; retry after {outcome.retry_after}s"
                store.release(session, [nudge.id], worker=self.worker, retry_at=until, error=error)
                if outcome.channel_key == nudge.target_channel_id:
                    store.hold_channel(session, outcome.channel_key, until=until)
                return 0
            if isinstance(outcome, Unsure):
                wait = min(FIRST_BACKOFF * 2 ** max(nudge.attempts - 1, 0), MAX_BACKOFF)
                store.release(
                    session,
                    [nudge.id],
                    worker=self.worker,
                    retry_at=now + wait,
                    error=outcome.error,
                    unsure=True,
                )
                log.warning("nudge %s: %s; trying again in %s", nudge.id, outcome.error, wait)
                return 0
            store.mark_failed(session, nudge.id, worker=self.worker, error=outcome.error)
            log.error("nudge %s could not be posted and was marked failed: %s", nudge.id, outcome.error)
            return 0
