"""What alert rules watch: each signal reads the store (an SQL file in
queries/sql) or the runtime's collector health at a moment and gives one value
per label set. Each also names the Prometheus series that carries the same
figure on /metrics, for the exported rule file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from base.clock import same_time_last_year
from queries.loader import sql

Values = list[tuple[dict[str, str], float]]


@dataclass(frozen=True)
class Signal:
    lookback: str  # default look-back, as a duration
    promql: str  # the same figure over this process's /metrics
    read: Callable[[duckdb.DuckDBPyConnection, datetime, timedelta, dict], Values]


def _query(name: str, labels: tuple[str, ...], with_last_year: bool = False):
    def read(con: duckdb.DuckDBPyConnection, now: datetime, lookback: timedelta, health: dict) -> Values:
        params = {"now": now, "since": now - lookback}
        if with_last_year:
            params |= {"now_ly": same_time_last_year(now), "since_ly": same_time_last_year(now - lookback)}
        rows = con.execute(sql(name), params).fetchall()
        return [(dict(zip(labels, map(str, row[:-1]))), float(row[-1])) for row in rows if row[-1] is not None]

    return read


def _source_stale(con: duckdb.DuckDBPyConnection, now: datetime, lookback: timedelta, health: dict) -> Values:
    return [({"collector": name}, 1.0 if h["stale"] or h["state"] == "error" else 0.0) for name, h in health.items()]


SIGNALS: dict[str, Signal] = {
    "warehouse_occupancy": Signal(
        "10m", "cbec_warehouse_occupancy_ratio", _query("alert_warehouse_occupancy", ("site", "warehouse"))
    ),
    "link_utilization": Signal(
        "10m", "cbec_link_utilization_ratio", _query("alert_link_utilization", ("site", "component"))
    ),
    "equipment_down": Signal("10m", "1 - cbec_equipment_up", _query("alert_equipment_down", ("site", "component"))),
    "review_oldest_hours": Signal(
        "1h", "cbec_manual_review_oldest_age_seconds / 3600", _query("alert_review_oldest_hours", ("site",))
    ),
    "error_receipt_share": Signal(
        "10m",
        'sum by (site) (rate(cbec_receipts_total{status_class=~"send_failed|rejected|processing_error"}[10m]))'
        " / sum by (site) (rate(cbec_receipts_total[10m]))",
        _query("alert_error_receipt_share", ("site",)),
    ),
    "quarantined_files": Signal(
        "1h",
        "sum by (collector) (increase(cbec_quarantined_files_total[1h]))",
        _query("alert_quarantined_files", ("collector",)),
    ),  # fmt: skip
    "release_pace": Signal(
        "10m", "cbec_release_pace_ratio", _query("alert_release_pace", ("site",), with_last_year=True)
    ),
    "source_stale": Signal("0s", "cbec_collector_stale", _source_stale),
}
