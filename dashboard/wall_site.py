"""Each site's own concerns (DOMAIN.md, the four business sites) as the HTML of its
focus panel on the wall: few figures, big, every label by its display name.

梅山: inbound shelving speed, 48-hour delivery and the release speed at the zone
exit; 栎社: the night's flights and air waybills beside its gates, X-ray machines
and cameras; 杭州湾新区: in-warehouse time per parcel against last year and the
sorters' throughput; 保税区: manual review and its 23 warehouses, each labelled.
Styles: assets/wall/site.css (classes under .sc)."""

from __future__ import annotations

from html import escape

import pandas as pd

from core.live import Screen
from core.names import Names
from core.numbers import count_text, percent_change, signed_percent
from core.text import text
from dashboard.wall_figures import fmt_duration, review_level, review_target_s

OCCUPANCY = "warehouse_occupancy"
EQUIPMENT_KINDS = ("gate", "xray", "camera")


def site_concerns(s: Screen, names: Names, lang: str) -> str:
    """The body of a site screen's focus panel (meishan, lishe, hzw, bsq); "" for another screen."""
    draw = {"meishan": _meishan, "lishe": _lishe, "hzw": _hzw, "bsq": _bsq}.get(s.code)
    return f'<div class="sc sc-{escape(s.code)}">{draw(s, names, lang)}</div>' if draw else ""


# -- pieces ---------------------------------------------------------------------------------
def _fig(label: str, value: str, unit: str = "", note: str = "", cls: str = "") -> str:
    """One big figure: value and unit, its label, an optional note beneath."""
    unit_html = f"<small>{escape(unit)}</small>" if unit else ""
    note_html = f'<div class="n">{note}</div>' if note else ""
    return (
        f'<div class="sc-fig {cls}"><div class="l">{escape(label)}</div>'
        f'<div class="v">{escape(value)}{unit_html}</div>{note_html}</div>'
    )


def _measure(s: Screen, name: str) -> float | None:
    v = s.measures.get(name)
    return None if v is None or v != v else float(v)


def _spark(values: list[float], label: str) -> str:
    """The last hour as bars, scaled to its own top; the label says what it is."""
    if not values:
        return ""
    top = max(max(values), 1.0)
    w = 1000 / 60
    rects = "".join(
        f'<rect x="{(60 - len(values) + i) * w:.1f}" y="{100 - v / top * 96:.1f}" width="{w * 0.8:.1f}"'
        f' height="{v / top * 96:.1f}"/>'
        for i, v in enumerate(values[-60:])
    )
    return (
        f'<div class="sc-spark"><span>{escape(label)}</span>'
        f'<svg viewBox="0 0 1000 100" preserveAspectRatio="none">{rects}</svg></div>'
    )


def _minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


# -- the four sites ------------------------------------------------------------------------
def _meishan(s: Screen, names: Names, lang: str) -> str:
    """Shelving speed with its last hour on the left; 48-hour delivery and the release speed on the right."""
    shelved = _measure(s, "shelved_parcels_per_hour")
    delivered = _measure(s, "delivered_48h_ratio")
    released = (s.per_minute or [0])[-1]
    shelving = _fig(
        text("measure_shelved_parcels_per_hour", lang),
        "—" if shelved is None else count_text(shelved, lang),
        text("focus_unit_parcels_per_hour", lang),
    )
    series = s.measure_series.get("shelved_parcels_per_hour", [])
    right = _fig(text("measure_delivered_48h_ratio", lang), "—" if delivered is None else f"{delivered:.1%}") + _fig(
        text("focus_release_per_minute", lang), f"{released:,}"
    )
    return (
        f'<div class="sc-col">{shelving}{_spark(series, text("focus_last_hour", lang))}</div>'
        f'<div class="sc-col">{right}</div>'
    )


def _lishe(s: Screen, names: Names, lang: str) -> str:
    flights = _measure(s, "flights_landed_count")
    waybills = _measure(s, "air_waybills_count")
    since = escape(text("focus_night_since", lang))
    figs = _fig(
        text("measure_flights_landed_count", lang),
        "—" if flights is None else f"{flights:,.0f}",
        text("focus_unit_flights", lang),
        since,
    ) + _fig(
        text("measure_air_waybills_count", lang),
        "—" if waybills is None else count_text(waybills, lang),
        text("focus_unit_waybills", lang),
        since,
    )
    return f'<div class="sc-figs">{figs}</div>{_equipment(s, names, lang)}'


def _equipment(s: Screen, names: Names, lang: str) -> str:
    """Gates, X-ray machines and cameras: how many of each are up, and every one that
    is not by its display name and state."""
    c = s.components
    if c.empty or "kind" not in c:
        return f'<div class="sc-muted">{escape(text("no_data_yet", lang))}</div>'
    kinds, problems = [], []
    for kind in EQUIPMENT_KINDS:
        mine = c[c["kind"] == kind].sort_values("component", key=lambda x: x.str.extract(r"(\d+)$")[0].astype(float))
        if mine.empty:
            continue
        up = int((mine["state"] == "ok").sum())
        cls = "ok" if up == len(mine) else "down"
        label = escape(names.component(kind, lang))
        kinds.append(f'<div class="sc-kind {cls}"><span>{label}</span><b>{up}/{len(mine)}</b></div>')
        for r in mine[mine["state"] != "ok"].itertuples():
            state = text("equipment_down" if r.state == "down" else "equipment_stale", lang)
            problems.append(
                f'<span class="sc-eq {escape(str(r.state))}">{escape(names.component(r.component, lang))} '
                f"{escape(state)}</span>"
            )
    faults = "".join(problems) or f'<span class="sc-eq ok">{escape(text("focus_all_up", lang))}</span>'
    return f'<div class="sc-kinds">{"".join(kinds)}</div><div class="sc-eqrow">{faults}</div>'


def _hzw(s: Screen, names: Names, lang: str) -> str:
    now = _measure(s, "in_warehouse_minutes")
    before = s.measures_last_year.get("in_warehouse_minutes")
    change = percent_change(now, before) if now is not None and before else None
    # shorter is better: a fall is good news
    cls = "" if change is None else "good" if change <= 0 else "bad"
    note = (
        f"{escape(text('focus_last_year', lang))} {escape(_minutes(before))}"
        f"{escape(text('focus_unit_minutes', lang))} · <b class='{cls}'>{escape(signed_percent(change))}</b>"
        if before
        else ""
    )
    sorter = _measure(s, "sorter_parcels_per_hour")
    figs = _fig(
        text("measure_in_warehouse_minutes", lang),
        _minutes(now),
        text("focus_unit_minutes", lang),
        note,
    ) + _fig(
        text("measure_sorter_parcels_per_hour", lang),
        "—" if sorter is None else count_text(sorter, lang),
        text("focus_unit_parcels_per_hour", lang),
    )
    series = s.measure_series.get("sorter_parcels_per_hour", [])
    label = f"{text('measure_sorter_parcels_per_hour', lang)} · {text('focus_last_hour', lang)}"
    return f'<div class="sc-figs">{figs}</div>{_spark(series, label)}'


def _bsq(s: Screen, names: Names, lang: str) -> str:
    level = review_level(s.review, s)
    review = (
        f'<div class="sc-kv {level}"><span>{escape(text("manual_review", lang))}</span><b>{s.review.lists:,}</b>'
        f"<span>{escape(text('oldest', lang))}</span><b>{escape(fmt_duration(s.review.oldest_age_s, lang))}</b>"
        f"<span>{escape(text('target', lang))} {escape(fmt_duration(review_target_s(s), lang))}</span></div>"
    )
    return review + _warehouse_tiles(s, names, lang)


def _short(name: str, site: str) -> str:
    """保税区1号仓 on the 保税区 screen is 1号仓; Bonded Zone W01 is W01."""
    return name[len(site) :].strip() or name if name.startswith(site) else name


def _warehouse_tiles(s: Screen, names: Names, lang: str) -> str:
    """Every warehouse of the site as a tile with its short name and how full it is,
    coloured at the warehouse-occupancy rule's thresholds."""
    site = names.site(s.code, lang)
    tiles = []
    for row in s.warehouses.sort_values("warehouse_code").itertuples():
        ratio = None if pd.isna(row.occupancy_ratio) else float(row.occupancy_ratio)
        name = _short(names.warehouse(row.warehouse_code, lang), site)
        shown = "—" if ratio is None else f"{ratio:.0%}"
        tiles.append(
            f'<div class="sc-wh {s.limits.level(OCCUPANCY, ratio)}"><span>{escape(name)}</span><b>{shown}</b></div>'
        )
    return f'<div class="sc-whgrid">{"".join(tiles)}</div>'
