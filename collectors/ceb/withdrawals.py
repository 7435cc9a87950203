"""Requests against a released list and their receipts: CEB623 cancellation
(撤单, the whole list) / CEB624 its receipt, CEB625 return (退货, some lines,
some quantity) / CEB626 its receipt. A receipt names its request by
(agentCode, copNo); a request names its list by invtNo. The buyer fields these
requests carry are never read."""

from __future__ import annotations

from collectors.ceb.fields import (
    Fields,
    Invalid,
    Parsed,
    children,
    coded_info,
    each,
    need,
    optional,
    timestamp,
    whole,
    yuan,
)


def _request(f: Fields, line: int | None, family: str, gnums: list[int], qtys: list) -> dict:
    return {
        "family": family,
        "agent_code": need(f, "agentCode", line),
        "cop_no": need(f, "copNo", line),
        "invt_no": need(f, "invtNo", line),
        "customs_code": optional(f, "customsCode"),
        "ebp_code": optional(f, "ebpCode"),
        "ebc_code": optional(f, "ebcCode"),
        "app_time": timestamp(f, "appTime", line, lengths=(14,)),
        "line_gnum": gnums,
        "line_qty": qtys,
    }


def _receipt(ret, parsed: Parsed, family: str) -> None:
    f, line = Fields(ret), ret.sourceline
    parsed.add(
        "request_receipt",
        {
            "family": family,
            "agent_code": need(f, "agentCode", line),
            "cop_no": need(f, "copNo", line),
            "invt_no": optional(f, "invtNo"),
            "customs_code": optional(f, "customsCode"),
            "return_status": whole(f, "returnStatus", line),
            "return_time": timestamp(f, "returnTime", line, lengths=(17, 14)),
            "return_info": coded_info(optional(f, "returnInfo") or ""),
        },
    )


def ceb623(root, parsed: Parsed, category_for_hs) -> None:
    def build(el):
        parsed.add("request", _request(Fields(el), el.sourceline, "cancel", [], []))

    each(root, "InvtCancel", parsed, build)


def ceb624(root, parsed: Parsed, category_for_hs) -> None:
    each(root, "InvtCancelReturn", parsed, lambda el: _receipt(el, parsed, "cancel"))


def ceb625(root, parsed: Parsed, category_for_hs) -> None:
    def build(refund):
        heads = children(refund, "InvtRefundHead")
        if not heads:
            raise Invalid("InvtRefundHead", "is missing", refund.sourceline)
        gnums, qtys = [], []
        for ln in children(refund, "InvtRefundList"):
            lf = Fields(ln)
            gnums.append(whole(lf, "gnum", ln.sourceline))
            qtys.append(yuan(lf, "qty", ln.sourceline))
        if not gnums:
            raise Invalid("InvtRefundList", "a return needs at least one line", heads[0].sourceline)
        parsed.add("request", _request(Fields(heads[0]), heads[0].sourceline, "refund", gnums, qtys))

    each(root, "InvtRefund", parsed, build)


def ceb626(root, parsed: Parsed, category_for_hs) -> None:
    each(root, "InvtRefundReturn", parsed, lambda el: _receipt(el, parsed, "refund"))
