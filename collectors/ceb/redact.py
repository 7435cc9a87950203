"""The copy of a message that is kept in processed/: personal data removed.

Personal elements (`PERSONAL_FIELDS`: buyer, consignee and payer names, ID
numbers, phones, address) keep their place with no text, so the file keeps its
structure and still parses; free text that may quote the buyer keeps only its
coded parts (`returnInfo`), a sender's own words (`reason`, `note`) are
emptied, and so is a CEB900's `oriBizMessage`, which holds a whole original
message. Elements are matched by local name, whatever
their namespace or prefix. Comments and processing instructions are dropped
(the safe parser does not keep them). The copy is written as UTF-8 with its
declaration saying so, whatever encoding the sender declared.
"""

from __future__ import annotations

from lxml import etree

from collectors.ceb.parse import DEFAULT_MAX_BYTES, PERSONAL_FIELDS, coded_info, read_xml

FREE_TEXT = "returnInfo"  # kept as its [Code:…;Desc:…] parts
WHOLE_MESSAGE = "oriBizMessage"  # emptied
SENDER_TEXT = frozenset({"reason", "note"})  # a sender's own words (退货原因, 备注): emptied


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _empty(el: etree._Element, text: str = "") -> None:
    for child in list(el):
        el.remove(child)  # a child's tail goes with it
    el.text = text


def redact(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The message without its personal data, as UTF-8 bytes. Raises
    `MessageError` (from `read_xml`) when the bytes cannot be read safely."""
    root = read_xml(data, max_bytes)
    for el in list(root.iter()):
        name = _local(el)
        if name in PERSONAL_FIELDS or name == WHOLE_MESSAGE or name in SENDER_TEXT:
            _empty(el)
        elif name == FREE_TEXT:
            _empty(el, coded_info("".join(el.itertext())) or "")
        else:
            continue
        el.attrib.clear()
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
