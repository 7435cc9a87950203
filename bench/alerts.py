"""What evaluating every alert rule costs with a promotion day in the store.

Simulates 2019-11-11 00:00-14:00 into a fresh database (or uses --db FILE), then
evaluates all shipped rules 30 times with "now" at 14:00 and prints the median
and p95 of one whole evaluation and of each rule.

    .venv/bin/python bench/alerts.py [--db FILE]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from base.config import load_config
from collectors.simulator.source import simulate_batch
from core.alerts.engine import Evaluator
from core.alerts.rules import load_rules
from core.alerts.signals import SIGNALS
from core.runtime import Runtime
from queries.store import Store

NOW = datetime(2019, 11, 11, 14, 0)
RUNS = 30


def p95(samples: list[float]) -> float:
    return sorted(samples)[int(len(samples) * 0.95) - 1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="a database that already holds 2019-11-11 (e.g. from `cbec simulate`)")
    args = ap.parse_args()
    if args.db:
        db = Path(args.db)
    else:
        db = Path(tempfile.mkdtemp()) / "alerts.duckdb"
        rt = Runtime(load_config(), db_path=db, with_collectors=False)
        simulate_batch(rt.config, rt.sink, date(2019, 11, 11), NOW)
        rt.stop()
    store = Store(db, read_only=True)
    rules = load_rules()
    health = {"simulator": {"stale": False, "state": "ok"}}
    with store.reading() as con:
        lists = con.execute("SELECT count(*) FROM inventory_list").fetchall()[0][0]
        whole = []
        for _ in range(RUNS):
            ev = Evaluator(rules)
            t0 = time.perf_counter()
            ev.evaluate(con, NOW, health)
            whole.append((time.perf_counter() - t0) * 1000)
        print(f"{lists:,} lists in the store; {len(rules)} rules; {RUNS} evaluations")
        print(f"whole evaluation: median {statistics.median(whole):.1f} ms, p95 {p95(whole):.1f} ms")
        for rule in rules:
            ms = []
            for _ in range(RUNS):
                t0 = time.perf_counter()
                SIGNALS[rule.signal].read(con, NOW, rule.lookback, health)
                ms.append((time.perf_counter() - t0) * 1000)
            print(f"  {rule.name:<26} median {statistics.median(ms):6.2f} ms  p95 {p95(ms):6.2f} ms")
    store.close()


if __name__ == "__main__":
    main()
