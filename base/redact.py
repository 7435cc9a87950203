"""URLs made fit for an error message, a log line, /healthz or a screen: a URL
may carry a password (user:password@host) or a token in its query string, so
only its scheme, host, port and path are ever shown."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>]+")


def url(u: str) -> str:
    """scheme://host[:port]/path, without user, password, query or fragment."""
    try:
        parts = urlsplit(str(u))
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<url>"
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}{port}{parts.path}"


def text(s: str) -> str:
    """The text with every URL in it cut down as url() does."""
    return _URL.sub(lambda m: url(m.group(0)), s)
