"""Writes records as CEB message files, the way the exchange delivers them, so
the simulator's traffic can run through the real inbox or broker path: CEB621 / CEB622
here, the other families (CEB623-626, CEB816, CEB818, CEB900) in xml_families.

Buyer fields are filled with obviously synthetic values, as a real CEB621
carries them; the parser must drop them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

import pyarrow as pa
from lxml import etree

from collectors.ceb.parse import CEB_NS
from collectors.simulator.columns import AGENT_CODE, line_gcodes
from collectors.simulator.xml_base import NS, SYNTHETIC_BUYER, base_transfer, decimal_text, stamp17
from collectors.simulator.xml_base import fen_text as _fen_text
from collectors.simulator.xml_base import leaf as _leaf
from collectors.simulator.xml_base import q as _q
from collectors.simulator.xml_families import MESSAGES, messages


def _lines(d: dict) -> list[tuple[int, str, str, str]]:
    """(gnum, qty, price, totalPrice) of a declaration's lines: its own, or for a
    record without them its value spread evenly over its line count."""
    if d.get("line_gnum"):
        return [
            (g, decimal_text(q), decimal_text(p), _fen_text(int((p * q * 100).to_integral_value())))
            for g, p, q in zip(d["line_gnum"], d["line_price"], d["line_qty"])
        ]
    n = max(1, int(d.get("line_count", 1)))
    total = int(d["goods_value_fen"])
    parts = [total // n] * n
    parts[0] += total - sum(parts)
    return [(i, "1", _fen_text(part), _fen_text(part)) for i, part in enumerate(parts, 1)]


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
            ("agentCode", AGENT_CODE),
            ("agentName", ""),
            ("areaCode", d.get("area_code") or ""),
            ("areaName", ""),
            ("tradeMode", d.get("trade_mode") or "1210"),
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
        lines = _lines(d)
        gcodes = line_gcodes(d.get("category_code", "other"), len(lines))
        bonded = (d.get("trade_mode") or "1210") == "1210"
        for (i, qty, price, total_price), gcode in zip(lines, gcodes):
            ln = etree.SubElement(inv, _q("InventoryList"))
            for tag, value in (
                ("gnum", i),
                ("itemRecordNo", f"REC{i:04d}" if bonded else ""),
                ("itemNo", ""),
                ("itemName", ""),
                ("gcode", gcode),
                ("gname", "模拟商品"),
                ("gmodel", ""),
                ("barCode", ""),
                ("country", "116"),
                ("currency", "142"),
                ("qty", qty),
                ("unit", "011"),
                ("qty1", qty),
                ("unit1", "011"),
                ("price", price),
                ("totalPrice", total_price),
                ("note", ""),
            ):
                _leaf(ln, tag, value)
    base_transfer(root)
    return etree.tostring(root, xml_declaration=True, encoding=encoding, pretty_print=True)


def ceb622(receipts: Iterable[dict], *, encoding: str = "UTF-8", digits: int = 17) -> bytes:
    """Receipts in the default namespace, as senders of CEB622 write them."""
    root = etree.Element(
        f"{{{CEB_NS}}}CEB622Message", nsmap={None: CEB_NS}, guid=str(uuid.uuid4()).upper(), version="1.0"
    )
    for r in receipts:
        ret = etree.SubElement(root, _q("InventoryReturn"))
        t: datetime = r["return_time"]
        stamp = stamp17(t) if digits == 17 else t.strftime("%Y%m%d%H%M%S")
        for tag, value in (
            ("guid", str(uuid.uuid4()).upper()),
            ("customsCode", r["customs_code"]),
            ("ebpCode", r.get("ebp_code") or ""),
            ("ebcCode", r["ebc_code"]),
            ("agentCode", AGENT_CODE),
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


class Outbox(Protocol):
    """Where the simulator's messages go: a folder (the inbox) or a broker (collectors/broker/publish.py)."""

    def send(self, name: str, data: bytes) -> None: ...


@dataclass(frozen=True)
class FolderOutbox:
    directory: Path

    def send(self, name: str, data: bytes) -> None:
        write_message(self.directory, name, data)


def write_family(outbox: Outbox, kind: str, table: pa.Table, stamp: str) -> int:
    """Sends records of one of the other families as messages named by their
    type and `stamp`; returns the records sent."""
    for n, (name, data) in enumerate(messages(kind, table.to_pylist())):
        outbox.send(f"{name}_{stamp}_{n:04d}.xml", data)
    return table.num_rows


class XmlFileSink:
    """A sink that writes the simulator's records as CEB files into a folder
    (kinds no message carries are ignored): simulated traffic in the real format.
    `simulate_batch` hands it the tables as drawn (`write_rendered`), with what
    the messages need beside the records, such as a tax receipt's lines."""

    def __init__(self, directory: Path, records_per_file: int = 500, receipt_encoding: str = "UTF-8"):
        self.directory = directory
        self.records_per_file = records_per_file
        self.receipt_encoding = receipt_encoding
        self.files = 0

    def write(self, batch):
        from collectors.sinks import WriteResult

        written = self.write_rendered(batch.kind, batch.table)
        return WriteResult(batch.kind, len(batch), written, 0)

    def write_rendered(self, kind: str, table: pa.Table) -> int:
        """Writes a table of a record kind (checked as a batch would be, extra
        columns kept for the messages); returns the records written."""
        from collectors.records import make_batch

        make_batch(kind, table, "xml")  # the same checks as any record on its way to a sink
        if kind not in ("declaration", "receipt") and kind not in {k for k, _ in MESSAGES}:
            return 0
        rows = table.to_pylist()
        if kind in ("declaration", "receipt"):
            for i in range(0, len(rows), self.records_per_file):
                part = rows[i : i + self.records_per_file]
                self.files += 1
                if kind == "declaration":
                    data, name = ceb621(part), "CEB621"
                else:
                    data, name = ceb622(part, encoding=self.receipt_encoding), "CEB622"
                write_message(self.directory, f"{name}_{self.files:08d}.xml", data)
            return len(rows)
        for name, data in messages(kind, rows, self.records_per_file):
            self.files += 1
            write_message(self.directory, f"{name}_{self.files:08d}.xml", data)
        return len(rows)
