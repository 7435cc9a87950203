"""Writes records as CEB621 / CEB622 message files, the way the exchange delivers
them, so the simulator's traffic can run through the real inbox path.

Buyer fields are filled with obviously synthetic values, as a real CEB621
carries them; the parser must drop them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from lxml import etree

from collectors.ceb.parse import CEB_NS
from collectors.simulator.model import SAMPLE_HS

NS = {"ceb": CEB_NS}
SYNTHETIC_BUYER = {
    "buyerIdType": "1",
    "buyerIdNumber": "000000SIMULATED000",
    "buyerName": "模拟买家",
    "buyerTelephone": "00000000000",
    "consigneeAddress": "模拟地址",
}


def _q(tag: str) -> str:
    return f"{{{CEB_NS}}}{tag}"


def _leaf(parent, tag: str, text) -> None:
    el = etree.SubElement(parent, _q(tag))
    el.text = "" if text is None else str(text)


def _fen_text(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def ceb621(declarations: Iterable[dict], *, encoding: str = "UTF-8") -> bytes:
    root = etree.Element(_q("CEB621Message"), nsmap=NS, guid=str(uuid.uuid4()).upper(), version="1.0")
    for d in declarations:
        inv = etree.SubElement(root, _q("Inventory"))
        head = etree.SubElement(inv, _q("InventoryHead"))
        app_time: datetime = d["app_time"]
        for tag, value in (
            ("guid", str(uuid.uuid4()).upper()),
            ("appType", d.get("app_type", 1)),
            ("appTime", app_time.strftime("%Y%m%d%H%M%S")),
            ("appStatus", 2),
            ("orderNo", f"ORD{d['cop_no']}"),
            ("ebpCode", d["ebp_code"]),
            ("ebpName", ""),
            ("ebcCode", d["ebc_code"]),
            ("ebcName", ""),
            ("logisticsNo", f"LN{d['cop_no']}"),
            ("logisticsCode", "SIMLOG0001"),
            ("logisticsName", ""),
            ("copNo", d["cop_no"]),
            ("preNo", ""),
            ("assureCode", d["ebc_code"]),
            ("emsNo", ""),
            ("invtNo", d.get("invt_no") or ""),
            ("ieFlag", "I"),
            ("declTime", app_time.strftime("%Y%m%d")),
            ("customsCode", d["customs_code"]),
            ("portCode", d["customs_code"]),
            ("ieDate", app_time.strftime("%Y%m%d")),
            *SYNTHETIC_BUYER.items(),
            ("agentCode", "SIMAGT0001"),
            ("agentName", ""),
            ("areaCode", d.get("area_code") or ""),
            ("areaName", ""),
            ("tradeMode", "1210"),
            ("trafMode", "Y"),
            ("trafNo", ""),
            ("voyageNo", ""),
            ("billNo", ""),
            ("loctNo", ""),
            ("licenseNo", ""),
            ("country", "142"),
            ("freight", "0"),
            ("insuredFee", "0"),
            ("currency", "142"),
            ("wrapType", ""),
            ("packNo", "1"),
            ("grossWeight", "1.0"),
            ("netWeight", "0.8"),
            ("note", ""),
        ):
            _leaf(head, tag, value)
        n = max(1, int(d.get("line_count", 1)))
        total = int(d["goods_value_fen"])
        parts = [total // n] * n
        parts[0] += total - sum(parts)
        for i, part in enumerate(parts, 1):
            ln = etree.SubElement(inv, _q("InventoryList"))
            gcode = SAMPLE_HS.get(d.get("category_code", "other"), SAMPLE_HS["other"]) if i == 1 else SAMPLE_HS["other"]
            for tag, value in (
                ("gnum", i),
                ("itemRecordNo", f"REC{i:04d}"),
                ("itemNo", ""),
                ("itemName", ""),
                ("gcode", gcode),
                ("gname", "模拟商品"),
                ("gmodel", ""),
                ("barCode", ""),
                ("country", "116"),
                ("currency", "142"),
                ("qty", "1"),
                ("unit", "011"),
                ("qty1", "1"),
                ("unit1", "011"),
                ("price", _fen_text(part)),
                ("totalPrice", _fen_text(part)),
                ("note", ""),
            ):
                _leaf(ln, tag, value)
    transfer = etree.SubElement(root, _q("BaseTransfer"))
    for tag, value in (("copCode", "SIMAGT0001"), ("copName", ""), ("dxpMode", "DXP"), ("dxpId", "DXPSIM0001")):
        _leaf(transfer, tag, value)
    return etree.tostring(root, xml_declaration=True, encoding=encoding, pretty_print=True)


def ceb622(receipts: Iterable[dict], *, encoding: str = "UTF-8", digits: int = 17) -> bytes:
    """Receipts in the default namespace, as senders of CEB622 write them."""
    root = etree.Element(
        f"{{{CEB_NS}}}CEB622Message", nsmap={None: CEB_NS}, guid=str(uuid.uuid4()).upper(), version="1.0"
    )
    for r in receipts:
        ret = etree.SubElement(root, _q("InventoryReturn"))
        t: datetime = r["return_time"]
        stamp = t.strftime("%Y%m%d%H%M%S") + (f"{t.microsecond // 1000:03d}" if digits == 17 else "")
        for tag, value in (
            ("guid", str(uuid.uuid4()).upper()),
            ("customsCode", r["customs_code"]),
            ("ebpCode", r.get("ebp_code") or ""),
            ("ebcCode", r["ebc_code"]),
            ("agentCode", "SIMAGT0001"),
            ("copNo", r["cop_no"]),
            ("preNo", ""),
        ):
            _leaf(ret, tag, value)
        if r.get("invt_no"):
            _leaf(ret, "invtNo", r["invt_no"])
        for tag, value in (
            ("returnStatus", r["return_status"]),
            ("returnTime", stamp),
            ("returnInfo", r.get("return_info") or ""),
        ):
            _leaf(ret, tag, value)
    return etree.tostring(root, xml_declaration=True, encoding=encoding, pretty_print=True)


def write_message(directory: Path, name: str, data: bytes) -> Path:
    """Writes under a temporary name and renames, so the inbox never sees half a file."""
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{name}.part"
    tmp.write_bytes(data)
    final = directory / name
    tmp.replace(final)
    return final


class XmlFileSink:
    """A sink that writes declarations and receipts as CEB files into a folder
    (other kinds are ignored): simulated traffic in the real format."""

    def __init__(self, directory: Path, records_per_file: int = 500, receipt_encoding: str = "UTF-8"):
        self.directory = directory
        self.records_per_file = records_per_file
        self.receipt_encoding = receipt_encoding
        self.files = 0

    def write(self, batch):
        from collectors.sinks import WriteResult

        if batch.kind not in ("declaration", "receipt"):
            return WriteResult(batch.kind, len(batch), 0, 0)
        rows = batch.table.to_pylist()
        for i in range(0, len(rows), self.records_per_file):
            part = rows[i : i + self.records_per_file]
            self.files += 1
            if batch.kind == "declaration":
                write_message(self.directory, f"CEB621_{self.files:08d}.xml", ceb621(part))
            else:
                write_message(
                    self.directory, f"CEB622_{self.files:08d}.xml", ceb622(part, encoding=self.receipt_encoding)
                )
        return WriteResult(batch.kind, len(batch), len(batch), 0)
