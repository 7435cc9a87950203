"""One ffmpeg per camera, kept running: started with the runtime, restarted with
backoff when it exits or stops writing segments, stopped (its whole process
group) when the runtime stops, so no ffmpeg outlives the app.

A camera's state is read from its folder: `playing` while a new segment came
within the threshold, `reconnecting` while its ffmpeg (re)starts, `down` once no
segment came for longer than the threshold (or ffmpeg cannot run at all)."""

from __future__ import annotations

import ctypes
import logging
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from base import redact
from base.config import Camera, Config
from collectors.video import ffmpeg

log = logging.getLogger("cbec.video")
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child before exec: the kernel kills it when the app dies, even by kill -9."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


STATES = ("playing", "reconnecting", "down")
CHECK_S = 0.5
HEALTHY_RUN_S = 30.0  # a process that wrote segments this long resets the backoff


@dataclass
class _Feed:
    camera: Camera
    folder: Path
    proc: subprocess.Popen | None = None
    started: float = 0.0  # monotonic, of the current process
    next_start: float = 0.0
    failures: int = 0
    launches: int = 0
    last_segment: float | None = None  # wall-clock time of the newest playlist write
    created: float = 0.0  # wall-clock: a camera that never sent a segment is down this long after
    launched: float = 0.0  # wall-clock start of the current process
    why: str = ""  # the last error line, cut of URLs and credentials


class Supervisor:
    def __init__(
        self,
        config: Config,
        *,
        clock: Callable[[], float] = time.time,
        label: Callable[[Camera], str] = lambda c: f"{c.site} {c.name}",
    ):
        self.config = config
        self.label = label  # what a test feed burns in beside its clock
        self.video = config.video
        self.clock = clock
        self.exe = ffmpeg.program(self.video)
        self._feeds = {
            (c.site, c.name): _Feed(c, self.video.folder / c.site / c.name, created=clock()) for c in self.video.cameras
        }  # fmt: skip
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if self.exe is None:
            for f in self._feeds.values():
                f.why = "ffmpeg not installed"

    # -- the loop ---------------------------------------------------------------
    def start(self) -> Supervisor:
        if self._feeds and self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="video-supervisor", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        with self._lock:
            for f in self._feeds.values():
                self._end(f)

    def _loop(self) -> None:
        while not self._stop.is_set():
            for f in self._feeds.values():
                try:
                    self._check(f)
                except Exception:  # one camera never stops the others
                    log.exception("camera %s/%s: supervision failed", f.camera.site, f.camera.name)
            self._stop.wait(CHECK_S)

    def _check(self, f: _Feed) -> None:
        now = time.monotonic()
        self._see_segment(f)
        with self._lock:
            if self._stop.is_set() or self.exe is None:
                return
            if f.proc is not None and f.proc.poll() is not None:
                code = f.proc.returncode
                f.proc = None
                self._failed(f, now, f.why or f"ffmpeg exited with code {code}")
            elif f.proc is not None and now - f.started > 2 * self.video.stale_after_seconds:
                newest = f.last_segment or 0.0
                if self.clock() - newest > 2 * self.video.stale_after_seconds:
                    # running but writing nothing (a stalled stream): end it and start again
                    self._end(f)
                    self._failed(f, now, f.why or "no new segment from a running ffmpeg")
            if f.proc is None and now >= f.next_start:
                self._launch(f, now)

    def _failed(self, f: _Feed, now: float, why: str) -> None:
        ran = now - f.started
        f.failures = 0 if ran > HEALTHY_RUN_S and f.last_segment else f.failures + 1
        f.why = why
        delay = min(self.video.restart_max_seconds, 2.0 ** max(f.failures - 1, 0))
        f.next_start = now + delay
        log.warning("camera %s/%s: %s; restarting in %.0f s", f.camera.site, f.camera.name, why, delay)

    def _launch(self, f: _Feed, now: float) -> None:
        shutil.rmtree(f.folder, ignore_errors=True)  # the old segments would look new to a player
        f.folder.mkdir(parents=True, exist_ok=True)
        label = f.folder / "label.txt"
        label.write_text(self._label(f.camera), encoding="utf-8")
        try:
            argv = ffmpeg.command(f.camera, self.video, f.folder, label, self.exe or "ffmpeg")
        except ffmpeg.NoCredentials as e:
            f.started = now
            self._failed(f, now, str(e))
            return
        f.proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: stopped whole at the runtime's stop
            preexec_fn=_die_with_parent,  # and never left running by an app that was killed
            env={**os.environ, "TZ": "Asia/Shanghai"},  # the burned-in clock is Beijing time
        )
        f.started = now
        f.launched = self.clock()
        f.launches += 1
        threading.Thread(target=self._read_errors, args=(f, f.proc), daemon=True, name="video-stderr").start()

    def _label(self, camera: Camera) -> str:
        return self.label(camera).replace("%", "%%") + "  %{localtime:%X}"

    def _read_errors(self, f: _Feed, proc: subprocess.Popen) -> None:
        secret = ffmpeg.source_url(f.camera) if f.camera.credentials_env else ""
        for raw in proc.stderr:  # type: ignore[union-attr]
            line = raw.decode("utf-8", "replace").strip()
            if line:
                if secret:
                    line = line.replace(secret, redact.url(secret))
                f.why = redact.text(line)[:300]
        proc.stderr.close()  # type: ignore[union-attr]

    def _end(self, f: _Feed) -> None:
        proc, f.proc = f.proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(3)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(3)

    def _see_segment(self, f: _Feed) -> None:
        try:
            mtime = (f.folder / ffmpeg.PLAYLIST).stat().st_mtime
        except OSError:
            return
        # the folder is emptied at each launch, so a playlist there is the current process's
        if f.last_segment is None or mtime > f.last_segment:
            f.last_segment = mtime

    # -- what screens and metrics read --------------------------------------------
    def states(self) -> list[dict]:
        """Each camera: site, name, kind, state, last segment age (s, None before any), why, restarts."""
        now = self.clock()
        out = []
        with self._lock:
            for f in self._feeds.values():
                age = None if f.last_segment is None else max(0.0, now - f.last_segment)
                waiting = now - (f.last_segment or f.created)
                running = f.proc is not None and f.proc.poll() is None
                if self.exe is None or waiting > self.video.stale_after_seconds:
                    state = "down"
                elif running and f.last_segment is not None and f.last_segment >= f.launched - 1:
                    state = "playing"
                else:
                    state = "reconnecting"
                out.append(
                    {
                        "site": f.camera.site,
                        "camera": f.camera.name,
                        "kind": f.camera.kind,
                        "state": state,
                        "segment_age_seconds": age,
                        "why": "" if state == "playing" else f.why,
                        "restarts": max(f.launches - 1, 0),
                        "source": redact.url(f.camera.url) if not f.camera.url.startswith("test:") else "test:",
                    }
                )
        return out

    def folder(self, site: str, camera: str) -> Path | None:
        f = self._feeds.get((site, camera))
        return f.folder if f else None

    def pids(self) -> list[int]:
        with self._lock:
            return [f.proc.pid for f in self._feeds.values() if f.proc is not None and f.proc.poll() is None]
