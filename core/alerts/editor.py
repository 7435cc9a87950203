"""The rule editor's work: check a changed rule, show what it would fire now,
and save it with who, when, the old and the new definition on record. Saved
rules take the place of the file's (assets/config/alerts.toml) from then on."""

from __future__ import annotations

import json
from datetime import datetime

import duckdb

from core.alerts.rules import Rule, parse_rule, rule_to_raw
from core.alerts.signals import SIGNALS
from queries.loader import sql


def candidate(rule: Rule, changes: dict) -> Rule:
    """The rule with the edited fields, checked like the file's (ConfigError says what is wrong)."""
    raw = rule_to_raw(rule) | changes
    raw = {k: v for k, v in raw.items() if v not in (None, "")}
    return parse_rule(raw, "rule editor")


def preview(con: duckdb.DuckDBPyConnection, rule: Rule, now: datetime, health: dict) -> list[dict]:
    """Each label set the rule watches, its value now, and the severity it breaches
    (it would fire after `for` if the value stays there)."""
    values = SIGNALS[rule.signal].read(con, now, rule.lookback, health)
    return [{**labels, "value": value, "breaches": rule.severity(value) or ""} for labels, value in values]


def save(con: duckdb.DuckDBPyConnection, old: Rule, new: Rule, who: str, now: datetime) -> None:
    if not who.strip():
        raise ValueError("say who changes the rule")
    if new.name != old.name:
        raise ValueError("a rule's name does not change")
    before, after = (json.dumps(rule_to_raw(r), ensure_ascii=False) for r in (old, new))
    con.execute(
        sql("write_alert_rule_change"),
        {"changed_at": now, "changed_by": who.strip(), "rule": new.name, "old": before, "new": after},
    )


def difference(old: Rule, new: Rule) -> dict[str, list]:
    """The fields that change, as [old, new]: what the audit trail says of an edit."""
    before, after = rule_to_raw(old), rule_to_raw(new)
    return {
        k: [before.get(k), after.get(k)] for k in sorted(before.keys() | after.keys()) if before.get(k) != after.get(k)
    }


def overrides(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    return {rule: json.loads(new) for rule, new in con.execute(sql("read_alert_rule_overrides")).fetchall()}
