"""Where a batch's time goes: message files at real granularity (bench/inbox_feed.py)
parsed and written in quarter-second groups, as the inbox does, into a copy of a
store (the stored night by default), with every statement of the sink timed.

    .venv/bin/python bench/write_path.py [--store night|empty] [--seconds 20] [--rate 3600]
"""

from __future__ import annotations

import argparse
import collections
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from a checkout

from base.config import load_config  # noqa: E402
from bench.inbox_feed import prepare, remove_tree  # noqa: E402
from bench.wall_latency import ROOT, night_store  # noqa: E402
from collectors.ceb.inbox import BATCH_SECONDS, Ingester  # noqa: E402
from collectors.sinks.duckdb_sink import DuckDBSink  # noqa: E402
from queries.loader import statements  # noqa: E402
from queries.reference import load_reference  # noqa: E402
from queries.store import Store  # noqa: E402

SQL_FILES = ("write_receipts", "write_declarations", "write_release_change", "write_adjustments", "write_tax")


class _TimedConnection:
    """The store's writer, with the time of each statement noted by its name."""

    def __init__(self, con, names: dict[str, str], spent: dict[str, list[float]]) -> None:
        self._con, self._names, self._spent = con, names, spent

    def execute(self, query, *args):
        started = time.perf_counter()
        result = self._con.execute(query, *args)
        name = self._names.get(query.strip(), query.strip().splitlines()[0][:40])
        self._spent[name].append(time.perf_counter() - started)
        return result

    def __getattr__(self, name):
        return getattr(self._con, name)


class _TimedStore:
    def __init__(self, store: Store, spent: dict[str, list[float]]) -> None:
        names = {text: f"{f[6:]}.{n}" for f in SQL_FILES for n, text in statements(f).items()}
        self.writer = _TimedConnection(store.writer, names, spent)
        self.write_lock, self.commits = store.write_lock, 0


def line(name: str, values: list[float]) -> str:
    return (
        f"  {name:42s} n={len(values):4d}  p50 {statistics.median(values) * 1e3:7.1f} ms  "
        f"max {max(values) * 1e3:7.1f} ms  sum {sum(values):6.2f} s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", choices=("night", "empty"), default="night")
    ap.add_argument("--seconds", type=float, default=20.0, help="seconds of messages at --rate")
    ap.add_argument("--rate", type=float, default=3600.0, help="lists a second")
    ap.add_argument("--group-seconds", type=float, default=BATCH_SECONDS, help="seconds of files per batch")
    args = ap.parse_args()
    config = load_config()
    work = Path(tempfile.mkdtemp(prefix="cbec-write-path-", dir=ROOT / "var" / "bench"))
    try:
        db = work / "store.duckdb"
        if args.store == "night":
            shutil.copy(night_store(), db)
        minutes = args.seconds * args.rate / (60 * 1200) + 0.2  # the night's first minutes: about 1,200 lists/s
        plan = prepare(
            config, work / "staging", source_start=datetime(2019, 11, 11), source_minutes=minutes,
            rate=args.rate, start=time.time(),
        )  # fmt: skip
        plan = [p for p in plan if p.due < plan[0].due + args.seconds]
        store = Store(db)
        load_reference(store, config)
        spent: dict[str, list[float]] = collections.defaultdict(list)
        sink = DuckDBSink(_TimedStore(store, spent))
        by_kind: dict[str, list[float]] = collections.defaultdict(list)

        class _Sink:
            def write(self, batch):
                started = time.perf_counter()
                result = sink.write(batch)
                by_kind[batch.kind].append(time.perf_counter() - started)
                return result

        groups: dict[int, list[Path]] = collections.defaultdict(list)
        for p in plan:
            groups[int((p.due - plan[0].due) / args.group_seconds)].append(work / "staging" / p.staged)
        ingester = Ingester("bench", config.category_for_hs)
        started = time.perf_counter()
        for k in sorted(groups):
            ingester.run(groups[k], _Sink())
        took = time.perf_counter() - started
        lists = sum(p.lists for p in plan)
        print(
            f"{len(plan):,} files, {lists:,} lists, {sum(p.records for p in plan):,} records "
            f"in {len(groups)} groups of {args.group_seconds:g} s: {took:.1f} s, {lists / took:,.0f} lists/s"
        )
        for kind, values in by_kind.items():
            print(line(f"batch {kind}", values))
        for name, values in sorted(spent.items(), key=lambda kv: -sum(kv[1]))[:30]:
            print(line(name, values))
        store.close()
    finally:
        remove_tree(work)


if __name__ == "__main__":
    main()
