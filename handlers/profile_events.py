"""`user_change`: someone edited their profile (often their timezone), so their cached profile goes."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from handlers.services import services_of


def register(app: App) -> None:
    app.event("user_change")(ack=forget_profile, lazy=[])


def forget_profile(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
    # Cheap enough to do before answering: it only drops a cache entry.
    user = event.get("user") or {}
    if user.get("id") and context.team_id:
        services_of(context).directory.forget(context.team_id, user["id"])
    ack()
