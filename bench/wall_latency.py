"""From a message file landing in the inbox to its figure on the city wall, end to end.

    .venv/bin/python bench/wall_latency.py [--quiet-seconds 60] [--peak-seconds 60]

The app runs as `make run` starts it (the simulator off, the inbox on, a store
that already holds a night), the city wall open in headless Chromium. Files of
the promotion's first minutes, one CEB621 per file and receipts 1-100 per file
(bench/inbox_feed.py), land at the rate of a quiet minute and then of the peak
(Ningbo: about 1,200 lists a second). For each file that releases lists, the
time from its landing to the first moment the wall's exact released count
includes it; p50/p95/max per phase.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout

from base.config import load_config  # noqa: E402
from bench.inbox_feed import drop, prepare, remove_tree  # noqa: E402
from queries.store import Store  # noqa: E402
from reliability.app import App, drill_config  # noqa: E402

NIGHT = ROOT / "var" / "bench" / "night.duckdb"
# a MutationObserver logs every value the wall's exact released count shows, with the time
OBSERVE = """() => {
  window.__shown = [];
  const host = [...document.querySelectorAll('*')].find((e) => e.shadowRoot && e.shadowRoot.querySelector('.wall'));
  const el = (host ? host.shadowRoot : document).querySelector('[data-testid="wall-released"] .s');
  const note = () => window.__shown.push([Date.now(), el.textContent]);
  note();
  new MutationObserver(note).observe(el, {childList: true, characterData: true, subtree: true});
}"""


def night_store() -> Path:
    """A store that holds 2019-11-11 00:00-14:00, made once (`cbec simulate`),
    and brought up to the present schema once: a copy of it opens with nothing to
    migrate, so no run measures a migration's writes."""
    if not NIGHT.exists():
        NIGHT.parent.mkdir(parents=True, exist_ok=True)
        cmd = [str(ROOT / ".venv/bin/cbec"), "simulate", "--date", "2019-11-11", "--until", "14:00", "--db"]
        subprocess.run([*cmd, str(NIGHT)], check=True, cwd=ROOT)
    Store(NIGHT).close()
    return NIGHT


def shown_count(text: str) -> int | None:
    m = re.match(r"\s*([\d,]+)", text)
    return int(m.group(1).replace(",", "")) if m else None


def latencies(plan, landed: list[float], shown: list[tuple[float, int]], base: int) -> list[float]:
    """Seconds from each releasing file's landing to the first figure that includes it."""
    out, total, k = [], base, 0
    for p, at in zip(plan, landed, strict=True):
        if not p.releases:
            continue
        total += p.releases
        while k < len(shown) and shown[k][1] < total:
            k += 1
        if k == len(shown):
            break  # never shown: counted by the caller
        out.append(max(0.0, shown[k][0] - at))
    return out


def summary(name: str, values: list[float], expected: int) -> str:
    if not values:
        return f"{name}: no figure moved"
    q = statistics.quantiles(values, n=100, method="inclusive")
    missing = f", {expected - len(values)} never shown" if len(values) < expected else ""
    return (
        f"{name}: {len(values):,} releasing files, landing to figure p50 {statistics.median(values) * 1000:.0f} ms, "
        f"p95 {q[94] * 1000:.0f} ms, max {max(values) * 1000:.0f} ms{missing}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quiet-seconds", type=float, default=60)
    ap.add_argument("--peak-seconds", type=float, default=60)
    ap.add_argument("--quiet-rate", type=float, default=20, help="lists a second in the quiet minute")
    ap.add_argument("--peak-rate", type=float, default=1200, help="lists a second at the peak")
    ap.add_argument("--store", choices=("night", "empty"), default="night", help="what the store holds at the start")
    args = ap.parse_args()
    config = load_config()
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)  # a fresh checkout has none
    work = Path(tempfile.mkdtemp(prefix="cbec-latency-", dir=ROOT / "var" / "bench"))
    try:
        db = work / "app.duckdb"
        if args.store == "night":
            shutil.copy(night_store(), db)
        inbox = work / "inbox"
        inbox.mkdir()
        phases = []
        start = time.time()  # a phase that lands later than planned is moved as a whole (inbox_feed.drop)
        for name, rate, seconds, source in (
            ("quiet", args.quiet_rate, args.quiet_seconds, datetime(2019, 11, 13, 0, 0)),
            ("peak", args.peak_rate, args.peak_seconds, datetime(2019, 11, 11, 0, 0)),
        ):
            lists_per_source_minute = 60 * 1200 if source.day == 11 else 100
            minutes = max(0.2, rate * seconds / lists_per_source_minute * 1.2)
            plan = prepare(
                config, work / f"staging-{name}", source_start=source, source_minutes=minutes, rate=rate, start=start
            )
            plan = [p for p in plan if p.due < start + seconds]
            phases.append((name, plan))
            start = plan[-1].due + 10 if plan else start
        app = App(drill_config(work, simulator=False, inbox=inbox), db, work / "app.log")
        try:
            app.wait_healthy()
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium")
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                page.goto(f"{app.base}/wall?kiosk=1&screen=city")
                page.wait_for_selector('[data-testid="wall-released"] .s:not(:empty)', timeout=60_000)
                page.evaluate(OBSERVE)
                for name, plan in phases:
                    shown0 = page.evaluate("window.__shown.length")
                    base = shown_count(page.evaluate("window.__shown[window.__shown.length - 1][1]")) or 0
                    landed = drop(plan, work / f"staging-{name}", inbox)
                    deadline = time.time() + 30
                    while any(inbox.iterdir()) and time.time() < deadline:
                        time.sleep(0.2)
                    time.sleep(2.0)
                    shown = [
                        (t / 1000, n)
                        for t, text in page.evaluate(f"window.__shown.slice({shown0})")
                        if (n := shown_count(text)) is not None
                    ]
                    releasing = sum(1 for p in plan if p.releases)
                    span = landed[-1] - landed[0] if len(landed) > 1 else 0
                    lists = sum(p.lists for p in plan)
                    print(
                        f"{name}: {len(plan):,} files ({lists:,} lists, {sum(p.records for p in plan):,} records) "
                        f"landed over {span:.0f} s = {lists / max(span, 1e-9):,.0f} lists/s"
                    )
                    print(summary(name, latencies(plan, landed, shown, base), releasing))
                browser.close()
        finally:
            app.stop()
    finally:
        remove_tree(work)


if __name__ == "__main__":
    main()
