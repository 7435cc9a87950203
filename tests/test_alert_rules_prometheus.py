"""The alert rules handed to a real Prometheus: generated from the one
configuration, checked and unit-tested by Debian's promtool, over series this
process exposes on /metrics."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from base.config import load_config
from cbec.cli import main as cli
from core.alerts.rules import load_rules
from core.runtime import Runtime

ROOT = Path(__file__).resolve().parent.parent
PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"


@pytest.fixture
def rule_file(tmp_path) -> Path:
    out = tmp_path / "cbec-rules.yml"
    assert cli(["alert-rules", "--out", str(out)]) == 0
    shutil.copy(ROOT / "tests" / "promtool" / "cbec_rules_test.yml", tmp_path)
    return out


def test_promtool_checks_the_generated_rules(rule_file):
    done = subprocess.run([PROMTOOL, "check", "rules", str(rule_file)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 14 rules found" in done.stdout


def test_promtool_unit_tests_pass_on_the_generated_rules(rule_file):
    done = subprocess.run(
        [PROMTOOL, "test", "rules", "cbec_rules_test.yml"], cwd=rule_file.parent, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_rule_and_severity_is_exported_over_series_on_metrics(rule_file, tmp_path):
    groups = yaml.safe_load(rule_file.read_text(encoding="utf-8"))["groups"]
    exported = {(r["labels"]["rule"], r["labels"]["severity"]) for g in groups for r in g["rules"]}
    assert exported == {(r.name, sev) for r in load_rules() for sev in r.thresholds}
    runtime = Runtime(load_config(), db_path=tmp_path / "m.duckdb", with_collectors=False)
    try:
        exposed = {m.name for m in runtime.metrics.registry.collect()}
    finally:
        runtime.stop()
    for g in groups:
        for r in g["rules"]:
            for series in re.findall(r"\bcbec_[a-z_]+", r["expr"]):
                assert series.removesuffix("_total") in exposed, f"{series} is not on /metrics"


def test_the_example_alertmanager_route_is_valid():
    amtool = shutil.which("amtool") or "/usr/bin/amtool"
    done = subprocess.run(
        [amtool, "check-config", str(ROOT / "docs" / "alertmanager.example.yml")], capture_output=True, text=True
    )
    assert done.returncode == 0 and "SUCCESS" in done.stdout, done.stdout + done.stderr
