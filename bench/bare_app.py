"""A bare Bolt app that only acknowledges `/brm`: the baseline that `bench/ack_latency.py` compares
brm-bot's acknowledgement latency against.

    python -m bench.bare_app [--bolt-defaults] [--reply]

It reads the same environment as `python app.py` (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL,
PORT, LOG_LEVEL; DATABASE_URL is read but unused) and is served the way app.py serves brm-bot: the
same WSGI routing (`app.WsgiApp`: the same door in front of /slack/events, and /healthz), waitress
with `app.SERVER_THREADS` threads, and the same logging setup. What is left out is everything
brm-bot adds: its listeners, middleware, database, job queue and worker, so the difference in
latency is brm-bot's own cost.

Bolt is configured to ack the way app.py configures it (`process_before_response=True`, the ack
written inline in the request thread). `--bolt-defaults` uses Bolt's default instead, where the
request thread polls every 10 ms for the ack a listener thread sets; that mode is slower by design,
so comparing brm-bot with it would flatter brm-bot.

`--reply`: after the ack, a thread of the request's process posts a one-line reply to the command's
response_url, the least any app can do to answer; `bench/reply_latency.py` compares brm-bot's
replies with these. Nothing about them is durable.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from types import SimpleNamespace

import waitress
from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from app import SERVER_THREADS, SLACK_EVENTS_PATH, WsgiApp, configure_logging
from settings import Settings, SettingsError, load_settings

log = logging.getLogger("brm.bench.bare")


def build_bare_app(settings: Settings, *, bolt_defaults: bool = False, reply: bool = False) -> App:
    """A Bolt app with one `/brm` listener that only acks (and with `reply`, answers after the ack)."""
    app = App(
        signing_secret=settings.signing_secret or "",
        client=WebClient(token=settings.bot_token, base_url=settings.slack_api_url),
        process_before_response=not bolt_defaults,
        # The door in front (app.WsgiApp) checks the signature, as it does for brm-bot.
        request_verification_enabled=False,
    )

    @app.command("/brm")
    def acknowledge(ack: Ack, body: dict) -> None:
        ack()
        if reply:
            threading.Thread(target=_reply, args=(body["response_url"],), daemon=True).start()

    return app


def _reply(response_url: str) -> None:
    WebhookClient(response_url, timeout=10).send(text="Logged it", response_type="ephemeral")


class BareWsgiApp(WsgiApp):
    """app.py's WSGI routing around the bare app; with no database, the health check is always ok."""

    def __init__(self, bolt: App, settings: Settings) -> None:
        # WsgiApp reads `.bolt`, the settings, and the database and clock its /metrics page would read
        # (only on a scrape, which the benchmark never makes) from the BrmApp it is given; the bare
        # app has nothing else, and no command intake: Bolt dispatches every request it gets.
        services = SimpleNamespace(settings=settings, db=None, clock=None)
        brm = SimpleNamespace(bolt=bolt, services=services, command_intake=None, web_activity=None)
        super().__init__(brm)  # type: ignore[arg-type]

    def _health(self) -> tuple[str | None, dict]:
        return None, {}  # no database, no queue, no worker


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--bolt-defaults",
        action="store_true",
        help="use Bolt's default ack mode (listener thread + 10 ms polling) instead of app.py's inline ack",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default loopback: this is a bench tool)"
    )
    parser.add_argument("--reply", action="store_true", help="post a reply to the response_url after the ack")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as problem:
        print(f"bare app cannot start: {problem}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    wsgi = BareWsgiApp(build_bare_app(settings, bolt_defaults=args.bolt_defaults, reply=args.reply), settings)
    log.info("serving the bare Bolt app on http://%s:%d%s", args.host, settings.port, SLACK_EVENTS_PATH)
    waitress.serve(wsgi, host=args.host, port=settings.port, threads=SERVER_THREADS, ident="brm-bare")
    return 0


if __name__ == "__main__":
    sys.exit(main())
