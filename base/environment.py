"""Every environment variable the product reads, in one place (docs/USAGE.md lists them).
Read at call time, so a test or a command can set them before it loads anything."""

from __future__ import annotations

import os

OVERRIDES: dict[str, str] = {
    "CBEC_CONFIG": "the configuration file instead of assets/config/cbec.toml",
    "CBEC_DB": "the database file instead of [store] path",
    "CBEC_ACCESS": "demo or signin instead of [access] mode",
    "CBEC_REPORTS": "the digest's folder instead of [digest] folder",
    "CBEC_EXPORTS": "the folder of the daily Parquet exports instead of [digest] parquet_folder",
    "CBEC_ALERTS": "the alert rules file instead of assets/config/alerts.toml",
    "CBEC_ENABLE_COLLECTORS": "comma-separated collector names to enable beside the configured ones",
    "CBEC_XML_DEMO": "1: the simulator writes CEB XML into the inbox, and the inbox collector reads it; "
    "broker: it publishes the XML to the broker, and the ceb_broker collector consumes it",
    "CBEC_SIM_MODE": "the simulator's mode: live, replay or batch",
    "CBEC_SIM_DAY": "the day a replay plays (YYYY-MM-DD)",
    "CBEC_SIM_SPEED": "a replay's speed factor",
    "CBEC_ROLE": "primary or standby instead of [instance] role",
    "CBEC_PEER_URL": "the other instance's base URL instead of [instance] peer_url",
    "CBEC_INSTANCE_NAME": "this instance's name on the screens instead of [instance] name",
    "CBEC_VIDEO": "off: run no camera feed (the cameras of [video] are left out)",
    "CBEC_VIDEO_DIR": "the folder of the cameras' HLS segments instead of [video] folder",
    "CBEC_WALL_SERVERS": "comma-separated base URLs the walls move along instead of [wall] servers",
}


def get(name: str) -> str | None:
    """One of OVERRIDES, or None when unset or empty."""
    if name not in OVERRIDES:
        raise KeyError(f"{name} is not a known override (base/environment.py)")
    return os.environ.get(name) or None


def enabled_collectors() -> set[str]:
    return {n.strip() for n in (get("CBEC_ENABLE_COLLECTORS") or "").split(",") if n.strip()}


def secret(name: str) -> str | None:
    """A ${NAME} reference of the configuration, from the environment."""
    return os.environ.get(name)


def owner_only() -> None:
    """Everything this process creates from now on (databases, WAL, reports, moved and
    quarantined originals, their folders) is readable by its owner alone."""
    os.umask(0o077)
