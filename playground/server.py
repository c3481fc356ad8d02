"""One address on 127.0.0.1 for the whole playground: the app's own door (/slack/events, /healthz), the
stand-in's Web API (/api/...) and response_urls (/response/...), and the page (/, /static/, /play/).
"""

from __future__ import annotations

import json
import logging
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl

from playground.page import Page, PageError
from playground.web_api import WebApi

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
STATIC_FILES = {"/": "index.html", "/static/play.js": "play.js", "/static/play.css": "play.css"}
APP_PATHS = ("/slack/events", "/healthz")
MAX_PAGE_BODY = 1024 * 1024
LOCAL_NAMES = ("127.0.0.1", "localhost")


class PlaygroundServer:
    """The WSGI app served on the playground's address."""

    def __init__(self) -> None:
        # Wired as the playground starts (playground/start.py); until then the parts not ready say so.
        self.app: Any = None  # the real app's WSGI app (app.WsgiApp), exactly as production serves it
        self.api: WebApi | None = None
        self.page: Page | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        host = (environ.get("HTTP_HOST") or "").split(":")[0]
        if host not in LOCAL_NAMES:
            # Only this machine, by its own name: a page elsewhere that makes the browser resolve its
            # name to 127.0.0.1 (DNS rebinding) is refused.
            return _send(start_response, 403, b"the playground answers 127.0.0.1 only", "text/plain")
        if path in STATIC_FILES and method == "GET":
            name = STATIC_FILES[path]
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return _send(start_response, 200, (STATIC / name).read_bytes(), f"{kind}; charset=utf-8")
        if (
            self.api is None
            or (self.app is None and not path.startswith("/api/"))
            or (self.page is None and path.startswith("/play/"))
        ):
            return _send(start_response, 503, b"the playground is starting", "text/plain; charset=utf-8")
        if path in APP_PATHS:
            return self.app(environ, start_response)
        if path.startswith("/api/"):
            return self._web_api(path[len("/api/") :], environ, start_response)
        if path.startswith("/response/") and method == "POST":
            status, text = self.api.respond(path[len("/response/") :], _json_body(environ) or {})
            return _send(start_response, status, text.encode(), "text/plain; charset=utf-8")
        if path.startswith("/archives/") and method == "GET":
            # A permalink the bot shows: back to the page, at that message.
            _, _, channel, ts = path.split("/", 3)
            start_response("302 Found", [("Location", f"/#{channel}/{ts}")])
            return [b""]
        if path == "/play/state" and method == "GET":
            since = parse_qs(environ.get("QUERY_STRING", "")).get("since", ["-1"])[0]
            return _json(
                start_response, 200, self.page.state(int(since) if since.lstrip("-").isdigit() else -1)
            )
        if path.startswith("/play/") and method == "POST":
            return self._page_action(path[len("/play/") :], environ, start_response)
        return _send(start_response, 404, b"not found", "text/plain; charset=utf-8")

    def _web_api(self, method: str, environ: dict[str, Any], start_response: Any) -> Any:
        params: dict[str, Any] = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        raw = _read(environ)
        text = raw.decode("utf-8", "replace")
        if text:
            if "json" in (environ.get("CONTENT_TYPE") or "") or text.startswith("{"):
                try:
                    params.update(json.loads(text))
                except ValueError:
                    return _json(start_response, 200, {"ok": False, "error": "invalid_json"})
            else:
                params.update(parse_qsl(text, keep_blank_values=True))
        auth = environ.get("HTTP_AUTHORIZATION", "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else params.pop("token", None)
        return _json(start_response, 200, self.api.call(method, params, token))

    def _page_action(self, name: str, environ: dict[str, Any], start_response: Any) -> Any:
        if (environ.get("CONTENT_TYPE") or "").split(";")[0].strip() != "application/json":
            # A JSON body makes a browser ask first (CORS) before another site's page may send it.
            return _json(start_response, 415, {"error": "send application/json"})
        fields = _json_body(environ)
        if fields is None:
            return _json(start_response, 400, {"error": "send a JSON object"})
        try:
            return _json(start_response, 200, self.page.handle(name, fields))
        except (PageError, ValueError) as problem:
            return _json(start_response, 400, {"error": str(problem)})


def _read(environ: dict[str, Any]) -> bytes:
    length = environ.get("CONTENT_LENGTH") or "0"
    size = int(length) if length.isdigit() else 0
    return environ["wsgi.input"].read(min(size, MAX_PAGE_BODY)) if size else b""


def _json_body(environ: dict[str, Any]) -> dict[str, Any] | None:
    try:
        parsed = json.loads(_read(environ) or b"{}")
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _json(start_response: Any, status: int, answer: Any) -> list[bytes]:
    return _send(start_response, status, json.dumps(answer).encode(), "application/json")


_REASONS = {
    200: "OK",
    302: "Found",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    415: "Unsupported Media Type",
    503: "Service Unavailable",
}


def _send(start_response: Any, status: int, body: bytes, content_type: str) -> list[bytes]:
    start_response(
        f"{status} {_REASONS.get(status, 'OK')}",
        [("Content-Type", content_type), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")],
    )
    return [body]
