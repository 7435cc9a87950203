"""Alert states, evaluated at a moment from the signals:

    normal -> pending -> firing -> recovering -> resolved -> normal

pending turns firing after the rule's `for`; a firing alert whose value is back
within its thresholds recovers, and is resolved after `keep_firing_for` unless
it breaches again. A rule whose signal has given nothing for its `for` is
`nodata` (a start-up's catch-up or one slow minute is not news); one whose
evaluation fails is `error`. Every change of state is a transition, stored."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import datetime

import duckdb

from core.alerts.rules import Rule
from core.alerts.signals import SIGNALS
from core.names import Names
from queries.loader import sql

log = logging.getLogger("cbec.alerts")
ACTIVE = ("pending", "firing", "recovering", "nodata", "error")
STATE_ORDER = {"firing": 0, "error": 1, "nodata": 2, "recovering": 3, "pending": 4}  # worst first
SEVERITY_ORDER = {"critical": 0, "warning": 1, None: 2}


@dataclass(frozen=True)
class Instance:
    rule: str
    labels: str  # JSON, keys sorted
    state: str = "normal"
    severity: str | None = None
    since: datetime | None = None
    value: float | None = None
    message: str = ""


def step(inst: Instance, rule: Rule, value: float | None, now: datetime) -> Instance:
    """The next state of one instance given its value now (None: no value)."""
    sev = rule.severity(value)
    s = inst.state
    if sev is not None:
        if s in ("normal", "resolved", "nodata", "error"):
            nxt = "firing" if not rule.for_ else "pending"
        elif s == "pending":
            nxt = "firing" if now - inst.since >= rule.for_ else "pending"
        else:  # firing, or recovering and breaching again
            nxt = "firing"
    else:
        if s in ("pending", "nodata", "error"):
            nxt = "normal"
        elif s == "firing":
            nxt = "recovering" if rule.keep_firing_for else "resolved"
        elif s == "recovering":
            nxt = "resolved" if now - inst.since >= rule.keep_firing_for else "recovering"
        else:  # resolved, normal
            nxt = "normal"
    since = inst.since if nxt == s and inst.since else now
    return replace(inst, state=nxt, severity=sev if sev else (inst.severity if nxt == "recovering" else None),
                   since=since, value=value)  # fmt: skip


def message(
    rule: Rule, labels: dict[str, str], value: float | None, lang: str = "zh", names: Names | None = None
) -> str:
    """The rule's message for one instance, its labels by their display names when `names` is given."""
    template = rule.message_en if lang == "en" else rule.message_zh
    shown = names.labels(labels, lang) if names else labels
    try:
        return template.format(value=value if value is not None else float("nan"), **shown)
    except Exception:  # a label the signal does not give, a format that does not fit the value
        return f"{rule.name} {labels} {value}"


class Evaluator:
    """Holds every instance's state; `evaluate(now)` moves them all one step."""

    def __init__(self, rules: tuple[Rule, ...], states: list[Instance] | None = None, names: Names | None = None):
        self.rules = {r.name: r for r in rules}
        self.names = names  # stored messages name things as the pages do
        self.instances: dict[tuple[str, str], Instance] = {(i.rule, i.labels): i for i in states or []}
        self.empty_since: dict[str, datetime] = {}  # rule -> when its signal last began to give nothing

    def evaluate(self, con: duckdb.DuckDBPyConnection, now: datetime, health: dict) -> list[tuple[Instance, Instance]]:
        """Evaluates every rule; returns the transitions (before, after)."""
        changes = []
        for rule in self.rules.values():
            try:
                values = SIGNALS[rule.signal].read(con, now, rule.lookback, health)
            except Exception as e:  # one rule's failure must not stop the others
                log.warning("alert rule %s failed: %s", rule.name, e)
                self.empty_since.pop(rule.name, None)
                changes += self._rule_level(rule, "error", now, f"{type(e).__name__}: {e}")
                continue
            if not values:
                since = self.empty_since.setdefault(rule.name, now)
                if now - since >= rule.for_:
                    changes += self._rule_level(rule, "nodata", now, "")
                continue
            self.empty_since.pop(rule.name, None)
            try:
                changes += self._rule_level(rule, "normal", now, "")
                seen = set()
                for labels, value in values:
                    key = (rule.name, json.dumps({**labels, **rule.labels}, sort_keys=True, ensure_ascii=False))
                    seen.add(key)
                    changes += self._apply(rule, key, value, now)
                for key in [k for k in self.instances if k[0] == rule.name and k not in seen and k[1] != "{}"]:
                    changes += self._apply(rule, key, None, now)  # an instance no longer reported breaches nothing
            except Exception as e:  # nor must a fault past the reading
                log.warning("alert rule %s failed: %s", rule.name, e)
                changes += self._rule_level(rule, "error", now, f"{type(e).__name__}: {e}")
        return changes

    def _apply(self, rule: Rule, key: tuple[str, str], value: float | None, now: datetime):
        before = self.instances.get(key, Instance(rule.name, key[1], since=now))
        after = step(before, rule, value, now)
        after = replace(after, message=message(rule, json.loads(key[1]), value, names=self.names))
        self.instances[key] = after
        return [(before, after)] if after.state != before.state else []

    def _rule_level(self, rule: Rule, state: str, now: datetime, detail: str):
        """The rule as a whole: no data, an error, or back to normal."""
        key = (rule.name, "{}")
        before = self.instances.get(key, Instance(rule.name, "{}", since=now))
        if before.state == state:
            return []
        after = replace(before, state=state, since=now, severity=None, value=None, message=detail)
        self.instances[key] = after
        return [(before, after)] if not (before.state == "normal" and state == "normal") else []

    def active(self) -> list[Instance]:
        return sorted(
            (i for i in self.instances.values() if i.state in ACTIVE),
            key=lambda i: (STATE_ORDER[i.state], SEVERITY_ORDER[i.severity], i.rule, i.labels),
        )


def record(con: duckdb.DuckDBPyConnection, changes: list[tuple[Instance, Instance]], now: datetime) -> None:
    for before, after in changes:
        con.execute(
            sql("write_alert_transition"),
            {"at": now, "rule": after.rule, "labels": after.labels, "from_state": before.state,
             "to_state": after.state, "severity": after.severity, "value": after.value, "message": after.message},
        )  # fmt: skip
        con.execute(
            sql("write_alert_state"),
            {"rule": after.rule, "labels": after.labels, "state": after.state, "severity": after.severity,
             "since": after.since, "value": after.value, "message": after.message},
        )  # fmt: skip


def load_states(con: duckdb.DuckDBPyConnection) -> list[Instance]:
    return [Instance(*row) for row in con.execute(sql("read_alert_states")).fetchall()]
