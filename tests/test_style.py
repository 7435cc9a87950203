"""The code stays as ruff (configured in pyproject.toml) wants it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_lint():
    out = ruff("check", ".")
    assert out.returncode == 0, out.stdout + out.stderr


def test_format():
    out = ruff("format", "--check", ".")
    assert out.returncode == 0, out.stdout + out.stderr
