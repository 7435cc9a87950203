"""The national tier at scale: a year of Parquet exports for 42 districts, written in
the districts' own layout (core/exports.py), and the national report's queries timed
on them; and the Prometheus series one district exposes, counted from its /metrics.

    .venv/bin/python bench/national_scale.py [--districts 42] [--days 365] [--runs 100]

The report reads as the national runtime does: from its table of the districts'
day_total rows (core/national.py DayTotals), loaded once from the exports (timed:
the first load of a cold year) and refreshed before every query (timed in each run:
the listing of every day folder, and nothing to load when nothing changed); then
the refresh after one day is rewritten. The old way, the window's files read
directly, is timed beside it for the year (10 runs).

The minute rollups beside each day's totals are generated at an ordinary Ningbo
day's row count (release_minute, adjustment_minute, reject_minute and day_total,
which the national report reads; receipt_minute and release_category_minute are
left out to keep the disk small); the folder is deleted afterwards unless --keep."""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from base.config import District, NationalConfig, load_config  # noqa: E402
from bench.timing import timed  # noqa: E402
from core import exports, national  # noqa: E402
from queries.store import Store  # noqa: E402

SQL = Path(__file__).resolve().parent / "sql"
TABLES = ("release_minute", "adjustment_minute", "reject_minute")


def generate(folder: Path, codes: list[str], first: date, days: int) -> tuple[int, float]:
    """Writes every district's days; returns the rows written and the seconds it took."""
    con = duckdb.connect()
    rows, t0 = 0, time.perf_counter()
    for i, code in enumerate(codes):
        made = {}
        for table in TABLES:
            query = (SQL / f"national_{table}.sql").read_text(encoding="utf-8")
            made[table] = con.sql(query, params={"seed": i, "first": first, "days": days}).to_arrow_table()
        for name, table in (
            ("release", "release_minute"),
            ("adjustment", "adjustment_minute"),
            ("reject", "reject_minute"),
        ):
            con.register(name, made[table])
        made["day_total"] = con.sql((SQL / "national_day_total.sql").read_text(encoding="utf-8")).to_arrow_table()
        for table, data in made.items():
            per_day = data.num_rows // days
            data = data.drop_columns(["date"])  # the folder names the day, as the exports do
            for n in range(days):
                day = first + timedelta(days=n)
                out = folder / f"district={code}" / f"date={day.isoformat()}"
                out.mkdir(parents=True, exist_ok=True)
                pq.write_table(data.slice(n * per_day, per_day), out / f"{table}.parquet", compression="zstd")
            rows += data.num_rows
        print(f"\r  {i + 1}/{len(codes)} districts written", end="", flush=True)
    print()
    return rows, time.perf_counter() - t0


def series_per_district() -> tuple[int, int]:
    """Series one district exposes after ten simulated minutes of a promotion night (every
    site, platform and trade mode seen): all of them, and the `cbec_` ones without `_created`."""
    import tempfile

    from collectors.simulator.source import simulate_batch
    from core.runtime import Runtime

    config = load_config()
    with tempfile.TemporaryDirectory() as tmp:
        rt = Runtime(config, db_path=Path(tmp) / "s.duckdb", with_collectors=False)
        simulate_batch(config, rt.sink, date(2019, 11, 11), datetime(2019, 11, 11, 0, 10))
        lines = [x for x in rt.metrics_text().decode().splitlines() if x and not x.startswith("#")]
        rt.stop()
    return len(lines), sum(1 for x in lines if not x.split("{")[0].split(" ")[0].endswith("_created"))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--districts", type=int, default=42)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--runs", type=int, default=100, help="timed runs per query (after 2 warm-ups)")
    p.add_argument("--folder", default=str(ROOT / "var" / "bench" / "national"))
    p.add_argument("--keep", action="store_true", help="keep the generated exports")
    p.add_argument("--reuse", action="store_true", help="measure the exports --folder already holds (from --keep)")
    args = p.parse_args()

    folder = Path(args.folder)
    codes = [f"{(i + 1) * 100:04d}" for i in range(args.districts)]  # 0100 ... 4200: some start with 0
    first = date(2025, 12, 1)
    last = first + timedelta(days=args.days - 1)
    cfg = NationalConfig("http://127.0.0.1:9", folder, tuple(District(c, c, c) for c in codes))
    if folder.exists() and not args.reuse:
        shutil.rmtree(folder)
    try:
        if not args.reuse:
            print(f"writing {args.districts} districts × {args.days} days ({first} to {last}) to {folder}")
            rows, seconds = generate(folder, codes, first, args.days)
            print(f"  {rows:,} rows written in {seconds:.0f} s")
        files = sum(1 for _ in folder.rglob("*.parquet"))
        size = sum(f.stat().st_size for f in folder.rglob("*.parquet"))
        print(f"  {files:,} files, {size / 2**20:,.0f} MiB")

        rng = random.Random(1)
        day_list = [first + timedelta(days=rng.randrange(args.days)) for _ in range(args.runs + 2)]
        it = iter(day_list)
        db = folder.parent / "national-bench.duckdb"
        db.unlink(missing_ok=True)
        store = Store(db)
        totals = national.DayTotals(store, folder)
        t0 = time.perf_counter()
        loaded, _ = totals.refresh()
        cold = time.perf_counter() - t0
        print(f"\nfirst load of a cold store: {loaded:,} days in {cold:.1f} s")
        t0 = time.perf_counter()
        national.days(cfg, last, last, totals)
        first_query = (time.perf_counter() - t0) * 1000
        shapes = {
            "a day (the report's default)": lambda: national.days(cfg, (d := next(it)), d, totals),
            "7 days": lambda: national.days(cfg, last - timedelta(days=6), last, totals),
            "30 days": lambda: national.days(cfg, last - timedelta(days=29), last, totals),
            "the whole year": lambda: national.days(cfg, first, last, totals),
            "a refresh, nothing changed": totals.refresh,
            "the wall's latest day": lambda: national.latest_day(cfg, last + timedelta(days=1)),
        }
        print(f"first query after the load: {first_query:.0f} ms")
        print(f"{'national report query':<32}{'median ms':>10}{'p95 ms':>9}")
        for name, run in shapes.items():
            med, p95 = timed(run, args.runs)
            print(f"{name:<32}{med:>10.1f}{p95:>9.1f}")
        old_runs = min(args.runs, 10)  # seconds each
        med, p95 = timed(lambda: national.days(cfg, first, last), old_runs)
        print(f"{f'the year from the files ({old_runs} runs)':<32}{med:>10.1f}{p95:>9.1f}")
        # one district rewrites its latest day (a new folder swapped in): the next query loads that day only
        source = exports.day_folder(folder, codes[0], last)
        again = folder / f"{exports.STAGING}bench"
        shutil.copytree(source, again)
        exports._swap_in(again, source)
        shutil.rmtree(again)
        t0 = time.perf_counter()
        loaded, _ = totals.refresh()
        print(
            f"a refresh after one day was rewritten: {loaded} day loaded in {(time.perf_counter() - t0) * 1000:.0f} ms"
        )
        store.close()
        db.unlink(missing_ok=True)
    finally:
        if not args.keep and folder.exists():
            shutil.rmtree(folder)
            print(f"\nremoved {folder}")

    total, without_created = series_per_district()
    print(f"\nPrometheus series one district exposes: {total} ({without_created} without the counters' _created)")
    print(f"42 districts: {42 * total:,} series (+5 per scrape target that Prometheus adds: {42 * (total + 5):,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
