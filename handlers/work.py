"""Where the work after an ack runs: a worker process in production, threads in tests.

Slack needs its acknowledgement within 3 seconds and we aim for milliseconds, under load too. In
CPython the threads of one process share one interpreter lock, so a `/brm log` being parsed in a
worker thread delays the acks of the request threads beside it. `ProcessWork` therefore runs the
work in a separate process at a lower OS priority: the acks never queue behind it, and under heavy
load it is the replies that wait, never the acknowledgements. `ThreadWork` runs the same jobs in
this process, which lets tests drive them with a clock they control.

A job is a module-level function taking the `Services` first, then plain JSON-like arguments (it
is pickled to reach the worker process).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from handlers.services import Services
    from settings import Settings

log = logging.getLogger(__name__)

Job = Callable[..., None]

WORKER_THREADS = 4  # concurrent jobs in the worker: enough to overlap Slack round trips
WORKER_NICENESS = 10


class Work(Protocol):
    def bind(self, services: Services) -> None: ...
    def submit(self, job: Job, *args: Any) -> None: ...
    def shutdown(self) -> None: ...


class ThreadWork:
    """Jobs run on threads of this process, with this process's services."""

    def __init__(self, threads: int = WORKER_THREADS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="brm-job")
        self._services: Services | None = None

    def bind(self, services: Services) -> None:
        self._services = services

    def submit(self, job: Job, *args: Any) -> None:
        assert self._services is not None, "bind() the services first"
        self._pool.submit(run_job, self._services, job, args)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)


class ProcessWork:
    """Jobs run in one worker process (with threads of its own) that builds its own services."""

    def __init__(self, settings: Settings, threads: int = WORKER_THREADS) -> None:
        self._settings = settings
        self._threads = threads
        self._pool = self._new_pool()

    def bind(self, services: Services) -> None:
        """The worker builds its own services from the settings; nothing to keep here."""

    def start(self, timeout: float = 120.0) -> None:
        """Start the worker and wait until it is ready, so the first command's reply is quick too."""
        self._pool.submit(_ping).result(timeout=timeout)

    def submit(self, job: Job, *args: Any) -> None:
        try:
            future = self._pool.submit(_hand_over, job, args)
        except BrokenProcessPool:
            # The worker died (killed, out of memory); start another and go on.
            log.error("the worker process died; starting a new one")
            self._pool = self._new_pool()
            future = self._pool.submit(_hand_over, job, args)
        future.add_done_callback(_log_failure)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: this process runs threads (server, scheduler) that a fork would copy mid-step.
        return ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self._settings, self._threads),
        )


def run_job(services: Services, job: Job, args: tuple[Any, ...]) -> None:
    try:
        job(services, *args)
    except Exception:
        log.exception("background job %s failed", getattr(job, "__qualname__", job))


# --- inside the worker process ------------------------------------------------------------------

_worker: tuple[Services, ThreadPoolExecutor] | None = None


def _start_worker(settings: Settings, threads: int) -> None:
    global _worker
    from bot import dates
    from handlers.services import build_services
    from logs import configure_logging

    os.nice(WORKER_NICENESS)
    # Ctrl-C reaches the whole process group; the main process decides when the worker stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    configure_logging(settings.log_level, process_name="worker")
    dates.warm_up()
    services = build_services(settings)
    _worker = (services, ThreadPoolExecutor(max_workers=threads, thread_name_prefix="brm-job"))


def _hand_over(job: Job, args: tuple[Any, ...]) -> None:
    # Return at once so the process takes the next job while this one runs on a thread.
    assert _worker is not None
    services, threads = _worker
    threads.submit(run_job, services, job, args)


def _ping() -> bool:
    return _worker is not None


def _log_failure(future: Future) -> None:
    if future.exception() is not None:
        log.error("could not hand a job to the worker process", exc_info=future.exception())
