"""brm-bot: builds the app from settings and starts it (Bolt app, listeners, scheduler, server).

    python app.py

HTTP mode (the default) serves Slack on POST /slack/events and a health check on GET /healthz
through waitress, a production WSGI server. With SLACK_APP_TOKEN set, it connects over Socket Mode.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltContext
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.errors import SlackApiError
from sqlalchemy import text

import handlers
from bot import dates
from bot.clock import Clock, SystemClock
from handlers.directory import UserDirectory
from handlers.scheduler import start_scheduler
from handlers.services import Services
from handlers.slack_client import make_web_client
from settings import Settings, SettingsError, load_settings
from storage.db import Database, migrate

log = logging.getLogger("brm")

SLACK_EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
SERVER_THREADS = 32


@dataclass
class BrmApp:
    bolt: App
    services: Services
    workers: ThreadPoolExecutor  # runs the listeners' work after the ack

    def close(self) -> None:
        """Let the work in flight finish; used on shutdown and by tests."""
        self.workers.shutdown(wait=True)

    def wsgi(self) -> WsgiApp:
        return WsgiApp(self)


def build_app(settings: Settings, *, clock: Clock | None = None, db: Database | None = None) -> BrmApp:
    """Everything wired together, nothing started: tests build it the same way app.py does."""
    db = db or Database.from_url(settings.database_url)
    client = make_web_client(settings.slack_api_url, settings.bot_token)
    services = Services(
        settings=settings,
        db=db,
        clock=clock or SystemClock(),
        directory=UserDirectory(client),
        client=client,
    )
    workers = ThreadPoolExecutor(max_workers=16, thread_name_prefix="brm-work")
    bolt = App(
        client=client,
        signing_secret=settings.signing_secret or "",
        # Ack inline in the request thread (no polling for it), and do the work in lazy listeners.
        process_before_response=True,
        listener_executor=workers,
        request_verification_enabled=not settings.socket_mode,
    )

    @bolt.middleware
    def provide_services(context: BoltContext, next: Any) -> Any:
        context["services"] = services
        return next()

    handlers.register_all(bolt)
    return BrmApp(bolt=bolt, services=services, workers=workers)


class WsgiApp:
    """Routes /slack/events to Bolt and answers the load balancer's health check."""

    def __init__(self, brm: BrmApp) -> None:
        self._brm = brm
        self._slack = SlackRequestHandler(brm.bolt, path=SLACK_EVENTS_PATH)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            healthy = self._database_reachable()
            status = "200 OK" if healthy else "503 Service Unavailable"
            body = json.dumps({"status": "ok" if healthy else "database unreachable"}).encode()
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        return self._slack(environ, start_response)

    def _database_reachable(self) -> bool:
        try:
            with self._brm.services.db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:
            log.exception("health check: database unreachable")
            return False


class _BoltTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and warns that our client (which carries it) wins; it is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


class _RedactSecrets(logging.Filter):
    """Slack tokens and signing secrets never reach a log line, whoever logs them."""

    PATTERN = re.compile(r"(xox[abpers]|xapp)-[A-Za-z0-9-]+")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.PATTERN.sub(r"\1-[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(_RedactSecrets())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.getLogger("slack_bolt.App").addFilter(_BoltTokenNotice())


def start(brm: BrmApp) -> None:
    settings = brm.services.settings
    start_scheduler(brm.services)
    if settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        log.info("connecting to Slack over Socket Mode")
        SocketModeHandler(
            brm.bolt, settings.app_token, web_client=make_web_client(settings.slack_api_url)
        ).start()
        return
    import waitress

    log.info("serving Slack on http://0.0.0.0:%d%s", settings.port, SLACK_EVENTS_PATH)
    waitress.serve(brm.wsgi(), host="0.0.0.0", port=settings.port, threads=SERVER_THREADS, ident="brm-bot")


def check_slack_token(settings: Settings) -> str | None:
    """None when Slack accepts the bot token, else one line saying what is wrong."""
    try:
        make_web_client(settings.slack_api_url, settings.bot_token).auth_test()
    except SlackApiError as problem:
        return (
            f"Slack refused SLACK_BOT_TOKEN ({problem.response.get('error')}): copy the Bot User OAuth Token "
            "again from OAuth & Permissions in your app's settings at https://api.slack.com/apps"
        )
    except Exception as problem:
        return f"could not reach Slack at SLACK_API_URL={settings.slack_api_url} ({type(problem).__name__})"
    return None


def main() -> int:
    try:
        settings = load_settings()
    except SettingsError as problem:
        print(f"brm-bot cannot start: {problem}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    log.info("starting with %r", settings)
    try:
        db = Database.from_url(settings.database_url)
        migrate(db.engine)
    except Exception as problem:
        print(
            f"brm-bot cannot start: DATABASE_URL could not be opened or migrated ({type(problem).__name__}: "
            f"{str(problem).splitlines()[0] if str(problem) else ''})",
            file=sys.stderr,
        )
        return 2
    problem_with_slack = check_slack_token(settings)
    if problem_with_slack:
        print(f"brm-bot cannot start: {problem_with_slack}", file=sys.stderr)
        return 2
    dates.warm_up()
    brm = build_app(settings, db=db)
    start(brm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
