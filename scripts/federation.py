"""A local national tier anyone can start (`make federation`): three district apps
with their own configuration and simulator seed, one Debian Prometheus scraping
their /metrics (honor_labels, so each series keeps its `district`), and one
national app reading that Prometheus and the districts' Parquet exports.

Everything it writes lives under --folder (default var/federation): the
configurations it derives from assets/config/cbec.toml, each district's database,
the shared exports folder, Prometheus' data and every process's log. Ctrl-C (or
SIGTERM) stops what it started."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"


@dataclass(frozen=True)
class DistrictPlan:
    code: str
    name_zh: str
    name_en: str
    seed: int
    ordinary_day_lists: int  # each district draws its own day


DISTRICTS = (
    DistrictPlan("3100", "宁波海关", "Ningbo Customs", 20191111, 260000),
    DistrictPlan("2900", "杭州海关", "Hangzhou Customs", 20191112, 180000),
    DistrictPlan("5100", "广州海关", "Guangzhou Customs", 20191113, 120000),
)


def district_config(plan: DistrictPlan, history_days: int) -> str:
    """The shipped configuration with this district's identity, seed and size: an
    ordinary day live (light on a small machine) and a short back-filled history."""
    text = (ROOT / "assets" / "config" / "cbec.toml").read_text(encoding="utf-8")
    subs = (
        (r'(?m)^name_zh = "宁波海关"$', f'name_zh = "{plan.name_zh}"'),
        (r'(?m)^name_en = "Ningbo Customs"$', f'name_en = "{plan.name_en}"'),
        (r'(?m)^code = "3100"$', f'code = "{plan.code}"'),
        (r"(?m)^seed = \d+$", f"seed = {plan.seed}"),
        (r'(?m)^live_day_kind = "\w+"$', 'live_day_kind = "ordinary"'),
        (r"(?m)^ordinary_day_lists = \d+$", f"ordinary_day_lists = {plan.ordinary_day_lists}"),
        (r"(?m)^history_days = \d+$", f"history_days = {history_days}"),
    )
    for pattern, repl in subs:
        text, n = re.subn(pattern, repl, text, count=1)
        if n != 1:
            raise SystemExit(f"federation: assets/config/cbec.toml has no line matching {pattern}")
    return text


def national_config(prometheus_url: str, exports: Path, ports: dict[str, int], stale_after: float) -> str:
    districts = "".join(
        f'[[national.district]]\ncode = "{p.code}"\nname_zh = "{p.name_zh}"\nname_en = "{p.name_en}"\n'
        f'url = "http://127.0.0.1:{ports[p.code]}"\n\n'
        for p in DISTRICTS
    )
    return (
        '[district]\nname_zh = "海关总署"\nname_en = "General Administration of Customs"\ncode = "0000"\n\n'
        f'[reference]\nfolder = "{ROOT / "assets" / "config" / "reference"}"\n\n'
        f'[national]\nprometheus_url = "{prometheus_url}"\nexports = "{exports}"\n'
        f"stale_after_seconds = {stale_after}\n\n" + districts
    )


def prometheus_config(ports: dict[str, int], scrape_seconds: float) -> str:
    targets = ", ".join(f"'127.0.0.1:{p}'" for p in ports.values())
    every = f"{round(scrape_seconds * 1000)}ms"
    return (
        f"global: {{scrape_interval: {every}, evaluation_interval: {every}}}\n"
        "scrape_configs:\n"
        "  - job_name: cbec_districts\n"
        "    honor_labels: true  # keep each series' own district label\n"
        "    metrics_path: /metrics\n"
        f"    static_configs: [{{targets: [{targets}]}}]\n"
    )


def _backfilling(health: dict) -> bool:
    """A district whose sources have not run yet or still write simulated history (its days are not whole)."""
    return any(h.get("state") == "starting" or str(h.get("note", "")).startswith("back-filling")
               for h in health.get("collectors", {}).values())  # fmt: skip


class Federation:
    def __init__(self, folder: Path, base_port: int, prometheus_port: int, scrape_seconds: float, stale_after: float,
                 history_days: int):  # fmt: skip
        self.folder = folder
        self.exports = folder / "exports"
        self.ports = {p.code: base_port + 1 + i for i, p in enumerate(DISTRICTS)}
        self.national_port = base_port
        self.prometheus_url = f"http://127.0.0.1:{prometheus_port}"
        self.prometheus_port = prometheus_port
        self.scrape_seconds = scrape_seconds
        self.stale_after = stale_after
        self.history_days = history_days
        self.procs: dict[str, subprocess.Popen] = {}

    def write_files(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.exports.mkdir(exist_ok=True)
        for p in DISTRICTS:
            (self.folder / f"district-{p.code}.toml").write_text(district_config(p, self.history_days), "utf-8")
        (self.folder / "national.toml").write_text(
            national_config(self.prometheus_url, self.exports, self.ports, self.stale_after), "utf-8"
        )
        (self.folder / "prometheus.yml").write_text(prometheus_config(self.ports, self.scrape_seconds), "utf-8")

    def _start(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        log = open(self.folder / f"{name}.log", "ab")
        self.procs[name] = subprocess.Popen(
            argv, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def _app(self, name: str, port: int, config: Path, db: Path) -> None:
        env = {"CBEC_CONFIG": str(config), "CBEC_DB": str(db), "CBEC_EXPORTS": str(self.exports),
               "CBEC_REPORTS": str(self.folder / f"reports-{name}"), "PYTHONPATH": str(ROOT)}  # fmt: skip
        streamlit = str(Path(sys.executable).parent / "streamlit")
        self._start(name, [streamlit, "run", "streamlit_app.py", "--server.port", str(port),
                           "--server.headless", "true"], env)  # fmt: skip

    def start_district(self, code: str) -> None:
        self._app(f"district-{code}", self.ports[code], self.folder / f"district-{code}.toml",
                  self.folder / f"district-{code}.duckdb")  # fmt: skip

    def start(self) -> None:
        self.write_files()
        for p in DISTRICTS:
            self.start_district(p.code)
        self._start("prometheus", [PROMETHEUS, f"--config.file={self.folder / 'prometheus.yml'}",
                                   f"--storage.tsdb.path={self.folder / 'tsdb'}",
                                   f"--web.listen-address=127.0.0.1:{self.prometheus_port}"])  # fmt: skip
        self._app("national", self.national_port, self.folder / "national.toml", self.folder / "national.duckdb")

    def urls(self) -> dict[str, str]:
        out = {f"district-{c}": f"http://127.0.0.1:{port}" for c, port in self.ports.items()}
        return {**out, "prometheus": self.prometheus_url, "national": f"http://127.0.0.1:{self.national_port}"}

    def wait_ready(self, timeout: float = 180) -> None:
        checks = {name: f"{url}/-/ready" if name == "prometheus" else f"{url}/healthz"
                  for name, url in self.urls().items()}  # fmt: skip
        deadline = time.monotonic() + timeout
        waiting = dict(checks)
        while waiting:
            for name, url in list(waiting.items()):
                proc = self.procs[name]
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}; see {self.folder / (name + '.log')}")
                try:
                    r = httpx.get(url, timeout=2, trust_env=False)
                    if r.status_code == 200 and (name == "prometheus" or not _backfilling(r.json())):
                        del waiting[name]
                except (httpx.HTTPError, ValueError):
                    pass
            if waiting and time.monotonic() > deadline:
                raise TimeoutError(f"not ready in {timeout:.0f} s: {', '.join(waiting)}")
            time.sleep(0.5)

    def stop(self, name: str) -> None:
        proc = self.procs.get(name)
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

    def stop_all(self) -> None:
        for name in reversed(list(self.procs)):
            self.stop(name)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--folder", default=str(ROOT / "var" / "federation"), help="where everything is written")
    p.add_argument("--port", type=int, default=8510, help="the national app; the districts take the next three")
    p.add_argument("--prometheus-port", type=int, default=9490)
    p.add_argument("--scrape-seconds", type=float, default=5.0, help="Prometheus' scrape interval")
    p.add_argument("--stale-after", type=float, default=20.0, help="a district without a new sample this long is stale")
    p.add_argument("--history-days", type=int, default=3, help="days each district back-fills at start")
    p.add_argument("--ready-file", help="write the addresses as JSON here once everything answers")
    args = p.parse_args(argv)
    fed = Federation(Path(args.folder).resolve(), args.port, args.prometheus_port, args.scrape_seconds,
                     args.stale_after, args.history_days)  # fmt: skip
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        fed.start()
        fed.wait_ready()
        urls = fed.urls()
        if args.ready_file:
            Path(args.ready_file).write_text(json.dumps(urls), encoding="utf-8")
        print("the national tier is up (Ctrl-C stops it):")
        for name, url in urls.items():
            print(f"  {name:15} {url}")
        told = set()
        while not stopping:  # a district that stops is said once; the others run on (the wall shows it stale)
            for name, proc in fed.procs.items():
                if proc.poll() is not None and name not in told:
                    print(f"federation: {name} stopped ({proc.returncode}); see {fed.folder / (name + '.log')}")
                    told.add(name)
            time.sleep(1)
    finally:
        fed.stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
