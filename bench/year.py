"""A year of a city's traffic for the year-scale benchmarks: 10^8 lists with
their receipts (about 4.3 each), the minute rollups, and two days of warehouse
and system samples before the promotion night, written straight into the
app's schema by DuckDB SQL (the simulator would need hours for this).

    .venv/bin/python bench/year.py [--lists 100000000] [--db var/bench/year.duckdb]

Days follow the simulator's model: 2019-11-11 and 2019-06-18 are promotion
days with the promotion curve, every other day the ordinary curve; sites,
platforms, categories, values and status paths in the simulator's shares; each
list's random draws come from hashes of its number, so a rerun gives the same
year. Made once, reused by `bench/screen_queries.py --db var/bench/year.duckdb`.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from base.config import load_config  # noqa: E402
from collectors.simulator import model, samples  # noqa: E402
from collectors.simulator.generator import EBC_PER_PLATFORM, US  # noqa: E402
from collectors.simulator.model import DayPlan  # noqa: E402
from queries.reference import load_reference  # noqa: E402
from queries.store import Store  # noqa: E402

YEAR = 2019
PROMOTION = {date(2019, 11, 11), date(2019, 6, 18)}
SQL = Path(__file__).resolve().parent / "sql"


def minute_plan(total: int) -> pa.Table:
    """Lists declared in each minute of the year, and the number of the first."""
    days = [date(YEAR, 1, 1) + timedelta(days=k) for k in range(365)]
    promo_share = model.promotion_day_lists(6_311_000) / 260_000  # a promotion day against an ordinary one
    weight = np.array([promo_share if d in PROMOTION else 1.0 for d in days])
    per_day = total * weight / weight.sum()
    curves = {kind: DayPlan(date(2000, 1, 1), kind, 1.0).minute_weights() for kind in ("ordinary", "promotion")}
    counts = np.concatenate([np.round(curves["promotion" if d in PROMOTION else "ordinary"] * n) for d, n in
                             zip(days, per_day)]).astype(np.int64)  # fmt: skip
    starts = np.array([datetime(YEAR, 1, 1) + timedelta(minutes=m) for m in range(len(counts))], dtype="datetime64[us]")
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    keep = counts > 0
    return pa.table({"minute": starts[keep], "n": counts[keep], "first_seq": first[keep]})


def shares(codes: list[str], weights: list[float]) -> pa.Table:
    """A lookup table of [lo, hi) bands of a uniform draw, one per code."""
    cuts = np.concatenate([[0.0], np.cumsum(weights) / sum(weights)])
    cuts[-1] = 1.0 + 1e-9
    return pa.table({"code": codes, "lo": cuts[:-1], "hi": cuts[1:]})


def run_sql(con, name: str, params: dict | None = None) -> None:
    for statement in filter(str.strip, (SQL / f"{name}.sql").read_text(encoding="utf-8").split(";\n")):
        con.execute(statement, params or {})


def build(db: Path, total: int) -> None:
    config = load_config()
    store = Store(db)
    load_reference(store, config)
    con = store.writer
    plan = minute_plan(total)
    lookups = {
        "plan": plan,
        "share_site": shares([s.code for s in config.sites], [s.volume_share for s in config.sites]),
        "share_platform": shares([p.code for p in config.platforms], [p.volume_share for p in config.platforms]),
        "share_category": shares(list(model.CATEGORY_SHARE), list(model.CATEGORY_SHARE.values())),
        "share_path": shares(list(model.PATHS), list(model.PATH_SHARE)),
        "site_warehouses": pa.table({
            "site_code": [s.code for s in config.sites],
            "codes": [[w.code for w in config.warehouses if w.site == s.code] or [None] for s in config.sites],
        }),
    }  # fmt: skip
    for name, table in lookups.items():
        con.register(name, table)
    print(f"{plan['n'].to_numpy().sum():,} lists over {plan.num_rows:,} minutes", flush=True)
    mean_line = model.MEAN_LIST_VALUE_CNY / (1 + model.LINES_EXTRA_MEAN)
    steps = [
        ("year_draw", {}),
        ("year_lists", {"enterprises": len(config.platforms) * EBC_PER_PLATFORM,
                        "mu": float(np.log(mean_line) - model.LINE_VALUE_SIGMA**2 / 2),
                        "sigma": model.LINE_VALUE_SIGMA, "manual_median_s": model.MANUAL_DELAY[0],
                        "manual_sigma": model.MANUAL_DELAY[1], "manual_cap_s": model.MANUAL_CAP}),
        ("year_receipts", {}),
        ("year_rollups", {}),
    ]  # fmt: skip
    for name, params in steps:
        t0 = time.perf_counter()
        run_sql(con, name, params)
        print(f"{name}: {time.perf_counter() - t0:.0f} s", flush=True)
    # warehouses and systems for the two days before the night's 14:00, at the live rates
    day0 = datetime(2019, 11, 9, 14, 0)
    base = int((day0 - datetime(1970, 1, 1)).total_seconds()) * US
    occupancy = samples.occupancy(config, 1, np.arange(base, base + 2 * 86400 * US, 10 * US), samples.SampleFaults())
    times = np.arange(base, base + 2 * 86400 * US, 5 * US)
    health = samples.health(config, 1, times, np.full(len(times), 0.6), samples.SampleFaults())
    site_of = {w.code: w.site for w in config.warehouses}
    warehouse_sites = pa.array([site_of[c] for c in occupancy["warehouse_code"].to_pylist()])
    con.register("occ", occupancy.append_column("site_code", warehouse_sites))
    con.register("hea", health)
    run_sql(con, "year_samples")
    con.execute("CHECKPOINT")
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lists", type=int, default=100_000_000)
    ap.add_argument("--db", default=str(ROOT / "var" / "bench" / "year.duckdb"))
    args = ap.parse_args()
    db = Path(args.db)
    if db.exists():
        raise SystemExit(f"{db} exists: it is reused as it is (delete it to make it again)")
    db.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    build(db, args.lists)
    print(f"{db}: {db.stat().st_size / 2**30:.1f} GiB, made in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
