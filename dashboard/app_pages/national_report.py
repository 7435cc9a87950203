"""The daily report across districts: a day (yesterday by default) or a span, each
district's figures from its Parquet exports ranked by released lists, against the
same days of last year, with a total; downloads as the district report has them."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from core import national
from core import national_report as nr
from dashboard import access
from dashboard.access import act
from dashboard.components import downloads, page, tiles
from dashboard.i18n import lang, t

runtime = page.start("national_report")
ncfg = runtime.config.national
if ncfg is None:  # a district's own app has no national tier
    st.info(t("nat_not_national"))
    st.stop()
language = lang()

st.header(t("national_report"))
today = runtime.clock().date()
try:  # a link may name its day: ?date=YYYY-MM-DD
    asked = date.fromisoformat(st.query_params.get("date", ""))
except ValueError:
    asked = today - timedelta(days=1)
c1, c2 = st.columns(2)
first = c1.date_input(t("nat_from"), value=min(asked, today), max_value=today)
last = c2.date_input(t("nat_to"), value=first, min_value=first, max_value=today)


@st.cache_data(ttl=30, show_spinner=False)
def ranked(first, last) -> list:
    return national.days(ncfg, first, last, runtime.national_days)


days = ranked(first, last)
if not any(d.days for d in days):
    st.info(t("nat_no_exports").format(window=nr.window_text(first, last)))
    st.stop()

headers, rows = nr.table(days, language)
st.subheader(t("nat_ranking"))
cells = [[nr.shown(v, h, language) for v, h in zip(row, headers)] for row in rows]
tiles.table(pd.DataFrame(cells, columns=headers), test_id="national-ranking")
st.caption(t("nat_days_note"))

st.subheader(t("downloads"))
stem = f"cbec-national-{nr.window_text(first, last)}"
viewer = access.current()


def exported(fmt: str, make) -> bytes:
    act(runtime, "report.export", f"national:{nr.window_text(first, last)}", lambda con: None, fmt, viewer)
    return make(days, first, last, language)


if not access.allowed("report.export"):
    st.caption(t("forbidden_action"))
else:
    files = {"xlsx": nr.to_xlsx, "csv": nr.to_csv, "md": nr.to_markdown, "pdf": nr.to_pdf}
    downloads.buttons(stem, lambda fmt: exported(fmt, files[fmt]))
