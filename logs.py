"""Logging for every brm-bot process: one format (text, or JSON with LOG_FORMAT=json), and no Slack
secret ever reaches a log line in either."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable
from urllib.parse import quote


class _BoltTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and warns that our client (which carries it) wins; it is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


# A "/" as a log line can carry it: plain, JSON-escaped ("\/"), URL-encoded once or twice, or both
# (an interactivity body is JSON with escaped slashes, then URL-encoded: "%5C%2F").
_SLASH = r"(?:\\|%5C|%255C)*(?:/|%2F|%252F)"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with Slack tokens, response_urls and the given secrets replaced by "[redacted]"."""
    return _redact(text, secret_forms(secrets))


def secret_forms(secrets: Iterable[str]) -> tuple[str, ...]:
    """Each secret as a line can carry it: plain, URL-encoded once and twice."""
    forms = {
        form
        for secret in secrets
        for form in (secret, quote(secret, safe=""), quote(quote(secret, safe=""), safe=""))
    }
    return tuple(sorted(forms, key=len, reverse=True))  # the longest first: no form is left half replaced


def _redact(text: str, forms: tuple[str, ...]) -> str:
    if "xox" in text or "xapp" in text:  # every token the pattern matches starts so; a search is dearer
        text = RedactSecrets.TOKEN.sub(r"\1-[redacted]", text)
    if "hooks" in text.lower():  # the same for a response_url: its host is never encoded
        text = RedactSecrets.RESPONSE_URL.sub(r"\1/[redacted]", text)
    for form in forms:
        if form in text:
            text = text.replace(form, "[redacted]")
    return text


class RedactSecrets(logging.Filter):
    """Slack tokens, response_urls and this app's own secrets never reach a log line, whoever logs them,
    in whatever encoding the line carries them. A response_url is a secret too: for 30 minutes, anyone
    holding it can post to the person who used the command."""

    TOKEN = re.compile(r"(xox[abpers]|xapp)-[A-Za-z0-9-]+")
    # After the path's kind, the rest of the URL (ids and the secret) up to what cannot be in it.
    RESPONSE_URL = re.compile(
        rf"(hooks\.slack(?:-gov)?\.com{_SLASH}(?:commands|actions|app))(?:{_SLASH}|[A-Za-z0-9_-])+",
        re.IGNORECASE,
    )

    # A value this short cannot be told from ordinary words in a line (Slack's secrets are 32 or more).
    SHORTEST_SECRET = 8

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self._forms = secret_forms(
            secret for secret in secrets if secret and len(secret) >= self.SHORTEST_SECRET
        )  # computed once: this runs for every line

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _redact(message, self._forms)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # A traceback's lines (an exception's message, a local's repr) are redacted the same way.
            record.exc_text = _redact(logging.Formatter().formatException(record.exc_info), self._forms)
        return True


# What a line may carry besides its message (the request log's fields, handlers/request_log.py).
JSON_FIELDS = ("workspace", "user_id", "surface", "subcommand", "outcome", "duration_ms")


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, process, message, the request fields a line
    carries, and a traceback when there is one. Runs after `RedactSecrets`, so it shows what that
    left: the message and traceback already redacted."""

    converter = time.gmtime  # times in UTC, marked Z

    def __init__(self, process_name: str = "") -> None:
        super().__init__()
        self._process = process_name or "web"

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "process": self._process,
            "message": record.getMessage(),
        }
        line.update({name: getattr(record, name) for name in JSON_FIELDS if hasattr(record, name)})
        if record.exc_info or record.exc_text:
            line["traceback"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(
    level: str, process_name: str = "", *, secrets: Iterable[str | None] = (), log_format: str = "text"
) -> None:
    """`secrets`: values of this app's settings (tokens, the signing secret) that no line may show."""
    handler = logging.StreamHandler()
    handler.addFilter(RedactSecrets(secrets))
    prefix = f"[{process_name}] " if process_name else ""
    if log_format == "json":
        handler.setFormatter(JsonLines(process_name))
    else:
        handler.setFormatter(logging.Formatter(f"%(asctime)s %(levelname)s {prefix}%(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.getLogger("slack_bolt.App").addFilter(_BoltTokenNotice())
    if level != "DEBUG":
        # APScheduler logs two lines for every sweep (every 2 s); the sweeps log what they did themselves.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
