"""Logging for every brm-bot process: one format, and no Slack token ever reaches a log line."""

from __future__ import annotations

import logging
import re


class _BoltTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and warns that our client (which carries it) wins; it is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


class RedactSecrets(logging.Filter):
    """Slack tokens and response_urls never reach a log line, whoever logs them. A response_url is a
    secret too: for 30 minutes, anyone holding it can post to the person who used the command."""

    TOKEN = re.compile(r"(xox[abpers]|xapp)-[A-Za-z0-9-]+")
    RESPONSE_URL = re.compile(r"(hooks\.slack(?:-gov)?\.com/(?:commands|actions|app))/[^\s'\"<>)]+")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.RESPONSE_URL.sub(r"\1/[redacted]", self.TOKEN.sub(r"\1-[redacted]", message))
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure_logging(level: str, process_name: str = "") -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RedactSecrets())
    prefix = f"[{process_name}] " if process_name else ""
    handler.setFormatter(logging.Formatter(f"%(asctime)s %(levelname)s {prefix}%(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.getLogger("slack_bolt.App").addFilter(_BoltTokenNotice())
    if level != "DEBUG":
        # APScheduler logs two lines for every sweep (every 2 s); the sweeps log what they did themselves.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
