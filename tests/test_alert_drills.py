"""The simulator's fault switches drive every shipped rule to firing and back,
in a running runtime (rules with `for` shortened so the drill takes seconds;
rules over minutes or hours of data replay an ordinary night at a speed)."""

from __future__ import annotations

import json
import re
import time
from datetime import date
from pathlib import Path

import pytest
from receiver import Receiver

from base.config import load_config
from core.alerts.notify import Notifier
from core.alerts.rules import NotifyConfig
from core.live import active_alerts as wall_alerts
from core.runtime import Runtime
from core.webhook import Webhook

ROOT = Path(__file__).resolve().parent.parent
ORDINARY_NIGHT = date(2026, 11, 20)


def start_runtime(tmp_path, monkeypatch, *, speed: float | None = None, history: bool = False, xml: bool = False):
    config = (ROOT / "assets" / "config" / "cbec.toml").read_text(encoding="utf-8")
    # a source counts as stale after 3 s
    config = re.sub(r'(name = "simulator"[\s\S]*?stale_after_seconds = )\d+', r"\g<1>3", config, count=1)
    if history:  # last year's night for the release pace, and yesterday's last minutes
        config = config.replace("history_days = 30", "history_days = 1")
    else:
        config = config.replace(
            'name = "simulator"\nkind = "simulator"\n', 'name = "simulator"\nkind = "simulator"\nbackfill = false\n'
        )
    if xml:
        config = config.replace('inbox = "var/inbox"', f'inbox = "{tmp_path / "inbox"}"')
        monkeypatch.setenv("CBEC_XML_DEMO", "1")
    if speed:
        monkeypatch.setenv("CBEC_SIM_MODE", "replay")
        monkeypatch.setenv("CBEC_SIM_DAY", ORDINARY_NIGHT.isoformat())
        monkeypatch.setenv("CBEC_SIM_SPEED", str(speed))
    (tmp_path / "cbec.toml").write_text(config, encoding="utf-8")
    rules = (ROOT / "assets" / "config" / "alerts.toml").read_text(encoding="utf-8")
    rules = re.sub(r'^(for|keep_firing_for) = ".*"$', r'\1 = "0s"', rules, flags=re.M)
    (tmp_path / "alerts.toml").write_text(rules, encoding="utf-8")
    monkeypatch.setenv("CBEC_ALERTS", str(tmp_path / "alerts.toml"))
    monkeypatch.setenv("CBEC_REPORTS", str(tmp_path / "reports"))
    return Runtime(load_config(tmp_path / "cbec.toml"), db_path=tmp_path / "drill.duckdb").start()


@pytest.fixture
def drill(tmp_path, monkeypatch):
    rt = start_runtime(tmp_path, monkeypatch)
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
        ("link_saturated", True, "link_utilization_high", '"component": "eport_link"', "保税区 电子口岸链路 占用"),
        ("warehouse_full", "BSQ-W01", "warehouse_occupancy_high", '"warehouse": "BSQ-W01"', "保税区1号仓 库容占用"),
        ("equipment_down", "lishe/xray-1", "equipment_down", '"component": "xray-1"', "栎社 X光机1 离线"),
        ("source_stopped", True, "source_stale", '"collector": "simulator"', "模拟数据源 超过时限"),
    ],
)
def test_a_fault_fires_its_alert_and_clearing_it_resolves_it(drill, switch, value, rule, where, on_wall):
    rt, faults = drill
    run_drill(rt, faults, switch, value, rule, where, on_wall)


@pytest.mark.parametrize(
    ("switch", "speed", "options", "rule", "where", "on_wall"),
    [
        # three simulated hours with nobody deciding reviews take 12 s
        ("review_backlog", 900, {}, "manual_review_overdue", '"site": "bsq"', "保税区 人工审核最久已等"),
        # ten minutes of releases against the same minutes last year
        ("receipts_held", 60, {"history": True}, "release_pace_low", '"site": "city"', "放行速度仅为去年同时段"),
        ("error_receipts", 60, {}, "error_receipts_high", '"site": "bsq"', "保税区 异常回执"),
        # files set aside over the last hour: an hour passes in 15 s
        (
            "bad_messages",
            240,
            {"xml": True},
            "quarantine_rate_high",
            '"collector": "ceb_inbox"',
            "海关报文收件箱 最近一小时隔离",
        ),
    ],
)
def test_a_fault_over_the_night_fires_its_alert_and_clearing_it_resolves_it(
    tmp_path, monkeypatch, switch, speed, options, rule, where, on_wall
):
    rt = start_runtime(tmp_path, monkeypatch, speed=speed, **options)
    try:
        sim = rt.runner.sources()["simulator"]
        if options.get("history"):
            deadline = time.monotonic() + 90
            while sim.history_loading and time.monotonic() < deadline:
                time.sleep(0.5)
            assert not sim.history_loading, "history did not load"
        run_drill(rt, sim.faults, switch, True, rule, where, on_wall, seconds=40)
    finally:
        rt.stop()


def run_drill(rt, faults, switch, value, rule, where, on_wall, seconds: float = 20) -> None:
    def has(now):
        return any(r == rule and where in labels for r, labels in now)

    assert not has(wait_for(rt, lambda now: False, seconds=2))
    setattr(faults, switch, value)
    assert has(wait_for(rt, has, seconds)), f"{rule} did not fire"
    # and the wall's alert strip says it
    assert any(a["state"] == "firing" and on_wall in a["zh"] for a in wall_alerts(rt)), wall_alerts(rt)
    setattr(faults, switch, False if isinstance(value, bool) else None)
    assert not has(wait_for(rt, lambda now: not has(now), seconds)), f"{rule} did not resolve"
    with rt.store.reading() as con:
        rows = con.execute(
            "SELECT labels, list(to_state ORDER BY changed_at) FROM alert_transition"
            " WHERE rule = ? AND labels LIKE ? GROUP BY labels",
            [rule, f"%{where}%"],
        ).fetchall()
    assert rows and all(states[:2] == ["firing", "resolved"] for _, states in rows), rows


def test_a_whole_site_filling_up_is_one_alert_on_the_wall_and_one_notification(drill, monkeypatch):
    rt, faults = drill
    monkeypatch.setenv("CBEC_TEST_ROBOT_KEY", "k1")
    receiver = Receiver([])
    try:
        with rt.store.reading() as con:
            rt.alerts.notifier = Notifier(
                NotifyConfig(webhook_url=receiver.url), Webhook(receiver.url, "wecom", retries=1, sleep=lambda s: None),
                con, rt.names, rt.alerts.evaluator.rules,
            )  # fmt: skip
        faults.warehouse_full = "bsq"  # all 23 warehouses of the Bonded Zone
        wait_for(rt, lambda now: sum(r == "warehouse_occupancy_high" for r, _ in now) == 23)
        for _ in range(3):  # later evaluations add nothing
            firing(rt)
        (alert,) = [a for a in wall_alerts(rt) if a["site"] == "bsq"]
        assert alert["state"] == "firing" and alert["count"] == 23
        assert alert["zh"].startswith("保税区 仓库库容紧张：保税区") and "等23处" in alert["zh"]
        assert "BSQ" not in alert["zh"] + alert["en"]
        with rt.store.reading() as con:
            sent = con.execute("SELECT kind, site, instances FROM alert_delivery WHERE rule = ?",
                               ["warehouse_occupancy_high"]).fetchall()  # fmt: skip
        # one post for the 23 warehouses (another rule the simulated night trips on its own may post too)
        about = [p for p in receiver.posts if "仓库库容紧张" in json.dumps(p, ensure_ascii=False)]
        assert sent == [("firing", "bsq", 23)] and len(about) == 1
    finally:
        faults.warehouse_full = None
        receiver.close()
