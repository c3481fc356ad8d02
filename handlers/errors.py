"""The error boundary: where an error raised by a listener's or a job's work becomes an answer.

Code raises typed errors (bot/errors.py). `error_boundary` turns them into the right answer on the
surface the caller names (an ephemeral reply, a DM, the ack's text):
- a `BrmError` is something the person can fix: logged at INFO, its text told to them as it is;
- anything else is ours: logged once, with the traceback and a fresh reference, and the person is told
  what failed and the reference to quote to an admin.
`handle_error` (registered with `app.error`) is the same for listeners that answer no errors of their
own. Errors of a job's last attempt are answered by its kind's `on_failure` (runtime/kinds.py), with
the job's id as the reference.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltResponse

from bot.errors import BrmError

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.error(handle_error)


def new_reference() -> str:
    """A short id to quote to an admin, who finds the log line with it."""
    return uuid.uuid4().hex[:8]


@dataclass
class Caught:
    """What the boundary caught, if anything: the caller's work after the boundary checks `failed`."""

    problem: Exception | None = None
    reference: str | None = None  # set when the problem was ours, not the person's

    @property
    def failed(self) -> bool:
        return self.problem is not None


@contextmanager
def error_boundary(
    logger: logging.Logger,
    failed: str,
    *,
    tell_failure: Callable[[str], None],
    about: str = "",
    refused: str = "",
    tell_refusal: Callable[[BrmError], None] | None = None,
) -> Iterator[Caught]:
    """Run the block; answer what it raises (see the module docstring) instead of letting it out.

    The log lines, filed under the caller's `logger`: "`failed` (reference R, `about`)" with the
    traceback, or "`refused`: the error's text". `tell_failure(reference)` and `tell_refusal(problem)`
    answer the person; without `tell_refusal` a `BrmError` is answered as a failure."""
    caught = Caught()
    try:
        yield caught
    except Exception as problem:
        caught.problem = problem
        if isinstance(problem, BrmError) and tell_refusal is not None:
            logger.info("%s: %s", refused or failed, problem.text)
            tell_refusal(problem)
            return
        caught.reference = new_reference()
        logger.error(
            "%s (reference %s%s)", failed, caught.reference, f", {about}" if about else "", exc_info=problem
        )
        tell_failure(caught.reference)


def handle_error(error: Exception, body: dict[str, Any], respond: Any) -> BoltResponse | None:
    reference = new_reference()
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
