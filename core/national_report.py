"""The daily report across districts as one ranked table, and that table as the
district report's files are: Excel, CSV (UTF-8 with BOM), Markdown and a printed
A4 PDF. Text cells are kept inert as in core/report/export.py."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from html import escape

from core.national import DistrictDay
from core.numbers import cny, signed_percent
from core.report.export import FORMULA_START, PRINT_CSS, inert, print_pdf
from core.text import text

MONEY = ("rep_value", "rep_net_value", "rep_tax_net_cny")
CHANGE = ("nat_lists_yoy", "nat_value_yoy")


def _yuan(fen: int) -> float:
    return cny(Decimal(fen) / 100)


def window_text(first: date, last: date) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()}–{last.isoformat()}"


def title(first: date, last: date, lang: str) -> str:
    return f"{text('nat_report_title', lang)} {window_text(first, last)}"


def table(days: list[DistrictDay], lang: str) -> tuple[list[str], list[list]]:
    """Ranked by released lists, a total last; a district that exported nothing says so."""
    keys = ("nat_rank", "nat_district", "nat_code", "rep_lists", CHANGE[0], "rep_value", CHANGE[1],
            "rep_cancelled_lists", "rep_net_lists", "rep_net_value", "rep_tax_net_cny",
            "rep_format_rejects")  # fmt: skip
    headers = [text(k, lang) for k in keys]
    rows: list[list] = []
    for i, d in enumerate(days, start=1):
        name = d.district.name_en if lang == "en" else d.district.name_zh
        if not d.days:
            rows.append([None, name, d.district.code, text("nat_missing", lang), *[None] * 8])
            continue
        n, a = d.now, d.now.adjustments
        rows.append([i, name, d.district.code, n.released_lists, d.lists_change, _yuan(n.goods_value_fen),
                     d.value_change, a.cancelled_lists, n.net_released_lists, cny(n.net_goods_value),
                     cny(a.tax_net), d.format_rejects])  # fmt: skip
    shown = [d for d in days if d.days]
    if shown:
        lists = sum(d.now.released_lists for d in shown)
        value = sum(d.now.goods_value_fen for d in shown)
        with_ly = [d for d in shown if d.last_year is not None]
        ly_lists = sum(d.last_year.released_lists for d in with_ly)
        ly_value = sum(d.last_year.goods_value_fen for d in with_ly)
        whole = len(with_ly) == len(shown)  # a total's change only when every district has its last year
        rows.append([None, text("nat_total", lang), "", lists,
                     lists / ly_lists - 1 if whole and ly_lists else None, _yuan(value),
                     value / ly_value - 1 if whole and ly_value else None,
                     sum(d.now.adjustments.cancelled_lists for d in shown),
                     sum(d.now.net_released_lists for d in shown), cny(sum(d.now.net_goods_value for d in shown)),
                     cny(sum(d.now.adjustments.tax_net for d in shown)),
                     sum(d.format_rejects for d in shown)])  # fmt: skip
    return headers, rows


def _cell(v, header: str, lang: str):
    if v is None:
        return ""
    if isinstance(v, str):
        return inert(v)
    if header in {text(k, lang) for k in CHANGE}:
        return f"{v:.4f}"
    if header in {text(k, lang) for k in MONEY}:
        return f"{v:.2f}"
    return v


def to_csv(days: list[DistrictDay], first: date, last: date, lang: str = "zh") -> bytes:
    headers, rows = table(days, lang)
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow([inert(title(first, last, lang))])
    out.writerow(headers)
    for row in rows:
        out.writerow([_cell(v, h, lang) for v, h in zip(row, headers)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def shown(v, header: str, lang: str) -> str:
    """A cell as a reader sees it, on the page and in the printed and Markdown files."""
    if v is None:
        return "—"
    if isinstance(v, str):
        return v
    if header in {text(k, lang) for k in CHANGE}:
        return signed_percent(v)
    return f"{v:,.2f}" if header in {text(k, lang) for k in MONEY} else f"{v:,}"


def to_markdown(days: list[DistrictDay], first: date, last: date, lang: str = "zh") -> str:
    headers, rows = table(days, lang)
    lines = [f"# {title(first, last, lang)}", "", "| " + " | ".join(headers) + " |",
             "|" + "---|" * len(headers)]  # fmt: skip
    lines += ["| " + " | ".join(shown(v, h, lang).replace("|", "\\|") for v, h in zip(row, headers)) + " |"
              for row in rows]  # fmt: skip
    return "\n".join([*lines, "", text("nat_days_note", lang), ""])


def to_html(days: list[DistrictDay], first: date, last: date, lang: str = "zh") -> str:
    """The printable page: the ranked table and its note, in the district report's print style."""
    headers, rows = table(days, lang)
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(shown(v, h, lang))}</td>" for v, h in zip(row, headers)) + "</tr>"
        for row in rows
    )
    return (
        f'<!doctype html><html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
        f"<title>{escape(title(first, last, lang))}</title><style>{PRINT_CSS.read_text(encoding='utf-8')}</style>"
        f"</head><body><h1>{escape(title(first, last, lang))}</h1>"
        f"<section><table><tr>{head}</tr>{body}</table></section>"
        f'<div class="note">{escape(text("nat_days_note", lang))}</div></body></html>'
    )


def to_pdf(days: list[DistrictDay], first: date, last: date, lang: str = "zh") -> bytes:
    return print_pdf(to_html(days, first, last, lang))


def to_xlsx(days: list[DistrictDay], first: date, last: date, lang: str = "zh") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    headers, rows = table(days, lang)
    money, changes = {text(k, lang) for k in MONEY}, {text(k, lang) for k in CHANGE}
    wb = Workbook()
    ws = wb.active
    ws.title = text("nat_ranking", lang)
    ws.append([title(first, last, lang)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(headers)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
        for cell, h in zip(ws[ws.max_row], headers):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
                cell.quotePrefix = cell.value.startswith(FORMULA_START)
            elif isinstance(cell.value, (int, float)):
                cell.number_format = "+0.0%;-0.0%;0.0%" if h in changes else "#,##0.00" if h in money else "#,##0"
    ws.freeze_panes = "A4"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
