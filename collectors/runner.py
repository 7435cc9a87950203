"""Runs sources on their intervals, with a timeout, retries with backoff, and
health per source. Sources never sleep, retry or keep health themselves.

Health states:
  starting  no run finished yet
  ok        the last run succeeded and data arrived within the staleness limit
  quiet     runs succeed with nothing new, still within the staleness limit
  stale     no new data for longer than the staleness limit
  error     the last run failed (it is retried with backoff)
"""

from __future__ import annotations

import logging
import os
import random
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import datetime

from base import redact
from base.clock import now_beijing
from base.failures import log_failure
from collectors.sinks import Sink
from collectors.source import Closeable, Collected, Source

log = logging.getLogger("cbec.runner")
# collecting can wait a moment; the screens cannot: on a busy machine (three times the peak fills two
# cores) a thread computing the walls' figures goes before the collectors' threads, whose work waits
COLLECT_NICE = 5


def _collect_at_lower_priority() -> None:
    """Lowers this collector thread's priority, never raises it (Linux keeps one per
    thread; the threads and processes it starts inherit it)."""
    try:
        me = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, me, max(os.getpriority(os.PRIO_PROCESS, me), COLLECT_NICE))
    except (OSError, AttributeError):  # not Linux, or not allowed: the same priority as the rest
        pass


def _collector_pool(name: str) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(1, thread_name_prefix=f"collect-{name}", initializer=_collect_at_lower_priority)


@dataclass
class Schedule:
    interval_s: float
    timeout_s: float
    stale_after_s: float
    backoff_base_s: float = 1.0
    backoff_max_s: float = 60.0


@dataclass
class Health:
    name: str
    state: str = "starting"
    first_run: datetime | None = None
    last_run: datetime | None = None
    last_success: datetime | None = None
    last_data: datetime | None = None
    last_error: str | None = None
    note: str = ""
    consecutive_failures: int = 0
    records_total: int = 0
    runs_total: int = 0
    last_duration_s: float = 0.0
    next_run_in_s: float = 0.0

    def as_dict(self, now: datetime, stale_after_s: float = float("inf")) -> dict:
        def iso(t: datetime | None) -> str | None:
            return t.isoformat(timespec="seconds") if t else None

        lag = (now - self.last_data).total_seconds() if self.last_data else None
        since = self.last_data or self.first_run
        stale = since is not None and (now - since).total_seconds() > stale_after_s
        return {
            "state": self.state,
            "stale": stale,
            "last_run": iso(self.last_run),
            "last_success": iso(self.last_success),
            "last_data": iso(self.last_data),
            "lag_seconds": None if lag is None else round(lag, 1),
            "rows": self.records_total,
            "runs": self.runs_total,
            "consecutive_failures": self.consecutive_failures,
            "last_error": self.last_error,
            "note": self.note,
            "last_duration_seconds": round(self.last_duration_s, 3),
            "next_run_in_seconds": round(self.next_run_in_s, 1),
        }


def backoff_delay(failures: int, schedule: Schedule, rand: Callable[[], float] = random.random) -> float:
    """Exponential backoff with full jitter, capped; never shorter than the interval."""
    cap = min(schedule.backoff_max_s, schedule.backoff_base_s * 2 ** max(0, failures - 1))
    return max(schedule.interval_s, cap * (0.5 + 0.5 * rand()))


RunListener = Callable[[str, datetime, datetime, str, int, str | None], None]


class Runner:
    """One thread per source. `on_run` hears every finished run (for the
    collector_run table and metrics)."""

    def __init__(self, sink: Sink, *, clock: Callable[[], datetime] = now_beijing, on_run: RunListener | None = None):
        self.sink = sink
        self.clock = clock
        self.on_run = on_run
        self._sources: dict[str, tuple[Source, Schedule]] = {}
        self.health: dict[str, Health] = {}
        self._stop = threading.Event()
        self._wakes: dict[str, threading.Event] = {}  # set when a watched source has something new
        self._watches: list[Closeable] = []
        self._threads: list[threading.Thread] = []
        self._pools: dict[str, ThreadPoolExecutor] = {}
        # a run past its timeout, still going, and when it started: the next run waits for it
        self._running: dict[str, tuple[Future, datetime]] = {}

    def add(self, source: Source, schedule: Schedule) -> None:
        if source.name in self._sources:
            raise ValueError(f"a source named {source.name!r} is already registered")
        self._sources[source.name] = (source, schedule)
        self.health[source.name] = Health(source.name)

    def sources(self) -> dict[str, Source]:
        return {n: s for n, (s, _) in self._sources.items()}

    def run_once(self, name: str) -> Collected | None:
        """One collection of `name`, with its timeout; updates health. Returns None on failure.
        A run past its timeout is reported and waited for again, never run beside: two runs of
        one inbox would read the same files, and one would find them gone."""
        source, schedule = self._sources[name]
        health = self.health[name]
        pool = self._pools.get(name)
        if pool is None:
            pool = self._pools[name] = _collector_pool(name)
        outcome, records, error, result = "ok", 0, None, None
        future, started = self._running.pop(name, (None, self.clock()))
        if future is None:
            future = pool.submit(source.collect, self.sink)
        try:
            result = future.result(timeout=schedule.timeout_s)
            records = result.records
            health.note = result.note
            outcome = "ok" if records else "empty"
        except FutureTimeout:
            outcome, error = "timeout", f"no answer within {schedule.timeout_s:g}s"
            self._running[name] = (future, started)
        except Exception as e:  # a source's failure is recorded, never fatal
            # a URL in an error may carry a password or a token: never kept, logged or shown
            outcome, error = "error", redact.text(f"{type(e).__name__}: {e}")
            log.warning("collector %s failed: %s", name, error)
        finished = self.clock()
        health.first_run = health.first_run or finished
        health.last_run = finished
        health.runs_total += 1
        health.last_duration_s = (finished - started).total_seconds()
        if error is None:
            health.last_success = finished
            health.consecutive_failures = 0
            health.last_error = None
            if records:
                health.last_data = finished
                health.records_total += records
        else:
            health.consecutive_failures += 1
            health.last_error = error
        self.refresh_state(name)
        if self.on_run:
            try:
                self.on_run(name, started, finished, outcome, records, error)
            except Exception as e:
                log_failure(log, f"recording the run of {name} failed", e)
        return result

    def refresh_state(self, name: str) -> str:
        _, schedule = self._sources[name]
        h = self.health[name]
        now = self.clock()
        if h.last_error is not None:
            h.state = "error"
        elif h.last_data is None:
            h.state = (
                "starting"
                if h.last_success is None
                else ("stale" if (now - h.first_run).total_seconds() > schedule.stale_after_s else "quiet")
            )
        elif (now - h.last_data).total_seconds() > schedule.stale_after_s:
            h.state = "stale"
        else:
            h.state = "ok" if h.last_data == h.last_success else "quiet"
        return h.state

    def snapshot(self) -> dict[str, dict]:
        now = self.clock()
        for name in self._sources:
            self.refresh_state(name)
        return {name: h.as_dict(now, self._sources[name][1].stale_after_s) for name, h in self.health.items()}

    # -- threads -------------------------------------------------------------------
    def start(self) -> None:
        self._stop.clear()
        for name, (source, _) in self._sources.items():
            wake = self._wakes[name] = threading.Event()
            if hasattr(source, "watch"):
                watching = source.watch(wake.set)
                if watching is not None:
                    self._watches.append(watching)
        for name in self._sources:
            t = threading.Thread(target=self._loop, args=(name,), name=f"runner-{name}", daemon=True)
            t.start()
            self._threads.append(t)

    def _loop(self, name: str) -> None:
        _, schedule = self._sources[name]
        wake = self._wakes[name]
        while not self._stop.is_set():
            t0 = self.clock()
            wake.clear()  # before the run: what lands during it wakes the next one
            self.run_once(name)
            h = self.health[name]
            if h.consecutive_failures:
                delay = backoff_delay(h.consecutive_failures, schedule)
            else:
                delay = max(0.0, schedule.interval_s - (self.clock() - t0).total_seconds())
            h.next_run_in_s = delay
            if h.consecutive_failures:
                self._stop.wait(delay)  # a failing source keeps its backoff, whatever arrives
            else:
                wake.wait(delay)

    def stop(self, timeout: float = 30.0) -> None:
        """Stops the loops; a collection in progress finishes its batch first."""
        self._stop.set()
        for wake in self._wakes.values():
            wake.set()
        for watching in self._watches:
            watching.close()
        self._watches.clear()
        for t in self._threads:
            t.join(timeout)
        for pool in self._pools.values():
            pool.shutdown(wait=True, cancel_futures=True)
        self._threads.clear()
