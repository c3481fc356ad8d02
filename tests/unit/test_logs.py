"""What never reaches a log line: Slack tokens and response_urls."""

from __future__ import annotations

import logging

import pytest

from logs import RedactSecrets


def redacted(message: str, *args: object) -> str:
    record = logging.LogRecord("brm", logging.INFO, __file__, 1, message, args, None)
    assert RedactSecrets().filter(record)
    return record.getMessage()


@pytest.mark.parametrize(
    ("logged", "secret"),
    [
        ("token xoxb-123-456-abcdef refused", "xoxb-123-456-abcdef"),
        ("app token %s", "xapp-1-A1-123-abc"),
        ("posting to https://hooks.slack.com/commands/T1/123/AbC9xyz failed", "T1/123/AbC9xyz"),
        ("answer at %s", "https://hooks.slack.com/actions/T1/456/zzTop"),
        ("GovSlack: https://hooks.slack-gov.com/commands/T9/1/s3cr3t.", "T9/1/s3cr3t"),
    ],
)
def test_secrets_are_redacted(logged: str, secret: str) -> None:
    shown = redacted(logged, secret) if "%s" in logged else redacted(logged)
    assert secret.split("/")[-1] not in shown and "[redacted]" in shown


def test_other_urls_are_left_alone() -> None:
    assert (
        redacted("see https://example.slack.com/archives/C1/p1")
        == "see https://example.slack.com/archives/C1/p1"
    )
