"""What every `brm-bot` command that works on the records starts from: the settings, the database and
the workspace the bot token belongs to.

A problem here ends the command with one line on stderr and exit code 2, the way `python app.py`
reports a bad setting.
"""

from __future__ import annotations

from dataclasses import dataclass

import click
from slack_sdk.errors import SlackApiError

from bot.clock import SystemClock
from logs import configure_logging
from ops.check import schema_revisions
from runtime.build import build_services
from runtime.services import Services
from settings import Settings, SettingsError, load_settings
from storage.db import Database


class CannotRun(click.ClickException):
    """One line for the operator; exit code 2."""

    exit_code = 2

    def show(self, file: object = None) -> None:
        click.echo(f"brm-bot: {self.message}", err=True)


@dataclass(frozen=True)
class Workspace:
    """The workspace whose records a command works on: the bot token's (an org-wide install's org)."""

    team_id: str
    enterprise_id: str | None
    name: str


def settings_or_stop() -> Settings:
    try:
        settings = load_settings()
    except SettingsError as problem:
        raise CannotRun(str(problem)) from None
    # The commands print their results on stdout; only warnings and errors go to the log (stderr).
    configure_logging(
        "WARNING",
        process_name="cli",
        secrets=(settings.bot_token, settings.signing_secret, settings.app_token),
        log_format=settings.log_format,
    )
    return settings


def services_or_stop(settings: Settings) -> Services:
    try:
        db = Database.from_url(settings.database_url, clock=SystemClock())
        with db.engine.connect() as connection:
            current, head = schema_revisions(connection)
    except Exception as problem:
        raise CannotRun(
            f"DATABASE_URL could not be opened ({type(problem).__name__}); `brm-bot check` says more"
        ) from None
    if current != head:
        db.dispose()
        raise CannotRun(
            f"the database's schema is at {current or 'nothing (an empty database)'} and this version needs "
            f"{head}: run `brm-bot migrate` first"
        )
    return build_services(settings, db=db)


def workspace_or_stop(services: Services) -> Workspace:
    """The bot token's workspace, from `auth.test` (the same rule as `team_of` for org-wide installs)."""
    try:
        answer = services.client.auth_test()
    except SlackApiError as problem:
        raise CannotRun(
            f"Slack refused SLACK_BOT_TOKEN ({problem.response.get('error')}); `brm-bot check` says more"
        ) from None
    except OSError as problem:
        raise CannotRun(
            f"Slack could not be reached at SLACK_API_URL={services.settings.slack_api_url} "
            f"({type(problem).__name__})"
        ) from None
    enterprise_id = answer.get("enterprise_id") or None
    if answer.get("is_enterprise_install") and enterprise_id:
        return Workspace(enterprise_id, enterprise_id, str(answer.get("enterprise") or enterprise_id))
    return Workspace(str(answer["team_id"]), enterprise_id, str(answer.get("team") or answer["team_id"]))
