"""Prometheus metrics: what this process counts as it goes, and what the database knows at scrape time.

Counted per process: Slack requests by surface and outcome and the time to acknowledge them (here,
by handlers/request_log.py and the HTTP door's refusals), Slack Web API errors by method and code and
every 429 (slack_api/counting.py, in every client). Read from the database when scraped, for
the whole deployment: the job queue's depth and oldest age, failed jobs, nudges and digests sent and
failed. The web process serves all of it on `GET /metrics` (METRICS_PATH); a worker process serves
its own counters on METRICS_PORT when that is set (the database's figures are the web process's).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.registry import Collector

from bot.clock import Clock
from storage.db import Database
from storage.delivery_counts import DeliveryCounts, delivery_counts

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


def count_refused(status: int, reason: str) -> None:
    """The HTTP door refused a request (bad signature, malformed, too large) before Bolt saw it."""
    SLACK_REQUESTS.labels("unknown", "refused").inc()  # what it was is unknown until admitted


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

    def __init__(self, db: Database, clock: Clock) -> None:
        def read() -> DeliveryCounts:
            with db.system() as session:
                return delivery_counts(session, now=clock.now())

        self._database = CollectorRegistry(auto_describe=False)
        self._database.register(DatabaseFigures(read))

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = generate_latest(REGISTRY) + generate_latest(self._database)
        # The text format every Prometheus version reads.
        start_response(
            "200 OK", [("Content-Type", CONTENT_TYPE_PLAIN_0_0_4), ("Content-Length", str(len(body)))]
        )
        return [body]


def serve_worker_metrics(host: str, port: int) -> None:
    """A worker's own counters (Slack API errors, 429s) on `host:port`, from a thread of its own."""
    start_http_server(port, addr=host)
    log.info("worker metrics on http://%s:%d%s", host, port, METRICS_PATH)
