"""The simulator's fault switches drive the shipped rules to firing and back,
in a running runtime (rules with `for` shortened so the drill takes seconds)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from cbec.config import load_config
from collectors.runtime import Runtime
from dashboard.wall_data import active_alerts as wall_alerts

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def drill(tmp_path, monkeypatch):
    config = (ROOT / "assets" / "config" / "cbec.toml").read_text(encoding="utf-8")
    # no history to back-fill, and a source counts as stale after 3 s
    config = config.replace(
        'name = "simulator"\nkind = "simulator"\n', 'name = "simulator"\nkind = "simulator"\nbackfill = false\n'
    )
    config = re.sub(r'(name = "simulator"[\s\S]*?stale_after_seconds = )\d+', r"\g<1>3", config, count=1)
    (tmp_path / "cbec.toml").write_text(config, encoding="utf-8")
    rules = (ROOT / "assets" / "config" / "alerts.toml").read_text(encoding="utf-8")
    rules = re.sub(r'^(for|keep_firing_for) = ".*"$', r'\1 = "0s"', rules, flags=re.M)
    (tmp_path / "alerts.toml").write_text(rules, encoding="utf-8")
    monkeypatch.setenv("CBEC_ALERTS", str(tmp_path / "alerts.toml"))
    monkeypatch.setenv("CBEC_REPORTS", str(tmp_path / "reports"))
    rt = Runtime(load_config(tmp_path / "cbec.toml"), db_path=tmp_path / "drill.duckdb").start()
    yield rt, rt.runner.sources()["simulator"].faults
    rt.stop()


def firing(rt) -> set[tuple[str, str]]:
    rt.alerts.evaluate()
    return {(i.rule, i.labels) for i in rt.alerts.active() if i.state == "firing"}


def wait_for(rt, predicate, seconds: float = 20) -> set:
    deadline = time.monotonic() + seconds
    while True:
        now = firing(rt)
        if predicate(now) or time.monotonic() > deadline:
            return now
        time.sleep(0.5)


@pytest.mark.parametrize(
    ("switch", "value", "rule", "where", "on_wall"),
    [
        ("link_saturated", True, "link_utilization_high", '"component": "eport_link"', "保税区 链路 eport_link 占用"),
        ("warehouse_full", "BSQ-W01", "warehouse_occupancy_high", '"warehouse": "BSQ-W01"', "仓库 BSQ-W01（保税区）"),
        ("equipment_down", "lishe/xray-1", "equipment_down", '"component": "xray-1"', "栎社 设备 xray-1 离线"),
        ("source_stopped", True, "source_stale", '"collector": "simulator"', "数据源 simulator 超过阈值"),
    ],
)
def test_a_fault_fires_its_alert_and_clearing_it_resolves_it(drill, switch, value, rule, where, on_wall):
    rt, faults = drill

    def has(now):
        return any(r == rule and where in labels for r, labels in now)

    assert not has(wait_for(rt, lambda now: False, seconds=2))
    setattr(faults, switch, value)
    assert has(wait_for(rt, has)), f"{rule} did not fire"
    # and the wall's alert strip says it
    assert any(a["state"] == "firing" and on_wall in a["zh"] for a in wall_alerts(rt)), wall_alerts(rt)
    setattr(faults, switch, False if isinstance(value, bool) else None)
    assert not has(wait_for(rt, lambda now: not has(now))), f"{rule} did not resolve"
    with rt.store.reading() as con:
        rows = con.execute(
            "SELECT labels, list(to_state ORDER BY changed_at) FROM alert_transition"
            " WHERE rule = ? AND labels LIKE ? GROUP BY labels",
            [rule, f"%{where}%"],
        ).fetchall()
    assert rows and all(states[:2] == ["firing", "resolved"] for _, states in rows), rows
