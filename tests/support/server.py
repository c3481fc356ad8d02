"""Serving a WSGI app with waitress on a free loopback port, in a thread, the way app.py serves it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from waitress import create_server, wasyncore


def serve_in_thread(wsgi_app: Any, threads: int = 16, **options: Any) -> tuple[str, Callable[[], None]]:
    """Start serving; returns the base URL and a function that stops the server cleanly.

    `options` are waitress's (app.py's `server_options()` serves as production does)."""
    server = create_server(wsgi_app, **{"host": "127.0.0.1", "port": 0, "threads": threads, **options})
    stopping = threading.Event()

    def loop() -> None:
        # Short polling rounds instead of server.run(): closing sockets under a running select()
        # kills waitress's loop thread with EBADF at teardown.
        while not stopping.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=loop, name="waitress-under-test", daemon=True)
    thread.start()

    def stop() -> None:
        stopping.set()
        thread.join(timeout=5)
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)

    return f"http://127.0.0.1:{server.effective_port}", stop
