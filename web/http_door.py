"""The HTTP door: every request Slack POSTs to /slack/events is read, checked and parsed here first.

Before Bolt sees a request the door
- refuses a body larger than MAX_BODY_BYTES (413) without reading it, and never reads more than that;
- refuses what is not well-formed (400): a timestamp that is not a whole number, a body that is not
  UTF-8, JSON that does not parse or is not an object, a payload in a shape Slack never sends;
- checks the signature (401), logging one short line (path, size, reason), never the body;
- parses the body itself and hands Bolt the parsed request as JSON. Bolt's own parsing takes any
  form body containing the word "payload" for an interactivity payload, so a slash command whose text
  (or channel, user or team name) says "payload" would reach no listener.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_sdk.signature import SignatureVerifier

from web.request_shapes import shape_problem

log = logging.getLogger(__name__)

# Slack caps a message at 40,000 characters. The largest request this app receives is a message
# shortcut, which carries the message twice (text and blocks) form-encoded: even with every character
# three UTF-8 bytes (nine once percent-encoded) that stays under 1 MiB. Twice that leaves room for
# Slack's own fields and still bounds what 32 server threads can hold at once to 64 MiB.
MAX_BODY_BYTES = 2 * 1024 * 1024
JSON = "application/json"


class Refused(Exception):
    """The request is answered with `status` and never reaches Bolt; `reason` goes to the log."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass(frozen=True)
class Admitted:
    """A request the door let in: its fields, parsed. Bolt is handed it only when the intake does not
    answer it (`for_bolt`), so a `/brm` command is never encoded and parsed again."""

    body: dict[str, Any]
    headers: dict[str, Any]
    query: str

    def for_bolt(self) -> BoltRequest:
        # Bolt gets the request already parsed, as JSON, so its own form parsing never guesses.
        headers = {**self.headers, "content-type": JSON}
        return BoltRequest(body=json.dumps(self.body), query=self.query, headers=headers)


class SlackDoor:
    """A WSGI app for Slack's POSTs to `path`: checks each request, then lets the intake (when given)
    or Bolt answer it."""

    def __init__(
        self,
        bolt: App,
        signing_secret: str,
        *,
        path: str,
        max_body: int = MAX_BODY_BYTES,
        on_refused: Callable[[int, str], None] | None = None,
        intake: Callable[[dict[str, Any]], BoltResponse | None] | None = None,
    ) -> None:
        """`on_refused(status, reason)` is told of each refusal (the metrics count them). `intake(body)`
        sees each admitted request before Bolt: what it answers goes back as it is, and only when it
        answers None does Bolt dispatch the request (handlers/command_intake.py)."""
        self._bolt = bolt
        self._intake = intake
        self._on_refused = on_refused
        self._verifier = SignatureVerifier(signing_secret) if signing_secret else None
        self._path = path
        self._max_body = max_body

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != self._path:
            return _answer(start_response, WsgiHttpResponse(404, _TEXT, "Not Found"))
        try:
            request = self.admit(environ)
        except Refused as refused:
            declared = environ.get("CONTENT_LENGTH") or ""
            size = f"{declared} bytes" if declared.isascii() and declared.isdigit() else "size unknown"
            log.warning("refused %s (%s): %s", self._path, size, refused.reason)
            if self._on_refused is not None:
                self._on_refused(refused.status, refused.reason)
            return _answer(start_response, WsgiHttpResponse(refused.status, _TEXT, refused.reason))
        answer = self._intake(request.body) if self._intake is not None else None
        if answer is None:
            answer = self._bolt.dispatch(request.for_bolt())
        return _answer(start_response, WsgiHttpResponse(answer.status, answer.headers, answer.body))

    def admit(self, environ: dict[str, Any]) -> Admitted:
        """The request, checked and parsed; Refused when it must not go further."""
        headers = WsgiHttpRequest(environ).get_headers()
        raw = self._read_body(environ)
        timestamp = _header(headers, "x-slack-request-timestamp")
        if timestamp is not None and not (timestamp.isascii() and timestamp.isdigit()):
            raise Refused(400, "X-Slack-Request-Timestamp is not a whole number of seconds")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(400, "the body is not UTF-8") from None
        body = parse_slack_body(text, _header(headers, "content-type"))
        self._check_signature(text, timestamp, _header(headers, "x-slack-signature"))
        problem = shape_problem(body)
        if problem:
            raise Refused(400, problem)
        return Admitted(body, headers, environ.get("QUERY_STRING", ""))

    def _read_body(self, environ: dict[str, Any]) -> bytes:
        declared = environ.get("CONTENT_LENGTH") or ""
        if declared and not (declared.isascii() and declared.isdigit()):
            raise Refused(400, "Content-Length is not a number")
        if declared and int(declared) > self._max_body:
            raise Refused(413, f"the body is larger than {self._max_body} bytes")
        stream = environ.get("wsgi.input")
        if stream is None:
            return b""
        # Without a Content-Length, one byte more than the cap tells a body that is too large.
        raw = stream.read(int(declared) if declared else self._max_body + 1)
        if len(raw) > self._max_body:
            raise Refused(413, f"the body is larger than {self._max_body} bytes")
        return raw

    def _check_signature(self, body: str, timestamp: str | None, signature: str | None) -> None:
        if self._verifier is None:
            raise Refused(401, "no signing secret is set")
        if timestamp is None or signature is None:
            raise Refused(401, "not signed")
        if not signature.isascii():  # a signature is hex; comparing anything else would fail
            raise Refused(401, "bad signature")
        if not self._verifier.is_valid(body, timestamp, signature):
            expected = self._verifier.generate_signature(timestamp=timestamp, body=body) or ""
            signed_well = hmac.compare_digest(expected, signature)
            raise Refused(401, "stale timestamp" if signed_well else "bad signature")


def parse_slack_body(text: str, content_type: str | None) -> dict[str, Any]:
    """The request's fields: a JSON object (Events API), a form's fields (slash commands), or the JSON
    object in the form's `payload` field (interactivity). Refused(400) for anything else."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if not text:
        return {}
    if media_type == JSON or text.startswith("{"):
        return _json_object(text, "the body")
    fields = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in fields:
        return _json_object(fields["payload"], "the payload field")
    return fields


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        parsed = json.loads(text)
    except ValueError:
        raise Refused(400, f"{what} is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise Refused(400, f"{what} is not a JSON object")
    return parsed


_TEXT = {"content-type": ["text/plain;charset=utf-8"]}


def _header(headers: dict[str, Any], name: str) -> str | None:
    value = headers.get(name)
    return value[0] if isinstance(value, list | tuple) else value


def _answer(start_response: Any, response: WsgiHttpResponse) -> Iterable[bytes]:
    start_response(response.status, response.get_headers())
    return response.get_body()
