"""National wall: each district's live counters and value (from the federating
Prometheus), its alerts firing and how fresh its data is, its latest exported day
against last year, and a link into its own app."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from base.clock import BEIJING
from core import national
from core.numbers import count_text, signed_percent, yuan_en, yuan_zh
from dashboard.components import page, tiles
from dashboard.i18n import lang, t

runtime = page.start("national")
cfg = runtime.config
ncfg = cfg.national
if ncfg is None:  # a district's own app has no national tier
    st.info(t("nat_not_national"))
    st.stop()


def value_text(yuan: float | None) -> str:
    if yuan is None:
        return "—"
    fen = round(yuan * 100)
    return yuan_en(fen) if lang() == "en" else yuan_zh(fen)


def age_text(seconds: float) -> str:
    s = int(seconds)
    if lang() == "en":
        return f"{s} s" if s < 120 else f"{s // 60} min"
    return f"{s}秒" if s < 120 else f"{s // 60}分钟"


@st.cache_data(ttl=60, show_spinner=False)
def latest_days(today) -> tuple:
    day = national.latest_day(ncfg, today)
    return day, {d.district.code: d for d in national.days(ncfg, day, day, runtime.national_days)} if day else {}


@st.fragment(run_every=cfg.refresh_seconds)
def wall() -> None:
    snap = runtime.national.get()
    at = datetime.fromtimestamp(snap.at, BEIJING)
    tiles.header(
        t("national_title"),
        at.strftime("%Y-%m-%d %H:%M:%S") + " 北京时间" * (lang() == "zh"),
        f"{t('updated')} {at.strftime('%H:%M:%S')}",
    )
    if snap.error:
        tiles.stale_banner(t("nat_no_prometheus").format(error=snap.error))
    stale = [d for d in snap.districts if d.stale]
    if stale and not snap.error:
        names = "、".join(d.district.name_zh if lang() == "zh" else d.district.name_en for d in stale)
        tiles.stale_banner(t("nat_stale_banner").format(names=names))
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        tiles.tile(t("nat_live_lists"), count_text(snap.released_lists, lang()), f"{snap.released_lists:,}",
                   test_id="national-lists")  # fmt: skip
    with c2:
        tiles.tile(t("nat_live_value"), value_text(snap.goods_value_cny), test_id="national-value")
    with c3:
        ok = len(snap.districts) - len(stale)
        tiles.tile(t("nat_districts_ok"), f"{ok} / {len(snap.districts)}", test_id="national-fresh")
    with c4:
        tiles.tile(t("nat_alerts"), f"{sum(d.alerts_firing for d in snap.districts):,}", test_id="national-alerts")

    day, by_code = latest_days(runtime.clock().date())
    day_head = t("nat_day_lists").format(day=day.strftime("%m-%d")) if day else t("nat_latest_lists")
    rows = []
    for d in snap.districts:
        code = d.district.code
        exported = by_code.get(code)
        if d.stale:
            state = (
                t("nat_stale_for").format(s=age_text(d.age_seconds)) if d.age_seconds is not None else t("nat_never")
            )
        else:
            state = t("nat_fresh")
        rows.append(
            {
                t("nat_district"): d.district.name_en if lang() == "en" else d.district.name_zh,
                t("nat_code"): code,
                t("nat_live_lists"): "—" if d.released_lists is None else f"{d.released_lists:,}",
                t("nat_live_value"): value_text(d.goods_value_cny),
                day_head: f"{exported.now.released_lists:,}" if exported and exported.days else t("nat_missing"),
                t("nat_yoy"): signed_percent(exported.lists_change) if exported else "—",
                t("nat_alerts"): f"{d.alerts_firing:,}",
                t("nat_state"): state,
            }
        )
    tiles.table(pd.DataFrame(rows), test_id="national-districts")


wall()
linked = [d for d in ncfg.districts if d.url]
if linked:
    st.markdown(f"**{t('nat_open_district')}**")
    for col, d in zip(st.columns(len(linked)), linked):
        col.link_button(d.name_en if lang() == "en" else d.name_zh, d.url, icon=":material/open_in_new:")
