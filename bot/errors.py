"""Errors meant for the person in Slack: each carries a friendly text and an example that works."""

from __future__ import annotations


class BrmError(Exception):
    """Something the person can fix; `text` is shown to them as it is (mrkdwn)."""

    def __init__(self, text: str, *, example: str | None = None) -> None:
        super().__init__(text)
        self.text = text
        self.example = example


class InputError(BrmError):
    """The command or form could not be understood; nothing was written."""


class NotFound(BrmError):
    """The record named (an issue number, a party) does not exist in this workspace."""


class NotAllowed(BrmError):
    """The person may not do this here (records work is for records administrators); nothing was written."""
