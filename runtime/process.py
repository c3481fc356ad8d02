"""The worker process beside the web server (`python app.py`, role `all`), started and watched.

It is the same program started as `app.py --role worker`, at the same OS priority: Python threads in
one process share one interpreter lock, so the work after the ack in its own process is what keeps
acknowledgements at a few milliseconds under load. Nothing passes between the two processes but
the database (and a wake-up): a worker that dies loses nothing, and is started again.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

APP = Path(__file__).resolve().parent.parent / "app.py"
RESTART_AFTER_SECONDS = 1.0  # not at once: a stop of the whole process group is also seen as a death
# A worker that dies again soon after it started (a database that lost its schema, a bad setting)
# is started again after twice the previous wait each time, up to this; one that ran steadily for
# STEADY_SECONDS starts the count again from RESTART_AFTER_SECONDS.
RESTART_AT_MOST_SECONDS = 60.0
STEADY_SECONDS = 60.0
# The worker is not started at a lower OS priority: it holds SQLite's one write lock while it saves
# a command's records, and every acknowledgement's insert waits for that lock, so a worker starved
# of CPU on a busy machine held up the acks and the replies alike (measured: README, Benchmarks).
# It gives way to the acknowledgements between jobs instead, when no lock is held (runtime/give_way.py).


class WorkerProcess:
    def __init__(self, *, web_activity_fd: int | None = None) -> None:
        """`web_activity_fd`: the web process's request counts, which the worker gives way to
        (runtime/give_way.py)."""
        self._web_activity_fd = web_activity_fd
        self._process: subprocess.Popen[bytes] | None = None
        self._ready = threading.Event()  # the current worker said it is taking jobs
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self.restarts = 0
        self._started_at = 0.0

    def start(self) -> None:
        with self._lock:
            self._process = self._spawn()
        threading.Thread(target=self._watch, name="brm-worker-watch", daemon=True).start()

    def _spawn(self) -> subprocess.Popen[bytes]:
        self._ready.clear()
        self._started_at = time.monotonic()
        ready_read, ready_write = os.pipe()
        command = [sys.executable, str(APP), "--role", "worker", "--parent", str(os.getpid())]
        command += ["--ready-fd", str(ready_write)]
        passed = [ready_write]
        if self._web_activity_fd is not None:
            command += ["--web-activity-fd", str(self._web_activity_fd)]
            passed.append(self._web_activity_fd)
        try:
            # Its output goes where this process's goes.
            process = subprocess.Popen(command, pass_fds=passed)
        finally:
            os.close(ready_write)
        threading.Thread(
            target=self._wait_ready, args=(ready_read,), name="brm-worker-ready", daemon=True
        ).start()
        log.info("worker process %d started", process.pid)
        return process

    def _wait_ready(self, fd: int) -> None:
        with os.fdopen(fd, "rb") as ready:
            if ready.read(1):  # nothing (end of file): it died while starting
                self._ready.set()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def alive(self) -> bool:
        """Running, and past its start: taking jobs."""
        process = self._process
        return process is not None and process.poll() is None and self._ready.is_set()

    def _watch(self) -> None:
        delay = RESTART_AFTER_SECONDS
        while not self._stopping.is_set():
            process = self._process
            if process is None:
                return
            code = process.wait()
            lived = time.monotonic() - self._started_at
            if lived >= STEADY_SECONDS:
                delay = RESTART_AFTER_SECONDS
            if self._stopping.wait(delay):
                return
            log.error(
                "the worker process died (exit code %s) %.0f s after it started; starting a new one "
                "(it waited %.0f s)",
                code,
                lived,
                delay,
            )
            delay = min(delay * 2, RESTART_AT_MOST_SECONDS)
            with self._lock:
                if self._stopping.is_set():
                    return
                try:
                    self._process = self._spawn()
                    self.restarts += 1
                except OSError:
                    log.exception("could not start a new worker process; trying again")

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the worker to finish or hand back its jobs (SIGTERM) and wait for it; kill it after
        `timeout` (its jobs are then claimed again at the next start)."""
        self._stopping.set()
        with self._lock:
            process = self._process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            log.error("the worker did not stop within %.0f s; killing it", timeout)
            process.kill()
            process.wait()
