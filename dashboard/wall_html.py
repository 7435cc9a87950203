"""The wall's slow panels as one HTML fragment, drawn once per snapshot and
language and sent as it is to every screen. Charts are inline SVG: they scale
to any screen size and have no state to lose between updates."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

import numpy as np
import pandas as pd

from core import pace
from core.live import CITY, Screen, Snapshot
from core.names import Names
from core.numbers import axis_label, axis_ticks
from core.text import TEXT, text
from dashboard.wall_figures import fmt_duration, review_level, review_target_s
from dashboard.wall_site import site_concerns


def _panel(title: str, body: str, cls: str = "", as_of: str = "") -> str:
    stamp = f'<span class="asof">{escape(as_of)}</span>' if as_of else ""
    return (
        f'<div class="panel {cls}"><div class="ptitle"><span>{escape(title)}</span>{stamp}</div>'
        f'<div class="pbody">{body}</div></div>'
    )


def as_of_text(at: datetime | None, lang: str) -> str:
    """A panel's "data as of": the time its newest figure describes."""
    return "" if at is None or pd.isna(at) else f"{text('data_as_of', lang)} {at:%H:%M}"


def _polyline(values: np.ndarray, points: int, y_max: float, cls: str) -> str:
    if len(values) == 0 or y_max <= 0:
        return ""
    xs = np.arange(1, len(values) + 1) * 1000 / points
    ys = 400 - np.asarray(values, float) / y_max * 400
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(np.r_[0, xs], np.r_[400, ys]))
    return f'<polyline class="{cls}" points="{coords}"/>'


def event_marks(snap: Snapshot, day0: datetime, lang: str) -> str:
    """Outages as shaded bands and this process's restart as a line on a day's time chart."""

    def x(at: datetime) -> float:
        return min(max((at - day0).total_seconds() / 86400, 0), 1) * 100

    bands = "".join(
        f'<div class="outage" style="left:{x(a):.2f}%;width:{max(x(b) - x(a), 0.15):.2f}%" '
        f'title="{escape(text("outage", lang))} {a:%H:%M}–{b:%H:%M}"></div>'
        for a, b in snap.outages
    )
    if snap.started_at is not None:
        bands += (
            f'<div class="restart" style="left:{x(snap.started_at):.2f}%">'
            f"<span>{escape(text('restart', lang))} {snap.started_at:%H:%M}</span></div>"
        )
    return bands


def cumulative_chart(s: Screen, lang: str, marks_html: str = "") -> str:
    """Today's running total against last year's and the plan, with real axes;
    the legend's figures are filled from the same second's headline as the tiles."""
    points = len(s.curve_last_year)
    top = max(s.curve_plan.max(initial=0), s.curve_today.max(initial=0), 1)
    values, labels = axis_ticks(top, lang, most=4)
    y_max = values[-1] * 1.04
    # zero is the chart's floor, unlabelled; an empty day has no axis to read
    ticks = list(zip(values[1:], labels[1:])) if top > 1 else []
    now_x = len(s.curve_today) / points * 100
    lines = [(h * 1000 / 24, 0, h * 1000 / 24, 400) for h in (6, 12, 18)]
    lines += [(0, 400 - v / y_max * 400, 1000, 400 - v / y_max * 400) for v, _ in ticks]
    grid = "".join(f'<line x1="{a:.1f}" y1="{b:.1f}" x2="{c:.1f}" y2="{d:.1f}" class="gl"/>' for a, b, c, d in lines)
    y_labels = "".join(f'<span style="bottom:{v / y_max * 100:.2f}%">{label}</span>' for v, label in ticks)
    x_labels = "".join(f'<span style="left:{h / 24 * 100:.2f}%">{h:02d}:00</span>' for h in (0, 6, 12, 18, 24))
    legend = "".join(
        f'<span class="{cls}">{mark} {escape(text(key, lang))} <b data-live="{live}"></b></span>'
        for cls, mark, key, live in (
            ("today", "━", "today", "released_text"),
            ("plan", "┅", "plan", "plan_text"),
            ("ly", "━", "last_year", "ghost_text"),
        )
    )
    passed = pace.milestones(s.minutes_today, s.day0, pace.step_for(float(s.curve_plan[-1]) if points else 0))
    marks = "".join(
        f'<circle class="ms" cx="{(m.at - s.day0).total_seconds() / 86400 * 1000:.1f}" '
        f'cy="{400 - m.level / y_max * 400:.1f}" r="5"/>'
        for m in passed
    )
    latest = ""
    if passed:
        latest = f'<span class="milestone" data-testid="milestone">◆ {escape(milestone_text(passed[-1], lang))}</span>'
    return (
        f'<div class="legend">{legend}{latest}</div>'
        f'<div class="plot"><div class="yaxis">{y_labels}</div><div class="chart">'
        f'<svg viewBox="0 0 1000 400" preserveAspectRatio="none">{grid}'
        f"{_polyline(s.curve_plan, points, y_max, 'plan')}{_polyline(s.curve_last_year, points, y_max, 'ly')}"
        f"{_polyline(s.curve_today, points, y_max, 'today')}{marks}</svg>"
        f'<div class="now" style="left:{now_x:.2f}%"></div>{marks_html}</div></div><div class="ticks">{x_labels}</div>'
    )


def milestone_text(m: pace.Milestone, lang: str) -> str:
    if lang == "en":
        return f"passed {axis_label(m.level, lang)} at {m.at:%H:%M}"
    return f"突破{axis_label(m.level, lang)}单 {m.at:%H:%M}"


def _big(label: str, value: str, cls: str = "") -> str:
    return f'<div class="big {cls}"><div class="v">{escape(value)}</div><div class="l">{escape(label)}</div></div>'


def _meter_class(s: Screen, signal: str, value: float | None) -> str:
    level = s.limits.level(signal, value)
    return "" if level == "good" else level


def timing_panel(s: Screen, lang: str) -> str:
    target = review_target_s(s)
    lat = s.latency
    rows = (
        f'<div class="row">{_big(text("median", lang), fmt_duration(lat.median_s if lat else None, lang))}'
        f"{_big(text('p95', lang), fmt_duration(lat.p95_s if lat else None, lang))}</div>"
        f'<div class="kv"><span>{escape(text("manual_review", lang))}</span><b>{s.review.lists:,}</b></div>'
        f'<div class="kv {review_level(s.review, s)}" data-testid="review-oldest">'
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


def warehouse_panel(s: Screen, lang: str, limit: int = 4) -> str:
    wh = s.warehouses
    used = wh["used_m2"].sum()
    area = wh["area_m2"].sum()
    head = ""
    if area:
        size = f"{len(wh)} warehouses · {area:,.0f} m²" if lang == "en" else f"{len(wh)}个仓库 · {area / 1e4:,.0f}万m²"
        head = f'<div class="kv"><span>{size}</span><b>{used / area:.0%}</b></div>'
    body = head + _occupancy_rows(s, wh, lang, limit)
    return _panel(text("warehouse_occupancy", lang), body, as_of=as_of_text(_newest(wh, "sampled_at"), lang))


def systems_panel(s: Screen, names: Names, lang: str) -> str:
    c = s.components
    if c.empty:
        return _panel(text("link_equipment", lang), f'<div class="muted">{escape(text("no_data_yet", lang))}</div>')
    parts = []
    links = c[c["kind"] == "link"]
    for row in links.itertuples():
        util = getattr(row, "utilization_ratio", np.nan)
        cls = _meter_class(s, "link_utilization", util)
        label = f"{text('link', lang)} {names.site(row.site_code, lang)}" if s.code == CITY else text("link", lang)
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
        )  # fmt: skip
    equipment = c[~c["kind"].isin(["link", "exchange"])]
    dots = "".join(
        f'<span class="dot {row.state}" title="{escape(names.component(row.component, lang))}"></span>'
        for row in equipment.itertuples()
    )
    down = int((equipment["state"] == "down").sum())
    silent = int((equipment["state"] == "stale").sum())
    up = len(equipment) - down - silent
    problems = [f"{n} {text(key, lang)}" for n, key in ((down, "equipment_down"), (silent, "equipment_stale")) if n]
    verdict = " · ".join(problems) or f"0 {text('equipment_down', lang)}"
    parts.append(
        f'<div class="kv {"bad" if problems else "good"}" data-testid="equipment-summary"><span>{up}/{len(equipment)} '
        f"{escape(text('equipment_up', lang))}</span><b>{escape(verdict)}</b></div>"
        + (f'<div class="dots">{dots}</div>' if s.code != CITY else "")  # four sites' dots are too small to read
    )
    return _panel(text("link_equipment", lang), "".join(parts), as_of=as_of_text(_newest(c, "last_seen"), lang))


def _newest(df: pd.DataFrame, column: str) -> datetime | None:
    return df[column].max() if column in df and not df.empty else None


def focus_panel(s: Screen, names: Names, lang: str) -> str:
    """Each site's own concern (DOMAIN.md: the four business sites), drawn in dashboard/wall_site.py."""
    title = text(f"focus_{s.code}", lang) if f"focus_{s.code}" in TEXT else ""
    return _panel(title, site_concerns(s, names, lang), "focus", as_of_text(s.measures_at, lang))


# the cards sit in the corners, each site's spot next to its card's inner corner,
# north-west to south-east as on the ground: 杭州湾新区, 保税区 (北仑), 栎社 (the airport), 梅山
MAP_SPOTS = {"hzw": (1, 2), "bsq": (57, 2), "lishe": (1, 52), "meishan": (57, 52)}
MAP_DOTS = {"hzw": (455, 165), "bsq": (640, 150), "lishe": (470, 265), "meishan": (650, 285)}
# Hangzhou Bay to the north, the sea to the east, 梅山 an island off the coast
MAP = (
    '<svg class="map" viewBox="0 0 1000 420" preserveAspectRatio="none">'
    '<path class="sea" d="M0,0 H1000 V420 H800 L760,360 L740,300 L700,230 L690,170 L660,120 L560,110 '
    'L470,100 L380,80 L260,70 L120,60 L0,70 Z"/>'
    '<path class="land" d="M690,265 L740,255 L760,290 L730,325 L690,310 Z"/>'
    '<circle class="city" cx="545" cy="215" r="8"/></svg>'
)


def site_map(s: Screen, names: Names, lang: str) -> str:
    """The four sites on a schematic map of Ningbo, each with its live total,
    pace and review queue; drawn here, no map tiles from anywhere."""
    cards, dots = [], []
    for r in s.sites:
        code = r["code"]
        left, top = MAP_SPOTS.get(code, (0, 0))
        x, y = MAP_DOTS.get(code, (0, 0))
        dots.append(f'<circle class="spot" cx="{x}" cy="{y}" r="11"/>')
        last = r["per_minute"][-1] if r["per_minute"] else 0
        waiting = r["review"].lists
        cards.append(
            f'<div class="site-card" style="left:{left}%;top:{top}%" data-site="{escape(code)}">'
            f'<div class="sh"><span class="sn">{escape(names.site(code, lang))}</span>'
            f'<span class="sv" data-live="site:{escape(code)}"></span></div>'
            f'<div class="sk"><span>{escape(text("per_min_short", lang))}</span><b>{last:,}</b></div>'
            f'<div class="sk"><span>{escape(text("review_short", lang))}</span><b>{waiting:,}</b></div></div>'
        )
    svg = MAP.replace("</svg>", "".join(dots) + "</svg>")
    return _panel(text("by_site", lang), f'<div class="sitemap">{svg}{"".join(cards)}</div>', "focus")


def alerts_strip(snap: Snapshot, screen: str, lang: str) -> str:
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


def video_panel(screen: str, lang: str) -> str:
    """An empty slot of fixed size: the wall's own player (assets/video/player.js) moves in and
    stays across panel updates, so the picture never restarts and the figures never move."""
    return (
        f'<div class="panel video" data-video-slot="{escape(screen)}" data-testid="wall-video">'
        f'<div class="ptitle"><span>{escape(text("video_panel", lang))}</span><span class="asof vcount"></span></div>'
        f'<div class="pbody"></div></div>'
    )


def body(snap: Snapshot, screen: str, lang: str, names: Names, video: bool = False) -> str:
    """The panels of one screen in one language; `video`: the site has cameras."""
    s = snap.screens[screen]
    top = site_map(s, names, lang) if screen == CITY else focus_panel(s, names, lang)
    curve_as_of = as_of_text(s.day0 + timedelta(minutes=len(s.minutes_today)), lang)
    chart = cumulative_chart(s, lang, event_marks(snap, s.day0, lang))
    video = video and screen != CITY
    curve_title = text("cumulative_today_vs_ly_short" if video else "cumulative_today_vs_ly", lang)  # narrower
    return (
        f'<div class="grid {"city" if screen == CITY else "site"}{" has-video" if video else ""}">'
        f"{_panel(curve_title, chart, 'curve', curve_as_of)}"
        f"{video_panel(screen, lang) if video else ''}{top}"
        f"{timing_panel(s, lang)}{checks_panel(s, lang)}"
        f"{warehouse_panel(s, lang)}{systems_panel(s, names, lang)}"
        f"</div>{alerts_strip(snap, screen, lang)}"
    )
