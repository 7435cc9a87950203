"""The app behind Debian's nginx as deploy/nginx/cbec.conf ships it, over TLS
with a self-signed certificate: the pages' websocket and the walls' event
streams pass, a client's own X-Forwarded-For makes nobody local, query strings
stay out of nginx's logs, plain HTTP is sent to TLS, and a sign-in's cookie is
Secure there."""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, ROOT, free_port, running_app, screenshot

pytestmark = pytest.mark.browser

CONF = ROOT / "deploy" / "nginx" / "cbec.conf"
NAME = "cbec.example"  # the server_name the shipped file answers to
SECRET = "s3cret-in-the-query-0123456789"


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    assert found, "nginx is missing: scripts/ensure-system-packages installs it"
    return found


def outside_address() -> str:
    """An address of this machine that is not loopback: a client from it is not local."""
    candidates = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("203.0.113.1", 9))  # picks the route's source address; sends nothing
            candidates.append(s.getsockname()[0])
    except OSError:
        pass
    try:
        candidates += [a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    except OSError:
        pass
    for address in candidates:
        if not address.startswith("127.") and address != "0.0.0.0":
            return address
    raise AssertionError("this machine has no IPv4 address besides loopback to play a remote client from")


def self_signed(folder: Path, outside: str) -> tuple[Path, Path]:
    cert, key = folder / "cbec.pem", folder / "cbec.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", f"/CN={NAME}",
         "-addext", f"subjectAltName=DNS:{NAME},IP:127.0.0.1,IP:{outside}"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def substituted(text: str, old: str, new: str) -> str:
    assert old in text, f"{CONF.name} no longer has {old!r}; the test puts its own ports and paths there"
    return text.replace(old, new)


def templated(prefix: Path, *, tls: int, plain: int, app: int, outside: str, cert: Path, key: Path) -> str:
    """The shipped file with this test's ports, certificate and log folder; IPv4 only."""
    text = CONF.read_text(encoding="utf-8")
    for old, port in (("443 ssl http2", tls), ("80", plain)):
        rest = old.removeprefix(old.split()[0])
        text = substituted(text, f"    listen [::]:{old};\n", "")
        text = substituted(text, f"listen {old};", f"listen 127.0.0.1:{port}{rest}; listen {outside}:{port}{rest};")
    text = substituted(text, "server 127.0.0.1:8501;", f"server 127.0.0.1:{app};")
    text = substituted(text, "/etc/ssl/certs/cbec.pem", str(cert))
    text = substituted(text, "/etc/ssl/private/cbec.key", str(key))
    return substituted(text, "/var/log/nginx/", f"{prefix}/logs/")


@contextmanager
def running_nginx(prefix: Path, site: str, tls: int, timeout: float = 30.0):
    """nginx on unprivileged ports from a folder of its own, the site included in
    an http block like Debian's nginx.conf (mime types, gzip on)."""
    for sub in ("logs", "tmp"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    (prefix / "cbec.conf").write_text(site, encoding="utf-8")
    user = ""
    if os.geteuid() == 0:  # workers would otherwise run as nobody, shut out of this folder
        user = f"user {pwd.getpwuid(os.getuid()).pw_name} {grp.getgrgid(os.getgid()).gr_name};"
    temp = " ".join(
        f"{kind}_temp_path {prefix}/tmp/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (prefix / "nginx.conf").write_text(
        f"{user}\nerror_log {prefix}/logs/error.log;\nevents {{ worker_connections 256; }}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"  gzip on;\n  {temp}\n  include {prefix}/cbec.conf;\n}}\n",
        encoding="utf-8",
    )
    out = open(prefix / "nginx.out", "wb")
    proc = subprocess.Popen(
        [nginx_binary(), "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
         "-g", f"daemon off; pid {prefix}/nginx.pid;"],
        stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"nginx exited with {proc.returncode}: {(prefix / 'nginx.out').read_text()}")
            try:
                if httpx.get(f"https://127.0.0.1:{tls}/healthz", verify=False, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"nginx did not pass /healthz on in time: {(prefix / 'nginx.out').read_text()}")
            time.sleep(0.2)
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGQUIT)  # graceful: lets open streams finish their log lines
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        out.close()


@contextmanager
def behind_nginx(folder: Path, env: dict | None = None):
    """The app on loopback with nginx in front: yields (TLS port, plain port, outside address, log folder, app port)."""
    outside = outside_address()
    cert, key = self_signed(folder, outside)
    config = (ROOT / "assets" / "config" / "cbec.toml").read_text(encoding="utf-8")
    config = substituted(config, "[access]\n", '[access]\ntrusted_proxies = ["127.0.0.1"]\n')
    config = config.replace("history_days = 30", "history_days = 1")  # a quicker start; nothing here reads history
    (folder / "cbec.toml").write_text(config, encoding="utf-8")
    env = {"CBEC_CONFIG": str(folder / "cbec.toml"), "STREAMLIT_SERVER_ADDRESS": "127.0.0.1", **(env or {})}
    app = free_port()
    with running_app(folder / "tls.duckdb", env=env, port=app):
        tls, plain = free_port(), free_port()
        site = templated(folder / "nginx", tls=tls, plain=plain, app=app, outside=outside, cert=cert, key=key)
        with running_nginx(folder / "nginx", site, tls):
            yield tls, plain, outside, folder / "nginx" / "logs", app


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    with behind_nginx(tmp_path_factory.mktemp("tls")) as ports:
        yield ports


def released(page) -> int:
    sub = page.locator('[data-testid="released-today"] .sub').first.inner_text(timeout=60_000)
    return int(re.sub(r"\D", "", sub.split()[0]))


def test_a_page_and_a_wall_come_alive_in_chromium_through_the_proxy(proxy):
    from playwright.sync_api import sync_playwright

    tls = proxy[0]
    base = f"https://{NAME}:{tls}"  # a name of its own, so the websocket's Origin check meets the forwarded Host
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {NAME} 127.0.0.1"]
        )
        try:
            context = browser.new_context(ignore_https_errors=True, viewport={"width": 1920, "height": 1080})
            page = context.new_page()
            sockets, frames = [], []

            def opened(ws):
                sockets.append(ws.url)
                ws.on("framereceived", lambda payload: frames.append(len(payload)))

            page.on("websocket", opened)
            page.goto(base)
            page.wait_for_selector('[data-testid="released-today"]', timeout=60_000)
            assert sockets and all(url.startswith(f"wss://{NAME}:{tls}/") for url in sockets), sockets
            assert frames, "the page rendered without its websocket"
            # the figure moves on (it grows, or starts again at midnight): the websocket carries each rerun
            first = released(page)
            deadline = time.monotonic() + 30
            while released(page) == first and time.monotonic() < deadline:
                time.sleep(0.5)
            assert released(page) != first, "the released-lists figure stood still behind the proxy"
            screenshot(page, "overview-through-tls-proxy")

            wall = context.new_page()
            streams = []
            wall.on("request", lambda r: streams.append(r.url) if "/api/wall/events" in r.url else None)
            wall.goto(f"{base}/wall?kiosk=1&screen=city")
            # the headline figures come only through the event stream
            wall.wait_for_selector('[data-testid="wall-released"] .v:not(:empty)', timeout=60_000)
            assert streams and streams[0].startswith(f"{base}/api/wall/events"), streams
            screenshot(wall, "wall-city-through-tls-proxy")
        finally:
            browser.close()


def test_a_wall_event_stream_arrives_event_by_event(proxy):
    tls = proxy[0]
    url = f"https://127.0.0.1:{tls}/api/wall/events?screen=city&lang=en"
    arrivals = []
    with httpx.Client(verify=False, timeout=httpx.Timeout(10, read=10)) as client:
        opened = time.monotonic()
        with client.stream("GET", url) as r:
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
            for line in r.iter_lines():
                if line.startswith("data:"):
                    arrivals.append(time.monotonic() - opened)
                    if arrivals[-1] - arrivals[0] > 3.5:
                        break
    assert arrivals[0] < 5, f"the first event took {arrivals[0]:.1f} s"
    # one event a second, each as it is sent: a buffering proxy would hand them over together, late
    seconds = {round(t - arrivals[0]) for t in arrivals}
    assert len(seconds) >= 4, arrivals


def test_a_clients_own_forwarded_for_makes_nobody_local(proxy):
    tls, _, outside, _, app = proxy
    with pytest.raises(httpx.ConnectError):  # nobody reaches the app around the proxy
        httpx.get(f"http://{outside}:{app}/healthz", timeout=10)
    spoof = {"X-Forwarded-For": "127.0.0.1", "Forwarded": "for=127.0.0.1"}
    transport = httpx.HTTPTransport(local_address=outside, verify=False)
    with httpx.Client(transport=transport, verify=False, timeout=10) as remote:
        refused = remote.get(f"https://{outside}:{tls}/metrics", headers=spoof)
        assert refused.status_code == 403, refused.text
        health = remote.get(f"https://{outside}:{tls}/healthz", headers=spoof)
        assert health.status_code == 200 and set(health.json()) == {"status"}
        faults = remote.post(f"https://{outside}:{tls}/api/simulator/faults", headers=spoof, json={})
        assert faults.status_code == 403, "the demo's drills are for loopback only"
    # a browser on the proxy's own host is local: the configured proxy's forwarded client counts
    local = httpx.get(f"https://127.0.0.1:{tls}/metrics", verify=False, timeout=10)
    assert local.status_code == 200 and "cbec_released_lists" in local.text


def test_query_strings_stay_out_of_nginxs_logs(proxy):
    tls, _, outside, logs, _ = proxy
    access = logs / "cbec.access.log"
    stream_line = '"GET /api/wall/events HTTP/1.1" 200 '
    streams = access.read_text().count(stream_line)
    with httpx.Client(verify=False, timeout=10) as client:
        client.get(f"https://127.0.0.1:{tls}/healthz?token={SECRET}")
        client.get(f"https://127.0.0.1:{tls}/wall?kiosk=1&screen=city&token={SECRET}")
        with client.stream("GET", f"https://127.0.0.1:{tls}/api/wall/events?screen=city&ticket={SECRET}") as r:
            next(r.iter_lines())
    with httpx.Client(transport=httpx.HTTPTransport(local_address=outside, verify=False), timeout=10) as remote:
        remote.get(f"https://{outside}:{tls}/metrics?token={SECRET}")

    def logged(text: str) -> list[bool]:
        return [
            text.count(stream_line) > streams,
            bool(re.search(r'"GET /healthz HTTP/1\.1" 200 ', text)),
            bool(re.search(rf'^{re.escape(outside)} .*"GET /metrics HTTP/1\.1" 403 ', text, re.M)),
        ]

    deadline = time.monotonic() + 20  # a line is written as nginx finishes its request, a stream's once it closes
    while not all(logged(access.read_text())) and time.monotonic() < deadline:
        time.sleep(0.2)
    text = access.read_text()
    assert all(logged(text)), (logged(text), text[-2000:])
    for log in logs.iterdir():
        assert SECRET not in log.read_text(errors="replace"), log.name


def test_plain_http_is_sent_to_tls(proxy):
    tls, plain, *_ = proxy
    to_tls_port = httpx.get(f"http://127.0.0.1:{tls}/wall?kiosk=1", timeout=10)
    assert to_tls_port.status_code == 301
    assert to_tls_port.headers["location"] == f"https://127.0.0.1:{tls}/wall?kiosk=1"
    to_plain_port = httpx.get(f"http://127.0.0.1:{plain}/wall", timeout=10, headers={"Host": NAME})
    assert to_plain_port.status_code == 301 and to_plain_port.headers["location"] == f"https://{NAME}/wall"
    secure = httpx.get(f"https://127.0.0.1:{tls}/healthz", verify=False, timeout=10)
    assert secure.headers["strict-transport-security"] == "max-age=31536000"
    assert secure.headers["x-frame-options"] == "SAMEORIGIN"
    assert "nginx/" not in secure.headers.get("server", "")


PASSWORD = "night-shift-2026"


def test_a_sign_in_through_the_proxy_keeps_a_secure_cookie_and_its_page(tmp_path):
    from playwright.sync_api import sync_playwright

    db = tmp_path / "tls.duckdb"
    subprocess.run(
        [sys.executable, "-m", "cbec.cli", "user", "add", "li-admin", "--role", "admin", "--password-stdin",
         "--db", str(db)],
        input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    with behind_nginx(tmp_path, {"CBEC_ACCESS": "signin"}) as (tls, *_):
        base = f"https://{NAME}:{tls}"
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {NAME} 127.0.0.1"]
            )
            try:
                context = browser.new_context(ignore_https_errors=True, viewport={"width": 1600, "height": 1000})
                page = context.new_page()
                page.goto(f"{base}/warehouses")
                page.get_by_label("账号").wait_for(timeout=60_000)
                page.get_by_label("账号").fill("li-admin")
                page.get_by_label("密码").fill(PASSWORD)
                page.get_by_role("button", name="登录", exact=True).click()
                page.get_by_role("heading", name="仓库库容").wait_for(timeout=60_000)
                assert page.url == f"{base}/warehouses"
                cookie = next(c for c in context.cookies() if c["name"] == "cbec_session")
                assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
                page.reload()
                page.get_by_role("heading", name="仓库库容").wait_for(timeout=60_000)
                assert not page.get_by_role("button", name="登录", exact=True).count()
                page.wait_for_timeout(2000)  # the table draws on a canvas
                screenshot(page, "signin-through-tls-proxy")
            finally:
                browser.close()
