"""Where the work after an ack runs: a worker process in production, threads in tests.

Slack needs its acknowledgement within 3 seconds and we aim for milliseconds, under load too. In
CPython the threads of one process share one interpreter lock, so a `/brm log` being parsed in a
worker thread delays the acks of the request threads beside it. `ProcessWork` therefore runs the
work in a separate process at a lower OS priority: the acks never queue behind it, and under heavy
load it is the replies that wait, never the acknowledgements. `ThreadWork` runs the same jobs in
this process, which lets tests drive them with a clock they control.

The worker process also runs the scheduler's sweeps (nudges, digests) when asked to.

A job is a module-level function taking the `Services` first, then plain JSON-like arguments (it
is pickled to reach the worker process).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
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
    """Jobs run in one worker process (with threads of its own) that builds its own services.

    Jobs reach it over a pipe that the request thread writes to directly: no executor manager or
    queue feeder threads in this process competing with the request threads for the interpreter.
    """

    def __init__(
        self, settings: Settings, threads: int = WORKER_THREADS, *, with_scheduler: bool = False
    ) -> None:
        self._settings = settings
        self._threads = threads
        self._with_scheduler = with_scheduler
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._process: BaseProcess | None = None
        self._pipe: Connection | None = None

    def bind(self, services: Services) -> None:
        """The worker builds its own services from the settings; nothing to keep here."""

    def start(self, timeout: float = 120.0) -> None:
        """Start the worker and wait until it is ready, so the first command's reply is quick too.

        A watcher thread then starts a new worker whenever one dies (killed, out of memory), so the
        next command does not wait for a worker to start before Slack gets its acknowledgement.
        """
        with self._lock:
            self._start_locked(timeout)
        threading.Thread(target=self._watch, name="brm-worker-watch", daemon=True).start()

    def submit(self, job: Job, *args: Any) -> None:
        with self._lock:
            try:
                self._ready_pipe().send((job, args))
            except OSError:  # the worker died as the job was handed over
                log.error("the worker process died taking a job; starting a new one and handing it over")
                self._start_locked()
                self._ready_pipe().send((job, args))

    def shutdown(self, timeout: float = 60.0) -> None:
        """Let the worker finish the jobs it has, then stop it."""
        self._stopping.set()
        with self._lock:
            if self._pipe is not None:
                self._pipe.close()  # the worker reads the end of the pipe as "finish and stop"
                self._pipe = None
            if self._process is not None:
                self._process.join(timeout)
                if self._process.is_alive():
                    log.error("the worker did not stop within %.0f s; terminating it", timeout)
                    self._process.terminate()
                self._process = None

    def _ready_pipe(self) -> Connection:
        if self._pipe is None or self._process is None or not self._process.is_alive():
            if self._process is not None:
                log.error(
                    "the worker process is gone (exit code %s); starting a new one", self._process.exitcode
                )
            self._start_locked()
        assert self._pipe is not None
        return self._pipe

    def _watch(self) -> None:
        while not self._stopping.is_set():
            process = self._process
            if process is None:
                self._stopping.wait(0.5)
                continue
            wait([process.sentinel], timeout=1.0)
            if process.is_alive() or self._stopping.is_set():
                continue
            with self._lock:
                if self._process is not process or self._stopping.is_set():
                    continue
                log.error(
                    "the worker process died (exit code %s) with its jobs in flight; starting a new one",
                    process.exitcode,
                )
                try:
                    self._start_locked()
                except Exception:
                    log.exception("could not start a new worker; trying again when the next job comes")
                    self._process = None

    def _start_locked(self, timeout: float = 120.0) -> None:
        # spawn, not fork: this process runs threads (server, scheduler) that a fork would copy mid-step.
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe(duplex=True)
        process = context.Process(
            target=_worker_main,
            args=(theirs, self._settings, self._threads, self._with_scheduler),
            name="brm-worker",
            daemon=True,
        )
        process.start()
        theirs.close()
        if not ours.poll(timeout) or ours.recv() != _READY:
            process.terminate()
            raise RuntimeError("the worker process did not start")
        self._process, self._pipe = process, ours


def run_job(services: Services, job: Job, args: tuple[Any, ...]) -> None:
    try:
        job(services, *args)
    except Exception:
        log.exception("background job %s failed", getattr(job, "__qualname__", job))


# --- inside the worker process ------------------------------------------------------------------


def _lower_priority() -> None:
    """Let the serving process have the CPU first. Only a lower niceness: the worker must still get
    its share on a busy machine (SCHED_IDLE could starve it, and with it every reply and nudge)."""
    os.nice(WORKER_NICENESS)


_READY = "ready"


def _worker_main(pipe: Connection, settings: Settings, threads: int, with_scheduler: bool) -> None:
    from bot import dates
    from handlers.scheduler import start_scheduler
    from handlers.services import build_services
    from logs import configure_logging

    _lower_priority()
    # Ctrl-C reaches the whole process group; the main process decides when the worker stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    configure_logging(settings.log_level, process_name="worker")
    dates.warm_up()
    services = build_services(settings)
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="brm-job")
    # The sweeps run here too, so their database and Slack work never holds up an acknowledgement.
    scheduler = start_scheduler(services) if with_scheduler else None
    pipe.send(_READY)
    while True:
        try:
            job, args = pipe.recv()
        except (EOFError, OSError):
            break  # the main process closed the pipe (shutting down) or is gone
        pool.submit(run_job, services, job, args)
    if scheduler is not None:
        scheduler.shutdown(wait=True)
    pool.shutdown(wait=True)
    services.db.dispose()
