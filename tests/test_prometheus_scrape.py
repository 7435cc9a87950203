"""The Prometheus scrape source against Debian's real node exporter on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from browser import free_port
from streamlit.testing.v1 import AppTest

from collectors.prometheus_scrape.source import PrometheusScrapeSource, Target, parse_exposition
from collectors.runner import Runner, Schedule
from core.runtime import Runtime

ROOT = Path(__file__).resolve().parent.parent
EXPORTER = shutil.which("prometheus-node-exporter")


class NodeExporter:
    def __init__(self):
        self.port = free_port()
        self.proc = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/metrics"

    def start(self):
        self.proc = subprocess.Popen(
            [
                EXPORTER,
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--collector.disable-defaults",
                "--collector.netdev",
                "--collector.netdev.device-exclude=^$",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("node exporter did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.fixture
def exporter():
    assert EXPORTER, "prometheus-node-exporter is not installed (make test installs it)"
    e = NodeExporter()
    e.start()
    yield e
    e.stop()


def loopback_bytes() -> int:
    for line in Path("/proc/net/dev").read_text().splitlines():
        if line.strip().startswith("lo:"):
            fields = line.split(":", 1)[1].split()
            return int(fields[0])
    raise RuntimeError("no loopback device")


def push_over_loopback(n_bytes: int) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def drain():
        conn, _ = server.accept()
        while conn.recv(1 << 20):
            pass
        conn.close()

    t = threading.Thread(target=drain)
    t.start()
    with socket.create_connection(server.getsockname()) as c:
        chunk = b"x" * (1 << 20)
        for _ in range(n_bytes // len(chunk)):
            c.sendall(chunk)
    t.join(10)
    server.close()


def test_exposition_is_parsed_with_the_client_library(exporter):
    samples = parse_exposition(httpx.get(exporter.url).text)
    devices = {labels["device"] for labels, _ in samples["node_network_receive_bytes_total"]}
    assert "lo" in devices


def test_real_loopback_throughput_then_stale_then_healthy(exporter, tmp_path, config):
    rt = Runtime(config, db_path=tmp_path / "p.duckdb", with_collectors=False)
    source = PrometheusScrapeSource(
        "gateway", [Target(exporter.url, site="bsq", component="gateway_lo", device="lo", capacity_bps=1e9)]
    )
    runner = Runner(rt.sink, on_run=rt._record_run)
    runner.add(source, Schedule(interval_s=1, timeout_s=5, stale_after_s=2))
    rt.runner = runner

    before = loopback_bytes()
    runner.run_once("gateway")
    sent = 40 << 20
    push_over_loopback(sent)
    time.sleep(0.5)
    runner.run_once("gateway")
    after = loopback_bytes()
    con = rt.store.cursor()
    rows = dict(
        con.execute(
            "SELECT metric, value FROM health_sample WHERE component = 'gateway_lo' "
            "AND metric IN ('throughput_bps', 'utilization_ratio')"
        ).fetchall()
    )
    times = [r[0] for r in con.execute("SELECT DISTINCT sampled_at FROM health_sample ORDER BY 1").fetchall()]
    seconds = (times[-1] - times[0]).total_seconds()
    assert rows["throughput_bps"] >= 8 * sent / seconds * 0.99  # what we pushed, at least
    assert rows["throughput_bps"] * seconds / 8 <= (after - before) * 1.01  # never more than the kernel counted
    assert rows["utilization_ratio"] == pytest.approx(rows["throughput_bps"] / 1e9, rel=1e-3)
    assert runner.snapshot()["gateway"]["state"] == "ok"

    # the system-health page shows it
    at = AppTest.from_file(str(ROOT / "dashboard" / "frame.py"), default_timeout=60)
    rt.adopt()
    at.run()
    at.switch_page("app_pages/system_health.py").run()
    assert not at.exception
    html = " ".join(h.proto.body for h in at.get("html"))
    assert "gateway_lo" in html and "bit/s" in html

    exporter.stop()
    runner.run_once("gateway")
    h = runner.snapshot()["gateway"]
    assert h["state"] == "error" and "ConnectError" in h["last_error"]
    down = con.execute(
        "SELECT value FROM health_sample WHERE component = 'gateway_lo' AND metric = 'up' "
        "ORDER BY sampled_at DESC LIMIT 1"
    ).fetchall()[0][0]
    assert down == 0
    time.sleep(2.2)
    assert runner.snapshot()["gateway"]["stale"] is True
    assert 'cbec_collector_stale{collector="gateway",district="3100"} 1.0' in rt.metrics_text().decode()
    rt.config = replace(rt.config, stale_after_seconds=2)
    assert 'cbec_component_stale{component="gateway_lo",district="3100",site="bsq"} 1.0' in rt.metrics_text().decode()
    refresh = rt.config.refresh_seconds
    time.sleep(refresh - time.time() % refresh + 0.05)  # the next refresh interval
    at.run()
    assert any("gateway" in h.proto.body for h in at.get("html") if "stale-banner" in h.proto.body)
    # the link's own tile keeps its last figure, marked as old
    tile = next(h.proto.body for h in at.get("html") if 'data-testid="link-bsq-gateway_lo"' in h.proto.body)
    assert "cbec-tile-old" in tile and "数据停滞" in tile

    exporter.start()
    runner.run_once("gateway")
    h = runner.snapshot()["gateway"]
    assert h["state"] == "ok" and h["stale"] is False
    text = rt.metrics_text().decode()
    assert 'cbec_collector_stale{collector="gateway",district="3100"} 0.0' in text
    assert 'cbec_component_stale{component="gateway_lo",district="3100",site="bsq"} 0.0' in text
    rt.stop()


PROMETHEUS = shutil.which("prometheus")


def test_series_from_a_real_prometheus_servers_query_api(exporter, tmp_path, config):
    from collectors.prometheus_scrape.api import PrometheusApiSource, Query

    assert PROMETHEUS, "prometheus is not installed (make test installs it)"
    port = free_port()
    (tmp_path / "prometheus.yml").write_text(
        "global: {scrape_interval: 1s}\n"
        f"scrape_configs:\n  - job_name: gates\n    static_configs: [{{targets: ['127.0.0.1:{exporter.port}']}}]\n"
    )
    proc = subprocess.Popen(
        [
            PROMETHEUS,
            f"--config.file={tmp_path / 'prometheus.yml'}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    rt = Runtime(config, db_path=tmp_path / "q.duckdb", with_collectors=False)
    try:
        source = PrometheusApiSource(
            "prom", f"http://127.0.0.1:{port}", [Query('up{job="gates"}', site="lishe", kind="gate", metric="up")]
        )
        deadline = time.monotonic() + 60
        got = None
        while time.monotonic() < deadline:
            try:
                got = source.collect(rt.sink)
                if got.records:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        assert got is not None and got.records == 1
        row = (
            rt.store.cursor().execute("SELECT site_code, component, kind, metric, value FROM health_sample").fetchall()
        )
        assert row == [("lishe", f"127.0.0.1:{exporter.port}", "gate", "up", 1.0)]
    finally:
        proc.terminate()
        proc.wait(20)
        rt.stop()
