"""Pulls records from an HTTP endpoint that answers JSON, such as a warehouse
management system's occupancy API or a logistics system's site figures
(record = "site_measure": site, measure, value and time per item).

The response is mapped to records by a declared mapping (where the items are,
which item field feeds which record field), pages are followed, and every item
of every page is validated before anything is written: a response that does not
match is reported with the field at fault and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from base import redact
from base.clock import BEIJING, now_beijing
from base.secrets import Lookup, file_secret, resolve_secret
from collectors.records import SCHEMAS, make_batch, measure_problem
from collectors.sinks import Sink
from collectors.source import Collected


class MappingError(ValueError):
    """The response does not match the declared mapping; says where and why."""


def dig(doc: Any, path: str) -> Any:
    """Follows a dotted path ("data.items", "links.next"); an empty path is the document."""
    if not path:
        return doc
    for part in path.split("."):
        if isinstance(doc, dict) and part in doc:
            doc = doc[part]
        elif isinstance(doc, list) and part.isdigit() and int(part) < len(doc):
            doc = doc[int(part)]
        else:
            raise KeyError(path)
    return doc


def parse_time(value: Any) -> datetime:
    """ISO 8601 (a zone converts to Beijing time; none means Beijing) or Unix seconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, BEIJING).replace(tzinfo=None)
    if isinstance(value, str):
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return t.astimezone(BEIJING).replace(tzinfo=None) if t.tzinfo else t
    raise ValueError(f"{value!r} is not a time")


def _same_origin(a: str, b: str) -> bool:
    ua, ub = httpx.URL(a), httpx.URL(b)
    return (ua.scheme, ua.host, ua.port) == (ub.scheme, ub.host, ub.port)


@dataclass
class HttpJsonSource:
    name: str
    url: str
    kind: str  # a record kind, e.g. "occupancy"
    fields: dict[str, str]  # record field -> item field (dotted path)
    items_path: str = ""  # where the list of items is in the response
    next_path: str | None = None  # where the next page's URL is (absent/null ends)
    headers: dict[str, str] = field(default_factory=dict)
    timeout_s: float = 5.0
    max_pages: int = 100
    constants: dict[str, Any] = field(default_factory=dict)  # record fields with a fixed value
    clock: Callable[[], datetime] = now_beijing
    secrets: Lookup | None = file_secret

    def __post_init__(self) -> None:
        if self.kind not in SCHEMAS:
            raise ValueError(f"{self.name}: unknown record kind {self.kind!r}")
        wanted = {f.name for f in SCHEMAS[self.kind] if not f.nullable}
        missing = wanted - set(self.fields) - set(self.constants) - {"sampled_at"}
        if missing:
            raise ValueError(f"{self.name}: the mapping gives no value for {', '.join(sorted(missing))}")

    def collect(self, sink: Sink) -> Collected:
        fetched_at = self.clock()
        rows = [self._record(item, page, i, fetched_at) for page, i, item in self._items()]
        if not rows:
            return Collected(0, "the endpoint returned no items")
        columns = {k: [r[k] for r in rows] for k in rows[0]}
        result = sink.write(make_batch(self.kind, columns, self.name))
        return Collected(result.new, "" if result.new else "nothing new")

    def _items(self):
        headers = {k: resolve_secret(v, self.secrets) for k, v in self.headers.items()}
        url: str | None = self.url
        pages = 0
        with httpx.Client(timeout=self.timeout_s, headers=headers, follow_redirects=False) as client:
            while url and pages < self.max_pages:
                pages += 1
                response = client.get(url)
                if response.status_code != 200:
                    raise MappingError(f"page {pages}: HTTP {response.status_code} from {redact.url(url)}")
                try:
                    doc = response.json()
                except ValueError as e:
                    raise MappingError(f"page {pages}: the response is not JSON ({e})") from None
                try:
                    items = dig(doc, self.items_path)
                except KeyError:
                    raise MappingError(f"page {pages}: no '{self.items_path}' in the response") from None
                if not isinstance(items, list):
                    raise MappingError(f"page {pages}: '{self.items_path}' is not a list")
                for i, item in enumerate(items, 1):
                    yield pages, i, item
                url = None
                if self.next_path:
                    try:
                        nxt = dig(doc, self.next_path)
                    except KeyError:
                        nxt = None
                    url = str(httpx.URL(self.url).join(nxt)) if nxt else None
                    if url and not _same_origin(url, self.url):
                        # its headers carry our credentials: never sent to another host
                        raise MappingError(f"page {pages}: the next link leads to another origin; not followed")

    def _record(self, item: Any, page: int, i: int, fetched_at: datetime) -> dict:
        where = f"page {page} item {i}"
        if not isinstance(item, dict):
            raise MappingError(f"{where}: an item is not an object")
        schema = SCHEMAS[self.kind]
        out: dict[str, Any] = dict(self.constants)
        for target, path in self.fields.items():
            try:
                value = dig(item, path)
            except KeyError:
                raise MappingError(f"{where}: field '{path}' (for {target}) is missing") from None
            ftype = schema.field(target).type
            try:
                if str(ftype).startswith("timestamp"):
                    value = parse_time(value)
                elif str(ftype) in ("double", "float"):
                    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                        raise ValueError
                    value = float(value)
                elif str(ftype) == "string":
                    if not isinstance(value, (str, int)) or value == "":
                        raise ValueError
                    value = str(value)
            except ValueError:
                raise MappingError(f"{where}: field '{path}' (for {target}) = {value!r} is not a {ftype}") from None
            out[target] = value
        if "sampled_at" in {f.name for f in schema} and "sampled_at" not in out:
            out["sampled_at"] = fetched_at
        if self.kind == "occupancy":
            ratio = out.get("occupancy_ratio")
            if ratio is not None and not 0 <= ratio <= 1.5:
                raise MappingError(
                    f"{where}: field '{self.fields.get('occupancy_ratio')}' "
                    f"(for occupancy_ratio) = {ratio} is outside 0..1.5"
                )
        if self.kind == "site_measure":
            problem = measure_problem(out.get("measure"), out.get("value"))
            if problem:
                raise MappingError(
                    f"{where}: fields '{self.fields.get('measure', 'measure')}' and "
                    f"'{self.fields.get('value', 'value')}' (for measure and value): {problem}"
                )
        return out
