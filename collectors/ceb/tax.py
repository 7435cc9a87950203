"""CEB816 electronic tax receipts and CEB818 tax status changes."""

from __future__ import annotations

from collectors.ceb.fields import Fields, Invalid, Parsed, each, need, optional, timestamp, whole, yuan

TAX_STATUSES = (1, 2, 3)  # generated, summarised (汇总), voided (作废)


def _status(f: Fields, line: int | None) -> int:
    status = whole(f, "status", line, default=1)
    if status not in TAX_STATUSES:
        raise Invalid("status", "is not 1, 2 or 3", f["status"][1])
    return status


def ceb816(root, parsed: Parsed, category_for_hs) -> None:
    # each Tax holds one TaxHeadRd; its TaxListRd lines repeat the head's amounts per line
    def build(head):
        f, line = Fields(head), head.sourceline
        parsed.add(
            "tax",
            {
                "invt_no": need(f, "invtNo", line),
                "tax_no": need(f, "taxNo", line),
                "return_time": timestamp(f, "returnTime", line, lengths=(17, 14)),
                "customs_tax": yuan(f, "customsTax", line, required=False),
                "value_added_tax": yuan(f, "valueAddedTax", line, required=False),
                "consumption_tax": yuan(f, "consumptionTax", line, required=False),
                "status": _status(f, line),
                "ebc_code": optional(f, "ebcCode"),
                "customs_code": optional(f, "customsCode"),
            },
        )

    each(root, "TaxHeadRd", parsed, build)


def ceb818(root, parsed: Parsed, category_for_hs) -> None:
    def build(head):
        f, line = Fields(head), head.sourceline
        parsed.add(
            "tax_status",
            {
                "invt_no": need(f, "invtNo", line),
                "tax_no": need(f, "taxNo", line),
                "status": _status(f, line),
                "return_time": timestamp(f, "returnTime", line, lengths=(17, 14)),
            },
        )

    each(root, "TaxHeadStatus", parsed, build)
