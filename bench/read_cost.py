"""What reading a file costs one core, family by family: the inbox's reading step
(`collectors/ceb/reading.py` `read_file`: the file's bytes, the safe parse, the
records, the redacted copy made ahead) and the hand-over of the records as
Arrow tables (`columns.into_tables`), in one process, on the files of real
granularity the sustained benchmark lands (bench/inbox_feed.py: one CEB621 per
file, receipts and tax receipts 1-100 per file).

    .venv/bin/python bench/read_cost.py [--seconds 10] [--rounds 3] [--dir /dev/shm]

The files are read from memory (the page cache), as a file just written is.
The last line, the reading cost per list with its receipts, is the figure to
compare machines or code by: two cores at full speed read at most about
2 s / that cost lists a second, before any writing.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from a checkout

from base.config import load_config  # noqa: E402
from bench.inbox_feed import prepare, remove_tree  # noqa: E402
from collectors.ceb.columns import into_tables  # noqa: E402
from collectors.ceb.fields import DEFAULT_MAX_BYTES  # noqa: E402
from collectors.ceb.reading import read_file  # noqa: E402

RATE = 3600  # lists a second, as the sustained benchmark lands them
SOURCE_RATE = 1200  # lists a second in the night's first minutes, which the files are drawn from


def family(name: str) -> str:
    return name.rsplit("_", 1)[1].split(".")[0]


def one_round(paths: list[Path], category_for_hs) -> tuple[float, int]:
    """Seconds to read and hand over `paths`, and the records they hold."""
    t0 = time.perf_counter()
    outcomes = [read_file(p, category_for_hs, DEFAULT_MAX_BYTES, True) for p in paths]
    into_tables([o.parsed for o in outcomes])
    took = time.perf_counter() - t0
    bad = [o.path.name for o in outcomes if o.error is not None]
    if bad:
        raise SystemExit(f"{len(bad)} files did not read, e.g. {bad[0]}")
    return took, sum(o.parsed.count for o in outcomes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="seconds of files at 3,600 lists/s")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=Path("/dev/shm"), help="where the files are prepared")
    args = ap.parse_args()
    config = load_config()
    work = Path(tempfile.mkdtemp(prefix="cbec-read-cost-", dir=args.dir))
    try:
        minutes = RATE * args.seconds / (60 * SOURCE_RATE) * 1.15
        plan = prepare(
            config, work, source_start=datetime(2019, 11, 11), source_minutes=minutes, rate=RATE, start=time.time(),
            progress=lambda _: None,
        )  # fmt: skip
        plan = [p for p in plan if p.due < plan[0].due + args.seconds]
        lists = sum(p.lists for p in plan)
        by_family: dict[str, list[Path]] = collections.defaultdict(list)
        for p in plan:
            by_family[family(p.name)].append(work / p.staged)
        for paths in by_family.values():  # into the page cache, and the code warmed
            one_round(paths[:200], config.category_for_hs)
        print(f"{len(plan):,} files, {lists:,} lists, {sum(p.records for p in plan):,} records; "
              f"median of {args.rounds} rounds, one process")  # fmt: skip
        print(f"{'family':8} {'files':>8} {'records/file':>13} {'µs/file':>9} {'µs/record':>10} {'s in all':>9}")
        total = 0.0
        for name, paths in sorted(by_family.items()):
            rounds = [one_round(paths, config.category_for_hs) for _ in range(args.rounds)]
            took = statistics.median(r[0] for r in rounds)
            records = rounds[0][1]
            total += took
            print(f"{name:8} {len(paths):8,} {records / len(paths):13.1f} {took / len(paths) * 1e6:9.0f} "
                  f"{took / records * 1e6:10.1f} {took:9.2f}")  # fmt: skip
        print(f"reading cost per list with its receipts and tax: {total / lists * 1e6:.0f} µs "
              f"(two cores read at most {2 * lists / total:,.0f} lists/s)")  # fmt: skip
    finally:
        remove_tree(work)


if __name__ == "__main__":
    main()
