"""The CEB inbox collector's options ([[collector]] kind = "ceb_inbox"; sample.toml beside this file)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InboxOptions:
    inbox: str = "var/inbox"  # relative to the project unless absolute
    max_file_bytes: int = 50 * 1024 * 1024
    quarantine_keep_days: int = 30  # a set-aside original and its sidecar, then purged
    archive_keep_days: int = 90  # a processed/ day folder of redacted copies, then purged
    read_in_second_process: bool = True  # a large run's files are parsed beside the writer (reading.py)

    def __post_init__(self) -> None:
        if not isinstance(self.read_in_second_process, bool):
            raise ValueError("read_in_second_process must be true or false")
        for name in ("quarantine_keep_days", "archive_keep_days"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a whole number of days, at least 1")
