"""The nudge sweep: claim due nudges from the database, post them to Slack, record the outcome.

One claim, one post, one short transaction to mark it sent (with the audit row, the weekly re-nudge
and any escalation copy). Channels are posted to in parallel, at most one nudge a second in each
(Slack's guidance for chat.postMessage; counted in the database, so every sender process shares
it: storage/slack_pace.py), so a burst of reminders for one channel does not set off
Slack's rate limit. Slack failures never hold up other channels and never lose a nudge:
- 429: the channel waits out Retry-After (its other nudges are left for later) and the nudge is
  tried again then (`next_attempt_at`; when it was due stays); other channels carry on;
- 5xx, timeouts, dropped connections: back off (30 s doubling, at most an hour) and try again, with
  the error kept on the nudge; the attempt may have reached Slack, so the retry looks first;
- channel_not_found, not_in_channel, is_archived: post to the owner's DM instead;
- anything else (the owner's account is gone, ...): the nudge is marked failed with the reason and
  an ERROR log line.

Exactly once: every nudge is posted with message metadata naming it. A nudge whose earlier attempt
may have reached Slack (a process died between posting and marking it sent, or Slack timed out)
is looked for in the channel's history before it is posted again; see the README for what remains.
The post itself, and reading Slack's answer, is runtime/nudge_post.py.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot import nudges as rules
from bot.nudge_blocks import NudgeFacts, nudge_message
from bot.touchpoints import touchpoint_send_time
from runtime.nudge_messages import BUTTONS, nudge_facts
from runtime.nudge_post import NudgePoster, Outcome, Posted, RateLimited, Unsure
from runtime.services import Services
from runtime.touchpoint_messages import render_touchpoint, touchpoint_facts
from slack_api.client import make_web_client
from storage import nudges as store
from storage import slack_pace as pace
from storage.audit import record_change
from storage.models import Nudge, NudgeStatus, Surface
from storage.workspaces import ensure_workspace

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # a claim older than this is taken to have died with its process
BATCH = 200
THREADS = 16
CHANNEL_INTERVAL = timedelta(seconds=1)  # between two nudges in one channel
# More between two processes' posts in one channel: one's post may leave a little later after its slot.
PACE_MARGIN = timedelta(milliseconds=50)
PROCESS = f"{socket.gethostname()}:{os.getpid()}"  # who took a channel's slot (storage/slack_pace.py)
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
        self._paused: dict[str, datetime] = {}  # channel (or owner, for DMs) -> clock time to try again
        self._workspaces: dict[str, WorkspaceRules] = {}  # read once per sender
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ the sweep

    def sweep(self) -> int:
        posted = 0
        with ThreadPoolExecutor(self.threads, thread_name_prefix="brm-nudge") as pool:
            while True:
                now = self.services.clock.now()
                with self.services.db.system() as session:
                    claimed = store.claim_due(
                        session,
                        now=now,
                        worker=self.worker,
                        limit=self.batch,
                        lease=self.lease,
                        skip_channels=self._paused_channels(now),
                    )
                if not claimed:
                    if self._wait_for_a_free_channel(now):
                        continue
                    return posted
                by_channel: dict[str, list[store.ClaimedNudge]] = defaultdict(list)
                for item in claimed:
                    by_channel[item.target_channel_id or f"team:{item.team_id}:dm:{item.id}"].append(item)
                posted += sum(pool.map(self._send_channel, by_channel.values()))

    def _wait_for_a_free_channel(self, now: datetime) -> bool:
        """When a paused channel (or a nudge given back) is free again within `linger`, wait for it.

        Saves a whole scheduler interval per message when one channel has many nudges waiting. Only
        time that really moves ends the wait: with a clock that does not move, the sweep just ends.
        """
        with self._lock:
            paused = {channel: until for channel, until in self._paused.items() if until > now}
        with self.services.db.system() as session:
            waiting = store.channels_with_due_nudges(session, now=now, channels=paused)
            upcoming = store.next_due(session, after=now)
        ends = [paused[channel] for channel in waiting]
        if upcoming is not None:
            ends.append(upcoming)
        if not ends or min(ends) - now > self.linger:
            return False
        time.sleep((min(ends) - now).total_seconds())
        return self.services.clock.now() > now

    def _send_channel(self, items: list[store.ClaimedNudge]) -> int:
        """Post one channel's claimed nudges in order; once the channel is rate limited, the rest wait."""
        posted = 0
        for index, item in enumerate(items):
            try:
                posted += self._send_one(item)
            except Exception:
                # Never silent, never lost: the claim stays and its lease expiry brings it back.
                log.exception("nudge %s: sending failed unexpectedly; it is retried after its lease", item.id)
            if item.target_channel_id and self._paused_until(item.target_channel_id) is not None:
                self._give_back(items[index + 1 :], item.target_channel_id)
                break
        return posted

    def _give_back(self, items: list[store.ClaimedNudge], channel: str) -> None:
        until = self._paused_until(channel)
        if not items or until is None:
            return
        for team_id, ids in _ids_by_team(items).items():
            with self.services.db.workspace(team_id) as session:
                store.release(session, ids, worker=self.worker, retry_at=until, count_attempt=False)

    # ------------------------------------------------------------------ one nudge

    def _send_one(self, item: store.ClaimedNudge) -> int:
        now = self.services.clock.now()
        prepared = self._prepare(item, now)
        if prepared is None:
            return 0
        nudge = prepared.nudge
        outcome: Outcome | None = None
        if item.recovered:
            outcome = self.poster.find_earlier_post(nudge)
        if outcome is None:
            free_at = self._take_slot(nudge)
            if free_at is not None:  # another sender posted to this channel within the second
                self._pause(str(nudge.target_channel_id), free_at)
                with self.services.db.workspace(item.team_id) as session:
                    store.release(
                        session, [item.id], worker=self.worker, retry_at=free_at, count_attempt=False
                    )
                return 0
            outcome = self.poster.post(nudge, prepared.text, prepared.blocks)
        return self._record(item, prepared, outcome)

    def _take_slot(self, nudge: Nudge) -> datetime | None:
        """Slack's pace for the channel, shared with every other sender (storage/slack_pace.py)."""
        if not self.channel_interval or not nudge.target_channel_id:
            return None
        now = self.services.clock.now()  # the post leaves now, after the nudge was read and rendered
        with self.services.db.system() as session:
            key = pace.channel_key(nudge.team_id, nudge.target_channel_id)
            return pace.take_slot(
                session, key, holder=PROCESS, now=now, interval=self.channel_interval, margin=PACE_MARGIN
            )

    def _prepare(self, item: store.ClaimedNudge, now: datetime) -> Prepared | None:
        """Read and render the nudge; None when it is not to be posted now (released or cancelled)."""
        services = self.services
        # The sweep's own reads go by the ids on the nudge row (no one's input), so they use the
        # unscoped session the scheduler is allowed; it saves a third of the database time per nudge.
        with services.db.system() as session:
            nudge = store.nudge_by_id(session, item.id)
            if nudge is None or nudge.status != NudgeStatus.SENDING or nudge.claimed_by != self.worker:
                return None
            touchpoint = nudge.party_id is not None  # a relationship past its cadence (bot/touchpoints.py)
            facts = None if touchpoint else nudge_facts(session, nudge, fresh=True)
            if not touchpoint and (facts is None or not facts.is_open):
                store.mark_cancelled(session, item.id, worker=self.worker)
                log.info("nudge %s cancelled: its record is closed, done or gone", item.id)
                return None
        if touchpoint:
            return self._prepare_touchpoint(item, nudge, now)
        assert facts is not None
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

    def _prepare_touchpoint(self, item: store.ClaimedNudge, nudge: Nudge, now: datetime) -> Prepared | None:
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

    def _record(self, item: store.ClaimedNudge, prepared: Prepared, outcome: Outcome) -> int:
        now = self.services.clock.now()
        nudge = prepared.nudge
        with self.services.db.workspace(item.team_id) as session:
            if isinstance(outcome, Posted):
                if self.channel_interval and nudge.target_channel_id:
                    self._pause(nudge.target_channel_id, now + self.channel_interval)
                return self._record_posted(session, prepared, outcome, now)
            if isinstance(outcome, RateLimited):
                until = now + timedelta(seconds=outcome.retry_after)
                self._pause(outcome.channel_key, until)
                error = f"rate limited; retry after {outcome.retry_after}s"
                store.release(session, [nudge.id], worker=self.worker, retry_at=until, error=error)
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

    def _record_posted(self, session: Any, prepared: Prepared, posted: Posted, now: datetime) -> int:
        nudge = prepared.nudge
        if not store.mark_sent(
            session, nudge.id, worker=self.worker, channel_id=posted.channel_id, message_ts=posted.ts, now=now
        ):
            # Our lease ran out and another process holds the nudge; it looks before posting.
            log.warning("nudge %s posted (%s) after its claim expired", nudge.id, posted.ts)
            return 1
        if nudge.escalated_to is None and prepared.facts and rules.should_renudge(prepared.facts.issue):
            self._plan_next(session, prepared, now)
        entity, entity_id = (
            ("issue", nudge.issue_id) if nudge.issue_id else ("interaction", nudge.interaction_id)
        )
        if nudge.party_id is not None:
            entity, entity_id = (
                ("contact", nudge.contact_id) if nudge.contact_id else ("party", nudge.party_id)
            )
        record_change(
            session,
            actor_id=None,
            surface=Surface.SCHEDULER,
            action="nudged",
            entity=entity,
            entity_id=entity_id,  # type: ignore[arg-type]
            nudge_id=nudge.id,
            sequence=nudge.sequence,
            channel_id=posted.channel_id,
            escalated_to=nudge.escalated_to,
            note=posted.note,
        )
        return 1

    def _plan_next(self, session: Any, prepared: Prepared, now: datetime) -> None:
        """The weekly reminder after this one, and a copy in the party's home channel from the third on."""
        assert prepared.facts is not None
        nudge, issue = prepared.nudge, prepared.facts.issue
        assert issue is not None
        escalate_to = rules.escalation_channel(
            nudge.sequence,
            home_channel_id=prepared.facts.party.home_channel_id,
            target_channel_id=nudge.target_channel_id,
        )
        if escalate_to:
            store.plan_nudge(
                session,
                due_at=now,
                owner_id=nudge.owner_id,
                target_channel_id=escalate_to,
                issue=issue,
                sequence=nudge.sequence,
                escalated_to=escalate_to,
            )
        # A snooze made while this nudge was being sent has planned the next one already.
        if not store.has_pending_nudge(session, issue_id=issue.id):  # type: ignore[arg-type]
            store.plan_nudge(
                session,
                due_at=rules.renudge_due_at(now, tz=prepared.tz, every_days=prepared.rules.renudge_days),
                owner_id=nudge.owner_id,
                target_channel_id=nudge.target_channel_id,
                issue=issue,
                sequence=nudge.sequence + 1,
            )

    # ------------------------------------------------------------------ rate-limited channels

    def _pause(self, channel: str, until: datetime) -> None:
        with self._lock:
            self._paused[channel] = max(until, self._paused.get(channel, until))

    def _paused_until(self, channel: str) -> datetime | None:
        with self._lock:
            until = self._paused.get(channel)
        return until if until is not None and until > self.services.clock.now() else None

    def _paused_channels(self, now: datetime) -> list[str]:
        with self._lock:
            return [channel for channel, until in self._paused.items() if until > now]


def _ids_by_team(items: list[store.ClaimedNudge]) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = defaultdict(list)
    for item in items:
        grouped[item.team_id].append(item.id)
    return grouped
