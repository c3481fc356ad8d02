"""A separate OS process that sweeps nudges, for the tests and the benchmark that run several at once.

    python -m tests.support.nudge_worker DATABASE_URL SLACK_API_URL [--lease S] [--hold S] [--pace S]

It builds the same services the app builds (real clock, the given database and Slack URL) and runs
the nudge sweep the scheduler runs, again and again, until no nudge is due or being sent. `--hold`
waits that long between posting a nudge and recording it, to widen the window a crash can hit.
It prints one line, `swept <n>`, when it is done. `seed_due_nudges` fills a database with due ones.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, or_
from sqlmodel import select

from bot.clock import SystemClock
from bot.nudges import is_working_day
from runtime.kinds import KINDS
from runtime.nudge_sender import NudgeSender
from runtime.queue import JobQueue
from runtime.services import Services
from settings import Settings
from slack_api.client import make_web_client
from slack_api.directory import UserDirectory
from storage.db import Database
from storage.models import Issue, Nudge, NudgeStatus, Party, Workspace

DEADLINE_SECONDS = 300
OWNER_TZ = ZoneInfo("America/New_York")


def build_services(database_url: str, slack_api_url: str) -> Services:
    settings = Settings(
        bot_token="xoxb-worker",
        signing_secret="unused",
        app_token=None,
        database_url=database_url,
        slack_api_url=slack_api_url,
        port=0,
    )
    client = make_web_client(slack_api_url, settings.bot_token)
    db = Database.from_url(database_url, clock=SystemClock())
    return Services(
        settings=settings,
        db=db,
        clock=SystemClock(),
        directory=UserDirectory(client),
        client=client,
        jobs=JobQueue(db, SystemClock(), KINDS),
    )


def seed_due_nudges(
    db: Database, *, count: int, channels: int, team_id: str = "T1", owner_id: str = "U1"
) -> list[int]:
    """`count` open issues of one party, one due nudge each, spread evenly over `channels` channels.

    Due an hour ago by the real clock, or on the last working day before that (in New York, the fake's
    default timezone) so that a weekend or holiday today does not hold them back. Written in bulk (not
    through /brm) so thousands take a second. Returns the nudge ids.
    """
    now = datetime.now(UTC)
    due = now - timedelta(hours=1)
    while not is_working_day(due.astimezone(OWNER_TZ).date(), None):
        due -= timedelta(days=1)
    with db.engine.begin() as connection:
        connection.execute(
            insert(Workspace).values(
                team_id=team_id, issue_seq=count, renudge_days=7, cold_after_days=30, created_at=now
            )
        )
        party_id = connection.execute(
            insert(Party)
            .values(team_id=team_id, name="DMV", name_key="dmv", kind="agency", created_at=now)
            .returning(Party.id)
        ).scalar_one()
        issue_ids = (
            connection.execute(
                insert(Issue).returning(Issue.id, sort_by_parameter_order=True),
                [
                    dict(
                        team_id=team_id,
                        number=n + 1,
                        party_id=party_id,
                        title=f"problem {n + 1}",
                        severity="medium",
                        owner_id=owner_id,
                        status="open",
                        follow_up_at=due,
                        follow_up_has_time=True,
                        source="command",
                        channel_id=f"C{n % channels:04d}",
                        raised_by=owner_id,
                        created_at=now - timedelta(days=3),
                        updated_at=now,
                    )
                    for n in range(count)
                ],
            )
            .scalars()
            .all()
        )
        return list(
            connection.execute(
                insert(Nudge).returning(Nudge.id, sort_by_parameter_order=True),
                [
                    dict(
                        team_id=team_id,
                        issue_id=issue_id,
                        owner_id=owner_id,
                        due_at=due,
                        sequence=1,
                        status="pending",
                        attempts=0,
                        check_before_post=False,
                        target_channel_id=f"C{n % channels:04d}",
                        created_at=now,
                    )
                    for n, issue_id in enumerate(issue_ids)
                ],
            )
            .scalars()
            .all()
        )


def work_left(services: Services) -> int:
    """Nudges being sent, or due within the hour (one waiting out a rate limit is due in seconds);
    the weekly reminders planned after each one are not this run's work."""
    now = services.clock.now() + timedelta(hours=1)
    with services.db.system() as session:
        statement = select(func.count()).where(
            or_(
                Nudge.status == NudgeStatus.SENDING,
                (Nudge.status == NudgeStatus.PENDING) & (Nudge.due_at <= now),
            )
        )
        return int(session.exec(statement).one())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("slack_api_url")
    parser.add_argument("--lease", type=float, default=300.0)
    parser.add_argument("--hold", type=float, default=0.0)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--pace", type=float, default=1.0, help="seconds between two nudges in a channel")
    args = parser.parse_args(argv)
    services = build_services(args.database_url, args.slack_api_url)
    sender = NudgeSender(
        services,
        lease=timedelta(seconds=args.lease),
        threads=args.threads,
        channel_interval=timedelta(seconds=args.pace),
    )
    if args.hold:
        record = sender._record

        def held(*a: object, **kw: object) -> int:
            time.sleep(args.hold)
            return record(*a, **kw)  # type: ignore[arg-type]

        sender._record = held  # type: ignore[method-assign]
    swept = 0
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        swept += sender.sweep()
        if work_left(services) == 0:
            break
        time.sleep(0.05)
    print(f"swept {swept} cpu {time.process_time():.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
