"""The registry as /metrics shows it: every series carries the district's label,
added here once rather than by each metric, so a Prometheus that federates many
districts keeps them apart."""

from __future__ import annotations

import copy
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.metrics_core import Metric


class DistrictLabelled:
    """A read-only view of a registry whose samples all carry `district=<code>`."""

    def __init__(self, registry: CollectorRegistry, district: str):
        self.registry = registry
        self.district = district

    def collect(self) -> Iterator[Metric]:
        for family in self.registry.collect():
            out = copy.copy(family)
            out.samples = [s._replace(labels={**s.labels, "district": self.district}) for s in family.samples]
            yield out


def exposition(registry: CollectorRegistry, district: str) -> bytes:
    return generate_latest(DistrictLabelled(registry, district))
