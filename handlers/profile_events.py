"""`user_change`: someone edited their profile (often their timezone), so their cached profile goes."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from handlers.services import Services, services_of, team_of


def register(app: App) -> None:
    app.event("user_change")(ack=forget_profile, lazy=[])


def forget_profile(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
    # Cheap enough to do before answering: it only drops a cache entry, here and in the worker.
    user = event.get("user") or {}
    team_id = team_of(context)
    if user.get("id") and team_id:
        services = services_of(context)
        services.directory.forget(team_id, user["id"])
        if services.work is not None:
            services.work.submit(forget_profile_job, team_id, user["id"])
    ack()


def forget_profile_job(services: Services, team_id: str, user_id: str) -> None:
    services.directory.forget(team_id, user_id)
