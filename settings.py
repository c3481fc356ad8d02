"""Settings read from the environment (and an optional `.env` file), checked once at start.

A bad setting stops the app with one line that names the variable and where to get the right
value; `load_settings` raises `SettingsError` carrying that line and `app.py` prints it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

import holidays
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite:///brm-bot.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_PORT = 3000
# What one process does: answer Slack (web), run the jobs and the scheduler (worker), or both on one
# machine (all: the web server plus a worker process beside it).
ROLES = ("all", "web", "worker")

_APP_SETTINGS_PAGE = "your Slack app's settings at https://api.slack.com/apps"


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line meant for the operator."""


@dataclass(frozen=True)
class Settings:
    bot_token: str
    signing_secret: str | None
    app_token: str | None
    database_url: str
    slack_api_url: str
    port: int
    log_level: str = "INFO"
    holiday_state: str | None = None  # BRM_HOLIDAY_STATE: the US state whose holidays get no nudges
    role: str = "all"  # BRM_ROLE, or `--role` on the command line

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None

    def __repr__(self) -> str:  # secrets never reach a log line through a repr
        return (
            f"Settings(socket_mode={self.socket_mode}, database={_redact_url(self.database_url)}, "
            f"slack_api_url={self.slack_api_url}, port={self.port}, role={self.role})"
        )


def load_settings(environ: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
    """Read and check every setting; raise `SettingsError` naming the first bad one."""
    if environ is None:
        if dotenv:
            from dotenv import load_dotenv

            load_dotenv(override=False)
        environ = os.environ
    env = {key: value.strip() for key, value in environ.items() if value and value.strip()}

    bot_token = env.get("SLACK_BOT_TOKEN")
    if not bot_token:
        raise SettingsError(
            "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-...) from "
            f"OAuth & Permissions in {_APP_SETTINGS_PAGE}"
        )
    if not bot_token.startswith("xoxb-"):
        raise SettingsError(
            "SLACK_BOT_TOKEN must be a bot token starting with xoxb-: copy it from "
            f"OAuth & Permissions in {_APP_SETTINGS_PAGE}"
        )

    app_token = env.get("SLACK_APP_TOKEN")
    if app_token is not None and not app_token.startswith("xapp-"):
        raise SettingsError(
            "SLACK_APP_TOKEN must be an app-level token starting with xapp-: create one with the "
            f"connections:write scope under Basic Information in {_APP_SETTINGS_PAGE}, "
            "or unset it to serve HTTP"
        )

    signing_secret = env.get("SLACK_SIGNING_SECRET")
    if app_token is None and not signing_secret:
        raise SettingsError(
            "SLACK_SIGNING_SECRET is not set (needed in HTTP mode): copy the Signing Secret from "
            f"Basic Information in {_APP_SETTINGS_PAGE}, or set SLACK_APP_TOKEN for Socket Mode"
        )

    return Settings(
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        database_url=_database_url(env.get("DATABASE_URL", DEFAULT_DATABASE_URL)),
        slack_api_url=_slack_api_url(env.get("SLACK_API_URL", DEFAULT_SLACK_API_URL)),
        port=_port(env.get("PORT", str(DEFAULT_PORT))),
        log_level=_log_level(env.get("LOG_LEVEL", "INFO")),
        holiday_state=_holiday_state(env.get("BRM_HOLIDAY_STATE")),
        role=role_setting(env.get("BRM_ROLE", "all"), "BRM_ROLE"),
    )


# With none of these set, `python app.py` serves the playground (playground/) instead of Slack.
SLACK_SETTINGS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN")


def slack_settings_given(environ: Mapping[str, str] | None = None, *, dotenv: bool = True) -> list[str]:
    """The Slack settings that are set (in the environment or `.env`); none means "try the playground"."""
    if environ is None:
        if dotenv:
            from dotenv import load_dotenv

            load_dotenv(override=False)
        environ = os.environ
    return [name for name in SLACK_SETTINGS if (environ.get(name) or "").strip()]


def port_setting(environ: Mapping[str, str] | None = None) -> int:
    """PORT alone (the playground needs no other setting); SettingsError when it is not a port."""
    raw = ((os.environ if environ is None else environ).get("PORT") or "").strip()
    return _port(raw or str(DEFAULT_PORT))


def role_setting(raw: str, where: str) -> str:
    role = raw.lower()
    if role not in ROLES:
        raise SettingsError(f"{where} must be one of {', '.join(ROLES)}, not {raw!r}")
    return role


def _database_url(raw: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            raw = "postgresql+psycopg://" + raw[len(prefix) :]
    try:
        url = make_url(raw)
    except ArgumentError:
        raise SettingsError(
            "DATABASE_URL is not a database URL: use sqlite:///path/to/brm-bot.db or "
            "postgresql+psycopg://user:password@host:5432/dbname"
        ) from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise SettingsError(
            f"DATABASE_URL names an unsupported database ({url.get_backend_name()}): use sqlite:/// "
            "or postgresql+psycopg://"
        )
    if url.get_backend_name() == "postgresql" and url.get_driver_name() != "psycopg":
        raise SettingsError(
            "DATABASE_URL for PostgreSQL must use the psycopg driver: postgresql+psycopg://..."
        )
    return raw


def _slack_api_url(raw: str) -> str:
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError(
            "SLACK_API_URL must be an http(s) URL such as https://slack.com/api/ "
            "(GovSlack: https://slack-gov.com/api/)"
        )
    # slack_sdk joins method names onto the base URL, which therefore has to end with a slash.
    return raw if raw.endswith("/") else raw + "/"


def _port(raw: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"PORT must be a whole number from 1 to 65535, not {raw!r}")
    return int(raw)


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError(f"LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, not {raw!r}")
    return level


def _holiday_state(raw: str | None) -> str | None:
    if raw is None:
        return None
    state = raw.upper()
    if state not in holidays.US.subdivisions:
        raise SettingsError(
            f"BRM_HOLIDAY_STATE must be a US state or territory code such as CA, NY or TX, not {raw!r}"
        )
    return state


def _redact_url(raw: str) -> str:
    return make_url(raw).render_as_string(hide_password=True)
