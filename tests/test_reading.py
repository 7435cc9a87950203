"""A large run of message files is read in a second process (collectors/ceb/reading.py):
the same outcomes as reading in place, in the same order, and a second process that
dies loses no file."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

from collectors.ceb.reading import BESIDE_FROM_FILES, Reader

GOLDEN = Path(__file__).resolve().parent / "golden" / "ceb"


def _files(folder: Path, n: int) -> list[Path]:
    """`n` files drawn in turn from the golden cases, good and hostile alike."""
    sources = sorted(p for p in GOLDEN.rglob("*.xml"))
    for i in range(n):
        shutil.copy(sources[i % len(sources)], folder / f"{i:05d}_{sources[i % len(sources)].name}")
    return sorted(folder.iterdir())


def _seen(outcomes) -> list[tuple]:
    return [
        (o.path.name, o.parsed.records if o.parsed else None, o.error.code if o.error else None, o.redacted)
        for o in outcomes
    ]


def test_a_large_run_read_beside_gives_what_reading_in_place_gives(tmp_path, config):
    files = _files(tmp_path, BESIDE_FROM_FILES + 50)
    here = Reader(config.category_for_hs, 50 * 1024 * 1024, True, beside=False)
    beside = Reader(config.category_for_hs, 50 * 1024 * 1024, True, beside=True)
    try:
        got = _seen(beside.outcomes(files))
        assert beside._pool is not None  # it was read in the second process
        assert got == _seen(here.outcomes(files))
        assert any(e for _, _, e, _ in got) and any(r for _, r, _, _ in got)  # refusals and records both
    finally:
        beside.close()


def test_a_second_process_that_dies_loses_no_file(tmp_path, config):
    files = _files(tmp_path, BESIDE_FROM_FILES * 4)
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
