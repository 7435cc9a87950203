"""What listing the inbox costs the writing thread behind a backlog: one listing
of a folder of N files (`collectors/ceb/listing.py`), and the listings of a
backlog's drain taken 20,000 files a run, listing for every run against one
listing for all of them (`Waiting`).

    .venv/bin/python bench/inbox_listing.py [--dir var/bench] [--runs 3] [--sizes 20000,100000,300000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from collectors.ceb.listing import Waiting, waiting_names

RUN_FILES = 20_000  # InboxSource.max_files_per_run


def _land(folder: Path, n: int) -> None:
    for i in range(n):
        fd = os.open(folder / f"{1796161294131899 + i * 277}_{i:08d}_CEB621.xml", os.O_WRONLY | os.O_CREAT, 0o600)
        os.close(fd)


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _moved(folder: Path, names: list[str]) -> None:
    for name in names:  # what a run does to its files once written (untimed)
        os.unlink(folder / name)


def drain_listing_every_run(folder: Path) -> float:
    """The listings of a drain where each run lists the whole folder for its 20,000 files."""
    spent = 0.0
    while True:
        t0 = time.perf_counter()
        taken = [folder / name for name in waiting_names(folder)[:RUN_FILES]]  # the paths a run reads
        spent += time.perf_counter() - t0
        if not taken:
            return spent
        _moved(folder, [p.name for p in taken])


def drain_listed_once(folder: Path) -> float:
    """The same drain taking its files from one listing (`Waiting`)."""
    waiting, spent = Waiting(folder), 0.0
    while True:
        t0 = time.perf_counter()
        taken = waiting.take((), RUN_FILES)
        spent += time.perf_counter() - t0
        if not taken:
            return spent
        _moved(folder, [p.name for p in taken])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=Path("var/bench"), help="where the folder is made (the inbox's disk)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sizes", default="20000,100000,300000")
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"{'files':>9}  {'one listing ms':>14}  {'drain, listing every run s':>26}  {'drain, listed once s':>20}")
    for size in (int(s) for s in args.sizes.split(",")):
        one, every, once = [], [], []
        for _ in range(args.runs):
            folder = Path(tempfile.mkdtemp(prefix="listing-", dir=args.dir))
            try:
                _land(folder, size)
                one.append(_timed(lambda f=folder: waiting_names(f)))
                every.append(drain_listing_every_run(folder))
                _land(folder, size)
                once.append(drain_listed_once(folder))
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        print(
            f"{size:>9,}  {statistics.median(one) * 1000:>14,.0f}  {statistics.median(every):>26,.2f}"
            f"  {statistics.median(once):>20,.2f}"
        )


if __name__ == "__main__":
    main()
