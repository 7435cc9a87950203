"""Source kinds by name: config says `kind = "..."`, this builds the source from the
kind's options dataclass (unknown or missing keys are a ConfigError naming them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from pathlib import Path

from base import environment
from base.config import ROOT, CollectorConfig, Config, ConfigError, options
from collectors.broker.options import BrokerOptions
from collectors.ceb.options import InboxOptions
from collectors.http_json.options import HttpJsonOptions
from collectors.prometheus_scrape.options import ApiOptions, ScrapeOptions
from collectors.simulator.options import SimulatorOptions
from collectors.simulator.source import SimulatorSource
from collectors.source import Source

Factory = Callable[[Config, CollectorConfig], Source]


def _path(text: str) -> Path:
    p = Path(text)
    return p if p.is_absolute() else ROOT / p


def _simulator(config: Config, c: CollectorConfig) -> Source:
    o = options(SimulatorOptions, c.options, c.where)
    replay_day = environment.get("CBEC_SIM_DAY") or o.replay_day
    return SimulatorSource(
        name=c.name,
        config=config,
        mode=environment.get("CBEC_SIM_MODE") or o.mode,
        replay_day=date.fromisoformat(replay_day) if replay_day else None,
        speed=float(environment.get("CBEC_SIM_SPEED") or o.speed),
        backfill=o.backfill,
        xml_inbox=_path(o.xml_inbox) if o.xml_inbox else None,
        xml_broker=o.xml_broker,
        xml_exchange=o.xml_exchange,
    )


def _ceb_inbox(config: Config, c: CollectorConfig) -> Source:
    from collectors.ceb.inbox import InboxSource

    o = options(InboxOptions, c.options, c.where)
    return InboxSource(
        name=c.name,
        inbox=_path(o.inbox),
        category_for_hs=config.category_for_hs,
        max_bytes=o.max_file_bytes,
        quarantine_keep_days=o.quarantine_keep_days,
        archive_keep_days=o.archive_keep_days,
        read_beside=o.read_in_second_process,
    )


def _ceb_broker(config: Config, c: CollectorConfig) -> Source:
    from collectors.broker.source import BrokerSource

    o = options(BrokerOptions, c.options, c.where)
    return BrokerSource(name=c.name, category_for_hs=config.category_for_hs, **asdict(o))


def _http_json(config: Config, c: CollectorConfig) -> Source:
    from collectors.http_json.source import HttpJsonSource

    o = options(HttpJsonOptions, c.options, c.where)
    return HttpJsonSource(
        name=c.name,
        url=o.url,
        kind=o.record,
        fields=dict(o.fields),
        items_path=o.items,
        next_path=o.next,
        headers=dict(o.headers),
        timeout_s=c.timeout_seconds,
        max_pages=o.max_pages,
        constants=dict(o.constants),
    )


def _each(cls: type, tables: list[dict], where: str) -> list:
    return [options(cls, t, f"{where} #{i}") for i, t in enumerate(tables, 1)]


def _prometheus_scrape(config: Config, c: CollectorConfig) -> Source:
    from collectors.prometheus_scrape.source import PrometheusScrapeSource, Target

    o = options(ScrapeOptions, c.options, c.where)
    targets = _each(Target, o.targets, f"{c.where} [[collector.targets]]")
    if not targets:
        raise ConfigError(f"{c.where}: give at least one [[collector.targets]]")
    return PrometheusScrapeSource(name=c.name, targets=targets, timeout_s=c.timeout_seconds)


def _prometheus_api(config: Config, c: CollectorConfig) -> Source:
    from collectors.prometheus_scrape.api import PrometheusApiSource, Query

    o = options(ApiOptions, c.options, c.where)
    queries = _each(Query, o.queries, f"{c.where} [[collector.queries]]")
    if not queries:
        raise ConfigError(f"{c.where}: give at least one [[collector.queries]]")
    return PrometheusApiSource(name=c.name, base_url=o.url, queries=queries, timeout_s=c.timeout_seconds)


# each kind: its options dataclass and how it builds its source
KINDS: dict[str, tuple[type, Factory]] = {
    "prometheus_api": (ApiOptions, _prometheus_api),
    "simulator": (SimulatorOptions, _simulator),
    "ceb_inbox": (InboxOptions, _ceb_inbox),
    "ceb_broker": (BrokerOptions, _ceb_broker),
    "http_json": (HttpJsonOptions, _http_json),
    "prometheus_scrape": (ScrapeOptions, _prometheus_scrape),
}


def _kind(c: CollectorConfig) -> tuple[type, Factory]:
    try:
        return KINDS[c.kind]
    except KeyError:
        raise ConfigError(f"{c.where or c.name}: unknown kind {c.kind!r} (known: {', '.join(KINDS)})") from None


def check(config: Config) -> None:
    """Every collector's options, the disabled ones' too, so a mistyped key stops the start."""
    for c in config.collectors:
        options(_kind(c)[0], c.options, c.where)


def build(config: Config, c: CollectorConfig) -> Source:
    return _kind(c)[1](config, c)
