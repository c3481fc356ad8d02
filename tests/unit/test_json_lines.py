"""LOG_FORMAT=json: one JSON object per line, with the request fields, redacted like the text format."""

from __future__ import annotations

import io
import json
import logging

from logs import JsonLines, RedactSecrets


def logged(*records: tuple[int, str, tuple, dict], secrets: tuple[str, ...] = ()) -> list[dict]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets(secrets))
    handler.setFormatter(JsonLines("worker"))
    logger = logging.getLogger("brm.test.json")
    logger.handlers, logger.propagate, logger.level = [handler], False, logging.DEBUG
    for level, message, args, extra in records:
        if level == logging.ERROR:
            try:
                raise RuntimeError(f"failed with {secrets[0] if secrets else 'nothing'}")
            except RuntimeError:
                logger.exception(message, *args, extra=extra)
        else:
            logger.log(level, message, *args, extra=extra)
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_line_is_an_object_with_the_request_fields() -> None:
    fields = {"workspace": "T1", "user_id": "U1", "surface": "command", "subcommand": "log", "outcome": "ok"}
    [line] = logged((logging.INFO, "handled %s", ("log",), {**fields, "duration_ms": 1.5}))
    assert line["message"] == "handled log" and line["level"] == "INFO" and line["process"] == "worker"
    assert line["logger"] == "brm.test.json" and line["time"].endswith("Z")
    assert {key: line[key] for key in fields} == fields and line["duration_ms"] == 1.5


def test_secrets_are_redacted_in_the_message_and_the_traceback() -> None:
    secret = "s3cr3t-signing-value"
    [plain, failed] = logged(
        (
            logging.WARNING,
            "token xoxb-1-2-abc and %s and https://hooks.slack.com/commands/T1/2/xyz",
            (secret,),
            {},
        ),
        (logging.ERROR, "boom", (), {}),
        secrets=(secret,),
    )
    assert "xoxb-1-2-abc" not in plain["message"] and secret not in plain["message"]
    assert "T1/2/xyz" not in plain["message"] and plain["message"].count("[redacted]") == 3
    assert "RuntimeError: failed with [redacted]" in failed["traceback"] and secret not in json.dumps(failed)
