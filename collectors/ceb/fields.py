"""Safe reading of a customs message file and of its records' fields.

Safe by construction: no DTD (a DOCTYPE refuses the file), no entity expansion,
no network, a size limit. Personal data (buyer name, ID number, phone,
consignee address) is never read, so it cannot reach a record, an error
message or a log; free text (returnInfo) keeps only its coded parts, and an
error names the field, the rule and the line, never the value it found (nor
libxml2's own message, which quotes tag and entity names).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

CEB_NS = "http://www.chinaport.gov.cn/ceb"
_NS_PREFIX = f"{{{CEB_NS}}}"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
ISSUES_KEPT = 20  # a file's first problems are listed; the rest only counted
PERSONAL_FIELDS = frozenset(
    {
        "buyerIdType",
        "buyerIdNumber",
        "buyerName",
        "buyerTelephone",
        "consigneeAddress",
        "consignee",
        "consigneeTelephone",
        "payerName",
        "payerIdNumber",
        "payerTelephone",
    }
)
_GB_ENCODINGS = {"gb2312", "gbk", "gb18030", "gb_2312-80", "cp936"}
_DECL_RE = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9_.\-]+)[\"'][^>]*\?>", re.I)


class MessageError(ValueError):
    """The whole file cannot be read; `line` says where, when known."""

    def __init__(self, code: str, reason: str, line: int | None = None):
        super().__init__(reason)
        self.code = code  # a small fixed set, used as a metric label
        self.reason = reason
        self.line = line

    def __reduce__(self):  # read in a reading process, raised in the writing one (collectors/ceb/reading.py)
        return type(self), (self.code, self.reason, self.line)


@dataclass(frozen=True)
class RecordIssue:
    element: str  # e.g. "InventoryReturn #3"
    line: int | None
    field: str
    reason: str

    def as_dict(self) -> dict:
        return {"element": self.element, "line": self.line, "field": self.field, "reason": self.reason}


@dataclass
class Parsed:
    message_type: str  # e.g. "CEB621"
    records: dict[str, list[dict]] = field(default_factory=dict)  # record kind -> records
    issues: list[RecordIssue] = field(default_factory=list)  # the first ISSUES_KEPT
    refused: int = 0  # every invalid record, listed or not
    # once moved into tables shared with the messages read beside it (collectors/ceb/columns.py):
    # those tables, and where this message's records are in them, by kind (offset, length)
    tables: dict | None = None
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add(self, kind: str, record: dict) -> None:
        self.records.setdefault(kind, []).append(record)

    def kinds(self) -> dict[str, int]:
        """The number of valid records by kind, wherever they are held."""
        counts = {k: n for k, (_, n) in self.spans.items()}
        for k, v in self.records.items():
            counts[k] = counts.get(k, 0) + len(v)
        return counts

    @property
    def count(self) -> int:
        return sum(self.kinds().values())


_PARSERS = threading.local()  # a parser is used by one thread at a time; making one costs a tenth of a parse


def _parser(keep_layout: bool = True) -> etree.XMLParser:
    parsers = _PARSERS.__dict__
    parser = parsers.get(keep_layout)
    if parser is None:
        parser = parsers[keep_layout] = etree.XMLParser(
            remove_blank_text=not keep_layout,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
    return parser


_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.I)
BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xef\xbb\xbf", "utf-8"),
)
_NO_BOM = ((b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
           (b"\x00<\x00", "utf-16-be"), (b"<\x00", "utf-16-le"))  # fmt: skip


def _as_text(data: bytes, declared: str) -> str:
    """The file as libxml2 would read it (a BOM, the first bytes, else the
    declaration), for the DOCTYPE check: UTF-16 and UTF-32 hide it from a
    check of the raw bytes."""
    encoding = next((e for bom, e in BOMS if data.startswith(bom)), None)
    encoding = encoding or next((e for start, e in _NO_BOM if data.startswith(start)), None)
    encoding = encoding or ("gb18030" if declared in _GB_ENCODINGS else declared)
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:  # an encoding Python does not know: libxml2 will refuse it too
        return data.decode("utf-8", errors="replace")


# encodings in which "<" and "!" are the bytes 3C and 21, and no byte of another character is either
_ASCII_SAFE = _GB_ENCODINGS | {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1"}


def _may_declare(data: bytes, declared: str) -> bool:
    """Whether the file must be read as text for the DOCTYPE check: in an
    encoding safe for ASCII, no "<!" in the bytes means none in the text (and
    reading a one-list file as text costs a tenth of its parse)."""
    return b"<!" in data or b"\0" in data or declared not in _ASCII_SAFE or data[:2] in (b"\xff\xfe", b"\xfe\xff")


def _declares(data: bytes, declared: str) -> bool:
    """A DOCTYPE or ENTITY declaration, in the encoding libxml2 would read, or in any wide one."""
    nul_free = data.replace(b"\0", b"").decode("latin-1") if b"\0" in data else ""
    return bool(_DTD.search(_as_text(data, declared)) or _DTD.search(nul_free))


def _declared(data: bytes) -> tuple[str, re.Match | None]:
    m = _DECL_RE.match(data)
    return (m.group(1).decode("ascii").lower() if m else "utf-8"), m


def text_of(data: bytes) -> str:
    """The bytes as text in the encoding libxml2 would use, bad bytes replaced:
    for reading a file that may not parse."""
    return _as_text(data, _declared(data)[0])


def read_xml(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES, *, keep_layout: bool = True) -> etree._Element:
    """Parses bytes to a root element, refusing anything unsafe or unreadable.
    Without `keep_layout` the whitespace between elements is dropped (a sixth
    of the parse of a receipt file, and of its redaction): a copy made from
    the tree then has no line breaks for a problem's line to point at."""
    if len(data) > max_bytes:
        raise MessageError("too_large", f"file is {len(data):,} bytes, over the limit of {max_bytes:,}")
    if not data.strip():
        raise MessageError("empty", "file is empty")
    declared, m = _declared(data)
    if _may_declare(data, declared) and _declares(data, declared):
        raise MessageError("unsafe_xml", "a DOCTYPE or ENTITY declaration is not allowed in a customs message")
    try:
        if declared in _GB_ENCODINGS:
            # GB2312 senders often use GBK characters: read every GB flavour as GB18030
            # (the declaration is ASCII, so its byte length is its character length)
            text = data.decode("gb18030")[m.end() :]
            root = etree.fromstring(text.encode("utf-8"), _parser(keep_layout))
        else:
            root = etree.fromstring(data, _parser(keep_layout))
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise MessageError(
            "bad_encoding", f"bytes are not valid {declared.upper()} (declared encoding)", line
        ) from None
    except etree.XMLSyntaxError as e:
        rule = etree.ErrorTypes._getName(e.code) or "ERR"  # the rule's name, not its message
        where = f"line {e.lineno}, column {e.position[1]}"
        if "encoding" in e.msg.lower() or "utf-8" in e.msg.lower():
            raise MessageError(
                "bad_encoding", f"bytes do not match the declared encoding ({rule}, {where})", e.lineno
            ) from None
        raise MessageError("malformed_xml", f"not well-formed XML ({rule}, {where})", e.lineno) from None
    except ValueError:
        raise MessageError("unreadable", "cannot read the file as XML") from None
    if root.getroottree().docinfo.doctype:
        raise MessageError("unsafe_xml", "a DOCTYPE is not allowed in a customs message")
    return root


def local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag[tag.index("}") + 1 :] if tag[:1] == "{" else tag


def children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if local(c) == name]


class Fields:
    """Reads a record's leaf fields by name on demand (any namespace). Personal
    fields are never asked for, so their values are never read."""

    def __init__(self, el: etree._Element):
        self.el = el
        self.children = {c.tag: c for c in el}

    def get(self, name: str, default=("", None)) -> tuple[str, int | None]:
        if name in PERSONAL_FIELDS:
            raise AssertionError(f"{name} is personal data and is never read")
        child = self.children.get(_NS_PREFIX + name)
        if child is None:
            child = self.children.get(name)
        if child is None:
            return default
        return ((child.text or "").strip(), child.sourceline)

    def __getitem__(self, name: str) -> tuple[str, int | None]:
        return self.get(name, ("", self.el.sourceline))


class Invalid(Exception):
    def __init__(self, field: str, reason: str, line: int | None):
        super().__init__(reason)
        self.field, self.reason, self.line = field, reason, line


def need(f: Fields, name: str, line: int | None) -> str:
    return _needed(f, name, line)[0]


def _needed(f: Fields, name: str, line: int | None, required: bool = True) -> tuple[str, int | None]:
    """A field's text and line, looked up once (a receipt file holds a hundred
    records); "" for an optional field that is missing or empty."""
    value, at = f.get(name, ("", line))
    if not value and required:
        raise Invalid(name, "is missing or empty", at)
    return value, at


_WHOLE = re.compile(r"-?[0-9]{1,9}")  # ASCII only: \d takes full-width digits
_AMOUNT = re.compile(r"[0-9]{1,12}(\.[0-9]{1,9})?")  # ASCII: Decimal takes full-width too
_EXACT = re.compile(r"[0-9]{1,12}(\.[0-9]{0,5})?")
_MOST = Decimal("100000000")


def timestamp(f: Fields, name: str, line: int | None, *, lengths: tuple[int, ...]) -> datetime:
    text, at = _needed(f, name, line)
    if not (text.isascii() and text.isdigit()) or len(text) not in lengths:  # not full-width ８
        raise Invalid(name, f"is not a time of {' or '.join(map(str, lengths))} ASCII digits", at)
    try:
        base = datetime(
            int(text[0:4]), int(text[4:6]), int(text[6:8]), int(text[8:10]), int(text[10:12]), int(text[12:14])
        )
    except ValueError:
        raise Invalid(name, "is not a possible time", at) from None
    if len(text) == 17:
        base = base.replace(microsecond=int(text[14:]) * 1000)
    return base


def whole(f: Fields, name: str, line: int | None, *, default: int | None = None) -> int:
    text, at = _needed(f, name, line, required=default is None)
    if not text:
        return default
    if not _WHOLE.fullmatch(text):
        raise Invalid(name, "is not a whole number of at most 9 ASCII digits", at)
    return int(text)


def fen(f: Fields, name: str, line: int | None, *, required: bool = True) -> int:
    text, at = _needed(f, name, line, required)
    if not text:
        return 0
    if not _AMOUNT.fullmatch(text):
        raise Invalid(name, "is not an amount", at)
    value = Decimal(text)
    if value > _MOST:
        raise Invalid(name, "is not an amount between 0 and 100000000", at)
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


def yuan(f: Fields, name: str, line: int | None, *, required: bool = True) -> Decimal:
    """An amount or quantity as sent, exactly: at most 5 decimals."""
    text, at = _needed(f, name, line, required)
    if not text:
        return Decimal(0)
    if not _EXACT.fullmatch(text):
        raise Invalid(name, "is not an amount of at most 12 digits and 5 decimals", at)
    return Decimal(text)


def optional(f: Fields, name: str) -> str | None:
    return f.get(name, ("", None))[0] or None


# a code is short: a phone or ID number typed where a code goes is not one
_CODED = re.compile(r"\[Code:([A-Za-z0-9_.\-]{1,10})(?:;Desc:[^\[\]]{0,200})?\]")


def coded_info(text: str) -> str | None:
    """Only the codes of free text that may quote the buyer (`[Code:2600]` of
    `[Code:2600;Desc:…]`): a description can name the buyer in any words."""
    return "".join(f"[Code:{c}]" for c in _CODED.findall(text or ""))[:1000] or None


def each(root, name: str, parsed: Parsed, build) -> None:
    """Calls `build` on every `name` element (the ceb: prefix, the default
    namespace and no namespace alike); an invalid one is counted and, among the
    first ISSUES_KEPT, listed."""
    for i, el in enumerate(root.iter(f"{{{CEB_NS}}}{name}", name), 1):
        try:
            build(el)
        except Invalid as e:
            parsed.refused += 1
            if len(parsed.issues) < ISSUES_KEPT:
                parsed.issues.append(RecordIssue(f"{name} #{i}", e.line, e.field, e.reason))
