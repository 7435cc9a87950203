"""CEB621 inventory lists (进口清单) and CEB622 inventory receipts (清单回执)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from collectors.ceb.fields import (
    Fields,
    Invalid,
    Parsed,
    children,
    coded_info,
    each,
    fen,
    need,
    optional,
    timestamp,
    whole,
    yuan,
)
from collectors.records import TRADE_MODES

_FIVE_PLACES = Decimal("0.00001")


def trade_mode(text: str | None) -> str:
    """1210 bonded import, 9610 direct purchase; anything else counts as "other"."""
    return text if text in TRADE_MODES else "other"


def _line(ln, position: int) -> tuple[int, int, Decimal, Decimal, str]:
    """(gnum, totalPrice in fen, unit price, quantity, HS code) of one list line."""
    f = Fields(ln)
    total = fen(f, "totalPrice", ln.sourceline)
    gnum = whole(f, "gnum", ln.sourceline, default=position)
    qty = yuan(f, "qty", ln.sourceline, required=False) or Decimal(1)
    price = yuan(f, "price", ln.sourceline, required=False)
    if not price:  # a sender that gives the total only: the unit price it implies
        price = (Decimal(total) / 100 / qty).quantize(_FIVE_PLACES, rounding=ROUND_HALF_UP)
    return gnum, total, price, qty, optional(f, "gcode") or ""


def ceb621(root, parsed: Parsed, category_for_hs) -> None:
    def build(inv):
        heads = children(inv, "InventoryHead")
        if not heads:
            raise Invalid("InventoryHead", "is missing", inv.sourceline)
        head = heads[0]
        f, line = Fields(head), head.sourceline
        lines = [_line(ln, i) for i, ln in enumerate(children(inv, "InventoryList"), 1)]
        if not lines:
            raise Invalid("InventoryList", "an inventory needs at least one line", line)
        app_type = whole(f, "appType", line, default=1)
        if app_type not in (1, 2, 3):
            raise Invalid("appType", "is not 1, 2 or 3", f["appType"][1])
        best = max(lines, key=lambda x: x[1])  # the category of the most valuable line
        parsed.add(
            "declaration",
            {
                "ebc_code": need(f, "ebcCode", line),
                "cop_no": need(f, "copNo", line),
                "invt_no": optional(f, "invtNo"),
                "customs_code": need(f, "customsCode", line),
                "ebp_code": need(f, "ebpCode", line),
                "area_code": optional(f, "areaCode"),
                "app_time": timestamp(f, "appTime", line, lengths=(14,)),
                "app_type": app_type,
                "goods_value_fen": sum(x[1] for x in lines),
                "line_count": len(lines),
                "category_code": category_for_hs(best[4]),
                "trade_mode": trade_mode(optional(f, "tradeMode")),
                "line_gnum": [x[0] for x in lines],
                "line_price": [x[2] for x in lines],
                "line_qty": [x[3] for x in lines],
            },
        )

    each(root, "Inventory", parsed, build)


def ceb622(root, parsed: Parsed, category_for_hs) -> None:
    def build(ret):
        f, line = Fields(ret), ret.sourceline
        parsed.add(
            "receipt",
            {
                "ebc_code": need(f, "ebcCode", line),
                "cop_no": need(f, "copNo", line),
                "invt_no": optional(f, "invtNo"),
                "customs_code": need(f, "customsCode", line),
                "ebp_code": optional(f, "ebpCode"),
                "return_status": whole(f, "returnStatus", line),
                "return_time": timestamp(f, "returnTime", line, lengths=(17, 14)),
                "return_info": coded_info(optional(f, "returnInfo") or ""),
            },
        )

    each(root, "InventoryReturn", parsed, build)
