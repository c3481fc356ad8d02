"""Sharing a file from disk in Slack: Slack's external upload in its three steps.

1. `files.getUploadURLExternal` (name and size) gives an upload URL and a file id;
2. the bytes are POSTed to that URL, streamed from the file (an export can be large: it is never
   read into memory whole);
3. `files.completeUploadExternal` shares the file in the channel with a comment.
The upload URL is on Slack's file service, not SLACK_API_URL's host; it is used as Slack gives it.
"""

from __future__ import annotations

import logging
import os
import urllib.error
import urllib.request
from pathlib import Path

from slack_sdk import WebClient

log = logging.getLogger(__name__)

UPLOAD_TIMEOUT_SECONDS = 300


class UploadFailed(RuntimeError):
    """The upload URL refused the bytes (the message says how; it never holds the URL)."""


def share_file(
    client: WebClient, *, path: Path, filename: str, title: str, channel_id: str, comment: str
) -> str:
    """Upload the file at `path` and share it in `channel_id`; returns Slack's file id."""
    size = os.path.getsize(path)
    ticket = client.files_getUploadURLExternal(filename=filename, length=size)
    upload_url, file_id = ticket["upload_url"], ticket["file_id"]
    with path.open("rb") as body:
        request = urllib.request.Request(
            upload_url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)},
        )
        try:
            with urllib.request.urlopen(request, timeout=UPLOAD_TIMEOUT_SECONDS) as answer:
                status = answer.status
        except urllib.error.HTTPError as refused:
            status = refused.code
        if status != 200:
            raise UploadFailed(f"the upload of {filename} answered HTTP {status}")
    log.info("uploaded %s (%d bytes) as %s", filename, size, file_id)
    client.files_completeUploadExternal(
        files=[{"id": file_id, "title": title}], channel_id=channel_id, initial_comment=comment
    )
    return file_id
