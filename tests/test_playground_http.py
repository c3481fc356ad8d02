"""The playground's address from outside the page: the app's own door stays shut to unsigned requests,
and only this machine's page can drive the playground."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.support.playground import Playground, started_playground


@pytest.fixture(scope="module")
def playground() -> Iterator[Playground]:
    with started_playground() as running:
        yield running


def request(
    playground: Playground, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
) -> tuple[int, str]:
    parts = urlsplit(playground.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body=body.encode(), headers=headers or {})
        answer = connection.getresponse()
        return answer.status, answer.read().decode()
    finally:
        connection.close()


def test_the_apps_door_refuses_what_slack_did_not_sign(playground: Playground) -> None:
    form = "command=%2Fbrm&text=help&team_id=T0PLAYGRND&user_id=U0ALEX&channel_id=C0BRMTEAM"
    status, _ = request(
        playground, "POST", "/slack/events", form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 401


def test_the_page_is_served_to_this_machine_by_its_own_name_only(playground: Playground) -> None:
    assert request(playground, "GET", "/")[0] == 200
    assert request(playground, "GET", "/", headers={"Host": "localhost"})[0] == 200
    status, body = request(playground, "GET", "/play/state", headers={"Host": "attacker.example:80"})
    assert status == 403 and "127.0.0.1" in body


def test_only_json_drives_the_page(playground: Playground) -> None:
    # A form or text/plain body is what another site's page could send without asking first.
    command = json.dumps({"channel": "C0BRMTEAM", "text": "/brm help"})
    status, _ = request(playground, "POST", "/play/command", command, {"Content-Type": "text/plain"})
    assert status == 415
    status, body = request(playground, "POST", "/play/command", command, {"Content-Type": "application/json"})
    assert (status, json.loads(body)) == (200, {"status": 200})


def test_what_cannot_be_done_is_answered_with_a_reason(playground: Playground) -> None:
    json_header = {"Content-Type": "application/json"}
    status, body = request(
        playground, "POST", "/play/command", json.dumps({"channel": "C0NONE"}), json_header
    )
    assert status == 400 and "no channel" in json.loads(body)["error"]
    status, body = request(playground, "POST", "/play/clock", json.dumps({"to": "yesterday"}), json_header)
    assert status == 400 and "yesterday" in json.loads(body)["error"]
