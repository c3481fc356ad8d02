"""The page's clock control: move the playground's time to the next follow-up, to Monday 9:00, or on
by an hour or a day, then have the scheduler look at once, so what came due is sent while one watches.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler

from playground.clock import PlaygroundClock, next_weekday_at
from playground.workspace import TEAM_ID, TIMEZONE
from runtime.services import Services
from storage.nudges import next_due

log = logging.getLogger(__name__)
MONDAY = 0
NINE = time(9, 0)
# A follow-up is sent by the next sweep after it is due; landing a moment past it shows it at once.
PAST_DUE = timedelta(seconds=1)


class TimeControl:
    def __init__(self, clock: PlaygroundClock, services: Services, scheduler: BaseScheduler | None) -> None:
        self.clock = clock
        self.services = services
        self.scheduler = scheduler

    def next_follow_up(self) -> datetime | None:
        with self.services.db.workspace(TEAM_ID) as session:
            found = next_due(session, after=self.clock.now())
        if found is None:
            return None
        return found if found.tzinfo else found.replace(tzinfo=UTC)  # SQLite keeps no offset

    def next_follow_up_text(self) -> str | None:
        found = self.next_follow_up()
        return found.isoformat() if found else None

    def move(self, to: str) -> datetime:
        """Move the clock; ValueError when there is nowhere to go."""
        now = self.clock.now()
        if to == "follow-up":
            due = self.next_follow_up()
            if due is None:
                raise ValueError("no follow-up is waiting")
            target = due + PAST_DUE
        elif to == "monday":
            target = next_weekday_at(now, MONDAY, NINE, ZoneInfo(TIMEZONE)) + PAST_DUE
        elif to == "hour":
            target = now + timedelta(hours=1)
        elif to == "day":
            target = now + timedelta(days=1)
        else:
            raise ValueError(f"no such place in time: {to!r}")
        moved = self.clock.move_to(target)
        log.info("playground clock moved to %s", moved.astimezone(ZoneInfo(TIMEZONE)).isoformat())
        self.look_now()
        return moved

    def look_now(self) -> None:
        """Run every sweep now rather than at its next turn."""
        if self.scheduler is None:
            return
        for job in self.scheduler.get_jobs():
            job.modify(next_run_time=datetime.now(UTC))  # real time on purpose: APScheduler's own timer
