"""Records written straight into a database before a real app process starts on it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import FrozenClock
from bot.recording import Origin, record_log
from storage.db import Database, migrate
from storage.models import Issue


def issue_due_while_down(database_url: str) -> Issue:
    """An open issue logged ten days ago in C1 by U1, whose follow-up came due two days later: a
    process started now (it reads the wall clock) finds its nudge due."""
    ten_days_ago = datetime.now(UTC) - timedelta(days=10)
    db = Database.from_url(database_url, clock=FrozenClock(ten_days_ago))
    migrate(db.engine)
    with db.workspace("T1") as session:
        receipt = record_log(
            session,
            text="DMV call. not working: portal login fails. follow up in 2 days",
            origin=Origin(actor_id="U1", channel_id="C1"),
            tz=ZoneInfo("America/New_York"),
            now=ten_days_ago,
        )
    db.dispose()
    [issue] = receipt.issues
    return issue
