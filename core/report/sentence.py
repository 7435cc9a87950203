"""The summary sentence in the style the customs district publishes:
"11月11日0点至14点，宁波海关共放行跨境电商进口清单631.1万单，货值13.34亿元，同比分别增长35.0%和34.8%。"
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from core.numbers import count_zh, yuan_zh
from core.report.figures import Report


def percent(change: float) -> str:
    """35.04% -> "35.0%", half up on the shown digit."""
    return f"{Decimal(str(abs(change) * 100)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def _clock_zh(end: datetime, day: date) -> str:
    if end.date() != day:
        return "24点"
    return f"{end.hour}点" + (f"{end.minute}分" if end.minute else "")


def _span_zh(r: Report) -> str:
    head = f"{r.day.month}月{r.day.day}日"
    if not r.so_far and r.cutoff is None:
        return f"{head}全天"
    return f"{head}0点至{_clock_zh(r.end, r.day)}"


def _change_zh(lists: float | None, value: float | None) -> str:
    if lists is None or value is None:
        return ""
    if lists >= 0 and value >= 0:
        return f"，同比分别增长{percent(lists)}和{percent(value)}"
    if lists < 0 and value < 0:
        return f"，同比分别下降{percent(lists)}和{percent(value)}"
    word = {True: "增长", False: "下降"}
    return f"，清单量同比{word[lists >= 0]}{percent(lists)}，货值同比{word[value >= 0]}{percent(value)}"


def zh(r: Report, district: str = "宁波海关") -> str:
    w = r.window
    return (
        f"{_span_zh(r)}，{district}共放行跨境电商进口清单{count_zh(w.lists)}单，"
        f"货值{yuan_zh(w.value_fen)}{_change_zh(w.lists_change, w.value_change)}。"
    )


def _millions(n: float) -> str:
    return f"{Decimal(str(n / 1e6)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)} million"


def _amount_en(fen: int) -> str:
    yuan = fen / 100
    if yuan >= 1e9:
        return f"CNY {Decimal(str(yuan / 1e9)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)} billion"
    return f"CNY {_millions(yuan)}"


def _count_en(n: int) -> str:
    return _millions(n) if n >= 1_000_000 else f"{n:,}"


def en(r: Report, district: str = "Ningbo Customs") -> str:
    w = r.window
    when = f"{r.day.day} {r.day:%B}"
    if r.so_far or r.cutoff is not None:
        until = "24:00" if r.end.date() != r.day else r.end.strftime("%H:%M")
        span = f"From 00:00 to {until} on {when}"
    else:
        span = f"On {when}"
    change = ""
    lc, vc = w.lists_change, w.value_change
    if lc is not None and vc is not None:
        change = (
            f", {'up' if lc >= 0 else 'down'} {percent(lc)} and {'up' if vc >= 0 else 'down'} {percent(vc)}"
            " year on year"
        )
    return (
        f"{span}, {district} released {_count_en(w.lists)} cross-border e-commerce import lists"
        f" worth {_amount_en(w.value_fen)}{change}."
    )
