"""Every benchmark runs by the command docs/PERFORMANCE.md gives for it
(`.venv/bin/python bench/<name>.py …`), from a checkout, with nothing set up
beforehand: no PYTHONPATH, the project not installed as those modules."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted(p for p in (ROOT / "bench").glob("*.py") if '__name__ == "__main__"' in p.read_text(encoding="utf-8"))


def test_the_documented_benchmarks_are_all_scripts():
    documented = (ROOT / "docs" / "PERFORMANCE.md").read_text(encoding="utf-8")
    for name in ("sustained", "wall_latency", "write_path", "inbox_listing", "foundation", "screen_queries"):
        assert f"bench/{name}.py" in documented
        assert ROOT / "bench" / f"{name}.py" in SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_each_benchmark_starts_from_a_checkout(script, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, str(script), "--help"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("usage:")
