"""The fake Slack's file uploads: `files.getUploadURLExternal`, the upload to the URL it returns
(served on the fake's own loopback port), and `files.completeUploadExternal`.

Arguments are checked as Slack checks them: `filename` and an integer `length` are required (a
`length` of 0 is `missing_argument`); the upload must be a POST of raw bytes or a multipart form,
of exactly the `length` announced; `files` must be a JSON array of `{"id", "title"}` naming files
whose bytes arrived, each completed once; `channel_id` must be a channel the bot may post in.
Shared files are kept (`FakeSlack.uploads.shared`) so tests can open what the app sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.support.fake_slack import FakeSlack

ALT_TEXT_LIMIT = 1000


@dataclass
class UploadTicket:
    file_id: str
    filename: str
    length: int
    content: bytes | None = None
    completed: bool = False


@dataclass(frozen=True)
class SharedFile:
    """A file the app shared with `files.completeUploadExternal`."""

    file_id: str
    filename: str
    title: str
    channel_id: str | None
    initial_comment: str | None
    content: bytes


@dataclass
class FakeUploads:
    fake: FakeSlack
    tickets: dict[str, UploadTicket] = field(default_factory=dict)
    shared: list[SharedFile] = field(default_factory=list)
    uploads_received: int = 0

    # ------------------------------------------------------------------ Web API methods (lock held)

    def get_upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        from tests.support.fake_slack import SlackApiFailure

        filename = str(params.get("filename") or "")
        raw_length = params.get("length")
        if not filename or raw_length in (None, ""):
            raise SlackApiFailure("invalid_arguments")
        try:
            length = int(str(raw_length))
        except ValueError:
            raise SlackApiFailure("invalid_arguments") from None
        if length <= 0:
            raise SlackApiFailure("missing_argument")
        if len(str(params.get("alt_txt") or "")) > ALT_TEXT_LIMIT:
            raise SlackApiFailure("alt_txt_too_large")
        file_id = f"F{len(self.tickets) + 1:010d}"
        self.tickets[file_id] = UploadTicket(file_id, filename, length)
        return {"upload_url": f"{self.fake.base}/upload/{file_id}", "file_id": file_id}

    def complete_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        from tests.support.fake_slack import SlackApiFailure

        files = params.get("files")
        if isinstance(files, str):
            try:
                files = json.loads(files)
            except ValueError:
                raise SlackApiFailure("invalid_arguments") from None
        if (
            not isinstance(files, list)
            or not files
            or not all(isinstance(f, dict) and f.get("id") for f in files)
        ):
            raise SlackApiFailure("invalid_arguments")
        channel_id = self.fake._postable_channel(params, "channel_id") if params.get("channel_id") else None
        tickets = []
        for wanted in files:
            ticket = self.tickets.get(str(wanted["id"]))
            if ticket is None or ticket.content is None or ticket.completed:
                raise SlackApiFailure("file_not_found")
            tickets.append((ticket, str(wanted.get("title") or ticket.filename)))
        answered = []
        for ticket, title in tickets:
            ticket.completed = True
            assert ticket.content is not None
            self.shared.append(
                SharedFile(
                    ticket.file_id,
                    ticket.filename,
                    title,
                    channel_id,
                    params.get("initial_comment"),
                    ticket.content,
                )
            )
            answered.append(
                {"id": ticket.file_id, "title": title, "name": ticket.filename, "size": ticket.length}
            )
        return {"files": answered}

    # ------------------------------------------------------------------ the upload URL (server threads)

    def receive(self, file_id: str, raw: bytes, headers: dict[str, str]) -> tuple[int, str]:
        """A POST to an upload URL: HTTP 200 "OK - <bytes>" as Slack answers, or an error status."""
        with self.fake._cond:
            ticket = self.tickets.get(file_id)
            if ticket is None or ticket.completed:
                return 404, "not found"
            content = _file_part(raw, headers.get("content-type", ""))
            if content is None or len(content) != ticket.length:
                return 400, f"expected {ticket.length} bytes"
            ticket.content = content
            self.uploads_received += 1
            self.fake._cond.notify_all()
            return 200, f"OK - {len(content)}"


def _file_part(raw: bytes, content_type: str) -> bytes | None:
    """The file's bytes: the whole body, or the `file` part of a multipart form."""
    if not content_type.startswith("multipart/form-data"):
        return raw
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") in ("file", "filename"):
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else None
    return None
