"""Alert rules in the style of promtool's rule tests: fabricated series in,
expected states at given times out, for every shipped rule."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from base.config import ConfigError, load_config
from core.alerts.engine import Evaluator, Instance, load_states, record, step
from core.alerts.rules import load_rules, parse_rule
from core.names import Names

T0 = datetime(2019, 11, 11, 1, 0)
RULES = {r.name: r for r in load_rules()}
NAMES = Names(load_config())


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def put_occupancy(store, minutes: float, ratio: float, warehouse: str = "BSQ-W01") -> None:
    store.writer.execute(
        "INSERT INTO occupancy_sample VALUES (?, ?, 'bsq', 0, ?, 'test')", [at(minutes), warehouse, ratio]
    )


def put_health(store, minutes: float, component: str, metric: str, value: float, site: str = "lishe") -> None:
    store.writer.execute(
        "INSERT INTO health_sample VALUES (?, ?, ?, 'x', ?, ?, 'test')", [at(minutes), site, component, metric, value]
    )


def run(store, rule_names: list[str], minutes: list[float], feed, health=None) -> dict[float, list[Instance]]:
    """Evaluates the rules at each minute after `feed(minute)` has added that minute's data."""
    ev = Evaluator(tuple(RULES[n] for n in rule_names), names=NAMES)
    seen = {}
    for m in minutes:
        feed(m)
        with store.reading() as con:
            ev.evaluate(con, at(m), health or {})
        seen[m] = [i for i in ev.instances.values() if i.labels != "{}"] or list(ev.instances.values())
    return seen


def states(seen, m) -> list[str]:
    return sorted(i.state for i in seen[m])


def test_warehouse_occupancy_goes_pending_firing_recovering_resolved(store):
    series = {0: 0.80, 1: 0.92, 2: 0.93, 3: 0.96, 4: 0.85, 5: 0.85, 6: 0.85, 7: 0.85}
    seen = run(store, ["warehouse_occupancy_high"], list(series), lambda m: put_occupancy(store, m, series[m]))
    assert states(seen, 0) == ["normal"]
    assert states(seen, 1) == ["pending"] and seen[1][0].severity == "warning"
    assert states(seen, 2) == ["pending"]  # for = 2m, not yet
    assert states(seen, 3) == ["firing"] and seen[3][0].severity == "critical"
    assert seen[3][0].message == "保税区1号仓 库容占用 96%"  # as the panels name it
    assert states(seen, 4) == ["recovering"]  # keep_firing_for = 2m
    assert states(seen, 5) == ["recovering"]
    assert states(seen, 6) == ["resolved"]
    assert states(seen, 7) == ["normal"]


def test_a_short_spike_never_fires(store):
    series = {0: 0.8, 1: 0.97, 2: 0.8, 3: 0.8}
    seen = run(store, ["warehouse_occupancy_high"], list(series), lambda m: put_occupancy(store, m, series[m]))
    assert [states(seen, m) for m in series] == [["normal"], ["pending"], ["normal"], ["normal"]]


def test_link_utilization_fires_after_a_minute(store):
    series = {0: 0.5, 1: 0.85, 2: 0.86, 3: 0.5, 4: 0.5}
    seen = run(
        store, ["link_utilization_high"], list(series),
        lambda m: put_health(store, m, "eport_link", "utilization_ratio", series[m], "bsq"),
    )  # fmt: skip
    assert [states(seen, m) for m in series] == [["normal"], ["pending"], ["firing"], ["recovering"], ["resolved"]]


def test_equipment_down_fires_after_thirty_seconds_and_resolves_at_once(store):
    up = {0: 1, 0.25: 0, 0.75: 0, 1.5: 1}
    seen = run(store, ["equipment_down"], list(up), lambda m: put_health(store, m, "xray-1", "up", up[m]))
    assert [states(seen, m) for m in up] == [["normal"], ["pending"], ["firing"], ["resolved"]]
    assert seen[0.75][0].message == "栎社 X光机1 离线"


def test_manual_review_older_than_half_a_working_day(store):
    store.writer.execute(
        "INSERT INTO inventory_list (ebc_code, cop_no, site_code, declared_at, last_status, last_status_at)"
        " VALUES ('E1', 'C1', 'bsq', ?, 300, ?)",
        [at(-300), at(-290)],
    )
    seen = run(store, ["manual_review_overdue"], [0, 60], lambda m: None)
    assert states(seen, 0) == ["firing"] and seen[0][0].severity == "critical"  # 4.8 h > 4 h
    assert json.loads(seen[0][0].labels) == {"site": "bsq"}


def test_release_pace_far_below_last_year(store):
    ly = at(0).replace(year=2018)
    for k in range(-10, 10):
        store.writer.execute(
            "INSERT INTO release_minute VALUES (?, 'bsq', 'tmall', '1210', 1000, 1000, 0)", [ly + timedelta(minutes=k)]
        )

    def feed(m):
        store.writer.execute("INSERT INTO release_minute VALUES (?, 'bsq', 'tmall', '1210', ?, 0, 0)", [at(m), 100])

    seen = run(store, ["release_pace_low"], [0, 1, 2, 3, 4], feed)
    assert states(seen, 0) == ["pending"] and seen[0][0].severity == "critical"  # 100 against 10,000
    assert states(seen, 3) == ["firing"]


def test_error_receipts_share(store):
    def feed(m):
        minute = at(int(m))  # the rollup's minutes start on the minute
        store.writer.execute("INSERT INTO receipt_minute VALUES (?, 'hzw', 800, 900)", [minute])
        store.writer.execute("INSERT INTO receipt_minute VALUES (?, 'hzw', 100, ?)", [minute, 200 if m >= 1 else 0])

    seen = run(store, ["error_receipts_high"], [0.5, 1.5, 2.5, 3.5, 4.5], feed)
    assert states(seen, 0.5) == ["normal"]
    assert states(seen, 1.5) == ["pending"]
    assert states(seen, 3.5) == ["firing"] and seen[3.5][0].value == pytest.approx(0.1, abs=0.06)


def test_quarantine_rate(store):
    def feed(m):
        for k in range(6):
            store.writer.execute(
                "INSERT INTO quarantine_event VALUES (?, 'ceb_inbox', ?, 'q', 'malformed', NULL, 0, 0)",
                [at(m) - timedelta(seconds=k), f"f{m}-{k}.xml"],
            )

    seen = run(store, ["quarantine_rate_high"], [0], feed)
    assert states(seen, 0) == ["firing"] and seen[0][0].severity == "warning"


def test_a_stale_source_fires_at_once(store):
    ev = Evaluator((RULES["source_stale"],), names=NAMES)
    with store.reading() as con:
        ev.evaluate(con, at(0), {"simulator": {"stale": False, "state": "ok"}})
        assert [i.state for i in ev.instances.values() if i.labels != "{}"] == ["normal"]
        ev.evaluate(con, at(1), {"simulator": {"stale": True, "state": "quiet"}})
    (firing,) = ev.active()
    assert firing.state == "firing" and firing.message == "模拟数据源 超过时限未到新数据"


def test_no_data_and_errors_are_states_of_their_own(store):
    rule = RULES["warehouse_occupancy_high"]
    wait = rule.for_.total_seconds() / 60
    assert wait > 0
    ev = Evaluator((rule,))
    with store.reading() as con:
        assert ev.evaluate(con, at(0), {}) == []  # a start-up's empty first minutes are not news
        assert ev.active() == []
        ev.evaluate(con, at(wait), {})
    (only,) = ev.instances.values()
    assert only.state == "nodata"
    store.writer.execute("DROP TABLE occupancy_sample")
    with store.reading() as con:
        ev.evaluate(con, at(wait + 1), {})
    (only,) = ev.instances.values()
    assert only.state == "error" and "occupancy_sample" in only.message


def test_transitions_are_stored_and_states_survive_a_restart(store):
    ev = Evaluator((RULES["warehouse_occupancy_high"],))
    for m, ratio in ((0, 0.99), (3, 0.99)):
        put_occupancy(store, m, ratio)
        with store.reading() as con:
            changes = ev.evaluate(con, at(m), {})
        with store.write_lock:
            record(store.writer, changes, at(m))
    rows = store.writer.execute("SELECT from_state, to_state FROM alert_transition ORDER BY changed_at").fetchall()
    assert rows == [("normal", "pending"), ("pending", "firing")]
    with store.reading() as con:
        again = Evaluator((RULES["warehouse_occupancy_high"],), load_states(con))
    assert [i.state for i in again.active()] == ["firing"]


def test_step_keeps_the_time_a_state_began():
    rule = RULES["warehouse_occupancy_high"]
    a = step(Instance("r", "{}", since=at(0)), rule, 0.99, at(0))
    b = step(a, rule, 0.99, at(1))
    assert a.state == b.state == "pending" and b.since == at(0)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"signal": "tea_leaves"}, "unknown signal"),
        ({"op": ">="}, "op must be"),
        ({"warning": "high"}, "must be a number"),
        ({"warning": 0.99, "critical": 0.9}, "critical threshold must be beyond"),
        ({"for": "2 minutes"}, "not a duration"),
        ({"warning": None, "critical": None}, "give a warning and/or a critical"),
    ],
)
def test_a_bad_rule_gets_a_clear_error(change, words):
    raw = {"name": "r", "signal": "warehouse_occupancy", "op": ">", "warning": 0.9, "critical": 0.95} | change
    raw = {k: v for k, v in raw.items() if v is not None}
    with pytest.raises(ConfigError, match=words):
        parse_rule(raw, "test.toml")


@pytest.mark.parametrize(
    "template, fault",
    [
        ("{value.real.nope}", "plain label name"),
        ("{value:>999999999}", "not allowed"),
        ("{value!r}", "no conversion"),
        ("{0}", "plain label name"),
        ("{value:{x}}", "not allowed"),
    ],
)
def test_a_hostile_message_template_is_refused_when_the_rule_is_read(template, fault):
    raw = {"name": "r", "signal": "warehouse_occupancy", "warning": 0.9, "message_zh": template}
    with pytest.raises(ConfigError, match=fault):
        parse_rule(raw, "test")


def test_one_rule_whose_message_cannot_be_formatted_stops_no_other(store):
    from dataclasses import replace

    bad = replace(RULES["link_utilization_high"], message_zh="{value:d}")  # a float meets an int format
    ev = Evaluator((bad, RULES["warehouse_occupancy_high"]), [], NAMES)
    put_occupancy(store, 0, 0.97)
    put_health(store, 0, "eport_link", "utilization_ratio", 0.99, "bsq")
    with store.reading() as con:
        ev.evaluate(con, at(0), {})
    by_rule = {i.rule: i for i in ev.instances.values() if i.labels != "{}"}
    assert by_rule["warehouse_occupancy_high"].state == "pending"
    assert by_rule["link_utilization_high"].state == "pending"
    assert by_rule["warehouse_occupancy_high"].message == "保税区1号仓 库容占用 97%"


def test_values_and_thresholds_read_with_the_unit_their_message_gives_them():
    rules = {r.name: r for r in load_rules()}
    assert rules["warehouse_occupancy_high"].value_text(0.97) == "97%"
    assert rules["manual_review_overdue"].value_text(3.04) == "3.0 小时"
    assert rules["manual_review_overdue"].value_text(3.04, "en") == "3.0 h"
    # a device down or a silent source: the state is the news, not "1 above 0.5"
    assert rules["equipment_down"].value_text(1.0) == "" and rules["source_stale"].value_text(0.5) == ""
