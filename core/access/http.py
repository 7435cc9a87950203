"""Who may call the app's own HTTP endpoints.

/healthz tells anyone whether the app is up, and its detail only to callers who
may read /metrics. /metrics answers loopback, and elsewhere a bearer token when
one is configured. Write endpoints need the API bearer token; the open demo
also lets loopback write (its drills). The wall's event stream follows the
page: open in the demo, else a stream ticket or a kiosk token. The local API
of the `cbec` command answers loopback only, with the key of the app's run
file (core/access/local_api.py), in every access mode."""

from __future__ import annotations

import hmac
import ipaddress
from datetime import datetime

from starlette.requests import Request

from base.config import AccessConfig
from base.secrets import Lookup, SecretMissing, file_secret, resolve_secret
from core.access import local_api, standing, tickets, tokens
from core.access.roles import KIOSK, Viewer, may_open


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped else ip


_PLAIN = AccessConfig()  # no proxies configured


def client_address(request: Request, access: AccessConfig = _PLAIN) -> str:
    """The client's address: the peer's, or, when the peer is a configured
    proxy, the nearest address in X-Forwarded-For that is not one. A forwarded
    request from a proxy nobody configured has no address we can trust ("")."""
    peer = _ip(request.client.host) if request.client else None
    if peer is None:
        return ""
    proxies = [ipaddress.ip_network(p) for p in access.trusted_proxies]
    forwarded = [a for h in request.headers.getlist("x-forwarded-for") for a in h.split(",")]
    if not any(peer in n for n in proxies):
        # a proxy on this host would make every client look local: not believed, not local
        return "" if (forwarded or "forwarded" in request.headers) and peer.is_loopback else str(peer)
    chain = [_ip(text) for text in forwarded]
    if None in chain:
        return ""
    for ip in reversed(chain):
        if not any(ip in n for n in proxies):
            return str(ip)
    return str(chain[0] if chain else peer)  # proxies all the way: the first one asked


def over_tls(request: Request, access: AccessConfig = _PLAIN) -> bool:
    """Whether the browser reached us over TLS: directly, or through a configured
    proxy that says so in X-Forwarded-Proto (anybody else's header is not believed)."""
    if request.url.scheme in ("https", "wss"):
        return True
    peer = _ip(request.client.host) if request.client else None
    if peer is None or not any(peer in ipaddress.ip_network(p) for p in access.trusted_proxies):
        return False
    said = request.headers.get("x-forwarded-proto", "").split(",")
    return said[-1].strip().lower() == "https"  # the nearest proxy's word


def from_loopback(request: Request, access: AccessConfig = _PLAIN) -> bool:
    """True for 127.0.0.0/8 and ::1 (also as the IPv4-mapped ::ffff:127.0.0.1
    a dual-stack listener reports), for the client behind any trusted proxy."""
    ip = _ip(client_address(request, access))
    return ip is not None and ip.is_loopback


def _bearer(request: Request, configured: str, secrets: Lookup | None) -> bool | None:
    """True or False for the request's bearer token against the configured one; None when none is configured."""
    if not configured:
        return None
    try:
        expected = resolve_secret(configured, secrets)
    except SecretMissing:
        return False  # configured but not set: nobody gets in with a token
    given = request.headers.get("authorization", "")
    return bool(expected) and hmac.compare_digest(given.encode(), f"Bearer {expected}".encode())


def metrics_refusal(request: Request, access: AccessConfig, secrets: Lookup | None = file_secret) -> str | None:
    """Why /metrics is refused to this request (None when it may read it)."""
    if from_loopback(request, access):
        return None
    ok = _bearer(request, access.metrics_token, secrets)
    if ok:
        return None
    if ok is None:
        return "/metrics answers loopback only; set access.metrics_token for a scraper elsewhere"
    return "/metrics needs the configured bearer token"


def write_refusal(request: Request, access: AccessConfig, secrets: Lookup | None = file_secret) -> str | None:
    """Why a write endpoint is refused to this request (None when it may write)."""
    ok = _bearer(request, access.api_token, secrets)
    if ok:
        return None
    if access.mode == "demo" and from_loopback(request, access) and ok is None:
        return None
    if ok is None:
        return "write endpoints need access.api_token configured and sent as a bearer token"
    return "write endpoints need the configured bearer token"


def local_refusal(request: Request, access: AccessConfig) -> str | None:
    """Why the `cbec` command's local API is refused to this request (None when it may ask)."""
    if not from_loopback(request, access):
        return "the local API answers this machine only"
    if not local_api.key_matches(request.headers.get(local_api.HEADER, "")):
        return "the local API needs the key of the app's run file"
    return None


def stream_viewer(con_factory, ticket: str, access: AccessConfig, now: datetime, source: str) -> Viewer | None:
    """Who opened a wall stream, or None when nobody may."""
    if access.mode == "demo":
        return Viewer("demo", "admin", "demo", source)
    if ticket.startswith(tokens.PREFIX):
        with con_factory() as con:
            return tokens.viewer_for(con, ticket, source)
    viewer = tickets.read(ticket, now)
    if viewer is None:
        return None
    with con_factory() as con:  # the account as it stands now, at every check of the stream
        viewer = standing.refreshed(con, viewer)
    return viewer if viewer and may_open(viewer.role, "wall") else None


def may_stream(viewer: Viewer, screen: str) -> bool:
    if viewer.role == KIOSK:
        return "*" in viewer.screens or screen in viewer.screens
    return may_open(viewer.role, "wall")
