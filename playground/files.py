"""The stand-in's file uploads: `files.getUploadURLExternal`, the upload to the URL it returns, and
`files.completeUploadExternal`, which shares the file as a bot message with a link to download it.

What a records export (`/brm export`) sends to the person's DM: in the playground the zip can be
downloaded from the message, at `/files/<id>` on the playground's own address.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from playground.workspace import APP_ID, BOT_ID, BOT_USER_ID, Workspace

MAX_UPLOAD = 512 * 1024 * 1024


class UploadRefused(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass
class _Ticket:
    filename: str
    length: int
    content: bytes | None = None
    shared: bool = False


@dataclass
class Uploads:
    """Behind the workspace's lock, like every other part of the stand-in's state."""

    workspace: Workspace
    base_url: str
    tickets: dict[str, _Ticket] = field(default_factory=dict)

    def get_upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        filename = str(params.get("filename") or "")
        try:
            length = int(str(params.get("length")))
        except ValueError:
            raise UploadRefused("invalid_arguments") from None
        if not filename:
            raise UploadRefused("invalid_arguments")
        if not 0 < length <= MAX_UPLOAD:
            raise UploadRefused("missing_argument" if length <= 0 else "file_upload_size_restricted")
        file_id = f"F{len(self.tickets) + 1:010d}"
        self.tickets[file_id] = _Ticket(filename, length)
        return {"upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def receive(self, file_id: str, content: bytes) -> tuple[int, str]:
        """A POST of the file's bytes to its upload URL."""
        with self.workspace.cond:
            ticket = self.tickets.get(file_id)
            if ticket is None or ticket.shared:
                return 404, "not found"
            if len(content) != ticket.length:
                return 400, f"expected {ticket.length} bytes"
            ticket.content = content
            return 200, f"OK - {len(content)}"

    def complete(self, params: dict[str, Any], channel_id: str | None) -> dict[str, Any]:
        try:
            files = (
                json.loads(params["files"]) if isinstance(params.get("files"), str) else params.get("files")
            )
        except ValueError:
            raise UploadRefused("invalid_arguments") from None
        if not isinstance(files, list) or not files:
            raise UploadRefused("invalid_arguments")
        shared = []
        for wanted in files:
            ticket = self.tickets.get(str((wanted or {}).get("id")))
            if ticket is None or ticket.content is None or ticket.shared:
                raise UploadRefused("file_not_found")
            shared.append((str(wanted["id"]), ticket, str(wanted.get("title") or ticket.filename)))
        links = []
        for file_id, ticket, title in shared:
            ticket.shared = True
            links.append(f"<{self.base_url}/files/{file_id}|{title}> ({ticket.length:,} bytes)")
        if channel_id is not None:
            text = "\n".join([str(params.get("initial_comment") or ""), *links]).strip()
            self.workspace.post(
                channel_id, {"user": BOT_USER_ID, "bot_id": BOT_ID, "app_id": APP_ID, "text": text}
            )
        return {
            "files": [{"id": file_id, "title": title, "name": t.filename} for file_id, t, title in shared]
        }

    def download(self, file_id: str) -> tuple[str, bytes] | None:
        with self.workspace.cond:
            ticket = self.tickets.get(file_id)
            if ticket is None or not ticket.shared or ticket.content is None:
                return None
            return ticket.filename, ticket.content
