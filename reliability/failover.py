"""Two machines, one night: the peak replayed through a RabbitMQ broker to a
primary and a standby; the primary killed with SIGKILL mid-peak while a headless
Chromium wall watches; the primary restarted. Passes when the walls never stood still longer than 10 s and
never showed a lower figure, the standby took over the notifications and handed
them back, and once the feed is drained both instances hold identical totals
(every `cbec summary` key) equal to what was sent: no list lost or doubled.

    .venv/bin/python reliability/failover.py [--rate 1200] [--seconds 60] [--kill-at 15]
        [--primary-down 20]

The broker's own outage has its drill: reliability/broker_outage.py.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from base.config import load_config  # noqa: E402
from bench.inbox_feed import BEIJING, Planned, prepare  # noqa: E402
from collectors.broker.link import BrokerUnavailable  # noqa: E402
from collectors.broker.publish import Publisher  # noqa: E402
from reliability.app import ROOT, App, drill_config, free_port, say, verdict  # noqa: E402
from reliability.broker import Broker  # noqa: E402
from reliability.totals import totals  # noqa: E402

WALL_GAP_LIMIT = 10.0


class Feed(threading.Thread):
    """Publishes the planned files at their due times; if the broker is away it
    keeps trying the same message (as a sender with a local outbox does)."""

    def __init__(self, plan: list[Planned], staging: Path, url: str):
        super().__init__(name="feed", daemon=True)
        self.plan, self.staging, self.publisher = plan, staging, Publisher(url)
        self.sent, self.retries, self.error = 0, 0, ""

    def run(self) -> None:
        late = max(0.0, time.time() - self.plan[0].due + 0.2)
        try:
            for p in self.plan:
                wait = p.due + late - time.time()
                if wait > 0.0005:
                    time.sleep(wait)
                data = (self.staging / p.name).read_bytes()
                while True:
                    try:
                        self.publisher.send(p.name, data)
                        break
                    except BrokerUnavailable:
                        self.retries += 1
                        time.sleep(0.5)
                self.sent += 1
        except Exception as e:  # said at the end, never silently
            self.error = f"{type(e).__name__}: {e}"
        finally:
            self.publisher.close()


class Wall:
    """A headless Chromium wall on the city screen, sampled a few times a second."""

    def __init__(self, base: str, servers: str):
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        self.page = self._browser.new_page(viewport={"width": 1920, "height": 1080})
        self.page.goto(f"{base}/wall?kiosk=1&screen=city&servers={servers}")
        self.page.wait_for_selector('[data-testid="wall-released"] .v:not(:empty)', timeout=90_000)
        self.samples: list[tuple[float, str, int]] = []

    def sample(self) -> None:
        try:
            text = self.page.locator('[data-testid="wall-released"] .s').inner_text(timeout=300)
            self.samples.append(
                (time.monotonic(), self.page.url, int("".join(c for c in text.split()[0] if c.isdigit()) or 0))
            )
        except Exception:  # a page in the middle of moving to the other server
            pass

    def watch(self, seconds: float, also=lambda: None) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.sample()
            also()
            self.page.wait_for_timeout(200)

    def longest_gap(self, since: float, until: float) -> float:
        """The longest time the figure stood still between `since` and `until` (monotonic)."""
        inside = [s for s in self.samples if since <= s[0] <= until]
        changes = [t for (t, _, v), (_, _, before) in zip(inside[1:], inside) if v != before]
        edges = [since, *changes, until]
        return max(b - a for a, b in zip(edges, edges[1:]))

    def went_backwards(self) -> bool:
        values = [v for _, _, v in self.samples]
        return any(b < a for a, b in zip(values, values[1:]))

    def close(self) -> None:
        self._browser.close()
        self._pw.stop()


def instance_config(work: Path, name: str, broker: Broker, peer: str, servers: str, role: str) -> tuple[Path, dict]:
    folder = work / name
    folder.mkdir()
    path = drill_config(folder, simulator=False, extra="takeover_seconds = 10")
    text = path.read_text(encoding="utf-8")
    block = '[[collector]]\nname = "ceb_broker"\nkind = "ceb_broker"\nenabled = false\n'
    assert block in text, "the shipped configuration's ceb_broker collector changed"
    text = text.replace(block, block.replace("enabled = false", "enabled = true"))
    text = text.replace('queue = "cbec.ceb.primary"', f'queue = "cbec.ceb.{name}"')
    text = text.replace('url = "amqp://guest:guest@127.0.0.1:5672/%2F"', f'url = "{broker.url}"')
    path.write_text(text, encoding="utf-8")
    env = {"CBEC_ROLE": role, "CBEC_PEER_URL": peer, "CBEC_INSTANCE_NAME": name, "CBEC_WALL_SERVERS": servers}
    return path, env


class When:
    """The first moment a condition held, checked as often as asked."""

    def __init__(self, condition) -> None:
        self.condition, self.at = condition, None

    def check(self) -> None:
        if self.at is None and self.condition():
            self.at = time.monotonic()


def after(t: float | None, since: float) -> str:
    return "never" if t is None else f"{t - since:.1f} s"


def duty(app: App) -> dict:
    try:
        return app.health()["instance"]
    except Exception:
        return {}


def summary(db: Path, day: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "cbec.cli", "summary", "--db", str(db), "--date", day, "--json"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rate", type=float, default=1200, help="lists a second, as at the night's peak")
    ap.add_argument("--seconds", type=float, default=60, help="how long the feed runs at that rate")
    ap.add_argument("--kill-at", type=float, default=15, help="seconds into the feed the primary is killed")
    ap.add_argument("--primary-down", type=float, default=20, help="seconds the primary stays down")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cbec-failover-"))
    say(f"work folder {work}")
    broker = Broker(work / "broker").start()
    say(f"broker up at 127.0.0.1:{broker.port}")

    ports = free_port(), free_port()
    a_url, b_url = (f"http://127.0.0.1:{p}" for p in ports)
    servers = f"{a_url},{b_url}"
    a_cfg, a_env = instance_config(work, "a", broker, b_url, servers, "primary")
    b_cfg, b_env = instance_config(work, "b", broker, a_url, servers, "standby")
    a_db, b_db = work / "a" / "a.duckdb", work / "b" / "b.duckdb"
    a = App(a_cfg, a_db, work / "a" / "app.log", a_env, port=ports[0])
    b = App(b_cfg, b_db, work / "b" / "app.log", b_env, port=ports[1])
    a.wait_healthy()
    b.wait_healthy()
    deadline = time.monotonic() + 30
    while not {"cbec.ceb.a", "cbec.ceb.b"} <= set(broker.queue_depths()) and time.monotonic() < deadline:
        time.sleep(0.5)
    say("both instances up, each with its own queue on the exchange")

    staging = work / "staging"
    start = time.time() + 5
    minutes = args.seconds * args.rate / 60_000 * 1.2 + 0.2  # the night starts near 1,150 lists a second
    plan = prepare(load_config(), staging, source_start=datetime(2019, 11, 11), source_minutes=minutes,
                   rate=args.rate, start=start, progress=say)  # fmt: skip
    plan = [p for p in plan if p.due <= start + args.seconds]
    want_lists = sum(p.lists for p in plan)
    say(f"feed: {len(plan):,} messages, {want_lists:,} lists over {args.seconds:g} s")

    wall = Wall(a_url, servers)
    feed = Feed(plan, staging, broker.url)
    t0 = time.monotonic()
    feed.start()
    wall.watch(args.kill_at)
    a.kill9()
    killed = time.monotonic()
    say(f"primary killed with SIGKILL {args.kill_at:g} s into the feed")
    took_over = When(lambda: duty(b).get("on_duty") is True)
    wall.watch(args.primary_down, also=took_over.check)
    moved = next((t for t, url, _ in wall.samples if t > killed and url.startswith(b_url)), None)
    a = App(a_cfg, a_db, work / "a" / "app.log", a_env, port=ports[0])
    a.wait_healthy()
    back = time.monotonic()
    handed = When(lambda: duty(b).get("on_duty") is False)
    wall.watch(15, also=handed.check)
    gap = wall.longest_gap(t0 + 2, time.monotonic())
    say(f"the wall moved to the standby {after(moved, killed)} after the kill")
    say(f"longest the wall's figure stood still while the primary was killed and came back: {gap:.1f} s")
    say(f"the standby took over the notifications {after(took_over.at, killed)} after the kill")
    say(f"and handed them back {after(handed.at, back)} after the primary answered again")

    feed.join()
    say(f"feed done: {feed.sent:,} messages sent, {feed.retries} refused and sent again {feed.error}")
    deadline = time.monotonic() + 300
    while (broker.depth("cbec.ceb.a") or broker.depth("cbec.ceb.b")) and time.monotonic() < deadline:
        wall.watch(1)
    wall.watch(5)
    wall.close()
    a_duty, b_duty = duty(a), duty(b)
    a.stop()
    b.stop()
    day = datetime.fromtimestamp(start, BEIJING).date().isoformat()
    a_sum, b_sum = summary(a_db, day), summary(b_db, day)
    for key in sorted(set(a_sum) | set(b_sum)):
        say(f"  {key:28s} primary {a_sum.get(key)!s:>22s}   standby {b_sum.get(key)!s:>22s}")
    a_facts, b_facts = totals(a_db), totals(b_db)
    want_releases = sum(p.releases for p in plan)
    say(f"  facts: primary {a_facts['declared']:,} lists, {a_facts['receipts']:,} receipts;"
        f" standby {b_facts['declared']:,} lists, {b_facts['receipts']:,} receipts")  # fmt: skip
    checks = {
        "wall moved to the standby": moved is not None,
        f"wall never stood still over {WALL_GAP_LIMIT:g} s": gap <= WALL_GAP_LIMIT,
        "no figure ever went backwards on the wall": not wall.went_backwards(),
        "standby took over and handed back": took_over.at is not None and handed.at is not None,
        "primary sends again, standby stands by": a_duty.get("on_duty") is True and b_duty.get("on_duty") is False,
        "identical totals on both (every cbec summary key, and the facts)": a_sum == b_sum and a_facts == b_facts,
        f"every list sent is there once ({want_lists:,})": a_facts["declared"] == want_lists,
        f"every release sent is counted once ({want_releases:,})": a_sum["released_lists"] == want_releases,
        "every message sent": feed.sent == len(plan) and not feed.error,
    }
    for name, ok in checks.items():
        say(f"{'ok  ' if ok else 'FAIL'} {name}")
    broker.stop()
    return verdict(all(checks.values()), work)


if __name__ == "__main__":
    sys.exit(main())
