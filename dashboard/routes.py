"""HTTP routes served beside the UI: /metrics, /healthz, the wall screens' live
event stream, the simulator's fault switches, the local API the `cbec` command
asks while the app holds the database, and the two that set and clear the
sign-in cookie; who may call each is decided in core/access/http.py."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import signal
import threading
import time
from dataclasses import fields
from datetime import date
from datetime import time as day_time
from pathlib import Path

import anyio
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from base.clock import now_beijing
from collectors.simulator.source import Faults, SimulatorSource
from core import exports, simulated, summary
from core import runtime as rt
from core.access import http, local_api, sessions
from core.access.guard import perform
from core.access.roles import Viewer
from core.access.tokens import TokenError
from core.report.export import PdfError
from dashboard import feed

# a stream ends after this long and the browser reconnects at once, so no
# stream lives forever; on SIGTERM or SIGINT every stream ends at once
STREAM_SECONDS = 30.0
PUSH_GAP_S = 0.25  # a wall gets at most four pushes a second
COMMIT_POLL_S = 0.05


class _Stopping:
    # a plain flag: a signal handler must not take a lock (a second signal
    # arriving inside Event.set() deadlocks the main thread)
    now = False


def end_streams_on_signal() -> None:
    """The server waits for open responses before it shuts down: chain onto its
    signal handlers so the event streams end first. Main thread only."""
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(sig)

        def handler(signum, frame, previous=previous):
            _Stopping.now = True
            if callable(previous):
                previous(signum, frame)

        signal.signal(sig, handler)


def _runtime_or_503():
    try:
        return rt.current(), None
    except RuntimeError as e:
        return None, JSONResponse({"status": "down", "error": str(e)}, status_code=503)


def _source(request: Request) -> str:
    try:
        return http.client_address(request, rt.current().config.access)
    except RuntimeError:
        return ""


async def metrics(request: Request) -> Response:
    runtime, err = _runtime_or_503()
    if err:
        return err
    refusal = http.metrics_refusal(request, runtime.config.access)
    if refusal:
        return JSONResponse({"error": refusal}, status_code=403)
    # off the event loop: a scrape reads the store, which a peak's batches keep busy, and every
    # page, wall stream and video file waits while the loop does
    return Response(await anyio.to_thread.run_sync(runtime.metrics_text), media_type=CONTENT_TYPE_LATEST)


async def healthz(request: Request) -> Response:
    runtime, err = _runtime_or_503()
    if err:
        return err
    body = await anyio.to_thread.run_sync(runtime.health)
    if http.metrics_refusal(request, runtime.config.access):
        body = {"status": body["status"]}  # anonymous: whether it is up, nothing about what runs inside
    return JSONResponse(body, status_code=200)


async def simulator_faults(request: Request) -> Response:
    """GET shows the switches; POST {"collector": "simulator", "source_stopped": true, ...} sets them."""
    runtime, err = _runtime_or_503()
    if err:
        return err
    refusal = http.write_refusal(request, runtime.config.access)
    if refusal:
        return JSONResponse({"error": refusal}, status_code=403)
    sims = {n: s for n, s in runtime.runner.sources().items() if isinstance(s, SimulatorSource)}
    if request.method == "POST":
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"error": "body must be JSON"}, status_code=400)
        if not isinstance(body, dict):
            return JSONResponse({"error": "body must be a JSON object"}, status_code=400)
        name = body.pop("collector", next(iter(sims), None))
        if name not in sims:
            return JSONResponse({"error": f"no simulator collector named {name!r}"}, status_code=404)
        known = {f.name for f in fields(Faults)}
        unknown = set(body) - known
        if unknown:
            return JSONResponse(
                {"error": f"unknown switch(es): {', '.join(sorted(unknown))}", "known": sorted(known)}, status_code=400
            )
        problem = sims[name].fault_problem(body)
        if problem:
            return JSONResponse({"error": problem}, status_code=400)
        api = Viewer("api", "ops", "api", _source(request))
        detail = json.dumps(body, sort_keys=True)
        # on record before it takes effect; off the event loop, which a busy store would stall
        await anyio.to_thread.run_sync(
            lambda: perform(runtime.store, api, "simulator.fault", f"collector:{name}", now_beijing(),
                            lambda con: None, detail=detail)
        )  # fmt: skip
        for k, v in body.items():
            setattr(sims[name].faults, k, v)
    return JSONResponse({n: s.faults.as_dict() for n, s in sims.items()})


async def _next_send(store, commits: int) -> None:
    """Waits until just after the second turns, or until the store commits a batch
    (at most `PUSH_GAP_S` after the last send): a file's figures need not wait
    for the next second."""
    turn = time.time() + 1.0 - time.time() % 1.0 + 0.05  # just after the next second turns
    await asyncio.sleep(PUSH_GAP_S)
    while time.time() < turn and store.commits == commits:
        await asyncio.sleep(min(COMMIT_POLL_S, max(0.0, turn - time.time())))


async def wall_events(request: Request) -> Response:
    """Server-sent events of one screen: its headline figures every second, its
    panels when they change."""
    runtime, err = _runtime_or_503()
    if err:
        return err
    screen = request.query_params.get("screen", "city")
    lang = "en" if request.query_params.get("lang") == "en" else "zh"
    if screen != "city" and screen not in {s.code for s in runtime.config.sites}:
        return JSONResponse({"error": f"unknown screen {screen!r}"}, status_code=404)
    metrics = runtime.metrics
    ticket = request.query_params.get("ticket", "")

    def allowed() -> bool:
        viewer = http.stream_viewer(
            runtime.store.reading, ticket, runtime.config.access, now_beijing(), _source(request)
        )
        return viewer is not None and http.may_stream(viewer, screen)

    if not await anyio.to_thread.run_sync(allowed):
        return JSONResponse({"error": "this screen needs a valid kiosk token or a signed-in page"}, status_code=401)
    recheck = runtime.config.wall.refresh_seconds

    async def stream():
        metrics.wall_streams.inc()
        try:
            yield b"retry: 1000\n\n"
            ends = time.monotonic() + STREAM_SECONDS
            checked = time.monotonic()
            sent = None
            while time.monotonic() < ends and not _Stopping.now and not await request.is_disconnected():
                if time.monotonic() - checked >= recheck:  # a revoked token stops within one refresh
                    checked = time.monotonic()
                    if not await anyio.to_thread.run_sync(allowed):
                        yield b"event: denied\ndata: {}\n\n"
                        return
                try:
                    commits = runtime.store.commits
                    chunk, sent = await anyio.to_thread.run_sync(feed.next_events, screen, lang, sent)
                except RuntimeError:  # the runtime stopped: end the stream, the browser retries
                    return
                metrics.wall_stream_bytes.inc(len(chunk))
                yield chunk
                await _next_send(runtime.store, commits)
            if time.monotonic() >= ends:
                yield b"retry: 50\n\n"  # a planned end: the browser is back at once, no figure waits a second
        finally:
            metrics.wall_streams.dec()

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


HLS_JS = Path(__file__).resolve().parent.parent / "assets" / "video" / "hls.light.min.js"
_SEGMENT = re.compile(r"^(index\.m3u8|init\.mp4|seg[0-9]{6}\.m4s)$")
VIEWER_CHECK_S = 5.0  # a viewer's right to a camera is checked at most this often (a player asks twice a second)
_video_allowed: dict[tuple[str, str], float] = {}


async def hls_js(request: Request) -> Response:
    """The player library (assets/video), served by the app itself: no page asks another site."""
    return FileResponse(HLS_JS, media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})


async def video_file(request: Request) -> Response:
    """/video/<site>/<camera>/<file>: a camera's HLS playlist or segment, read from the
    folder its ffmpeg writes, for the pages and wall tokens that may see the site's wall."""
    runtime, err = _runtime_or_503()
    if err:
        return err
    site, camera, name = (request.path_params[k] for k in ("site", "camera", "file"))
    ticket = request.query_params.get("ticket", "")
    key, now = (ticket, site), time.monotonic()
    if _video_allowed.get(key, 0.0) < now:

        def allowed() -> bool:
            viewer = http.stream_viewer(
                runtime.store.reading, ticket, runtime.config.access, now_beijing(), _source(request)
            )
            return viewer is not None and http.may_stream(viewer, site)

        if not await anyio.to_thread.run_sync(allowed):
            return JSONResponse({"error": "video needs a valid kiosk token or a signed-in page"}, status_code=401)
        if len(_video_allowed) > 1000:
            _video_allowed.clear()
        _video_allowed[key] = now + VIEWER_CHECK_S
    folder = runtime.video.folder(site, camera) if runtime.video else None
    if folder is None or not _SEGMENT.match(name):
        return JSONResponse({"error": "no such camera or file"}, status_code=404)
    try:  # read whole (a segment is about 100 KB): ffmpeg deletes old ones as it goes
        body = await anyio.Path(folder / name).read_bytes()
    except OSError:
        return JSONResponse({"error": "not there (yet or any more)"}, status_code=404)
    if name.endswith(".m3u8"):
        return Response(body, media_type="application/vnd.apple.mpegurl", headers={"Cache-Control": "no-store"})
    kind = "video/mp4" if name.endswith(".mp4") else "video/iso.segment"
    return Response(body, media_type=kind, headers={"Cache-Control": "private, max-age=60"})


def _local_or_refusal(request: Request):
    """The runtime for a call of the `cbec` command, or the answer refusing it."""
    runtime, err = _runtime_or_503()
    if err:
        return None, err
    refusal = http.local_refusal(request, runtime.config.access)
    if refusal:
        return None, JSONResponse({"error": refusal}, status_code=403)
    return runtime, None


def _window(request: Request) -> tuple[date, day_time | None]:
    """?date=YYYY-MM-DD&until=HH:MM as the command sends them (until left out: the whole day)."""
    q = request.query_params
    until = q.get("until")
    return date.fromisoformat(q.get("date", "")), day_time.fromisoformat(until) if until else None


async def local_summary(request: Request) -> Response:
    """`cbec summary`: the day's figures as core/summary.py gives them from the file."""
    runtime, err = _local_or_refusal(request)
    if err:
        return err
    try:
        day, until = _window(request)
    except ValueError:
        return JSONResponse({"error": "date must be YYYY-MM-DD and until HH:MM"}, status_code=400)

    def compute() -> dict:
        with runtime.store.reading() as con:
            return summary.day_summary(con, day, until, simulated.sources(runtime.config))

    return JSONResponse(await anyio.to_thread.run_sync(compute))


async def local_report(request: Request) -> Response:
    """`cbec report`: the report file (base64) and its summary sentence."""
    runtime, err = _local_or_refusal(request)
    if err:
        return err
    fmt, lang = request.query_params.get("format", ""), request.query_params.get("lang", "zh")
    try:
        day, until = _window(request)
    except ValueError:
        return JSONResponse({"error": "date must be YYYY-MM-DD and until HH:MM"}, status_code=400)
    if fmt not in summary.REPORT_FORMATS or lang not in ("zh", "en"):
        return JSONResponse({"error": f"format is one of {', '.join(summary.REPORT_FORMATS)}; lang zh or en"},
                            status_code=400)  # fmt: skip

    def make() -> tuple[bytes, str]:
        with runtime.store.reading() as con:
            return summary.day_report_file(con, runtime.config, day, until, now_beijing(), fmt, lang)

    try:
        data, sentence = await anyio.to_thread.run_sync(make)
    except PdfError as e:
        return JSONResponse({"error": str(e)}, status_code=500)
    return JSONResponse({"sentence": sentence, "data": base64.b64encode(data).decode("ascii")})


async def local_export(request: Request) -> Response:
    """`cbec export --parquet`: the running app writes the days from the file it holds."""
    runtime, err = _local_or_refusal(request)
    if err:
        return err
    try:
        body = await request.json()
        root, first, last = Path(body["dir"]), date.fromisoformat(body["from"]), date.fromisoformat(body["to"])
    except (ValueError, KeyError, TypeError):
        return JSONResponse({"error": "dir, from and to (YYYY-MM-DD) are needed"}, status_code=400)
    if not root.is_absolute() or first > last:
        return JSONResponse({"error": "dir must be an absolute path and from no later than to"}, status_code=400)

    def write() -> list[dict]:
        done = exports.write_range(runtime.store, root, runtime.config.district_code, first, last)
        return [{"date": w.day.isoformat(), "folder": str(w.folder), "rows": w.rows} for w in done]

    try:
        return JSONResponse({"days": await anyio.to_thread.run_sync(write)})
    except OSError as e:
        return JSONResponse({"error": f"cannot write {root}: {e.strerror}"}, status_code=500)


async def local_token(request: Request) -> Response:
    """`cbec token create|add|list|revoke`, acting as the command acts on the file (audited alike)."""
    runtime, err = _local_or_refusal(request)
    if err:
        return err
    try:
        body = await request.json()
        action, user = body["action"], str(body.get("user", ""))
        args = (str(body.get("name") or ""), str(body.get("screens") or "*"), str(body.get("id") or ""),
                "en" if body.get("lang") == "en" else "zh", str(body.get("token") or ""))  # fmt: skip
    except (ValueError, KeyError, TypeError, AttributeError):
        return JSONResponse({"error": "body must be a JSON object with an action"}, status_code=400)
    if action not in ("create", "add", "list", "revoke"):
        return JSONResponse({"error": f"no token action {action!r}"}, status_code=400)
    actor = local_api.cli_actor(user or None)

    def act() -> tuple[str, str]:
        return local_api.token_action(runtime.store, runtime.config, actor, now_beijing(), action, *args)

    try:
        out, err_text = await anyio.to_thread.run_sync(act)
    except TokenError as e:
        return JSONResponse({"error": str(e)}, status_code=400)
    return JSONResponse({"out": out, "err": err_text})


def _cookie_flags(request: Request, runtime) -> dict:
    # Strict: the pages read the cookie on their own websocket, a same-site request,
    # so a link from another site costs nothing and carries no session along
    secure = http.over_tls(request, runtime.config.access)
    return {"httponly": True, "samesite": "strict", "path": "/", "secure": secure}


async def session_start(request: Request) -> Response:
    """/auth/session?ticket=…&next=/page: swaps the sign-in form's one-use ticket for
    the session cookie, then opens the page asked for (a page of this site only)."""
    runtime, err = _runtime_or_503()
    if err:
        return err
    target = sessions.safe_next(request.query_params.get("next", "/"))
    response = RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})
    sid = sessions.redeem(request.query_params.get("ticket", ""), now_beijing())
    if sid is not None:  # else the page asks for the password again
        response.set_cookie(sessions.COOKIE, sessions.cookie_value(sid), **_cookie_flags(request, runtime))
    return response


async def session_end(request: Request) -> Response:
    """/auth/session/end: ends the session the cookie names and clears the cookie, then the sign-in form."""
    runtime, err = _runtime_or_503()
    if err:
        return err
    sid = sessions.session_id(request.cookies.get(sessions.COOKIE, ""))
    if sid is not None:
        sessions.end(sid)
    target = sessions.safe_next(request.query_params.get("next", "/"))
    response = RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})
    response.delete_cookie(sessions.COOKIE, **_cookie_flags(request, runtime))
    return response


def routes() -> list[Route]:
    return [
        Route("/metrics", metrics),
        Route("/healthz", healthz),
        Route("/api/wall/events", wall_events),
        Route("/video/hls.js", hls_js),
        Route("/video/{site}/{camera}/{file}", video_file),
        Route("/api/simulator/faults", simulator_faults, methods=["GET", "POST"]),
        Route("/api/local/summary", local_summary),
        Route("/api/local/report", local_report),
        Route("/api/local/token", local_token, methods=["POST"]),
        Route("/api/local/export", local_export, methods=["POST"]),
        Route("/auth/session", session_start),
        Route("/auth/session/end", session_end),
    ]
