"""Metrics of state that exists at scrape time (collector health, component age,
the manual-review age, the release pace, alert states), the client_python way:
a custom collector whose `collect()` yields metric families read fresh from the
runtime, instead of gauges set as a side effect of something else."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Protocol

import pandas as pd
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from base.clock import to_epoch_seconds
from base.config import Config
from collectors.runner import Runner
from core.alerts.runner import AlertRunner
from core.alerts.signals import SIGNALS
from core.duty import Duty
from queries.store import Store


class Runtime(Protocol):
    """What a scrape reads of the runtime."""

    config: Config
    store: Store
    runner: Runner
    alerts: AlertRunner | None
    clock: Callable[[], datetime]
    duty: Duty

    def components(self) -> pd.DataFrame: ...

    def cameras(self) -> list[dict]: ...


def _epoch(iso: str | None) -> float | None:
    return to_epoch_seconds(datetime.fromisoformat(iso)) if iso else None


class StateCollector(Collector):
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from self._collectors()
        yield from self._components()
        yield from self._signals()
        yield from self._alerts()
        yield from self._duty()
        yield from self._cameras()

    def _cameras(self) -> Iterator[GaugeMetricFamily]:
        """Each camera feed's state (one series per state, 1 for the current one) and its last segment's age."""
        state = GaugeMetricFamily(
            "cbec_camera_state", "1 for the camera feed's current state", labels=["site", "camera", "state"]
        )
        age = GaugeMetricFamily(
            "cbec_camera_segment_age_seconds",
            "Seconds since the camera's newest video segment",
            labels=["site", "camera"],
        )
        restarts = GaugeMetricFamily(
            "cbec_camera_restarts", "Restarts of the camera's ffmpeg since the app started", labels=["site", "camera"]
        )
        for c in self.runtime.cameras():
            for one in ("playing", "reconnecting", "down"):
                state.add_metric([c["site"], c["camera"], one], 1 if c["state"] == one else 0)
            if c["segment_age_seconds"] is not None:
                age.add_metric([c["site"], c["camera"]], round(c["segment_age_seconds"], 1))
            restarts.add_metric([c["site"], c["camera"]], c["restarts"])
        yield from (state, age, restarts)

    def _duty(self) -> Iterator[GaugeMetricFamily]:
        duty = self.runtime.duty
        yield GaugeMetricFamily(
            "cbec_instance_on_duty", "1 if this instance sends the notifications now", value=int(duty.on_duty())
        )
        if duty.has_peer and (alive := duty.peer_alive()) is not None:
            yield GaugeMetricFamily("cbec_peer_up", "1 if the other instance's /healthz answers", value=int(alive))

    def _collectors(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("cbec_collector_up", "1 if the collector's last run succeeded", labels=["collector"])
        stale = GaugeMetricFamily(
            "cbec_collector_stale", "1 if no new data within the staleness limit", labels=["collector"]
        )
        success = GaugeMetricFamily(
            "cbec_collector_last_success_timestamp_seconds",
            "Unix time of the last successful run",
            labels=["collector"],
        )
        data = GaugeMetricFamily(
            "cbec_collector_last_data_timestamp_seconds",
            "Unix time the collector last brought new data",
            labels=["collector"],
        )
        for name, h in self.runtime.runner.snapshot().items():
            up.add_metric([name], 1 if h["state"] not in ("error", "starting") else 0)
            stale.add_metric([name], 1 if h["stale"] else 0)
            if (t := _epoch(h["last_success"])) is not None:
                success.add_metric([name], t)
            if (t := _epoch(h["last_data"])) is not None:
                data.add_metric([name], t)
        yield from (up, stale, success, data)

    def _components(self) -> Iterator[GaugeMetricFamily]:
        age = GaugeMetricFamily(
            "cbec_component_age_seconds", "Seconds since a component last reported", labels=["site", "component"]
        )
        stale = GaugeMetricFamily(
            "cbec_component_stale", "1 if a component reported nothing within the limit", labels=["site", "component"]
        )
        for row in self.runtime.components().itertuples():
            age.add_metric([row.site_code, row.component], row.age_seconds)
            stale.add_metric([row.site_code, row.component], 1 if row.state == "stale" else 0)
        yield from (age, stale)

    def _signals(self) -> Iterator[GaugeMetricFamily]:
        """The figures the exported Prometheus rules need that no counter carries."""
        runtime, now = self.runtime, self.runtime.clock()
        with runtime.store.reading() as con:
            review = SIGNALS["review_oldest_hours"].read(con, now, timedelta(hours=1), {})
            pace = SIGNALS["release_pace"].read(con, now, timedelta(minutes=10), {})
        age = GaugeMetricFamily(
            "cbec_manual_review_oldest_age_seconds", "Age of the oldest list in manual review", labels=["site"]
        )
        waiting = {labels["site"]: hours for labels, hours in review}
        for site in runtime.config.sites:  # every site, 0 when nothing waits
            age.add_metric([site.code], waiting.get(site.code, 0.0) * 3600)
        yield age
        ratio = GaugeMetricFamily(
            "cbec_release_pace_ratio", "Releases in the last 10 minutes against the same minutes last year"
        )
        if pace:  # no sample while last year's same minutes hold nothing
            ratio.add_metric([], pace[0][1])
        yield ratio

    def _alerts(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "cbec_alerts", "Alert instances by rule, severity and state", labels=["rule", "severity", "state"]
        )
        counts: dict[tuple[str, str, str], int] = {}
        active = self.runtime.alerts.active() if self.runtime.alerts is not None else []
        for inst in active:
            key = (inst.rule, inst.severity or "", inst.state)
            counts[key] = counts.get(key, 0) + 1
        for key, n in sorted(counts.items()):
            family.add_metric(list(key), n)
        yield family
