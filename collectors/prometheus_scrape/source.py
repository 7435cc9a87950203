"""Scrapes Prometheus exposition endpoints (node exporter on the gateway hosts,
equipment exporters) and turns them into system-health records.

Interface byte counters become link throughput (bits per second, from the
change between two scrapes) and utilisation against the configured capacity;
a target that answers is `up` 1; configured series map to components and sites.
The text is parsed with prometheus_client's own parser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import httpx
from prometheus_client.parser import text_string_to_metric_families

from base import redact
from base.clock import now_beijing
from collectors.records import make_batch
from collectors.sinks import Sink
from collectors.source import Collected

RX = "node_network_receive_bytes_total"
TX = "node_network_transmit_bytes_total"


@dataclass(frozen=True)
class Target:
    """One scrape endpoint and what it stands for."""

    url: str
    site: str
    component: str  # e.g. "eport_link"
    kind: str = "link"  # link | exchange | gate | xray | camera | host
    device: str | None = None  # the interface to measure; None: every non-loopback one
    capacity_bps: float = 100e6
    # extra series: metric name -> record metric, e.g. {"dxp_queue_depth": "queue_depth"}
    series: dict[str, str] = field(default_factory=dict)


def parse_exposition(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Sample name -> [(labels, value)], using prometheus_client's parser."""
    out: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out.setdefault(s.name, []).append((dict(s.labels), float(s.value)))
    return out


@dataclass
class PrometheusScrapeSource:
    name: str
    targets: list[Target]
    timeout_s: float = 5.0
    clock: Callable[[], datetime] = now_beijing
    _last: dict[str, tuple[datetime, float, float]] = field(default_factory=dict, init=False)

    def collect(self, sink: Sink) -> Collected:
        rows: list[dict] = []
        failures = []
        with httpx.Client(timeout=self.timeout_s) as client:
            for t in self.targets:
                now = self.clock()
                try:
                    response = client.get(t.url)
                    response.raise_for_status()
                    samples = parse_exposition(response.text)
                except (httpx.HTTPError, ValueError) as e:
                    failures.append(redact.text(f"{t.url}: {type(e).__name__}: {e}"))
                    rows.append(self._row(now, t, "up", 0.0))
                    continue
                rows.append(self._row(now, t, "up", 1.0))
                rows.extend(self._link(now, t, samples))
                for metric, record_metric in t.series.items():
                    for _, value in samples.get(metric, []):
                        rows.append(self._row(now, t, record_metric, value))
        if rows:
            sink.write(make_batch("health", {k: [r[k] for r in rows] for k in rows[0]}, self.name))
        if failures and len(failures) == len(self.targets):
            raise ConnectionError("; ".join(failures))
        return Collected(sum(1 for r in rows if r["metric"] != "up" or r["value"] == 1.0), "; ".join(failures))

    @staticmethod
    def _row(now: datetime, t: Target, metric: str, value: float) -> dict:
        return {
            "sampled_at": now,
            "site_code": t.site,
            "component": t.component,
            "kind": t.kind,
            "metric": metric,
            "value": value,
        }

    def _link(self, now: datetime, t: Target, samples) -> list[dict]:
        def total(name: str) -> float | None:
            values = [
                v
                for labels, v in samples.get(name, [])
                if (t.device is None and labels.get("device") != "lo") or labels.get("device") == t.device
            ]
            return sum(values) if values else None

        rx, tx = total(RX), total(TX)
        if rx is None or tx is None:
            return []
        previous = self._last.get(t.url)
        self._last[t.url] = (now, rx, tx)
        if previous is None:
            return []  # a rate needs two scrapes
        seconds = (now - previous[0]).total_seconds()
        if seconds <= 0 or rx < previous[1] or tx < previous[2]:
            return []  # counter reset (exporter restarted): wait for the next pair
        bps = 8 * max(rx - previous[1], tx - previous[2]) / seconds
        return [
            self._row(now, t, "throughput_bps", round(bps, 1)),
            self._row(now, t, "utilization_ratio", round(bps / t.capacity_bps, 6)),
        ]
