"""Net beside gross in words: net released lists, net goods value and tax
assessed, worded and rounded once for the overview, the walls and the report,
so the same figure never reads differently on two screens."""

from __future__ import annotations

from core.numbers import count_en, count_zh, fen, yuan_en, yuan_zh
from core.text import text
from queries.read import Net


def parts(net: Net, lang: str) -> dict[str, str]:
    """{"lists": "净放行 630.9万单", "value": "净货值 13.30亿元", "tax": "应征税款 1.21亿元"}."""
    count, money = (count_en, yuan_en) if lang == "en" else (count_zh, yuan_zh)
    return {
        "lists": text("net_lists", lang).format(count(net.net_released_lists)),
        "value": text("net_value", lang).format(money(fen(net.net_goods_value))),
        "tax": text("tax_assessed_short", lang).format(money(fen(net.adjustments.tax_assessed))),
    }


def line(net: Net, lang: str) -> str:
    return " · ".join(parts(net, lang).values())
