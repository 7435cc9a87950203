"""Counted once, minute by minute: the lists a live simulator declared in each
whole minute it ran equal what its plan draws for that minute, no more (a
double) and no fewer (a loss)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from base.config import load_config
from collectors.simulator.generator import Generator


def per_minute_against_plan(db: Path, config_path: Path, first: datetime, last: datetime) -> list[str]:
    """Differences for the minutes [first, last) of one day (an empty list: none)."""
    config = load_config(config_path)
    gen = Generator(config, config.simulator.seed)
    plan = gen.plan(first.date(), config.simulator.live_day_kind)
    want = gen.minute_counts(plan)
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = dict(
            con.execute(
                "SELECT date_trunc('minute', app_time), count(*) FROM inventory_list"
                " WHERE app_time >= ? AND app_time < ? GROUP BY ALL",
                [first, last],
            ).fetchall()
        )
    finally:
        con.close()
    out, m = [], first
    while m < last:
        k = m.hour * 60 + m.minute
        if got.get(m, 0) != want[k]:
            out.append(f"{m:%H:%M}: stored {got.get(m, 0)}, drawn {want[k]}")
        m += timedelta(minutes=1)
    return out


def report_minutes(db: Path, config_path: Path, started: datetime, stopped: datetime, say) -> bool:
    """Checks the whole minutes between a run's start and stop; says and returns whether each counted once."""
    first = (started + timedelta(minutes=1)).replace(second=0, microsecond=0)
    last = stopped.replace(second=0, microsecond=0) - timedelta(minutes=1)
    diffs = per_minute_against_plan(db, config_path, first, last)
    say(f"minutes {first:%H:%M}-{last:%H:%M}: " + ("every list counted once" if not diffs else "; ".join(diffs)))
    return not diffs
