"""Where the work after an ack runs: a worker process in production, threads in tests.

Slack needs its acknowledgement within 3 seconds and we aim for milliseconds, under load too. In
CPython the threads of one process share one interpreter lock, so a `/brm log` being parsed in a
worker thread delays the acks of the request threads beside it. `ProcessWork` therefore runs the
work in a separate process at a lower OS priority: the acks never queue behind it, and under heavy
load it is the replies that wait, never the acknowledgements. `ThreadWork` runs the same jobs in
this process, which lets tests drive them with a clock they control.

While commands arrive in a burst, the worker holds their jobs back and starts them when the burst
pauses (`BurstGate`, at most `HOLD_AT_MOST` seconds): on a machine with few cores, any work running
beside the request threads, even at the lowest OS priority, stretches the acknowledgements' tail.
A reply may wait up to a second in a burst; Slack keeps a response_url open for 30 minutes, but
gives an acknowledgement 3 seconds before it tells the person the command failed.

The worker process also runs the scheduler's sweeps (nudges, digests) when asked to.

A job is a module-level function taking the `Services` first, then plain JSON-like arguments (it
is pickled to reach the worker process).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import multiprocessing
import os
import pickle
import select
import signal
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
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
# A burst of commands is over when none has come for this long; its jobs then start together.
QUIET_SECONDS = 0.01
# A job never waits longer than this for a burst to end: replies stay quick under steady load too.
HOLD_AT_MOST = 1.0
# How long the hand-over thread lets jobs gather before it writes them to the worker's pipe.
GATHER_SECONDS = 0.002
# A job in flight when this many workers in a row died is given up (it may be what kills them).
MAX_ATTEMPTS = 2


class Work(Protocol):
    def bind(self, services: Services) -> None: ...
    def submit(self, job: Job, *args: Any, key: str | None = None) -> None: ...
    def shutdown(self) -> None: ...


class OrderedPool:
    """A thread pool that runs the jobs of one key (a person) one after another, in the order they
    came, and everything else side by side: a `/brm show #3` typed right after the `/brm log` that
    raises #3 finds it."""

    def __init__(self, threads: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="brm-job")
        self._lock = threading.Lock()
        self._waiting: dict[str, deque[Callable[[], None]]] = {}  # keys with a job running

    def submit(self, key: str | None, task: Callable[[], None]) -> None:
        if key is None:
            self._pool.submit(task)
            return
        with self._lock:
            if key in self._waiting:
                self._waiting[key].append(task)  # runs when the key's running job is done
                return
            self._waiting[key] = deque()
        self._pool.submit(self._run_in_order, key, task)

    def _run_in_order(self, key: str, task: Callable[[], None]) -> None:
        while True:
            try:
                task()
            except Exception:
                log.exception("a job failed outside its own error handling")
            with self._lock:
                waiting = self._waiting[key]
                if not waiting:
                    del self._waiting[key]
                    return
                task = waiting.popleft()

    def shutdown(self) -> None:
        """Wait for every job, those still waiting behind others included (they run in the same
        pool task as the job before them), then stop the threads."""
        self._pool.shutdown(wait=True)


class ThreadWork:
    """Jobs run on threads of this process, with this process's services."""

    def __init__(self, threads: int = WORKER_THREADS) -> None:
        self._pool = OrderedPool(threads)
        self._services: Services | None = None

    def bind(self, services: Services) -> None:
        self._services = services

    def submit(self, job: Job, *args: Any, key: str | None = None) -> None:
        assert self._services is not None, "bind() the services first"
        self._pool.submit(key, partial(run_job, self._services, job, args))

    def shutdown(self) -> None:
        self._pool.shutdown()


@dataclass
class _Unfinished:
    """A job handed to a worker that has not yet reported it done."""

    job: Job
    args: tuple[Any, ...]
    key: str | None = None  # whose: one person's jobs run in order
    attempts: int = 1  # workers it was given to


class ProcessWork:
    """Jobs run in one worker process (with threads of its own) that builds its own services.

    A request thread only appends its job to an outbox in memory, which costs no system call: a
    system call lets another thread take the interpreter lock, and the request thread would then
    have to wait to get it back before it could acknowledge. One hand-over thread writes the outbox
    to the worker's pipe, every couple of milliseconds while jobs keep coming, many jobs per write.

    The worker reports each job done on a pipe of its own. When a worker dies, the jobs it had not
    reported are given to the next one: a job is lost only if it was in flight when two workers in
    a row died (then the log says which), and one the dead worker was finishing may run twice (the
    commands that write records recognise their own second run by the command's trigger_id). If no
    worker can be started, jobs run on threads of this process instead, slower but not lost.
    """

    def __init__(
        self, settings: Settings, threads: int = WORKER_THREADS, *, with_scheduler: bool = False
    ) -> None:
        self._settings = settings
        self._threads = threads
        self._with_scheduler = with_scheduler
        self._lock = threading.Lock()  # the worker process, its pipes and the unfinished jobs
        self._stopping = threading.Event()
        self._process: BaseProcess | None = None
        self._pipe: Connection | None = None  # the write end of the job pipe
        self._done: Connection | None = None  # the read end of the pipe the worker reports done jobs on
        self._done_reader = DoneReader()
        self._unfinished: dict[int, _Unfinished] = {}
        self._next_number = 1
        self._outbox: deque[tuple[Job, tuple[Any, ...], str | None]] = deque()
        self._wake = threading.Event()
        self._handing_over = False  # the hand-over thread is awake and will look at the outbox again
        self._hand_over_thread: threading.Thread | None = None
        self._services: Services | None = None
        self._fallback: ThreadWork | None = None

    def bind(self, services: Services) -> None:
        """The worker builds its own services; these are for running jobs here if it cannot start."""
        self._services = services

    def start(self, timeout: float = 120.0) -> None:
        """Start the worker and wait until it is ready, so the first command's reply is quick too.

        A watcher thread then starts a new worker whenever one dies (killed, out of memory), so the
        next command does not wait for a worker to start before Slack gets its acknowledgement.
        """
        with self._lock:
            self._start_locked(timeout)
        threading.Thread(target=self._watch, name="brm-worker-watch", daemon=True).start()
        self._hand_over_thread = threading.Thread(target=self._hand_over, name="brm-hand-over", daemon=True)
        self._hand_over_thread.start()

    def submit(self, job: Job, *args: Any, key: str | None = None) -> None:
        self._outbox.append((job, args, key))
        if not self._handing_over:
            self._wake.set()

    def shutdown(self, timeout: float = 60.0) -> None:
        """Hand over the jobs still in the outbox, let the worker finish them all, then stop it."""
        self._stopping.set()
        self._wake.set()
        if self._hand_over_thread is not None:
            self._hand_over_thread.join(timeout)
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
            self._collect_done_locked()
            if self._unfinished:
                log.error(
                    "%d jobs were not finished when the worker stopped: %s", *self._describe_unfinished()
                )
        if self._fallback is not None:
            self._fallback.shutdown()

    def _hand_over(self) -> None:
        while True:
            # Said before looking at the outbox: a job appended after this look wakes us up.
            self._handing_over = False
            if not self._outbox:
                if self._stopping.is_set():
                    return
                self._wake.wait()
            self._handing_over = True
            self._wake.clear()
            if not self._stopping.is_set():
                time.sleep(GATHER_SECONDS)  # let the jobs of a burst gather: one write for many
            jobs = [self._outbox.popleft() for _ in range(len(self._outbox))]
            try:
                self._deliver(jobs)
            except Exception:
                log.exception("could not hand %d jobs to the worker", len(jobs))

    def _deliver(self, jobs: list[tuple[Job, tuple[Any, ...], str | None]]) -> None:
        with self._lock:
            self._collect_done_locked()
            numbers = []
            for job, args, key in jobs:
                numbers.append(self._next_number)
                self._unfinished[self._next_number] = _Unfinished(job, args, key)
                self._next_number += 1
            if self._pipe is None or self._process is None:
                self._replace_worker_locked()  # hands over every unfinished job, these included
            elif not self._send_locked(numbers):
                log.error("the worker process went away while taking jobs; starting a new one")
                self._replace_worker_locked()

    def _send_locked(self, numbers: list[int]) -> bool:
        """Write these unfinished jobs to the worker's pipe; False if the pipe broke on the way."""
        assert self._pipe is not None
        frames = [_frame((n, *self._job_of(n))) for n in numbers]
        return _write_frames(self._pipe.fileno(), frames) == len(frames)

    def _job_of(self, number: int) -> tuple[str | None, Job, tuple[Any, ...]]:
        unfinished = self._unfinished[number]
        return unfinished.key, unfinished.job, unfinished.args

    def _replace_worker_locked(self) -> None:
        """Start a new worker and give it every job the last one had not reported done. Without a
        worker, those jobs run in this process."""
        self._collect_done_locked()  # what the last worker reported before it went
        given_up = [n for n, unfinished in self._unfinished.items() if unfinished.attempts >= MAX_ATTEMPTS]
        for number in given_up:
            unfinished = self._unfinished.pop(number)
            # The job's arguments stay out of the log: they hold what people typed and response_urls.
            log.error(
                "giving up on job %s (number %d): it was in flight when %d workers in a row died",
                _job_name(unfinished.job),
                number,
                unfinished.attempts,
            )
        try:
            self._start_locked()
            numbers = sorted(self._unfinished)
            if numbers:
                log.warning(
                    "handing %d jobs the last worker had not finished to the new one "
                    "(one it was finishing may run twice)",
                    len(numbers),
                )
                for number in numbers:
                    self._unfinished[number].attempts += 1
                if not self._send_locked(numbers):
                    raise RuntimeError("the new worker process went away too")
        except Exception:
            log.exception(
                "no worker process to run %d jobs; running them in this process", len(self._unfinished)
            )
            self._process = None
            fallback = self._fallback_work()
            for number in sorted(self._unfinished):
                unfinished = self._unfinished.pop(number)
                fallback.submit(unfinished.job, *unfinished.args, key=unfinished.key)

    def _collect_done_locked(self) -> None:
        """Forget the jobs the worker has reported done since the last look (never waits)."""
        if self._done is None:
            return
        while True:
            try:
                chunk = os.read(self._done.fileno(), _READ_BYTES)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:  # the worker is gone and everything it wrote has been read
                return
            for number in self._done_reader.feed(chunk):
                self._unfinished.pop(number, None)

    def _describe_unfinished(self) -> tuple[int, str]:
        names = sorted({_job_name(unfinished.job) for unfinished in self._unfinished.values()})
        return len(self._unfinished), ", ".join(names)

    def _fallback_work(self) -> ThreadWork:
        if self._fallback is None:
            assert self._services is not None, "bind() the services first"
            self._fallback = ThreadWork()
            self._fallback.bind(self._services)
        return self._fallback

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
                log.error("the worker process died (exit code %s); starting a new one", process.exitcode)
                self._replace_worker_locked()

    def _start_locked(self, timeout: float = 120.0) -> None:
        """Start a worker in place of the current one (whose pipes are closed; its jobs are not
        handed over here: see `_replace_worker_locked`)."""
        # spawn, not fork: this process runs threads (server, scheduler) that a fork would copy mid-step.
        context = multiprocessing.get_context("spawn")
        jobs_in, jobs_out = context.Pipe(duplex=False)
        done_in, done_out = context.Pipe(duplex=False)
        ready_in, ready_out = context.Pipe(duplex=False)
        process = context.Process(
            target=_worker_main,
            args=(jobs_in, done_out, ready_out, self._settings, self._threads, self._with_scheduler),
            name="brm-worker",
            daemon=True,
        )
        process.start()
        for theirs in (jobs_in, done_out, ready_out):
            theirs.close()
        try:
            started = ready_in.poll(timeout) and ready_in.recv() == _READY
        except EOFError:  # the worker died before it was ready
            started = False
        finally:
            ready_in.close()
        if not started:
            process.terminate()
            jobs_out.close()
            done_in.close()
            raise RuntimeError("the worker process did not start")
        _widen(jobs_out.fileno())
        _widen(done_in.fileno())
        os.set_blocking(done_in.fileno(), False)
        for old in (self._pipe, self._done):
            if old is not None:
                old.close()
        self._process, self._pipe, self._done = process, jobs_out, done_in
        self._done_reader = DoneReader()


def run_job(services: Services, job: Job, args: tuple[Any, ...]) -> None:
    try:
        job(services, *args)
    except Exception:
        log.exception("background job %s failed", _job_name(job))


# --- the job pipe -------------------------------------------------------------------------------
#
# Each job crosses as one frame: the length of its pickle (4 bytes, big-endian), then the pickle.
# The worker takes everything in the pipe with each read. Read one message at a time, its reader
# thread would need the worker's interpreter lock once per job, which the busy job threads hand
# over only every few milliseconds: in a burst the pipe would fill, and the request threads would
# wait to write, holding back their acknowledgements.

_LENGTH = struct.Struct("!I")
_DONE = struct.Struct("!Q")  # a finished job's number, on the done pipe
PIPE_BYTES = 1 << 20  # asked for; Linux grants up to /proc/sys/fs/pipe-max-size (1 MiB by default)
_READ_BYTES = 1 << 20


def _frame(item: object) -> bytes:
    payload = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(payload)) + payload


def _write_frames(fd: int, frames: list[bytes]) -> int:
    """Write the frames, in one system call when the pipe has room; returns how many were written
    whole: all of them, unless the pipe broke (its reader went away) on the way."""
    data = memoryview(b"".join(frames))
    written = 0
    try:
        while written < len(data):
            written += os.write(fd, data[written:])
    except OSError:
        whole = 0
        for frame in frames:
            written -= len(frame)
            if written < 0:
                break
            whole += 1
        return whole
    return len(frames)


def _widen(fd: int) -> None:
    """A bigger pipe holds a longer burst of jobs before a request thread would wait to write."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux only
    if set_size is None:
        return
    try:
        fcntl.fcntl(fd, set_size, PIPE_BYTES)
    except OSError as problem:
        log.debug("the job pipe keeps its default size: %s", problem)


class FrameReader:
    """Splits the bytes read from the job pipe into the items that were framed and sent."""

    def __init__(self) -> None:
        self._pending = bytearray()

    def feed(self, chunk: bytes) -> list[Any]:
        self._pending += chunk
        items, start = [], 0
        while len(self._pending) - start >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self._pending, start)
            end = start + _LENGTH.size + size
            if end > len(self._pending):
                break
            items.append(pickle.loads(self._pending[start + _LENGTH.size : end]))
            start = end
        del self._pending[:start]
        return items

    @property
    def partial(self) -> bool:
        """Whether a frame has begun but not finished arriving."""
        return bool(self._pending)


class DoneReader:
    """Splits the bytes read from the done pipe into the numbers of the jobs the worker finished."""

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, chunk: bytes) -> list[int]:
        data = self._pending + chunk
        whole = len(data) - len(data) % _DONE.size
        self._pending = data[whole:]
        return [number for (number,) in _DONE.iter_unpack(data[:whole])]


def _job_name(job: Job) -> str:
    return getattr(job, "__qualname__", repr(job))


class BurstGate:
    """Holds jobs while they arrive in a burst and lets them go together once it pauses.

    The jobs held are let go when none has arrived for `quiet` seconds, or when the first of them has
    waited `longest` seconds, whichever comes first; so a lone command waits `quiet` seconds at most,
    and no job waits longer than `longest` however long the burst lasts. Times are from one
    monotonic clock, passed in.
    """

    def __init__(self, quiet: float = QUIET_SECONDS, longest: float = HOLD_AT_MOST) -> None:
        self.quiet = quiet
        self.longest = longest
        self._held: list[Any] = []
        self._first_at = 0.0
        self._last_at = 0.0

    def arrived(self, items: list[Any], now: float) -> None:
        if not items:
            return
        if not self._held:
            self._first_at = now
        self._held.extend(items)
        self._last_at = now

    def _release_at(self) -> float:
        return min(self._last_at + self.quiet, self._first_at + self.longest)

    def wait_for(self, now: float) -> float | None:
        """How long to wait for more jobs before letting the held ones go; None: nothing is held."""
        if not self._held:
            return None
        return max(0.0, self._release_at() - now)

    def take_due(self, now: float) -> list[Any]:
        """The held jobs, if it is time for them to go; else nothing."""
        if not self._held or now < self._release_at():
            return []
        return self.take_all()

    def take_all(self) -> list[Any]:
        held, self._held = self._held, []
        return held


def gated_jobs(fd: int, gate: BurstGate | None = None) -> Iterator[list[Any]]:
    """The jobs written to the pipe `fd`, in the batches the gate lets go, until the writer closes it."""
    gate = gate or BurstGate()
    reader = FrameReader()
    while True:
        readable, _, _ = select.select([fd], [], [], gate.wait_for(time.monotonic()))
        if readable:
            try:
                chunk = os.read(fd, _READ_BYTES)
            except OSError:
                chunk = b""
            if not chunk:  # the main process closed its end (shutting down) or is gone
                if reader.partial:
                    log.error("the job pipe closed in the middle of a job; that job is lost")
                rest = gate.take_all()
                if rest:
                    yield rest
                return
            gate.arrived(reader.feed(chunk), time.monotonic())
        due = gate.take_due(time.monotonic())
        if due:
            yield due


# --- inside the worker process ------------------------------------------------------------------


def _lower_priority() -> None:
    """Let the serving process have the CPU first. Only a lower niceness: the worker must still get
    its share on a busy machine (SCHED_IDLE could starve it, and with it every reply and nudge)."""
    os.nice(WORKER_NICENESS)


_READY = "ready"


def _worker_main(
    jobs: Connection,
    done: Connection,
    ready: Connection,
    settings: Settings,
    threads: int,
    with_scheduler: bool,
) -> None:
    from bot import dates
    from handlers.scheduler import start_scheduler
    from handlers.services import build_services
    from logs import configure_logging

    _lower_priority()
    # Ctrl-C reaches the whole process group; the main process decides when the worker stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    configure_logging(
        settings.log_level,
        process_name="worker",
        secrets=(settings.bot_token, settings.signing_secret, settings.app_token),
    )
    dates.warm_up()
    services = build_services(settings)
    pool = OrderedPool(threads)
    # The sweeps run here too, so their database and Slack work never holds up an acknowledgement.
    scheduler = start_scheduler(services) if with_scheduler else None
    ready.send(_READY)
    ready.close()
    for batch in gated_jobs(jobs.fileno()):
        for number, key, job, args in batch:
            pool.submit(key, partial(_run_and_report, services, done.fileno(), number, job, args))
    if scheduler is not None:
        scheduler.shutdown(wait=True)
    pool.shutdown()
    services.db.dispose()


def _run_and_report(services: Services, done_fd: int, number: int, job: Job, args: tuple[Any, ...]) -> None:
    run_job(services, job, args)
    # 8 bytes: one write, never interleaved with another thread's. If it fails, the main process is
    # gone and nobody is waiting for the report.
    with contextlib.suppress(OSError):
        os.write(done_fd, _DONE.pack(number))
