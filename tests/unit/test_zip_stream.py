"""The export's zip (bot/records/zip_stream.py): files compressed on their own threads, spliced in,
read back by Python's zipfile and by Info-ZIP's unzip exactly as they were written."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest

from bot.records.export_zip import _write_type
from bot.records.zip_stream import Compressing, ZipStream
from storage.records_export_queries import RECORD_TYPES

STAMP = (2026, 12, 1, 9, 30, 17)
FILES = {
    "interactions.csv": [b"id,summary\r\n", b'1,"caf\xc3\xa9 \xe2\x9c\x93, ""quoted"""\r\n' * 5000],
    "interactions.json": [b"[\n", os.urandom(300_000), b"\n]\n"],  # does not shrink: stored bigger
    "empty.csv": [],
    "r\xe9sum\xe9.json": [b"[]\n"],  # a name outside ASCII: flagged UTF-8
}


def write_zip(files: dict[str, list[bytes]]) -> bytes:
    out = io.BytesIO()
    archive = ZipStream(out, STAMP)
    for name, chunks in files.items():
        compressing = Compressing(name)
        for chunk in chunks:
            compressing.write(chunk)
        compressing.finish()
        archive.add(compressing.file)
    archive.add_bytes("manifest.json", b'{"files": 4}')
    archive.close()
    return out.getvalue()


def test_every_file_reads_back_as_written_with_its_time_and_checksum() -> None:
    data = write_zip(FILES)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None  # every CRC-32 matches
        assert archive.namelist() == [*FILES, "manifest.json"]
        for name, chunks in FILES.items():
            assert archive.read(name) == b"".join(chunks)
            info = archive.getinfo(name)
            assert info.date_time == (2026, 12, 1, 9, 30, 16)  # zip times count in two seconds
            assert info.compress_type == zipfile.ZIP_DEFLATED
        assert archive.read("manifest.json") == b'{"files": 4}'
        assert archive.getinfo("interactions.csv").compress_size < 2_000  # it did compress


def test_what_a_file_reports_is_what_the_zip_holds() -> None:
    compressing = Compressing("a.csv")
    for chunk in FILES["interactions.csv"]:
        compressing.write(chunk)
    stored = compressing.finish()
    body = b"".join(FILES["interactions.csv"])
    assert (stored.size, stored.sha256) == (len(body), hashlib.sha256(body).hexdigest())
    compressing.abandon()


def test_info_zip_unzip_tests_and_extracts_it(tmp_path: Path) -> None:
    if shutil.which("unzip") is None:
        if os.environ.get("CI"):  # .ci/run installs it: missing there is a failure
            pytest.fail("Info-ZIP unzip is not installed")
        pytest.skip("Info-ZIP unzip is not installed (apt install unzip)")
    path = tmp_path / "export.zip"
    path.write_bytes(write_zip(FILES))
    tested = subprocess.run(["unzip", "-t", str(path)], capture_output=True, text=True)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "No errors detected" in tested.stdout
    subprocess.run(["unzip", "-q", str(path), "-d", str(tmp_path / "out")], check=True)
    assert (tmp_path / "out" / "interactions.csv").read_bytes() == b"".join(FILES["interactions.csv"])


def test_a_failed_read_stops_the_compression_threads_and_raises() -> None:
    before = threading.active_count()

    def chunks():  # the database fails after one chunk
        yield b"1,2\r\n", b'{"id": 1}', 1
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"):
        _write_type(ZipStream(io.BytesIO(), STAMP), RECORD_TYPES[0], chunks(), ("csv", "json"), None)
    assert threading.active_count() == before
