"""Writing an export: a zip with a CSV and a JSON file per record type, and a manifest.

The manifest says what was asked (the filters), who asked and when, how many rows each file holds
and the SHA-256 of each file, so a records officer can show that what they hand over is what the
bot held. Rows are written as they are read, a batch at a time, so memory stays flat however many
there are. Dates are ISO 8601 with their offset; text is written exactly as it was recorded (a CSV
cell that starts with "=" stays as it is: a spreadsheet may read it as a formula, see the README).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlmodel import Session

from storage.records_export_queries import RECORD_TYPES, ExportFilter, RecordType, stream_batches

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
    with zipfile.ZipFile(out, "w", allowZip64=True) as archive:
        for record_type in RECORD_TYPES:
            batches = stream_batches(session, record_type, wanted)
            manifest.files += _write_type(archive, record_type, batches, request.formats, stamp, progress)
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

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.hash.update(data)
        self.size += len(data)
        self.out.write(data)


def _write_type(
    archive: zipfile.ZipFile,
    record_type: RecordType,
    batches: Iterable[Sequence[Sequence[Any]]],
    formats: tuple[str, ...],
    stamp: tuple[int, ...],
    progress: Progress | None,
) -> list[ExportedFile]:
    """Both files of one record type from one pass over its rows: the CSV straight into the zip,
    the JSON into a temporary file (a zip takes one file at a time), copied in after.

    Rows come as text already (storage/records_export_queries.py): dates in ISO 8601, lists and
    objects as JSON text, which the JSON file holds as JSON values, not as strings."""
    columns = record_type.columns
    json_columns = [name in record_type.json_columns for name in columns]
    template = object_template(columns)
    csv_name, json_name = f"{record_type.name}.csv", f"{record_type.name}.json"
    with tempfile.TemporaryFile() as json_file:
        csv_out = archive.open(_entry(csv_name, stamp), "w", force_zip64=True) if "csv" in formats else None
        csv_sink = _Sink(csv_out) if csv_out else None
        json_sink = _Sink(json_file) if "json" in formats else None
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        if csv_sink:
            writer.writerow(columns)
        count = reported = 0
        for batch in batches:
            if csv_sink:
                writer.writerows(batch)
                csv_sink.write(buffer.getvalue())
                buffer.seek(0)
                buffer.truncate()
            if json_sink and batch:
                json_sink.write(
                    ("[\n" if count == 0 else ",\n") + json_objects(template, json_columns, batch)
                )
            count += len(batch)
            if progress and count - reported >= PROGRESS_EVERY:
                progress(record_type.name, count)
                reported = count
        if json_sink:
            json_sink.write("\n]\n" if count else "[]\n")
        files = []
        if csv_out and csv_sink:
            csv_out.close()
            files.append(
                ExportedFile(csv_name, record_type.name, count, csv_sink.size, csv_sink.hash.hexdigest())
            )
        if json_sink:
            json_file.seek(0)
            with archive.open(_entry(json_name, stamp), "w", force_zip64=True) as json_out:
                shutil.copyfileobj(json_file, json_out, 1 << 20)
            files.append(
                ExportedFile(json_name, record_type.name, count, json_sink.size, json_sink.hash.hexdigest())
            )
    if progress:
        progress(record_type.name, count)
    return files


def object_template(columns: Sequence[str]) -> str:
    """`{"id": %s, "name": %s}`: one JSON object, its values to fill in already encoded."""
    return "{" + ", ".join(f"{json.dumps(name)}: %s" for name in columns) + "}"


# Never in JSON text: the encoder escapes every control character inside strings, so this
# separator splits one encoded list back into its encoded values.
_SPLIT = "\x00"


def json_objects(template: str, json_columns: Sequence[bool], batch: Sequence[Sequence[Any]]) -> str:
    """The rows of `batch` as JSON objects, one a line, comma-separated.

    Each column of the batch is encoded in one call of the JSON encoder (in C) instead of one call
    per row: encoding row by row, the keys again each time, was most of an export's time. Columns
    holding JSON text (lists of people, audit details) are written as the JSON they are."""
    encoded = []
    for is_json, values in zip(json_columns, zip(*batch, strict=True), strict=True):
        if is_json:
            encoded.append(["null" if value is None else value for value in values])
        else:
            text = json.dumps(values, ensure_ascii=False, separators=(_SPLIT, ":"))
            encoded.append(text[1:-1].split(_SPLIT))
    return ",\n".join(template % row for row in zip(*encoded, strict=True))


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
