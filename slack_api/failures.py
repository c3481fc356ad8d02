"""What went wrong in a Slack Web API call, in one word, for log lines and for people.

A call fails in two ways once the client's retries are spent: Slack answers `ok: false` (a
`SlackApiError` with an error code such as `not_in_channel`), or the network fails (an `OSError`:
refused, reset, timed out). Listeners catch both with `SLACK_FAILURES`.

The error codes the app acts on are the one enum `SlackError` (a `str`, so it compares equal to the
code Slack sent), grouped below by what the app does about them.
"""

from __future__ import annotations

from enum import StrEnum

from slack_sdk.errors import SlackApiError

SLACK_FAILURES = (SlackApiError, OSError)


class SlackError(StrEnum):
    NOT_IN_CHANNEL = "not_in_channel"
    CHANNEL_NOT_FOUND = "channel_not_found"
    IS_ARCHIVED = "is_archived"
    RESTRICTED_ACTION = "restricted_action"
    RESTRICTED_ACTION_READ_ONLY_CHANNEL = "restricted_action_read_only_channel"
    RESTRICTED_ACTION_THREAD_ONLY_CHANNEL = "restricted_action_thread_only_channel"
    RESTRICTED_ACTION_NON_THREADABLE_CHANNEL = "restricted_action_non_threadable_channel"
    EKM_ACCESS_DENIED = "ekm_access_denied"
    TEAM_ACCESS_NOT_GRANTED = "team_access_not_granted"
    INVALID_AUTH = "invalid_auth"
    ACCOUNT_INACTIVE = "account_inactive"
    TOKEN_REVOKED = "token_revoked"
    MISSING_SCOPE = "missing_scope"
    NOT_ALLOWED_TOKEN_TYPE = "not_allowed_token_type"
    MSG_TOO_LONG = "msg_too_long"
    INVALID_BLOCKS = "invalid_blocks"
    INVALID_BLOCKS_FORMAT = "invalid_blocks_format"
    EXPIRED_TRIGGER_ID = "expired_trigger_id"
    ALREADY_REACTED = "already_reacted"


# The bot is not in the channel (or cannot see it): inviting it there fixes it.
NOT_IN_CHANNEL = frozenset({SlackError.NOT_IN_CHANNEL, SlackError.CHANNEL_NOT_FOUND})
# Nothing can be posted in the channel now: a nudge goes to its owner's DM instead.
CANNOT_POST_THERE = NOT_IN_CHANNEL | {SlackError.IS_ARCHIVED}
# Trying again will not fix these.
PERMANENT_ERRORS = CANNOT_POST_THERE | {
    SlackError.RESTRICTED_ACTION,
    SlackError.RESTRICTED_ACTION_READ_ONLY_CHANNEL,
    SlackError.RESTRICTED_ACTION_THREAD_ONLY_CHANNEL,
    SlackError.RESTRICTED_ACTION_NON_THREADABLE_CHANNEL,
    SlackError.EKM_ACCESS_DENIED,
    SlackError.TEAM_ACCESS_NOT_GRANTED,
    SlackError.INVALID_AUTH,
    SlackError.ACCOUNT_INACTIVE,
    SlackError.TOKEN_REVOKED,
    SlackError.MISSING_SCOPE,
    SlackError.NOT_ALLOWED_TOKEN_TYPE,
    SlackError.MSG_TOO_LONG,
    SlackError.INVALID_BLOCKS,
    SlackError.INVALID_BLOCKS_FORMAT,
}


def failure_code(problem: BaseException) -> str:
    """Slack's error code ("expired_trigger_id"), or the kind of network failure ("TimeoutError")."""
    if isinstance(problem, SlackApiError) and problem.response is not None:
        return str(problem.response.get("error") or f"HTTP {problem.response.status_code}")
    return type(problem).__name__
