"""Benchmark of the foundation: the batch simulation of 2019-11-11 00:00-14:00,
its calibration, and the latency of every overview query with that day loaded.

The simulation is timed as a user runs it: the `cbec simulate` command, from
process start to exit, into a new database file; its peak resident memory is
the kernel's high-water mark of that process (ru_maxrss of the child).

    make bench-foundation          (or: .venv/bin/python bench/foundation.py [--db FILE] [--simulations N] [--runs N])
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from base.config import load_config  # noqa: E402
from bench.timing import timed  # noqa: E402
from core.runtime import Runtime  # noqa: E402
from queries import read  # noqa: E402

DAY = date(2019, 11, 11)
UNTIL = datetime(2019, 11, 11, 14, 0)


def simulate(command: list[str]) -> tuple[float, int]:
    """Runs the command to its exit: (seconds from start to exit, its peak resident memory in KiB)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(command)
    _, status, usage = os.wait4(proc.pid, 0)  # the child's own rusage, not the sum of every child's
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, command)
    return seconds, usage.ru_maxrss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", help="database file to create (default: a temporary file)")
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--simulations", type=int, default=3, help="times to run the simulation (the median is reported)")
    args = ap.parse_args()
    config = load_config()
    tmp = tempfile.TemporaryDirectory()
    db = Path(args.db) if args.db else Path(tmp.name) / "bench.duckdb"
    if db.exists():
        raise SystemExit(f"{db} exists; give a new file")

    # the console script run by this interpreter: the same command, whatever its first line names
    cbec = Path(sys.executable).with_name("cbec")
    command = [sys.executable, str(cbec), "simulate", "--date", DAY.isoformat(), "--until", UNTIL.strftime("%H:%M")]
    runs, peaks = [], []
    for n in range(args.simulations):
        for f in (db, db.with_name(db.name + ".wal")):
            f.unlink(missing_ok=True)
        seconds, peak_kib = simulate(command + ["--db", str(db), "--quiet"])
        runs.append(seconds)
        peaks.append(peak_kib / 1024)
        print(f"simulation run {n + 1}: {runs[-1]:.1f} s, peak {peaks[-1]:,.0f} MiB resident", flush=True)
    elapsed = statistics.median(runs)

    rt = Runtime(config, db_path=db, with_collectors=False)
    con = rt.store.cursor()
    lists = con.execute("SELECT count(*) FROM inventory_list").fetchone()[0]
    receipts = con.execute("SELECT count(*) FROM receipt").fetchone()[0]
    print(
        f"batch simulation 2019-11-11 00:00-14:00 (`cbec simulate`, start to exit, median of {len(runs)}): "
        f"{elapsed:.1f} s "
        f"({lists:,} lists, {receipts:,} receipts, {(lists + receipts) / elapsed:,.0f} records/s), "
        f"peak resident memory median {statistics.median(peaks):,.0f} MiB (max {max(peaks):,.0f} MiB)"
    )

    t = read.release_totals(con, datetime(2019, 11, 11), UNTIL)
    print(
        f"released by 14:00: {t.released_lists:,} lists (target 6,311,000: {t.released_lists / 6_311_000 - 1:+.2%}), "
        f"{t.goods_value_cny:,.2f} CNY (target 1,334,000,000: {t.goods_value_cny / 1_334_000_000 - 1:+.2%})"
    )
    shares = {
        s.site_code: s.released_lists / t.released_lists
        for s in read.release_by_site(con, datetime(2019, 11, 11), UNTIL)
    }
    print("site shares: " + ", ".join(f"{k} {v:.1%}" for k, v in sorted(shares.items(), key=lambda x: -x[1])))

    # the queries of the overview snapshot, with "now" at 14:00 on the night
    now = UNTIL
    day0 = datetime(2019, 11, 11)
    ly0 = datetime(2018, 11, 11)
    minute = now.replace(second=0, microsecond=0)
    queries = {
        "release_totals (today)": lambda: read.release_totals(con, day0, now),
        "release_totals (last year, same time)": lambda: read.release_totals(con, ly0, ly0 + (now - day0)),
        "release_per_minute (last 60 min)": lambda: read.release_per_minute(
            con, minute - timedelta(minutes=60), minute
        ),
        "release_per_minute (today, curve)": lambda: read.release_per_minute(con, day0, minute + timedelta(minutes=1)),
        "release_per_minute (last year, curve)": lambda: read.release_per_minute(con, ly0, ly0 + timedelta(days=1)),
        "release_by_site": lambda: read.release_by_site(con, day0, now),
        "release_per_minute (one site, 60 min)": lambda: read.release_per_minute(
            con, minute - timedelta(minutes=60), minute, "bsq"
        ),
        "sites": lambda: read.sites(con),
        "backfill_ranges": lambda: read.backfill_ranges(con, ly0, now),
    }
    print(f"\noverview queries, {args.runs} runs each (target: each at most 50 ms)")
    print(f"{'query':<42} {'median ms':>10} {'p95 ms':>8}")
    for name, fn in queries.items():
        med, p95 = timed(fn, args.runs)
        print(f"{name:<42} {med:>10.2f} {p95:>8.2f}")
    con.close()
    rt.stop()


if __name__ == "__main__":
    main()
