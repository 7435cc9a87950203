"""The collector runtime: the store, the sinks, the sources and their runner,
started and stopped as one. The web app's lifespan owns one; commands that
work on a file build their own."""

from __future__ import annotations

import functools
import itertools
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
from prometheus_client import CollectorRegistry

from base.clock import now_beijing
from base.config import Config
from base.secrets import SecretMissing, resolve_secret
from collectors import registry
from collectors.ceb import retention
from collectors.runner import Runner, Schedule
from collectors.sinks.duckdb_sink import DuckDBSink
from collectors.sinks.prometheus_sink import MeteredSink, Metrics
from core.alerts import editor
from core.alerts.rules import Rule, load_alert_config, with_overrides
from core.alerts.runner import AlertRunner
from core.duty import Duty
from core.exposition import exposition
from core.names import Names
from core.state_metrics import StateCollector
from queries import read
from queries.loader import sql
from queries.reference import load_reference
from queries.store import Store

log = logging.getLogger("cbec.runtime")

_current: Runtime | None = None
_instances = itertools.count(1)
_current_lock = threading.Lock()


def _peer_token(config: Config) -> str:
    """The bearer token /healthz answers in full to: the other instance sends ours (the same on both)."""
    try:
        return resolve_secret(config.access.metrics_token) if config.access.metrics_token else ""
    except SecretMissing:
        return ""


def current() -> Runtime:
    """The runtime of this process (started by the app's lifespan)."""
    if _current is None:
        raise RuntimeError("the collector runtime is not running in this process")
    return _current


class Runtime:
    def __init__(
        self,
        config: Config,
        *,
        db_path: str | Path | None = None,
        registry_: CollectorRegistry | None = None,
        clock: Callable[[], datetime] = now_beijing,
        with_collectors: bool = True,
    ):
        registry.check(config)  # before the store opens: a mistyped key stops here
        self.config = config
        self.names = Names(config)  # display names for labels, one set for the whole process
        self.clock = clock
        self.instance = next(_instances)  # tells snapshots of different runtimes apart
        self.store = Store(db_path or config.store_path)
        load_reference(self.store, config)
        self.metrics = Metrics(
            registry_,
            sites=tuple(s.code for s in config.sites),
            platforms=tuple(p.code for p in config.platforms),
            collectors=tuple(c.name for c in config.collectors if c.enabled),
        )
        self.metrics.registry.register(StateCollector(self))
        self.sink = MeteredSink(DuckDBSink(self.store), self.metrics, {w.code: w.site for w in config.warehouses})
        self.runner = Runner(self.sink, clock=clock, on_run=self._record_run)
        self.started_at = clock()
        self.digest_thread = None
        self.alerts = None
        self.duty = Duty(config.instance, token=functools.partial(_peer_token, config))
        self.national = None
        self.national_days = None
        self.video = None  # the cameras' ffmpeg supervisor, when cameras are configured
        if config.national is not None:  # the national tier reads the districts; it collects nothing itself
            from core.national import DayTotals, SharedLive

            self.national = SharedLive(config.national, config.refresh_seconds)
            self.national_days = DayTotals(self.store, config.national.exports)
            # a cold store loads every exported day once, in the background, not in a viewer's first report
            threading.Thread(target=self._load_national_days, name="national-days", daemon=True).start()
            with_collectors = False
        if with_collectors:
            self.alerts = AlertRunner(
                load_alert_config(),
                self.store,
                clock=lambda: self.clock(),
                health=lambda: self.health()["collectors"],
                names=self.names,
                on_duty=self.duty.on_duty,
            )
            for c in config.collectors:
                if not c.enabled:
                    continue
                source = registry.build(config, c)
                if hasattr(source, "on_purge"):  # an inbox: its purges go to the audit trail
                    source.on_purge = functools.partial(self.record_purge, source.name)
                schedule = Schedule(c.interval_seconds, c.timeout_seconds, c.stale_after_seconds,
                                    backoff_max_s=c.backoff_max_seconds)  # fmt: skip
                self.runner.add(source, schedule)
            if config.video.cameras:
                from collectors.video.source import VideoSource
                from collectors.video.supervisor import Supervisor

                self.video = Supervisor(
                    config, label=lambda c: f"{self.names.site(c.site)} {self.names.component(c.name)}"
                )
                every = min(2.0, config.video.segment_seconds * 2)
                # its own staleness: the camera states it writes come from the supervisor, every `every` seconds
                self.runner.add(VideoSource(self.video, clock=lambda: self.clock()),
                                Schedule(every, 5.0, max(10.0, 5 * every), backoff_max_s=10.0))  # fmt: skip
            if config.digest.jobs or config.digest.parquet_folder:
                from core.report.digest import Digest, DigestThread

                digest = Digest(
                    config,
                    self.store,
                    clock=lambda: self.clock(),
                    duty=self.duty,
                    ready=lambda: not self.history_loading(self.runner.snapshot()),
                )
                self.digest_thread = DigestThread(digest)
            replaying = [s for s in self.runner.sources().values() if getattr(s, "mode", "") == "replay"]
            if replaying and clock is now_beijing:
                # a replayed night: the screens show the night's time, not today's,
                # and what other sources stamp (a quarantined file) is on that time too
                self.clock = replaying[0].sim_now
                for s in self.runner.sources().values():
                    if s not in replaying and getattr(s, "clock", None) is now_beijing:
                        s.clock = self.clock

    def record_purge(self, name: str, purge: retention.Purge) -> None:
        """Writes a purge of `name`'s folders to the audit trail."""
        with self.store.write_lock:
            retention.record(self.store.writer, purge, name)

    def _load_national_days(self) -> None:
        t0 = time.perf_counter()
        try:
            loaded, dropped = self.national_days.refresh()
        except Exception:  # the next report query refreshes again and shows the error
            log.exception("loading the districts' exported days failed")
            return
        log.info("national days: %d loaded, %d dropped in %.1f s", loaded, dropped, time.perf_counter() - t0)

    def _record_run(
        self, name: str, started: datetime, finished: datetime, outcome: str, records: int, error: str | None
    ) -> None:
        self.metrics.collector_runs.labels(name, outcome).inc()
        self.metrics.collector_records.labels(name).inc(records)
        with self.store.write_lock:
            self.store.writer.execute(
                sql("write_collector_run"),
                {
                    "collector": name,
                    "started_at": started,
                    "finished_at": finished,
                    "outcome": outcome,
                    "records": records,
                    "error": error,
                },
            )

    def cameras(self) -> list[dict]:
        """Each configured camera's feed: state, last segment age, why it failed (no URL, no credential)."""
        return self.video.states() if self.video else []

    def health(self) -> dict:
        collectors = self.runner.snapshot()
        worst = "ok"
        if any(h["state"] in ("error", "stale") for h in collectors.values()):
            worst = "degraded"
        return {
            "status": worst,
            "now": self.clock().isoformat(timespec="seconds"),
            "timezone": "Asia/Shanghai",
            "database": self.store.path.name,  # not where it lives on the machine
            "instance": self.duty.status(),
            "collectors": collectors,
            "cameras": self.cameras(),
        }

    def rules(self) -> tuple[Rule, ...]:
        """The alert rules as evaluated now, the page's edits included: the one source of every threshold."""
        if self.alerts is not None:
            return self.alerts.config.rules
        with self.store.reading() as con:
            return with_overrides(load_alert_config().rules, editor.overrides(con))

    @staticmethod
    def history_loading(collectors: dict) -> str:
        """The note of a source still back-filling history (from `health()["collectors"]`), else ""."""
        return next((h["note"] for h in collectors.values() if h["note"].startswith("back-filling")), "")

    def components(self) -> pd.DataFrame:
        """Each (site, component) that reported in the last hour: last seen, age, state."""
        now = self.clock()
        with self.store.reading() as con:
            latest = read.health_latest(con, now - timedelta(hours=1), now)
        return read.component_states(latest, now, self.config.stale_after_seconds)

    def metrics_text(self) -> bytes:
        return exposition(self.metrics.registry, self.config.district_code)

    def start(self) -> Runtime:
        global _current
        with _current_lock:
            if self.video:
                self.video.start()
            self.runner.start()
            self.duty.start()
            if self.digest_thread:
                self.digest_thread.start()
            if self.alerts:
                self.alerts.start()
            _current = self
        log.info("collector runtime started on %s", self.store.path)
        return self

    def stop(self) -> None:
        global _current
        self.runner.stop()
        if self.video:
            self.video.stop()
        self.duty.stop()
        if self.digest_thread:
            self.digest_thread.stop()
        if self.alerts:
            self.alerts.stop()
        self.store.checkpoint()
        self.store.close()
        with _current_lock:
            if _current is self:
                _current = None
        log.info("collector runtime stopped")

    def adopt(self) -> Runtime:
        """Makes this runtime the process's current one without starting its threads (tests)."""
        global _current
        with _current_lock:
            _current = self
        return self
