"""The wall's slow panels as one HTML fragment, drawn once per snapshot and
language and sent as it is to every screen. Charts are inline SVG: they scale
to any screen size and have no state to lose between updates."""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd

from base.config import Config
from core.live import CITY, Screen, Snapshot, Waiting
from core.names import Names
from core.numbers import count_en, count_zh
from core.text import TEXT, text

TODAY, LAST_YEAR, PLAN = "#4cc3ff", "#8a94a6", "#f2c14e"


def fmt_count(n: int | float, lang: str) -> str:
    return count_en(n) if lang == "en" else count_zh(n)


def fmt_duration(seconds: float | None, lang: str) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.1f}{text('seconds_short', lang)}"
    if seconds < 3600:
        return f"{seconds / 60:.0f}{text('minutes_short', lang)}"
    return f"{seconds / 3600:.1f}{text('hours_short', lang)}"


def _panel(title: str, body: str, cls: str = "") -> str:
    return f'<div class="panel {cls}"><div class="ptitle">{escape(title)}</div><div class="pbody">{body}</div></div>'


def _polyline(values: np.ndarray, points: int, y_max: float, color: str, dash: str = "") -> str:
    if len(values) == 0 or y_max <= 0:
        return ""
    xs = np.arange(1, len(values) + 1) * 1000 / points
    ys = 400 - np.asarray(values, float) / y_max * 390
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(np.r_[0, xs], np.r_[400, ys]))
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="3"'
        f' vector-effect="non-scaling-stroke"{extra}/>'
    )


def cumulative_chart(s: Screen, lang: str) -> str:
    points = len(s.curve_last_year)
    y_max = max(s.curve_plan.max(initial=0), s.curve_today.max(initial=0), 1) * 1.05
    now_x = len(s.curve_today) / points * 100
    grid = "".join(
        f'<line x1="{h * 1000 / 24:.1f}" y1="0" x2="{h * 1000 / 24:.1f}" y2="400" class="gl"/>' for h in (6, 12, 18)
    )
    ticks = "".join(f'<span style="left:{h / 24 * 100:.2f}%">{h:02d}:00</span>' for h in (0, 6, 12, 18))
    n = len(s.curve_today)
    legend = "".join(
        f'<span style="color:{color}">{mark} {escape(text(key, lang))} {fmt_count(value, lang)}</span>'
        for color, mark, key, value in (
            (TODAY, "━", "today", _at(s.curve_today, n)),
            (PLAN, "┅", "plan", _at(s.curve_plan, n)),
            (LAST_YEAR, "━", "last_year", _at(s.curve_last_year, n)),
        )
    )
    return (
        f'<div class="legend">{legend}</div><div class="chart"><svg viewBox="0 0 1000 400" preserveAspectRatio="none">'
        f"{grid}"
        f"{_polyline(s.curve_plan, points, y_max, PLAN, '8 6')}"
        f"{_polyline(s.curve_last_year, points, y_max, LAST_YEAR)}"
        f"{_polyline(s.curve_today, points, y_max, TODAY)}"
        f'</svg><div class="now" style="left:{now_x:.2f}%"></div>'
        f'<div class="ymax">{fmt_count(y_max, lang)}</div></div><div class="ticks">{ticks}</div>'
    )


def _at(curve: np.ndarray, n: int) -> float:
    return float(curve[n - 1]) if 0 < n <= len(curve) else 0.0


def bars(values: list[int], cls: str = "bars") -> str:
    if not values:
        return f'<div class="{cls}"></div>'
    top = max(max(values), 1)
    w = 1000 / 60
    rects = "".join(
        f'<rect x="{(60 - len(values) + i) * w:.1f}" y="{200 - h:.1f}" width="{w * 0.8:.1f}" height="{h:.1f}"/>'
        for i, h in enumerate(v / top * 195 for v in values)
    )
    return f'<div class="{cls}"><svg viewBox="0 0 1000 200" preserveAspectRatio="none">{rects}</svg></div>'


def _big(label: str, value: str, cls: str = "") -> str:
    return f'<div class="big {cls}"><div class="v">{escape(value)}</div><div class="l">{escape(label)}</div></div>'


REVIEW = "review_oldest_hours"  # the manual-review rule's signal


def _review_class(w: Waiting, s: Screen) -> str:
    return "" if w.oldest_age_s is None else s.limits.level(REVIEW, w.oldest_age_s / 3600)


def _review_target_s(s: Screen) -> float | None:
    """The manual-review target: the rule's critical threshold (half a working day as shipped), if any."""
    hours = s.limits.threshold(REVIEW, "critical") or s.limits.threshold(REVIEW, "warning")
    return hours * 3600 if hours else None


def _meter_class(s: Screen, signal: str, value: float | None) -> str:
    level = s.limits.level(signal, value)
    return "" if level == "good" else level


def timing_panel(s: Screen, lang: str) -> str:
    target = _review_target_s(s)
    lat = s.latency
    rows = (
        f'<div class="row">{_big(text("median", lang), fmt_duration(lat.median_s if lat else None, lang))}'
        f"{_big(text('p95', lang), fmt_duration(lat.p95_s if lat else None, lang))}</div>"
        f'<div class="kv"><span>{escape(text("manual_review", lang))}</span><b>{s.review.lists:,}</b></div>'
        f'<div class="kv {_review_class(s.review, s)}" data-testid="review-oldest">'
        f"<span>{escape(text('oldest', lang))} / {escape(text('target', lang))} {fmt_duration(target, lang)}</span>"
        f"<b>{fmt_duration(s.review.oldest_age_s, lang)}</b></div>"
    )
    return _panel(f"{text('decl_to_release', lang)} · {text('last_15_min', lang)}", rows)


def checks_panel(s: Screen, lang: str) -> str:
    rows = (
        f'<div class="row">{_big(text("holds_open", lang), f"{s.held.lists:,}")}</div>'
        f'<div class="kv"><span>{escape(text("inspections_today", lang))}</span><b>{s.inspections_today:,}</b></div>'
        f'<div class="kv"><span>{escape(text("holds_today", lang))}</span><b>{s.holds_today:,}</b></div>'
        f'<div class="kv"><span>{escape(text("rejects_today", lang))}</span><b>{s.rejects_today:,}</b></div>'
    )
    return _panel(text("checks", lang), rows)


def _occupancy_rows(s: Screen, wh: pd.DataFrame, lang: str, limit: int) -> str:
    out = []
    for row in wh.head(limit).itertuples():
        ratio = row.occupancy_ratio
        name = row.name_en if lang == "en" else row.name_zh
        if pd.isna(ratio):
            out.append(f'<div class="meter"><span>{escape(name)}</span><i></i><b>—</b></div>')
            continue
        cls = _meter_class(s, "warehouse_occupancy", ratio)
        out.append(
            f'<div class="meter {cls}"><span>{escape(name)}</span><i><em style="width:{ratio * 100:.1f}%"></em></i>'
            f"<b>{ratio:.0%}</b></div>"
        )
    return "".join(out)


def warehouse_panel(s: Screen, lang: str, limit: int = 5) -> str:
    wh = s.warehouses
    used = wh["used_m2"].sum()
    area = wh["area_m2"].sum()
    head = ""
    if area:
        size = f"{len(wh)} warehouses · {area:,.0f} m²" if lang == "en" else f"{len(wh)}个仓库 · {area / 1e4:,.0f}万m²"
        head = f'<div class="kv"><span>{size}</span><b>{used / area:.0%}</b></div>'
    return _panel(text("warehouse_occupancy", lang), head + _occupancy_rows(s, wh, lang, limit))


def _state_text(state: str, lang: str) -> str:
    return text({"ok": "equipment_up", "down": "equipment_down"}.get(state, "equipment_stale"), lang)


def systems_panel(s: Screen, cfg: Config, lang: str) -> str:
    names = {site.code: (site.name_en if lang == "en" else site.name_zh) for site in cfg.sites}
    c = s.components
    if c.empty:
        return _panel(text("link_equipment", lang), f'<div class="muted">{escape(text("no_data_yet", lang))}</div>')
    parts = []
    links = c[c["kind"] == "link"]
    for row in links.itertuples():
        util = getattr(row, "utilization_ratio", np.nan)
        cls = _meter_class(s, "link_utilization", util)
        label = (
            f"{text('link', lang)} {names.get(row.site_code, row.site_code)}" if s.code == CITY else text("link", lang)
        )
        parts.append(
            f'<div class="meter {cls}"><span>{escape(label)}</span>'
            f'<i><em style="width:{min(util, 1) * 100:.1f}%"></em></i><b>{util:.0%}</b></div>'
        )
    dxp = c[c["kind"] == "exchange"]
    for row in dxp.head(1 if s.code != CITY else 0).itertuples():
        parts.append(
            f'<div class="kv"><span>DXP {escape(text("queue", lang))} {getattr(row, "queue_depth", 0):,.0f} · '
            f"{escape(text('dxp_latency', lang))}</span>"
            f"<b>{fmt_duration(getattr(row, 'latency_seconds', None), lang)}</b></div>"
        )
    equipment = c[~c["kind"].isin(["link", "exchange"])]
    dots = "".join(
        f'<span class="dot {row.state}" title="{escape(row.component)}"></span>' for row in equipment.itertuples()
    )
    down = int((equipment["state"] == "down").sum())
    silent = int((equipment["state"] == "stale").sum())
    up = len(equipment) - down - silent
    problems = [f"{n} {text(key, lang)}" for n, key in ((down, "equipment_down"), (silent, "equipment_stale")) if n]
    verdict = " · ".join(problems) or f"0 {text('equipment_down', lang)}"
    parts.append(
        f'<div class="kv {"bad" if problems else "good"}" data-testid="equipment-summary"><span>{up}/{len(equipment)} '
        f"{escape(text('equipment_up', lang))}</span><b>{escape(verdict)}</b></div>"
        f'<div class="dots">{dots}</div>'
    )
    return _panel(text("link_equipment", lang), "".join(parts))


def equipment_grid(s: Screen, lang: str, kinds: tuple[str, ...]) -> str:
    c = s.components
    if c.empty:
        return f'<div class="muted">{escape(text("no_data_yet", lang))}</div>'
    cells = "".join(
        f'<div class="eq {row.state}"><b>{escape(row.component)}</b>'
        f"<span>{escape(_state_text(row.state, lang))}</span></div>"
        for row in c[c["kind"].isin(kinds)].itertuples()
    )
    return f'<div class="eqgrid">{cells}</div>'


def warehouse_tiles(s: Screen, lang: str) -> str:
    """Every warehouse of the site as one small tile, coloured by how full it is."""
    cells = []
    for row in s.warehouses.sort_values("warehouse_code").itertuples():
        ratio = row.occupancy_ratio
        cls = s.limits.level("warehouse_occupancy", None if pd.isna(ratio) else ratio)
        name = row.name_en if lang == "en" else row.name_zh
        cells.append(
            f'<div class="wh {cls}" title="{escape(name)}"><b>{"—" if pd.isna(ratio) else f"{ratio:.0%}"}</b></div>'
        )
    return f'<div class="whgrid">{"".join(cells)}</div>'


def focus_panel(s: Screen, cfg: Config, lang: str) -> str:
    """Each site's own concern (DOMAIN.md: the four business sites)."""
    title = text(f"focus_{s.code}", lang) if f"focus_{s.code}" in TEXT else ""
    if s.code == "lishe":
        return _panel(title, equipment_grid(s, lang, ("gate", "xray", "camera")), "focus")
    if s.code == "hzw":
        auto = s.warehouses[s.warehouses["automated"]] if "automated" in s.warehouses else s.warehouses
        outbound = (
            f'<div class="kv"><span>{escape(text("per_minute", lang))}</span><b>{(s.per_minute or [0])[-1]:,}</b></div>'
        )
        return _panel(
            title,
            equipment_grid(s, lang, ("sorter",)) + _occupancy_rows(s, auto, lang, 4) + outbound + bars(s.per_minute),
            "focus",
        )
    if s.code == "bsq":
        target = _review_target_s(s)
        age = s.review.oldest_age_s or 0
        used = age / target if target else 0.0
        body = (
            f'<div class="row">{_big(text("manual_review", lang), f"{s.review.lists:,}")}'
            f"{_big(text('oldest', lang), fmt_duration(age or None, lang), _review_class(s.review, s))}</div>"
            f'<div class="meter {_review_class(s.review, s)}"><span>{escape(text("target", lang))} '
            f'{fmt_duration(target, lang)}</span><i><em style="width:{min(used, 1) * 100:.1f}%"></em></i>'
            f"<b>{'—' if target is None else f'{used:.0%}'}</b></div>{warehouse_tiles(s, lang)}"
        )
        return _panel(title, body, "focus")
    # meishan: the release speed at the zone exit
    return _panel(
        title,
        f'<div class="row">{_big(text("median", lang), fmt_duration(s.latency.median_s if s.latency else None, lang))}'
        f"{_big(text('per_minute', lang), f'{(s.per_minute or [0])[-1]:,}')}</div>{bars(s.per_minute, 'bars tall')}",
        "focus",
    )


def sites_panel(s: Screen, lang: str) -> str:
    rows = []
    for r in s.sites:
        name = r["name_en"] if lang == "en" else r["name_zh"]
        last = r["per_minute"][-1] if r["per_minute"] else 0
        rows.append(
            f'<tr><td class="name">{escape(name)}</td><td class="spark">{bars(r["per_minute"], "bars mini")}</td>'
            f"<td>{last:,}<small>{escape(text('per_min_short', lang))}</small></td>"
            f"<td>{fmt_duration(r['median_s'], lang)}</td><td>{r['review'].lists:,}</td></tr>"
        )
    head = (
        f"<tr><th>{escape(text('site_table_site', lang))}</th><th>{escape(text('per_minute', lang))}</th><th></th>"
        f"<th>{escape(text('median', lang))}</th><th>{escape(text('manual_review', lang))}</th></tr>"
    )
    return _panel(text("by_site", lang), f'<table class="sites">{head}{"".join(rows)}</table>', "focus")


def alerts_strip(snap: Snapshot, screen: str, lang: str, names: dict[str, str]) -> str:
    alerts = [a for a in snap.alerts if screen == CITY or a["site"] in (None, screen)]
    if not alerts:
        return f'<div class="alerts calm">✓ {escape(text("no_alerts", lang))}</div>'

    def one(a: dict) -> str:
        marks = (f" · {text('alert_silenced', lang)}" if a["silenced"] else "") + (" ✓" if a["acked"] else "")
        colon = ": " if lang == "en" else "："
        first = f"{Names.state(a['state'], lang)}{colon}" if a["state"] in ("pending", "recovering") else ""
        cls = f"alert {a['severity']} {a['state']}" + (" silenced" if a["silenced"] else "")
        return f'<span class="{cls}">{escape(first + (a["en"] if lang == "en" else a["zh"]) + marks)}</span>'

    items = "".join(one(a) for a in alerts[:3])
    more = f'<span class="more">+{len(alerts) - 3}</span>' if len(alerts) > 3 else ""
    # pending (not yet an alert) and recovering (no longer one) keep the strip calm and uncounted
    current = sum(a["state"] not in ("pending", "recovering") for a in alerts)
    calm = "" if current else " calm"
    title = f"<b>{escape(text('attention', lang))} {current}</b>"
    return f'<div class="alerts{calm}" data-testid="wall-alerts">{title}{items}{more}</div>'


def body(snap: Snapshot, screen: str, lang: str, cfg: Config) -> str:
    """The panels of one screen in one language."""
    s = snap.screens[screen]
    names = {site.code: (site.name_en if lang == "en" else site.name_zh) for site in cfg.sites}
    top = sites_panel(s, lang) if screen == CITY else focus_panel(s, cfg, lang)
    return (
        f'<div class="grid {"city" if screen == CITY else "site"}">'
        f"{_panel(text('cumulative_today_vs_ly', lang), cumulative_chart(s, lang), 'curve')}{top}"
        f"{timing_panel(s, lang)}{checks_panel(s, lang)}"
        f"{warehouse_panel(s, lang)}{systems_panel(s, cfg, lang)}"
        f"</div>{alerts_strip(snap, screen, lang, names)}"
    )
