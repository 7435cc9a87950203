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

from collectors.ceb.fields import BOMS, RecordIssue, text_of
from collectors.ceb.parse import DEFAULT_MAX_BYTES, PERSONAL_FIELDS, coded_info, read_xml

FREE_TEXT = "returnInfo"  # kept as its codes ([Code:2600])
WHOLE_MESSAGE = "oriBizMessage"  # emptied
SENDER_TEXT = frozenset({"reason", "note"})  # a sender's own words (退货原因, 备注): emptied
EMPTIED = PERSONAL_FIELDS | SENDER_TEXT | {WHOLE_MESSAGE}
SCRUBBED = EMPTIED | {FREE_TEXT}  # every element whose text a kept copy loses


def _local(el: etree._Element) -> str:
    return el.tag.rpartition("}")[2] if isinstance(el.tag, str) else ""


def _empty(el: etree._Element, text: str = "") -> None:
    for child in list(el):
        el.remove(child)  # a child's tail goes with it
    el.text = text


KEPT_ATTRIBUTES = frozenset({"guid", "version"})  # a message's own; any other attribute may carry anything


def _redact_tree(root: etree._Element) -> None:
    _scrub(root)
    # one pass with the cheapest checks first: a clean message has no attribute but a message's own,
    # no text beside an element (messages have no mixed content: it is planted) and no element named
    # in anything but ASCII (no customs element is). Only a stray is collected, never every element.
    strays = []
    for el in root.iter():
        tag = el.tag
        if type(tag) is not str:
            continue
        if el.keys():
            for attr in [a for a in el.keys() if a.rpartition("}")[2] not in KEPT_ATTRIBUTES]:
                del el.attrib[attr]
        tail = el.tail
        if tail and not tail.isspace():
            el.tail = _lines(tail)
        if len(el):  # text before its first child
            text = el.text
            if text and not text.isspace():
                el.text = _lines(text)
        if not tag.isascii():
            strays.append(el)
    for el in strays:
        if el.getparent() is not None:
            el.getparent().remove(el)


_SCRUBBED_TAGS = tuple(f"{{*}}{name}" for name in sorted(SCRUBBED))


def _scrub(root: etree._Element) -> None:
    """Empties every personal and free-text element (a receipt file holds a hundred
    `returnInfo`: one with text only is changed in place)."""
    nested = []  # emptied after the walk, which their children's removal would upset
    for el in root.iter(*_SCRUBBED_TAGS):
        if len(el):
            nested.append(el)
        elif el.text:
            el.text = coded_info(el.text) or "" if _local(el) == FREE_TEXT else ""
        if el.keys():
            el.attrib.clear()
    for el in nested:
        _empty(el, coded_info("".join(el.itertext())) or "" if _local(el) == FREE_TEXT else "")


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")


def redact(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The message without its personal data, as UTF-8 bytes. Raises
    `MessageError` (from `read_xml`) when the bytes cannot be read safely."""
    return redact_root(read_xml(data, max_bytes))


def redact_root(root: etree._Element) -> bytes:
    """`redact` of a message already parsed (`read_xml`); the tree is changed."""
    _redact_tree(root)
    return _serialize(root)


def for_quarantine(data: bytes, issues: Iterable[RecordIssue] | None, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The copy of a set-aside file to keep, as UTF-8 bytes (see the module's
    docstring). `issues`: the problems of a message with invalid records; None
    for a file that is not a message."""
    if issues is None:
        return mask_numbers(scrub(_readable(data)).encode("utf-8"))
    root = read_xml(data, max_bytes)
    faults = {(i.field, i.line) for i in issues}
    if faults:
        for el in list(root.iter(*{f"{{*}}{name}" for name, _ in faults})):
            if (_local(el), el.sourceline) in faults:
                _empty(el)
    _redact_tree(root)
    # past the listed problems an invalid record may hold a name anywhere: Chinese text is masked too
    return mask_numbers(_CHINESE.sub("*", _serialize(root).decode("utf-8")).encode("utf-8"))


def _readable(data: bytes) -> str:
    """The text of a file that may not parse, in whichever reading shows its
    characters: a wide encoding by its NULs, else UTF-8 or GB18030 when the
    bytes are valid in it, else what the declaration says."""
    bom = next((e for mark, e in BOMS if data.startswith(mark)), None)
    if bom:
        text = data.decode(bom, errors="replace").removeprefix("\ufeff")
    elif b"\0" in data[:4096]:
        text = data.decode(_wide(data[:4096]), errors="replace")
    else:
        for encoding in ("utf-8", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            text = text_of(data)
    return _REFERENCE.sub(_referenced, text)


def _wide(head: bytes) -> str:
    """UTF-32 or UTF-16 and their byte order, from where the NULs fall (mostly ASCII markup)."""
    zeros = [head[i::4].count(0) for i in range(4)]
    many = len(head) // 8
    if zeros[0] == 0 and min(zeros[1:]) > many:
        return "utf-32-le"
    if zeros[3] == 0 and min(zeros[:3]) > many:
        return "utf-32-be"
    return "utf-16-le" if zeros[1] + zeros[3] > zeros[0] + zeros[2] else "utf-16-be"


_REFERENCE = re.compile(r"&#(?:([0-9]{1,7})|[xX]([0-9A-Fa-f]{1,6}));")


def _referenced(m: re.Match) -> str:
    code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)


_NAMES = "|".join(sorted(SCRUBBED))
_ELEMENT = re.compile(rf"(<(?:[\w.\-]+:)?({_NAMES})(?:\s[^>]*)?(?<!/)>)(.*?)(</(?:[\w.\-]+:)?\2\s*>|\Z)", re.S)
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


_DIGIT = "[0-9０-９]"
# eleven digits or more, single spaces or dashes between them allowed (139-7000-0004, +86 139 …)
_PERSONAL_NUMBER = re.compile(rf"(?<![0-9０-９]){_DIGIT}(?:[ \-－]?{_DIGIT}){{10,}}[Xx]?(?![0-9０-９])")
_TIMESTAMP = re.compile(r"(?:19|20)[0-9]{12}(?:[0-9]{3})?")  # a CEB time (14 or 17 digits): no ID starts so


def _masked(m: re.Match) -> str:
    return m.group(0) if _TIMESTAMP.fullmatch(m.group(0)) else re.sub("[0-9０-９Xx]", "*", m.group(0))


def mask_numbers(data: bytes) -> bytes:
    """UTF-8 bytes with every number of eleven digits or more that is not a
    CEB time (a phone, an ID number, separated or full-width) masked."""
    text = data.decode("utf-8", errors="replace")
    return _PERSONAL_NUMBER.sub(_masked, text).encode("utf-8")


def safe_name(name: str) -> str:
    """A file's name as it may be recorded, logged or kept: Chinese characters
    and long numbers masked, since a sender may name a file after the buyer."""
    return _PERSONAL_NUMBER.sub(_masked, _CHINESE.sub("*", name))
