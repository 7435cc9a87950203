"""City overview: today's releases and value, per-minute pace, year on year,
the cumulative curve against last year, and one tile per site."""

from __future__ import annotations

import streamlit as st

from core.numbers import count_en, count_zh, percent_change, signed_percent, yuan_en, yuan_zh
from dashboard import data
from dashboard.components import charts, page, tiles
from dashboard.i18n import lang, site_name, t

page.start("overview")

CHART_CONFIG = {"displayModeBar": False, "staticPlot": False}


def fmt_count(n: int) -> str:
    return count_en(n) if lang() == "en" else count_zh(n)


def fmt_value(fen: int) -> str:
    return yuan_en(fen) if lang() == "en" else yuan_zh(fen)


@st.fragment(run_every=data.refresh_seconds())
def live() -> None:
    ov = data.overview()
    tiles.header(
        t("app_title"),
        ov.now.strftime("%Y-%m-%d %H:%M:%S") + " 北京时间" * (lang() == "zh"),
        f"{t('updated')} {ov.computed_at.strftime('%H:%M:%S')}",
    )
    stale = [n for n, h in ov.collectors.items() if h["state"] in ("stale", "error")]
    if stale:
        tiles.stale_banner(f"{t('stale')} · {t('stale_detail')}{', '.join(stale)}")

    if ov.history_loading:
        st.info(f"{t('history_loading')} {ov.history_loading}", icon=":material/hourglass_top:")
        yoy_lists = yoy_value = None
    else:
        yoy_lists = percent_change(ov.today.released_lists, ov.last_year_same_time.released_lists)
        yoy_value = percent_change(ov.today.goods_value_fen, ov.last_year_same_time.goods_value_fen)
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        tiles.tile(
            t("released_today"),
            fmt_count(ov.today.released_lists),
            f"{ov.today.released_lists:,} {t('lists_unit')}",
            test_id="released-today",
        )
    with c2:
        pending = ov.today.released_lists - ov.today.valued_lists
        sub = f"{ov.today.goods_value_cny:,.2f} CNY"
        if pending:
            sub += f" · {pending:,} {t('without_declaration')}"
        tiles.tile(t("goods_value_today"), fmt_value(ov.today.goods_value_fen), sub, test_id="value-today")
    with c3:
        tiles.tile(t("per_minute"), f"{ov.last_minute:,}", t("last_full_minute"), test_id="per-minute")
    with c4:
        tiles.tile(
            t("yoy_same_time"),
            signed_percent(yoy_lists),
            tiles.change_span(f"{t('goods_value_today')} {signed_percent(yoy_value)}", yoy_value),
            css_class="cbec-up" if (yoy_lists or 0) >= 0 else "cbec-down",
            test_id="yoy",
        )

    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{t('cumulative_today_vs_ly')}**")
        fig = charts.cumulative(ov.curve_today, ov.curve_last_year, (t("today"), t("last_year")), t("cumulative_lists"))
        st.plotly_chart(fig, key="cumulative", config=CHART_CONFIG)
    with right:
        st.markdown(f"**{t('per_minute_chart')}**")
        st.plotly_chart(charts.sparkline(ov.sparkline, height=360), key="sparkline", config=CHART_CONFIG)

    st.markdown(f"**{t('by_site')}**")
    cols = st.columns(len(ov.sites) or 1)
    total = max(ov.today.released_lists, 1)
    for col, s in zip(cols, ov.sites):
        with col:
            tiles.tile(
                site_name(s.code, s.name_zh, s.name_en),
                fmt_count(s.released_lists),
                f"{fmt_value(s.goods_value_fen)} · {t('share')} {s.released_lists / total:.1%} · {s.last_minute:,}/min",
                css_class="cbec-site",
                test_id=f"site-{s.code}",
            )
            st.plotly_chart(charts.sparkline(s.sparkline), key=f"spark-{s.code}", config=CHART_CONFIG)
    if ov.simulated_history:
        st.html(f'<div class="cbec-note">{t("history_note")}</div>')


live()
