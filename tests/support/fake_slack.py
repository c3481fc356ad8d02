"""A fake Slack Web API on loopback, so end-to-end tests can run the real app with no real Slack.

The app is pointed at `FakeSlack.url` (what `slack_sdk.WebClient(base_url=...)` and `SLACK_API_URL` take)
and talks real HTTP to it. The fake answers with the response shapes Slack documents, keeps just enough
state to answer consistently (messages it has posted, reactions, opened views, used trigger ids), and
records every call so tests assert on what actually reached "Slack" rather than on mocks.

It also stands in for `response_url`s (see `FakeSlack.response_url`) and can inject the failures that
matter for a bot that must never lose or double-send a nudge: HTTP 429 with Retry-After, HTTP 5xx,
Slack-level errors (`ok: false`), a per-channel rate limit and network latency.

Typical use::

    with FakeSlack() as fake:
        fake.add_user("U1", tz="America/New_York", name="jane", real_name="Jane Doe")
        client = WebClient(token="xoxb-test", base_url=fake.url)
        ...
        [post] = fake.wait_for("chat.postMessage")
        assert post.params["channel"] == "C1"

Deliberate simplifications: any token is accepted (only a missing one is refused, with `not_authed`);
channels are public and the bot is a member unless configured otherwise; `chat.update`, `reactions.*`
and `views.update` accept messages and views the fake never saw unless `strict = True`, because
tests often act on messages they did not route through the fake.
"""

from __future__ import annotations

import contextlib
import json
import math
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit
from zoneinfo import ZoneInfo

from tests.support.fake_files import FakeUploads

# Params that slack_sdk sends as JSON strings in form bodies; parsed so tests can assert on structure.
_JSON_STRING_PARAMS = ("blocks", "attachments", "view", "metadata", "unfurls")

# The first message ts the fake hands out; each new message adds 100 microseconds, like "1764150000.000100".
_FIRST_TS_MICROS = 1_764_150_000_000_100
_TS_STEP_MICROS = 100

# Slack labels timezones with long names; the zoneinfo abbreviation is mapped where we know it.
_TZ_LABELS = {
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "AKST": "Alaska Standard Time",
    "AKDT": "Alaska Daylight Time",
    "HST": "Hawaii-Aleutian Standard Time",
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "UTC": "Coordinated Universal Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
}


@dataclass(frozen=True)
class Call:
    """One Web API call as the fake received it, and what it answered."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]  # lower-cased names
    at: float  # time.time() on arrival
    token: str | None = None
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the fake answered HTTP 200 with `ok: true`."""
        return self.status == 200 and self.response.get("ok") is True


@dataclass(frozen=True)
class ResponsePost:
    """One JSON body posted to a fake `response_url`."""

    name: str
    body: dict[str, Any]
    headers: dict[str, str]  # lower-cased names
    at: float
    status: int = 200


@dataclass
class _Failure:
    status: int
    error: str | None
    retry_after: int | None
    remaining: int


@dataclass
class _Channel:
    id: str
    name: str
    is_member: bool = True
    is_private: bool = False
    not_found: bool = False


class SlackApiFailure(Exception):
    """Raised inside a method handler to answer `{"ok": false, "error": ...}`."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


class FakeSlack:
    """A threaded HTTP server on 127.0.0.1 that behaves like Slack's Web API and response_urls.

    All recorded and configured state sits behind one lock, since the app calls from many threads.
    """

    def __init__(
        self,
        *,
        team_id: str = "T1",
        team_name: str = "Example",
        team_domain: str = "example",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        app_id: str = "A1",
    ) -> None:
        self.team_id = team_id
        self.team_name = team_name
        self.team_domain = team_domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self._cond = threading.Condition(threading.RLock())
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._set_fresh_state()

        self._handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.join": self._conversations_join,
            "conversations.history": self._conversations_history,
            "conversations.list": self._conversations_list,
            "reactions.add": self._reactions_add,
            "reactions.remove": self._reactions_remove,
            "reactions.get": self._reactions_get,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": lambda params: self.uploads.get_upload_url(params),
            "files.completeUploadExternal": lambda params: self.uploads.complete_upload(params),
        }

    def _set_fresh_state(self) -> None:
        """Everything a test can change, as a newly built fake has it (the server itself excepted)."""
        # Seconds to wait before answering any request, to simulate a slow network or a slow Slack.
        self.latency: float = 0.0
        # When true, acting on a message or view the fake never saw answers message_not_found / not_found.
        self.strict: bool = False
        # The Enterprise Grid org the bot's own workspace belongs to, as `auth.test` reports it.
        self.enterprise_id: str | None = None
        # The scopes every answer to a token reports in its `x-oauth-scopes` header, as Slack's do
        # (None: no such header, as from a proxy that drops it).
        self.granted_scopes: list[str] | None = None
        self.calls: list[Call] = []
        self.responses: list[ResponsePost] = []
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._channels: dict[str, _Channel] = {}
        self._reactions: dict[tuple[str, str], dict[str, list[str]]] = {}
        self._failures: dict[str, list[_Failure]] = {}
        self._lost_answers: dict[str, int] = {}
        self._used_triggers: set[str] = set()
        self._triggers_expired = False
        self._per_channel_interval: float | None = None
        self._last_post_at: dict[str, float] = {}
        self._next_ts = _FIRST_TS_MICROS
        self._next_view = 1
        self.uploads = FakeUploads(self)  # files.getUploadURLExternal and its upload URLs
        self._response_names = 0
        self.add_user(
            self.bot_user_id, name="brm-bot", real_name="BRM Bot", is_bot=True, tz="America/New_York"
        )

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeSlack:
        """Start serving on a free loopback port; returns self."""
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        # A short poll interval keeps stop() (and so every test teardown) fast.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-slack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return self._server.server_address[1]

    @property
    def base(self) -> str:
        """The server root, e.g. "http://127.0.0.1:54321"."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The Web API base URL, ending in "/" as `WebClient(base_url=...)` requires."""
        return f"{self.base}/api/"

    def response_url(self, name: str | None = None) -> str:
        """A URL on this server that acts like a Slack `response_url`; posts to it are kept under `name`."""
        if name is None:
            with self._cond:
                self._response_names += 1
                name = f"r{self._response_names}"
        return f"{self.base}/response/{quote(name, safe='')}"

    # ------------------------------------------------------------------ configuration

    def add_method(self, method: str, handler: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        """Answer `method` with `handler(params)` (merged into `{"ok": true}`; raise SlackApiFailure
        for an error), for fakes of other Slack surfaces that need a Web API method of their own."""
        with self._cond:
            self._handlers[method] = handler

    def add_user(
        self,
        user_id: str,
        *,
        tz: str = "America/New_York",
        name: str | None = None,
        real_name: str | None = None,
        display_name: str | None = None,
        is_bot: bool = False,
        email: str | None = None,
        tz_offset: int | None = None,
        team_id: str | None = None,
        enterprise_id: str | None = None,
        deleted: bool = False,
        is_admin: bool = False,
        is_owner: bool = False,
        is_primary_owner: bool = False,
    ) -> dict[str, Any]:
        """Make `users.info` know this user; returns the user object it will answer with.

        `team_id` other than the fake's own team: a person of another workspace, such as a guest from
        another organisation in a Slack Connect channel (signed requests then name that team as
        theirs). `enterprise_id`: they belong to that Enterprise Grid org (`enterprise_user`).
        `is_admin`, `is_owner`, `is_primary_owner`: their role in the workspace, as Slack reports it."""
        name = name or user_id.lower()
        real_name = real_name or name
        zone_now = datetime.now(ZoneInfo(tz))
        offset = zone_now.utcoffset()
        abbreviation = zone_now.tzname() or tz
        profile: dict[str, Any] = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": display_name if display_name is not None else name,
            "display_name_normalized": display_name if display_name is not None else name,
            "team": team_id or self.team_id,
        }
        if email:
            profile["email"] = email
        user = {
            "id": user_id,
            "team_id": team_id or self.team_id,
            "name": name,
            "deleted": deleted,
            "real_name": real_name,
            "tz": tz,
            "tz_label": _TZ_LABELS.get(abbreviation, abbreviation),
            "tz_offset": tz_offset if tz_offset is not None else int(offset.total_seconds()) if offset else 0,
            "is_bot": is_bot,
            "is_admin": is_admin or is_owner or is_primary_owner,
            "is_owner": is_owner or is_primary_owner,
            "is_primary_owner": is_primary_owner,
            "is_app_user": False,
            "updated": 1_700_000_000,
            "profile": profile,
        }
        if enterprise_id:
            user["enterprise_user"] = {
                "id": user_id,
                "enterprise_id": enterprise_id,
                "enterprise_name": f"Enterprise {enterprise_id}",
                "is_admin": False,
                "is_owner": False,
                "teams": [team_id or self.team_id],
            }
        if is_bot:
            profile["bot_id"] = self.bot_id if user_id == self.bot_user_id else f"B{user_id}"
        with self._cond:
            self._users[user_id] = user
        return user

    def user(self, user_id: str) -> dict[str, Any] | None:
        """The user object `users.info` answers for this id, or None when unknown."""
        with self._cond:
            found = self._users.get(user_id)
            return json.loads(json.dumps(found)) if found is not None else None

    def add_channel(
        self, channel_id: str, *, name: str | None = None, is_member: bool = True, is_private: bool = False
    ) -> None:
        """Describe a channel for `conversations.info`; unknown channels exist and the bot is in them."""
        with self._cond:
            self._channels[channel_id] = _Channel(
                channel_id, name or f"channel-{channel_id.lower()}", is_member, is_private
            )

    def set_not_in_channel(self, channel_id: str) -> None:
        """Posting to this channel answers `not_in_channel` until `conversations.join`."""
        with self._cond:
            self._channel(channel_id).is_member = False

    def set_channel_not_found(self, channel_id: str) -> None:
        """Every method naming this channel answers `channel_not_found`."""
        with self._cond:
            self._channel(channel_id).not_found = True

    def add_message(
        self, channel: str, ts: str | None = None, *, text: str = "", user: str = "U1", **extra: Any
    ) -> dict[str, Any]:
        """Seed a message someone wrote (for shortcuts, reactions, permalinks); returns Slack's shape."""
        with self._cond:
            ts = ts or self._new_ts()
            message = {"type": "message", "user": user, "text": text, "ts": ts, "team": self.team_id, **extra}
            self.messages[(channel, ts)] = message
            return dict(message)

    def add_reaction(self, channel: str, ts: str, name: str, user: str = "U1") -> None:
        """Record a person's reaction so `reactions.get` shows it (the event itself is the test's to send)."""
        with self._cond:
            users = self._reactions.setdefault((channel, ts), {}).setdefault(name, [])
            if user not in users:
                users.append(user)

    def remove_reaction(self, channel: str, ts: str, name: str, user: str = "U1") -> None:
        with self._cond:
            users = self._reactions.get((channel, ts), {}).get(name, [])
            if user in users:
                users.remove(user)

    def fail_next(
        self,
        method: str,
        status: int = 429,
        *,
        retry_after: int | None = 1,
        times: int = 1,
        error: str | None = None,
    ) -> None:
        """Make the next `times` calls of `method` fail.

        With `error`, answer HTTP 200 `{"ok": false, "error": error}`. Otherwise answer HTTP `status`:
        429 comes with `Retry-After: retry_after` and `ratelimited`, like Slack. Use method "response_url"
        to fail posts to response URLs.
        """
        failure = _Failure(200 if error else status, error, retry_after, times)
        with self._cond:
            self._failures.setdefault(method, []).append(failure)

    def lose_next_answer(self, method: str, times: int = 1) -> None:
        """Carry out the next `times` calls of `method` but answer HTTP 500, as when a gateway times out
        after Slack acted: the caller cannot tell whether it worked."""
        with self._cond:
            self._lost_answers[method] = self._lost_answers.get(method, 0) + times

    def rate_limit_per_channel(self, per_second: float | None = 1.0) -> None:
        """Answer 429 to `chat.postMessage` in a channel faster than `per_second`; None turns it off."""
        with self._cond:
            self._per_channel_interval = None if not per_second else 1.0 / per_second
            self._last_post_at.clear()

    def expire_triggers(self, expired: bool = True) -> None:
        """Make every `views.open`/`views.push` answer `expired_trigger_id` (Slack's 3-second limit)."""
        with self._cond:
            self._triggers_expired = expired

    def reset(self) -> None:
        """Back to a freshly built fake: calls, posts, users, channels, failures and ids all forgotten.

        Lets one server be shared by a whole session while each test starts from the same state
        (message ts and view ids start again at their first values).
        """
        with self._cond:
            self._set_fresh_state()

    # ------------------------------------------------------------------ assertions

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until `method` has been called `count` times; returns those calls.

        The app does its work after acking, so tests wait for the effect instead of sleeping.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls if c.method == method]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} call(s) to {method} within {timeout}s, got {len(found)}.\n"
                        + self.dump()
                    )
                self._cond.wait(remaining)

    def response_posts(self, name: str) -> list[ResponsePost]:
        with self._cond:
            return [r for r in self.responses if r.name == name]

    def wait_for_response(self, name: str, count: int = 1, timeout: float = 5.0) -> list[ResponsePost]:
        """Wait until `count` bodies were posted to the response_url called `name`; returns them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [r for r in self.responses if r.name == name]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} post(s) to response_url {name!r} within {timeout}s, "
                        f"got {len(found)}.\n" + self.dump()
                    )
                self._cond.wait(remaining)

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """The message as it stands now (after any `chat.update`), or None."""
        with self._cond:
            found = self.messages.get((channel, ts))
            return json.loads(json.dumps(found)) if found is not None else None

    def dump(self) -> str:
        """Every recorded call and response_url post, one line each, for failure messages."""
        with self._cond:
            lines = ["Web API calls:" if self.calls else "Web API calls: none"]
            start = self.calls[0].at if self.calls else time.time()
            for c in self.calls:
                outcome = "ok" if c.ok else f"{c.status} {c.response.get('error', '')}"
                lines.append(f"  +{c.at - start:7.3f}s {c.method} -> {outcome}: {_short(c.params)}")
            lines.append("response_url posts:" if self.responses else "response_url posts: none")
            for r in self.responses:
                lines.append(f"  {r.name}: {_short(r.body)}")
            return "\n".join(lines)

    # ------------------------------------------------------------------ request handling (server threads)

    def _handle_api(
        self, method: str, params: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, dict, dict]:
        """Answer one Web API call: (HTTP status, JSON body, extra headers)."""
        arrived = time.time()
        if self.latency:
            time.sleep(self.latency)
        token = None
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[7:].strip()
        token = token or params.pop("token", None)
        for key in _JSON_STRING_PARAMS:
            value = params.get(key)
            if isinstance(value, str) and value[:1] in ("[", "{"):
                # Left as sent when it is not JSON: the app's bug should show in the assertion.
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(value)

        with self._cond:
            status, body, extra = self._answer(method, params, token)
            if self._lost_answers.get(method):
                self._lost_answers[method] -= 1
                status, body, extra = 500, {"ok": False, "error": "internal_error", "_done": body}, {}
            self.calls.append(Call(method, params, headers, arrived, token, status, body))
            self._cond.notify_all()
            if self.granted_scopes is not None and token:
                extra = {**extra, "x-oauth-scopes": ",".join(self.granted_scopes)}
        return status, body, extra

    def _answer(self, method: str, params: dict[str, Any], token: str | None) -> tuple[int, dict, dict]:
        failure = self._take_failure(method)
        if failure is not None:
            return failure
        if not token:
            return 200, {"ok": False, "error": "not_authed"}, {}
        if method == "chat.postMessage" and self._per_channel_interval is not None:
            limited = self._channel_rate_limited(str(params.get("channel", "")))
            if limited is not None:
                return limited
        handler = self._handlers.get(method)
        if handler is None:
            return 200, {"ok": True}, {}
        try:
            return 200, {"ok": True, **handler(params)}, {}
        except SlackApiFailure as failed:
            return 200, {"ok": False, "error": failed.error, **failed.extra}, {}

    def _take_failure(self, method: str) -> tuple[int, dict, dict] | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.pop(0)
        if failure.error:
            return 200, {"ok": False, "error": failure.error}, {}
        if failure.status == 429:
            headers = {"Retry-After": str(failure.retry_after or 0)}
            return 429, {"ok": False, "error": "ratelimited"}, headers
        return failure.status, {"ok": False, "error": "internal_error"}, {}

    def _channel_rate_limited(self, channel: str) -> tuple[int, dict, dict] | None:
        assert self._per_channel_interval is not None
        now = time.monotonic()
        last = self._last_post_at.get(channel)
        if last is not None and now - last < self._per_channel_interval:
            wait = max(1, math.ceil(self._per_channel_interval - (now - last)))
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)}
        self._last_post_at[channel] = now
        return None

    def _handle_response_url(self, name: str, raw: bytes, headers: dict[str, str]) -> tuple[int, str, dict]:
        arrived = time.time()
        if self.latency:
            time.sleep(self.latency)
        try:
            body = json.loads(raw.decode("utf-8") or "{}")
        except ValueError:
            body = {"_raw": raw.decode("utf-8", "replace")}
        with self._cond:
            failure = self._take_failure("response_url")
            status, text, extra = 200, "ok", {}
            if failure is not None:
                status, answer, extra = failure
                text = json.dumps(answer)
            self.responses.append(ResponsePost(name, body, headers, arrived, status))
            self._cond.notify_all()
        return status, text, extra

    # ------------------------------------------------------------------ state helpers (lock held)

    def _new_ts(self) -> str:
        micros = self._next_ts
        self._next_ts += _TS_STEP_MICROS
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _channel(self, channel_id: str) -> _Channel:
        if channel_id not in self._channels:
            self._channels[channel_id] = _Channel(channel_id, f"channel-{channel_id.lower()}")
        return self._channels[channel_id]

    def _existing_channel(self, params: dict[str, Any], key: str = "channel") -> str:
        channel_id = str(params.get(key) or "")
        if not channel_id:
            raise SlackApiFailure("channel_not_found")
        if channel_id[0] in "UW":  # posting to a user id lands in the bot's DM with them
            return "D" + channel_id
        if self._channel(channel_id).not_found:
            raise SlackApiFailure("channel_not_found")
        return channel_id

    def _postable_channel(self, params: dict[str, Any], key: str = "channel") -> str:
        channel_id = self._existing_channel(params, key)
        if channel_id[0] in "CG" and not self._channel(channel_id).is_member:
            raise SlackApiFailure("not_in_channel")
        return channel_id

    def _known_message(self, channel: str, ts: str) -> dict[str, Any]:
        message = self.messages.get((channel, ts))
        if message is None:
            if self.strict or not ts:
                raise SlackApiFailure("message_not_found")
            message = {"type": "message", "user": "U1", "text": "", "ts": ts, "team": self.team_id}
            self.messages[(channel, ts)] = message
        return message

    def _bot_message(self, params: dict[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "ts": ts,
            "text": params.get("text") or "",
            "bot_profile": {
                "id": self.bot_id,
                "app_id": self.app_id,
                "name": "brm-bot",
                "team_id": self.team_id,
            },
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if params.get(key) not in (None, ""):
                message[key] = params[key]
        return message

    def _check_trigger(self, params: dict[str, Any]) -> None:
        trigger_id = params.get("trigger_id")
        if not trigger_id:
            raise SlackApiFailure("invalid_arguments")
        if self._triggers_expired or trigger_id in self._used_triggers:
            raise SlackApiFailure("expired_trigger_id")
        self._used_triggers.add(trigger_id)

    def _new_view(self, view: Any, *, view_id: str | None = None, root_view_id: str | None = None) -> dict:
        if not isinstance(view, dict) or "type" not in view:
            raise SlackApiFailure("invalid_arguments")
        if view_id is None:
            view_id = f"V{self._next_view:08d}"
            self._next_view += 1
        stored = {
            "id": view_id,
            "team_id": self.team_id,
            "type": view["type"],
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": uuid.uuid4().hex[:16],
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "root_view_id": root_view_id or view_id,
            "previous_view_id": None,
            "app_id": self.app_id,
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        self.views[view_id] = stored
        return json.loads(json.dumps(stored))

    # ------------------------------------------------------------------ Web API methods (lock held)

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_name,
            "user": "brm-bot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
            **({"enterprise_id": self.enterprise_id} if self.enterprise_id else {}),
        }

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get(str(params.get("user", "")))
        if user is None:
            raise SlackApiFailure("user_not_found")
        answer = json.loads(json.dumps(user))
        if str(params.get("include_locale", "")).lower() in ("1", "true"):
            answer["locale"] = "en-US"
        return {"user": answer}

    def _users_lookup_by_email(self, params: dict[str, Any]) -> dict[str, Any]:
        wanted = str(params.get("email", "")).lower()
        for user in self._users.values():
            if str(user["profile"].get("email", "")).lower() == wanted and wanted:
                return {"user": json.loads(json.dumps(user))}
        raise SlackApiFailure("users_not_found")

    def _conversations_list(self, params: dict[str, Any]) -> dict[str, Any]:
        """The channels added with `add_channel`, in pages of `limit`; the cursor is the next index."""
        channels = [c for c in self._channels.values() if not c.not_found]
        types = str(params.get("types") or "public_channel").split(",")
        channels = [c for c in channels if ("private_channel" if c.is_private else "public_channel") in types]
        start = int(params.get("cursor") or 0)
        limit = int(params.get("limit") or 100)
        page = channels[start : start + limit]
        listed = [
            {"id": c.id, "name": c.name, "is_private": c.is_private, "is_member": c.is_member} for c in page
        ]
        following = str(start + limit) if start + limit < len(channels) else ""
        return {"channels": listed, "response_metadata": {"next_cursor": following}}

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._postable_channel(params)
        if not (params.get("text") or params.get("blocks") or params.get("attachments")):
            raise SlackApiFailure("no_text")
        ts = self._new_ts()
        message = self._bot_message(params, ts)
        self.messages[(channel, ts)] = message
        return {"channel": channel, "ts": ts, "message": json.loads(json.dumps(message))}

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        self._postable_channel(params)
        if not params.get("user"):
            raise SlackApiFailure("user_not_found")
        if not (params.get("text") or params.get("blocks") or params.get("attachments")):
            raise SlackApiFailure("no_text")
        return {"message_ts": self._new_ts()}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._existing_channel(params)
        ts = str(params.get("ts") or "")
        message = self._known_message(channel, ts)
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in params:
                message[key] = params[key]
        message["edited"] = {"user": self.bot_user_id, "ts": self._new_ts()}
        return {
            "channel": channel,
            "ts": ts,
            "text": message.get("text", ""),
            "message": json.loads(json.dumps(message)),
        }

    def _chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._existing_channel(params)
        ts = str(params.get("ts") or "")
        self._known_message(channel, ts)
        self.messages.pop((channel, ts), None)
        return {"channel": channel, "ts": ts}

    def _chat_get_permalink(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._existing_channel(params)
        ts = str(params.get("message_ts") or "")
        self._known_message(channel, ts)
        return {
            "channel": channel,
            "permalink": f"https://{self.team_domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}",
        }

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("channel"):
            return {"channel": {"id": self._existing_channel(params)}}
        users = [u for u in str(params.get("users") or "").split(",") if u]
        if not users:
            raise SlackApiFailure("users_list_not_supplied")
        if len(users) == 1:
            return {"channel": {"id": "D" + users[0]}}
        return {"channel": {"id": "G" + "".join(users)}}

    def _channel_info(self, channel_id: str) -> dict[str, Any]:
        if channel_id.startswith("D"):
            return {
                "id": channel_id,
                "is_im": True,
                "is_channel": False,
                "user": channel_id[1:],
                "created": 0,
            }
        channel = self._channel(channel_id)
        return {
            "id": channel.id,
            "name": channel.name,
            "name_normalized": channel.name,
            "is_channel": not channel.is_private,
            "is_group": channel.is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": channel.is_private,
            "is_archived": False,
            "is_general": channel.name == "general",
            "is_member": channel.is_member,
            "is_ext_shared": False,
            "is_org_shared": False,
            "created": 1_700_000_000,
            "creator": "U0",
            "context_team_id": self.team_id,
        }

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"channel": self._channel_info(self._existing_channel(params))}

    def _conversations_join(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._existing_channel(params)
        channel = self._channel(channel_id)
        if channel.is_private:
            raise SlackApiFailure("method_not_supported_for_channel_type")
        answer: dict[str, Any] = {}
        if channel.is_member:
            answer["warning"] = "already_in_channel"
        channel.is_member = True
        return {"channel": self._channel_info(channel_id), **answer}

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._existing_channel(params)
        oldest = float(params.get("oldest") or 0)
        limit = int(params.get("limit") or 100)
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        found = sorted(
            (m for (c, ts), m in self.messages.items() if c == channel and float(ts) > oldest),
            key=lambda m: float(m["ts"]),
            reverse=True,
        )
        messages = []
        for message in found[:limit]:
            copy = json.loads(json.dumps(message))
            if not with_metadata:
                copy.pop("metadata", None)
            messages.append(copy)
        return {"messages": messages, "has_more": len(found) > limit}

    def _reaction_target(self, params: dict[str, Any]) -> tuple[str, str, str]:
        channel = self._existing_channel(params)
        ts = str(params.get("timestamp") or "")
        name = str(params.get("name") or "")
        if not ts:
            raise SlackApiFailure("no_item_specified")
        if not name:
            raise SlackApiFailure("invalid_name")
        self._known_message(channel, ts)
        return channel, ts, name

    def _reactions_add(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts, name = self._reaction_target(params)
        users = self._reactions.setdefault((channel, ts), {}).setdefault(name, [])
        if self.bot_user_id in users:
            raise SlackApiFailure("already_reacted")
        users.append(self.bot_user_id)
        return {}

    def _reactions_remove(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts, name = self._reaction_target(params)
        users = self._reactions.get((channel, ts), {}).get(name, [])
        if self.bot_user_id not in users:
            raise SlackApiFailure("no_reaction")
        users.remove(self.bot_user_id)
        return {}

    def _reactions_get(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._existing_channel(params)
        ts = str(params.get("timestamp") or "")
        message = json.loads(json.dumps(self._known_message(channel, ts)))
        reactions = [
            {"name": name, "users": list(users), "count": len(users)}
            for name, users in self._reactions.get((channel, ts), {}).items()
            if users
        ]
        if reactions:
            message["reactions"] = reactions
        return {"type": "message", "channel": channel, "message": message}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        self._check_trigger(params)
        return {"view": self._new_view(params.get("view"))}

    def _views_push(self, params: dict[str, Any]) -> dict[str, Any]:
        self._check_trigger(params)
        return {"view": self._new_view(params.get("view"))}

    def _views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        view_id = params.get("view_id")
        if not view_id and params.get("external_id"):
            view_id = next(
                (v["id"] for v in self.views.values() if v.get("external_id") == params["external_id"]), None
            )
        if not view_id:
            raise SlackApiFailure("not_found")
        old = self.views.get(view_id)
        if old is None and self.strict:
            raise SlackApiFailure("not_found")
        if old is not None and params.get("hash") and params["hash"] != old["hash"]:
            raise SlackApiFailure("hash_conflict")
        root = old["root_view_id"] if old else None
        return {"view": self._new_view(params.get("view"), view_id=view_id, root_view_id=root)}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        if str(params.get("user_id", "")) not in self._users:
            raise SlackApiFailure("user_not_found")
        return {"view": self._new_view(params.get("view"))}


class _Server(ThreadingHTTPServer):
    # The default listen backlog of 5 resets connections when a benchmark floods the fake.
    request_queue_size = 256
    daemon_threads = True


class _Handler(BaseHTTPRequestHandler):
    """Routes `/api/<method>` to the Web API and `/response/<name>` to response_url recording."""

    server: ThreadingHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep pytest output clean; the fake's own record is the log

    def do_GET(self) -> None:
        self._dispatch(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._dispatch(self.rfile.read(length) if length else b"")

    def _dispatch(self, raw: bytes) -> None:
        fake: FakeSlack = self.server.fake  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        if parts.path.startswith("/api/"):
            method = parts.path[len("/api/") :]
            params: dict[str, Any] = dict(parse_qsl(parts.query, keep_blank_values=True))
            content_type = headers.get("content-type", "")
            text = raw.decode("utf-8")
            if text:
                if "json" in content_type or text.startswith("{"):
                    try:
                        params.update(json.loads(text))
                    except ValueError:
                        self._send(200, '{"ok": false, "error": "invalid_json"}', "application/json", {})
                        return
                else:
                    params.update(parse_qsl(text, keep_blank_values=True))
            status, body, extra = fake._handle_api(method, params, headers)
            self._send(status, json.dumps(body), "application/json; charset=utf-8", extra)
        elif parts.path.startswith("/upload/") and self.command == "POST":
            status, text = fake.uploads.receive(unquote(parts.path[len("/upload/") :]), raw, headers)
            self._send(status, text, "text/plain", {})
        elif parts.path.startswith("/response/") and self.command == "POST":
            name = unquote(parts.path[len("/response/") :])
            status, text, extra = fake._handle_response_url(name, raw, headers)
            self._send(status, text, "text/html", extra)
        elif parts.path == "/_fake/responses" and self.command == "GET":
            # For a fake run in a process of its own (benchmarks): what reached the response_urls.
            with fake._cond:
                posts = [{"name": r.name, "at": r.at, "body": r.body} for r in fake.responses]
            self._send(200, json.dumps(posts), "application/json", {})
        else:
            self._send(404, "not found", "text/plain", {})

    def _send(self, status: int, text: str, content_type: str, extra: dict[str, str]) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in extra.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


def _short(value: Any, limit: int = 300) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."
