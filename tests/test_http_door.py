"""The HTTP door: what reaches Bolt, what is refused before it, and what the log says about it."""

from __future__ import annotations

import http.client
import io
import json
import logging
import socket
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from app import server_options
from logs import RedactSecrets
from storage.models import Interaction
from tests.conftest import SIGNING_SECRET, RunningApp
from tests.support.server import serve_in_thread
from tests.support.signing import sign
from web.http_door import MAX_BODY_BYTES

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def post(app: RunningApp, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST these exact bytes and headers to /slack/events; the status and the answer's text."""
    parts = urlsplit(app.client.events_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("POST", parts.path, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.read().decode("utf-8", "replace")
    finally:
        connection.close()


def signed(app: RunningApp, body: str, content_type: str) -> tuple[int, str]:
    return post(app, body.encode(), {"Content-Type": content_type, **sign(body, SIGNING_SECRET)})


def door_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "web.http_door"]


def assert_one_quiet_line(caplog: pytest.LogCaptureFixture) -> None:
    """One short line from the door, and no traceback or error from anywhere."""
    assert len(door_lines(caplog)) == 1, [r.getMessage() for r in caplog.records]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


# --------------------------------------------------------------------------- 1. nothing misroutes


def test_a_command_saying_payload_is_logged(app: RunningApp) -> None:
    reply = app.command("log DMV call: the payload API is failing again")
    assert "DMV" in json.dumps(reply)
    with app.db.workspace("T1") as session:
        [interaction] = session.exec(select(Interaction)).all()
    assert "payload API is failing" in interaction.summary


any_text = st.one_of(
    st.text(max_size=60),
    st.builds(lambda a, b: f"{a}payload{b}", st.text(max_size=20), st.text(max_size=20)),
    st.sampled_from(["payload", "payload=", "payload={", "&payload=[]", "{payload}", "x&payload=null"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=any_text, channel_name=any_text, user_name=any_text, team_domain=any_text)
def test_no_text_can_misroute_a_slash_command(
    app: RunningApp, text: str, channel_name: str, user_name: str, team_domain: str
) -> None:
    # "help" first: whatever follows, the command answers at its response_url without writing.
    sent = app.client.command(
        f"help {text}", channel_name=channel_name, user_name=user_name, team_domain=team_domain
    )
    assert (sent.status, sent.body) == (200, "")
    [reply] = app.slack.wait_for_response(sent.response_name, timeout=10)
    assert reply.body["response_type"] == "ephemeral"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=any_text, channel_name=any_text)
def test_any_slash_command_text_is_acknowledged_by_the_command_listener(
    app: RunningApp, text: str, channel_name: str
) -> None:
    # Only the /brm listener acknowledges a slash command; a request no listener takes gets a 404.
    sent = app.client.command(text, channel_name=channel_name)
    assert (sent.status, sent.body) == (200, "")


# --------------------------------------------------------------------------- 2. malformed: 400


def _unsigned_form(ts: str) -> dict[str, str]:
    return {"Content-Type": FORM, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=00"}


BEFORE_THE_SIGNATURE = {
    "timestamp not a number": (b"command=%2Fbrm&text=help", _unsigned_form("soon")),
    "timestamp a float": (b"command=%2Fbrm&text=help", _unsigned_form(f"{time.time():.3f}")),
    "timestamp empty": (b"command=%2Fbrm&text=help", _unsigned_form("")),
    "invalid UTF-8": (b"command=%2Fbrm&text=\xff\xfe", _unsigned_form(str(int(time.time())))),
    "broken JSON": (b'{"type": "event_callback",', {"Content-Type": JSON}),
    "a JSON array": (b"[1, 2]", {"Content-Type": JSON}),
    "JSON null": (b"null", {"Content-Type": JSON}),
}


@pytest.mark.parametrize("case", BEFORE_THE_SIGNATURE)
def test_malformed_before_the_signature_is_a_400(
    app: RunningApp, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    body, headers = BEFORE_THE_SIGNATURE[case]
    caplog.set_level(logging.DEBUG)
    status, _ = post(app, body, headers)
    assert status == 400
    assert_one_quiet_line(caplog)


def _interaction(payload: Any) -> tuple[str, str]:
    return urlencode({"payload": json.dumps(payload)}), FORM


def _event(event: Any, **envelope: Any) -> tuple[str, str]:
    return json.dumps({"type": "event_callback", "team_id": "T1", "event": event, **envelope}), JSON


_USER = {"id": "U1", "team_id": "T1"}
_TEAM = {"id": "T1"}
_VIEW = {"id": "V1", "callback_id": "brm_interaction", "state": {"values": {}}, "private_metadata": ""}

SIGNED_BUT_MALFORMED = {
    "payload={broken": ("payload={broken", FORM),
    "payload a JSON array": ("payload=[1]", FORM),
    "payload null": ("payload=null", FORM),
    "actions=[]": _interaction({"type": "block_actions", "user": _USER, "team": _TEAM, "actions": []}),
    "actions not a list": _interaction({"type": "block_actions", "user": _USER, "actions": "go"}),
    "an action without action_id": _interaction(
        {"type": "block_actions", "user": _USER, "team": _TEAM, "actions": [{"type": "button"}]}
    ),
    "event null": _event(None),
    "event a list": _event([{"type": "reaction_added"}]),
    "event without a type": _event({"user": "U1"}),
    "user_change with a string user": _event({"type": "user_change", "user": "U1"}),
    "reaction item a list": _event({"type": "reaction_added", "user": "U1", "item": ["C1"]}),
    "team a number": _interaction({"type": "shortcut", "team": 7, "user": _USER, "callback_id": "x"}),
    "view null": _interaction({"type": "view_submission", "user": _USER, "team": _TEAM, "view": None}),
    "view state values a list": _interaction(
        {"type": "view_submission", "user": _USER, "team": _TEAM, "view": {**_VIEW, "state": {"values": []}}}
    ),
    "message shortcut without message": _interaction(
        {"type": "message_action", "user": _USER, "team": _TEAM, "callback_id": "brm_capture"}
    ),
    "a form body sent as JSON": ("command=%2Fbrm&text=help&team_id=T1&user_id=U1", JSON),
    "a command without a response_url": ("command=%2Fbrm&text=help&user_id=U1&channel_id=C1", FORM),
    "a shortcut without a user": _interaction({"type": "shortcut", "team": _TEAM, "callback_id": "x"}),
}


@pytest.mark.parametrize("case", SIGNED_BUT_MALFORMED)
def test_signed_but_malformed_is_a_400(app: RunningApp, caplog: pytest.LogCaptureFixture, case: str) -> None:
    body, content_type = SIGNED_BUT_MALFORMED[case]
    caplog.set_level(logging.DEBUG)
    calls_before = len(app.slack.calls)
    status, _ = signed(app, body, content_type)
    assert status == 400
    assert_one_quiet_line(caplog)
    assert app.slack.calls[calls_before:] == []


# --------------------------------------------------------------------------- 3. the body cap


class CountingInput(io.BytesIO):
    """A request body that counts how much of it was read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def call_door(app: RunningApp, body: CountingInput, content_length: str | None) -> str:
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "wsgi.input": body}
    if content_length is not None:
        environ["CONTENT_LENGTH"] = content_length
    statuses = []
    app.brm.wsgi()(environ, lambda status, headers: statuses.append(status))
    return statuses[0]


def test_an_oversized_body_is_refused_without_being_read(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    body = CountingInput(b"x" * (MAX_BODY_BYTES + 10))
    assert call_door(app, body, str(MAX_BODY_BYTES + 10)).startswith("413")
    assert body.bytes_read == 0
    assert_one_quiet_line(caplog)


@pytest.mark.parametrize("content_length", [None, "10"])
def test_a_body_without_or_lying_about_its_length_is_read_no_further_than_the_cap(
    app: RunningApp, content_length: str | None
) -> None:
    body = CountingInput(b"x" * (3 * MAX_BODY_BYTES))
    status = call_door(app, body, content_length)
    assert body.bytes_read <= MAX_BODY_BYTES + 1
    assert status.startswith("413" if content_length is None else "401")


def test_the_server_refuses_a_huge_upload_before_it_arrives(app: RunningApp) -> None:
    # Served as app.py serves it: the server itself answers 413 once it has read the headers.
    url, stop = serve_in_thread(app.brm.wsgi(), **server_options())
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
            sock.sendall(
                b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 20000000\r\n\r\n" + b"{" * 1000
            )
            answer = sock.recv(4096)
    finally:
        stop()
    assert answer.startswith(b"HTTP/1.1 413")


def test_a_bad_signature_is_a_401_and_its_body_never_reaches_the_log(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    calls_before = len(app.slack.calls)
    body = urlencode({"command": "/brm", "text": "log secret-words-here", "team_id": "T1"})
    stale = sign(body, SIGNING_SECRET, timestamp=int(time.time()) - 3600)
    forged = sign(body, "not-the-secret")
    not_hex = {**forged, "X-Slack-Signature": "v0=\u00e9t\u00e9"}  # sent as Latin-1 bytes
    cases = (
        (stale, "stale timestamp"),
        (forged, "bad signature"),
        (not_hex, "bad signature"),
        ({}, "not signed"),
    )
    for headers, reason in cases:
        status, _ = post(app, body.encode(), {"Content-Type": FORM, **headers})
        assert status == 401
        assert reason in door_lines(caplog)[-1].getMessage()
    assert len(door_lines(caplog)) == 4
    assert "secret-words-here" not in caplog.text
    assert "secret-words" not in " ".join(str(r.args) for r in caplog.records)
    assert app.slack.calls[calls_before:] == []


# --------------------------------------------------------------------------- 4. response_urls


def test_a_live_response_url_in_an_encoded_body_never_reaches_the_log(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.handler.addFilter(RedactSecrets([SIGNING_SECRET]))
    live = "https://hooks.slack.com/actions/T1/1234567890123/Zq8rWv3YtPl0KmNd"
    payload = json.dumps({"type": "shortcut", "response_url": live, "callback_id": "x"}).replace("/", "\\/")
    body = urlencode({"payload": payload})
    assert "hooks.slack.com%5C%2Factions%5C%2FT1" in body  # the way Slack's own bodies carry it
    for headers in (sign(body, SIGNING_SECRET, timestamp=int(time.time()) - 3600), sign(body, "forged")):
        status, _ = post(app, body.encode(), {"Content-Type": FORM, **headers})
        assert status == 401
    assert door_lines(caplog)
    assert "Zq8rWv3YtPl0KmNd" not in caplog.text and "1234567890123" not in caplog.text
