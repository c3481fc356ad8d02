"""`GET /metrics`: Prometheus's text format, and the figures move when the app does something."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from runtime.nudge_sender import sweep_nudges
from tests.conftest import RunningApp
from tests.support.cli import launch_brm_bot
from tests.support.fake_slack import FakeSlack
from tests.support.records import issue_due_while_down
from tests.test_nudges import LOG_WITH_ISSUE, TUESDAY_9_NY
from tests.test_startup import base_env, free_port, stop_app


def scrape(app: RunningApp) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """{(sample name, labels): value} from the app's /metrics, parsed as Prometheus parses it."""
    with urllib.request.urlopen(f"{app.url}/metrics", timeout=5) as response:
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(figures: dict, name: str, **labels: str) -> float:
    return figures.get((name, tuple(sorted(labels.items()))), 0.0)


def test_a_handled_command_moves_the_request_counter_and_the_ack_histogram(app: RunningApp) -> None:
    before = scrape(app)
    app.command("log DMV call about renewals")
    app.command("frobnicate the portal")  # unknown subcommand: refused in the reply, still acked
    after = scrape(app)
    ok = ("brm_slack_requests_total", {"surface": "command", "outcome": "ok"})
    assert value(after, ok[0], **ok[1]) - value(before, ok[0], **ok[1]) == 2
    count = "brm_ack_seconds_count"
    assert value(after, count, surface="command") - value(before, count, surface="command") == 2
    # The two acknowledgements fell in the histogram's buckets, the largest (+Inf) counting both.
    inf = value(after, "brm_ack_seconds_bucket", surface="command", le="+Inf")
    assert inf - value(before, "brm_ack_seconds_bucket", surface="command", le="+Inf") == 2
    assert value(after, "brm_ack_seconds_sum", surface="command") > value(
        before, "brm_ack_seconds_sum", surface="command"
    )


def test_a_forged_request_is_counted_as_refused(app: RunningApp) -> None:
    before = scrape(app)
    app.client.signing_secret = "not-the-secret"
    assert app.client.command("log DMV call").status == 401
    after = scrape(app)
    key = ("brm_slack_requests_total", {"surface": "unknown", "outcome": "refused"})
    assert value(after, key[0], **key[1]) - value(before, key[0], **key[1]) == 1


def test_queue_and_nudge_figures_come_from_the_database(app: RunningApp) -> None:
    figures = scrape(app)
    assert value(figures, "brm_database_up") == 1
    assert value(figures, "brm_jobs_waiting") == 0 and value(figures, "brm_jobs_failed") == 0
    assert value(figures, "brm_nudges_total", status="sent") == 0

    app.command(LOG_WITH_ISSUE)
    app.clock.set(TUESDAY_9_NY)
    assert sweep_nudges(app.brm.services) == 1
    after = scrape(app)
    assert value(after, "brm_nudges_total", status="sent") == 1
    assert value(after, "brm_nudges_total", status="failed") == 0
    assert value(after, "brm_digests_total", status="sent") == 0
    assert ("brm_jobs_oldest_waiting_seconds", ()) in after


def test_slack_api_errors_are_counted_by_method_and_code_and_429s_apart(app: RunningApp) -> None:
    before = scrape(app)
    # Looking the person up (are they of this organisation, which timezone): a 429, then, for the
    # next command, an error the lookups fall back from.
    app.slack.fail_next("users.info", status=429, retry_after=0)
    app.command("log DMV call about renewals", user_id="U1")
    app.slack.fail_next("users.info", error="user_not_found")
    app.command("log DMV call about billing", user_id="U2")
    after = scrape(app)
    limited = "brm_slack_rate_limited_total"
    assert value(after, limited, method="users.info") - value(before, limited, method="users.info") == 1
    errors = ("brm_slack_api_errors_total", {"method": "users.info", "error": "user_not_found"})
    assert value(after, errors[0], **errors[1]) - value(before, errors[0], **errors[1]) == 1


def test_a_worker_serves_its_own_counters_on_metrics_port(tmp_path: Path) -> None:
    """`brm-bot serve --role worker` with METRICS_PORT: the 429 its nudge post met is counted there."""
    database_url = f"sqlite:///{tmp_path / 'brm.db'}"
    issue_due_while_down(database_url)
    with FakeSlack() as slack:
        slack.add_user("U1", tz="America/New_York")
        slack.fail_next("chat.postMessage", status=429, retry_after=1)
        metrics_port = free_port()
        env = {
            **base_env(tmp_path),
            "SLACK_BOT_TOKEN": "xoxb-worker-token",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": slack.url,
            "DATABASE_URL": database_url,
            "METRICS_PORT": str(metrics_port),
            "HOST": "127.0.0.1",
        }
        process = launch_brm_bot(["serve", "--role", "worker"], env, tmp_path)
        try:
            slack.wait_for("chat.postMessage", count=2, timeout=60)  # the 429, then the nudge
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{metrics_port}/metrics", timeout=2
                    ) as answer:
                        text = answer.read().decode()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "the worker never served /metrics"
                    time.sleep(0.2)
        finally:
            output = stop_app(process)
    assert process.returncode == 0, output
    assert 'brm_slack_rate_limited_total{method="chat.postMessage"} 1.0' in text
    assert "brm_jobs_waiting" not in text  # the database's figures are the web process's to show
