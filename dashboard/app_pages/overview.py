"""City overview: today's releases and value, per-minute pace, year on year, a
small line of net releases, net value and tax assessed, the cumulative curve
against last year, and one tile per site."""

from __future__ import annotations

import streamlit as st

from core import live, netline
from core.numbers import count_text, percent_change, signed_percent, yuan_en, yuan_exact, yuan_zh
from dashboard.components import charts, page, tiles
from dashboard.feed import loading_text
from dashboard.i18n import lang, site_name, t

page.start("overview")

CHART_CONFIG = {"displayModeBar": False, "staticPlot": False}


def fmt_count(n: int) -> str:
    return count_text(n, lang())


def fmt_value(fen: int) -> str:
    return yuan_en(fen) if lang() == "en" else yuan_zh(fen)


@st.fragment(run_every=live.refresh_seconds())
def figures() -> None:
    ov = live.overview()
    h, city = ov.headlines, ov.city
    tiles.header(
        t("app_title"),
        h.now.strftime("%Y-%m-%d %H:%M:%S") + " 北京时间" * (lang() == "zh"),
        f"{t('updated')} {h.now.strftime('%H:%M:%S')}",
    )
    if h.stale:
        tiles.stale_banner(h.names.stale_banner(h.stale, lang()))

    if h.loading:
        st.info(loading_text(h.loading, lang()), icon=":material/hourglass_top:")
        yoy_lists = yoy_value = None
    else:
        yoy_lists = percent_change(h.today.released_lists, h.last_year.released_lists)
        yoy_value = percent_change(h.today.goods_value_fen, h.last_year.goods_value_fen)
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        tiles.tile(
            t("released_today"),
            fmt_count(h.today.released_lists),
            f"{h.today.released_lists:,} {t('lists_unit')}",
            test_id="released-today",
        )
    with c2:
        pending = h.today.released_lists - h.today.valued_lists
        sub = yuan_exact(h.today.goods_value_fen, lang())
        if pending:
            sub += f" · {pending:,} {t('without_declaration')}"
        tiles.tile(t("goods_value_today"), fmt_value(h.today.goods_value_fen), sub, test_id="value-today")
    with c3:
        tiles.tile(t("per_minute"), f"{city.last_minute:,}", t("last_full_minute"), test_id="per-minute")
    with c4:
        tiles.tile(
            t("yoy_same_time"),
            signed_percent(yoy_lists),
            tiles.change_span(f"{t('goods_value_today')} {signed_percent(yoy_value)}", yoy_value),
            css_class="cbec-up" if (yoy_lists or 0) >= 0 else "cbec-down",
            test_id="yoy",
        )
    tiles.secondary_line(netline.line(city.net, lang()), t("net_help"), test_id="net-line")

    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{t('cumulative_against_ly')}**")
        legend = (t("today"), t("last_year"))
        fig = charts.cumulative(ov.curve_today, ov.curve_last_year, legend, t("cumulative_lists"), lang())
        st.plotly_chart(fig, key="cumulative", config=CHART_CONFIG)
    with right:
        st.markdown(f"**{t('per_minute_chart')}**")
        st.plotly_chart(charts.sparkline(city.per_minute, height=360), key="sparkline", config=CHART_CONFIG)

    st.markdown(f"**{t('by_site')}**")
    cols = st.columns(len(ov.sites) or 1)
    total = max(h.today.released_lists, 1)
    for col, (code, s) in zip(cols, ov.sites):
        with col:
            tiles.tile(
                site_name(code, s.name_zh, s.name_en),
                fmt_count(s.released_lists),
                f"{fmt_value(s.goods_value_fen)} · {t('share')} {s.released_lists / total:.1%}"
                f" · {t('per_min_value').format(n=f'{s.last_minute:,}')}",
                css_class="cbec-site",
                test_id=f"site-{code}",
            )
            st.plotly_chart(charts.sparkline(s.per_minute), key=f"spark-{code}", config=CHART_CONFIG)
    if ov.simulated_history:
        st.html(f'<div class="cbec-note">{t("history_note")}</div>')


figures()
