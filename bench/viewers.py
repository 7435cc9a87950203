"""What wall screens cost the server: 1, 10 and 30 headless screens on the city
wall in kiosk mode while the simulator replays the peak of 2019-11-11.

For each count a fresh app replays the night from 00:00 on a new database; the
screens open once its history is loaded, and the server process is measured
for `--seconds`: CPU (user + system) per second, resident memory over time,
bytes to each screen per panel refresh (the event stream carries the figures
every second and the panels when they change; the websocket only the page's
occasional settings), and how late each second's figures arrive after the
previous ones.

    make bench-viewers     (or: .venv/bin/python bench/viewers.py [--counts 1,10,30] [--seconds 120])
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]
TICK = os.sysconf("SC_CLK_TCK")
PAGE = 4096

# records when each streamed message reaches the page: they are due once a second
WATCH = """(() => {
  window.__arrivals = [];
  const Orig = window.EventSource;
  window.EventSource = function (url, opts) {
    const es = new Orig(url, opts);
    es.addEventListener('message', () => window.__arrivals.push(Date.now()));
    return es;
  };
  window.EventSource.CLOSED = Orig.CLOSED;
})();"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mib(pid: int) -> float:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE / 2**20


def stream_bytes(base: str) -> float:
    text = httpx.get(f"{base}/metrics", timeout=10).text
    for fam in text_string_to_metric_families(text):
        if fam.name == "cbec_wall_stream_sent_bytes":
            return sum(s.value for s in fam.samples if s.name.endswith("_total"))
    return 0.0


def start_app(db: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "CBEC_DB": str(db),
        "CBEC_SIM_MODE": "replay",
        "CBEC_SIM_DAY": "2019-11-11",
        "CBEC_SIM_SPEED": "1",
    }
    log = open(db.parent / "app.log", "wb")
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/streamlit"), "run", "streamlit_app.py", "--server.port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_for_history(base: str, timeout: float = 900) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            sim = httpx.get(f"{base}/healthz", timeout=5).json()["collectors"]["simulator"]
            if sim["state"] in ("ok", "quiet") and not sim["note"].startswith("back-filling"):
                return time.monotonic() - started
        except (httpx.HTTPError, KeyError, ValueError):
            pass
        time.sleep(1)
    raise TimeoutError("the simulator's history did not finish loading")


def measure(count: int, seconds: float, refresh: float) -> dict:
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix=f"viewers{count}-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_app(tmp / "bench.duckdb", port)
    try:
        history_s = wait_for_history(base)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            ws_bytes = [0]
            pages = []
            for _ in range(count):
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                page.add_init_script(WATCH)
                page.on(
                    "websocket",
                    lambda ws: ws.on(
                        "framereceived", lambda payload: ws_bytes.__setitem__(0, ws_bytes[0] + len(payload))
                    ),
                )
                page.goto(f"{base}/wall?kiosk=1&screen=city")
                page.wait_for_selector('[data-testid="wall-released"] .v:not(:empty)', timeout=120_000)
                pages.append(page)
            pages[0].wait_for_timeout(15_000)  # every screen settled (waiting this way lets events through)
            for page in pages:
                page.evaluate("() => { window.__arrivals = []; }")
            cpu0, ws0, sse0, t0 = cpu_seconds(proc.pid), ws_bytes[0], stream_bytes(base), time.monotonic()
            rss = []
            while time.monotonic() - t0 < seconds:
                rss.append(rss_mib(proc.pid))
                pages[0].wait_for_timeout(5_000)
            elapsed = time.monotonic() - t0
            cpu1, ws1, sse1 = cpu_seconds(proc.pid), ws_bytes[0], stream_bytes(base)
            late = []  # how much later than a second after the previous one each message came
            for page in pages:
                times = page.evaluate("() => window.__arrivals")
                late += [max(0, b - a - 1000) for a, b in zip(times, times[1:])]
            late.sort()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(60)
    refreshes = elapsed / refresh
    return {
        "screens": count,
        "history_s": history_s,
        "cpu_percent": (cpu1 - cpu0) / elapsed * 100,
        "rss_mib_median": statistics.median(rss),
        "rss_mib_max": max(rss),
        "bytes_per_refresh_per_screen": ((ws1 - ws0) + (sse1 - sse0)) / refreshes / count,
        "ws_bytes_per_second_per_screen": (ws1 - ws0) / elapsed / count,
        "sse_bytes_per_second_per_screen": (sse1 - sse0) / elapsed / count,
        "late_ms_median": statistics.median(late) if late else float("nan"),
        "late_ms_p95": late[int(len(late) * 0.95)] if late else float("nan"),
        "messages": len(late),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counts", default="1,10,30", help="numbers of screens, comma-separated")
    ap.add_argument("--seconds", type=float, default=120.0, help="measured seconds per count")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from base.config import load_config

    refresh = load_config().wall.refresh_seconds
    rows = []
    for n in (int(c) for c in args.counts.split(",")):
        row = measure(n, args.seconds, refresh)
        rows.append(row)
        print(
            f"{n:>3} screens: server CPU {row['cpu_percent']:5.1f}% of a core,"
            f" RSS median {row['rss_mib_median']:.0f} MiB (max {row['rss_mib_max']:.0f}),"
            f" {row['bytes_per_refresh_per_screen'] / 1024:.1f} KiB per refresh per screen"
            f" (stream {row['sse_bytes_per_second_per_screen']:.0f} B/s, websocket"
            f" {row['ws_bytes_per_second_per_screen']:.0f} B/s per screen), figures"
            f" late by {row['late_ms_median']:.0f} ms median, {row['late_ms_p95']:.0f} ms p95"
            f" ({row['messages']} gaps); history loaded in {row['history_s']:.0f} s",
            flush=True,
        )
    one = next((r for r in rows if r["screens"] == 1), None)
    if one:
        for r in rows:
            if r is not one:
                print(f"{r['screens']} screens cost {r['cpu_percent'] / one['cpu_percent']:.2f}x the server CPU of one")


if __name__ == "__main__":
    main()
