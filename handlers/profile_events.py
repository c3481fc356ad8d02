"""`user_change`: someone edited their profile (often their timezone), so their cached profile goes."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from handlers.context import services_of, team_of
from runtime.kinds import JobRun, job_kind
from runtime.services import Services


def register(app: App) -> None:
    app.event("user_change")(forget_profile)


def forget_profile(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
    # Cheap enough to do before answering: it only drops a cache entry, here and in the worker.
    user = event.get("user") or {}
    team_id = team_of(context)
    if user.get("id") and team_id:
        services = services_of(context)
        services.directory.forget(team_id, user["id"])
        # The worker processes keep a cache of their own.
        services.jobs.enqueue(FORGET_PROFILE_JOB, {"user_id": user["id"]}, team_id=team_id)
    ack()


FORGET_PROFILE_JOB = "forget_profile"


@job_kind(FORGET_PROFILE_JOB)
def forget_profile_job(services: Services, job: JobRun) -> None:
    services.directory.forget(job.team_id, job.payload["user_id"])
