"""`app_home_opened`: someone opened the bot's Home tab, so it is drawn afresh for them."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.home import HOME_FOLLOW_UPS, HOME_ISSUES, home_view
from handlers.commands.registry import help_lines
from handlers.context import services_of, team_of
from runtime.kinds import JobRun, job_kind
from runtime.services import Services
from slack_api.failures import SLACK_FAILURES, failure_code
from storage.follow_ups import open_follow_ups
from storage.issues import IssueQuery, example_issue_number, list_issues

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.event("app_home_opened")(home_opened)


def home_opened(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
    user_id = event.get("user")
    if event.get("tab") == "home" and user_id:  # not the Messages tab, and someone to draw it for
        team_id = team_of(context)
        services_of(context).jobs.enqueue(
            HOME_JOB,
            {"user_id": user_id},
            team_id=team_id,
            enterprise_id=context.enterprise_id,
            key=f"{team_id}:{user_id}",
        )
    ack()


HOME_JOB = "home"


@job_kind(HOME_JOB)
def home_job(services: Services, job: JobRun) -> None:
    publish_home(services, job.team_id, job.enterprise_id, job.payload["user_id"])


def publish_home(services: Services, team_id: str, enterprise_id: str | None, user_id: str) -> None:
    tz = services.directory.timezone(team_id, user_id, services.client)
    now = services.clock.now()
    with services.db.workspace(team_id, enterprise_id) as session:
        follow_ups = open_follow_ups(session, owner_id=user_id, party_id=None, limit=HOME_FOLLOW_UPS)
        issues = list_issues(session, IssueQuery(owner_id=user_id), now=now, limit=HOME_ISSUES)
        number = example_issue_number(session)
    view = home_view(follow_ups, issues, tz=tz, now=now, example_number=number, help_lines=help_lines())
    try:
        # Not through post_once: publishing the same view again is harmless, and a rerun draws it fresh.
        services.client.views_publish(user_id=user_id, view=view)
    except SLACK_FAILURES as problem:
        log.error("could not draw the Home tab for %s: %s", user_id, failure_code(problem))
