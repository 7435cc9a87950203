"""kill -9 the app in the middle of ingest, again and again at random moments,
restarting it each time; at the end the totals equal those of the same files
ingested without a single kill, and the screens' rollup agrees with the facts.

    .venv/bin/python reliability/kill9.py [--kills 20] [--minutes 10] [--seed N]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reliability.app import App, drill_config, say, verdict  # noqa: E402
from reliability.totals import peak_files, totals  # noqa: E402


def pending(inbox: Path) -> int:
    return sum(1 for p in inbox.iterdir() if p.is_file() and p.suffix == ".xml")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--minutes", type=int, default=10, help="minutes of 2019-11-11 from 00:00 to ingest")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="cbec-kill9-"))
    say(f"seed {args.seed}; work folder {work}")

    files, want = peak_files(work, timedelta(minutes=args.minutes), records_per_file=2000)
    say(f"{len(files)} message files from 2019-11-11 00:00-00:{args.minutes:02d}")
    say(f"reference (no kill): {want['released']:,} released, {want['receipts']:,} receipts")

    inbox = work / "inbox"
    inbox.mkdir()
    for f in files:
        shutil.copy(f, inbox / f.name)
    config = drill_config(work, simulator=False, inbox=inbox)
    db, log = work / "drill.duckdb", work / "app.log"
    kills = 0
    while kills < args.kills:
        app = App(config, db, log)
        app.wait_healthy()
        before = pending(inbox)
        if before == 0:
            app.stop()
            break
        if rng.random() < 0.3:  # before this run has committed anything
            time.sleep(rng.uniform(0, 1.0))
        else:  # once it has moved files, in the middle of the next group
            deadline = time.monotonic() + 60
            while pending(inbox) == before and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(rng.uniform(0, 1.5))
        left = pending(inbox)
        app.kill9()
        kills += 1
        say(f"kill {kills:2d}: {before - left} files moved in this run, {left} left")
        if left == 0:
            say("the inbox emptied before this kill; use more --minutes for later kills")
    app = App(config, db, log)
    app.wait_healthy()
    deadline = time.monotonic() + 600
    while pending(inbox) and time.monotonic() < deadline:
        time.sleep(0.5)
    app.stop()
    got = totals(db)
    same = got == want and got["rollup_released"] == got["released"]
    for key in want:
        say(f"  {key:16s} reference {want[key]!s:>30s}   after {kills} kills {got[key]!s:>30s}")
    quarantined = list((inbox / "quarantine").glob("*.xml")) if (inbox / "quarantine").exists() else []
    say(f"quarantined: {len(quarantined)}")
    say("totals equal the source exactly" if same else "totals differ")
    return verdict(same and not quarantined, work)


if __name__ == "__main__":
    sys.exit(main())
