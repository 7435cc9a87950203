"""The figures of a day window as one plain object: what `cbec summary --json`
prints. Money in yuan, rounded half up to 2 decimals from the exact sums. And
the daily report as a file: what `cbec report` writes. The command computes
them on the database file, or the running app does for it (dashboard/routes.py)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import duckdb

from base.config import Config
from collectors.records import TRADE_MODES
from core import simulated
from core.numbers import cny
from core.report import export
from core.report.figures import build
from queries import read


def _yuan(fen: int) -> float:
    return cny(Decimal(fen) / 100)


def day_summary(
    con: duckdb.DuckDBPyConnection, day: date, until: time | None = None, simulator_sources: tuple[str, ...] = ()
) -> dict:
    start, end = read.day_window(day, until)
    totals = read.release_totals(con, start, end)
    by_site = read.release_by_site(con, start, end)
    unmapped = read.release_unmapped(con, start, end)
    net = read.Net(totals.released_lists, totals.goods_value_fen, read.adjustments(con, start, end))
    modes = read.by_trade_mode(con, start, end, always=TRADE_MODES)
    rejects = read.rejects_by_type(con, start, end)
    a = net.adjustments
    result = {
        "date": day.isoformat(),
        "until": until.strftime("%H:%M") if until else "24:00",
        "simulated": read.simulated(con, start, end, simulator_sources),  # figures from the simulator
        "released_lists": totals.released_lists,
        "goods_value_cny": _yuan(totals.goods_value_fen),
        "releases_without_declaration": totals.released_lists - totals.valued_lists,
        "cancelled_lists": a.cancelled_lists,
        "cancelled_value_cny": _yuan(a.cancelled_value_fen),
        "returned_value_cny": cny(a.returned_value),
        "net_released_lists": net.net_released_lists,
        "net_goods_value_cny": cny(net.net_goods_value),
        "format_rejects": sum(rejects.values()),
        "format_rejects_by_type": rejects,
        "tax": {"assessed_cny": cny(a.tax_assessed), "voided_cny": cny(a.tax_voided), "net_cny": cny(a.tax_net)},
        "by_trade_mode": {
            mode: {
                "released_lists": m.released_lists,
                "goods_value_cny": _yuan(m.goods_value_fen),
                "net_released_lists": m.net_released_lists,
                "net_goods_value_cny": cny(m.net_goods_value),
                "tax_net_cny": cny(m.adjustments.tax_net),
            }
            for mode, m in modes.items()
        },
        "by_site": {
            s.site_code: {"released_lists": s.released_lists, "goods_value_cny": _yuan(s.goods_value_fen)}
            for s in by_site
        },
    }
    if unmapped[0]:
        result["by_site"]["unknown"] = {"released_lists": unmapped[0], "goods_value_cny": _yuan(unmapped[1])}
    return result


REPORT_FORMATS = ("xlsx", "csv", "pdf", "md")


def day_report_file(
    con: duckdb.DuckDBPyConnection, config: Config, day: date, until: time | None, now: datetime, fmt: str, lang: str
) -> tuple[bytes, str]:
    """The daily report as a file of `fmt` and its summary sentence. Raises
    export.PdfError when Chromium cannot print the PDF."""
    report = build(con, day, until, now, simulated.sources(config))
    data = {
        "xlsx": lambda: export.to_xlsx(report, lang),
        "csv": lambda: export.to_csv(report, lang),
        "md": lambda: export.to_markdown(report, lang).encode("utf-8"),
        "pdf": lambda: export.to_pdf(report, lang),
    }[fmt]()
    return data, export.summary_sentence(report, lang, (config.district_zh, config.district_en))
