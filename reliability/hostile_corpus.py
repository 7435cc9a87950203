"""Builds a corpus of hostile message files (malformed, oversized, wrong
encodings, entity tricks, absurd values, unknown types) with the reason code
each must be quarantined with. Partly bad files keep their valid records:
each holds two releases of its own lists beside one broken receipt."""

from __future__ import annotations

import random
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden" / "ceb" / "basic"
MAX_BYTES = 1024 * 1024  # the inbox's limit while the corpus runs
RELEASES_PER_PARTLY_BAD = 2

_HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_NS = b'xmlns="http://www.chinaport.gov.cn/ceb"'


def _receipts() -> str:
    return (GOLDEN / "b_CEB622.xml").read_text(encoding="utf-8")


def _declarations() -> str:
    return (GOLDEN / "a_CEB621.xml").read_text(encoding="utf-8")


def _own_lists(text: str, tag: str) -> str:
    """The file's lists made its own, so what it keeps is counted apart from the rest."""
    return text.replace("COP0001", f"{tag}-1").replace("COP0002", f"{tag}-2")


def _first_receipt(text: str, old: str, new: str) -> str:
    """Changes a field of the first receipt (status 2), leaving both releases valid."""
    first_end = text.index("</InventoryReturn>")
    head, rest = text[:first_end], text[first_end:]
    assert old in head, old
    return head.replace(old, new, 1) + rest


RECEIPT_MUTATIONS = {
    "status_letters": ("<returnStatus>2</returnStatus>", "<returnStatus>abc</returnStatus>"),
    "status_empty": ("<returnStatus>2</returnStatus>", "<returnStatus></returnStatus>"),
    "status_huge": ("<returnStatus>2</returnStatus>", "<returnStatus>99999999999999999999</returnStatus>"),
    "status_letter_o": ("<returnStatus>2</returnStatus>", "<returnStatus>8OO</returnStatus>"),
    "status_exponent": ("<returnStatus>2</returnStatus>", "<returnStatus>1e3</returnStatus>"),
    "status_missing": ("<returnStatus>2</returnStatus>", ""),
    "time_month_13": ("<returnTime>20191111000010500</returnTime>", "<returnTime>20191311000010500</returnTime>"),
    "time_hour_25": ("<returnTime>20191111000010500</returnTime>", "<returnTime>20191111250010500</returnTime>"),
    "time_10_digits": ("<returnTime>20191111000010500</returnTime>", "<returnTime>2019111100</returnTime>"),
    "time_letters": ("<returnTime>20191111000010500</returnTime>", "<returnTime>abcdefghijklmn</returnTime>"),
    "time_zeros": ("<returnTime>20191111000010500</returnTime>", "<returnTime>00000000000000</returnTime>"),
    "time_missing": ("<returnTime>20191111000010500</returnTime>", ""),
    "no_enterprise": ("<ebcCode>3105960001</ebcCode>", ""),
    "no_customs_code": ("<customsCode>3105</customsCode>", ""),
}

DECLARATION_MUTATIONS = {
    "price_letters": ("<ceb:totalPrice>88.80</ceb:totalPrice>", "<ceb:totalPrice>abc</ceb:totalPrice>"),
    "price_infinite": ("<ceb:totalPrice>88.80</ceb:totalPrice>", "<ceb:totalPrice>1e309</ceb:totalPrice>"),
    "price_nan": ("<ceb:totalPrice>88.80</ceb:totalPrice>", "<ceb:totalPrice>NaN</ceb:totalPrice>"),
    "apptime_month_13": ("<ceb:appTime>20191111000020</ceb:appTime>", "<ceb:appTime>99991311000020</ceb:appTime>"),
}


def build(folder: Path) -> tuple[dict[str, str], int]:
    """Writes the corpus into `folder`; returns {file: reason code} and how many
    releases the valid records beside the bad ones hold."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}
    kept = 0

    def put(name: str, data: bytes, code: str) -> None:
        (folder / name).write_bytes(data)
        expected[name] = code

    receipts = _receipts()
    for k, (tag, (old, new)) in enumerate(RECEIPT_MUTATIONS.items()):
        text = _first_receipt(_own_lists(receipts, f"PBR{k:02d}"), old, new)
        put(f"partly_bad_{tag}_CEB622.xml", text.encode(), "invalid_records")
        kept += RELEASES_PER_PARTLY_BAD
    declarations = _declarations()
    for k, (tag, (old, new)) in enumerate(DECLARATION_MUTATIONS.items()):
        text = _own_lists(declarations, f"PBD{k:02d}").replace(old, new, 1)
        put(f"partly_bad_{tag}_CEB621.xml", text.encode(), "invalid_records")

    whole = receipts.encode()
    for k in range(1, 11):  # cut anywhere past the root's start tag
        put(f"truncated_{k:02d}.xml", whole[: 120 + (len(whole) - 140) * k // 11], "malformed_xml")
    rng = random.Random(20191111)
    put("junk_ascii.xml", bytes(rng.randrange(32, 127) for _ in range(4000)), "malformed_xml")
    put("junk_binary.xml", bytes(rng.randrange(0, 256) for _ in range(4000)), "malformed_xml")
    put("png_header.xml", b"\x89PNG\r\n\x1a\n" + bytes(200), "malformed_xml")
    put("zip_header.xml", b"PK\x03\x04" + bytes(200), "malformed_xml")
    put("nul_bytes.xml", bytes(1000), "malformed_xml")
    put("empty.xml", b"", "empty")
    put("whitespace_only.xml", b" \n\t\r\n  ", "empty")
    put("html_page.xml", b"<html><body><h1>502 Bad Gateway</h1></body></html>", "unknown_type")

    doctype = b'<?xml version="1.0"?>\n<!DOCTYPE CEB622Message [\n'
    laughs = b"".join(b'<!ENTITY l%d "&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;">\n' % ((i,) + (i - 1,) * 10)
                      for i in range(1, 10))  # fmt: skip
    put("billion_laughs.xml", doctype + b'<!ENTITY l0 "lol">\n' + laughs + b"]>\n<CEB622Message>&l9;</CEB622Message>",
        "unsafe_xml")  # fmt: skip
    blow = b"x" * 50_000
    put("quadratic_blowup.xml", doctype + b'<!ENTITY a "' + blow + b'">]>\n<CEB622Message>' + b"&a;" * 2000
        + b"</CEB622Message>", "unsafe_xml")  # fmt: skip
    put("external_file.xml", doctype + b'<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<CEB622Message>&x;</CEB622Message>',
        "unsafe_xml")  # fmt: skip
    put("external_dtd.xml", b'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "http://dtd.example.invalid/r.dtd">\n<r/>',
        "unsafe_xml")  # fmt: skip
    put("parameter_entity.xml", doctype + b'<!ENTITY % p SYSTEM "http://example.invalid/p.dtd"> %p;]>\n<r/>',
        "unsafe_xml")  # fmt: skip
    put("doctype_lowercase.xml", b'<?xml version="1.0"?>\n<!doctype r [<!entity a "b">]>\n<r>&a;</r>', "unsafe_xml")
    put("entity_late.xml", _HEAD + b"<r>" + b" " * 5000 + b'<!ENTITY a "b"></r>', "unsafe_xml")
    xinclude = receipts.replace(
        "<returnInfo>[Code:2100;Desc:电子口岸已暂存]</returnInfo>",
        '<returnInfo><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/></returnInfo>',
    )
    put("xinclude_CEB622.xml", _own_lists(xinclude, "XINC").encode(), "processed")

    gbk = receipts.encode("gbk")
    put("gbk_declared_utf8.xml", gbk, "bad_encoding")
    # (UTF-16, with or without a byte-order mark, is detected and read: not hostile)
    put("latin1_bytes_declared_utf8.xml", whole.replace("放行".encode(), b"caf\xe9"), "bad_encoding")
    put("unknown_encoding.xml", receipts.replace('encoding="UTF-8"', 'encoding="klingon-8"').encode(), "bad_encoding")
    put("shift_jis_declared_utf8.xml", "<?xml version='1.0' encoding='UTF-8'?><r>ウィキ</r>".encode("shift_jis"),
        "bad_encoding")  # fmt: skip

    padding = b"<!-- " + b"." * (MAX_BYTES + 10) + b" -->"
    put("oversized_comment.xml", _HEAD + padding + whole[len(_HEAD) :], "too_large")
    put("oversized_zeros.xml", bytes(MAX_BYTES + 1), "too_large")
    put("oversized_text.xml", _HEAD + b"<r>" + b"9" * (4 * MAX_BYTES) + b"</r>", "too_large")

    put("type_CEB999.xml", _HEAD + b"<CEB999Message " + _NS + b"/>", "unknown_type")
    put("type_CEB311_order.xml", _HEAD + b"<CEB311Message " + _NS + b"><Order/></CEB311Message>", "unknown_type")
    put("type_other_namespace.xml", _HEAD + b'<CEB622Message xmlns="urn:not-customs"/>', "unknown_type")
    # no namespace at all is read leniently, so the empty receipt is what is wrong
    put("no_namespace_empty_receipt.xml", _HEAD + b"<CEB622Message><InventoryReturn/></CEB622Message>",
        "invalid_records")  # fmt: skip
    put("no_records_CEB622.xml", _HEAD + b"<CEB622Message " + _NS + b"></CEB622Message>", "no_records")
    put("deep_nesting.xml", _HEAD + b"<a>" * 30_000 + b"</a>" * 30_000, "malformed_xml")
    return expected, kept
