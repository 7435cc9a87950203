"""Source kinds by name: config says `kind = "..."`, this builds the source."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from base import environment
from base.config import ROOT, CollectorConfig, Config
from collectors.simulator.source import SimulatorSource
from collectors.source import Source

Factory = Callable[[Config, CollectorConfig], Source]


def _simulator(config: Config, c: CollectorConfig) -> Source:
    mode = environment.get("CBEC_SIM_MODE") or c.options.get("mode", "live")
    replay_day = environment.get("CBEC_SIM_DAY") or c.options.get("replay_day")
    return SimulatorSource(
        name=c.name,
        config=config,
        mode=mode,
        replay_day=date.fromisoformat(replay_day) if replay_day else None,
        speed=float(environment.get("CBEC_SIM_SPEED") or c.options.get("speed", 1.0)),
        backfill=bool(c.options.get("backfill", True)),
        xml_inbox=(ROOT / c.options["xml_inbox"]) if c.options.get("xml_inbox") else None,
    )


def _ceb_inbox(config: Config, c: CollectorConfig) -> Source:
    from collectors.ceb.inbox import InboxSource

    inbox = Path(c.options.get("inbox", "var/inbox"))
    return InboxSource(
        name=c.name,
        inbox=inbox if inbox.is_absolute() else ROOT / inbox,
        category_for_hs=config.category_for_hs,
        max_bytes=int(c.options.get("max_file_bytes", 50 * 1024 * 1024)),
    )


def _http_json(config: Config, c: CollectorConfig) -> Source:
    from collectors.http_json.source import HttpJsonSource

    o = c.options
    return HttpJsonSource(
        name=c.name,
        url=o["url"],
        kind=o.get("record", "occupancy"),
        fields=dict(o["fields"]),
        items_path=o.get("items", ""),
        next_path=o.get("next"),
        headers=dict(o.get("headers", {})),
        timeout_s=c.timeout_seconds,
        max_pages=int(o.get("max_pages", 100)),
        constants=dict(o.get("constants", {})),
    )


def _prometheus_scrape(config: Config, c: CollectorConfig) -> Source:
    from collectors.prometheus_scrape.source import PrometheusScrapeSource, Target

    targets = [
        Target(
            url=t["url"],
            site=t["site"],
            component=t["component"],
            kind=t.get("kind", "link"),
            device=t.get("device"),
            capacity_bps=float(t.get("capacity_bps", 100e6)),
            series=dict(t.get("series", {})),
        )
        for t in c.options.get("targets", [])
    ]
    if not targets:
        raise ValueError(f"collector {c.name}: give at least one [[collector.targets]]")
    return PrometheusScrapeSource(name=c.name, targets=targets, timeout_s=c.timeout_seconds)


def _prometheus_api(config: Config, c: CollectorConfig) -> Source:
    from collectors.prometheus_scrape.api import PrometheusApiSource, Query

    queries = [
        Query(
            expr=q["expr"],
            site=q["site"],
            kind=q.get("kind", "host"),
            metric=q.get("metric", "up"),
            component_label=q.get("component_label", "instance"),
            component=q.get("component"),
        )
        for q in c.options.get("queries", [])
    ]
    if not queries:
        raise ValueError(f"collector {c.name}: give at least one [[collector.queries]]")
    return PrometheusApiSource(name=c.name, base_url=c.options["url"], queries=queries, timeout_s=c.timeout_seconds)


KINDS: dict[str, Factory] = {
    "prometheus_api": _prometheus_api,
    "simulator": _simulator,
    "ceb_inbox": _ceb_inbox,
    "http_json": _http_json,
    "prometheus_scrape": _prometheus_scrape,
}


def build(config: Config, c: CollectorConfig) -> Source:
    try:
        factory = KINDS[c.kind]
    except KeyError:
        raise ValueError(f"collector {c.name}: unknown kind {c.kind!r} (known: {', '.join(KINDS)})") from None
    return factory(config, c)
