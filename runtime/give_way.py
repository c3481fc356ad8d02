"""Acknowledgements first: on one machine (role `all`) the worker gives way while Slack is being answered.

Slack waits 3 seconds for an acknowledgement; the reply to a command may come minutes later (its
response_url stays valid for 30). On a machine of two cores the web process, the worker beside it
and whatever else runs there share the cores, and a worker saving a command's records also holds
SQLite's one write lock, which every acknowledgement's insert needs. So the web process counts the
Slack requests it is answering in a few bytes of memory shared with its worker (`WebActivity`), and
the worker, before it claims jobs and before it starts one, waits until no request has been in
flight for `QUIET_SECONDS` (`GiveWay`). It never waits longer than `AT_MOST_SECONDS` at a time, so a
web process that is never quiet still leaves the work running, more slowly.

The worker gives way between jobs only: a job that has started runs to its end, holding no lock
while the acknowledgements are waited for. Nothing is shared but counts: a worker that dies, or one
started alone (role `worker`, on another machine), runs as it always has.
"""

from __future__ import annotations

import mmap
import os
import struct
import threading
import time

QUIET_SECONDS = 0.003  # no request in flight for this long: the web process is between requests
AT_MOST_SECONDS = 1.0  # the longest one wait for quiet lasts
LOOK_EVERY_SECONDS = 0.001

_LAYOUT = struct.Struct("=qqq")  # requests started, requests finished, when the last finished (ns)


class WebActivity:
    """The web process's side: `with activity:` around each Slack request. `fd` is what the worker
    process is given (`GiveWay.from_fd`)."""

    def __init__(self) -> None:
        self.fd = os.memfd_create("brm-web-activity")  # closed on exec: passed on by name
        os.ftruncate(self.fd, _LAYOUT.size)
        self._memory = mmap.mmap(self.fd, _LAYOUT.size)
        self._lock = threading.Lock()
        self._started = 0
        self._finished = 0

    def __enter__(self) -> None:
        with self._lock:
            self._started += 1
            _LAYOUT.pack_into(self._memory, 0, self._started, self._finished, time.monotonic_ns())

    def __exit__(self, *_exception: object) -> None:
        with self._lock:
            self._finished += 1
            _LAYOUT.pack_into(self._memory, 0, self._started, self._finished, time.monotonic_ns())


class GiveWay:
    """The worker's side: `wait()` returns once the web process is quiet, or after `at_most` seconds."""

    def __init__(
        self, memory: mmap.mmap, *, quiet: float = QUIET_SECONDS, at_most: float = AT_MOST_SECONDS
    ) -> None:
        self._memory = memory
        self._quiet_ns = int(quiet * 1e9)
        self._at_most = at_most
        self._looking = threading.Lock()

    @classmethod
    def from_fd(cls, fd: int, **timing: float) -> GiveWay:
        """Over the web process's counts at `fd` (which is closed: the mapping stays)."""
        memory = mmap.mmap(fd, _LAYOUT.size, prot=mmap.PROT_READ)
        os.close(fd)
        return cls(memory, **timing)

    def busy(self) -> bool:
        started, finished, last = _LAYOUT.unpack_from(self._memory, 0)
        # The monotonic clock is the machine's, the same in both processes.
        return started > finished or time.monotonic_ns() - last < self._quiet_ns

    def wait(self) -> float:
        """How long it waited (seconds of real time). The worker's threads wait in line, so that one
        of them at a time looks at the counts; a thread that waited in line past its own deadline
        does not look again."""
        began = time.monotonic()
        deadline = began + self._at_most
        with self._looking:
            while self.busy() and time.monotonic() < deadline:
                time.sleep(LOOK_EVERY_SECONDS)
        return time.monotonic() - began
