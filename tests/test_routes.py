"""Who may reach the loopback-only routes."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from core.access.http import from_loopback


def request_from(host: str | None) -> Request:
    return Request(
        {"type": "http", "method": "POST", "path": "/", "headers": [], "client": (host, 5000) if host else None}
    )


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"])
def test_loopback_in_every_spelling_is_let_in(host):
    assert from_loopback(request_from(host))


@pytest.mark.parametrize("host", ["10.0.0.5", "::ffff:10.0.0.5", "2001:db8::1", "testclient", "", None])
def test_anything_else_is_kept_out(host):
    assert not from_loopback(request_from(host))
