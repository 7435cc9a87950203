"""Starts the app as `make run` does (the same command), on a port of its own,
with a configuration and database of the drill's, and stops or kills it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "assets" / "config" / "cbec.toml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def drill_config(
    folder: Path, *, simulator: bool = True, inbox: Path | None = None, backfill: bool = True, extra: str = ""
) -> Path:
    """The shipped configuration with the simulator on or off (and without its
    history), the inbox collector on a folder of the drill's, and any other
    `key = value` lines changed."""
    text = CONFIG.read_text(encoding="utf-8")
    if not backfill:
        text = text.replace('[[collector]]\nname = "simulator"\nkind = "simulator"\n',
                            '[[collector]]\nname = "simulator"\nkind = "simulator"\nbackfill = false\n')  # fmt: skip
    if not simulator:
        text = text.replace('[[collector]]\nname = "simulator"\nkind = "simulator"\n',
                            '[[collector]]\nname = "simulator"\nkind = "simulator"\nenabled = false\n')  # fmt: skip
    if inbox is not None:
        text = text.replace('inbox = "var/inbox"', f'inbox = "{inbox}"')
        text = text.replace('name = "ceb_inbox"\nkind = "ceb_inbox"\nenabled = false',
                            'name = "ceb_inbox"\nkind = "ceb_inbox"\nenabled = true')  # fmt: skip
    for line in extra.strip().splitlines():
        key = line.split("=")[0].strip()
        text = "\n".join(line if row.startswith(key + " =") else row for row in text.splitlines()) + "\n"
    path = folder / "cbec.toml"
    path.write_text(text, encoding="utf-8")
    return path


class App:
    def __init__(self, config: Path, db: Path, log: Path, env: dict | None = None, port: int | None = None):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {**os.environ, "CBEC_CONFIG": str(config), "CBEC_DB": str(db), **(env or {})}
        env["CBEC_REPORTS"] = str(db.parent / "reports")
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(
                [str(ROOT / ".venv" / "bin" / "streamlit"), "run", "streamlit_app.py", "--server.port", str(self.port)],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def wait_healthy(self, timeout: float = 90) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the app exited with {self.proc.returncode}; see {self.log}")
            try:
                r = httpx.get(f"{self.base}/healthz", timeout=2)
                if r.status_code == 200:
                    return r.json()
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise TimeoutError("the app did not answer /healthz in time")

    def health(self) -> dict:
        return httpx.get(f"{self.base}/healthz", timeout=5).json()

    def metrics(self) -> str:
        return httpx.get(f"{self.base}/metrics", timeout=5).text

    def kill9(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self, timeout: float = 60) -> int:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill9()
        return self.proc.returncode


def say(text: str) -> None:
    print(text, flush=True)
    sys.stdout.flush()


def verdict(ok: bool, work: Path) -> int:
    """Says PASS or FAIL; a passed drill's folder goes, a failed one's stays for a look."""
    say("PASS" if ok else f"FAIL (the drill's files are in {work})")
    if ok:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1
