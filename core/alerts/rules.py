"""Alert rules from assets/config/alerts.toml (or the file named by CBEC_ALERTS):
what each watches, its thresholds by severity, how long before it fires and
how long it keeps firing, its labels and its message."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from base import environment
from base.config import ROOT, ConfigError, read_toml
from core.alerts.signals import SIGNALS

DEFAULT_RULES = ROOT / "assets" / "config" / "alerts.toml"
SEVERITIES = ("critical", "warning")  # the first that holds wins
_DURATION = re.compile(r"^(\d+)(s|m|h)$")
_UNIT = re.compile(r"^ ?([^\s（(，,。；;:：]+)")  # the word right after a message's {value}: 小时, h, 个报文文件


def duration(text: str, where: str) -> timedelta:
    m = _DURATION.match(str(text).strip())
    if not m:
        raise ConfigError(f"{where}: not a duration like 30s, 5m or 2h: {text!r}")
    n, unit = int(m.group(1)), m.group(2)
    return timedelta(seconds=n * {"s": 1, "m": 60, "h": 3600}[unit])


@dataclass(frozen=True)
class Rule:
    name: str
    signal: str
    op: str  # ">" or "<": the value breaches when it is above (below) a threshold
    thresholds: dict[str, float]  # severity -> threshold
    for_: timedelta
    keep_firing_for: timedelta
    lookback: timedelta
    message_zh: str
    message_en: str
    labels: dict[str, str] = field(default_factory=dict)
    title_zh: str = ""  # what the alert is called on pages, walls and notifications; the name if empty
    title_en: str = ""

    def title(self, lang: str = "zh") -> str:
        return (self.title_en if lang == "en" else self.title_zh) or self.name

    def value_text(self, value: float | None, lang: str = "zh") -> str:
        """A value (or threshold) as its message writes it, with the unit written after it:
        97% where the message says {value:.0%}, 3.0 小时 for "{value:.1f} 小时"; "" when the
        message names no value (a source silent, a device down: the state is the news)."""
        parts = list(string.Formatter().parse(self.message_en if lang == "en" else self.message_zh))
        at = next((i for i, (_, f, _, _) in enumerate(parts) if f == "value"), None)
        if value is None or value != value or at is None:
            return ""
        spec = parts[at][2] or "g"
        after = parts[at + 1][0] if at + 1 < len(parts) else ""
        unit = _UNIT.match(after or "")
        try:
            shown = format(value, spec)
        except ValueError:
            shown = format(value, "g")
        return f"{shown} {unit.group(1)}" if unit else shown

    def severity(self, value: float | None) -> str | None:
        """The most severe level the value breaches, or None."""
        if value is None:
            return None
        for sev in SEVERITIES:
            t = self.thresholds.get(sev)
            if t is not None and (value > t if self.op == ">" else value < t):
                return sev
        return None


def parse_rule(raw: dict[str, Any], where: str) -> Rule:
    name = str(raw.get("name", ""))
    if not re.match(r"^[a-z][a-z0-9_]*$", name):
        raise ConfigError(f"{where}: a rule needs a name of lower-case letters, digits and _: {name!r}")
    here = f"{where}: rule {name}"
    signal = str(raw.get("signal", ""))
    if signal not in SIGNALS:
        raise ConfigError(f"{here}: unknown signal {signal!r} (known: {', '.join(sorted(SIGNALS))})")
    op = str(raw.get("op", ">"))
    if op not in (">", "<"):
        raise ConfigError(f"{here}: op must be '>' or '<'")
    thresholds = {}
    for sev in SEVERITIES:
        if sev in raw:
            try:
                thresholds[sev] = float(raw[sev])
            except (TypeError, ValueError):
                raise ConfigError(f"{here}: {sev} must be a number, not {raw[sev]!r}") from None
    if not thresholds:
        raise ConfigError(f"{here}: give a warning and/or a critical threshold")
    if len(thresholds) == 2:
        w, c = thresholds["warning"], thresholds["critical"]
        if (op == ">" and c < w) or (op == "<" and c > w):
            raise ConfigError(f"{here}: the critical threshold must be beyond the warning one")
    message_zh = str(raw.get("message_zh", f"{name} {{value}}"))
    message_en = str(raw.get("message_en", message_zh))
    for key, template in (("message_zh", message_zh), ("message_en", message_en)):
        fault = template_fault(template)
        if fault:
            raise ConfigError(f"{here}: {key}: {fault}")
    return Rule(
        name=name,
        signal=signal,
        op=op,
        thresholds=thresholds,
        for_=duration(raw.get("for", "0s"), here),
        keep_firing_for=duration(raw.get("keep_firing_for", "0s"), here),
        lookback=duration(raw.get("lookback", SIGNALS[signal].lookback), here),
        message_zh=message_zh,
        message_en=message_en,
        labels={str(k): str(v) for k, v in raw.get("labels", {}).items()},
        title_zh=str(raw.get("title_zh", ""))[:40],
        title_en=str(raw.get("title_en", ""))[:60],
    )


@dataclass(frozen=True)
class NotifyConfig:
    webhook_url: str = ""
    webhook_kind: str = "wecom"
    webhook_secret: str = ""
    repeat_interval: timedelta = timedelta(hours=1)
    retries: int = 3


@dataclass(frozen=True)
class AlertConfig:
    interval: timedelta  # how often the runtime evaluates every rule
    rules: tuple[Rule, ...]
    notify: NotifyConfig = NotifyConfig()


def load_alert_config(path: str | Path | None = None) -> AlertConfig:
    path = Path(path or environment.get("CBEC_ALERTS") or DEFAULT_RULES)
    raw = read_toml(path, "alert rules file")
    rules = tuple(parse_rule(r, str(path)) for r in raw.get("rule", []))
    names = [r.name for r in rules]
    if len(names) != len(set(names)):
        raise ConfigError(f"{path}: rule names must be unique")
    n = raw.get("notify", {})
    notify = NotifyConfig(
        webhook_url=str(n.get("webhook_url", "")),
        webhook_kind=str(n.get("webhook_kind", "wecom")),
        webhook_secret=str(n.get("webhook_secret", "")),
        repeat_interval=duration(n.get("repeat_interval", "1h"), f"{path}: notify"),
        retries=int(n.get("retries", 3)),
    )
    if notify.webhook_kind not in ("wecom", "dingtalk", "json"):
        raise ConfigError(f"{path}: notify.webhook_kind must be wecom, dingtalk or json")
    return AlertConfig(duration(raw.get("interval", "15s"), str(path)), rules, notify)


def load_rules(path: str | Path | None = None) -> tuple[Rule, ...]:
    return load_alert_config(path).rules


@dataclass(frozen=True)
class Limits:
    """Tile colours from the live alert rules, the page's edits included: a screen turns
    amber and red at the very thresholds that raise the warning and the critical alert."""

    rules: dict[str, Rule]  # signal -> the rule that watches it

    @classmethod
    def of(cls, rules: tuple[Rule, ...]) -> Limits:
        return cls({r.signal: r for r in reversed(rules)})  # the first rule of a signal wins

    def level(self, signal: str, value: float | None) -> str:
        """ "bad" past the critical threshold, "warn" past the warning, "good" within, "" when unknown."""
        rule = self.rules.get(signal)
        if rule is None or value is None or value != value:  # no rule, no value, NaN
            return ""
        return {"critical": "bad", "warning": "warn"}.get(rule.severity(value) or "", "good")

    def threshold(self, signal: str, severity: str) -> float | None:
        rule = self.rules.get(signal)
        return rule.thresholds.get(severity) if rule else None


# a message names a label or {value}, with at most a short width and precision:
# no attribute or index access, no conversion, no width that allocates megabytes
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")
_SPEC = re.compile(r"^(?:.?[<>^=])?[+\- ]?,?\d{0,2}(?:\.\d{1,2})?[%fFeEgGds]?$")


def template_fault(template: str) -> str | None:
    """Why a message template may not be used, or None when it is safe to format."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as e:
        return f"not a message template ({e})"
    for _, field_name, spec, conversion in parts:
        if field_name is None:
            continue
        if not _FIELD.match(field_name):
            return f"{{{field_name}}}: a field is a plain label name or value"
        if conversion is not None:
            return f"{{{field_name}}}: no conversion (!r, !s, !a) is allowed"
        if spec and ("{" in spec or not _SPEC.match(spec)):
            return f"{{{field_name}}}: the format '{spec}' is not allowed (width and precision of at most two digits)"
    return None


def prom_duration(d: timedelta) -> str:
    """A duration the way Prometheus and the rules file write it (90s, 5m, 2h)."""
    s = int(d.total_seconds())
    if s and s % 3600 == 0:
        return f"{s // 3600}h"
    if s and s % 60 == 0:
        return f"{s // 60}m"
    return f"{s}s"


def rule_to_raw(rule: Rule) -> dict[str, Any]:
    """A rule in the form the file and `parse_rule` take."""
    return {
        "name": rule.name,
        "signal": rule.signal,
        "op": rule.op,
        **rule.thresholds,
        "for": prom_duration(rule.for_),
        "keep_firing_for": prom_duration(rule.keep_firing_for),
        "lookback": prom_duration(rule.lookback),
        "message_zh": rule.message_zh,
        "message_en": rule.message_en,
        "labels": dict(rule.labels),
        "title_zh": rule.title_zh,
        "title_en": rule.title_en,
    }


def with_overrides(rules: tuple[Rule, ...], overrides: dict[str, dict]) -> tuple[Rule, ...]:
    """The rules with those saved from the editor in place of the file's."""
    return tuple(parse_rule(overrides[r.name], "rule editor") if r.name in overrides else r for r in rules)
