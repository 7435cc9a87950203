"""A source vanishes for minutes and comes back: the ops view and /metrics
show it stale within its threshold, its alert fires, and once it is back
everything that arrived meanwhile is counted once.

    .venv/bin/python reliability/vanish.py [--minutes 3]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from base.clock import now_beijing  # noqa: E402
from reliability.app import App, drill_config, say, verdict  # noqa: E402
from reliability.plan_check import report_minutes  # noqa: E402
from reliability.totals import totals  # noqa: E402

STALE_AFTER = 15  # the simulator's stale_after_seconds in the shipped configuration
ALERT = re.compile(r'cbec_alerts\{rule="source_stale",severity="critical",state="firing"\} (\d+)')


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=3, help="how long the source is gone")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cbec-vanish-"))
    config = drill_config(work, backfill=False, extra='live_day_kind = "ordinary"')
    db = work / "cbec.duckdb"
    app = App(config, db, work / "app.log")
    app.wait_healthy()
    started = now_beijing()
    time.sleep(70)  # a whole minute before

    def switch(on: bool) -> None:
        httpx.post(f"{app.base}/api/simulator/faults", json={"source_stopped": on}, timeout=5).raise_for_status()

    switch(True)
    gone = time.monotonic()
    stale_after = firing_after = None
    while time.monotonic() - gone < args.minutes * 60:
        if stale_after is None and app.health()["collectors"]["simulator"]["stale"]:
            stale_after = time.monotonic() - gone
            say(f"stale on the ops view after {stale_after:.1f} s (threshold {STALE_AFTER} s)")
        m = ALERT.search(app.metrics())
        if firing_after is None and m and int(m.group(1)) > 0:
            firing_after = time.monotonic() - gone
            say(f"source_stale firing in /metrics after {firing_after:.1f} s")
        time.sleep(1)
    switch(False)
    back = time.monotonic()
    fresh_after = None
    while time.monotonic() - back < 60:
        if not app.health()["collectors"]["simulator"]["stale"]:
            fresh_after = time.monotonic() - back
            break
        time.sleep(0.5)
    say(f"fresh again {fresh_after:.1f} s after it came back" if fresh_after is not None else "still stale")
    time.sleep(70)  # a whole minute after
    m = ALERT.search(app.metrics())
    resolved = not m or int(m.group(1)) == 0
    say(f"source_stale {'resolved' if resolved else 'still firing'}")
    stopped_at = now_beijing()
    app.stop()
    say(f"the source was gone for {args.minutes:g} minutes")
    once = report_minutes(db, config, started, stopped_at, say)
    got = totals(db)
    consistent = got["rollup_released"] == got["released"]
    say(f"rollup agrees with the facts: {consistent}")
    ok = (stale_after is not None and stale_after <= STALE_AFTER + 5 and firing_after is not None
          and fresh_after is not None and resolved and once and consistent)  # fmt: skip
    return verdict(ok, work)


if __name__ == "__main__":
    sys.exit(main())
