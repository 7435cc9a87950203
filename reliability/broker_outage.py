"""The broker is killed (kill -9) mid-peak for a minute while the app consumes
from it and a sender keeps publishing: the app shows its broker source in
error and stale, reconnects when the broker is back, and at the end its totals
equal those of the same messages ingested as files without an outage: nothing
lost, nothing doubled.

    .venv/bin/python reliability/broker_outage.py [--seconds 30] [--outage 60]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from collectors.broker.link import BrokerUnavailable  # noqa: E402
from collectors.broker.publish import Publisher  # noqa: E402
from reliability.app import App, drill_config, say, verdict  # noqa: E402
from reliability.broker import Broker  # noqa: E402
from reliability.totals import peak_files, totals  # noqa: E402

SHIPPED = '''name = "ceb_broker"
kind = "ceb_broker"
enabled = false
url = "amqp://guest:guest@127.0.0.1:5672/%2F"'''


class Sender(threading.Thread):
    """Publishes the files at an even pace over `seconds`, each until the broker takes it
    (as a sender with its own outbox would), and counts the retries."""

    def __init__(self, url: str, files: list[Path], seconds: float):
        super().__init__(daemon=True)
        self.publisher = Publisher(url)
        self.files, self.seconds = files, seconds
        self.sent = self.retries = 0

    def run(self) -> None:
        start = time.monotonic()
        for i, path in enumerate(self.files):
            time.sleep(max(0.0, start + i * self.seconds / len(self.files) - time.monotonic()))
            while True:
                try:
                    self.publisher.send_file(path)
                    break
                except BrokerUnavailable:
                    self.retries += 1
                    time.sleep(1)
            self.sent += 1
        self.publisher.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=30, help="seconds of 2019-11-11 from 00:00 to send")
    ap.add_argument("--outage", type=float, default=60, help="how long the broker is down")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cbec-broker-outage-"))
    say(f"work folder {work}")

    files, want = peak_files(work, timedelta(seconds=args.seconds), records_per_file=500)
    say(f"{len(files)} message files from 2019-11-11 00:00:00-00:00:{args.seconds:02d}")
    say(f"reference (files, no outage): {want['released']:,} released, {want['receipts']:,} receipts")

    broker = Broker(work / "rabbitmq").start()
    config = drill_config(work, simulator=False)
    ours = SHIPPED.replace("enabled = false", "enabled = true").replace(":5672", f":{broker.port}")
    config.write_text(config.read_text(encoding="utf-8").replace(SHIPPED, ours), encoding="utf-8")
    db = work / "drill.duckdb"
    app = App(config, db, work / "app.log")
    try:
        app.wait_healthy()
        deadline = time.monotonic() + 30
        while "cbec.ceb.primary" not in broker.queue_depths() and time.monotonic() < deadline:
            time.sleep(0.2)  # the collector declares its queue on its first run
        sender = Sender(broker.url, files, seconds=args.outage + 40)
        sender.start()
        time.sleep(15)
        waiting = broker.depth("cbec.ceb.primary")
        broker.kill()
        say(f"broker killed after {sender.sent} of {len(files)} messages sent, {waiting} waiting in the queue")
        down = time.monotonic()
        error_after = stale_after = None
        while time.monotonic() - down < args.outage:
            h = app.health()["collectors"]["ceb_broker"]
            if error_after is None and h["state"] == "error":
                error_after = time.monotonic() - down
                say(f"ceb_broker in error after {error_after:.1f} s: {h['last_error']}")
            if stale_after is None and h["stale"]:
                stale_after = time.monotonic() - down
                say(f"ceb_broker stale after {stale_after:.1f} s")
            time.sleep(0.5)
        broker.start()
        back = time.monotonic()
        say(f"broker back after {back - down:.0f} s")
        while time.monotonic() - back < 120 and app.health()["collectors"]["ceb_broker"]["state"] == "error":
            time.sleep(0.2)
        say(f"ceb_broker connected again {time.monotonic() - back:.1f} s after the broker came back")
        sender.join(600)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            h = app.health()["collectors"]["ceb_broker"]
            if broker.depth("cbec.ceb.primary") == 0 and h["state"] in ("ok", "quiet") and not h["stale"]:
                break
            time.sleep(0.5)
        say(f"queue drained and the source fresh {time.monotonic() - back:.1f} s after the broker came back; "
            f"the sender retried {sender.retries} time(s)")  # fmt: skip
        h = app.health()["collectors"]["ceb_broker"]
    finally:
        app.stop()
        broker.stop()
    got = totals(db)
    same = got == want and got["rollup_released"] == got["released"]
    for key in want:
        say(f"  {key:16s} reference {want[key]!s:>30s}   after the outage {got[key]!s:>30s}")
    say("totals equal the source exactly" if same else "totals differ")
    ok = same and error_after is not None and stale_after is not None and h["last_error"] is None
    return verdict(ok and not broker.leftovers(), work)


if __name__ == "__main__":
    sys.exit(main())
