"""The CEB inbox collector's options ([[collector]] kind = "ceb_inbox"; sample.toml beside this file)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InboxOptions:
    inbox: str = "var/inbox"  # relative to the project unless absolute
    max_file_bytes: int = 50 * 1024 * 1024
