"""What site video costs the server, and how late the picture is.

Part 1, CPU: the app (simulator off, so little else runs) with one camera, the
demo's test feed (640x360, 12 fps, libx264 ultrafast/zerolatency, 1 s fMP4 HLS
segments), served to 0, 1 and 10 viewers in turn, `--rounds` times interleaved.
A viewer is a plain HTTP client doing what hls.js does on a live stream: the
playlist about once a target duration, each new segment once (init.mp4 first).
Measured: CPU seconds per second (user + system, /proc) of the app process and
of the camera's ffmpeg, per phase; the medians over the rounds are printed.

Part 2, glass to glass: the app serves a camera whose segments this script's own
ffmpeg writes (the same encoder and HLS arguments as a test feed, built by
collectors/video/ffmpeg.py, but fed raw frames through a pipe), so the moment
each frame exists is known: every `--flip` seconds the frames turn from black to
white. Chromium (Debian's, headless) shows the bsq wall, whose video panel plays
the camera with the shipped player (assets/video/player.js, hls.js 1.7.4); a
requestVideoFrameCallback on its <video> notes when the picture turns white.
Delay = that moment minus the moment the first white frame went into ffmpeg. A
player's delay is fixed when it starts (how far into a segment it joins the
stream), so the wall is opened afresh `--starts` times, `--flips` flips each.

Part 3, a real camera's path: a camera's ffmpeg alone on tests/rtsp_server.py's stream,
re-encoding (transcode = "h264") and passing the H.264 through (transcode = "copy").

    .venv/bin/python bench/video.py [--rounds 3] [--seconds 15] [--starts 6] [--flips 4] [--only cpu|rtsp|glass]
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from base.config import Camera, load_config  # noqa: E402
from collectors.video import ffmpeg  # noqa: E402
from reliability.processes import cpu_seconds, ffmpeg_writing_into  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config_file(folder: Path, ffmpeg_program: str) -> Path:
    """The shipped configuration: simulator off, one camera (bsq camera-1, a test feed)."""
    text = (ROOT / "assets" / "config" / "cbec.toml").read_text(encoding="utf-8")
    start, end = text.index("[video]"), text.index("# ---- the scheduled digest")
    camera = '[[video.camera]]\nsite = "bsq"\nname = "camera-1"\nkind = "gate"\nurl = "test:"\n'
    video = f'[video]\nffmpeg = "{ffmpeg_program}"\n{camera}'
    text = text[:start] + video + "\n" + text[end:]
    text = text.replace('folder = "assets/config/reference"', f'folder = "{ROOT / "assets/config/reference"}"')
    text = text.replace(
        'name = "simulator"\nkind = "simulator"\n', 'name = "simulator"\nkind = "simulator"\nenabled = false\n'
    )
    path = folder / "cbec.toml"
    path.write_text(text, encoding="utf-8")
    return path


def start_app(folder: Path, config: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "CBEC_CONFIG": str(config), "CBEC_DB": str(folder / "v.duckdb"),
           "CBEC_REPORTS": str(folder / "reports"), "CBEC_EXPORTS": str(folder / "exports")}  # fmt: skip
    app = subprocess.Popen(
        [str(ROOT / ".venv/bin/streamlit"), "run", "streamlit_app.py", "--server.port", str(port),
         "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=open(folder / "app.log", "wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return app
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("the app did not start: " + (folder / "app.log").read_text(errors="replace")[-1500:])


class Viewer(threading.Thread):
    """A live HLS client as hls.js behaves: playlist once a target duration, each new segment once."""

    def __init__(self, base: str, stop: threading.Event):
        super().__init__(daemon=True)
        self.base, self.stop, self.bytes, self.segments = base, stop, 0, 0

    def run(self) -> None:
        seen: set[str] = set()
        with httpx.Client(timeout=5) as c:
            self.bytes += len(c.get(f"{self.base}/init.mp4").content)
            while not self.stop.is_set():
                t0 = time.monotonic()
                listing = c.get(f"{self.base}/index.m3u8").text
                for name in re.findall(r"^(seg\d+\.m4s)$", listing, re.M):
                    if name not in seen:
                        seen.add(name)
                        self.bytes += len(c.get(f"{self.base}/{name}").content)
                        self.segments += 1
                self.stop.wait(max(0.0, 1.0 - (time.monotonic() - t0)))


def cpu_part(rounds: int, seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        port = free_port()
        app = start_app(folder, config_file(folder, "ffmpeg"), port)
        try:
            base = f"http://127.0.0.1:{port}/video/bsq/camera-1"
            deadline = time.monotonic() + 20
            while httpx.get(f"http://127.0.0.1:{port}/healthz").json()["cameras"][0]["state"] != "playing":
                if time.monotonic() > deadline:
                    raise SystemExit("the camera did not start playing")
                time.sleep(0.5)
            enc = next(iter(ffmpeg_writing_into(folder / "video")), None)
            time.sleep(5)  # the runtime's start settles
            results: dict[int, list[tuple[float, float]]] = {0: [], 1: [], 10: []}
            for r in range(rounds):
                for n in (0, 1, 10):
                    stop = threading.Event()
                    viewers = [Viewer(base, stop) for _ in range(n)]
                    for v in viewers:
                        v.start()
                    time.sleep(3)  # every viewer past its first fetches
                    a0, f0, t0 = cpu_seconds(app.pid), cpu_seconds(enc), time.monotonic()
                    time.sleep(seconds)
                    a1, f1, t1 = cpu_seconds(app.pid), cpu_seconds(enc), time.monotonic()
                    stop.set()
                    for v in viewers:
                        v.join(5)
                    app_cpu, enc_cpu = (a1 - a0) / (t1 - t0), (f1 - f0) / (t1 - t0)
                    results[n].append((app_cpu, enc_cpu))
                    served = sum(v.segments for v in viewers)
                    line = (
                        f"round {r + 1} viewers {n:2d}: app {app_cpu * 100:5.1f}% CPU, ffmpeg {enc_cpu * 100:5.1f}% CPU"
                    )
                    print(f"{line}, segments served {served}", flush=True)
            print("\nmedians over rounds (one core = 100%):")
            print("viewers | app process | camera's ffmpeg | both")
            for n, rows in results.items():
                a, f = statistics.median(x[0] for x in rows), statistics.median(x[1] for x in rows)
                print(f"{n:7d} | {a * 100:10.1f}% | {f * 100:14.1f}% | {(a + f) * 100:4.1f}%")
        finally:
            app.terminate()
            app.wait(30)


# notes the moments the wall's picture turns white (mean of a 16x9 grab above the middle grey)
WATCH = """v => { window.__flips = []; let white = null;
  const c = document.createElement('canvas'); c.width = 16; c.height = 9; const g = c.getContext('2d');
  const look = () => { g.drawImage(v, 0, 0, 16, 9); const d = g.getImageData(0, 0, 16, 9).data;
    let s = 0; for (let i = 0; i < d.length; i += 4) s += d[i]; const now = s / (d.length / 4) > 128;
    if (white === false && now) window.__flips.push(Date.now()); white = now; v.requestVideoFrameCallback(look); };
  v.requestVideoFrameCallback(look); }"""


def glass_part(flips: int, flip_s: float, sessions: int) -> None:
    from playwright.sync_api import sync_playwright

    cfg = load_config()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        port = free_port()
        # the app's own supervisor finds no program, so this script's ffmpeg writes the camera's folder
        app = start_app(folder, config_file(folder, "no-ffmpeg-here"), port)
        out = folder / "video" / "bsq" / "camera-1"
        out.mkdir(parents=True, exist_ok=True)
        w, h = (int(x) for x in cfg.video.test_size.split("x"))
        fps = cfg.video.test_fps
        argv = ffmpeg.command(Camera("bsq", "camera-1", "gate", "test:"), cfg.video, out, out / "label.txt", "ffmpeg")
        i = argv.index("-re")  # the test feed's input, replaced by raw frames from this script
        argv[i : argv.index("-an")] = [
            "-f",
            "rawvideo",
            "-pix_fmt",
            "gray",
            "-s",
            f"{w}x{h}",
            "-r",
            str(fps),
            "-i",
            "pipe:0",
        ]
        enc = subprocess.Popen(argv, stdin=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
        frames = {False: bytes([16]) * (w * h), True: bytes([235]) * (w * h)}
        sent: list[float] = []
        runs: list[list[float]] = []
        stop = threading.Event()

        def feed() -> None:
            start, k, white = time.time(), 0, False
            while not stop.is_set():
                now_white = int((time.time() - start) / flip_s) % 2 == 1
                if now_white and not white:
                    sent.append(time.time() * 1000)
                white = now_white
                enc.stdin.write(frames[white])
                k += 1
                time.sleep(max(0.0, start + k / fps - time.time()))

        threading.Thread(target=feed, daemon=True).start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                # a player's delay is set when it starts (how far into a segment it joins): several starts
                for _ in range(sessions):
                    page.goto(f"http://127.0.0.1:{port}/wall?screen=bsq&kiosk=1")
                    video = page.locator('[data-testid="wall-video"] video')
                    video.wait_for(state="attached", timeout=60_000)
                    deadline = time.monotonic() + 30
                    while video.evaluate("v => v.readyState") < 2:
                        if time.monotonic() > deadline:
                            raise SystemExit("the wall's video did not start")
                        time.sleep(0.2)
                    video.evaluate(WATCH)
                    since = time.time() * 1000
                    time.sleep(flips * 2 * flip_s + 3)
                    seen = page.evaluate("() => window.__flips")
                    runs.append([d for d in _delays([x for x in sent if x > since], seen, flip_s) if d is not None])
                browser.close()
        finally:
            stop.set()
            enc.kill()
            app.terminate()
            app.wait(30)
        for i, delays in enumerate(runs, 1):
            if not delays:
                raise SystemExit(f"player start {i}: no flip seen on the wall")
            print(f"player start {i}: {len(delays)} flips, median {statistics.median(delays):.2f} s, "
                  f"min {min(delays):.2f} s, max {max(delays):.2f} s")  # fmt: skip
        every = [d for delays in runs for d in delays]
        print(f"glass to glass over {len(runs)} player starts, {len(every)} flips: median "
              f"{statistics.median(every):.2f} s, max {max(every):.2f} s")  # fmt: skip


def _delays(sent: list[float], seen: list[float], flip_s: float) -> list[float | None]:
    """For each flip sent, the seconds until the wall showed it (None when it never did)."""
    out = []
    for s in sent:
        after = [x for x in seen if x > s]
        out.append((after[0] - s) / 1000 if after and after[0] - s < 2 * flip_s * 1000 else None)
    return out


def rtsp_part(seconds: float) -> None:
    """A camera's ffmpeg alone on a real RTSP stream (tests/rtsp_server.py: 640x360, 15 fps H.264):
    CPU with transcode = "h264" (re-encoded) and "copy" (the camera's H.264 as it is)."""
    cfg = load_config()
    port = free_port()
    server = subprocess.Popen(["/usr/bin/python3", str(ROOT / "tests" / "rtsp_server.py"), str(port)],
                              stdout=subprocess.PIPE, start_new_session=True)  # fmt: skip
    server.stdout.readline()
    try:
        for transcode in ("h264", "copy"):
            with tempfile.TemporaryDirectory() as tmp:
                cam = Camera("bsq", "camera-1", "gate", f"rtsp://127.0.0.1:{port}/cam", transcode=transcode)
                argv = ffmpeg.command(cam, cfg.video, Path(tmp), Path(tmp) / "label.txt", "ffmpeg")
                enc = subprocess.Popen(argv, stderr=subprocess.DEVNULL, start_new_session=True)
                time.sleep(4)
                c0, t0 = cpu_seconds(enc.pid), time.monotonic()
                time.sleep(seconds)
                c1, t1 = cpu_seconds(enc.pid), time.monotonic()
                enc.kill()
                enc.wait()
                print(f"RTSP 640x360 15 fps, transcode = {transcode}: ffmpeg {(c1 - c0) / (t1 - t0) * 100:.1f}% CPU")
    finally:
        server.kill()
        server.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=15.0)
    ap.add_argument("--flips", type=int, default=4, help="flips watched per player start")
    ap.add_argument("--starts", type=int, default=6, help="times the wall's player is started afresh")
    # not a whole number of segments: each flip falls at another point of its segment
    ap.add_argument("--flip", type=float, default=2.3, help="seconds black, then as long white")
    ap.add_argument("--only", choices=("cpu", "glass", "rtsp"), default=None)
    args = ap.parse_args()
    if args.only in (None, "cpu"):
        cpu_part(args.rounds, args.seconds)
    if args.only in (None, "rtsp"):
        rtsp_part(args.seconds)
    if args.only in (None, "glass"):
        glass_part(args.flips, args.flip, args.starts)


if __name__ == "__main__":
    main()
