"""The HTTP JSON collector's options ([[collector]] kind = "http_json"; sample.toml beside this file)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class HttpJsonOptions:
    url: str
    fields: dict[str, str]  # record field -> dotted path in each item
    record: str = "occupancy"  # the record kind each item becomes
    items: str = ""  # dotted path to the list of items; "" when the document is the list
    next: str | None = None  # dotted path to the next page's URL
    headers: dict[str, str] = field(default_factory=dict)  # may hold ${NAME}
    max_pages: int = 100
    constants: dict[str, object] = field(default_factory=dict)  # record fields the API does not carry
