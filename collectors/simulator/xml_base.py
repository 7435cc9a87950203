"""What every simulated CEB message file shares: the namespace, element and
text helpers, the synthetic buyer and the BaseTransfer block."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from lxml import etree

from collectors.ceb.parse import CEB_NS
from collectors.simulator.columns import AGENT_CODE

NS = {"ceb": CEB_NS}
# obviously synthetic values where a real message carries the buyer's
SYNTHETIC_BUYER = {
    "buyerIdType": "1",
    "buyerIdNumber": "000000SIMULATED000",
    "buyerName": "模拟买家",
    "buyerTelephone": "00000000000",
    "consigneeAddress": "模拟地址",
}


def q(tag: str) -> str:
    return f"{{{CEB_NS}}}{tag}"


def leaf(parent, tag: str, text) -> None:
    el = etree.SubElement(parent, q(tag))
    el.text = "" if text is None else str(text)


def leaves(parent, pairs) -> None:
    for tag, value in pairs:
        leaf(parent, tag, value)


def new_guid() -> str:
    return str(uuid.uuid4()).upper()


def root(message: str, *, prefixed: bool):
    """A message's root element with guid and version, its children in the
    `ceb:` prefix or in the default namespace."""
    return etree.Element(q(message), nsmap=NS if prefixed else {None: CEB_NS}, guid=new_guid(), version="1.0")


def to_bytes(el, encoding: str = "UTF-8") -> bytes:
    return etree.tostring(el, xml_declaration=True, encoding=encoding, pretty_print=True)


def fen_text(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def decimal_text(value) -> str:
    """A decimal as the messages write it: no exponent, no trailing zeros."""
    return f"{Decimal(value).normalize():f}"


def stamp17(t: datetime) -> str:
    """yyyyMMddHHmmssSSS, as receipts give their time."""
    return t.strftime("%Y%m%d%H%M%S") + f"{t.microsecond // 1000:03d}"


def base_transfer(parent) -> None:
    transfer = etree.SubElement(parent, q("BaseTransfer"))
    leaves(transfer, (("copCode", AGENT_CODE), ("copName", ""), ("dxpMode", "DXP"), ("dxpId", "DXPSIM0001")))
