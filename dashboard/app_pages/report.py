"""Daily report for leadership: a date (today so far by default, yesterday one
click away) and an optional cut-off; the sentence ready to paste; the figures
against last year; net, tax, cancellations, returns and format rejects, and
the 1210/9610 split beside them; downloads in Excel, CSV, Markdown and A4 PDF."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core import netline, simulated
from core.numbers import axis_ticks, count_en, count_zh, fen, percent, signed_percent, yuan_en, yuan_zh
from core.report import export
from core.report.figures import Compared, Report, build
from dashboard import access, feed
from dashboard.access import act
from dashboard.components import downloads, page, tiles
from dashboard.i18n import lang, t

runtime = page.start("report")
cfg = runtime.config
language = lang()
fmt_count = count_en if language == "en" else count_zh
fmt_value = yuan_en if language == "en" else yuan_zh


@st.cache_data(ttl=30, max_entries=16, show_spinner=False)
def _report(day, cutoff, minute: datetime, instance: int, loading: str) -> Report:
    with runtime.store.reading() as con:
        return build(con, day, cutoff, runtime.clock(), simulated.sources(cfg), history_loading=bool(loading))


st.header(t("report_title"))
now = runtime.clock()
choice = st.segmented_control(
    t("report_day"),
    ["today", "yesterday", "other"],
    default="today",
    format_func=lambda k: t(f"report_{k}"),
    key="report_choice",
)
day = now.date() - timedelta(days=1) if choice == "yesterday" else now.date()
if choice == "other":
    day = st.date_input(t("report_pick_date"), value=now.date() - timedelta(days=1), max_value=now.date())
left, right = st.columns([1, 2])
with left:
    use_cutoff = st.toggle(t("report_cutoff"), key="report_use_cutoff")
with right:
    cutoff = (
        st.time_input(t("report_cutoff_time"), value=time(14, 0), step=timedelta(minutes=30)) if use_cutoff else None
    )

loading = runtime.history_loading(runtime.health()["collectors"])
report = _report(day, cutoff, now.replace(second=0, microsecond=0), runtime.instance, loading)
if loading:  # the figures are not whole yet: say so rather than show a small number as fact
    st.warning(feed.loading_text(loading, language), icon=":material/hourglass_top:")
district = (cfg.district_zh, cfg.district_en)

if not report.has_data:
    st.info(t("report_no_data").format(window=export.window_text(report)))
    st.stop()

st.caption(t("report_sentence"))
st.code(export.summary_sentence(report, language, district), language=None, wrap_lines=True)


def yoy(change: float | None) -> str | None:
    return None if change is None else f"{signed_percent(change)} {t('yoy_short')}"


def to_date(c: Compared, key: str) -> None:
    """Month or year to date only when it holds the whole span: while history loads or starts late it
    would repeat today's figure as if it were the month's (本月累计 = 本年累计)."""
    if c.complete:
        st.metric(t(key), fmt_count(c.lists), yoy(c.lists_change), help=fmt_value(c.value_fen))
    else:
        why = "rep_loading_short" if report.history_loading else "rep_incomplete_short"
        st.metric(t(key), "—", help=t(why))


w = report.window
no_ly = t("rep_loading_short" if report.history_loading else "rep_no_ly_short")
exact = export.exact_yuan(w.value_fen, language)
c1, c2 = st.columns(2)
c1.metric(
    t("released_lists"),
    fmt_count(w.lists),
    yoy(w.lists_change),
    help=f"{w.lists:,} · {t('last_year')} " + (no_ly if w.ly_lists is None else f"{w.ly_lists:,}"),
)
c2.metric(t("goods_value"), fmt_value(w.value_fen), yoy(w.value_change), help=exact)
c3, c4 = st.columns(2)
with c3:
    to_date(report.month, "month_to_date")
with c4:
    to_date(report.year, "year_to_date")
ly_day = report.whole_day_ly
st.caption(
    f"{t('whole_day_last_year')}: " + (no_ly if ly_day is None else f"{fmt_count(ly_day[0])} · {fmt_value(ly_day[1])}")
)
st.caption(netline.line(report.net, language), help=t("net_help"))

st.subheader(t("hourly_profile"))
fig = go.Figure()
hourly = report.hourly.astype(object).where(report.hourly.notna(), None)  # no bar where there is no figure
if w.has_ly:
    fig.add_bar(x=hourly["hour"], y=hourly["lists_ly"], name=t("last_year"), marker_color="#8a94a6")
fig.add_bar(x=hourly["hour"], y=hourly["lists"], name=export.day_label(report, language), marker_color="#3fb6ff")


ticks, tick_labels = axis_ticks(report.hourly[["lists", "lists_ly"]].fillna(0).to_numpy().max(), language, most=5)
fig.update_layout(
    barmode="group", height=300, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h"), showlegend=True,
    xaxis=dict(dtick=2, title=None), yaxis=dict(title=None, tickvals=ticks, ticktext=tick_labels),
)  # fmt: skip
st.plotly_chart(fig, key="hourly", config={"displayModeBar": False})

name = "name_en" if language == "en" else "name_zh"
tables = [("by_site", report.by_site), ("by_platform", report.by_platform), ("by_category", report.by_category)]
money = {t(k) for k in export.MONEY}
for key, df in tables:
    st.subheader(t(key))
    view = pd.DataFrame(
        {
            t("name"): df[name],
            t("released_lists"): [f"{n:,}" for n in df["lists"]],
            t("rep_value_shown"): [fmt_value(v) for v in df["value_fen"]],
            t("rep_share"): [percent(x) for x in df["share"]],
        }
    )
    tiles.table(view, test_id=f"report-{key}")


def shown_cell(v, header: str) -> str:
    """A cell as read on the page: money in 万元/亿元, counts in full, "—" where there is no figure."""
    if v is None:
        return "—"
    if header in money:
        return fmt_value(fen(Decimal(str(v))))
    return f"{v:,}" if isinstance(v, int) else str(v)


for key, (headers, rows) in (
    ("rep_adjustments", export.adjustments_table(report, language)),
    ("rep_trade_modes", export.trade_modes_table(report, language)),
):  # the same rows as the files
    st.subheader(t(key))
    shown = [export.shown_header(h, language) for h in headers]
    cells = {s: [shown_cell(row[i], h) for row in rows] for i, (h, s) in enumerate(zip(headers, shown))}
    tiles.table(pd.DataFrame(cells), test_id=f"report-{key}")
for note in export.notes(report, language):
    st.caption(note)

st.subheader(t("records_and_checks"))
rows = []
if report.peak_hour:
    rows.append((t("peak_hour"), f"{report.peak_hour[0]:02d}:00–{report.peak_hour[0] + 1:02d}:00", report.peak_hour[1]))
if report.peak_minute:
    rows.append((t("peak_minute"), report.peak_minute[0].strftime("%H:%M"), report.peak_minute[1]))
for n, at in report.milestones:
    rows.append((f"{t('milestone')} {export.milestone_text(n, language)}", at.strftime("%H:%M"), n))
for key in ("inspections", "holds", "rejects", "manual_reviews"):
    rows.append((t(key), export.window_text(report), report.checks[key]))
tiles.table(
    pd.DataFrame(
        {t("figure"): [r[0] for r in rows], t("at"): [r[1] for r in rows], t("count"): [f"{r[2]:,}" for r in rows]}
    ),
    test_id="report-records",
)

st.subheader(t("downloads"))
stem = f"cbec-report-{report.day.isoformat()}" + (f"-{report.end:%H%M}" if cutoff else "")


viewer = access.current()  # the file is made when it is asked for, outside this run


def exported(fmt: str, make) -> bytes:
    """The file, once the role may export (checked on the server and put on record)."""
    detail = f"{fmt} {report.day.isoformat()}" + (f" until {report.end:%H:%M}" if cutoff else "")
    act(runtime, "report.export", f"report:{report.day.isoformat()}", lambda con: None, detail, viewer)
    return make(report, language)


if not access.allowed("report.export"):
    st.caption(t("forbidden_action"))
else:
    files = {"xlsx": export.to_xlsx, "csv": export.to_csv, "md": export.to_markdown, "pdf": export.to_pdf}
    downloads.buttons(stem, lambda fmt: exported(fmt, files[fmt]))
