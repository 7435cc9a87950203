"""Options of the two Prometheus collector kinds ([[collector]] kind = "prometheus_scrape" or
"prometheus_api"; sample.toml beside this file)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ScrapeOptions:
    targets: list[dict] = field(default_factory=list)  # [[collector.targets]]: url, site, component, kind, …


@dataclass(frozen=True)
class ApiOptions:
    url: str  # the Prometheus server
    queries: list[dict] = field(default_factory=list)  # [[collector.queries]]: expr, site, kind, metric, …
