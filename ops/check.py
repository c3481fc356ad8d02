"""`brm-bot check`: is this setup ready to serve? A checklist, with a fix for each failure.

Checked in order, each independently where it can be: the settings, Slack reachable at SLACK_API_URL,
the bot token (`auth.test`), the scopes granted to it (Slack's `x-oauth-scopes` header) against
the scopes the code needs (ops/scopes.py), the database reachable, and migrated to the newest
revision. Exit code 0 when everything passed, 1 when something failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import click
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from ops.scopes import BOT_SCOPES
from settings import Settings, SettingsError, load_settings
from slack_api.client import make_web_client
from storage.db import MIGRATIONS_DIR, make_engine

APP_SETTINGS = "your app's settings at https://api.slack.com/apps"


@dataclass(frozen=True)
class Item:
    """One line of the checklist; `fix` says what to do when it failed. `passed` None: not checked,
    because what it needs failed first (no token can be checked without reaching Slack)."""

    name: str
    passed: bool | None
    detail: str
    fix: str = ""

    @property
    def mark(self) -> str:
        return {True: "[ok]", False: "[FAIL]", None: "[skip]"}[self.passed]


def run_checks(settings: Settings) -> Iterator[Item]:
    mode = (
        "Socket Mode: SLACK_APP_TOKEN is set"
        if settings.socket_mode
        else "HTTP mode: SLACK_SIGNING_SECRET is set"
    )
    yield Item("settings", True, mode)
    yield from _slack_items(settings)
    yield from _database_items(settings)


def _slack_items(settings: Settings) -> Iterator[Item]:
    client = make_web_client(settings.slack_api_url, settings.bot_token, retries=False)
    where = f"SLACK_API_URL={settings.slack_api_url}"
    try:
        answer: SlackResponse | None = client.auth_test()
        refused = None
    except SlackApiError as problem:
        answer, refused = None, str(problem.response.get("error"))
    except OSError as problem:
        yield Item(
            "Slack reachable",
            False,
            f"no answer from {where} ({type(problem).__name__})",
            "check SLACK_API_URL (https://slack.com/api/, GovSlack: https://slack-gov.com/api/), and that "
            "this machine may reach it (firewall, HTTPS_PROXY)",
        )
        yield Item("bot token", None, "not checked: Slack could not be reached")
        yield Item("scopes", None, "not checked: Slack could not be reached")
        return
    yield Item("Slack reachable", True, f"{where} answered")
    if answer is None:
        yield Item(
            "bot token",
            False,
            f"Slack refused SLACK_BOT_TOKEN ({refused})",
            f"copy the Bot User OAuth Token (xoxb-...) again from OAuth & Permissions in {APP_SETTINGS}",
        )
        yield Item("scopes", None, "not checked: the token was refused")
        return
    yield Item(
        "bot token",
        True,
        f"accepted for workspace {answer.get('team')} ({answer.get('team_id')}) as @{answer.get('user')}",
    )
    yield _scopes_item(answer)
    if settings.app_token:
        yield _app_token_item(settings)


def _scopes_item(answer: SlackResponse) -> Item:
    header = next((value for key, value in answer.headers.items() if key.lower() == "x-oauth-scopes"), None)
    if isinstance(header, list):
        header = ",".join(header)
    if header is None:
        return Item(
            "scopes",
            False,
            "Slack did not say which scopes the token has (no x-oauth-scopes header)",
            "check that SLACK_API_URL points at Slack's Web API itself, or at a proxy that passes "
            "Slack's response headers on",
        )
    granted = {scope.strip() for scope in header.split(",") if scope.strip()}
    missing = sorted(BOT_SCOPES - granted)
    if missing:
        return Item(
            "scopes",
            False,
            f"the token lacks {', '.join(missing)}",
            f"add them under OAuth & Permissions > Scopes in {APP_SETTINGS} (or update the app from "
            "manifests/http.json or manifests/socket-mode.json), then reinstall the app to the workspace",
        )
    extra = sorted(granted - BOT_SCOPES)
    more = f"; also granted, not needed: {', '.join(extra)}" if extra else ""
    return Item("scopes", True, f"all {len(BOT_SCOPES)} needed scopes granted{more}")


def _app_token_item(settings: Settings) -> Item:
    """Socket Mode: the app-level token opens a connection (the URL Slack hands back is not used)."""
    client = make_web_client(settings.slack_api_url, retries=False)
    try:
        client.apps_connections_open(app_token=settings.app_token)
    except SlackApiError as problem:
        return Item(
            "app token",
            False,
            f"Slack refused SLACK_APP_TOKEN ({problem.response.get('error')})",
            f"create an app-level token with the connections:write scope under Basic Information in "
            f"{APP_SETTINGS}, and enable Socket Mode there",
        )
    except OSError as problem:
        return Item("app token", None, f"not checked: Slack did not answer ({type(problem).__name__})")
    return Item("app token", True, "SLACK_APP_TOKEN opens a Socket Mode connection")


def schema_revisions(connection: Connection) -> tuple[str | None, str | None]:
    """(the revision the database is at, None when it has no schema; the newest this code has)."""
    current = MigrationContext.configure(connection).get_current_revision()
    return current, ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def _database_items(settings: Settings) -> Iterator[Item]:
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current, head = schema_revisions(connection)
    except Exception as problem:
        first_line = (str(problem).splitlines() or [""])[0]
        yield Item(
            "database reachable",
            False,
            f"{_redacted(settings.database_url)}: {type(problem).__name__}: {first_line}"[:300],
            "check DATABASE_URL (host, port, user, password, database name) and that the database "
            "server is running and accepts connections from this machine",
        )
        yield Item("database migrated", None, "not checked: the database could not be reached")
        return
    finally:
        engine.dispose()
    yield Item("database reachable", True, _redacted(settings.database_url))
    if current != head:
        yield Item(
            "database migrated",
            False,
            f"the schema is at {current or 'nothing (empty database)'}, the code needs {head}",
            "run `brm-bot migrate` (the app also migrates when it starts)",
        )
    else:
        yield Item("database migrated", True, f"at {head}")


def _redacted(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@click.command()
def check() -> None:
    """Check this setup: settings, Slack token and scopes, database reachable and migrated.

    Prints a checklist with a fix for each failure; exits 1 when something failed.
    """
    try:
        settings = load_settings()
    except SettingsError as problem:
        items = [
            Item("settings", False, str(problem), "set it in the environment or in .env (see .env.example)")
        ]
    else:
        items = list(run_checks(settings))
    for item in items:
        click.echo(f"{item.mark} {item.name}: {item.detail}")
        if item.passed is False and item.fix:
            click.echo(f"       fix: {item.fix}")
    failed = sum(1 for item in items if item.passed is False)
    skipped = sum(1 for item in items if item.passed is None)
    if failed:
        not_checked = f", {skipped} not checked" if skipped else ""
        click.echo(f"{failed} of {len(items)} checks failed{not_checked}")
        raise SystemExit(1)
    click.echo(f"all {len(items)} checks passed")
