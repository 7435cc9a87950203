"""Whether figures come from the simulator. While any does, every screen and
export says 模拟数据, so a screenshot of the demo cannot pass for a real night."""

from __future__ import annotations

from base.config import Config
from collectors.simulator.source import BATCH_SOURCE, history_source

SIMULATOR_KIND = "simulator"


def sources(config: Config) -> tuple[str, ...]:
    """The names the simulator writes its records as, under this configuration."""
    names = [c.name for c in config.collectors if c.kind == SIMULATOR_KIND]
    return (BATCH_SOURCE, *names, *(history_source(n) for n in names))


def running(config: Config) -> bool:
    """A simulator collector is on: its figures are on every screen."""
    return any(c.enabled and c.kind == SIMULATOR_KIND for c in config.collectors)
