"""The simulator collector's options ([[collector]] kind = "simulator"; sample.toml beside this file)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SimulatorOptions:
    mode: str = "live"  # live | replay | batch (CBEC_SIM_MODE overrides)
    replay_day: str | None = None  # YYYY-MM-DD, for a replay (CBEC_SIM_DAY overrides)
    speed: float = 1.0  # a replay's speed factor (CBEC_SIM_SPEED overrides)
    backfill: bool = True  # back-fill today so far, last year's same day and recent days at start
    xml_inbox: str | None = None  # write the traffic as CEB XML files into this folder instead
    xml_broker: str | None = None  # or publish it to this broker URL (amqp://...; ${NAME} allowed)
    xml_exchange: str = "cbec.ceb"  # the broker's fanout exchange
