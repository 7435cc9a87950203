from __future__ import annotations

import os
import threading
from datetime import datetime, timedelta

from collectors.runner import COLLECT_NICE, Runner, Schedule, backoff_delay
from collectors.source import Collected


class FakeClock:
    def __init__(self):
        self.now = datetime(2019, 11, 11, 0, 0, 0)

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += timedelta(seconds=seconds)


class ScriptedSource:
    """Plays a script of outcomes: an int is that many records, an exception is raised."""

    def __init__(self, name, script):
        self.name = name
        self.script = list(script)

    def collect(self, sink):
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return Collected(step, "" if step else "nothing new")


class SlowSource:
    name = "slow"

    def __init__(self):
        self.release = threading.Event()

    def collect(self, sink):
        self.release.wait(5)
        return Collected(1)


def test_backoff_grows_exponentially_is_capped_and_jittered():
    s = Schedule(interval_s=1, timeout_s=5, stale_after_s=10, backoff_base_s=2, backoff_max_s=30)
    highs = [backoff_delay(n, s, rand=lambda: 1.0) for n in range(1, 7)]
    assert highs == [2, 4, 8, 16, 30, 30]
    lows = [backoff_delay(n, s, rand=lambda: 0.0) for n in range(1, 7)]
    assert lows == [1, 2, 4, 8, 15, 15]
    assert backoff_delay(1, Schedule(interval_s=5, timeout_s=5, stale_after_s=10), rand=lambda: 0) == 5


def test_health_tells_ok_quiet_stale_and_error_apart():
    clock = FakeClock()
    runs = []
    r = Runner(sink=None, clock=clock, on_run=lambda *a: runs.append(a))
    r.add(ScriptedSource("s", [5, 0, 0, RuntimeError("link down"), 3]), Schedule(1, 5, stale_after_s=10))
    assert r.health["s"].state == "starting"
    r.run_once("s")
    assert r.health["s"].state == "ok" and r.health["s"].records_total == 5
    clock.advance(4)
    r.run_once("s")
    assert r.health["s"].state == "quiet"
    clock.advance(8)
    r.run_once("s")
    assert r.health["s"].state == "stale"
    clock.advance(1)
    r.run_once("s")
    h = r.health["s"]
    assert h.state == "error" and h.last_error == "RuntimeError: link down" and h.consecutive_failures == 1
    clock.advance(1)
    r.run_once("s")
    assert r.health["s"].state == "ok" and r.health["s"].consecutive_failures == 0
    assert [run[3] for run in runs] == ["ok", "empty", "empty", "error", "ok"]
    snap = r.snapshot()["s"]
    assert snap["rows"] == 8 and snap["lag_seconds"] == 0.0


def test_a_source_that_hangs_is_timed_out_and_reported():
    src = SlowSource()
    r = Runner(sink=None)
    r.add(src, Schedule(1, timeout_s=0.2, stale_after_s=10))
    assert r.run_once("slow") is None
    assert r.health["slow"].state == "error"
    assert "no answer within 0.2s" in r.health["slow"].last_error
    src.release.set()


def test_a_run_past_its_timeout_is_waited_for_never_run_beside():
    """An inbox run over a backlog can outlast its timeout; a second run beside it
    would read the same files and find them gone."""

    class Long:
        name = "inbox"

        def __init__(self):
            self.running = self.most = self.runs = 0
            self.lock = threading.Lock()
            self.release = threading.Event()

        def collect(self, sink):
            with self.lock:
                self.running += 1
                self.runs += 1
                self.most = max(self.most, self.running)
            self.release.wait(5)
            with self.lock:
                self.running -= 1
            return Collected(7)

    src, runs = Long(), []
    r = Runner(sink=None, on_run=lambda *a: runs.append(a))
    r.add(src, Schedule(0.01, timeout_s=0.1, stale_after_s=10))
    assert r.run_once("inbox") is None and r.run_once("inbox") is None  # timed out twice, one run
    assert r.health["inbox"].state == "error" and "no answer within 0.1s" in r.health["inbox"].last_error
    src.release.set()
    assert r.run_once("inbox").records == 7  # the same run, ended: its records are counted
    assert r.health["inbox"].state == "ok" and r.health["inbox"].records_total == 7
    assert r.run_once("inbox").records == 7  # then a new run
    assert src.runs == 2 and src.most == 1
    assert [run[3] for run in runs] == ["timeout", "timeout", "ok", "ok"]


def test_duplicate_source_names_fail_loudly():
    r = Runner(sink=None)
    r.add(ScriptedSource("a", []), Schedule(1, 1, 1))
    try:
        r.add(ScriptedSource("a", []), Schedule(1, 1, 1))
    except ValueError as e:
        assert "already registered" in str(e)
    else:
        raise AssertionError("a duplicate name was accepted")


def test_threads_run_on_their_interval_and_stop_cleanly():
    calls = []

    class Counting:
        name = "c"

        def collect(self, sink):
            calls.append(1)
            return Collected(1)

    r = Runner(sink=None)
    r.add(Counting(), Schedule(interval_s=0.05, timeout_s=1, stale_after_s=10))
    r.start()
    deadline = datetime.now() + timedelta(seconds=5)
    while len(calls) < 3 and datetime.now() < deadline:
        threading.Event().wait(0.02)
    r.stop()
    n = len(calls)
    threading.Event().wait(0.2)
    assert n >= 3 and len(calls) == n


class PriorityOfItsThread:
    name = "nice"

    def __init__(self):
        self.seen: list[int] = []

    def collect(self, sink):
        self.seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return Collected(0)


def test_collectors_run_below_the_screens_priority_and_the_rest_of_the_process_keeps_its_own():
    """At three times the peak both cores are full: the thread computing the walls' figures goes first."""
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    source = PriorityOfItsThread()
    r = Runner(sink=None, clock=FakeClock())
    r.add(source, Schedule(1, 5, stale_after_s=10))
    r.run_once("nice")
    r.run_once("nice")
    assert source.seen == [max(before, COLLECT_NICE)] * 2
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before
