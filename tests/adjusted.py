"""Cancellations, returns, tax and format rejects written through a runtime's
sink, for tests of the screens and the report: the same record kinds the inbox
makes of CEB623/624, CEB625/626, CEB816/818 and CEB900."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from collectors.records import make_batch


@dataclass(frozen=True)
class Seeded:
    cancelled: str  # invt_no of the list cancelled after release
    cancelled_value_fen: int
    returned: str  # invt_no of the list one piece of which came back
    returned_value: Decimal
    tax_assessed: Decimal
    tax_voided: Decimal
    rejects: dict[str, int]


def seed(runtime, at: datetime) -> Seeded:
    """Two released lists of the store before `at`: one cancelled (its tax voided),
    one with one piece of its first line returned; both taxed; three format rejects."""
    with runtime.store.reading() as con:
        (a, a_value, _, _), (b, _, b_gnum, b_price) = con.execute(
            "SELECT invt_no, goods_value_fen, line_gnum[1], line_price[1] FROM inventory_list"
            " WHERE released_at < ? AND invt_no IS NOT NULL AND len(line_gnum) > 0"
            " AND invt_no NOT IN (SELECT invt_no FROM list_request) ORDER BY released_at, invt_no LIMIT 2",
            [at - timedelta(minutes=2)],
        ).fetchall()
    t1, t2 = at - timedelta(minutes=2), at - timedelta(minutes=1)
    vat = {a: Decimal("37.31000"), b: Decimal("9.10001")}
    sink = runtime.sink
    sink.write(
        make_batch(
            "tax",
            {
                "invt_no": [a, b],
                "tax_no": [f"{a}_0", f"{b}_0"],
                "return_time": [t1, t1],
                "customs_tax": [Decimal(0)] * 2,
                "value_added_tax": [vat[a], vat[b]],
                "consumption_tax": [Decimal(0)] * 2,
                "status": [1, 1],
                "ebc_code": [None, None],
                "customs_code": [None, None],
            },
            "test",
        )
    )
    sink.write(
        make_batch(
            "request",
            {
                "family": ["cancel", "refund"],
                "agent_code": ["AG-T", "AG-T"],
                "cop_no": ["X-T1", "T-T1"],
                "invt_no": [a, b],
                "customs_code": [None, None],
                "ebp_code": [None, None],
                "ebc_code": [None, None],
                "app_time": [t1, t1],
                "line_gnum": [[], [b_gnum]],
                "line_qty": [[], [Decimal(1)]],
            },
            "test",
        )
    )
    sink.write(
        make_batch(
            "request_receipt",
            {
                "family": ["cancel", "refund"],
                "agent_code": ["AG-T", "AG-T"],
                "cop_no": ["X-T1", "T-T1"],
                "invt_no": [a, b],
                "customs_code": [None, None],
                "return_status": [399, 399],
                "return_time": [t2, t2],
                "return_info": [None, None],
            },
            "test",
        )
    )
    sink.write(
        make_batch("tax_status", {"invt_no": [a], "tax_no": [f"{a}_0"], "status": [3], "return_time": [t2]}, "test")
    )
    sink.write(
        make_batch(
            "format_reject",
            {
                "guid": ["F-T1", "F-T2", "F-T3"],
                "ori_message_type": ["CEB621", "CEB621", "CEB625"],
                "ori_cop_msg_id": [None] * 3,
                "return_status": [-1] * 3,
                "return_time": [t1] * 3,
                "return_info": [None] * 3,
            },
            "test",
        )
    )
    return Seeded(a, int(a_value), b, Decimal(b_price), vat[a] + vat[b], vat[a], {"CEB621": 2, "CEB625": 1})
