"""Time in the cyclic garbage collector, per process and generation, for any
Python process started with this folder on its path, e.g. the app and its
reading processes under the sustained benchmark:

    PYTHONPATH=bench/gc_time .venv/bin/python bench/sustained.py --minutes 1

Every 5 s each process rewrites var/bench/gc/<pid>.txt with one line: its
command, seconds alive, collections by generation, and seconds spent in them.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent.parent / "var" / "bench" / "gc"
_started = time.time()
_began = 0.0
_count = [0, 0, 0]
_seconds = [0.0, 0.0, 0.0]


def _timed(phase: str, info: dict) -> None:
    global _began
    if phase == "start":
        _began = time.perf_counter()
        return
    _count[info["generation"]] += 1
    _seconds[info["generation"]] += time.perf_counter() - _began


def _write() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    while True:
        time.sleep(5)
        line = (f"{' '.join(sys.argv)[:80]} | {time.time() - _started:.0f} s | collections {_count} | "
                f"seconds {[round(s, 2) for s in _seconds]}\n")  # fmt: skip
        (OUT / f"{os.getpid()}.txt").write_text(line, encoding="utf-8")


gc.callbacks.append(_timed)
threading.Thread(target=_write, daemon=True, name="gc-time").start()
