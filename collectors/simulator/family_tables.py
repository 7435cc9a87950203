"""Record tables of the events of simulated lists (see families.py): tax,
tax_status, request, request_receipt and format_reject. Beside the columns of
each record kind, a table carries what the CEB XML writer needs and the record
does not keep (the lines a tax receipt repeats, the list a request names);
make_batch drops them."""

from __future__ import annotations

import uuid

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from collectors.records import REQUEST_FAMILIES
from collectors.simulator.columns import AGENT_CODE, MAX_LINES, line_mask, per_line, yuan
from collectors.simulator.families import (
    KINDS,
    REJECT,
    REJECT_INFO,
    REJECT_TYPES,
    REQUEST,
    REQUEST_RECEIPT,
    TAX,
    TAX_STATUS,
    Events,
)
from collectors.simulator.generator import Generator, Lists
from collectors.simulator.model import SAMPLE_HS

REQUEST_PREFIX = ("CC", "RT")  # a request's own number: prefix, then the list's day and number
RECEIPT_INFO = {
    ("cancel", 2): "[Code:2100;Desc:电子口岸已暂存]",
    ("cancel", 120): "[Code:1200;Desc:海关入库]",
    ("cancel", 399): "[Code:3990;Desc:清单已成功撤单]",
    ("cancel", 100): "[Code:1000;Desc:撤单申请退单]",
    ("refund", 120): "[Code:1200;Desc:海关入库]",
    ("refund", 300): "[Code:3000;Desc:人工审核]",
    ("refund", 399): "[Code:3990;Desc:退货审结]",
    ("refund", 800): "[Code:2600;Desc:退货放行]",
    ("refund", 100): "[Code:1000;Desc:退货申请退单]",
}


def request_pre_no(cop_no: str) -> str:
    """The E-port number of a request: C (cancellation) or T (return), its day, nine digits."""
    return ("C" if cop_no.startswith(REQUEST_PREFIX[0]) else "T") + cop_no[2:10] + "0" + cop_no[10:]


def render(gen: Generator, lists: Lists, events: Events, *, for_xml: bool = False) -> dict[str, pa.Table]:
    """One table per kind present, rows in the events' order; `for_xml` adds
    what the XML writer needs beside the record's columns."""
    out = {}
    for code, kind in enumerate(KINDS):
        ev = events.take(events.kind == code)
        if len(ev):
            out[kind] = _RENDER[code](gen, lists, ev, for_xml)
    return out


def _times(ev: Events) -> pa.Array:
    return pa.array(ev.time_us.astype("datetime64[us]"))


def _gcodes(gen: Generator, lists: Lists, idx: np.ndarray, has: np.ndarray) -> pa.Array:
    """HS code of each line: the list's category's on the first, a generic one on the others."""
    codes = pa.array([SAMPLE_HS.get(c, SAMPLE_HS["other"]) for c in gen.category_codes] + [SAMPLE_HS["other"]])
    at = np.where(np.arange(MAX_LINES) == 0, lists.category[idx][:, None], len(gen.category_codes))
    return pc.take(codes, pa.array(at[has]))


def _tax(gen: Generator, lists: Lists, ev: Events, for_xml: bool) -> pa.Table:
    keys = gen._keys(lists, ev.idx)
    has = line_mask(lists.lines[ev.idx])
    line_fen = lists.line_price_fen[ev.idx] * lists.line_qty[ev.idx]
    # taxed at the combined rate, in 1e-5 yuan: exact when the rate has at most three decimals
    vat = np.round(line_fen * (1000 * gen.config.simulator.tax_rate)).astype(np.int64)
    zero = yuan(np.zeros(len(ev), np.int64))
    table = {
        "invt_no": keys["invt_no"],
        "tax_no": pc.binary_join_element_wise(keys["invt_no"], "_0", ""),
        "return_time": _times(ev),
        "customs_tax": zero,
        "value_added_tax": yuan(vat.sum(axis=1)),
        "consumption_tax": zero,
        "status": pa.array(ev.status.astype(np.int16)),
        "ebc_code": keys["ebc_code"],
        "customs_code": keys["customs_code"],
    }
    if for_xml:
        counts = lists.lines[ev.idx]
        gnum = np.broadcast_to(np.arange(1, MAX_LINES + 1, dtype=np.int32), has.shape)[has]
        table["line_gnum"] = per_line(pa.array(gnum), counts)
        table["line_gcode"] = per_line(_gcodes(gen, lists, ev.idx, has), counts)
        table["line_tax_price"] = per_line(yuan(line_fen[has] * 1000), counts)
        table["line_vat"] = per_line(yuan(vat[has]), counts)
    return pa.table(table)


def _tax_status(gen: Generator, lists: Lists, ev: Events, for_xml: bool) -> pa.Table:
    keys = gen._keys(lists, ev.idx)
    return pa.table(
        {
            "invt_no": keys["invt_no"],
            "tax_no": pc.binary_join_element_wise(keys["invt_no"], "_0", ""),
            "status": pa.array(ev.status.astype(np.int16)),
            "return_time": _times(ev),
            "ebc_code": keys["ebc_code"],
        }
    )


def _request_keys(gen: Generator, lists: Lists, ev: Events) -> dict[str, pa.Array]:
    keys = gen._keys(lists, ev.idx)
    prefix = pc.take(pa.array(REQUEST_PREFIX), pa.array(ev.family))
    return {
        "family": pc.take(pa.array(REQUEST_FAMILIES), pa.array(ev.family)),
        "agent_code": pa.array(np.full(len(ev), AGENT_CODE, object), pa.string()),
        "cop_no": pc.binary_join_element_wise(prefix, pc.utf8_slice_codeunits(keys["cop_no"], 2), ""),
        "invt_no": keys["invt_no"],
        "customs_code": keys["customs_code"],
        "ebp_code": keys["ebp_code"],
        "ebc_code": keys["ebc_code"],
        "list_cop_no": keys["cop_no"],
    }


def _request(gen: Generator, lists: Lists, ev: Events, for_xml: bool) -> pa.Table:
    keys = _request_keys(gen, lists, ev)
    back = ev.returned > 0
    counts = back.sum(axis=1)
    gnum = np.broadcast_to(np.arange(1, MAX_LINES + 1, dtype=np.int32), back.shape)[back]
    return pa.table(
        {
            **keys,
            "app_time": _times(ev),
            "line_gnum": per_line(pa.array(gnum, pa.int32()), counts),
            "line_qty": per_line(yuan(ev.returned[back] * 100_000), counts),
            "line_gcode": per_line(_gcodes(gen, lists, ev.idx, back), counts),
        }
    )


def _request_receipt(gen: Generator, lists: Lists, ev: Events, for_xml: bool) -> pa.Table:
    keys = _request_keys(gen, lists, ev)
    info = [RECEIPT_INFO[(REQUEST_FAMILIES[f], s)] for f, s in zip(ev.family.tolist(), ev.status.tolist())]
    return pa.table(
        {
            **keys,
            "return_status": pa.array(ev.status.astype(np.int32)),
            "return_time": _times(ev),
            "return_info": pa.array(info, pa.string()),
        }
    )


def _format_reject(gen: Generator, lists: Lists, ev: Events, for_xml: bool) -> pa.Table:
    serial = [int(s) for s in ev.serial]
    return pa.table(
        {
            "guid": pa.array(
                [str(uuid.UUID(int=(s << 64) | (s * 0x9E3779B97F4A7C15 % 2**64))).upper() for s in serial]
            ),
            "ori_message_type": pa.array([REJECT_TYPES[f] for f in ev.family.tolist()], pa.string()),
            "ori_cop_msg_id": pa.array([f"SIMMSG{s % 10**12:012d}" for s in serial], pa.string()),
            "return_status": pa.array(ev.status.astype(np.int32)),
            "return_time": _times(ev),
            "return_info": pa.array([REJECT_INFO[s][1] for s in ev.status.tolist()], pa.string()),
        }
    )


_RENDER = {
    TAX: _tax,
    TAX_STATUS: _tax_status,
    REQUEST: _request,
    REQUEST_RECEIPT: _request_receipt,
    REJECT: _format_reject,
}
