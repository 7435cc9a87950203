"""Reads series from a Prometheus server's HTTP query API (instant queries) and
turns each result into a system-health record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import httpx

from base.clock import now_beijing
from collectors.records import make_batch
from collectors.sinks import Sink
from collectors.source import Collected


def instant(client: httpx.Client, expr: str) -> list[tuple[dict[str, str], float]]:
    """An instant query's vector as (labels, value) pairs; an error or another result type raises."""
    response = client.get("/api/v1/query", params={"query": expr})
    response.raise_for_status()
    body = response.json()
    if body.get("status") != "success":
        raise ValueError(f"query {expr!r}: {body.get('errorType')}: {body.get('error')}")
    data = body["data"]
    if data.get("resultType") != "vector":
        raise ValueError(f"query {expr!r}: expected a vector, got {data.get('resultType')}")
    return [(series.get("metric", {}), float(series["value"][1])) for series in data["result"]]


@dataclass(frozen=True)
class Query:
    expr: str  # PromQL, e.g. 'up{job="gates"}'
    site: str
    kind: str  # gate | xray | camera | link | exchange | host
    metric: str  # the record metric: up, utilization_ratio, queue_depth, ...
    component_label: str = "instance"  # which label names the component
    component: str | None = None  # or one fixed component name


@dataclass
class PrometheusApiSource:
    name: str
    base_url: str
    queries: list[Query]
    timeout_s: float = 5.0
    clock: Callable[[], datetime] = now_beijing

    def collect(self, sink: Sink) -> Collected:
        rows = []
        now = self.clock()
        with httpx.Client(base_url=self.base_url, timeout=self.timeout_s) as client:
            for q in self.queries:
                for labels, value in instant(client, q.expr):
                    component = q.component or labels.get(q.component_label)
                    if not component:
                        raise ValueError(f"query {q.expr!r}: a result has no label {q.component_label!r}")
                    rows.append(
                        {
                            "sampled_at": now,
                            "site_code": q.site,
                            "component": component,
                            "kind": q.kind,
                            "metric": q.metric,
                            "value": value,
                        }
                    )
        if not rows:
            return Collected(0, "the queries returned no series")
        result = sink.write(make_batch("health", {k: [r[k] for r in rows] for k in rows[0]}, self.name))
        return Collected(result.new, "" if result.new else "nothing new")
