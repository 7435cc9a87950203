"""Acknowledgements hold for one state of one alert; silences mute by labels
for a time window and show as silenced; both are on record."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.alerts import loop
from core.alerts.engine import Instance, step
from core.alerts.rules import load_alert_config, load_rules
from core.alerts.runner import AlertRunner

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2019, 11, 11, 1, 0)
RULE = {r.name: r for r in load_rules()}["warehouse_occupancy_high"]
LABELS = '{"site": "bsq", "warehouse": "BSQ-W01"}'


def firing_instance() -> Instance:
    inst = Instance(RULE.name, LABELS, since=T0)
    for m in (0, 3):
        inst = step(inst, RULE, 0.99, T0 + timedelta(minutes=m))
    assert inst.state == "firing"
    return inst


def test_an_acknowledgement_holds_until_the_state_changes(store):
    inst = firing_instance()
    loop.acknowledge(store.writer, inst, "ops-zhang", "moving stock to W02", T0 + timedelta(minutes=4))
    ack = loop.ack_of(loop.acks(store.writer), inst)
    assert ack and ack.by == "ops-zhang" and ack.comment == "moving stock to W02"
    recovering = step(inst, RULE, 0.5, T0 + timedelta(minutes=5))
    assert recovering.state == "recovering" and loop.ack_of(loop.acks(store.writer), recovering) is None
    again = step(recovering, RULE, 0.99, T0 + timedelta(minutes=6))
    assert again.state == "firing" and again.since != inst.since
    assert loop.ack_of(loop.acks(store.writer), again) is None  # a new firing needs a new acknowledgement


@pytest.mark.parametrize(("by", "comment", "words"), [("", "x", "who and a comment"), ("a", " ", "who and a comment")])
def test_an_acknowledgement_needs_who_and_why(store, by, comment, words):
    with pytest.raises(loop.LoopError, match=words):
        loop.acknowledge(store.writer, firing_instance(), by, comment, T0)


def test_nothing_to_acknowledge_on_a_normal_alert(store):
    with pytest.raises(loop.LoopError, match="nothing to acknowledge"):
        loop.acknowledge(store.writer, Instance(RULE.name, LABELS, since=T0), "a", "b", T0)


def test_a_silence_matches_by_labels_within_its_window_and_can_end_early(store):
    inst = firing_instance()
    sid = loop.silence(store.writer, {"rule": RULE.name, "site": "bsq"}, 2, "ops-li", "planned restock", T0)
    (s,) = loop.silences(store.writer, T0 + timedelta(minutes=1))
    assert s.matches(inst, T0 + timedelta(minutes=1))
    assert not s.matches(inst, T0 + timedelta(hours=3))
    other = Instance(RULE.name, '{"site": "hzw", "warehouse": "HZW-W01"}', state="firing", since=T0)
    assert not s.matches(other, T0 + timedelta(minutes=1))
    loop.end_silence(store.writer, sid, T0 + timedelta(minutes=30))
    assert loop.silences(store.writer, T0 + timedelta(minutes=31)) == []
    rows = store.writer.execute("SELECT count(*) FROM alert_silence").fetchall()[0][0]
    assert rows == 1  # an ended silence stays on record


@pytest.mark.parametrize(("text", "words"), [("", "at least one"), ("site", "label=value"), ("=bsq", "label=value")])
def test_silence_matchers_are_checked(text, words):
    with pytest.raises(loop.LoopError, match=words):
        loop.parse_matchers(text)
    assert loop.parse_matchers("rule=x, site=bsq") == {"rule": "x", "site": "bsq"}


def test_the_alerts_page_shows_acknowledged_and_silenced_alerts(promo_runtime):
    runner = AlertRunner(load_alert_config(), promo_runtime.store, clock=promo_runtime.clock,
                         health=lambda: {"simulator": {"stale": True, "state": "quiet"}})  # fmt: skip
    promo_runtime.alerts = runner
    runner.evaluate()
    stale = next(i for i in runner.active() if i.rule == "source_stale")
    with promo_runtime.store.write_lock:
        loop.acknowledge(promo_runtime.store.writer, stale, "ops-wang", "restarting the feed", promo_runtime.clock())
        loop.silence(
            promo_runtime.store.writer, {"collector": "simulator"}, 1, "ops-wang", "drill", promo_runtime.clock()
        )
    at = AppTest.from_file(str(ROOT / "dashboard" / "frame.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/alerts.py").run()
    assert not at.exception, at.exception
    html = next(h.proto.body for h in at.get("html") if 'data-testid="alerts-active"' in h.proto.body)
    active = pd.read_html(StringIO(html), keep_default_na=False)[0]  # an empty cell reads as ""
    row = active[active["规则"] == "数据源中断"].iloc[0]  # the rule's title, not its code
    assert row["已确认"].startswith("ops-wang") and "restarting the feed" in row["已确认"]
    assert row["已静默"].startswith("至")
    assert row["状态"] == "告警中" and row["说明"] == "模拟数据源 超过时限未到新数据"


def test_nothing_active_is_annotated_without_reading_the_store():
    # the wall's snapshot asks every refresh: no alert, no query
    assert loop.annotate(None, [], datetime(2019, 11, 11)) == []
