from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from base.config import load_config
from collectors.simulator.source import simulate_batch
from collectors.sinks.duckdb_sink import DuckDBSink
from core.runtime import Runtime
from queries.reference import load_reference
from queries.store import Store

PROMO_DAY = date(2019, 11, 11)
PROMO_UNTIL = datetime(2019, 11, 11, 0, 5)


@pytest.fixture(scope="session", autouse=True)
def exports_folder(tmp_path_factory):
    """A runtime's Parquet exports go to a folder of the session, never var/."""
    patch = pytest.MonkeyPatch()
    patch.setenv("CBEC_EXPORTS", str(tmp_path_factory.mktemp("exports")))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def config():
    return load_config()


@pytest.fixture
def store(tmp_path, config):
    s = Store(tmp_path / "t.duckdb")
    load_reference(s, config)
    yield s
    s.close()


@pytest.fixture
def sink(store):
    return DuckDBSink(store)


@pytest.fixture(scope="session")
def promo_db(tmp_path_factory, config) -> Path:
    """The first five minutes of 2019-11-11, batch-simulated once per session."""
    path = tmp_path_factory.mktemp("promo") / "promo.duckdb"
    rt = Runtime(config, db_path=path, with_collectors=False)
    simulate_batch(config, rt.sink, PROMO_DAY, PROMO_UNTIL)
    rt.stop()
    return path


@pytest.fixture
def promo_runtime(promo_db, tmp_path, config):
    """A runtime over a copy of promo_db whose clock stands at 00:05 that night."""
    copy = tmp_path / "promo.duckdb"
    shutil.copy(promo_db, copy)
    rt = Runtime(config, db_path=copy, with_collectors=False, clock=lambda: PROMO_UNTIL).adopt()
    yield rt
    rt.stop()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, for one test module."""
    from browser import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
