"""Waking the workers the moment a job is enqueued, instead of at their next poll.

PostgreSQL: the enqueueing transaction sends NOTIFY, which the database delivers on commit to every
worker LISTENing, on any machine. SQLite (one machine): after the commit, the enqueuing process sends
a datagram to an abstract Unix socket named after the database file, which the worker process
binds. A worker in the same process is woken directly. Every worker also polls, so a lost wake-up
only costs a poll interval.
"""

from __future__ import annotations

import hashlib
import logging
import os
import select
import socket
import threading
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

CHANNEL = "brm_jobs"


class Wake:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.local = threading.Event()  # a worker in this process waits on this
        self._address = _sqlite_address(engine)
        self._sender: socket.socket | None = None

    @property
    def postgres(self) -> bool:
        return self._engine.dialect.name == "postgresql"

    def in_transaction(self, connection: Any) -> None:
        """Called in the enqueuing transaction: on PostgreSQL the wake-up goes out with the commit."""
        if self.postgres:
            connection.execute(text(f"NOTIFY {CHANNEL}"))

    def after_commit(self) -> None:
        self.local.set()
        if self._address is None:
            return
        try:
            if self._sender is None:
                sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                sender.setblocking(False)
                self._sender = sender
            self._sender.sendto(b"j", self._address)
        except OSError:
            pass  # no worker bound yet, or its buffer is full: it will poll, or is already awake

    def listen(self, stop: threading.Event) -> threading.Thread | None:
        """Start passing wake-ups from other processes to `local`, until `stop` is set."""
        if self.postgres:
            target = self._listen_postgres
        elif self._address is not None:
            target = self._listen_socket
        else:
            return None
        thread = threading.Thread(target=target, args=(stop,), name="brm-wake", daemon=True)
        thread.start()
        return thread

    def _listen_socket(self, stop: threading.Event) -> None:
        receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            receiver.bind(self._address)
        except OSError as problem:
            # Another worker on this machine has it; this one polls (and both claim safely).
            log.info("another worker takes this machine's wake-ups (%s); polling instead", problem)
            receiver.close()
            return
        with receiver:
            while not stop.is_set():
                readable, _, _ = select.select([receiver], [], [], 0.5)
                if readable:
                    receiver.recv(4096)
                    self.local.set()

    def _listen_postgres(self, stop: threading.Event) -> None:
        import psycopg

        url = make_url(self._engine.url).set(drivername="postgresql")
        dsn = url.render_as_string(hide_password=False)
        while not stop.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    while not stop.is_set():
                        for _ in connection.notifies(timeout=0.5, stop_after=1):
                            self.local.set()
            except Exception as problem:
                log.warning("lost the job wake-ups from the database (%s); polling meanwhile", problem)
                stop.wait(2.0)


def _sqlite_address(engine: Engine) -> str | None:
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    digest = hashlib.sha1(os.path.abspath(database).encode()).hexdigest()[:20]
    return f"\0brm-bot-jobs-{digest}"  # abstract namespace (Linux): no file to clean up
