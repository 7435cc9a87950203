"""Posting to a chat group's robot (WeCom 企业微信, DingTalk 钉钉) or a generic
JSON webhook: the message formats, DingTalk's signature, retries with backoff.
The digest and the alert notifications both send through here."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from base.secrets import Lookup, SecretMissing, file_secret, resolve_secret


def robot_message(kind: str, title: str, text: str) -> dict:
    """The body a group robot takes: WeCom and DingTalk markdown, or a plain JSON object."""
    if kind == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": f"**{title}**\n{text}"}}
    if kind == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": title, "text": f"### {title}\n{text}"}}
    return {"title": title, "text": text}


def dingtalk_signed(url: str, secret: str, now_ms: int) -> str:
    """DingTalk's signed robot URL: timestamp and an HMAC-SHA256 of "timestamp\\nsecret"."""
    digest = hmac.new(secret.encode(), f"{now_ms}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode())
    return f"{url}{'&' if '?' in url else '?'}timestamp={now_ms}&sign={sign}"


@dataclass
class Webhook:
    url: str  # may hold ${NAME}, from the environment or secrets
    kind: str = "wecom"  # wecom | dingtalk | json
    secret: str = ""  # DingTalk's signing secret, may hold ${NAME}
    retries: int = 3
    post: Callable[..., httpx.Response] = httpx.post
    secrets: Lookup | None = file_secret
    sleep: Callable[[float], None] = time.sleep

    def send(self, title: str, text: str) -> tuple[int, str]:
        """Posts with retries and backoff; returns attempts and the last error ("" when delivered)."""
        body = robot_message(self.kind, title, text)
        try:
            url = resolve_secret(self.url, self.secrets)
            secret = resolve_secret(self.secret, self.secrets) if self.secret else ""
        except SecretMissing as e:
            return 0, f"webhook: {e}"
        error = ""
        for attempt in range(1, self.retries + 2):
            try:
                # a signature holds for an hour: sign each attempt afresh
                target = dingtalk_signed(url, secret, int(time.time() * 1000)) if secret else url
                r = self.post(target, json=body, timeout=10)
                answer = r.json() if r.headers.get("content-type", "").startswith("application/json") else {}
                if r.status_code == 200 and answer.get("errcode", 0) == 0:
                    return attempt, ""
                error = f"webhook answered {r.status_code}: {str(answer or r.text)[:200]}"
            except (httpx.HTTPError, ValueError) as e:
                error = f"webhook: {type(e).__name__}: {e}"
            if attempt <= self.retries:
                self.sleep(min(2.0 ** (attempt - 1), 30.0))
        return self.retries + 1, error
