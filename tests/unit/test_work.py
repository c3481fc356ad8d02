"""The hand-over of jobs to the worker process: framing, the burst gate, and the pipe between them."""

from __future__ import annotations

import os
import threading
import time

import pytest

from handlers.work import BurstGate, FrameReader, _frame, _write_frames, gated_jobs


def test_a_lone_job_goes_once_the_quiet_time_has_passed() -> None:
    gate = BurstGate(quiet=0.01, longest=1.0)
    assert gate.wait_for(100.0) is None  # nothing held: wait for jobs as long as it takes
    gate.arrived(["a"], 100.0)
    assert gate.wait_for(100.0) == pytest.approx(0.01)
    assert gate.take_due(100.005) == []
    assert gate.take_due(100.01) == ["a"]
    assert gate.wait_for(100.02) is None


def test_jobs_of_a_burst_are_held_until_it_pauses() -> None:
    gate = BurstGate(quiet=0.01, longest=1.0)
    for n in range(50):  # a job every 5 ms: the burst goes on
        now = 100.0 + n * 0.005
        gate.arrived([n], now)
        assert gate.take_due(now + 0.004) == []
    assert gate.take_due(100.0 + 49 * 0.005 + 0.01) == list(range(50))


def test_no_job_is_held_longer_than_the_limit_however_long_the_burst() -> None:
    gate = BurstGate(quiet=0.01, longest=1.0)
    released: list[int] = []
    for n in range(400):  # 2 seconds of jobs, one every 5 ms
        now = 100.0 + n * 0.005
        gate.arrived([n], now)
        released += gate.take_due(now)
    assert released == list(range(201))  # the first waited 1 s and went with all that came meanwhile
    assert gate.wait_for(100.0 + 399 * 0.005) == pytest.approx(0.01)
    assert gate.take_all() == list(range(201, 400))


def test_an_empty_arrival_does_not_start_the_clock() -> None:
    gate = BurstGate(quiet=0.01, longest=1.0)
    gate.arrived([], 100.0)
    assert gate.wait_for(100.0) is None


def test_frames_are_read_back_whatever_the_chunks() -> None:
    items = [("job", {"text": "x" * n}) for n in (0, 1, 300, 70_000)]
    stream = b"".join(_frame(item) for item in items)
    for chunk_size in (1, 3, 4, 5, 1000, len(stream)):
        reader = FrameReader()
        got = []
        for start in range(0, len(stream), chunk_size):
            got += reader.feed(stream[start : start + chunk_size])
        assert got == items
        assert not reader.partial


def test_a_frame_cut_short_is_reported_as_partial() -> None:
    reader = FrameReader()
    frame = _frame("job")
    assert reader.feed(frame + frame[:5]) == ["job"]
    assert reader.partial


def test_jobs_written_to_the_pipe_arrive_in_order_and_all_of_them_at_the_end() -> None:
    read_fd, write_fd = os.pipe()
    batches: list[list[int]] = []
    reading = threading.Thread(target=lambda: batches.extend(gated_jobs(read_fd, BurstGate(0.05, 1.0))))
    reading.start()
    try:
        assert _write_frames(write_fd, [_frame(n) for n in range(3)]) == 3
        time.sleep(0.3)  # a pause longer than the quiet time: the first three go
        assert _write_frames(write_fd, [_frame(n) for n in range(3, 6)]) == 3
    finally:
        os.close(write_fd)  # the main process closing its end: the held jobs go at once
    reading.join(timeout=5)
    os.close(read_fd)
    assert batches == [[0, 1, 2], [3, 4, 5]]


def test_a_write_to_a_pipe_nobody_reads_says_how_many_jobs_got_through() -> None:
    read_fd, write_fd = os.pipe()
    os.close(read_fd)
    try:
        assert _write_frames(write_fd, [_frame("a"), _frame("b")]) == 0
    finally:
        os.close(write_fd)


def test_one_keys_jobs_run_one_after_another_in_order() -> None:
    from handlers.work import OrderedPool

    pool = OrderedPool(4)
    ran: list[int] = []
    running = []
    overlapped = threading.Event()

    def job(n: int) -> None:
        running.append(n)
        if len(running) > 1:
            overlapped.set()
        time.sleep(0.01)
        ran.append(n)
        running.remove(n)

    for n in range(10):
        pool.submit("T1:U1", lambda n=n: job(n))
    pool.shutdown()  # waits for the ones queued behind others too
    assert ran == list(range(10))
    assert not overlapped.is_set()


def test_different_keys_run_side_by_side() -> None:
    from handlers.work import OrderedPool

    pool = OrderedPool(2)
    both_started = threading.Barrier(2, timeout=5)
    done: list[str] = []

    def job(key: str) -> None:
        both_started.wait()  # would time out if the two ran one after the other
        done.append(key)

    pool.submit("T1:U1", lambda: job("U1"))
    pool.submit("T1:U2", lambda: job("U2"))
    pool.shutdown()
    assert sorted(done) == ["U1", "U2"]
