"""Writing an export: a zip with a CSV and a JSON file per record type, and a manifest.

The manifest says what was asked (the filters), who asked and when, how many rows each file holds
and the SHA-256 of each file, so a records officer can show that what they hand over is what the
bot held. Rows are written as they are read, a batch at a time, so memory stays flat however many
there are. Dates are ISO 8601 with their offset; text is written exactly as it was recorded (a CSV
cell that starts with "=" stays as it is: a spreadsheet may read it as a formula, see the README).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlmodel import Session

from storage.records_export_queries import (
    RECORD_TYPES,
    Chunk,
    ExportFilter,
    RecordType,
    begin_snapshot,
    stream_text,
)

FORMATS = ("csv", "json")
MANIFEST = "manifest.json"
PROGRESS_EVERY = 200_000  # rows between progress reports within one file
# Fast deflate: an export is mostly text that shrinks well at any level, and level 6 (zlib's
# default) costs about three times the CPU of level 1 for a few percent smaller files.
COMPRESS_LEVEL = 1

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
    stamp = request.requested_at.astimezone(UTC).timetuple()[:6]
    begin_snapshot(session)
    with zipfile.ZipFile(out, "w", allowZip64=True) as archive:
        for record_type in RECORD_TYPES:
            chunks = stream_text(session, record_type, wanted, request.formats)
            manifest.files += _write_type(archive, record_type, chunks, request.formats, stamp, progress)
        body = json.dumps(manifest.as_json(), indent=2, ensure_ascii=False).encode()
        archive.writestr(_entry(MANIFEST, stamp), body)
    return manifest


def _entry(name: str, stamp: tuple[int, ...]) -> zipfile.ZipInfo:
    # Dated with the request's time from the app's clock, not the machine's (zipfile's default).
    info = zipfile.ZipInfo(name, date_time=stamp)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_DEFLATED
    # `compress_level` from Python 3.13, `_compresslevel` before it.
    setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel", COMPRESS_LEVEL)
    return info


class _Sink:
    """Bytes on their way into a file: counted and hashed as they go."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.hash.update(data)
        self.size += len(data)
        self.out.write(data)


def _write_type(
    archive: zipfile.ZipFile,
    record_type: RecordType,
    chunks: Iterable[Chunk],
    formats: tuple[str, ...],
    stamp: tuple[int, ...],
    progress: Progress | None,
) -> list[ExportedFile]:
    """Both files of one record type: the CSV straight into the zip, the JSON into a temporary
    file (a zip takes one file at a time), copied in after.

    The text comes written by the database (storage/records_export_text.py), a chunk of rows at a
    time; here it is only counted, hashed and stored."""
    csv_name, json_name = f"{record_type.name}.csv", f"{record_type.name}.json"
    with tempfile.TemporaryFile() as json_file:
        csv_out = archive.open(_entry(csv_name, stamp), "w", force_zip64=True) if "csv" in formats else None
        csv_sink = _Sink(csv_out) if csv_out else None
        json_sink = _Sink(json_file) if "json" in formats else None
        rows = {"csv": 0, "json": 0}
        reported = 0
        for what, data, count in chunks:
            if what == "csv" and csv_sink:
                csv_sink.write(data)
            elif json_sink:
                json_sink.write(b"[\n" if rows["json"] == 0 else b",\n")
                json_sink.write(data)
            rows[what] += count
            done = max(rows.values())
            if progress and done - reported >= PROGRESS_EVERY:
                progress(record_type.name, done)
                reported = done
        if json_sink:
            json_sink.write(b"\n]\n" if rows["json"] else b"[]\n")
        files = []
        if csv_out and csv_sink:
            csv_out.close()
            files.append(_file(csv_name, record_type.name, rows["csv"], csv_sink))
        if json_sink:
            json_file.seek(0)
            with archive.open(_entry(json_name, stamp), "w", force_zip64=True) as json_out:
                shutil.copyfileobj(json_file, json_out, 1 << 20)
            files.append(_file(json_name, record_type.name, rows["json"], json_sink))
    if progress:
        progress(record_type.name, max(rows.values()))
    return files


def _file(name: str, record_type: str, rows: int, sink: _Sink) -> ExportedFile:
    return ExportedFile(name, record_type, rows, sink.size, sink.hash.hexdigest())


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
