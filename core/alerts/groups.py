"""Alerts as people read them: one per rule, site and state. A fault that
fills the warehouses of one site is one alert naming them, not one per
warehouse; the warehouses still recovering are an alert of their own apart from
those firing. The wall, the alerts page and the notifications all show these."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from core.alerts.engine import SEVERITY_ORDER, STATE_ORDER, message
from core.alerts.loop import Annotated
from core.alerts.rules import Rule
from core.names import Names

SHOWN_MEMBERS = 3  # named in the line; the rest counted


def site_of(labels: str) -> str:
    return json.loads(labels).get("site", "")


@dataclass(frozen=True)
class Group:
    rule: str
    site: str  # "" for a rule with no site (a data source)
    state: str
    members: tuple[Annotated, ...]  # worst value first

    @property
    def severity(self) -> str | None:
        return min((a.inst.severity for a in self.members), key=SEVERITY_ORDER.__getitem__)

    @property
    def since(self) -> datetime | None:
        return min((a.inst.since for a in self.members if a.inst.since), default=None)

    @property
    def acked(self) -> bool:
        return all(a.ack is not None for a in self.members)

    @property
    def silenced(self) -> bool:
        return all(a.silence is not None for a in self.members)


def group(annotated: list[Annotated], rules: dict[str, Rule]) -> list[Group]:
    """The active alerts as groups, worst first."""
    by_key: dict[tuple[str, str, str], list[Annotated]] = {}
    for a in annotated:
        by_key.setdefault((a.inst.rule, site_of(a.inst.labels), a.inst.state), []).append(a)
    out = []
    for (rule, site, state), members in by_key.items():
        r = rules.get(rule)
        worst_first = r is None or r.op == ">"
        members.sort(key=lambda a: (a.inst.value is None, -(a.inst.value or 0) if worst_first else (a.inst.value or 0)))
        out.append(Group(rule, site, state, tuple(members)))
    return sorted(out, key=lambda g: (STATE_ORDER[g.state], SEVERITY_ORDER[g.severity], g.rule, g.site))


def member_name(labels: str, names: Names, lang: str) -> str:
    """What tells one member from the others: its warehouse, component or source."""
    shown = {k: v for k, v in json.loads(labels).items() if k != "site"}
    return "、".join(names.label(k, v, lang) for k, v in shown.items())


def describe(g: Group, rule: Rule | None, names: Names, lang: str) -> str:
    """The group in one line: the rule's message for one member; for several,
    the title, the site and the first few members with their values."""
    first = g.members[0].inst
    if first.labels == "{}":  # the rule as a whole: no data, or an error
        title = rule.title(lang) if rule else first.rule
        return f"{title}：{names.state(first.state, lang)}"
    if rule is None:
        return first.message
    if len(g.members) == 1:
        return message(rule, json.loads(first.labels), first.value, lang, names)
    sep = ", " if lang == "en" else "、"
    shown = sep.join(
        f"{member_name(a.inst.labels, names, lang)} {rule.value_text(a.inst.value, lang)}".strip()
        for a in g.members[:SHOWN_MEMBERS]
    )
    more = len(g.members) - SHOWN_MEMBERS
    if more > 0:
        shown += f" +{more}" if lang == "en" else f" 等{len(g.members)}处"
    where = f"{names.site(g.site, lang)} " if g.site else ""
    return f"{where}{rule.title(lang)}：{shown}" if lang != "en" else f"{rule.title(lang)}, {where.strip()}: {shown}"
