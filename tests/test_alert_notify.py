"""Alert notifications: grouped by rule and site, repeated while firing unless
acknowledged, silent when silenced, retried and recorded."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from receiver import Receiver

from base.config import load_config
from core.alerts import loop
from core.alerts.rules import AlertConfig, NotifyConfig, load_rules
from core.alerts.runner import AlertRunner
from core.names import Names
from core.webhook import Webhook

T0 = datetime(2019, 11, 11, 1, 0)


def occupancy_runner(store, receiver: Receiver, clock: dict, retries: int = 2, on_duty=lambda: True) -> AlertRunner:
    """The warehouse rule alone, firing at once, notifying `receiver` on `clock`."""
    rule = dataclasses.replace(
        {r.name: r for r in load_rules()}["warehouse_occupancy_high"], for_=timedelta(0), keep_firing_for=timedelta(0)
    )
    notify = NotifyConfig(webhook_url=receiver.url, repeat_interval=timedelta(minutes=30), retries=retries)
    hook = Webhook(receiver.url, "wecom", retries=retries, sleep=lambda s: None)
    return AlertRunner(
        AlertConfig(timedelta(seconds=15), (rule,), notify), store, lambda: clock["now"], dict, hook,
        Names(load_config()), on_duty=on_duty,
    )  # fmt: skip


@pytest.fixture
def setup(store, monkeypatch):
    receiver = Receiver([])
    monkeypatch.setenv("CBEC_TEST_ROBOT_KEY", "k1")
    clock = {"now": T0}
    yield occupancy_runner(store, receiver, clock), store, clock, receiver
    receiver.close()


def occupancy(store, at: datetime, warehouse: str, ratio: float, site: str = "bsq") -> None:
    store.writer.execute("INSERT INTO occupancy_sample VALUES (?, ?, ?, 0, ?, 'test')", [at, warehouse, site, ratio])


def deliveries(store) -> list[tuple]:
    return store.writer.execute(
        "SELECT kind, rule, site, instances, outcome FROM alert_delivery ORDER BY sent_at, kind"
    ).fetchall()


def tick(runner, clock, minutes: float) -> None:
    clock["now"] = T0 + timedelta(minutes=minutes)
    runner.evaluate()


def test_one_message_per_rule_and_site_then_repeats_then_resolved(setup):
    runner, store, clock, receiver = setup
    occupancy(store, T0, "BSQ-W01", 0.97)
    occupancy(store, T0, "BSQ-W02", 0.96)
    occupancy(store, T0, "HZW-W01", 0.97, "hzw")
    tick(runner, clock, 0)
    assert sorted(deliveries(store)) == [
        ("firing", "warehouse_occupancy_high", "bsq", 2, "ok"),
        ("firing", "warehouse_occupancy_high", "hzw", 1, "ok"),
    ]
    wecom = receiver.posts[0]
    assert wecom["msgtype"] == "markdown" and "库容占用" in wecom["markdown"]["content"]
    tick(runner, clock, 10)
    assert len(deliveries(store)) == 2  # within the repeat interval: nothing
    for w, site in (("BSQ-W01", "bsq"), ("BSQ-W02", "bsq"), ("HZW-W01", "hzw")):
        occupancy(store, T0 + timedelta(minutes=30), w, 0.97, site)
    tick(runner, clock, 31)
    assert [d[0] for d in deliveries(store)].count("repeat") == 2
    for w, site in (("BSQ-W01", "bsq"), ("BSQ-W02", "bsq"), ("HZW-W01", "hzw")):
        occupancy(store, T0 + timedelta(minutes=32), w, 0.5, site)
    tick(runner, clock, 33)
    assert [d[0] for d in deliveries(store)].count("resolved") == 2


def test_an_acknowledged_alert_is_not_repeated_until_its_state_changes(setup):
    runner, store, clock, receiver = setup
    occupancy(store, T0, "BSQ-W01", 0.97)
    tick(runner, clock, 0)
    (inst,) = [i for i in runner.active() if i.state == "firing"]
    loop.acknowledge(store.writer, inst, "ops-zhao", "on it", clock["now"])
    occupancy(store, T0 + timedelta(minutes=45), "BSQ-W01", 0.97)
    tick(runner, clock, 45)
    assert [d[0] for d in deliveries(store)] == ["firing"]  # no repeat
    occupancy(store, T0 + timedelta(minutes=46), "BSQ-W01", 0.5)
    tick(runner, clock, 47)
    occupancy(store, T0 + timedelta(minutes=48), "BSQ-W01", 0.98)
    tick(runner, clock, 49)
    assert [d[0] for d in deliveries(store)] == ["firing", "resolved", "firing"]


def test_a_silenced_alert_sends_nothing_but_still_fires(setup):
    runner, store, clock, receiver = setup
    loop.silence(store.writer, {"site": "bsq"}, 1, "ops-zhao", "restocking", T0)
    occupancy(store, T0, "BSQ-W01", 0.97)
    tick(runner, clock, 0)
    occupancy(store, T0 + timedelta(minutes=40), "BSQ-W01", 0.97)
    tick(runner, clock, 40)
    assert deliveries(store) == [] and receiver.posts == []
    assert [i.state for i in runner.active()] == ["firing"]


def test_a_failing_receiver_is_retried_and_the_failure_recorded(setup):
    runner, store, clock, receiver = setup
    receiver.statuses[:] = [500, 500, 500]
    occupancy(store, T0, "BSQ-W01", 0.97)
    tick(runner, clock, 0)
    (row,) = store.writer.execute("SELECT kind, attempts, outcome, detail FROM alert_delivery").fetchall()
    assert row[:3] == ("firing", 3, "failed") and "500" in row[3]
    tick(runner, clock, 1)  # never delivered: the next evaluation tries again as a repeat
    assert [r[0] for r in store.writer.execute("SELECT outcome FROM alert_delivery ORDER BY sent_at").fetchall()] == [
        "failed",
        "ok",
    ]


def test_warehouses_of_one_site_filling_one_after_another_make_one_notification_named_as_the_panels(setup):
    runner, store, clock, receiver = setup
    for minute, count in ((0, 1), (1, 5), (2, 23)):  # the fault spreads over the zone's 23 warehouses
        for w in range(1, count + 1):
            occupancy(store, T0 + timedelta(minutes=minute), f"BSQ-W{w:02d}", 0.97)
        tick(runner, clock, minute)
    assert deliveries(store) == [("firing", "warehouse_occupancy_high", "bsq", 1, "ok")]
    content = receiver.posts[0]["markdown"]["content"]
    assert "仓库库容紧张 · 保税区" in content and "保税区1号仓 库容占用 97%" in content and "BSQ" not in content
    for minute, emptied in ((3, range(1, 23)), (4, range(1, 24))):  # all but one empty, then the last
        for w in range(1, 24):
            occupancy(store, T0 + timedelta(minutes=minute), f"BSQ-W{w:02d}", 0.5 if w in emptied else 0.97)
        tick(runner, clock, minute)
        assert [d[0] for d in deliveries(store)] == ["firing"] + (["resolved"] if minute == 4 else [])
