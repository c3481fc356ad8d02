"""Writing an export: a zip with a CSV and a JSON file per record type, and a manifest.

The manifest says what was asked (the filters), who asked and when, how many rows each file holds
and the SHA-256 of each file, so a records officer can show that what they hand over is what the
bot held. Rows are written as they are read, a chunk at a time, so memory stays flat however many
there are; each file is compressed on a thread of its own (bot/records/zip_stream.py). Dates are
ISO 8601 with their offset; text is written exactly as it was recorded (a CSV cell that starts
with "=" stays as it is: a spreadsheet may read it as a formula, see the README).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlmodel import Session

from bot.records.zip_stream import Compressing, StoredFile, ZipStream
from storage.records_export_queries import (
    RECORD_TYPES,
    Chunk,
    ExportFilter,
    RecordType,
    stream_text,
)
from storage.records_export_read import export_snapshot

FORMATS = ("csv", "json")
MANIFEST = "manifest.json"
PROGRESS_EVERY = 200_000  # rows between progress reports within one file

Progress = Callable[[str, int], None]  # (record type, rows written so far of it)


@dataclass(frozen=True)
class ExportedFile:
    name: str
    record_type: str
    rows: int
    bytes: int
    sha256: str


@dataclass(frozen=True)
class ExportRequest:
    """Who asked for what, as the manifest records it."""

    workspace: str
    requested_by: str  # a Slack user id, or the operator at the server's command line
    requested_at: datetime
    filters: dict[str, Any]  # what was asked, as written and as understood
    formats: tuple[str, ...] = FORMATS


@dataclass
class Manifest:
    request: ExportRequest
    files: list[ExportedFile] = field(default_factory=list)

    def rows(self, record_type: str) -> int:
        return next((f.rows for f in self.files if f.record_type == record_type), 0)

    def as_json(self) -> dict[str, Any]:
        request = self.request
        return {
            "export": "brm-bot public records export",
            "workspace": request.workspace,
            "requested_by": request.requested_by,
            "requested_at": request.requested_at.isoformat(),
            "filters": request.filters,
            "formats": list(request.formats),
            "record_counts": {t.name: self.rows(t.name) for t in RECORD_TYPES},
            "files": [asdict(f) for f in self.files],
            "checksums": "SHA-256 of each file's bytes as stored in this zip (before compression)",
        }


def write_export(
    session: Session,
    wanted: ExportFilter,
    request: ExportRequest,
    out: IO[bytes],
    progress: Progress | None = None,
) -> Manifest:
    """Write the export of `wanted`, read through `session` (a workspace session), as a zip to `out`."""
    manifest = Manifest(request)
    archive = ZipStream(out, request.requested_at.astimezone(UTC).timetuple()[:6])
    with export_snapshot(session) as readers:  # every record type from one moment of the database
        for record_type in RECORD_TYPES:
            chunks = stream_text(readers, record_type, wanted, request.formats)
            for stored, rows in _write_type(archive, record_type, chunks, request.formats, progress):
                manifest.files.append(
                    ExportedFile(stored.name, record_type.name, rows, stored.size, stored.sha256)
                )
    body = json.dumps(manifest.as_json(), indent=2, ensure_ascii=False).encode()
    archive.add_bytes(MANIFEST, body)
    archive.close()
    return manifest


def _write_type(
    archive: ZipStream,
    record_type: RecordType,
    chunks: Iterable[Chunk],
    formats: tuple[str, ...],
    progress: Progress | None,
) -> list[tuple[StoredFile, int]]:
    """The files of one record type, written side by side as the chunks come (CSV lines end with
    CRLF; the JSON is one array, an object a line), then added to the zip; with their row counts."""
    files = {name: Compressing(f"{record_type.name}.{name}") for name in FORMATS if name in formats}
    csv, json_file = files.get("csv"), files.get("json")
    try:
        if csv:
            csv.write((",".join(record_type.columns) + "\r\n").encode())  # names never need quotes
        rows = reported = 0
        for csv_lines, json_objects, count in chunks:
            if csv and csv_lines is not None:
                csv.write(csv_lines + b"\r\n")
            if json_file and json_objects is not None:
                json_file.write((b"[\n" if rows == 0 else b",\n") + json_objects)
            rows += count
            if progress and rows - reported >= PROGRESS_EVERY:
                progress(record_type.name, rows)
                reported = rows
        if json_file:
            json_file.write(b"\n]\n" if rows else b"[]\n")
        written = [compressing.finish() for compressing in files.values()]
    except BaseException:
        for compressing in files.values():
            compressing.abandon()
        raise
    for compressing in files.values():
        archive.add(compressing.file)
    if progress:
        progress(record_type.name, rows)
    return [(stored, rows) for stored in written]


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
