"""Median and p95 of every query a screen or the report runs, on a store with
the 2019-11-11 night (day scale) or a whole year (year scale, bench/year.py),
side by side with the same data and the same queries in PostgreSQL.

    .venv/bin/python bench/screen_queries.py [--db FILE] [--runs 100] [--no-peer]

Without --db it simulates 2019-11-11 and 2018-11-11 up to 14:00 into
var/bench/day.duckdb once and reuses it. "Now" is 14:00 on the night. The
p95 is the 95th of 100 timed runs by default (--runs, after 2 warm-ups).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.peer import Postgres  # noqa: E402
from bench.timing import timed  # noqa: E402
from queries.loader import sql  # noqa: E402

NOW = datetime(2019, 11, 11, 14, 0)
TABLES = ["site", "warehouse", "platform", "category", "release_minute", "receipt_minute", "release_category_minute",
          "release_latency_minute", "inventory_list", "occupancy_sample", "health_sample"]  # fmt: skip


def cases(now: datetime) -> list[tuple[str, str, str, dict]]:
    """(what a screen shows, the SQL file, live | report, parameters)."""
    day0 = now.replace(hour=0, minute=0, second=0, microsecond=0)
    ly = now.replace(year=now.year - 1)
    ly0 = ly.replace(hour=0, minute=0, second=0, microsecond=0)
    minute = now.replace(second=0, microsecond=0)
    since = {"since": now - timedelta(minutes=10), "now": now}
    return [
        ("released today", "read_release_totals", "live", {"from_ts": day0, "until_ts": now}),
        ("released last year, same time", "read_release_totals", "live", {"from_ts": ly0, "until_ts": ly}),
        ("per minute, last 60 min", "read_release_per_minute", "live",
         {"from_ts": minute - timedelta(minutes=60), "until_ts": minute, "site_code": None}),
        ("curve today", "read_release_per_minute", "live",
         {"from_ts": day0, "until_ts": minute + timedelta(minutes=1), "site_code": None}),
        ("curve last year, whole day", "read_release_per_minute", "live",
         {"from_ts": ly0, "until_ts": ly0 + timedelta(days=1), "site_code": None}),
        ("one site per minute, 60 min", "read_release_per_minute", "live",
         {"from_ts": minute - timedelta(minutes=60), "until_ts": minute, "site_code": "bsq"}),
        ("per site per minute today", "read_release_per_minute_by_site", "live", {"from_ts": day0, "until_ts": now}),
        ("by site today", "read_release_by_site", "live", {"from_ts": day0, "until_ts": now}),
        ("declaration to release, 15 min", "read_release_latency", "live",
         {"from_ts": minute - timedelta(minutes=14), "until_ts": minute + timedelta(minutes=1)}),
        ("review and holds waiting", "read_open_lists", "live", {"from_ts": now - timedelta(days=3), "now": now}),
        ("receipts by status today", "read_receipts_by_status", "live", {"from_ts": day0, "until_ts": now}),
        ("warehouses now", "read_occupancy_latest", "live", {"from_ts": now - timedelta(minutes=10), "until_ts": now}),
        ("warehouse trend today", "read_occupancy_trend", "live", {"from_ts": day0, "until_ts": now}),
        ("health now", "read_health_latest", "live", {"from_ts": now - timedelta(minutes=10), "until_ts": now}),
        ("link trend today", "read_health_trend", "live",
         {"metric": "utilization_ratio", "from_ts": day0, "until_ts": now}),
        ("alert: release pace", "alert_release_pace", "live",
         since | {"since_ly": ly - timedelta(minutes=10), "now_ly": ly}),
        ("alert: error receipts", "alert_error_receipt_share", "live", since),
        ("alert: oldest review", "alert_review_oldest_hours", "live", {"since": now - timedelta(hours=1), "now": now}),
        ("alert: link", "alert_link_utilization", "live", since),
        ("alert: warehouses", "alert_warehouse_occupancy", "live", since),
        ("report: by platform", "read_release_by_platform", "report", {"from_ts": day0, "until_ts": now}),
        ("report: by category", "read_release_by_category", "report", {"from_ts": day0, "until_ts": now}),
    ]  # fmt: skip


def heaviest(rows: list[list], n: int) -> list[list]:
    """The n rows with the largest share of the DuckDB total plus share of the
    PostgreSQL total, so neither engine's slow query alone decides."""
    duck, pg = sum(r[2] for r in rows), sum(r[4] for r in rows)
    return sorted(rows, key=lambda r: r[2] / duck + r[4] / pg, reverse=True)[:n]


def summed(rows: list[list]) -> str:
    duck, pg = sum(r[2] for r in rows), sum(r[4] for r in rows)
    return f"PostgreSQL {pg:.1f} ms / DuckDB {duck:.1f} ms = {pg / duck:.1f}x"


def day_db() -> Path:
    db = ROOT / "var" / "bench" / "day.duckdb"
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        for day in ("2018-11-11", "2019-11-11"):
            print(f"simulating {day} up to 14:00 into {db} (once)", flush=True)
            subprocess.run([sys.executable, "-m", "cbec.cli", "simulate", "--date", day, "--until", "14:00",
                            "--db", str(db), "--quiet"], check=True, cwd=ROOT)  # fmt: skip
    return db


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="a store to measure (default: the 2019-11-11 night, made once)")
    ap.add_argument("--now", default=NOW.isoformat(), help="the screens' time (default 2019-11-11T14:00)")
    ap.add_argument("--runs", type=int, default=100, help="timed runs per query (default 100)")
    ap.add_argument("--no-peer", action="store_true", help="DuckDB only")
    ap.add_argument("--pg-port", type=int, default=55432)
    args = ap.parse_args()
    db = Path(args.db) if args.db else day_db()
    now = datetime.fromisoformat(args.now)
    con = duckdb.connect(str(db), read_only=True)
    lists = con.execute("SELECT count(*) FROM inventory_list").fetchone()[0]
    receipts = con.execute("SELECT count(*) FROM receipt").fetchone()[0]
    print(f"store: {db} ({lists:,} lists, {receipts:,} receipts); now {now:%Y-%m-%d %H:%M}; {args.runs} runs each")
    cur = con.cursor()
    rows = []
    for name, file, kind, params in cases(now):
        q = sql(file)
        med, p95 = timed(lambda q=q, p=params: cur.execute(q, p).fetchall(), args.runs)
        rows.append([name, kind, med, p95])
    if not args.no_peer:
        pg = Postgres(args.pg_port)
        try:
            took = pg.load(db, TABLES)
            print(f"PostgreSQL peer loaded in {took:.0f} s (same tables, the indexes of bench/peer.py, VACUUM ANALYZE)")
            with pg.connect() as pgc:
                for row, (_, file, _, params) in zip(rows, cases(now)):
                    q = (ROOT / "bench" / "peer_sql" / f"{file}.sql").read_text(encoding="utf-8")
                    med, p95 = timed(lambda q=q, p=params: pgc.execute(q, p).fetchall(), args.runs)
                    row += [med, p95]
        finally:
            pg.stop()
    print(f"\n{'query':<34}{'kind':>7}{'duck med':>10}{'p95':>8}" + ("" if args.no_peer else
          f"{'pg med':>10}{'p95':>9}{'pg/duck':>9}"))  # fmt: skip
    for r in rows:
        line = f"{r[0]:<34}{r[1]:>7}{r[2]:>10.2f}{r[3]:>8.2f}"
        if len(r) > 4:
            line += f"{r[4]:>10.2f}{r[5]:>9.2f}{r[4] / r[2]:>8.1f}x"
        print(line)
    live = [r for r in rows if r[1] == "live"]
    worst = max(live, key=lambda r: r[3])
    print(f"\nslowest live-screen p95: {worst[3]:.1f} ms ({worst[0]})")
    if not args.no_peer:
        ratios = sorted(r[4] / r[2] for r in live)
        print(f"PostgreSQL / DuckDB on live-screen medians: median {statistics.median(ratios):.1f}x, "
              f"min {ratios[0]:.1f}x, max {ratios[-1]:.1f}x")  # fmt: skip
        print(f"  all {len(live)} summed: {summed(live)}")
        heavy = heaviest(live, 2)
        rest = [r for r in live if r not in heavy]
        print(
            f"  without the two that weigh most in both sums ({'; '.join(r[0] for r in heavy)}),"
            f" {len(rest)} summed: {summed(rest)}"
        )
    con.close()


if __name__ == "__main__":
    main()
