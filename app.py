"""brm-bot: builds the app from settings and starts it (Bolt app, listeners, scheduler, server).

    python app.py

HTTP mode (the default) serves Slack on POST /slack/events and a health check on GET /healthz
through waitress, a production WSGI server. With SLACK_APP_TOKEN set, it connects over Socket Mode.
"""

from __future__ import annotations

import errno
import gc
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk.errors import SlackApiError
from sqlalchemy import text

import handlers
from bot import dates
from bot.clock import Clock, SystemClock
from handlers.http_door import MAX_BODY_BYTES, SlackDoor
from handlers.services import Services, build_services
from handlers.slack_client import make_web_client
from handlers.work import ProcessWork, ThreadWork, Work
from logs import configure_logging
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
    listener_threads: ThreadPoolExecutor  # runs Bolt's lazy listeners (shortcuts, events, actions)

    def close(self) -> None:
        """Let the work in flight finish; used on shutdown and by tests."""
        self.listener_threads.shutdown(wait=True)
        if self.services.work is not None:
            self.services.work.shutdown()

    def wsgi(self) -> WsgiApp:
        return WsgiApp(self)


def build_app(
    settings: Settings, *, clock: Clock | None = None, db: Database | None = None, work: Work | None = None
) -> BrmApp:
    """Everything wired together, nothing started: tests build it the same way app.py does.

    `work` runs the `/brm` commands after their ack: a worker process in production (see
    handlers/work.py), threads of this process by default.
    """
    services = build_services(settings, clock=clock, db=db, work=work or ThreadWork())
    listener_threads = ThreadPoolExecutor(max_workers=8, thread_name_prefix="brm-listener")
    bolt = App(
        client=services.client,
        signing_secret=settings.signing_secret or "",
        # Ack inline in the request thread (no polling for it), and do the work in lazy listeners.
        process_before_response=True,
        listener_executor=listener_threads,
        # Over HTTP the door (handlers/http_door.py) checks every signature before Bolt sees the request,
        # and logs no body when one fails; Socket Mode requests carry no signature.
        request_verification_enabled=False,
    )

    @bolt.middleware
    def provide_services(context: BoltContext, next: Any) -> Any:
        context["services"] = services
        return next()

    handlers.register_all(bolt)
    return BrmApp(bolt=bolt, services=services, listener_threads=listener_threads)


class WsgiApp:
    """Routes /slack/events through the door (handlers/http_door.py) to Bolt, and answers the load
    balancer's health check.

    In Socket Mode (`socket_connected` given) Slack's requests arrive over the socket and Bolt does
    not check signatures, so this server answers the health check only, which then also says
    whether the socket is connected.
    """

    def __init__(self, brm: BrmApp, *, socket_connected: Callable[[], bool] | None = None) -> None:
        self._brm = brm
        self._socket_connected = socket_connected
        self._slack = (
            None
            if socket_connected
            else SlackDoor(brm.bolt, brm.services.settings.signing_secret or "", path=SLACK_EVENTS_PATH)
        )

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            problem = self._health_problem()
            status = "503 Service Unavailable" if problem else "200 OK"
            return _json(start_response, status, {"status": problem or "ok"})
        if self._slack is None:
            return _json(start_response, "404 Not Found", {"status": "not found"})
        return self._slack(environ, start_response)

    def _health_problem(self) -> str | None:
        if not self._database_reachable():
            return "database unreachable"
        if self._socket_connected is not None and not self._socket_connected():
            return "not connected to Slack"
        return None

    def _database_reachable(self) -> bool:
        try:
            with self._brm.services.db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:
            log.exception("health check: database unreachable")
            return False


def _json(start_response: Any, status: str, answer: dict[str, Any]) -> list[bytes]:
    body = json.dumps(answer).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


class CannotStart(Exception):
    """Serving could not begin; the message is one line for the operator."""


def start(brm: BrmApp) -> None:
    """Serve Slack until interrupted (Ctrl-C, or SIGTERM through `_stop_serving`)."""
    settings = brm.services.settings
    if settings.socket_mode:
        serve_socket_mode(brm)
        return
    server = listen(brm.wsgi(), settings.port, **server_options())
    log.info("serving Slack on http://0.0.0.0:%d%s", settings.port, SLACK_EVENTS_PATH)
    server.run()  # returns on Ctrl-C or SIGTERM


def server_options() -> dict[str, Any]:
    """How waitress serves Slack. Its own cap on bodies answers an oversized upload with 413 as soon as
    the headers are read, before the body is buffered; the door checks the same cap for any server."""
    return {"threads": SERVER_THREADS, "ident": "brm-bot", "max_request_body_size": MAX_BODY_BYTES}


def listen(wsgi_app: Any, port: int, **options: Any) -> Any:
    """A waitress server bound to `port`; CannotStart, in one line, when the port cannot be had."""
    import waitress

    try:
        return waitress.create_server(wsgi_app, host="0.0.0.0", port=port, **options)
    except OSError as problem:
        if problem.errno == errno.EADDRINUSE:
            why = "is in use by another program; stop that program or set PORT to a free port"
        elif problem.errno == errno.EACCES:
            why = "needs privileges this user does not have; set PORT to 1024 or above"
        else:
            why = f"cannot be listened on ({problem.strerror or type(problem).__name__})"
        raise CannotStart(f"port {port} {why}") from None


def serve_socket_mode(brm: BrmApp) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    settings = brm.services.settings
    handler = SocketModeHandler(
        brm.bolt, settings.app_token, web_client=make_web_client(settings.slack_api_url)
    )
    log.info("connecting to Slack over Socket Mode")
    try:
        handler.connect()
    except SlackApiError as problem:
        raise CannotStart(
            f"Slack refused SLACK_APP_TOKEN ({problem.response.get('error')}): create an app-level token "
            "with the connections:write scope under Basic Information in your app's settings at "
            "https://api.slack.com/apps"
        ) from None
    except Exception as problem:
        raise CannotStart(
            f"could not open a Socket Mode connection through SLACK_API_URL={settings.slack_api_url} "
            f"({type(problem).__name__})"
        ) from None
    log.info("connected to Slack over Socket Mode")
    try:
        health_check = WsgiApp(brm, socket_connected=handler.client.is_connected)
        health = listen(health_check, settings.port, threads=2, ident="brm-bot")
    except CannotStart:
        handler.close()
        raise
    threading.Thread(target=health.run, name="brm-health", daemon=True).start()
    log.info("answering health checks on http://0.0.0.0:%d%s", settings.port, HEALTH_PATH)
    try:
        threading.Event().wait()  # the handler's own threads receive and answer; this one waits for a stop
    finally:
        health.close()
        handler.close()


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
    configure_logging(
        settings.log_level, secrets=(settings.bot_token, settings.signing_secret, settings.app_token)
    )
    log.info("starting with %r", settings)
    try:
        db = Database.from_url(settings.database_url, clock=SystemClock())
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
    # The worker process runs the commands' work and the scheduler's sweeps; this one only answers Slack.
    work = ProcessWork(settings, with_scheduler=True)
    try:
        work.start()
    except Exception as problem:
        print(
            f"brm-bot cannot start: the worker process did not start ({problem}); see the log above",
            file=sys.stderr,
        )
        return 2
    brm = build_app(settings, db=db, work=work)
    signal.signal(signal.SIGTERM, _stop_serving)
    # Everything loaded so far (libraries, dateparser's tables, the app) lives as long as the process:
    # moving it out of the garbage collector's sight keeps full collections, which pause every
    # thread, short while requests are being answered.
    gc.freeze()
    try:
        start(brm)  # returns, or raises KeyboardInterrupt, on Ctrl-C or SIGTERM
    except KeyboardInterrupt:
        pass
    except CannotStart as problem:
        print(f"brm-bot cannot start: {problem}", file=sys.stderr)
        return 2
    finally:
        log.info("stopping: finishing the work in flight")
        brm.close()
    log.info("stopped")
    return 0


def _stop_serving(_signum: int, _frame: object) -> None:
    # SIGTERM (from systemd, Kubernetes, a load balancer's drain) stops the server like Ctrl-C does,
    # so the worker process is shut down cleanly instead of being left behind.
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
