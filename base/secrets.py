"""Secrets named in configuration as ${NAME}: from the environment first, then
from .streamlit/secrets.toml (the file Streamlit's st.secrets reads, read here
without Streamlit so that no layer below the screens imports it)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path

from base import environment

Lookup = Callable[[str], str | None]

_REF = re.compile(r"\$\{([A-Z0-9_]+)\}")
SECRETS_FILE = Path(__file__).resolve().parent.parent / ".streamlit" / "secrets.toml"


class SecretMissing(ValueError):
    """A ${NAME} that neither the environment nor the secrets file holds."""


def file_secret(name: str, path: Path = SECRETS_FILE) -> str | None:
    """A top-level string of the secrets file, or None (no file, no key, unreadable)."""
    try:
        value = tomllib.loads(path.read_text(encoding="utf-8")).get(name)
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return value if isinstance(value, str) else None


def resolve_secret(value: str, secrets: Lookup | None = file_secret) -> str:
    """Replaces each ${NAME} with the environment variable NAME, else the secret of that name."""

    def sub(m: re.Match) -> str:
        name = m.group(1)
        found = environment.secret(name)
        if found is None and secrets is not None:
            found = secrets(name)
        if found is None:
            raise SecretMissing(f"${{{name}}} is set neither in the environment nor in secrets")
        return found

    return _REF.sub(sub, value)
