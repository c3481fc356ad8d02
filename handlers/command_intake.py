"""`/brm` commands over HTTP, acknowledged without Bolt's dispatch: the same checks and the same ack.

The slash command is the request people send most, and its acknowledgement does little: check
that the sender belongs to the organisation, commit the command as a job, answer "ok". Bolt's
dispatch around that costs more than all of it together (it builds a context and a client for each
request, and the arguments of every middleware and listener function it calls, and matches the
request against every listener), which bench/ack_latency.py measures. So the door
(web/http_door.py) hands each `/brm` command here first, after checking its signature and shape,
and this runs exactly the functions Bolt would run for it, in the same order:
`keep_outsiders_out`, then the command's `acknowledge`, with the context Bolt would have built and
the installation `auth.test` reports. The request is logged and counted as Bolt's are
(`handlers.request_log.observe`).

Bolt still answers a command when the installation is not known (auth.test failed: Bolt then says
why to the person), and every command in Socket Mode, through the same listener.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from slack_bolt import Ack, BoltContext, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request.internals import build_context

from handlers.commands import COMMAND, acknowledge
from handlers.errors import handle_error
from handlers.outsiders import keep_outsiders_out
from handlers.request_log import observe
from runtime.services import Services
from slack_api.failures import SLACK_FAILURES

log = logging.getLogger(__name__)


class CommandIntake:
    """`intake(body)`: the response to a `/brm` command, or None to let Bolt dispatch the request."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._installation: AuthorizeResult | None = None
        self._lock = threading.Lock()

    def __call__(self, body: dict[str, Any]) -> BoltResponse | None:
        """`body`: the request's fields, as the door parsed them."""
        if body.get("command") != COMMAND:
            return None
        started = time.perf_counter()
        installation = self._installed()
        if installation is None:
            return None
        context = build_context(BoltContext(), body)  # what a BoltRequest builds from the same body
        context["services"] = self._services
        context["client"] = self._services.client
        context.set_authorize_result(installation)
        ack = Ack()

        def listener() -> BoltResponse:
            acknowledge(ack, body, context)
            return ack.response or BoltResponse(status=200, body="")

        try:
            response = keep_outsiders_out(body, context, listener) or BoltResponse(status=200, body="")
        except Exception as problem:  # what Bolt does with a listener's error: logged, and a 500
            handle_error(problem, body, None)
            response = BoltResponse(status=500, body="")
        observe(body, response, time.perf_counter() - started)
        return response

    def _installed(self) -> AuthorizeResult | None:
        """What `auth.test` says of the bot token, asked once (as Bolt asks it); None while it fails."""
        if self._installation is None:
            with self._lock:
                if self._installation is None:
                    client = self._services.client
                    try:
                        answer = client.auth_test()
                    except SLACK_FAILURES as problem:
                        log.warning("auth.test failed (%s); Bolt answers the command", type(problem).__name__)
                        return None
                    self._installation = AuthorizeResult.from_auth_test_response(
                        auth_test_response=answer, bot_token=client.token, user_token=None
                    )
        return self._installation
