"""The rule editor: a change is checked, previewed against the data now, saved
with who/when/old/new, takes effect in the running rules, and reaches the
exported Prometheus file."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from base.config import ConfigError
from cbec.cli import main as cli
from core.alerts import editor
from core.alerts.rules import load_alert_config, load_rules
from core.alerts.runner import AlertRunner

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2019, 11, 11, 1, 0)
RULE = {r.name: r for r in load_rules()}["warehouse_occupancy_high"]


def test_a_bad_change_is_refused_with_the_reason():
    with pytest.raises(ConfigError, match="critical threshold must be beyond"):
        editor.candidate(RULE, {"warning": 0.99, "critical": 0.9})
    with pytest.raises(ConfigError, match="not a duration"):
        editor.candidate(RULE, {"for": "soon"})


def test_preview_shows_what_would_fire_now(store):
    store.writer.execute("INSERT INTO occupancy_sample VALUES (?, 'BSQ-W01', 'bsq', 0, 0.86, 't')", [T0])
    lowered = editor.candidate(RULE, {"warning": 0.85})
    (row,) = editor.preview(store.writer, lowered, T0, {})
    assert row == {"site": "bsq", "warehouse": "BSQ-W01", "value": 0.86, "breaches": "warning"}
    (row,) = editor.preview(store.writer, RULE, T0, {})
    assert row["breaches"] == ""


def test_a_saved_change_is_audited_and_takes_effect(store, tmp_path, capsys):
    runner = AlertRunner(load_alert_config(), store, lambda: T0, dict)
    new = editor.candidate(RULE, {"warning": 0.8, "message_zh": "仓库 {warehouse} 快满了 {value:.0%}"})
    with pytest.raises(ValueError, match="who"):
        editor.save(store.writer, RULE, new, " ", T0)
    editor.save(store.writer, RULE, new, "ops-chen", T0)
    runner.replace_rule(new)
    assert runner.evaluator.rules[RULE.name].thresholds["warning"] == 0.8
    (row,) = store.writer.execute("SELECT changed_by, rule, old, new FROM alert_rule_change").fetchall()
    assert row[:2] == ("ops-chen", RULE.name)
    assert json.loads(row[2])["warning"] == 0.9 and json.loads(row[3])["warning"] == 0.8
    # a restart keeps the saved rule
    again = AlertRunner(load_alert_config(), store, lambda: T0, dict)
    assert again.evaluator.rules[RULE.name].message_zh == "仓库 {warehouse} 快满了 {value:.0%}"
    # and the Prometheus file made from that database has it too
    store.checkpoint()
    store.close()
    out = tmp_path / "rules.yml"
    assert cli(["alert-rules", "--db", str(store.path), "--out", str(out)]) == 0
    exported = yaml.safe_load(out.read_text(encoding="utf-8"))["groups"][0]["rules"]
    assert any(r["expr"] == "(cbec_warehouse_occupancy_ratio) > 0.8" for r in exported)


def test_the_editor_on_the_alerts_page_saves_a_change(promo_runtime):
    promo_runtime.alerts = AlertRunner(load_alert_config(), promo_runtime.store, promo_runtime.clock, dict)
    at = AppTest.from_file(str(ROOT / "dashboard" / "frame.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/alerts.py").run()
    assert not at.exception, at.exception
    next(ti for ti in at.text_input if ti.label == "警告阈值（高于）").set_value("0.85")
    at.text_input(key="edit_who").set_value("ops-sun")
    save = next(b for b in at.button if b.label == "保存")
    save.click().run()
    assert not at.exception, at.exception
    assert promo_runtime.alerts.evaluator.rules[RULE.name].thresholds["warning"] == 0.85
    # the audit trail answers "who changed this threshold, and when"
    from core.access import audit

    with promo_runtime.store.reading() as con:
        trail = audit.events(con, action="alert.rule_edit", target=f"rule:{RULE.name}")
    assert len(trail) == 1 and trail["outcome"][0] == "ok"
    assert json.loads(trail["detail"][0])["warning"] == [0.9, 0.85]
