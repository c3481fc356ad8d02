"""The kinds of job, and what a running job is given.

Each kind is registered once, by the listener module that enqueues it (`@job_kind("command")`), with
how many attempts it gets and how long one may take. A job function takes the process's `Services`
and a `JobRun`: the job's workspace, its JSON payload and `post_once`, through which every Slack
post of the job goes so that a second run of the job posts nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from runtime.services import Services
from storage.db import Database
from storage.jobs import ClaimedJob, record_post

log = logging.getLogger(__name__)

T = TypeVar("T")


class JobRun:
    """One attempt at one job."""

    def __init__(self, claimed: ClaimedJob, db: Database) -> None:
        self.claimed = claimed
        self._db = db
        self._posts = 0

    @property
    def id(self) -> int:
        return self.claimed.id

    @property
    def team_id(self) -> str:
        return self.claimed.team_id

    @property
    def enterprise_id(self) -> str | None:
        return self.claimed.enterprise_id

    @property
    def payload(self) -> dict[str, Any]:
        return self.claimed.payload

    @property
    def attempt(self) -> int:
        return self.claimed.attempt

    def post_once(self, send: Callable[[], T]) -> T | None:
        """Make the job's next Slack post, unless an earlier run of this job already made it.

        The posts of a job are counted in order; each one is recorded on the job's row as soon as
        Slack took it. A run after a crash skips as many as were recorded. (A crash between Slack
        taking a post and the record being written still posts that one again.)"""
        self._posts += 1
        if self._posts <= self.claimed.posts_done:
            log.info(
                "job %d: post %d was made by an earlier attempt; not posting it again", self.id, self._posts
            )
            return None
        result = send()
        with self._db.system() as session:
            record_post(session, self.id, posts_done=self._posts)
        return result


JobFunction = Callable[[Services, JobRun], None]
FailureReport = Callable[[Services, JobRun, str], None]


@dataclass(frozen=True)
class JobKind:
    name: str
    run: JobFunction
    max_attempts: int = 3
    time_limit: timedelta = timedelta(seconds=60)
    # Told to the person when the last attempt failed, with a reference to quote to an admin.
    on_failure: FailureReport | None = None
    first_retry: timedelta = timedelta(seconds=2)

    def retry_delay(self, attempts_made: int) -> timedelta:
        """2 s, 8 s, 32 s, ... at most 5 minutes: quick for a person waiting, gentle on a sick database."""
        return min(self.first_retry * 4 ** (attempts_made - 1), timedelta(minutes=5))


KINDS: dict[str, JobKind] = {}


def job_kind(
    name: str,
    *,
    max_attempts: int = 3,
    time_limit: timedelta = timedelta(seconds=60),
    on_failure: FailureReport | None = None,
) -> Callable[[JobFunction], JobFunction]:
    """Register the decorated function as the job of kind `name`."""

    def register(run: JobFunction) -> JobFunction:
        if name in KINDS and KINDS[name].run is not run:
            raise ValueError(f"two job kinds named {name!r}")
        KINDS[name] = JobKind(name, run, max_attempts, time_limit, on_failure)
        return run

    return register


def kind_named(name: str) -> JobKind | None:
    return KINDS.get(name)
