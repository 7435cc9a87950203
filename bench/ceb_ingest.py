"""End-to-end ingest rate of CEB message files (files on disk to committed rows),
on one core: CEB621 lists and CEB622 receipts measured separately.

    .venv/bin/python bench/ceb_ingest.py [--minutes N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from base.config import load_config
from collectors.ceb.inbox import Ingester, list_files
from collectors.simulator.source import simulate_batch
from collectors.simulator.xml_out import XmlFileSink
from core.runtime import Runtime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--minutes", type=int, default=1, help="minutes of 2019-11-11 from 00:00 to generate")
    args = ap.parse_args()
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    config = load_config()
    work = Path(tempfile.mkdtemp(prefix="cbec-bench-"))
    try:
        start = datetime(2019, 11, 11)
        xml = work / "xml"
        t0 = time.perf_counter()
        simulate_batch(
            config,
            XmlFileSink(xml, records_per_file=500, receipt_encoding="GB2312"),
            start.date(),
            start + timedelta(minutes=args.minutes),
        )
        files = list_files([xml])
        lists = [f for f in files if f.name.startswith("CEB621")]
        receipts = [f for f in files if f.name.startswith("CEB622")]
        print(
            f"generated {len(lists)} CEB621 and {len(receipts)} CEB622 files "
            f"({sum(f.stat().st_size for f in files) / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s"
        )
        rt = Runtime(config, db_path=work / "bench.duckdb", with_collectors=False)
        rt.store.writer.execute("SET threads = 1")
        ingester = Ingester("bench", config.category_for_hs)
        for label, group in (("CEB621 lists", lists), ("CEB622 receipts", receipts)):
            t0 = time.perf_counter()
            report = ingester.run(group, rt.sink)
            elapsed = time.perf_counter() - t0
            n = report.declarations if label.startswith("CEB621") else report.receipts
            print(f"{label:<16} {n:>9,} records in {elapsed:6.2f} s = {n / elapsed:>9,.0f} records/s on one core")
        rt.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
