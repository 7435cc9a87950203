"""Simulated warehouse occupancy (from the parcels' flows) and system health (smooth
functions of time).

Values are deterministic for (seed, time), so any sampling interval gives a
consistent picture; fault switches push them out of their normal range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from base.config import Config
from collectors.simulator.flows import Flows
from collectors.simulator.generator import US

LINK_CAPACITY_BPS = 100e6  # the promotion's temporary 100 Mbit/s link
EQUIPMENT = {  # per site: (kind, count) of monitored equipment
    "meishan": (("gate", 2), ("xray", 1), ("camera", 4)),
    "bsq": (("gate", 6), ("xray", 3), ("camera", 12)),
    "lishe": (("gate", 3), ("xray", 2), ("camera", 8)),
    "hzw": (("gate", 3), ("xray", 2), ("camera", 6), ("sorter", 2)),
}


@dataclass(frozen=True)
class SampleFaults:
    link_saturated: bool = False
    warehouse_full: str | None = None  # a warehouse code, or a site code for all of its warehouses
    equipment_down: str | None = None  # a component name such as "lishe/xray-1"


def _wave(seconds: np.ndarray, period: float, phase: float) -> np.ndarray:
    return np.sin(2 * np.pi * (seconds / period + phase))


def occupancy(config: Config, flows: Flows, times_us: np.ndarray, faults: SampleFaults) -> pa.Table:
    """One sample per warehouse per time: the used area that shelving (in) and
    released parcels (out) leave (collectors/simulator/flows.py)."""
    used = flows.used_m2(times_us)
    rows_t, rows_w, rows_used, rows_ratio = [], [], [], []
    for i, w in enumerate(config.warehouses):
        ratio = used[i] / w.area_m2
        if faults.warehouse_full in (w.code, w.site):
            ratio = np.full_like(ratio, 0.97)
        ratio = np.clip(ratio, 0.0, 1.0)
        rows_t.append(times_us)
        rows_w.append(np.full(len(times_us), w.code, object))
        rows_used.append(ratio * w.area_m2)
        rows_ratio.append(ratio)
    return pa.table(
        {
            "sampled_at": pa.array(np.concatenate(rows_t).astype("datetime64[us]")),
            "warehouse_code": pa.array(np.concatenate(rows_w), pa.string()),
            "used_m2": np.round(np.concatenate(rows_used), 1),
            "occupancy_ratio": np.round(np.concatenate(rows_ratio), 4),
        }
    )


def health(config: Config, seed: int, times_us: np.ndarray, load: np.ndarray, faults: SampleFaults) -> pa.Table:
    """Link throughput and utilisation, exchange queue depth and latency, and
    equipment up/down, per site. `load` is the share of peak traffic (0..1) at
    each time."""
    rng = np.random.default_rng([seed, 13])
    secs = times_us / US
    cols: dict[str, list] = {k: [] for k in ("sampled_at", "site_code", "component", "kind", "metric", "value")}

    def add(site: str, component: str, kind: str, metric: str, values: np.ndarray) -> None:
        n = len(times_us)
        cols["sampled_at"].append(times_us)
        cols["site_code"].append(np.full(n, site, object))
        cols["component"].append(np.full(n, component, object))
        cols["kind"].append(np.full(n, kind, object))
        cols["metric"].append(np.full(n, metric, object))
        cols["value"].append(np.asarray(values, float))

    # a camera with a configured feed reports itself (collectors/video): not simulated twice
    fed = {(c.site, c.name) for c in config.video.cameras}
    for s in config.sites:
        jitter = 0.015 * _wave(secs, 1800.0, rng.uniform())
        util = np.clip(0.12 + 0.6 * load * (s.volume_share**0.3) + jitter, 0.01, 0.99)
        if faults.link_saturated:
            util = np.clip(0.97 + 0.02 * _wave(secs, 31.0, 0.1), 0, 1)
        add(s.code, "eport_link", "link", "utilization_ratio", np.round(util, 4))
        add(s.code, "eport_link", "link", "throughput_bps", np.round(util * LINK_CAPACITY_BPS))
        queue = np.maximum(0, 40 * load * s.volume_share / 0.74 + 5 * _wave(secs, 53.0, rng.uniform()))
        latency = 0.25 + 0.6 * load + 0.05 * _wave(secs, 71.0, rng.uniform())
        if faults.link_saturated:
            queue = queue * 40 + 2000
            latency = latency * 12
        add(s.code, "dxp", "exchange", "queue_depth", np.round(queue))
        add(s.code, "dxp", "exchange", "latency_seconds", np.round(latency, 3))
        for kind, count in EQUIPMENT.get(s.code, ()):
            for k in range(1, count + 1):
                name = f"{kind}-{k}"
                if (s.code, name) in fed:
                    continue
                up = np.ones(len(times_us))
                if faults.equipment_down == f"{s.code}/{name}":
                    up[:] = 0
                add(s.code, name, kind, "up", up)
    return pa.table(
        {
            "sampled_at": pa.array(np.concatenate(cols["sampled_at"]).astype("datetime64[us]")),
            **{k: pa.array(np.concatenate(cols[k]), pa.string()) for k in ("site_code", "component", "kind", "metric")},
            "value": np.concatenate(cols["value"]),
        }
    )
