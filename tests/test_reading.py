"""A large run of message files is read in a second process (collectors/ceb/reading.py):
the same outcomes as reading in place, in the same order, and a second process that
dies loses no file."""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from pathlib import Path

from collectors.ceb.columns import into_tables, records_of
from collectors.ceb.parse import parse_message
from collectors.ceb.reading import BESIDE_FROM_FILES, READING_PROCESSES, WORKER_NICE, Reader
from collectors.ceb.writer import Tally, write_messages
from collectors.records import make_batch
from collectors.sinks import WriteResult

GOLDEN = Path(__file__).resolve().parent / "golden" / "ceb"


def _files(folder: Path, n: int) -> list[Path]:
    """`n` files drawn in turn from the golden cases, good and hostile alike."""
    sources = sorted(p for p in GOLDEN.rglob("*.xml"))
    for i in range(n):
        shutil.copy(sources[i % len(sources)], folder / f"{i:05d}_{sources[i % len(sources)].name}")
    return sorted(folder.iterdir())


def _records(parsed) -> dict[str, list[dict]] | None:
    """A message's records as the store is given them, wherever the reader left them."""
    if parsed is None:
        return None
    return {k: make_batch(k, records_of([parsed], k), "").table.to_pylist() for k in sorted(parsed.kinds())}


def _seen(outcomes) -> list[tuple]:
    """What the ingester acts on, the identity of the file read among it (a file changed since is read again)."""
    return [
        (o.path.name, _records(o.parsed), o.error.code if o.error else None, o.redacted, o.identity) for o in outcomes
    ]


def test_a_large_run_read_beside_gives_what_reading_in_place_gives(tmp_path, config):
    files = _files(tmp_path, BESIDE_FROM_FILES + 50)
    here = Reader(config.category_for_hs, 50 * 1024 * 1024, True, beside=False)
    beside = Reader(config.category_for_hs, 50 * 1024 * 1024, True, beside=True)
    try:
        got = _seen(beside.outcomes(files))
        assert beside._pool is not None  # it was read in the second process
        lowest = max(os.getpriority(os.PRIO_PROCESS, 0), WORKER_NICE)  # parsing waits for the writer and screens
        assert {os.getpriority(os.PRIO_PROCESS, pid) for pid in beside._pool._processes} == {lowest}
        read = [o.parsed for o in beside.outcomes(files) if o.parsed and o.parsed.count]
        assert all(p.tables is not None and not p.records for p in read)  # handed over as tables
        assert got == _seen(here.outcomes(files))
        assert any(e for _, _, e, _, _ in got) and any(r for _, r, _, _, _ in got)  # refusals and records both
        assert all(identity for _, _, e, _, identity in got if e not in ("unreadable", "too_large", "not_a_file"))
    finally:
        beside.close()


def test_a_second_process_that_dies_loses_no_file(tmp_path, config):
    files = _files(tmp_path, 8000)  # long enough for the kill to come mid-run
    reader = Reader(config.category_for_hs, 50 * 1024 * 1024, True, beside=True)
    try:
        seen = []
        for i, outcome in enumerate(reader.outcomes(files)):
            if i == 10:
                for pid in list(reader._pool._processes):
                    os.kill(pid, signal.SIGKILL)
            seen.append(outcome.path)
        assert seen == files
        assert reader._pool is None  # not started again
        assert len(list(reader.outcomes(files))) == len(files)
    finally:
        reader.close()


def test_reading_processes_killed_at_any_moment_never_stall_the_inbox(tmp_path, config):
    """Killed while parsing, while handing a chunk back or while idle, the files are
    read in place; nothing waits for ever and nothing is left behind in memory."""
    files = _files(tmp_path, 4000)  # long enough for each kill to come mid-run
    for delay in (0.0, 0.1, 0.3, 0.6):
        reader = Reader(config.category_for_hs, 50 * 1024 * 1024, True, beside=True)
        seen: list[Path] = []

        def kill(reader=reader) -> None:
            pool = reader._pool
            for pid in list(pool._processes) if pool else []:
                os.kill(pid, signal.SIGKILL)

        def read(reader=reader, seen=seen, delay=delay) -> None:
            for i, outcome in enumerate(reader.outcomes(files)):
                if i == 0:
                    threading.Timer(delay, kill).start()
                seen.append(outcome.path)

        hand_over = None
        try:
            worker = threading.Thread(target=read, daemon=True)
            worker.start()
            while worker.is_alive() and hand_over is None:
                hand_over = reader._hand_over
                time.sleep(0.01)
            worker.join(120)
            assert not worker.is_alive(), f"reading stalled after a kill at {delay} s"
            assert seen == files
        finally:
            reader.close()
        assert hand_over is None or not Path(hand_over).exists()


class _Kept:
    def __init__(self) -> None:
        self.batches = []

    def write(self, batch):
        self.batches.append(batch)
        return WriteResult(batch.kind, len(batch), len(batch), 0)


def test_records_that_do_not_fit_their_schema_stay_with_their_message(config):
    """A record the store cannot take is found message by message, wherever the records were read."""

    def read(name: str):
        return parse_message((GOLDEN / "basic" / name).read_bytes(), config.category_for_hs)

    good, bad, receipts = read("a_CEB621.xml"), read("a_CEB621.xml"), read("b_CEB622.xml")
    bad.records["declaration"][0]["app_type"] = "not a number"
    assert not into_tables([good, bad, receipts])
    assert all(p.tables is None and p.records for p in (good, bad, receipts))  # nothing moved
    assert into_tables([receipts]) and receipts.tables is not None
    kept, tally = _Kept(), Tally()
    refused = write_messages([good, bad, receipts], kept, "test", tally)
    assert list(refused) == [1] and refused[1].code == "store_refused"
    assert "not a number" not in refused[1].reason  # the value is never quoted back
    assert tally.by_kind == {"declaration": good.count, "receipt": receipts.count}
    assert {b.kind for b in kept.batches} == {"declaration", "receipt"}


def test_the_reading_processes_start_with_the_first_files_not_with_the_first_large_run(tmp_path, config):
    """The first second of a peak finds them ready: they start while a quiet evening's
    files are read in place, and the first large run is read in them."""
    files = _files(tmp_path, BESIDE_FROM_FILES + 10)
    reader = Reader(config.category_for_hs, 50 * 1024 * 1024, True, beside=True)
    try:
        assert reader._pool is None
        assert [o.path for o in reader.outcomes(files[:3])] == files[:3]  # read in place
        pool = reader._pool
        assert pool is not None and len(pool._processes) == READING_PROCESSES
        pids = set(pool._processes)
        assert len(list(reader.outcomes(files))) == len(files)
        assert reader._pool is pool and set(pool._processes) == pids  # the same processes read it
    finally:
        reader.close()
    assert not any(_alive(pid) for pid in pids)  # they end with it


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie, ended but not yet reaped by its parent, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False
