"""brm-bot: builds the app from settings and starts it (Bolt app, listeners, scheduler, server).

    python app.py [--role all|web|worker]     serve (all: the web server and a worker process beside it)
    python app.py migrate                     create or upgrade the schema, then exit
    python app.py jobs failed | jobs retry [ID ...]    see and retry the jobs that failed for good
    python app.py --playground [--demo]       try it in a local page, no Slack (the default with no settings)
    python app.py export --workspace T... --out FILE.zip [...]    a records export (export --help)

HTTP mode (the default) serves Slack on POST /slack/events, GET /healthz and GET /metrics through
waitress, a production WSGI server, on HOST:PORT. With SLACK_APP_TOKEN set, it uses Socket Mode.
Work after an acknowledgement is a job in the database (runtime/), run by the worker processes.
"""

from __future__ import annotations

import argparse
import errno
import functools
import gc
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk.errors import SlackApiError

import handlers
from bot import dates
from bot.clock import Clock, SystemClock
from handlers.command_intake import CommandIntake
from handlers.request_log import ObservedApp
from logs import configure_logging
from runtime.build import build_services
from runtime.give_way import GiveWay, WebActivity
from runtime.health_check import health_problem
from runtime.heartbeat import Heartbeat
from runtime.metrics import METRICS_PATH, MetricsPage, count_refused, serve_worker_metrics
from runtime.process import WorkerProcess
from runtime.scheduler import start_scheduler
from runtime.services import Services
from runtime.worker import Worker
from settings import ROLES, Settings, SettingsError, load_settings, role_setting, slack_settings_given
from slack_api.client import bot_token_problem, make_web_client
from storage.db import Database, migrate
from web.http_door import MAX_BODY_BYTES, SlackDoor

log = logging.getLogger("brm")

SLACK_EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
SERVER_THREADS = 32


@dataclass
class BrmApp:
    bolt: App
    services: Services
    worker: Worker | None = None  # a worker in this process (tests); in production, processes of their own
    worker_process: WorkerProcess | None = None  # role `all`: the worker beside this web process
    # Takes `/brm` commands over HTTP without Bolt's dispatch (handlers/command_intake.py).
    command_intake: CommandIntake | None = None
    web_activity: WebActivity | None = None  # role `all`: what the worker beside it gives way to

    def close(self) -> None:
        """Let the work in flight finish; used on shutdown and by tests."""
        if self.worker is not None:
            self.worker.stop()
        if self.worker_process is not None:
            self.worker_process.stop()
        self.services.jobs.close()

    def wsgi(self) -> WsgiApp:
        return WsgiApp(self)


def build_app(
    settings: Settings, *, clock: Clock | None = None, db: Database | None = None, run_jobs_here: bool = True
) -> BrmApp:
    """Everything wired together: tests build it the same way app.py does.

    `run_jobs_here`: a worker runs the jobs on threads of this process (the tests, with their clock);
    app.py runs them in worker processes instead (runtime/process.py).
    """
    services = build_services(settings, clock=clock, db=db)
    bolt = ObservedApp(  # every request logged once and counted (handlers/request_log.py)
        client=services.client,
        signing_secret=settings.signing_secret or "",
        # Ack inline in the request thread; the work after the ack is a job (handlers/after_ack.py).
        process_before_response=True,
        # Over HTTP the door (web/http_door.py) checks every signature before Bolt sees the request,
        # and logs no body when one fails; Socket Mode requests carry no signature.
        request_verification_enabled=False,
    )

    @bolt.middleware
    def provide_services(context: BoltContext, next: Any) -> Any:
        context["services"] = services
        return next()

    handlers.register_all(bolt)
    brm = BrmApp(bolt=bolt, services=services, command_intake=CommandIntake(services))
    if run_jobs_here:
        brm.worker = Worker(services)
        brm.worker.start()
    return brm


class WsgiApp:
    """Routes /slack/events through the door (web/http_door.py) to Bolt, and answers the load
    balancer's health check and Prometheus's scrape (/metrics).

    In Socket Mode (`socket_connected` given) Slack's requests arrive over the socket and Bolt does
    not check signatures, so this server answers the health check only, which then also says
    whether the socket is connected.
    """

    def __init__(self, brm: BrmApp, *, socket_connected: Callable[[], bool] | None = None) -> None:
        self._brm = brm
        self._socket_connected = socket_connected
        secret = brm.services.settings.signing_secret or ""
        door = SlackDoor(
            brm.bolt, secret, path=SLACK_EVENTS_PATH, on_refused=count_refused, intake=brm.command_intake
        )
        self._slack = None if socket_connected else door
        self._metrics = MetricsPage(brm.services.db, brm.services.clock)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            problem, details = self._health()
            status = "503 Service Unavailable" if problem else "200 OK"
            return _json(start_response, status, {"status": problem or "ok", "details": details})
        if environ.get("PATH_INFO") == METRICS_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return self._metrics(environ, start_response)
        if self._slack is None:
            return _json(start_response, "404 Not Found", {"status": "not found"})
        with self._brm.web_activity or nullcontext():  # counted for the worker beside this process
            return self._slack(environ, start_response)

    def _health(self) -> tuple[str | None, dict[str, Any]]:
        """What is wrong (None: nothing), and how the job queue stands (runtime/health_check.py)."""
        worker_process = self._brm.worker_process
        return health_problem(
            self._brm.services,
            jobs_run_here=self._brm.worker is not None,
            worker_process_alive=None if worker_process is None else worker_process.alive(),
            socket_connected=None if self._socket_connected is None else self._socket_connected(),
        )


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
    server = listen(brm.wsgi(), settings.port, host=settings.host, **server_options())
    log.info("serving Slack on http://%s:%d%s", settings.host, settings.port, SLACK_EVENTS_PATH)
    server.run()  # returns on Ctrl-C or SIGTERM


def server_options() -> dict[str, Any]:
    """How waitress serves Slack. Its own cap on bodies answers an oversized upload with 413 as soon as
    the headers are read, before the body is buffered; the door checks the same cap for any server."""
    return {"threads": SERVER_THREADS, "ident": "brm-bot", "max_request_body_size": MAX_BODY_BYTES}


def listen(wsgi_app: Any, port: int, *, host: str = "0.0.0.0", **options: Any) -> Any:
    """A waitress server bound to `host:port`; CannotStart, in one line, when the port cannot be had."""
    import waitress

    try:
        return waitress.create_server(wsgi_app, host=host, port=port, **options)
    except OSError as problem:
        if problem.errno == errno.EADDRNOTAVAIL:
            raise CannotStart(f"HOST={host} is not an address of this machine; unset HOST for all") from None
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
        health = listen(health_check, settings.port, host=settings.host, threads=2, ident="brm-bot")
    except CannotStart:
        handler.close()
        raise
    threading.Thread(target=health.run, name="brm-health", daemon=True).start()
    log.info("answering health checks on http://%s:%d%s", settings.host, settings.port, HEALTH_PATH)
    try:
        threading.Event().wait()  # the handler's own threads receive and answer; this one waits for a stop
    finally:
        health.close()
        handler.close()


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="app.py", description="brm-bot, a Slack bot for BRMs")
    parser.add_argument("--role", choices=ROLES, help="what this process does (default: BRM_ROLE, or all)")
    parser.add_argument("--migrate-only", action="store_true", help="migrate the schema, then exit")
    parser.add_argument("--playground", action="store_true", help="try the bot in a local page, no Slack")
    parser.add_argument("--demo", action="store_true", help="the playground, with a small made-up data set")
    # A worker the web process started (role all): who started it, and where to say it is ready.
    parser.add_argument("--parent", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--ready-fd", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--web-activity-fd", type=int, help=argparse.SUPPRESS)
    parser.add_argument("command", nargs="*", help="migrate | jobs failed | jobs retry [ID ...] | export ...")
    arguments, rest = parser.parse_known_args(argv)
    if rest and arguments.command[:1] != ["export"]:  # only the export has options (runtime/records_cli.py)
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    arguments.command += rest
    return arguments


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if wants_playground(arguments):
        from playground.start import run_playground

        serve = functools.partial(listen, **server_options())
        return run_playground(
            demo=arguments.demo, build_app=build_app, listen=serve, cannot_start=CannotStart
        )
    try:
        settings = load_settings()
        if arguments.role:
            settings = replace(settings, role=role_setting(arguments.role, "--role"))
    except SettingsError as problem:
        print(f"brm-bot cannot start: {problem}", file=sys.stderr)
        return 2
    worker_of = arguments.parent
    configure_logging(
        settings.log_level,
        process_name="worker" if worker_of else "",
        secrets=(settings.bot_token, settings.signing_secret, settings.app_token),
        log_format=settings.log_format,
    )
    if not worker_of:
        log.info("starting with %r", settings)
    try:
        db = Database.from_url(settings.database_url, clock=SystemClock())
        if not worker_of:  # the web process beside it has just migrated
            migrate(db.engine)
    except Exception as problem:
        print(
            f"brm-bot cannot start: DATABASE_URL could not be opened or migrated ({type(problem).__name__}: "
            f"{str(problem).splitlines()[0] if str(problem) else ''})",
            file=sys.stderr,
        )
        return 2
    if arguments.migrate_only or arguments.command == ["migrate"]:
        log.info("the schema is current")
        return 0
    if arguments.command:
        from runtime.admin import run_admin_command

        return run_admin_command(arguments.command, build_services(settings, db=db))
    if not worker_of:
        problem_with_slack = bot_token_problem(settings.slack_api_url, settings.bot_token)
        if problem_with_slack:
            print(f"brm-bot cannot start: {problem_with_slack}", file=sys.stderr)
            return 2
    dates.warm_up()
    if settings.role == "worker":
        return run_worker(
            settings, db, parent=worker_of, ready_fd=arguments.ready_fd, web_fd=arguments.web_activity_fd
        )
    return run_web(settings, db)


def wants_playground(arguments: argparse.Namespace) -> bool:
    """Asked for, or `python app.py` alone with no Slack settings at all (a first try on a new machine)."""
    bare = not (arguments.command or arguments.migrate_only or arguments.role or arguments.parent)
    return arguments.playground or arguments.demo or (bare and not slack_settings_given())


def run_web(settings: Settings, db: Database) -> int:
    """Serve Slack (role web), with a worker process beside this one (role all)."""
    brm = build_app(settings, db=db, run_jobs_here=False)
    if settings.role == "all":
        # The worker process runs the jobs and the scheduler's sweeps; this one only answers Slack.
        brm.web_activity = WebActivity()
        brm.worker_process = WorkerProcess(web_activity_fd=brm.web_activity.fd)
        brm.worker_process.start()
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


def run_worker(
    settings: Settings,
    db: Database,
    *,
    parent: int | None,
    ready_fd: int | None = None,
    web_fd: int | None = None,
) -> int:
    """Run jobs and the scheduler's sweeps until SIGTERM (or, beside a web process, until it is gone,
    giving way to its requests as `web_fd` shows them: runtime/give_way.py)."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    if parent:
        # Ctrl-C reaches the whole process group; the web process decides when its worker stops.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    else:
        signal.signal(signal.SIGINT, lambda _signum, _frame: stop.set())
    services = build_services(settings, db=db)  # every kind of job was registered importing `handlers`
    worker = Worker(services, give_way=GiveWay.from_fd(web_fd).wait if web_fd is not None else None)
    worker.start()
    scheduler = start_scheduler(services)
    if settings.metrics_port:
        serve_worker_metrics(settings.host, settings.metrics_port)
    heartbeat = Heartbeat(services, worker.name, lambda: bool(scheduler.running))
    heartbeat.start()
    if ready_fd is not None:
        os.write(ready_fd, b"r")
        os.close(ready_fd)
    gc.freeze()
    while not stop.wait(1.0):
        if parent and os.getppid() != parent:
            log.error("the web process %d is gone; stopping", parent)
            break
    log.info("stopping: finishing the jobs in flight")
    heartbeat.stop()
    scheduler.shutdown(wait=True)
    worker.stop()
    services.db.dispose()
    log.info("stopped")
    return 0


def _stop_serving(_signum: int, _frame: object) -> None:
    # SIGTERM (from systemd, Kubernetes, a load balancer's drain) stops the server like Ctrl-C does,
    # so the worker process is shut down cleanly instead of being left behind.
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
