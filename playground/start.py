"""Starting the playground: the real app, built with the playground's clock, on a fresh database of its
own, beside the stand-in Slack and the page, all served on one address on 127.0.0.1.

Everything runs in this one process: the web server, a worker on threads, and the scheduler's sweeps.
The app is built by `app.build_app` exactly as for Slack; only its Slack (SLACK_API_URL) is the stand-in
and its requests come from the stand-in, signed with a secret made up for this run. app.py hands over
how it builds and serves the app, so this package imports nothing of app.py (no import cycle).
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from waitress import wasyncore

from bot import dates
from logs import configure_logging
from playground.clock import PlaygroundClock
from playground.demo import load_demo
from playground.page import Page
from playground.server import APP_PATHS, PlaygroundServer
from playground.slack_side import SlackSide
from playground.time_travel import TimeControl
from playground.web_api import WebApi
from playground.workspace import Workspace
from runtime.scheduler import start_scheduler
from settings import Settings, SettingsError, port_setting, slack_settings_given
from storage.db import Database, migrate

log = logging.getLogger("brm.playground")
HOST = "127.0.0.1"  # never reachable from another machine: the stand-in accepts any token
BOT_TOKEN = "xoxb-playground"


def run_playground(
    *,
    demo: bool,
    build_app: Callable[..., Any],
    listen: Callable[..., Any],
    cannot_start: type[Exception],
) -> int:
    """Serve the playground until Ctrl-C or SIGTERM. `build_app`, `listen` and `cannot_start` are app.py's
    (`build_app`, `listen` with the production server options, `CannotStart`)."""
    given = slack_settings_given()
    if given:  # real Slack settings always win: asked for the playground, say how to have it
        print(
            "brm-bot cannot start: --playground and --demo try the bot without Slack, and "
            f"{', '.join(given)} is set; unset the Slack settings to use the playground, or start "
            "without those options to serve Slack",
            file=sys.stderr,
        )
        return 2
    try:
        port = port_setting()
    except SettingsError as problem:
        print(f"brm-bot cannot start: {problem}", file=sys.stderr)
        return 2
    signing_secret = secrets.token_hex(16)
    configure_logging("INFO", secrets=(signing_secret,))
    folder = Path(tempfile.mkdtemp(prefix="brm-playground-"))
    clock = PlaygroundClock()
    db = Database.from_url(f"sqlite:///{folder / 'playground.db'}", clock=clock)
    migrate(db.engine)
    dates.warm_up()

    workspace = Workspace(clock)
    server = PlaygroundServer()
    try:
        listening = listen(server, port, host=HOST)
    except cannot_start as problem:
        print(f"brm-bot cannot start: {problem}", file=sys.stderr)
        shutil.rmtree(folder, ignore_errors=True)
        return 2
    base = f"http://{HOST}:{listening.effective_port}"
    api = WebApi(workspace, base)
    server.api = api
    # Serving starts before the app is built: Bolt asks the stand-in who it is (auth.test) as it starts.
    stopping = threading.Event()
    serving = threading.Thread(
        target=_serve, args=(listening, stopping), name="playground-server", daemon=True
    )
    serving.start()
    brm = scheduler = None
    try:
        settings = Settings(
            bot_token=BOT_TOKEN,
            signing_secret=signing_secret,
            app_token=None,
            database_url=f"sqlite:///{folder / 'playground.db'}",
            slack_api_url=f"{base}/api/",
            port=listening.effective_port,
        )
        brm = build_app(settings, clock=clock, db=db, run_jobs_here=True)
        if demo:
            load_demo(brm.services, workspace)
        scheduler = start_scheduler(brm.services)
        slack = SlackSide(workspace, f"{base}{APP_PATHS[0]}", signing_secret, base)
        server.app = brm.wsgi()
        server.page = Page(workspace, slack, TimeControl(clock, brm.services, scheduler))

        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
        log.info("the playground is ready: open %s/ in a browser (the bot is on %s/slack/events)", base, base)
        log.info("its records are kept in %s until it stops; nothing reaches Slack", folder)
        with contextlib.suppress(KeyboardInterrupt):
            while not stop.wait(0.5):
                pass
    finally:
        log.info("stopping the playground")
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        if brm is not None:
            brm.close()  # the jobs in flight still reach the stand-in, which serves until they are done
        with workspace.cond:
            workspace.changed()  # the page's pending polls answer now
        stopping.set()
        serving.join(timeout=5)
        listening.task_dispatcher.shutdown()
        wasyncore.close_all(listening._map)
        db.dispose()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def _serve(listening: Any, stopping: threading.Event) -> None:
    # Short rounds instead of listening.run(), so the sockets are closed only once the loop is done:
    # closing them under a running select() kills the loop with EBADF.
    while not stopping.is_set():
        listening.asyncore.loop(timeout=0.05, map=listening._map, count=1)
