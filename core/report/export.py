"""The daily report as files a leader forwards: Excel, CSV, Markdown, and an A4
PDF printed by headless Chromium from an HTML page with a print stylesheet.

Text that a spreadsheet could read as a formula (=, +, -, @ first) is kept
inert: a quote prefix in Excel, a leading apostrophe in CSV."""

from __future__ import annotations

import csv
import io
import subprocess
import tempfile
import time
from decimal import Decimal
from html import escape
from pathlib import Path

import pandas as pd

from core import netline
from core.numbers import cny, count_text, fen, yuan_en, yuan_zh
from core.report import sentence
from core.report.figures import Compared, Report
from core.text import TEXT, text

CHROMIUM = "/usr/bin/chromium"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """For CSV: a leading apostrophe keeps a formula-looking cell text."""
    return "'" + text if text.startswith(FORMULA_START) else text


def milestone_text(n: int, lang: str) -> str:
    """Whole millions as people say them: 100万, 600万; 1 million."""
    return f"{n // 1_000_000} million" if lang == "en" else f"{n // 10_000}万"


def summary_sentence(r: Report, lang: str, district: tuple[str, str] = ("宁波海关", "Ningbo Customs")) -> str:
    return sentence.en(r, district[1]) if lang == "en" else sentence.zh(r, district[0])


def window_text(r: Report) -> str:
    end = "24:00" if r.end.date() != r.day else r.end.strftime("%H:%M")
    return f"{r.day.isoformat()} 00:00–{end}"


def _change(change: float | None) -> float | None:
    return None if change is None else round(change, 4)


def _yuan(value_fen: int | None) -> float | None:
    """Exact fen as yuan with its 2 decimals (None stays None: no figure, not 0)."""
    return None if value_fen is None else cny(Decimal(value_fen) / 100)


def _int(v) -> int | None:
    """A count, or None where the figure does not exist (pandas NA)."""
    return None if v is None or v is pd.NA or v != v else int(v)


def exact_yuan(value_fen: int, lang: str) -> str:
    """An exact amount to its 2 decimals with the reader's unit: 1,234,567.80元 / CNY 1,234,567.80."""
    yuan = f"{Decimal(value_fen) / 100:,.2f}"
    return f"CNY {yuan}" if lang == "en" else f"{yuan}元"


def day_label(r: Report, lang: str) -> str:
    """The day reported as a legend names it: 今日 only when it is today."""
    if r.is_today:
        return text("today", lang)
    return f"{r.day.day} {r.day:%b}" if lang == "en" else f"{r.day.month}月{r.day.day}日"


# money columns: exact yuan to 2 decimals in the spreadsheets, 万元/亿元 where people read
MONEY = ("rep_value", "rep_value_ly", "rep_amount", "rep_net_value", "rep_tax_net_cny")


# -- tables shared by every format ------------------------------------------------------------
def tables(r: Report, lang: str) -> dict[str, tuple[list[str], list[list]]]:
    """The ranked and timed sheets: headers and rows of plain values (numbers stay numbers)."""
    name = "name_en" if lang == "en" else "name_zh"
    L = lambda k: text(k, lang)  # noqa: E731

    def ranked(df, with_ly: bool) -> list[list]:
        out = []
        for row in df.itertuples():
            ly = _int(getattr(row, "lists_ly", None)) if with_ly else None
            out.append(
                [
                    getattr(row, name),
                    int(row.lists),
                    _yuan(int(row.value_fen)),
                    round(float(row.share), 4),
                    *([ly, _change(row.lists / ly - 1 if ly else None)] if with_ly else []),
                ]
            )
        return out

    head = [L("name"), L("rep_lists"), L("rep_value"), L("rep_share")]
    records = []
    if r.peak_hour:
        records.append([L("peak_hour"), f"{r.peak_hour[0]:02d}:00–{r.peak_hour[0] + 1:02d}:00", r.peak_hour[1]])
    if r.peak_minute:
        records.append([L("peak_minute"), r.peak_minute[0].strftime("%H:%M"), r.peak_minute[1]])
    for n, at in r.milestones:
        records.append([f"{L('milestone')} {milestone_text(n, lang)}", at.strftime("%H:%M"), n])
    for key in ("inspections", "holds", "rejects", "manual_reviews"):
        records.append([L(key), window_text(r), r.checks[key]])
    return {
        L("rep_sites"): ([*head, L("rep_lists_ly"), L("rep_change")], ranked(r.by_site, True)),
        L("rep_platforms"): (head, ranked(r.by_platform, False)),
        L("rep_categories"): (head, ranked(r.by_category, False)),
        L("rep_hours"): (
            [L("rep_hour"), L("rep_lists"), L("rep_lists_ly")],
            [
                [f"{h:02d}:00", _int(a), _int(b)]
                for h, a, b in r.hourly[["hour", "lists", "lists_ly"]].itertuples(index=False)
            ],
        ),
        L("rep_records"): ([L("figure"), L("at"), L("rep_value_cell")], records),
    }


def _catalogued(prefix: str, code: str, lang: str) -> str:
    """A code's name from the catalogue (`prefix` + code), or the code where it has none."""
    key = f"{prefix}{code}"
    return text(key, lang) if key in TEXT else code


def trade_mode_name(mode: str, lang: str) -> str:
    return _catalogued("trade_mode_", mode, lang)


def message_type_name(kind: str, lang: str) -> str:
    """A rejected message's family by name: 进口清单 for CEB621."""
    return _catalogued("message_type_", kind, lang)


def adjustments_table(r: Report, lang: str) -> tuple[list[str], list[list]]:
    """Tax, cancellations, returns, net and format rejects of the window: a count, an amount in yuan, or both."""
    L = lambda k: text(k, lang)  # noqa: E731
    a = r.net.adjustments
    rows = [
        [L("rep_tax_assessed"), None, cny(a.tax_assessed)],
        [L("rep_tax_voided"), None, cny(a.tax_voided)],
        [L("rep_tax_net"), None, cny(a.tax_net)],
        [L("rep_cancelled"), a.cancelled_lists, cny(Decimal(a.cancelled_value_fen) / 100)],
        [L("rep_returned"), None, cny(a.returned_value)],
        [L("rep_gross"), r.net.released_lists, cny(Decimal(r.net.goods_value_fen) / 100)],
        [L("rep_net"), r.net.net_released_lists, cny(r.net.net_goods_value)],
        [L("rep_format_rejects"), sum(r.format_rejects.values()), None],
    ] + [
        [f"{L('rep_format_rejects')} · {message_type_name(kind, lang)}", n, None]
        for kind, n in r.format_rejects.items()
    ]
    return [L("figure"), L("count"), L("rep_amount")], rows


def trade_modes_table(r: Report, lang: str) -> tuple[list[str], list[list]]:
    """The window by trade mode: 1210 bonded import, 9610 direct purchase, then any other."""
    L = lambda k: text(k, lang)  # noqa: E731
    headers = [L("rep_trade_mode"), L("rep_lists"), L("rep_value"), L("rep_cancelled_lists"), L("rep_net_lists"),
               L("rep_net_value"), L("rep_tax_net_cny")]  # fmt: skip
    rows = [
        [
            trade_mode_name(mode, lang),
            m.released_lists,
            _yuan(m.goods_value_fen),
            m.adjustments.cancelled_lists,
            m.net_released_lists,
            cny(m.net_goods_value),
            cny(m.adjustments.tax_net),
        ]
        for mode, m in r.by_trade_mode.items()
    ]
    return headers, rows


def _summary_table(r: Report, lang: str) -> tuple[list[str], list[list]]:
    L = lambda k: text(k, lang)  # noqa: E731

    def row(key: str, c: Compared) -> list:
        # a month or year holding only part of its days is no fact (a note says why); the day itself is
        if not c.complete and c is not r.window:
            return [L(key), None, None, None, None, None]
        return [L(key), c.lists, _yuan(c.value_fen), c.ly_lists, _yuan(c.ly_value_fen), _change(c.lists_change)]

    rows = [row("rep_total", r.window), row("rep_month", r.month), row("rep_year", r.year)]
    ly = r.whole_day_ly
    rows.append([L("rep_whole_day_ly"), ly and ly[0], ly and _yuan(ly[1]), None, None, None])
    return [L("figure"), L("rep_lists"), L("rep_value"), L("rep_lists_ly"), L("rep_value_ly"), L("rep_change")], rows


def sheets(r: Report, lang: str) -> list[tuple[str, list[str], list[list]]]:
    """Every sheet of the report in order, the summary first."""
    t = tables(r, lang)
    out = [(text("rep_summary", lang), *_summary_table(r, lang))]
    out.append((text("rep_adjustments", lang), *adjustments_table(r, lang)))
    out.append((text("rep_trade_modes", lang), *trade_modes_table(r, lang)))
    for key in ("sites", "platforms", "categories", "hours", "records"):
        out.append((text(f"rep_{key}", lang), *t[text(f"rep_{key}", lang)]))
    return out


def shown_width(value) -> int:
    """Columns as Excel counts them: a Chinese character takes two."""
    text_ = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}" if isinstance(value, int) else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text_)


# -- Excel ------------------------------------------------------------------------------------
def to_xlsx(r: Report, lang: str = "zh") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    head_font, head_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F3A5F")
    formats = {
        text("rep_lists", lang): "#,##0",
        text("rep_lists_ly", lang): "#,##0",
        text("rep_value", lang): "#,##0.00",
        text("rep_value_ly", lang): "#,##0.00",
        text("rep_share", lang): "0.0%",
        text("rep_change", lang): "+0.0%;-0.0%;0.0%",
        text("rep_value_cell", lang): "#,##0",
        text("count", lang): "#,##0",
        text("rep_amount", lang): "#,##0.00",
        text("rep_cancelled_lists", lang): "#,##0",
        text("rep_net_lists", lang): "#,##0",
        text("rep_net_value", lang): "#,##0.00",
        text("rep_tax_net_cny", lang): "#,##0.00",
    }
    for title, headers, rows in sheets(r, lang):
        ws = wb.create_sheet(title)
        ws.append([report_title(r, lang)])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append([summary_sentence(r, lang)])
        ws.append([])
        ws.append(headers)
        for cell in ws[4]:
            cell.font, cell.fill = head_font, head_fill
            cell.alignment = Alignment(horizontal="center")
        for row in rows:
            ws.append([None if v is None else v for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever it starts with
                    if cell.value.startswith(FORMULA_START):
                        cell.quotePrefix = True
        for i, h in enumerate(headers, start=1):
            fmt = formats.get(h)
            width = max([shown_width(h)] + [shown_width(row[i - 1]) for row in rows if i - 1 < len(row)] + [8]) + 2
            ws.column_dimensions[get_column_letter(i)].width = min(width, 40)
            if fmt:
                for (cell,) in ws.iter_rows(min_row=5, min_col=i, max_col=i):
                    if isinstance(cell.value, (int, float)):
                        cell.number_format = fmt
        ws.freeze_panes = "A5"
        if title == text("rep_summary", lang):
            for note in notes(r, lang):
                ws.append([])
                ws.append([note])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- CSV and Markdown -------------------------------------------------------------------------
def to_csv(r: Report, lang: str = "zh") -> bytes:
    """One table: each sheet's rows under a section column. UTF-8 with BOM for Excel."""
    buf = io.StringIO()
    out = csv.writer(buf)
    if r.simulated:
        out.writerow([text("sim_report_note", lang)])
    money = {text(k, lang) for k in MONEY}
    for title, headers, rows in sheets(r, lang):
        out.writerow([text("rep_section", lang), *headers])
        for row in rows:
            out.writerow([inert(title)] + [_csv_cell(v, h in money) for v, h in zip(row, headers)])
        out.writerow([])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _csv_cell(v, money: bool):
    if v is None:
        return ""
    if isinstance(v, str):
        return inert(v)
    return f"{v:.2f}" if money else v  # money always with its 2 decimals: 1234.50, never 1234.5


def _md_cell(v, header: str, lang: str) -> str:
    """A cell as people read it: money in 万元/亿元, counts in full, "—" where there is no figure."""
    if v is None:
        return "—"
    if isinstance(v, str):
        return v.replace("|", "\\|")
    if header == text("rep_share", lang):
        return f"{v:.1%}"
    if header == text("rep_change", lang):
        return f"{v:+.1%}"
    if header in {text(k, lang) for k in MONEY}:
        return (yuan_en if lang == "en" else yuan_zh)(fen(Decimal(str(v))))
    if isinstance(v, float):
        return f"{v:,.2f}"
    return f"{v:,}"


def shown_header(header: str, lang: str) -> str:
    """A money column's header where money reads 万元/亿元: the unit is in each cell."""
    for key in MONEY:
        if header == text(key, lang):
            return text(f"{key}_shown", lang)
    return header


def to_markdown(r: Report, lang: str = "zh") -> str:
    parts = [f"# {report_title(r, lang)} · {window_text(r)}", "", summary_sentence(r, lang), ""]
    for title, headers, rows in sheets(r, lang):
        shown = [shown_header(h, lang) for h in headers]
        parts += [f"## {title}", "", "| " + " | ".join(shown) + " |", "|" + "---|" * len(headers)]
        parts += ["| " + " | ".join(_md_cell(v, h, lang) for v, h in zip(row, headers)) + " |" for row in rows]
        parts.append("")
    parts += notes(r, lang)
    return "\n".join(parts) + "\n"


def report_title(r: Report, lang: str) -> str:
    """The report's title, marked 模拟数据 when any figure is simulated."""
    return text("rep_title", lang) + (f" · {text('sim_mark', lang)}" if r.simulated else "")


def notes(r: Report, lang: str) -> list[str]:
    out = [text("sim_report_note", lang)] if r.simulated else []
    if r.history_loading:
        out.append(text("rep_loading_note", lang))
    elif not r.window.has_ly:
        out.append(text("rep_no_ly", lang))
    for key, c in (("month", r.month), ("year", r.year)):
        if r.history_loading:
            continue  # said once above
        if not c.whole and c.first:
            out.append(
                text("rep_starts_late", lang).format(what=text(f"rep_{key}", lang), first=c.first.strftime("%Y-%m-%d"))
            )
        elif c.lists_ly and c.change(c.lists, c.lists_ly) is None:
            out.append(text("rep_partial_ly", lang).format(what=text(f"rep_{key}", lang)))
    if r.category_lists < r.window.lists:
        out.append(text("rep_category_note", lang).format(n=f"{r.category_lists:,}"))
    if r.simulated_history:
        out.append(text("rep_simulated", lang))
    return out


# -- printable A4 -----------------------------------------------------------------------------
PRINT_CSS = Path(__file__).resolve().parents[2] / "assets" / "css" / "report-print.css"


def _html_table(headers: list[str], rows: list[list], lang: str) -> str:
    head = "".join(f"<th>{escape(shown_header(h, lang))}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_md_cell(v, h, lang))}</td>" for v, h in zip(row, headers)) + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _hour_bars(r: Report) -> str:
    now_ = [_int(v) or 0 for v in r.hourly["lists"]]
    ly_ = [_int(v) or 0 for v in r.hourly["lists_ly"]]
    top = max(*now_, *ly_, 1)
    bars = []
    for h, (now, ly) in enumerate(zip(now_, ly_)):
        x = h * 40
        if ly:
            bars.append(
                f'<rect class="ly" x="{x + 4}" y="{100 - ly / top * 95:.1f}" width="15" height="{ly / top * 95:.1f}"/>'
            )
        bars.append(
            f'<rect class="now" x="{x + 20}" y="{100 - now / top * 95:.1f}" width="15" height="{now / top * 95:.1f}"/>'
        )
        if h % 3 == 0:
            bars.append(f'<text x="{x + 4}" y="112" font-size="9">{h:02d}</text>')
    return f'<svg viewBox="0 0 960 115" preserveAspectRatio="none">{"".join(bars)}</svg>'


def _kpis(r: Report, lang: str) -> str:
    """The four figures at the head: a comparison or a month only where it is a fact, else "—" and why."""
    w = r.window
    fmt_v = yuan_en if lang == "en" else yuan_zh
    why_not = text("rep_loading_short" if r.history_loading else "rep_no_ly_short", lang)
    change = ("—", why_not) if w.lists_change is None else (f"{w.lists_change:+.1%}", text("rep_lists", lang))
    why_month = text("rep_loading_short" if r.history_loading else "rep_incomplete_short", lang)
    month = (count_text(r.month.lists, lang), fmt_v(r.month.value_fen)) if r.month.complete else ("—", why_month)
    return "".join(
        f'<div class="kpi"><span>{escape(k)}</span><b>{escape(v)}</b><span>{escape(sub)}</span></div>'
        for k, v, sub in (
            (text("rep_lists", lang), count_text(w.lists, lang), f"{w.lists:,}"),
            (text("rep_value_shown", lang), fmt_v(w.value_fen), exact_yuan(w.value_fen, lang)),
            (text("rep_change", lang), *change),
            (text("rep_month", lang), *month),
        )
    )


def to_html(r: Report, lang: str = "zh") -> str:
    """The printable page: each heading travels with its table (a section never splits), so no
    heading is left alone at the foot of a page; tables fit the A4 width."""
    by_title = {title: (headers, rows) for title, headers, rows in sheets(r, lang)}

    def section(key: str) -> str:
        headers, rows = by_title[text(f"rep_{key}", lang)]
        return f"<section><h2>{escape(text(f'rep_{key}', lang))}</h2>{_html_table(headers, rows, lang)}</section>"

    net = f'<div class="netline">{escape(netline.line(r.net, lang))}</div>'
    legend = f'<small class="legend"><i class="now"></i>{escape(day_label(r, lang))}'
    if r.window.has_ly:
        legend += f'<i class="ly"></i>{escape(text("last_year", lang))}'
    hours = f"<section><h2>{escape(text('rep_hours', lang))} {legend}</small></h2>{_hour_bars(r)}</section>"
    note = "".join(f'<div class="note">{escape(n)}</div>' for n in notes(r, lang))
    css = PRINT_CSS.read_text(encoding="utf-8")
    return (
        f'<!doctype html><html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
        f"<title>{escape(report_title(r, lang))} {escape(window_text(r))}</title><style>{css}</style></head><body>"
        f"<h1>{escape(report_title(r, lang))} · {escape(window_text(r))}</h1>"
        f'<div class="sentence">{escape(summary_sentence(r, lang))}</div><div class="kpis">{_kpis(r, lang)}</div>{net}'
        f"{section('summary')}{section('trade_modes')}{hours}"
        f'<div class="cols"><div>{section("adjustments")}</div><div>{section("records")}</div></div>'
        f"{section('sites')}"
        f'<div class="cols"><div>{section("platforms")}</div><div>{section("categories")}</div></div>'
        f"{note}</body></html>"
    )


class PdfError(RuntimeError):
    pass


class PdfHung(PdfError):
    """Chromium printed nothing in its time and did not exit."""


PDF_SECONDS = 90
PDF_TRIES = 3  # a print takes a few seconds; a hung Chromium is killed and asked again


def _wait_for_pdf(proc: subprocess.Popen, out: Path, seconds: float) -> bool:
    """Whether Chromium printed a whole PDF to `out` within `seconds`. A busy
    headless Chromium at times hangs on its way out after printing: a file that
    ends in %%EOF and has stopped growing is taken, and the process is killed."""
    deadline, last = time.monotonic() + seconds, -1
    while time.monotonic() < deadline:
        exited = proc.poll() is not None
        size = out.stat().st_size if out.exists() else 0
        if size and (exited or size == last) and out.read_bytes()[-32:].rstrip().endswith(b"%%EOF"):
            return True
        if exited:
            return False
        last = size
        time.sleep(0.25)
    return False


def to_pdf(r: Report, lang: str = "zh", chromium: str = CHROMIUM) -> bytes:
    """The HTML page printed to A4 by headless Chromium (Debian's package)."""
    return print_pdf(to_html(r, lang), chromium)


def print_pdf(html: str, chromium: str = CHROMIUM) -> bytes:
    """A printable page (its own CSS inline) as an A4 PDF, by headless Chromium:
    a Chromium that hangs before printing (seen on a busy machine) is killed and
    asked again, up to PDF_TRIES times in all, each try given its share of PDF_SECONDS."""
    if not Path(chromium).exists():
        raise PdfError(f"a PDF needs Chromium at {chromium} (apt-get install chromium)")
    for _ in range(PDF_TRIES - 1):
        try:
            return _print_once(html, chromium, PDF_SECONDS / PDF_TRIES)
        except PdfHung:
            continue
    return _print_once(html, chromium, PDF_SECONDS / PDF_TRIES)


def _print_once(html: str, chromium: str, seconds: float) -> bytes:
    with tempfile.TemporaryDirectory(prefix="cbec-pdf-") as tmp:
        page, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        cmd = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
            "--disable-background-networking", "--no-pdf-header-footer", f"--user-data-dir={tmp}/profile",
            f"--print-to-pdf={out}", page.as_uri(),
        ]  # fmt: skip
        with open(Path(tmp) / "stderr", "w+b") as err:
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
            printed = _wait_for_pdf(proc, out, seconds)
            hung = proc.poll() is None
            if hung:
                proc.kill()
                proc.wait()
            if not printed and hung:
                raise PdfHung(f"Chromium did not print the report within {seconds:.0f} s")
            if not printed:
                err.seek(0)
                raise PdfError(f"Chromium printed no PDF (exit {proc.returncode}): {err.read().decode()[-300:]}")
        return out.read_bytes()
