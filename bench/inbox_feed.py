"""Message files at real granularity, re-timed to now, and dropped into a
running app's inbox at the moments they are stamped with.

The simulator draws a window of the promotion (lists, their receipts and tax
receipts, as on the night); each list becomes its own CEB621 file, and receipts
and tax receipts go in files of 1 to 100, as real senders deliver them. The
window is re-timed so that lists arrive at a chosen rate from a chosen start,
with every receipt moved by the same map (it keeps its place between the lists).
Files are written ahead into a staging folder and renamed into the inbox when
their time comes (a sender writes, then renames), so the inbox sees whole files
at the planned rate and nothing of their making.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from base.config import Config
from base.status import codes
from collectors.simulator.source import simulate_batch
from collectors.simulator.xml_families import ceb816
from collectors.simulator.xml_out import ceb621, ceb622

BEIJING = timezone(timedelta(hours=8))
TIME_COLUMN = {"declaration": "app_time", "receipt": "return_time", "tax": "return_time"}
RELEASED = set(codes("released"))
KEYS = ("cop_no", "invt_no", "tax_no")  # re-keyed: the drawn lists are new to a store that holds their night


@dataclass(frozen=True)
class Planned:
    name: str  # the name it lands under: sorted by due time
    due: float  # epoch seconds: when it lands
    lists: int  # CEB621 lists in it
    records: int
    releases: int  # release receipts in it (each releases one list)

    @property
    def staged(self) -> str:
        """Where it waits in staging: a folder per second of the plan, so that a
        rename looks it up among a second's files, not among minutes of them."""
        return f"{int(self.due)}/{self.name}"


class _Collect:
    """A sink that keeps the simulator's tables as drawn (with their lines)."""

    def __init__(self) -> None:
        self.tables: dict[str, list[pa.Table]] = {k: [] for k in TIME_COLUMN}

    def write_rendered(self, kind: str, table: pa.Table) -> int:
        if kind in self.tables:
            self.tables[kind].append(table)
        return len(table)

    def write(self, batch):  # samples (occupancy, health) are not messages
        return None


def _us(t: datetime) -> int:
    return int((t - datetime(1970, 1, 1)).total_seconds() * 1_000_000)


def _epoch(local_us: np.ndarray) -> np.ndarray:
    """Beijing wall-clock microseconds (as records carry them) to epoch seconds."""
    return local_us / 1e6 - 8 * 3600


def _render(job: tuple[str, str, list[dict], str]) -> int:
    family, staged, rows, folder = job
    data = {"CEB621": ceb621, "CEB622": ceb622, "CEB816": ceb816}[family](rows)
    path = Path(folder) / staged
    path.write_bytes(data)
    return len(data)


def prepare(
    config: Config,
    staging: Path,
    *,
    source_start: datetime,
    source_minutes: float,
    rate: float,
    start: float,
    seed: int = 11,
    per_file: tuple[int, int] = (1, 100),
    progress: Callable[[str], None] = print,
    year: str | None = None,
) -> list[Planned]:
    """Draws `source_minutes` from `source_start`, re-timed so that lists land at
    `rate` a second from the epoch second `start`; writes the files into
    `staging` and returns their plan in landing order. The year in the list,
    enterprise and tax numbers becomes `year` (by default the year of `start`):
    the same window drawn again under another year is new to the store."""
    t0 = time.perf_counter()
    sink = _Collect()
    simulate_batch(
        config, sink, source_start.date(), source_start + timedelta(minutes=source_minutes), lists_per_chunk=100_000
    )
    decl = pa.concat_tables(sink.tables["declaration"])
    src_start_us = _us(source_start)
    declared = np.sort(decl["app_time"].cast(pa.int64()).to_numpy())
    declared = declared[declared >= src_start_us]
    # the map: the k-th list of the window lands k / rate seconds after start; what lies between
    # two lists lands between them
    ranks = np.arange(len(declared), dtype=np.float64)
    start_local_us = (start + 8 * 3600) * 1e6

    def retime(us: np.ndarray) -> np.ndarray:
        return start_local_us + np.interp(us, declared, ranks) / rate * 1e6

    rng = random.Random(seed)
    year = year or str(datetime.fromtimestamp(start, BEIJING).year)
    jobs: list[tuple[str, str, list[dict], str]] = []
    plan: list[Planned] = []
    for kind, column in TIME_COLUMN.items():
        if not sink.tables[kind]:
            continue
        table = pa.concat_tables(sink.tables[kind])
        for key in (k for k in KEYS if k in table.column_names):  # the year in a number (CP2019…, …2019I…)
            numbers = table[key]
            if pa.types.is_dictionary(numbers.type):  # the simulator draws codes dictionary-encoded
                numbers = numbers.cast(numbers.type.value_type)
            renamed = pc.replace_substring(numbers, str(source_start.year), year, max_replacements=1)
            table = table.set_column(table.schema.get_field_index(key), key, renamed)
        src = table[column].cast(pa.int64()).to_numpy()
        keep = src >= src_start_us
        table, src = table.filter(pa.array(keep)), src[keep]
        new_us = retime(src).astype(np.int64)
        order = np.argsort(new_us, kind="stable")
        table = table.take(pa.array(order))
        new_us = new_us[order]
        stamps = pa.array(new_us, type=pa.int64()).cast(pa.timestamp("us"))
        table = table.set_column(table.schema.get_field_index(column), column, stamps)
        rows = table.to_pylist()
        family = {"declaration": "CEB621", "receipt": "CEB622", "tax": "CEB816"}[kind]
        i = 0
        while i < len(rows):
            n = 1 if kind == "declaration" else rng.randint(*per_file)
            part = rows[i : i + n]
            due = float(_epoch(np.array([new_us[i + len(part) - 1]]))[0])
            name = f"{int(due * 1e6):017d}_{len(jobs):08d}_{family}.xml"
            releases = sum(1 for r in part if r.get("return_status") in RELEASED) if kind == "receipt" else 0
            planned = Planned(name, due, len(part) if kind == "declaration" else 0, len(part), releases)
            jobs.append((family, planned.staged, part, str(staging)))
            plan.append(planned)
            i += n
        del rows
    for second in {int(p.due) for p in plan}:
        (staging / str(second)).mkdir(parents=True, exist_ok=True)
    progress(f"drawn {len(plan):,} files in {time.perf_counter() - t0:.0f} s; writing them")
    size = 0
    with ProcessPoolExecutor(os.cpu_count() or 2) as pool:
        for written in pool.map(_render, jobs, chunksize=2000):
            size += written
    plan.sort(key=lambda p: p.name)
    lists = sum(p.lists for p in plan)
    span = plan[-1].due - plan[0].due if plan else 0.0
    progress(
        f"prepared {len(plan):,} files ({size / 1e6:,.0f} MB, {lists:,} lists, "
        f"{sum(p.records for p in plan):,} records) over {span:,.0f} s in {time.perf_counter() - t0:.0f} s"
    )
    return plan


# a file is asked into memory this long before it lands: a file its sender has just written is
# there, while files prepared minutes ahead are not (this machine's memory is reclaimed from files
# untouched for a while, and a run then measured the disk, not the app: 1-2 cores waiting on it)
WARM_AHEAD_SECONDS = 10.0


def drop(plan: list[Planned], staging: Path, inbox: Path) -> list[float]:
    """Renames each file into the inbox at its due time (all of them later by the
    same amount when the plan's start has passed: messages land after they are
    stamped, never before); returns when each landed."""
    landed = []
    late = max(0.0, time.time() - plan[0].due + 0.2) if plan else 0.0
    # the paths as plain strings, made before the first lands: the feeder stands in for senders
    # on other machines, so its own work on the app's two cores is kept to the renames
    moves = [(p.due + late, f"{staging}/{p.staged}", f"{inbox}/{p.name}") for p in plan]
    done = threading.Event()
    warming = threading.Thread(target=_warm, args=(moves, done), daemon=True)
    warming.start()
    clock, rename, sleep = time.time, os.rename, time.sleep
    try:
        for due, source, target in moves:
            wait = due - clock()
            if wait > 0.0005:
                sleep(wait)
            rename(source, target)
            landed.append(clock())
    finally:
        done.set()
        warming.join()
    return landed


def _warm(moves: list[tuple[float, str, str]], done: threading.Event) -> None:
    """Has the kernel read each file into memory WARM_AHEAD_SECONDS before it lands."""
    for due, source, _ in moves:
        wait = due - WARM_AHEAD_SECONDS - time.time()
        if wait > 0.01 and done.wait(wait):
            return
        if done.is_set():
            return
        try:
            fd = os.open(source, os.O_RDONLY)
        except OSError:  # landed already: it was late
            continue
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        finally:
            os.close(fd)


def remove_tree(folder: Path, threads: int = 32) -> None:
    """Deletes many small files in parallel: on a disk mounted with online
    discard each delete waits for the device (about 3 ms here), side by side
    they overlap."""
    files = [Path(d) / f for d, _, names in os.walk(folder) for f in names]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda p: p.unlink(missing_ok=True), files, chunksize=256))
    for d, _, _ in sorted(os.walk(folder), key=lambda w: -len(w[0])):
        try:
            os.rmdir(d)
        except OSError:
            pass
