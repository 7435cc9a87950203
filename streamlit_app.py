"""cbec-command: one process serving the UI, /metrics and /healthz, and running
the collectors. Start it with `streamlit run streamlit_app.py`."""

from __future__ import annotations

import asyncio
import faulthandler
import gc
import logging
import os
import signal
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from base import environment
from base.config import ConfigError, load_config
from core.access import local_api
from core.access.headers import SecurityHeaders
from core.access.logs import TokenFilter
from core.runtime import Runtime
from dashboard.routes import end_streams_on_signal, routes
from queries.store import StoreError

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
# one line per scrape and webhook would bury what matters; failures still log through the runner
logging.getLogger("httpx").setLevel(logging.WARNING)
for handler in logging.getLogger().handlers:  # kiosk tokens and stream tickets travel in addresses
    handler.addFilter(TokenFilter())
logging.getLogger("uvicorn.access").addFilter(TokenFilter())

# `kill -USR1 <pid>` writes every thread's stack to the log: what a hung process is doing
faulthandler.register(signal.SIGUSR1, all_threads=True)
environment.owner_only()

FRAME = Path(__file__).resolve().parent / "dashboard" / "frame.py"


@asynccontextmanager
async def lifespan(app: st.App):
    try:
        runtime = await asyncio.to_thread(lambda: Runtime(load_config()).start())
    except (ConfigError, StoreError) as e:
        # nothing can run without its configuration and its store: say why in one line, touch nothing
        logging.getLogger("cbec").critical("cannot start: %s", e)
        sys.stderr.flush()
        os._exit(2)
    # what start-up made lives as long as the process: the collector never looks at it
    # again, and a full collection under ingest takes a tenth of a second less
    gc.freeze()
    end_streams_on_signal()
    # the `cbec` command finds the app that holds this database here, and asks it instead
    local_api.announce(runtime.store.path, st.config.get_option("server.port"), st.config.get_option("server.address"))
    try:
        yield {"runtime": runtime}
    finally:
        local_api.withdraw(runtime.store.path)
        # the runner lets a batch in progress commit before the store closes
        await asyncio.to_thread(runtime.stop)


app = st.App(str(FRAME), lifespan=lifespan, routes=routes(), middleware=[Middleware(SecurityHeaders)])
