"""The one way the app makes Slack Web API clients: always against SLACK_API_URL, with retries.

Retries honour `Retry-After` on 429, back off on 5xx and on dropped connections. Work that must not
block on one busy channel (the nudge sender) handles 429 itself and uses `retries=False`. Every client
counts its failures and 429s for the metrics (slack_api/counting.py).
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from slack_api.counting import CountingWebClient, RateLimitCounter


def make_web_client(
    base_url: str, token: str | None = None, *, retries: bool = True, timeout: float = 10
) -> WebClient:
    handlers = (
        [
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ]
        if retries
        else []
    )
    return CountingWebClient(
        token=token, base_url=base_url, timeout=timeout, retry_handlers=[RateLimitCounter(), *handlers]
    )


def bot_token_problem(base_url: str, token: str) -> str | None:
    """None when Slack at `base_url` accepts the bot token, else one line saying what is wrong."""
    try:
        make_web_client(base_url, token).auth_test()
    except SlackApiError as problem:
        return (
            f"Slack refused SLACK_BOT_TOKEN ({problem.response.get('error')}): copy the Bot User OAuth Token "
            "again from OAuth & Permissions in your app's settings at https://api.slack.com/apps"
        )
    except Exception as problem:
        return f"could not reach Slack at SLACK_API_URL={base_url} ({type(problem).__name__})"
    return None
