"""Source kinds by name: config says `kind = "..."`, this builds the source."""
from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date

from pathlib import Path

from cbec.config import ROOT, CollectorConfig, Config
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
        xml_inbox=(ROOT / c.options["xml_inbox"]) if c.options.get("xml_inbox") else None,
    )


def _ceb_inbox(config: Config, c: CollectorConfig) -> Source:
    from collectors.ceb.inbox import InboxSource
    inbox = Path(c.options.get("inbox", "var/inbox"))
    return InboxSource(name=c.name, inbox=inbox if inbox.is_absolute() else ROOT / inbox,
                       category_for_hs=config.category_for_hs,
                       max_bytes=int(c.options.get("max_file_bytes", 50 * 1024 * 1024)))


KINDS: dict[str, Factory] = {"simulator": _simulator, "ceb_inbox": _ceb_inbox}


def build(config: Config, c: CollectorConfig) -> Source:
    try:
        factory = KINDS[c.kind]
    except KeyError:
        raise ValueError(f"collector {c.name}: unknown kind {c.kind!r} (known: {', '.join(KINDS)})") from None
    return factory(config, c)
