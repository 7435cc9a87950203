"""Display names of what labels carry: sites, warehouses, equipment, data
sources, alert states and severities, in either language. Every page, wall,
notification and log line that names one of them asks here, so all of them
say 保税区1号仓 where the data says BSQ-W01."""

from __future__ import annotations

import re

from base.config import Config
from core.text import TEXT, text

_NUMBERED = re.compile(r"^([a-z_]+)-(\d+)$")  # gate-2, xray-1


class Names:
    def __init__(self, config: Config):
        self._sites = {s.code: (s.name_zh, s.name_en) for s in config.sites}
        self._warehouses = {w.code: (w.name_zh, w.name_en) for w in config.warehouses}
        self._collectors = {c.name: c.kind for c in config.collectors}

    def site(self, code: str, lang: str = "zh") -> str:
        if code == "city":
            return text("city", lang)
        return _pick(self._sites.get(code), lang) or code

    def warehouse(self, code: str, lang: str = "zh") -> str:
        return _pick(self._warehouses.get(code), lang) or code

    def component(self, code: str, lang: str = "zh") -> str:
        """卡口2 for gate-2, 电子口岸链路 for eport_link; an unknown code as it is."""
        m = _NUMBERED.match(code)
        kind, number = (m.group(1), m.group(2)) if m else (code, "")
        key = f"component_{kind}"
        return f"{text(key, lang)}{number}".strip() if key in TEXT else code

    def camera(self, name: str, kind: str, lang: str = "zh") -> str:
        """摄像头1 · 卡口: the camera by its equipment name and what it watches."""
        key = f"camera_view_{kind}"
        return f"{self.component(name, lang)} · {text(key, lang)}" if key in TEXT else self.component(name, lang)

    def collector(self, name: str, lang: str = "zh") -> str:
        """A data source by its kind's name; a second source of one kind keeps its own name beside it."""
        kind = self._collectors.get(name, name)
        key = f"collector_{kind}"
        if key not in TEXT:
            return name
        shown = text(key, lang)
        return shown if name == kind or list(self._collectors.values()).count(kind) == 1 else f"{shown}（{name}）"

    @staticmethod
    def instance(name: str, role: str, lang: str = "zh") -> str:
        """An instance by its role and name: 主用机 A, 备用机 10.0.0.2:8501."""
        return f"{text(f'role_{role}', lang)} {name}".strip()

    def label(self, key: str, value: str, lang: str = "zh") -> str:
        """One label's value as a reader calls it (site, warehouse, component, collector)."""
        by_key = {"site": self.site, "warehouse": self.warehouse, "component": self.component,
                  "collector": self.collector}  # fmt: skip
        return by_key[key](value, lang) if key in by_key else value

    def labels(self, labels: dict[str, str], lang: str = "zh") -> dict[str, str]:
        return {k: self.label(k, v, lang) for k, v in labels.items()}

    def stale_banner(self, stale: list[tuple[str, float | None]], lang: str = "zh") -> str:
        """The stale warning: each silent source by its name, with how long it has been silent."""
        parts = []
        for name, lag in stale:
            shown = self.collector(name, lang)
            if lag is not None:
                shown += f" ({age(lag, lang)})" if lang == "en" else f"（{age(lag, lang)}）"
            parts.append(shown)
        sep = ", " if lang == "en" else "、"
        return f"{text('stale', lang)} · {text('stale_detail', lang)}{sep.join(parts)}"

    def screen(self, code: str, lang: str = "zh") -> str:
        """A wall screen a token may show: 全部大屏 for *, 全市, or a site."""
        return text("screens_all", lang) if code == "*" else self.site(code, lang)

    def screens(self, scope: str, lang: str = "zh") -> str:
        """A token's screens as stored ("*" or "city,bsq") in words: 全市、保税区."""
        return ("、" if lang == "zh" else ", ").join(self.screen(c, lang) for c in str(scope).split(",") if c)

    @staticmethod
    def actor(name: str, lang: str = "zh") -> str:
        """Who acted: an account's name as it is; the app's own callers (api, demo) in words."""
        return text(f"actor_{name}", lang) if name in ("api", "demo") else name

    @staticmethod
    def role(role: str, lang: str = "zh") -> str:
        return text(f"role_{role}", lang) if f"role_{role}" in TEXT else role

    @staticmethod
    def collector_state(state: str, lang: str = "zh") -> str:
        """A data source's health (ok, quiet, stale, ...) in words."""
        key = f"collector_state_{state}"
        return text(key, lang) if key in TEXT else state

    @staticmethod
    def state(state: str, lang: str = "zh") -> str:
        return text(f"state_{state}", lang) if f"state_{state}" in TEXT else state

    @staticmethod
    def severity(severity: str | None, lang: str = "zh") -> str:
        return text(f"severity_{severity}", lang) if f"severity_{severity}" in TEXT else ""


def age(seconds: float, lang: str = "zh") -> str:
    """How long ago, in the reader's units: 45秒, 3分钟, 2小时."""
    s = int(seconds)
    if s < 120:
        return f"{s} s" if lang == "en" else f"{s}秒"
    if s < 7200:
        return f"{s // 60} min" if lang == "en" else f"{s // 60}分钟"
    return f"{s // 3600} h" if lang == "en" else f"{s // 3600}小时"


def plain_address(address: str | None) -> str:
    """An IP address as people write it: 127.0.0.1, not the IPv4-mapped ::ffff:127.0.0.1."""
    address = address or ""
    return address[7:] if address.lower().startswith("::ffff:") and "." in address else address


def _pick(pair: tuple[str, str] | None, lang: str) -> str | None:
    return None if pair is None else pair[1] if lang == "en" else pair[0]
