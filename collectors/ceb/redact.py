"""The copies of a message that are kept: personal data removed.

`redact` makes the copy kept in processed/. Personal elements
(`PERSONAL_FIELDS`: buyer, consignee and payer names, ID numbers, phones,
address) keep their place with no text, so the file keeps its structure and
still parses; free text that may quote the buyer keeps only its coded parts
(`returnInfo`), a sender's own words (`reason`, `note`) are emptied, and so is
a CEB900's `oriBizMessage`, which holds a whole original message. Elements and
attributes are matched by local name, whatever their namespace or prefix.
Comments and processing instructions are dropped (the safe parser does not
keep them). The copy is written as UTF-8 with its declaration saying so,
whatever encoding the sender declared.

`for_quarantine` makes the copy kept in quarantine/, where a file goes because
something in it is wrong. A message with invalid records gets the same
redaction, and the values its listed problems name are emptied (a phone typed
into a number field). A file that is not a message at all (unsafe, not
well-formed, of no known family) is scrubbed as text: personal and free-text
elements, such attributes and comments emptied, and every Chinese character
masked, since such a file may hide a name anywhere, even in a tag; its line
breaks stay, so the sidecar's line still points at the fault. Both then mask
any number shaped like a mobile phone or an ID number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from collectors.ceb.fields import RecordIssue, text_of
from collectors.ceb.parse import DEFAULT_MAX_BYTES, PERSONAL_FIELDS, coded_info, read_xml

FREE_TEXT = "returnInfo"  # kept as its [Code:…;Desc:…] parts
WHOLE_MESSAGE = "oriBizMessage"  # emptied
SENDER_TEXT = frozenset({"reason", "note"})  # a sender's own words (退货原因, 备注): emptied
EMPTIED = PERSONAL_FIELDS | SENDER_TEXT | {WHOLE_MESSAGE}


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _empty(el: etree._Element, text: str = "") -> None:
    for child in list(el):
        el.remove(child)  # a child's tail goes with it
    el.text = text


def _redact_tree(root: etree._Element) -> None:
    # a flood of elements must not become a list of them: only the matches are collected
    for el in root.iter():
        for attr in [a for a in el.attrib if etree.QName(a).localname in EMPTIED | {FREE_TEXT}]:
            del el.attrib[attr]
    for el in list(root.iter(*(f"{{*}}{name}" for name in EMPTIED | {FREE_TEXT}))):
        if _local(el) == FREE_TEXT:
            _empty(el, coded_info("".join(el.itertext())) or "")
        else:
            _empty(el)
        el.attrib.clear()


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")


def redact(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The message without its personal data, as UTF-8 bytes. Raises
    `MessageError` (from `read_xml`) when the bytes cannot be read safely."""
    root = read_xml(data, max_bytes)
    _redact_tree(root)
    return _serialize(root)


def for_quarantine(data: bytes, issues: Iterable[RecordIssue] | None, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The copy of a set-aside file to keep, as UTF-8 bytes (see the module's
    docstring). `issues`: the problems of a message with invalid records; None
    for a file that is not a message."""
    if issues is None:
        return mask_numbers(scrub(text_of(data)).encode("utf-8"))
    root = read_xml(data, max_bytes)
    faults = {(i.field, i.line) for i in issues}
    for el in [] if not faults else list(root.iter(*{f"{{*}}{name}" for name, _ in faults})):
        if (_local(el), el.sourceline) in faults:
            _empty(el)
    _redact_tree(root)
    return mask_numbers(_serialize(root))


_NAMES = "|".join(sorted(EMPTIED | {FREE_TEXT}))
_ELEMENT = re.compile(rf"(<(?:[\w.\-]+:)?({_NAMES})(?:\s[^<>]*)?(?<!/)>)(.*?)(</(?:[\w.\-]+:)?\2\s*>|\Z)", re.S)
_ATTRIBUTE = re.compile(rf"(\s(?:[\w.\-]+:)?(?:{_NAMES})\s*=\s*)(\"[^\"<]*\"?|'[^'<]*'?)")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)


def _lines(text: str) -> str:
    return "\n" * text.count("\n")


def _element(m: re.Match) -> str:
    kept = coded_info(m.group(3)) or "" if m.group(2) == FREE_TEXT else ""
    return m.group(1) + kept + _lines(m.group(3)) + m.group(4)


_CHINESE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def scrub(text: str) -> str:
    """Text that may not be XML at all, with the content of every personal or
    free-text element, such attributes and comments removed and every Chinese
    character masked; line breaks kept."""
    text = _COMMENT.sub(lambda m: _lines(m.group(0)), text)
    text = _ELEMENT.sub(_element, text)
    text = _ATTRIBUTE.sub(lambda m: m.group(1) + '""', text)
    return _CHINESE.sub("*", text)


_D = "[0-9０-９]"
_PERSONAL_NUMBER = re.compile(
    rf"(?<![0-9０-９])(?:[1１][3-9３-９]{_D}{{9}}|[1-9１-９]{_D}{{16}}[0-9０-９Xx]|[1-9１-９]{_D}{{14}})(?![0-9０-９])"
)


def mask_numbers(data: bytes) -> bytes:
    """UTF-8 bytes with every mobile-phone or ID-shaped number (11, 15 or 18
    digits, full-width too) replaced by as many asterisks."""
    text = data.decode("utf-8", errors="replace")
    return _PERSONAL_NUMBER.sub(lambda m: "*" * len(m.group(0)), text).encode("utf-8")
