"""Three times Ningbo's peak, for five minutes, into a running app's inbox.

    .venv/bin/python bench/sustained.py [--rate 3600] [--minutes 5] [--store night|empty]

The app runs as `make run` starts it (reliability/app.py: the simulator off, the
inbox on) on a copy of a store that already holds 2019-11-11 00:00-14:00. Files
at real granularity (bench/inbox_feed.py: one CEB621 per file, receipts and tax
receipts 1-100 per file) land at `--rate` lists a second, each minute a window
of the night's first minutes drawn under another year, so every list is new to
the store. The app does everything it does on a real night: pick-up on arrival,
parse (a run of many files in a second process beside the writer, as shipped;
`--one-process` keeps it in one), write, keep a redacted copy in processed/,
and compute the walls' snapshot for a city wall's event stream held open
meanwhile.

Every 5 s it notes the files waiting in the inbox, the lists and receipts the
store took (`cbec_records_ingested_total`), and the app's CPU time; at the end,
the snapshot's compute time while the files landed
(`cbec_live_compute_seconds{part="snapshot"}`, a histogram: its p95 is
interpolated within a bucket, and the share at most 100 ms is exact), and the
share of each 5 s the store's batches took (`cbec_store_write_seconds`, their
waits for the store's lock included, so a moment may count twice).
It keeps up when the files waiting stay under a few seconds' worth.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from a checkout

from base.config import load_config  # noqa: E402
from bench.inbox_feed import drop, prepare, remove_tree  # noqa: E402
from bench.wall_latency import ROOT, night_store  # noqa: E402
from reliability.app import App, drill_config  # noqa: E402
from reliability.processes import TICKS, children_cpu_seconds, cpu_seconds  # noqa: E402

CHUNK_SECONDS = 60  # files prepared a minute at a time, each minute's lists under its own year
SAMPLE_SECONDS = 5


def scrape(base: str) -> dict:
    """What this benchmark reads of /metrics: records ingested by kind, and the
    snapshot's compute-time histogram as (upper bound in seconds, cumulative count)."""
    out: dict = {"ingested": {}, "snapshot": [], "writing": {}, "batches": {}}
    for family in text_string_to_metric_families(httpx.get(f"{base}/metrics", timeout=10).text):
        for s in family.samples:
            if s.name == "cbec_records_ingested_total":
                out["ingested"][s.labels["kind"]] = s.value
            elif s.name == "cbec_store_write_seconds_sum":
                out["writing"][s.labels["kind"]] = s.value
            elif s.name == "cbec_store_write_seconds_count":
                out["batches"][s.labels["kind"]] = s.value
            elif s.name == "cbec_live_compute_seconds_bucket" and s.labels.get("part") == "snapshot":
                out["snapshot"].append((float(s.labels["le"]), s.value))
    out["snapshot"].sort()
    return out


def ingested(sample: dict, kind: str) -> float:
    return sample["ingested"].get(kind, 0.0)


def quantile(before: dict, after: dict, q: float) -> tuple[float, float, int]:
    """The q-quantile of the snapshot times between two samples (linear within its
    bucket), the share at most 100 ms, and how many there were."""
    b0, b1 = dict(before["snapshot"]), after["snapshot"]
    counts = [(le, n - b0.get(le, 0.0)) for le, n in b1]
    total = counts[-1][1] if counts else 0
    if not total:
        return float("nan"), float("nan"), 0
    within = next((n for le, n in counts if abs(le - 0.1) < 1e-9), 0.0) / total
    lower, below = 0.0, 0.0
    for le, n in counts:
        if n >= q * total:
            if le == float("inf"):
                return lower, within, int(total)
            return lower + (le - lower) * (q * total - below) / max(n - below, 1e-9), within, int(total)
        lower, below = le, n
    return lower, within, int(total)


def hold_stream(base: str, stop: threading.Event) -> None:
    """A city wall's event stream, read and dropped until `stop`: the app computes its snapshot."""
    while not stop.is_set():
        try:
            with httpx.stream("GET", f"{base}/api/wall/events?screen=city", timeout=30) as r:
                for _ in r.iter_bytes():
                    if stop.is_set():
                        return
        except httpx.HTTPError:
            time.sleep(1)


def disk_state() -> tuple[float, float]:
    """MiB waiting to be written to disk (dirty or being written back), and the
    machine's CPU ticks so far spent idle waiting for the disk."""
    meminfo = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    dirty_kib = sum(int(meminfo[k].split()[0]) for k in ("Dirty", "Writeback"))
    cpu = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    return dirty_kib / 1024, float(cpu[5])  # user nice system idle iowait ...


def waiting(inbox: Path) -> int:
    """Files in the inbox: its names less its folders (a count of a million names
    costs a tenth of what looking at each entry's type does, beside the app)."""
    return len(os.listdir(inbox)) - sum((inbox / d).is_dir() for d in ("processed", "quarantine"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rate", type=float, default=3600, help="lists a second (Ningbo's peak: about 1,200)")
    ap.add_argument("--minutes", type=float, default=5)
    ap.add_argument("--store", choices=("night", "empty"), default="night")
    ap.add_argument("--one-process", action="store_true", help="files parsed in the writing process too")
    ap.add_argument(
        "--work-dir", type=Path, default=ROOT / "var" / "bench",
        help="where the store's copy, the inbox and the prepared files go (/dev/shm takes the disk out)",
    )  # fmt: skip
    args = ap.parse_args()
    config = load_config()
    args.work_dir.mkdir(parents=True, exist_ok=True)  # a fresh checkout has none
    work = Path(tempfile.mkdtemp(prefix="cbec-sustained-", dir=args.work_dir))
    try:
        db = work / "app.duckdb"
        if args.store == "night":
            shutil.copy(night_store(), db)
        inbox, staging = work / "inbox", work / "staging"
        inbox.mkdir()
        seconds = args.minutes * 60
        chunks = max(1, round(seconds / CHUNK_SECONDS))
        # the night's first minutes hold about 1,200 lists a second: a chunk draws what it needs of them
        source_minutes = args.rate * CHUNK_SECONDS / (60 * 1200) * 1.15
        t0 = time.time()  # re-timed from here; drop() moves the whole plan to when it starts
        plan = []
        for i in range(chunks):
            part = prepare(
                config, staging, source_start=datetime(2019, 11, 11), source_minutes=source_minutes,
                rate=args.rate, start=t0 + i * CHUNK_SECONDS, year=str(2101 + i),
            )  # fmt: skip
            plan += [p for p in part if p.due < t0 + (i + 1) * CHUNK_SECONDS]
        plan.sort(key=lambda p: p.due)
        lists = sum(p.lists for p in plan)
        flushing = time.time()
        os.sync()  # the files just prepared, gigabytes of them, are not the run's own writes
        print(f"flushed the prepared files to disk in {time.time() - flushing:.0f} s", flush=True)
        extra = "read_in_second_process = false" if args.one_process else ""
        app = App(drill_config(work, simulator=False, inbox=inbox, extra=extra), db, work / "app.log")
        stop = threading.Event()
        try:
            app.wait_healthy()
            stream = threading.Thread(target=hold_stream, args=(app.base, stop), daemon=True)
            stream.start()
            time.sleep(5)  # the stream's first snapshot, the sink's start
            # time, waiting, lists, receipts, CPU seconds of the app and of the processes it started,
            # writing, (MiB not yet on disk, iowait ticks)
            samples: list[tuple[float, int, float, float, tuple[float, float], float, tuple[float, float]]] = []

            unanswered: list[float] = []  # when /metrics did not answer: noted, not fatal

            def sample() -> dict | None:
                try:
                    m = scrape(app.base)
                except httpx.HTTPError:
                    unanswered.append(time.time())
                    print(f"/metrics did not answer within 10 s ({len(unanswered)} time(s) so far)", flush=True)
                    return None
                at = time.time()
                samples.append((at, waiting(inbox), ingested(m, "declaration"), ingested(m, "receipt"),
                                (cpu_seconds(app.proc.pid), children_cpu_seconds(app.proc.pid)),
                                sum(m["writing"].values()), disk_state()))  # fmt: skip
                return m

            first = sample()
            if first is None:
                raise RuntimeError("the app's /metrics did not answer before the files began to land")
            own_cpu = time.process_time()  # the feeder's renames and this sampling: CPU the app cannot have
            feeding = threading.Thread(target=lambda: landed.extend(drop(plan, staging, inbox)), daemon=True)
            landed: list[float] = []
            feeding.start()
            last = first
            while feeding.is_alive():
                feeding.join(SAMPLE_SECONDS)
                last = sample() or last
            fed = samples[-1][0] - samples[0][0]
            own_cpu = (time.process_time() - own_cpu) / max(fed, 1e-9)
            drained_at = None
            deadline = time.time() + 600
            while time.time() < deadline:
                if waiting(inbox) == 0:
                    drained_at = time.time()
                    break
                time.sleep(1)
            sample()
            stop.set()
        finally:
            stop.set()
            app.stop()
        span = landed[-1] - landed[0] if len(landed) > 1 else 0.0
        print(
            f"{len(plan):,} files ({lists:,} lists, {sum(p.records for p in plan):,} records) landed over "
            f"{span:.0f} s = {lists / max(span, 1e-9):,.0f} lists/s"
        )
        rates = []
        print(
            " second  waiting files  lists/s  receipts/s  CPU cores: app  its processes  store writing"
            "  unwritten MiB  iowait cores"
        )
        for (t1, _, l1, r1, c1, s1, d1), (t2, w2, l2, r2, c2, s2, d2) in zip(samples, samples[1:], strict=False):
            dt = t2 - t1
            rates.append((l2 - l1) / dt)
            at, app_cpu, their_cpu = t2 - samples[0][0], (c2[0] - c1[0]) / dt, (c2[1] - c1[1]) / dt
            receipts = (r2 - r1) / dt
            print(
                f"{at:7.0f}  {w2:13,d}  {rates[-1]:7,.0f}  {receipts:10,.0f}  {app_cpu:14.2f}  {their_cpu:13.2f}"
                f"  {(s2 - s1) / dt:12.0%}  {d2[0]:13,.0f}  {(d2[1] - d1[1]) / TICKS / dt:12.2f}"
            )
        during = [s for s in samples if s[0] <= landed[-1] + SAMPLE_SECONDS] if landed else samples
        took = (during[-1][2] - during[0][2]) / max(during[-1][0] - during[0][0], 1e-9)
        span_s = max(during[-1][0] - during[0][0], 1e-9)
        cores = [(during[-1][4][i] - during[0][4][i]) / span_s for i in (0, 1)]
        print(
            f"while the files landed ({fed:.0f} s): the store took {took:,.0f} lists/s; at most "
            f"{max(s[1] for s in during):,} files waiting, {during[-1][1]:,} at the end; CPU {cores[0]:.2f} cores "
            f"in the app, {cores[1]:.2f} in the processes it started, {own_cpu:.2f} in this benchmark (the feeder)"
        )
        if drained_at is not None and landed:
            print(f"the inbox was empty {drained_at - landed[-1]:.1f} s after the last file landed")
        else:
            print("the inbox was not empty 600 s after the last file landed")
        p95, within, n = quantile(first, last, 0.95)
        p50, _, _ = quantile(first, last, 0.50)
        print(
            f"snapshot while the files landed: {n} computed, p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
            f"(within its bucket), {within:.1%} at most 100 ms"
        )
        if unanswered:
            print(f"/metrics did not answer within 10 s {len(unanswered)} time(s) (those samples are missing above)")
        if rates:
            print(f"lists/s per {SAMPLE_SECONDS} s: median {statistics.median(rates):,.0f}, min {min(rates):,.0f}")
        for kind in sorted(last["batches"]):
            n = last["batches"][kind] - first["batches"].get(kind, 0.0)
            spent = last["writing"][kind] - first["writing"].get(kind, 0.0)
            if n:
                print(
                    f"  {kind} batches while the files landed: {n:,.0f}, {spent:.1f} s writing, "
                    f"mean {spent / n * 1e3:.0f} ms"
                )
    finally:
        if (work / "app.log").exists():  # kept for a look at what the app said meanwhile
            shutil.copy(work / "app.log", ROOT / "var" / "bench" / "sustained-app.log")
        remove_tree(work)


if __name__ == "__main__":
    main()
