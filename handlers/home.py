"""`app_home_opened`: someone opened the bot's Home tab, so it is drawn afresh for them."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.home import HOME_FOLLOW_UPS, HOME_ISSUES, home_view
from handlers.services import Services, services_of, team_of
from handlers.slack_failures import SLACK_FAILURES, failure_code
from storage.follow_ups import open_follow_ups
from storage.issues import IssueQuery, example_issue_number, list_issues

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.event("app_home_opened")(ack=home_opened, lazy=[])


def home_opened(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
    ack()
    user_id = event.get("user")
    if event.get("tab") != "home" or not user_id:
        return  # the Messages tab, or nobody to draw it for
    team_id = team_of(context)
    services_of(context).work.submit(
        publish_home, team_id, context.enterprise_id, user_id, key=f"{team_id}:{user_id}"
    )


def publish_home(services: Services, team_id: str, enterprise_id: str | None, user_id: str) -> None:
    tz = services.directory.timezone(team_id, user_id, services.client)
    now = services.clock.now()
    with services.db.workspace(team_id, enterprise_id) as session:
        follow_ups = open_follow_ups(session, owner_id=user_id, party_id=None, limit=HOME_FOLLOW_UPS)
        issues = list_issues(session, IssueQuery(owner_id=user_id), now=now, limit=HOME_ISSUES)
        number = example_issue_number(session)
    view = home_view(follow_ups, issues, tz=tz, now=now, example_number=number)
    try:
        services.client.views_publish(user_id=user_id, view=view)
    except SLACK_FAILURES as problem:
        log.error("could not draw the Home tab for %s: %s", user_id, failure_code(problem))
