"""Prometheus metrics: what this process counts as it goes, and what the database knows at scrape time.

Counted here, per process: Slack requests by surface and outcome, the time to acknowledge them, and
Slack Web API errors by method and error code (429s apart). Read from the database when scraped, for
the whole deployment: the job queue's depth and oldest age, failed jobs, nudges and digests sent and
failed. The web process serves both on `GET /metrics` (METRICS_PATH); a worker process serves its own
counters on METRICS_PORT when that is set (the database's figures are the web process's to show).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.registry import Collector

from storage.delivery_counts import DeliveryCounts

log = logging.getLogger(__name__)

METRICS_PATH = "/metrics"

SLACK_REQUESTS = Counter(
    "brm_slack_requests",
    "Requests from Slack, by surface (command, event, action, view, shortcut, options) and outcome",
    ["surface", "outcome"],
)
# Slack gives 3 seconds; the buckets are fine-grained where the app should be (a few milliseconds).
ACK_SECONDS = Histogram(
    "brm_ack_seconds",
    "Time from receiving a Slack request to acknowledging it",
    ["surface"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0),
)
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


class DatabaseFigures(Collector):
    """Figures read from the database at each scrape; a scrape that cannot read it says so with
    `brm_database_up 0` instead of failing."""

    def __init__(self, read: Callable[[], DeliveryCounts]) -> None:
        self._read = read

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily("brm_database_up", "1 when the database answered this scrape")
        try:
            counts = self._read()
        except Exception:
            log.exception("metrics: the database could not be read")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        queue = counts.queue
        yield GaugeMetricFamily("brm_jobs_waiting", "Jobs due and not yet claimed", value=queue.waiting)
        yield GaugeMetricFamily(
            "brm_jobs_oldest_waiting_seconds",
            "Age of the oldest job waiting to run (0 when none waits)",
            value=queue.oldest_waiting_seconds or 0.0,
        )
        yield GaugeMetricFamily("brm_jobs_running", "Jobs claimed by a worker now", value=queue.running)
        yield GaugeMetricFamily(
            "brm_jobs_failed", "Jobs whose attempts are spent (see `brm-bot jobs failed`)", value=queue.failed
        )
        for name, what, totals in (
            ("brm_nudges", "Nudges by final status", counts.nudges),
            ("brm_digests", "Weekly digests (one per channel and week) by final status", counts.digests),
        ):
            family = CounterMetricFamily(name, what, labels=["status"])
            for status, count in totals.items():
                family.add_metric([status], count)
            yield family


class MetricsPage:
    """The `/metrics` answer: this process's counters, then the database's figures."""

    def __init__(self, read: Callable[[], DeliveryCounts]) -> None:
        self._database = CollectorRegistry(auto_describe=False)
        self._database.register(DatabaseFigures(read))

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = generate_latest(REGISTRY) + generate_latest(self._database)
        # The text format every Prometheus version reads.
        start_response(
            "200 OK", [("Content-Type", CONTENT_TYPE_PLAIN_0_0_4), ("Content-Length", str(len(body)))]
        )
        return [body]
