"""Slack's Socket Mode, played on loopback: a WebSocket server that hands the app envelopes.

In Socket Mode the app calls `apps.connections.open` with its app-level token (xapp-...) and gets a
WebSocket URL; Slack then says `hello` on that socket and delivers every slash command, interaction
and event as an envelope, which the app must acknowledge by sending back the envelope's id within 3
seconds. `FakeSocketMode` is that WebSocket server (plain ws:// on 127.0.0.1, enough of RFC 6455 for
text frames, ping/pong and close), and `serve_on(slack)` makes a `FakeSlack` answer
`apps.connections.open` with its URL.

    with FakeSlack() as slack, FakeSocketMode() as socket_mode:
        socket_mode.serve_on(slack)
        ...start the app with SLACK_APP_TOKEN set...
        socket_mode.wait_connected()
        envelope_id = socket_mode.send_slash_command({...})
        ack = socket_mode.wait_for_ack(envelope_id)
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from tests.support.fake_slack import FakeSlack

_ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # fixed by RFC 6455
_TEXT, _CLOSE, _PING, _PONG = 0x1, 0x8, 0x9, 0xA


@dataclass(frozen=True)
class Ack:
    envelope_id: str
    payload: dict[str, Any] | None
    seconds: float  # from sending the envelope to reading its acknowledgement


class FakeSocketMode:
    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"ws://127.0.0.1:{self._listener.getsockname()[1]}/link/?ticket=fake"
        self._cond = threading.Condition()
        self._connection: socket.socket | None = None
        self._send_lock = threading.Lock()
        self._sent_at: dict[str, float] = {}
        self.acks: dict[str, Ack] = {}
        self.connections = 0
        self._closed = False
        self._thread = threading.Thread(target=self._accept, name="fake-socket-mode", daemon=True)

    # ------------------------------------------------------------------ set-up

    def __enter__(self) -> FakeSocketMode:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._closed = True
        self._listener.close()
        with self._cond:
            if self._connection is not None:
                self._connection.close()

    def serve_on(self, slack: FakeSlack) -> None:
        """Make `slack` answer apps.connections.open with this server's URL."""

        slack.add_method("apps.connections.open", lambda _params: {"url": self.url})

    # ------------------------------------------------------------------ what a test does

    def wait_connected(self, timeout: float = 30.0) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: self._connection is not None, timeout):
                raise AssertionError(f"the app did not open a Socket Mode connection within {timeout}s")

    def send_slash_command(self, command: dict[str, Any]) -> str:
        """Deliver a slash command (Slack's payload fields) as Socket Mode does; returns its envelope id."""
        return self.send_envelope("slash_commands", command, accepts_response_payload=True)

    def send_envelope(self, kind: str, payload: dict[str, Any], **extra: Any) -> str:
        envelope_id = str(uuid.uuid4())
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload, "retry_attempt": 0, **extra}
        with self._cond:
            connection = self._connection
            self._sent_at[envelope_id] = time.perf_counter()
        assert connection is not None, "wait_connected() first"
        self._send_frame(connection, _TEXT, json.dumps(envelope).encode())
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> Ack:
        with self._cond:
            if not self._cond.wait_for(lambda: envelope_id in self.acks, timeout):
                raise AssertionError(f"envelope {envelope_id} was not acknowledged within {timeout}s")
            return self.acks[envelope_id]

    # ------------------------------------------------------------------ the server

    def _accept(self) -> None:
        while not self._closed:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with connection:
            reader = connection.makefile("rb")
            if not self._handshake(connection, reader):
                return
            hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}}
            self._send_frame(connection, _TEXT, json.dumps(hello).encode())
            with self._cond:
                self._connection = connection
                self.connections += 1
                self._cond.notify_all()
            while True:
                frame = _read_frame(reader)
                if frame is None or frame[0] == _CLOSE:
                    break
                opcode, data = frame
                if opcode == _PING:
                    self._send_frame(connection, _PONG, data)
                elif opcode == _TEXT:
                    self._received(json.loads(data))
            with self._cond:
                if self._connection is connection:
                    self._connection = None

    def _handshake(self, connection: socket.socket, reader: Any) -> bool:
        headers = {}
        request_line = reader.readline()
        if not request_line.startswith(b"GET "):
            return False
        while (line := reader.readline().strip()) != b"":
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        key = headers.get("sec-websocket-key")
        if headers.get("upgrade", "").lower() != "websocket" or not key:
            connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return False
        accept = base64.b64encode(hashlib.sha1((key + _ACCEPT_GUID).encode()).digest()).decode()
        connection.sendall(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Accept: {accept}\r\n\r\n"
            ).encode()
        )
        return True

    def _received(self, message: dict[str, Any]) -> None:
        envelope_id = message.get("envelope_id")
        if not envelope_id:
            return
        with self._cond:
            sent_at = self._sent_at.get(envelope_id, time.perf_counter())
            self.acks[envelope_id] = Ack(envelope_id, message.get("payload"), time.perf_counter() - sent_at)
            self._cond.notify_all()

    def _send_frame(self, connection: socket.socket, opcode: int, data: bytes) -> None:
        # A server's frames are not masked (RFC 6455 5.1).
        size = len(data)
        if size < 126:
            header = struct.pack("!BB", 0x80 | opcode, size)
        elif size < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 126, size)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 127, size)
        with self._send_lock:
            connection.sendall(header + data)


def _read_frame(reader: Any) -> tuple[int, bytes] | None:
    """One whole message from the client (whose frames are masked), or None when the socket closed."""
    opcode, parts = None, []
    while True:
        head = reader.read(2)
        if len(head) < 2:
            return None
        first, second = head
        size = second & 0x7F
        if size == 126:
            (size,) = struct.unpack("!H", reader.read(2))
        elif size == 127:
            (size,) = struct.unpack("!Q", reader.read(8))
        mask = reader.read(4) if second & 0x80 else b"\0\0\0\0"
        data = reader.read(size)
        if len(data) < size:
            return None
        parts.append(bytes(byte ^ mask[n % 4] for n, byte in enumerate(data)))
        if opcode is None or first & 0x0F:
            opcode = first & 0x0F or opcode
        if first & 0x80:  # FIN: the last frame of the message
            assert opcode is not None
            return opcode, b"".join(parts)
