"""Who may do records work (export, retention, holds, naming admins): records administrators.

They are the workspace's owners and admins as Slack says in `users.info` (`is_primary_owner`,
`is_owner`, `is_admin`, or the same on Enterprise Grid's `enterprise_user`), plus the people named
with `/brm admin add`. Slack is asked afresh each time, not the hour-long profile cache: someone
whose admin role was taken away should lose records authority at once. A lookup that fails refuses,
and says so, rather than guessing.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.errors import NotAllowed
from handlers.commands.request import CommandRequest
from slack_api.failures import SLACK_FAILURES, failure_code
from storage.db import Database
from storage.records_admins import named_admin

log = logging.getLogger(__name__)

SLACK_ROLES = ("is_primary_owner", "is_owner", "is_admin")


def slack_admin(user: dict[str, Any]) -> bool:
    """Whether a `users.info` user is an owner or admin of their workspace or Enterprise Grid org."""
    grid = user.get("enterprise_user") or {}
    return any(bool(user.get(role)) or bool(grid.get(role)) for role in SLACK_ROLES)


def why_records_admin(
    db: Database, client: WebClient, *, team_id: str, enterprise_id: str | None, user_id: str
) -> str | None:
    """How `user_id` is a records admin ("named with /brm admin add", "a Slack workspace admin"), or
    None when they are not one."""
    with db.workspace(team_id, enterprise_id) as session:
        if named_admin(session, user_id) is not None:
            return "named with `/brm admin add`"
    try:
        user = client.users_info(user=user_id)["user"]
    except SLACK_FAILURES as problem:
        log.warning("users.info failed for %s (%s): records access refused", user_id, failure_code(problem))
        raise NotAllowed(
            "I couldn't check with Slack whether you are a workspace admin just now, so I did nothing. "
            "Please try again in a moment."
        ) from None
    return "a Slack workspace owner or admin" if slack_admin(user) else None


def require_records_admin(
    db: Database, client: WebClient, *, team_id: str, enterprise_id: str | None, user_id: str, doing: str
) -> None:
    """NotAllowed, saying who may, unless `user_id` is a records admin; `doing`: "export records"."""
    if why_records_admin(db, client, team_id=team_id, enterprise_id=enterprise_id, user_id=user_id) is None:
        log.info("records access refused: %s may not %s in %s", user_id, doing, team_id)
        raise NotAllowed(
            f"Only records administrators may {doing}: this workspace's Slack owners and admins, and "
            "the people they name with `/brm admin add @person`. Ask one of them "
            "(`/brm admin list` shows who they are)."
        )


def require_for_command(request: CommandRequest, doing: str) -> None:
    """`require_records_admin` for the person who sent a `/brm` command."""
    require_records_admin(
        request.services.db,
        request.client,
        team_id=request.team_id,
        enterprise_id=request.enterprise_id,
        user_id=request.user_id,
        doing=doing,
    )
