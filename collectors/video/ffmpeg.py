"""The ffmpeg command of one camera: its stream in, short HLS segments (fMP4) out.

The camera's credentials go into the input URL here and nowhere else: the
argument list is never logged, and every error shown is cut by `redact`."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from base import environment
from base.config import Camera, VideoConfig

PLAYLIST = "index.m3u8"
INIT = "init.mp4"
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


class NoCredentials(ValueError):
    """The camera names a credentials variable that is not set."""


def program(video: VideoConfig) -> str | None:
    """The ffmpeg program's path, or None when it is not installed."""
    return shutil.which(video.ffmpeg)


def source_url(camera: Camera) -> str:
    """The camera's URL with its credentials from the environment (for ffmpeg only)."""
    if not camera.credentials_env:
        return camera.url
    secret = environment.secret(camera.credentials_env)
    if not secret or ":" not in secret:
        raise NoCredentials(f"{camera.credentials_env} is not set (user:password)")
    user, _, password = secret.partition(":")
    parts = urlsplit(camera.url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _escape_filter(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'")


def _input(camera: Camera, video: VideoConfig, label_file: Path) -> list[str]:
    if camera.url.startswith("test:"):
        # a test pattern with the site's name and a clock burned in, at the frame rate of a camera
        text = (
            f"drawtext=fontfile='{_escape_filter(str(FONT))}':textfile='{_escape_filter(str(label_file))}'"
            ":expansion=normal:fontsize=h/11:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=8:x=(w-tw)/2:y=h*0.06"
        )
        graph = f"testsrc2=size={video.test_size}:rate={video.test_fps},{text}"
        return ["-re", "-f", "lavfi", "-i", graph]
    scheme = urlsplit(camera.url).scheme
    if scheme in ("rtsp", "rtsps"):
        # TCP survives NAT and loss; a silent server ends the read within 5 s, so the process exits and restarts
        opts = ["-rtsp_transport", "tcp", "-timeout", "5000000"]
    else:
        opts = ["-rw_timeout", "5000000"]
    return [*opts, "-fflags", "nobuffer", "-i", source_url(camera)]


def command(camera: Camera, video: VideoConfig, folder: Path, label_file: Path, exe: str) -> list[str]:
    """ffmpeg's argument list for one camera, writing into `folder`."""
    fps = video.test_fps if camera.url.startswith("test:") else 15
    if camera.transcode == "copy" and not camera.url.startswith("test:"):
        codec = ["-c:v", "copy"]
    else:
        gop = max(1, round(fps * video.segment_seconds))
        codec = [
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline",
            "-pix_fmt", "yuv420p", "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0",
            "-b:v", "600k", "-maxrate", "900k", "-bufsize", "600k",
        ]  # fmt: skip
        if not camera.url.startswith("test:"):
            codec += ["-r", str(fps), "-vf", "scale=-2:'min(720,ih)'"]
    return [
        exe, "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
        *_input(camera, video, label_file),
        "-an", *codec,
        "-f", "hls", "-hls_time", f"{video.segment_seconds:g}", "-hls_list_size", "6",
        "-hls_flags", "delete_segments+independent_segments+temp_file+omit_endlist",
        "-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", INIT,
        "-hls_segment_filename", str(folder / "seg%06d.m4s"),
        str(folder / PLAYLIST),
    ]  # fmt: skip
