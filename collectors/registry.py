"""Source kinds by name: config says `kind = "..."`, this builds the source."""
from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date

from cbec.config import CollectorConfig, Config
from collectors.simulator.source import SimulatorSource
from collectors.source import Source

Factory = Callable[[Config, CollectorConfig], Source]


def _simulator(config: Config, c: CollectorConfig) -> Source:
    mode = os.environ.get("CBEC_SIM_MODE", c.options.get("mode", "live"))
    replay_day = os.environ.get("CBEC_SIM_DAY", c.options.get("replay_day"))
    return SimulatorSource(
        name=c.name, config=config, mode=mode,
        replay_day=date.fromisoformat(replay_day) if replay_day else None,
        speed=float(os.environ.get("CBEC_SIM_SPEED", c.options.get("speed", 1.0))),
        backfill=bool(c.options.get("backfill", True)),
    )


KINDS: dict[str, Factory] = {"simulator": _simulator}


def build(config: Config, c: CollectorConfig) -> Source:
    try:
        factory = KINDS[c.kind]
    except KeyError:
        raise ValueError(f"collector {c.name}: unknown kind {c.kind!r} (known: {', '.join(KINDS)})") from None
    return factory(config, c)
