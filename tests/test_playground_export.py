"""`/brm export` in the playground: the stand-in takes the zip through Slack's external upload and
shares it in the person's DM with a link, from which the zip downloads whole."""

from __future__ import annotations

import http.client
import io
import json
import re
import time
import zipfile
from urllib.parse import urlsplit

from tests.support.playground import Playground, started_playground
from tests.test_playground_http import request

JSON = {"Content-Type": "application/json"}
LINK = re.compile(r"<(http://127\.0\.0\.1:\d+/files/F\d+)\|(brm-records-[^|>]+\.zip)>")


def download(playground: Playground, path: str) -> tuple[int, bytes]:
    parts = urlsplit(playground.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def test_an_export_in_the_playground_arrives_in_the_dm_and_downloads() -> None:
    with started_playground("--demo") as playground:
        command = json.dumps({"channel": "C0BRMTEAM", "text": "/brm export"})
        assert request(playground, "POST", "/play/command", command, JSON)[0] == 200
        found = None
        deadline = time.monotonic() + 60
        while found is None and time.monotonic() < deadline:
            state = json.loads(request(playground, "GET", "/play/state?since=-1")[1])
            found = LINK.search(json.dumps(state, ensure_ascii=False))
            if found is None:
                time.sleep(0.5)
        assert found is not None, playground.output[-3000:]
        assert not [p for p in state.get("problems", []) if "files." in p]

        status, body = download(playground, urlsplit(found.group(1)).path)

        assert status == 200
        archive = zipfile.ZipFile(io.BytesIO(body))
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["record_counts"]["parties"] > 0  # the demo's records
        for entry in manifest["files"]:
            assert len(archive.read(entry["name"])) == entry["bytes"]
        assert download(playground, "/files/F9999999999")[0] == 404
