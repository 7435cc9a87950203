"""Processes as /proc shows them, for tests, drills and benchmarks: their CPU
time and the ffmpeg processes that write into a folder."""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process, its threads included."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICKS


def children_cpu_seconds(pid: int) -> float:
    """The CPU time of the processes `pid` started and that still run."""
    total = 0.0
    for child in _pids():
        try:
            if int(_stat(child)[1]) == pid:
                total += cpu_seconds(child)
        except (OSError, IndexError, ValueError):
            continue
    return total


def ffmpeg_writing_into(folder: Path) -> list[int]:
    """Pids of the ffmpeg processes with `folder` in their arguments."""
    found = []
    for pid in _pids():
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"ffmpeg") and any(str(folder).encode() in a for a in argv):
            found.append(pid)
    return found
