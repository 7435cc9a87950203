"""End-to-end ingest rate of CEB message files (files on disk to committed rows),
on one core, each message family measured on its own, in the order a night
brings them: lists, receipts, cancellations and returns with their receipts,
tax receipts and tax status, format rejects.

    .venv/bin/python bench/ceb_ingest.py [--minutes N] [--hours H]

The promotion's first minutes give lists, receipts and tax at full rate; the
other families follow a list by minutes to hours, so they come from an ordinary
day's morning with cancellations, returns and rejects made frequent.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from base.config import load_config
from collectors.ceb.inbox import Ingester, list_files
from collectors.simulator.source import simulate_batch
from collectors.simulator.xml_out import XmlFileSink
from core.runtime import Runtime

FAMILIES = ("CEB621", "CEB622", "CEB623", "CEB624", "CEB625", "CEB626", "CEB816", "CEB818", "CEB900")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--minutes", type=int, default=1, help="minutes of 2019-11-11 from 00:00 to generate")
    ap.add_argument("--hours", type=int, default=8, help="hours of an ordinary day for the other families")
    args = ap.parse_args()
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    config = load_config()
    work = Path(tempfile.mkdtemp(prefix="cbec-bench-"))
    try:
        start = datetime(2019, 11, 11)
        t0 = time.perf_counter()
        # the promotion's first minutes at full rate: lists, receipts, tax
        simulate_batch(
            config,
            XmlFileSink(work / "peak", records_per_file=500, receipt_encoding="GB2312"),
            start.date(),
            start + timedelta(minutes=args.minutes),
        )
        # cancellations, returns, tax status and rejects follow lists by minutes to hours: an
        # ordinary day's morning with their shares raised gives enough of each to measure
        busy = replace(
            config,
            simulator=replace(config.simulator, cancel_share=0.2, refund_share=0.2, format_rejects_per_hour=3600),
        )
        morning = datetime(2019, 11, 13)
        simulate_batch(
            busy,
            XmlFileSink(work / "later", records_per_file=500, receipt_encoding="GB2312"),
            morning.date(),
            morning + timedelta(hours=args.hours),
        )
        files = list_files([work / "peak", work / "later"])
        families = {family: [f for f in files if f.name.startswith(family)] for family in FAMILIES}
        print(
            "generated "
            + ", ".join(f"{len(g)} {family}" for family, g in families.items())
            + f" files ({sum(f.stat().st_size for f in files) / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s"
        )
        rt = Runtime(config, db_path=work / "bench.duckdb", with_collectors=False)
        rt.store.writer.execute("SET threads = 1")
        ingester = Ingester("bench", config.category_for_hs)
        for family, group in families.items():
            if not group:
                continue
            t0 = time.perf_counter()
            report = ingester.run(group, rt.sink)
            elapsed = time.perf_counter() - t0
            n = report.records
            print(f"{family:<7} {n:>9,} records in {elapsed:6.2f} s = {n / elapsed:>9,.0f} records/s on one core")
        rt.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
