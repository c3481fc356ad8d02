"""What a `/brm` subcommand is given: the request, and the ways to answer the person who sent it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from runtime.services import Services
from storage.issues import example_issue_number


@dataclass(frozen=True)
class CommandRequest:
    services: Services
    team_id: str
    enterprise_id: str | None
    user_id: str
    channel_id: str
    text: str
    respond: Respond
    client: WebClient
    trigger_id: str | None
    body: dict[str, Any]

    def example_number(self) -> int | None:
        """An issue number that exists in this workspace, for examples and hints (None: no issues)."""
        with self.services.db.workspace(self.team_id, self.enterprise_id) as session:
            return example_issue_number(session)

    def reply(self, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """An ephemeral answer through the response_url: works in any channel or DM, member or not."""
        self.respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
