"""A Slack Web API client that counts what went wrong, for the metrics: errors by method and code,
and every 429.

`make_web_client` (slack_api/client.py) builds every client the app uses as a `CountingWebClient`
with a `RateLimitCounter` first among its retry handlers, so each call of the app, the scheduler's
included, is counted; `/metrics` shows the counts (runtime/metrics.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from prometheus_client import Counter
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RetryHandler, RetryState
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.web import SlackResponse

SLACK_API_ERRORS = Counter(
    "brm_slack_api_errors",
    "Slack Web API calls that failed once retries were spent, by method and Slack's error code",
    ["method", "error"],
)
SLACK_RATE_LIMITED = Counter(
    "brm_slack_rate_limited",
    "HTTP 429 answers from the Slack Web API (each one, retried or not), by method",
    ["method"],
)


class CountingWebClient(WebClient):
    """Counts each call that fails once the retries are spent: Slack's error code, or the kind of
    network failure."""

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:  # type: ignore[override]
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as problem:
            code = problem.response.get("error") if problem.response is not None else None
            SLACK_API_ERRORS.labels(api_method, str(code or f"HTTP {problem.response.status_code}")).inc()
            raise
        except OSError as problem:
            SLACK_API_ERRORS.labels(api_method, type(problem).__name__).inc()
            raise


class RateLimitCounter(RetryHandler):
    """First of a client's retry handlers: counts each 429 as it arrives, and never retries itself,
    so the handlers after it decide as before (with none after it, nothing is retried)."""

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is not None and response.status_code == 429:
            SLACK_RATE_LIMITED.labels(urlsplit(request.url).path.rsplit("/", 1)[-1]).inc()
        return False
