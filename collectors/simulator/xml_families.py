"""The families beside the inventory list as CEB message files, by the element
names of the real formats: CEB623 / CEB625 requests (`ceb:` prefix, with
BaseTransfer), CEB624 / CEB626 their receipts, CEB816 tax receipts, CEB818 tax
status changes and CEB900 format rejects (default namespace).

Rows are record tables' rows (collectors/simulator/family_tables.py), with the
columns the records do not keep when the simulator drew them (a tax receipt's
lines, the list a request names); without them a message is still complete."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from lxml import etree

from collectors.simulator.columns import AGENT_CODE
from collectors.simulator.family_tables import request_pre_no
from collectors.simulator.xml_base import (
    SYNTHETIC_BUYER,
    base_transfer,
    decimal_text,
    leaves,
    new_guid,
    q,
    root,
    stamp17,
    to_bytes,
)

LOGISTICS_CODE = "SIMLOG0001"
REASON = {"cancel": "订单取消", "refund": "退货"}  # the request's reason (撤单原因, 退货原因)


def ceb816(rows: Iterable[dict]) -> bytes:
    """Tax receipts: a Tax per list, its TaxHeadRd then a TaxListRd per line."""
    msg = root("CEB816Message", prefixed=False)
    for r in rows:
        tax = etree.SubElement(msg, q("Tax"))
        head = etree.SubElement(tax, q("TaxHeadRd"))
        leaves(
            head,
            (
                ("guid", new_guid()),
                ("returnTime", stamp17(r["return_time"])),
                ("invtNo", r["invt_no"]),
                ("taxNo", r["tax_no"]),
                ("customsTax", decimal_text(r["customs_tax"])),
                ("valueAddedTax", decimal_text(r["value_added_tax"])),
                ("consumptionTax", decimal_text(r["consumption_tax"])),
                ("status", r["status"]),
                ("entDutyNo", ""),
                ("note", ""),
                ("assureCode", r.get("ebc_code") or ""),
                ("ebcCode", r.get("ebc_code") or ""),
                ("logisticsCode", LOGISTICS_CODE),
                ("agentCode", AGENT_CODE),
                ("customsCode", r.get("customs_code") or ""),
            ),
        )
        lines = r.get("line_gnum")
        if not lines:  # a record without its lines: the whole amounts on one
            lines, gcodes, prices, vats = [1], [""], [None], [r["value_added_tax"]]
        else:
            gcodes, prices, vats = r["line_gcode"], r["line_tax_price"], r["line_vat"]
        for gnum, gcode, price, vat in zip(lines, gcodes, prices, vats):
            line = etree.SubElement(tax, q("TaxListRd"))
            leaves(
                line,
                (
                    ("gnum", gnum),
                    ("gcode", gcode),
                    ("taxPrice", "" if price is None else decimal_text(price)),
                    ("customsTax", "0"),
                    ("valueAddedTax", decimal_text(vat)),
                    ("consumptionTax", "0"),
                ),
            )
    return to_bytes(msg)


def ceb818(rows: Iterable[dict]) -> bytes:
    """Tax status changes: a Tax per list with its TaxHeadStatus."""
    msg = root("CEB818Message", prefixed=False)
    for r in rows:
        head = etree.SubElement(etree.SubElement(msg, q("Tax")), q("TaxHeadStatus"))
        leaves(
            head,
            (
                ("guid", new_guid()),
                ("returnTime", stamp17(r["return_time"])),
                ("invtNo", r["invt_no"]),
                ("taxNo", r["tax_no"]),
                ("status", r["status"]),
                ("entDutyNo", ""),
                ("assureCode", r.get("ebc_code") or ""),
            ),
        )
    return to_bytes(msg)


def _request_head(parent, tag: str, r: dict) -> None:
    app_time: datetime = r["app_time"]
    list_cop_no = r.get("list_cop_no") or ""
    leaves(
        etree.SubElement(parent, q(tag)),
        (
            ("guid", new_guid()),
            ("appType", 1),
            ("appTime", app_time.strftime("%Y%m%d%H%M%S")),
            ("appStatus", 2),
            ("customsCode", r.get("customs_code") or ""),
            ("orderNo", f"ORD{list_cop_no}" if list_cop_no else ""),
            ("ebpCode", r.get("ebp_code") or ""),
            ("ebpName", ""),
            ("ebcCode", r.get("ebc_code") or ""),
            ("ebcName", ""),
            ("logisticsNo", f"LN{list_cop_no}" if list_cop_no else ""),
            ("logisticsCode", LOGISTICS_CODE),
            ("logisticsName", ""),
            ("copNo", r["cop_no"]),
            ("preNo", request_pre_no(r["cop_no"])),
            ("invtNo", r["invt_no"]),
            *((k, SYNTHETIC_BUYER[k]) for k in ("buyerIdType", "buyerIdNumber", "buyerName", "buyerTelephone")),
            ("agentCode", r["agent_code"]),
            ("agentName", ""),
            ("reason", REASON[r["family"]]),
            ("note", ""),
        ),
    )


def ceb623(rows: Iterable[dict]) -> bytes:
    """Cancellation requests (at most 100 a message): an InvtCancel each, no lines."""
    msg = root("CEB623Message", prefixed=True)
    for r in rows:
        _request_head(msg, "InvtCancel", r)
    base_transfer(msg)
    return to_bytes(msg)


def ceb625(rows: Iterable[dict]) -> bytes:
    """Return requests (at most 100 a message): an InvtRefund each, its head and
    the lines returned, by the original list's line numbers."""
    msg = root("CEB625Message", prefixed=True)
    for r in rows:
        refund = etree.SubElement(msg, q("InvtRefund"))
        _request_head(refund, "InvtRefundHead", r)
        gcodes = r.get("line_gcode") or [""] * len(r["line_gnum"])
        for gnum, qty, gcode in zip(r["line_gnum"], r["line_qty"], gcodes):
            leaves(
                etree.SubElement(refund, q("InvtRefundList")),
                (
                    ("gnum", gnum),
                    ("gcode", gcode),
                    ("gname", "模拟商品"),
                    ("qty", decimal_text(qty)),
                    ("unit", "011"),
                    ("note", ""),
                ),
            )
    base_transfer(msg)
    return to_bytes(msg)


def _request_receipts(message: str, tag: str, rows: Iterable[dict]) -> bytes:
    msg = root(message, prefixed=False)
    for r in rows:
        leaves(
            etree.SubElement(msg, q(tag)),
            (
                ("guid", new_guid()),
                ("customsCode", r.get("customs_code") or ""),
                ("agentCode", r["agent_code"]),
                ("ebpCode", r.get("ebp_code") or ""),
                ("ebcCode", r.get("ebc_code") or ""),
                ("copNo", r["cop_no"]),
                ("preNo", request_pre_no(r["cop_no"])),
                ("invtNo", r.get("invt_no") or ""),
                ("returnStatus", r["return_status"]),
                ("returnTime", stamp17(r["return_time"])),
                ("returnInfo", r.get("return_info") or ""),
            ),
        )
    return to_bytes(msg)


def ceb624(rows: Iterable[dict]) -> bytes:
    return _request_receipts("CEB624Message", "InvtCancelReturn", rows)


def ceb626(rows: Iterable[dict]) -> bytes:
    return _request_receipts("CEB626Message", "InvtRefundReturn", rows)


def ceb900(rows: Iterable[dict]) -> bytes:
    """One format reject (a message holds one MessageReturn); the original
    message is not repeated."""
    msg = root("CEB900Message", prefixed=False)
    for r in rows:
        leaves(
            etree.SubElement(msg, q("MessageReturn")),
            (
                ("guid", r["guid"]),
                ("returnStatus", r["return_status"]),
                ("returnInfo", r.get("return_info") or ""),
                ("returnTime", stamp17(r["return_time"])),
                ("oriCopMsgId", r.get("ori_cop_msg_id") or ""),
                ("oriMessageType", f"{r['ori_message_type']}Message"),
                ("oriBizMessage", ""),
            ),
        )
    return to_bytes(msg)


# record kind (and request family) -> (message type, writer, records a message at most)
MESSAGES = {
    ("tax", None): ("CEB816", ceb816, 500),
    ("tax_status", None): ("CEB818", ceb818, 500),
    ("request", "cancel"): ("CEB623", ceb623, 100),
    ("request", "refund"): ("CEB625", ceb625, 100),
    ("request_receipt", "cancel"): ("CEB624", ceb624, 100),
    ("request_receipt", "refund"): ("CEB626", ceb626, 100),
    ("format_reject", None): ("CEB900", ceb900, 1),
}


def messages(kind: str, rows: list[dict], per_file: int = 500):
    """(message type, file contents) for records of a kind, split by request
    family and by the most records a message may hold."""
    families = ("cancel", "refund") if kind in ("request", "request_receipt") else (None,)
    for family in families:
        mine = [r for r in rows if family is None or r["family"] == family]
        name, write, most = MESSAGES[(kind, family)]
        step = min(most, per_file)
        for i in range(0, len(mine), step):
            yield name, write(mine[i : i + step])
