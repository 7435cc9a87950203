"""Parses the customs messages the data exchange platform delivers as XML, every
import-side family a bonded-import district receives: CEB621/622 (inventory
lists and receipts), CEB623/624 (cancellations), CEB625/626 (returns), CEB816
(tax receipts), CEB818 (tax status), CEB900 (format rejects).

Elements are found by namespace and local name, never by position: the `ceb:`
prefix, the default namespace and no namespace alike. An invalid record is
reported with its line and field and left out; the valid records beside it are
kept. Reading is safe and never touches personal data (collectors/ceb/fields.py).
"""

from __future__ import annotations

import re

from collectors.ceb import inventory, rejects, tax, withdrawals
from collectors.ceb.fields import (
    CEB_NS,
    DEFAULT_MAX_BYTES,
    ISSUES_KEPT,
    PERSONAL_FIELDS,
    MessageError,
    Parsed,
    RecordIssue,
    coded_info,
    local,
    read_xml,
)

__all__ = [
    "CEB_NS",
    "DEFAULT_MAX_BYTES",
    "FAMILIES",
    "ISSUES_KEPT",
    "PERSONAL_FIELDS",
    "MessageError",
    "Parsed",
    "RecordIssue",
    "coded_info",
    "parse_message",
    "parse_root",
    "read_xml",
]

# root element -> the reader of its records
FAMILIES = {
    "CEB621Message": inventory.ceb621,
    "CEB622Message": inventory.ceb622,
    "CEB623Message": withdrawals.ceb623,
    "CEB624Message": withdrawals.ceb624,
    "CEB625Message": withdrawals.ceb625,
    "CEB626Message": withdrawals.ceb626,
    "CEB816Message": tax.ceb816,
    "CEB818Message": tax.ceb818,
    "CEB900Message": rejects.ceb900,
}


def parse_message(data: bytes, category_for_hs, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Parsed:
    """Reads one message file. `category_for_hs(hs_code) -> category code`."""
    return parse_root(read_xml(data, max_bytes), category_for_hs)


def parse_root(root, category_for_hs) -> Parsed:
    """Reads the records of a message already parsed safely (`read_xml`); the
    tree is left as it was, so the kept copy can be made from it."""
    kind = local(root)
    if root.nsmap.get(None) not in (None, CEB_NS) and CEB_NS not in root.nsmap.values():
        raise MessageError("unknown_type", "the root element is not in the CEB namespace", root.sourceline)
    if kind not in FAMILIES:
        named = kind if re.fullmatch(r"CEB[0-9]{3}Message", kind) else "another element"
        known = ", ".join(k[:6] for k in FAMILIES)
        raise MessageError("unknown_type", f"the root is {named}; expected one of {known}", root.sourceline)
    parsed = Parsed(kind[:6])
    FAMILIES[kind](root, parsed, category_for_hs)
    if not parsed.count and not parsed.refused:
        raise MessageError("no_records", f"{kind} holds no records", root.sourceline)
    return parsed
