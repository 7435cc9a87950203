"""Peak memory of the app serving a store: the app replays the promotion night
(2019-11-11) on a copy of the store while headless Chromium keeps the overview,
the wall and the daily report open; resident memory is sampled every second
and the kernel's high-water mark (VmHWM) read at the end.

    .venv/bin/python bench/memory.py --db var/bench/year.duckdb [--seconds 120]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reliability.app import App, drill_config  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
PAGES = ["/?lang=zh", "/wall?kiosk=1", "/report"]


def kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--seconds", type=int, default=120)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="cbec-memory-", dir=Path(args.db).resolve().parent))
    db = work / "store.duckdb"
    t0 = time.perf_counter()
    shutil.copy(args.db, db)
    print(f"copied {Path(args.db).stat().st_size / 2**30:.1f} GiB in {time.perf_counter() - t0:.0f} s", flush=True)
    config = drill_config(work, backfill=False)
    env = {"CBEC_SIM_MODE": "replay", "CBEC_SIM_DAY": "2019-11-11", "CBEC_SIM_SPEED": "1"}
    app = App(config, db, work / "app.log", env=env)
    try:
        app.wait_healthy(timeout=600)
        pid = app.proc.pid
        rss = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            pages = [browser.new_page(viewport={"width": 1920, "height": 1080}) for _ in PAGES]
            for page, path in zip(pages, PAGES):
                page.goto(app.base + path)
            deadline = time.monotonic() + args.seconds
            while time.monotonic() < deadline:
                rss.append(kib(pid, "VmRSS") / 1024)
                pages[0].wait_for_timeout(1000)
            browser.close()
        peak = kib(pid, "VmHWM") / 1024
        print(f"store {Path(args.db).name}: app RSS median {statistics.median(rss):.0f} MiB, "
              f"max sampled {max(rss):.0f} MiB, peak (VmHWM) {peak:.0f} MiB over {args.seconds} s")  # fmt: skip
    finally:
        app.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
