"""The import contract (pyproject.toml [tool.importlinter]): layers point down, nothing
below the screens imports streamlit, no module cycles. A wrong arrow fails here."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).parent / "lint-imports"
PACKAGES = ("dashboard", "cbec", "core", "collectors", "queries", "base")


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _copy(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(ROOT / "pyproject.toml", tree)
    for p in PACKAGES:
        shutil.copytree(ROOT / p, tree / p, ignore=shutil.ignore_patterns("__pycache__", "*.sql", "*.md"))
    return tree


def test_the_project_keeps_its_import_contracts():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _breaks(tmp_path: Path, module: str, line: str, contract: str) -> None:
    tree = _copy(tmp_path)
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    result = _lint(tree)
    assert result.returncode != 0, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert contract in broken, result.stdout


def test_an_upward_import_fails(tmp_path):
    _breaks(tmp_path, "queries/read.py", "import core.runtime  # noqa", "Layers point down")


def test_streamlit_below_the_screens_fails(tmp_path):
    _breaks(tmp_path, "collectors/runner.py", "import streamlit  # noqa", "Nothing below the screens imports streamlit")


def test_a_module_cycle_fails(tmp_path):
    _breaks(tmp_path, "core/alerts/rules.py", "import core.alerts.engine  # noqa", "No module cycles")
