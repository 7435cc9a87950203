"""Customs return statuses (returnStatus, DOMAIN.md) grouped into the classes
that metrics, screens and reports count by."""

from __future__ import annotations

RECEIPT_CLASSES = {
    800: "released",
    899: "cleared",
    120: "accepted",
    2: "declared",
    3: "declared",
    300: "manual_review",
    500: "inspection",
    501: "held",
    502: "held",
    503: "held",
    599: "held",
    700: "returned",
    100: "rejected",
    4: "send_failed",
}


RECEIPT_CLASS_NAMES = (*sorted(set(RECEIPT_CLASSES.values())), "processing_error", "other")


def receipt_class(status: int) -> str:
    if status < 0:
        return "processing_error"
    return RECEIPT_CLASSES.get(status, "other")


def codes(cls: str) -> tuple[int, ...]:
    """The statuses of one class: codes("held") is (501, 502, 503, 599)."""
    return tuple(sorted(code for code, c in RECEIPT_CLASSES.items() if c == cls))
