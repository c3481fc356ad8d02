"""What never reaches a log line: Slack tokens, response_urls and the app's secrets, in any encoding."""

from __future__ import annotations

import json
import logging
import sys
from urllib.parse import quote, urlencode

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


LIVE_URL = "https://hooks.slack.com/commands/T0A1B2C3/1234567890123/Zq8rWv3YtPl0KmNd"


def url_encoded(text: str) -> str:
    return quote(text, safe="")


def json_escaped(text: str) -> str:
    return text.replace("/", "\\/")  # as Slack writes URLs in its JSON


ENCODINGS = {
    "plain": lambda url: url,
    "URL-encoded": url_encoded,
    "URL-encoded twice": lambda url: url_encoded(url_encoded(url)),
    "JSON-escaped": json_escaped,
    "JSON-escaped, then URL-encoded": lambda url: url_encoded(json_escaped(url)),
    "in a form body": lambda url: urlencode({"text": "hi", "response_url": url, "trigger_id": "1.2.3"}),
    "in an interactivity body": lambda url: urlencode(
        {"payload": json.dumps({"response_url": url, "type": "shortcut"}).replace("/", "\\/")}
    ),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_response_url_is_redacted_in_every_encoding(encoding: str) -> None:
    shown = redacted("body: %s", ENCODINGS[encoding](LIVE_URL))
    for part in ("Zq8rWv3YtPl0KmNd", "1234567890123"):
        assert part not in shown, shown
    assert "[redacted]" in shown


def test_what_follows_an_encoded_response_url_is_kept() -> None:
    shown = redacted("body: %s", ENCODINGS["in a form body"](LIVE_URL))
    assert shown.endswith("&trigger_id=1.2.3") and shown.startswith("body: text=hi&response_url=")


@pytest.mark.parametrize("encoding", ["plain", "URL-encoded", "URL-encoded twice", "JSON-escaped"])
def test_tokens_and_the_signing_secret_are_redacted_in_every_encoding(encoding: str) -> None:
    secret = "8f14e45fceea167a5a36dedd4bea2543"
    line = f"xoxb-123-456-abcdef and xapp-1-A1-123-abc and {secret} and s3cr/t+v=lue"
    record = logging.LogRecord("brm", logging.INFO, __file__, 1, ENCODINGS[encoding](line), None, None)
    assert RedactSecrets([secret, "s3cr/t+v=lue", None]).filter(record)
    shown = record.getMessage()
    for leaked in ("abcdef", "123-abc", secret, url_encoded("s3cr/t+v=lue"), "s3cr/t+v=lue"):
        assert leaked not in shown, shown


def test_a_traceback_is_redacted_too() -> None:
    try:
        raise RuntimeError(f"posting to {LIVE_URL} with xoxb-123-456-abcdef failed")
    except RuntimeError:
        record = logging.LogRecord("brm", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    RedactSecrets().filter(record)
    formatted = logging.Formatter().format(record)
    assert "Zq8rWv3YtPl0KmNd" not in formatted and "abcdef" not in formatted
    assert "RuntimeError" in formatted


def test_a_secret_too_short_to_tell_from_words_is_not_hunted_for() -> None:
    record = logging.LogRecord("brm", logging.INFO, __file__, 1, "stopping: finishing", None, None)
    RedactSecrets(["s"]).filter(record)
    assert record.getMessage() == "stopping: finishing"
