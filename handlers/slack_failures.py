"""What went wrong in a Slack Web API call, in one word, for log lines and for people.

A call fails in two ways once the client's retries are spent: Slack answers `ok: false` (a
`SlackApiError` with an error code such as `not_in_channel`), or the network fails (an `OSError`:
refused, reset, timed out). Listeners catch both with `SLACK_FAILURES`.
"""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

SLACK_FAILURES = (SlackApiError, OSError)


def failure_code(problem: BaseException) -> str:
    """Slack's error code ("expired_trigger_id"), or the kind of network failure ("TimeoutError")."""
    if isinstance(problem, SlackApiError) and problem.response is not None:
        return str(problem.response.get("error") or f"HTTP {problem.response.status_code}")
    return type(problem).__name__
