"""Keeps secrets that travel in addresses (kiosk tokens, stream tickets) and
URL passwords out of every log line."""

from __future__ import annotations

import logging
import re

from base import redact

_SECRET = re.compile(r"((?:token|ticket|api_key|access_token|password)=)[^&\s\"']+", re.I)
_KIOSK = re.compile(r"cbk_[0-9a-f]{10}_[A-Za-z0-9_-]+")


def scrub(text: str) -> str:
    return _KIOSK.sub("cbk_…", _SECRET.sub(r"\1…", redact.text(text)))


class TokenFilter(logging.Filter):
    """A handler filter: the record's final message, scrubbed."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = scrub(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True
