"""The one way the app makes Slack Web API clients: always against SLACK_API_URL, with retries.

Retries honour `Retry-After` on 429, back off on 5xx and on dropped connections. Work that must not
block on one busy channel (the nudge sender) handles 429 itself and uses `retries=False`.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)


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
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=handlers)
