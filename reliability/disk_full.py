"""The database's disk fills while the app runs: the ops view and the log say
so clearly, nothing is corrupted, and once space returns the app carries on by
itself and every list of the meantime is counted once.

Needs root (it mounts a small tmpfs for the database):

    .venv/bin/python reliability/disk_full.py [--full-seconds 30]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from base.clock import now_beijing  # noqa: E402
from reliability.app import App, drill_config, say, verdict  # noqa: E402
from reliability.plan_check import report_minutes  # noqa: E402
from reliability.totals import totals  # noqa: E402


def fill(path: Path) -> int:
    written = 0
    with open(path, "wb") as f:
        try:
            while True:
                f.write(b"\0" * (1 << 20))
                f.flush()
                written += 1 << 20
        except OSError:
            pass
    return written


def wait_for(check, seconds: float, every: float = 0.5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(every)
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--full-seconds", type=float, default=60, help="how long the disk stays full")
    ap.add_argument("--calm-seconds", type=float, default=65, help="running before the disk fills, and after")
    args = ap.parse_args()
    if os.geteuid() != 0:
        say("disk_full needs root to mount a small tmpfs")
        return 2
    work = Path(tempfile.mkdtemp(prefix="cbec-diskfull-"))
    mount = work / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160m", "tmpfs", str(mount)], check=True)
    ok = False
    try:
        config = drill_config(work, backfill=False, extra='live_day_kind = "ordinary"')
        db, log = mount / "cbec.duckdb", work / "app.log"
        app = App(config, db, log)
        app.wait_healthy()
        started = now_beijing()
        time.sleep(args.calm_seconds)
        filler = mount / "filler"
        say(f"disk filled with {fill(filler) / 2**20:.0f} MiB of filler")

        def error_seen():
            h = app.health()["collectors"]["simulator"]
            return h if h["state"] == "error" and "No space left" in (h["last_error"] or "") else None

        seen = wait_for(error_seen, 60)
        say(f"ops view: simulator {seen['state']}: {seen['last_error']}" if seen else "ops view: no error shown")
        in_log = "No space left on device" in log.read_text(errors="replace")
        say(f"log: {'says' if in_log else 'does not say'} 'No space left on device'")
        time.sleep(args.full_seconds)
        filler.unlink()
        freed = time.monotonic()

        def recovered():
            h = app.health()["collectors"]["simulator"]
            return h if h["state"] == "ok" and h["rows"] > 0 else None

        back = wait_for(recovered, 120)
        say(f"recovered {time.monotonic() - freed:.1f} s after space returned" if back else "did not recover")
        time.sleep(args.calm_seconds)
        stopped_at = now_beijing()
        app.stop()
        clean = "collector runtime stopped" in log.read_text(errors="replace")
        say(f"stopped {'cleanly' if clean else 'without the runtime saying it stopped'}")
        got = totals(db)
        consistent = got["rollup_released"] == got["released"] and got["lists"] >= got["released"] > 0
        say(f"reopened: {got['lists']:,} lists, {got['receipts']:,} receipts; rollup agrees: {consistent}")
        once = report_minutes(db, config, started, stopped_at, say)
        ok = bool(seen and in_log and back and consistent and once and clean)
    finally:
        subprocess.run(["umount", str(mount)], check=False)
    return verdict(ok, work)


if __name__ == "__main__":
    sys.exit(main())
