"""The one error handler for listeners that do not answer their own errors."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from slack_bolt import App, BoltResponse

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.error(handle_error)


def handle_error(error: Exception, body: dict[str, Any], respond: Any) -> BoltResponse | None:
    reference = uuid.uuid4().hex[:8]
    log.error("listener failed (reference %s, type %s)", reference, body.get("type"), exc_info=error)
    if respond is not None and body.get("response_url"):
        try:
            respond(
                text=f":warning: Sorry, that failed. If it keeps happening, tell your admin `{reference}`",
                response_type="ephemeral",
                replace_original=False,
            )
        except Exception:
            log.exception("could not tell the user about error %s", reference)
    return None
