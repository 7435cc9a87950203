"""CEB900 format rejects: one of the sender's messages failed the format check.
It names no list; it is counted by the type of the message rejected. The
original message it may carry (oriBizMessage) is never read."""

from __future__ import annotations

import re

from collectors.ceb.fields import Fields, Parsed, coded_info, each, need, optional, timestamp, whole
from collectors.records import REJECTED_TYPES

_TYPE = re.compile(r"(CEB[0-9]{3})(Message)?")


def ceb900(root, parsed: Parsed, category_for_hs) -> None:
    def build(ret):
        f, line = Fields(ret), ret.sourceline
        m = _TYPE.fullmatch(need(f, "oriMessageType", line))
        parsed.add(
            "format_reject",
            {
                "guid": need(f, "guid", line),
                "ori_message_type": m.group(1) if m and m.group(1) in REJECTED_TYPES else "other",
                "ori_cop_msg_id": optional(f, "oriCopMsgId"),
                "return_status": whole(f, "returnStatus", line),
                "return_time": timestamp(f, "returnTime", line, lengths=(17, 14)),
                "return_info": coded_info(optional(f, "returnInfo") or ""),
            },
        )

    each(root, "MessageReturn", parsed, build)
