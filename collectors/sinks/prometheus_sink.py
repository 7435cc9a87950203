"""Updates Prometheus metrics from what the store accepted.

Metrics follow the Prometheus conventions: a cbec_ prefix, base units, _total
counters, ratios 0..1, and only small label sets (site, platform, warehouse,
component, collector). Never a list number or a person.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from base.status import RECEIPT_CLASS_NAMES, receipt_class
from collectors.records import REJECTED_TYPES, SCHEMAS, TRADE_MODES, Batch
from collectors.sinks import WriteResult

HISTORY_KINDS = ("release_minute", "release_category_minute", "receipt_minute", "adjustment_minute")
INGESTED_KINDS = tuple(k for k in SCHEMAS if k not in (*HISTORY_KINDS, "quarantine"))


def t_reasons(batch: Batch) -> list[str]:
    """A small, fixed label set: the reason's code before the first colon."""
    return [r.split(":", 1)[0][:32] for r in batch.table["reason"].to_pylist()]


class Metrics:
    """The metrics that ingest moves, on one registry (injected, default a fresh one). State
    that exists at scrape time is read by core/state_metrics.py instead."""

    def __init__(
        self,
        registry: CollectorRegistry | None = None,
        sites: tuple[str, ...] = (),
        platforms: tuple[str, ...] = (),
        collectors: tuple[str, ...] = (),
    ):
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.released = Counter(
            "cbec_released_lists",
            "Inventory lists released (first 800 receipt) as ingested",
            ["site", "platform", "trade_mode"],
            registry=r,
        )
        self.goods_value = Counter(
            "cbec_released_goods_value_cny", "Goods value of released lists, CNY", ["site"], registry=r
        )
        self.goods_value_corrections = Counter(
            "cbec_released_goods_value_corrections",
            "Changes that lowered a released list's goods value",
            ["site"],
            registry=r,
        )
        self.cancelled = Counter(
            "cbec_cancelled_lists", "Released lists whose cancellation was approved", ["site", "trade_mode"], registry=r
        )
        self.cancelled_value = Counter(
            "cbec_cancelled_goods_value_cny", "Goods value of cancelled lists, CNY", ["site", "trade_mode"], registry=r
        )
        self.returned_value = Counter(
            "cbec_returned_goods_value_cny", "Goods value of approved returns, CNY", ["site", "trade_mode"], registry=r
        )
        self.tax_assessed = Counter(
            "cbec_tax_assessed_cny", "Tax assessed by tax receipts (CEB816), CNY", ["site", "trade_mode"], registry=r
        )
        self.tax_voided = Counter(
            "cbec_tax_voided_cny", "Tax voided (latest status 3), CNY", ["site", "trade_mode"], registry=r
        )
        self.format_rejects = Counter(
            "cbec_format_rejects", "Format rejects (CEB900) by type of message rejected", ["message_type"], registry=r
        )
        self.records = Counter("cbec_records_ingested", "Records new to the store", ["kind"], registry=r)
        self.duplicates = Counter(
            "cbec_records_duplicate", "Records already in the store, ignored", ["kind"], registry=r
        )
        self.receipts = Counter("cbec_receipts", "Receipts by status class", ["site", "status_class"], registry=r)
        self.quarantined = Counter(
            "cbec_quarantined_files", "Files set aside with a reason", ["collector", "reason"], registry=r
        )
        self.records_refused = Counter(
            "cbec_records_refused", "Invalid records left out of ingest", ["collector"], registry=r
        )
        self.write_seconds = Histogram(
            "cbec_store_write_seconds",
            "Time to commit one batch",
            ["kind"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=r,
        )
        self.occupancy = Gauge(
            "cbec_warehouse_occupancy_ratio", "Share of warehouse area in use", ["site", "warehouse"], registry=r
        )
        self.link_utilization = Gauge(
            "cbec_link_utilization_ratio", "Link throughput over capacity", ["site", "component"], registry=r
        )
        self.link_throughput = Gauge(
            "cbec_link_throughput_bits_per_second", "Link throughput", ["site", "component"], registry=r
        )
        self.queue_depth = Gauge(
            "cbec_exchange_queue_depth", "Messages waiting at the data exchange", ["site"], registry=r
        )
        self.latency = Gauge(
            "cbec_exchange_latency_seconds", "Message latency at the data exchange", ["site"], registry=r
        )
        self.equipment_up = Gauge(
            "cbec_equipment_up", "1 if the equipment answers, else 0", ["site", "component"], registry=r
        )
        self.live_seconds = Histogram(
            "cbec_live_compute_seconds",
            "Time to compute a live model once for every screen (headlines each second, the walls' snapshot)",
            ["part"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5),
            registry=r,
        )
        self.wall_streams = Gauge("cbec_wall_streams_open", "Wall screens receiving the live event stream", registry=r)
        self.wall_stream_bytes = Counter(
            "cbec_wall_stream_sent_bytes", "Bytes sent to wall screens over the live event stream", registry=r
        )
        self.collector_runs = Counter(
            "cbec_collector_runs", "Collector runs by outcome", ["collector", "outcome"], registry=r
        )
        self.collector_records = Counter(
            "cbec_collector_records", "Records brought by a collector", ["collector"], registry=r
        )

        self._zero(sites, platforms, collectors)

    def _zero(self, sites: tuple[str, ...], platforms: tuple[str, ...], collectors: tuple[str, ...]) -> None:
        """Every labelled series of a known site, platform or collector at 0 from the start, so the
        first scrape shows each one and rate() sees the first increase."""
        for site in sites:
            self.goods_value.labels(site)
            self.goods_value_corrections.labels(site)
            for mode in TRADE_MODES:
                for platform in platforms:
                    self.released.labels(site, platform, mode)
                for counter in (self.cancelled, self.cancelled_value, self.returned_value):
                    counter.labels(site, mode)
                for counter in (self.tax_assessed, self.tax_voided):
                    counter.labels(site, mode)
            for cls in RECEIPT_CLASS_NAMES:
                self.receipts.labels(site, cls)
        for message_type in REJECTED_TYPES:
            self.format_rejects.labels(message_type)
        for kind in INGESTED_KINDS:
            self.records.labels(kind)
            self.duplicates.labels(kind)
        for name in collectors:
            self.collector_records.labels(name)
            self.records_refused.labels(name)
            for outcome in ("ok", "empty", "error", "timeout"):
                self.collector_runs.labels(name, outcome)

    def observe(self, batch: Batch, result: WriteResult, seconds: float, site_of_warehouse: dict[str, str]) -> None:
        kind = batch.kind
        self.write_seconds.labels(kind).observe(seconds)
        if kind in HISTORY_KINDS:
            return  # simulated history is not ingest
        if kind == "quarantine":
            for reason, refused in zip(t_reasons(batch), batch.table["records_refused"].to_pylist()):
                self.quarantined.labels(batch.source, reason).inc()
                self.records_refused.labels(batch.source).inc(refused)
            return
        self.records.labels(kind).inc(result.new)
        self.duplicates.labels(kind).inc(result.duplicates)
        for (site, platform, mode), (lists, value_fen) in result.released.items():
            if lists > 0:
                self.released.labels(site, platform, mode).inc(lists)
            if value_fen > 0:
                self.goods_value.labels(site).inc(value_fen / 100)
            elif value_fen < 0:
                self.goods_value_corrections.labels(site).inc()
        for (site, mode), a in result.adjusted.items():  # a counter only rises: corrections are not shown
            for counter, value in (
                (self.cancelled, a.cancelled_lists),
                (self.cancelled_value, a.cancelled_value_fen / 100),
                (self.returned_value, a.returned_cny),
                (self.tax_assessed, a.tax_assessed_cny),
                (self.tax_voided, a.tax_voided_cny),
            ):
                if value > 0:
                    counter.labels(site, mode).inc(value)
        for message_type, n in result.rejects.items():
            self.format_rejects.labels(message_type).inc(n)
        t = batch.table
        for site, status, n in result.statuses:
            self.receipts.labels(site, receipt_class(status)).inc(n)
        if kind == "occupancy" and t.num_rows:
            newest: dict[str, tuple] = {}
            for w, at, ratio in zip(
                t["warehouse_code"].to_pylist(), t["sampled_at"].to_pylist(), t["occupancy_ratio"].to_pylist()
            ):
                if w not in newest or at >= newest[w][0]:
                    newest[w] = (at, ratio)
            for w, (_, ratio) in newest.items():
                self.occupancy.labels(site_of_warehouse.get(w, "unknown"), w).set(ratio)
        elif kind == "health" and t.num_rows:
            latest: dict[tuple[str, str, str], tuple] = {}
            for at, site, comp, metric, value in zip(
                t["sampled_at"].to_pylist(),
                t["site_code"].to_pylist(),
                t["component"].to_pylist(),
                t["metric"].to_pylist(),
                t["value"].to_pylist(),
            ):
                key = (site, comp, metric)
                if key not in latest or at >= latest[key][0]:
                    latest[key] = (at, value)
            for (site, comp, metric), (_, value) in latest.items():
                if metric == "utilization_ratio":
                    self.link_utilization.labels(site, comp).set(value)
                elif metric == "throughput_bps":
                    self.link_throughput.labels(site, comp).set(value)
                elif metric == "queue_depth":
                    self.queue_depth.labels(site).set(value)
                elif metric == "latency_seconds":
                    self.latency.labels(site).set(value)
                elif metric == "up":
                    self.equipment_up.labels(site, comp).set(value)


class MeteredSink:
    """Writes to the store, then records what was committed in the metrics."""

    def __init__(self, store_sink, metrics: Metrics, site_of_warehouse: dict[str, str]):
        self.store_sink = store_sink
        self.metrics = metrics
        self.site_of_warehouse = site_of_warehouse

    def write(self, batch: Batch) -> WriteResult:
        t0 = time.perf_counter()
        result = self.store_sink.write(batch)
        self.metrics.observe(batch, result, time.perf_counter() - t0, self.site_of_warehouse)
        return result
