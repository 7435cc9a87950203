"""The alert rules as a Prometheus alerting-rule file, generated from the same
configuration the app evaluates: one rule per severity, over the series this
process exposes on /metrics, written as YAML."""

from __future__ import annotations

import re
from datetime import timedelta

import yaml

from core.alerts.rules import Rule, prom_duration
from core.alerts.signals import SIGNALS


def alert_name(rule: Rule) -> str:
    return "Cbec" + "".join(part.capitalize() for part in rule.name.split("_"))


def prom_template(template: str) -> str:
    """Python's {site} and {value:.0%} as Prometheus templates."""

    def sub(m: re.Match) -> str:
        name, fmt = m.group(1), m.group(2) or ""
        if name != "value":
            return "{{ $labels." + name + " }}"
        if fmt.endswith("%"):
            return "{{ $value | humanizePercentage }}"
        return "{{ $value | humanize }}"

    return re.sub(r"\{(\w+)(?::([^}]*))?\}", sub, template)


def rule_groups(rules: tuple[Rule, ...], interval: timedelta) -> dict:
    out = []
    for rule in rules:
        promql = SIGNALS[rule.signal].promql
        for severity, threshold in sorted(rule.thresholds.items()):
            entry = {
                "alert": alert_name(rule),
                "expr": f"({promql}) {rule.op} {threshold:g}",
                "for": prom_duration(rule.for_),
                "labels": {"severity": severity, "rule": rule.name, **rule.labels},
                "annotations": {
                    "summary": prom_template(rule.message_en),
                    "summary_zh": prom_template(rule.message_zh),
                },
            }
            if rule.keep_firing_for:
                entry["keep_firing_for"] = prom_duration(rule.keep_firing_for)
            out.append(entry)
    return {"groups": [{"name": "cbec", "interval": prom_duration(interval), "rules": out}]}


def rule_file(rules: tuple[Rule, ...], interval: timedelta) -> str:
    """The rules as the YAML rule file Prometheus and promtool read."""
    return yaml.safe_dump(rule_groups(rules, interval), allow_unicode=True, sort_keys=False, width=1000)
