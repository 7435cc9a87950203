"""Loads assets/config/cbec.toml (or a file named by CBEC_CONFIG) into typed objects."""

from __future__ import annotations

import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from base import environment

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "assets" / "config" / "cbec.toml"


class ConfigError(ValueError):
    """The configuration is missing or does not make sense."""


@dataclass(frozen=True)
class Site:
    code: str
    name_zh: str
    name_en: str
    customs_codes: tuple[str, ...]
    confirmed: bool
    volume_share: float


@dataclass(frozen=True)
class Warehouse:
    code: str
    site: str
    name_zh: str
    name_en: str
    area_m2: int
    area_code: str
    automated: bool


@dataclass(frozen=True)
class Platform:
    code: str
    name_zh: str
    name_en: str
    ebp_code: str
    confirmed: bool
    volume_share: float


@dataclass(frozen=True)
class Category:
    code: str
    name_zh: str
    name_en: str
    hs_prefixes: tuple[str, ...]


@dataclass(frozen=True)
class CollectorConfig:
    name: str
    kind: str
    interval_seconds: float
    timeout_seconds: float
    stale_after_seconds: float
    enabled: bool = True
    options: dict[str, Any] = field(default_factory=dict)
    backoff_max_seconds: float = 60.0  # a failing source is retried at most this far apart
    where: str = ""  # the file and table it came from, for errors about its options


@dataclass(frozen=True)
class SimulatorConfig:
    seed: int
    live_day_kind: str
    promotion_released_by_14h: int
    ordinary_day_lists: int
    # last year's figures (2018, the year before the calibration year)
    last_year_promotion_lists: int  # lists released over the promotion day
    last_year_promotion_value_cny: float  # their goods value
    last_year_site_share: tuple[tuple[str, float], ...]  # (site code, share); empty: as this year
    last_year_total_lists: int  # the whole year
    last_year_total_value_cny: float
    history_days: int
    promotion_days: tuple[str, ...]
    # the message families beside the lists (see [simulator] in cbec.toml)
    tax_rate: float = 0.091
    cancel_share: float = 0.003
    refund_share: float = 0.004
    refund_line_share: float = 0.6
    refund_part_share: float = 0.5
    format_rejects_per_hour: float = 6.0
    # the sites' own figures (see [simulator] in cbec.toml)
    delivered_48h_share: float = 0.96
    in_warehouse_time_cut: float = 0.2


@dataclass(frozen=True)
class Slide:
    screen: str  # "city" or a site code
    dwell_seconds: float


@dataclass(frozen=True)
class WallConfig:
    refresh_seconds: float  # the slow panels; headline figures stream every second
    resync_seconds: float  # how often a wall's page re-sends its settings
    plan_yoy_growth: float  # the day's plan: last year's same day, grown by this
    slides: tuple[Slide, ...]
    servers: tuple[str, ...] = ()  # base URLs a wall moves along when its server stops answering


@dataclass(frozen=True)
class DigestJob:
    name: str
    at: time  # Beijing time of day
    report: str  # "yesterday" (the whole day) or "today" (up to `until`)
    until: time | None
    promotion_days_only: bool


@dataclass(frozen=True)
class DigestConfig:
    folder: Path
    formats: tuple[str, ...]
    webhook_url: str  # may hold ${NAME}, resolved from the environment or secrets when posting
    webhook_kind: str  # "wecom" | "dingtalk" | "json"
    retries: int
    jobs: tuple[DigestJob, ...]
    webhook_secret: str = ""  # DingTalk's signing secret (加签), may hold ${NAME}
    parquet_folder: Path | None = None  # the day's Parquet exports for the national tier; None: none


@dataclass(frozen=True)
class AccessConfig:
    """Who may open the app. "demo" opens everything to everybody (the default,
    for a first look); "signin" needs an account, OIDC or a kiosk token."""

    mode: str = "demo"  # demo | signin
    idle_minutes: float = 30.0
    max_failures: int = 5  # failed sign-ins in a row before the account locks
    lockout_minutes: float = 15.0
    metrics_token: str = ""  # /metrics off loopback with this bearer token; may hold ${NAME}
    api_token: str = ""  # write endpoints need this bearer token; may hold ${NAME}
    oidc: bool = False  # sign in with st.login (the provider in .streamlit/secrets.toml [auth])
    role_claim: str = "groups"
    role_map: tuple[tuple[str, str], ...] = ()  # claim value -> role
    trusted_proxies: tuple[str, ...] = ()  # addresses/networks whose X-Forwarded-For is believed


@dataclass(frozen=True)
class InstanceConfig:
    """Which of two instances fed the same messages this one is. The primary sends
    alert notifications and the digest; the standby takes over when the primary's
    /healthz has not answered for `takeover_seconds`, and hands back when it does."""

    name: str = ""  # shown on the walls and the system-health page; empty: this host and port
    role: str = "primary"  # primary | standby
    peer_url: str = ""  # the other instance's base URL; empty: none
    takeover_seconds: float = 30.0
    check_seconds: float = 2.0


@dataclass(frozen=True)
class District:
    """A district the national tier shows: its customs code (the `district` label
    and export partition), its names, and the address of its own app."""

    code: str
    name_zh: str
    name_en: str
    url: str = ""


@dataclass(frozen=True)
class NationalConfig:
    """The national mode: live figures from a Prometheus that federates the
    districts, daily figures from the folder of their Parquet exports."""

    prometheus_url: str
    exports: Path
    districts: tuple[District, ...]
    stale_after_seconds: float = 30.0  # a district with no new sample for this long is stale


@dataclass(frozen=True)
class Camera:
    """One camera of a site: `name` is its stable id (camera-N, the equipment it
    stands for), `kind` what it watches, `url` where its stream comes from
    (rtsp://, http(s)://, or test: for a test pattern made by ffmpeg) without
    credentials; those come from the environment variable `credentials_env`."""

    site: str
    name: str
    kind: str  # gate | xray | sorter | warehouse
    url: str
    credentials_env: str = ""  # holds user:password, put into the URL only in ffmpeg's argument
    transcode: str = "h264"  # h264: re-encoded with 1 s keyframes; copy: the camera's own H.264 as it is


CAMERA_KINDS = ("gate", "xray", "sorter", "warehouse")
CAMERA_SCHEMES = ("rtsp", "rtsps", "http", "https", "test")


@dataclass(frozen=True)
class VideoConfig:
    """Live camera feeds: one ffmpeg per camera writes short HLS segments that
    the app serves; a camera with no new segment for `stale_after_seconds` is down."""

    cameras: tuple[Camera, ...] = ()
    ffmpeg: str = "ffmpeg"  # the program; a missing one leaves the cameras down, saying so
    folder: Path = Path("var/video")  # default: "video" beside the database file
    segment_seconds: float = 1.0
    stale_after_seconds: float = 6.0
    restart_max_seconds: float = 30.0  # a failing camera's ffmpeg is restarted at most this far apart
    rotate_seconds: float = 12.0  # a site wall's video panel shows each camera this long
    test_size: str = "640x360"  # the test feeds: frame size and rate
    test_fps: int = 12


@dataclass(frozen=True)
class Config:
    district_zh: str
    district_en: str
    store_path: Path
    refresh_seconds: float
    stale_after_seconds: float
    sites: tuple[Site, ...]
    warehouses: tuple[Warehouse, ...]
    platforms: tuple[Platform, ...]
    categories: tuple[Category, ...]
    simulator: SimulatorConfig
    collectors: tuple[CollectorConfig, ...]
    wall: WallConfig = WallConfig(5.0, 60.0, 0.3, (Slide("city", 30.0),))
    digest: DigestConfig = DigestConfig(Path("var/reports"), ("xlsx", "md"), "", "wecom", 3, ())
    access: AccessConfig = AccessConfig()
    instance: InstanceConfig = InstanceConfig()
    district_code: str = "3100"  # customs code: the `district` label and the exports' partition
    national: NationalConfig | None = None  # set: this instance is the national tier
    video: VideoConfig = VideoConfig()

    def is_promotion_day(self, d: date) -> bool:
        return d.strftime("%m-%d") in self.simulator.promotion_days

    def site(self, code: str) -> Site:
        for s in self.sites:
            if s.code == code:
                return s
        raise KeyError(code)

    def site_for_customs_code(self) -> dict[str, str]:
        return {cc: s.code for s in self.sites for cc in s.customs_codes}

    def category_for_hs(self, hs_code: str) -> str:
        """Longest configured prefix wins; unmatched codes are 'other'."""
        best, best_len = "other", -1
        for c in self.categories:
            for p in c.hs_prefixes:
                if hs_code.startswith(p) and len(p) > best_len:
                    best, best_len = c.code, len(p)
        return best


T = TypeVar("T")

SECTIONS = (
    "district", "store", "live", "reference", "simulator", "wall", "digest", "access", "instance", "collector",
    "national", "video",
)  # fmt: skip
COLLECTOR_KEYS = (
    "name", "kind", "interval_seconds", "timeout_seconds", "stale_after_seconds", "enabled", "backoff_max_seconds",
)  # fmt: skip


def checked(table: dict[str, Any], allowed: tuple[str, ...] | set[str], where: str) -> dict[str, Any]:
    """The table itself, or a ConfigError naming its first key that nothing reads."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
        raise ConfigError(f"{where}: unknown key '{unknown[0]}'{more}")
    return table


def options(cls: type[T], table: dict[str, Any], where: str) -> T:
    """A collector kind's options dataclass from its table: unknown and missing keys named."""
    known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    checked(table, set(known), where)
    for name, f in known.items():
        if name not in table and f.default is MISSING and f.default_factory is MISSING:
            raise ConfigError(f"{where}: missing key '{name}'")
    try:
        return cls(**table)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{where}: {e}") from None


def _need(table: dict[str, Any], key: str, where: str) -> Any:
    if key not in table:
        raise ConfigError(f"{where}: missing key '{key}'")
    return table[key]


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """A TOML file's contents, or a ConfigError that names the file and the fault."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{what} not found: {path}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: {e}") from None


def load_config(path: str | Path | None = None) -> Config:
    path = Path(path or environment.get("CBEC_CONFIG") or DEFAULT_CONFIG)
    raw = checked(read_toml(path, "configuration file"), SECTIONS, str(path))
    ref = checked(raw.get("reference", {}), ("folder",), f"{path} [reference]")
    folder = Path(ref.get("folder", "assets/config/reference"))
    folder = folder if folder.is_absolute() else ROOT / folder
    reference = {
        name: _reference(folder / f"{file}.toml", name)
        for name, file in (
            ("site", "sites"),
            ("platform", "platforms"),
            ("category", "categories"),
            ("warehouse", "warehouses"),
        )
    }

    sites = tuple(
        Site(
            s["code"],
            s["name_zh"],
            s["name_en"],
            tuple(s["customs_codes"]),
            bool(s.get("confirmed", False)),
            float(s.get("volume_share", 0)),
        )
        for s in reference["site"]
    )
    site_codes = {s.code for s in sites}
    warehouses = tuple(
        Warehouse(
            w["code"],
            w["site"],
            w["name_zh"],
            w["name_en"],
            int(w["area_m2"]),
            w.get("area_code", ""),
            bool(w.get("automated", False)),
        )
        for w in reference["warehouse"]
    )
    for w in warehouses:
        if w.site not in site_codes:
            raise ConfigError(f"{path}: warehouse {w.code} names unknown site '{w.site}'")
    platforms = tuple(
        Platform(
            p["code"],
            p["name_zh"],
            p["name_en"],
            p["ebp_code"],
            bool(p.get("confirmed", False)),
            float(p.get("volume_share", 0)),
        )
        for p in reference["platform"]
    )
    categories = tuple(
        Category(c["code"], c["name_zh"], c["name_en"], tuple(c.get("hs_prefixes", []))) for c in reference["category"]
    )
    if "other" not in {c.code for c in categories}:
        raise ConfigError(f"{path}: a category with code 'other' is required")
    for label, items in (("site", sites), ("platform", platforms)):
        total = sum(i.volume_share for i in items)
        if abs(total - 1.0) > 1e-6:
            raise ConfigError(f"{path}: {label} volume_share values add up to {total}, not 1")

    sim = checked(raw.get("simulator", {}), SIMULATOR_KEYS, f"{path} [simulator]")
    simulator = SimulatorConfig(
        seed=int(sim.get("seed", 1)),
        live_day_kind=str(sim.get("live_day_kind", "promotion")),
        promotion_released_by_14h=int(sim.get("promotion_released_by_14h", 6_311_000)),
        ordinary_day_lists=int(sim.get("ordinary_day_lists", 260_000)),
        last_year_promotion_lists=int(sim.get("last_year_promotion_lists", 7_730_000)),
        last_year_promotion_value_cny=float(sim.get("last_year_promotion_value_cny", 1_405_000_000)),
        last_year_site_share=_site_shares(sim.get("last_year_site_share", {}), site_codes, f"{path} [simulator]"),
        last_year_total_lists=int(sim.get("last_year_total_lists", 84_780_000)),
        last_year_total_value_cny=float(sim.get("last_year_total_value_cny", 14_370_000_000)),
        history_days=int(sim.get("history_days", 30)),
        promotion_days=tuple(sim.get("promotion_days", ["11-11"])),
        **{k: sim[k] for k in SIMULATOR_RATES if k in sim},
    )
    for k in SIMULATOR_RATES:
        v = getattr(simulator, k)
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= (1e6 if k.endswith("hour") else 1):
            raise ConfigError(f"{path}: simulator.{k} must be a number from 0 to {'1e6' if k.endswith('hour') else 1}")
    promotion_days = len(simulator.promotion_days)
    if not 0 < simulator.last_year_promotion_lists * promotion_days < simulator.last_year_total_lists or not (
        0 < simulator.last_year_promotion_value_cny * promotion_days < simulator.last_year_total_value_cny
    ):
        raise ConfigError(
            f"{path}: simulator.last_year_promotion_* must be positive and,"
            " over all promotion days, below last_year_total_*"
        )
    if simulator.live_day_kind not in ("promotion", "ordinary"):
        raise ConfigError(f"{path}: simulator.live_day_kind must be 'promotion' or 'ordinary'")

    live = checked(raw.get("live", {}), ("refresh_seconds", "stale_after_seconds"), f"{path} [live]")
    collectors = tuple(
        CollectorConfig(
            name=c["name"],
            kind=c["kind"],
            interval_seconds=float(c.get("interval_seconds", 5)),
            timeout_seconds=float(c.get("timeout_seconds", 10)),
            stale_after_seconds=float(c.get("stale_after_seconds", live.get("stale_after_seconds", 15))),
            enabled=bool(c.get("enabled", True)),
            options={k: v for k, v in c.items() if k not in COLLECTOR_KEYS},
            backoff_max_seconds=float(c.get("backoff_max_seconds", 60)),
            where=f"{path} [[collector]] {c.get('name', '?')}",
        )
        for c in raw.get("collector", [])
    )
    if environment.get("CBEC_XML_DEMO") in ("1", "broker"):
        collectors = _xml_demo(collectors, environment.get("CBEC_XML_DEMO") == "broker")
    wanted = environment.enabled_collectors()
    unknown = wanted - {c.name for c in collectors}
    if unknown:
        raise ConfigError(f"CBEC_ENABLE_COLLECTORS names unknown collector(s): {', '.join(sorted(unknown))}")
    collectors = tuple(replace(c, enabled=True) if c.name in wanted else c for c in collectors)
    names = [c.name for c in collectors]
    if len(names) != len(set(names)):
        raise ConfigError(f"{path}: collector names must be unique: {names}")

    wall = _wall(raw.get("wall", {}), site_codes, str(path))
    digest = _digest(raw.get("digest", {}), str(path))
    store = checked(raw.get("store", {}), ("path",), f"{path} [store]")
    store_path = Path(environment.get("CBEC_DB") or store.get("path", "var/cbec.duckdb"))
    if not store_path.is_absolute():
        store_path = ROOT / store_path
    district = checked(raw.get("district", {}), ("name_zh", "name_en", "code"), f"{path} [district]")
    district_code = _code(district.get("code", "3100"), f"{path}: district.code")
    return Config(
        district_zh=district.get("name_zh", "宁波海关"),
        district_en=district.get("name_en", "Ningbo Customs"),
        store_path=store_path,
        refresh_seconds=float(live.get("refresh_seconds", 3)),
        stale_after_seconds=float(live.get("stale_after_seconds", 15)),
        sites=sites,
        warehouses=warehouses,
        platforms=platforms,
        categories=categories,
        simulator=simulator,
        collectors=collectors,
        wall=wall,
        digest=digest,
        access=_access(raw.get("access", {}), str(path)),
        instance=_instance(raw.get("instance", {}), str(path)),
        district_code=district_code,
        national=_national(raw["national"], str(path)) if "national" in raw else None,
        video=_video(raw.get("video", {}), site_codes, str(path), store_path.parent / "video"),
    )


_CAMERA_NAME = re.compile(r"^camera-[1-9][0-9]{0,3}$")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")


def _video(d: dict[str, Any], site_codes: set[str], where: str, beside_store: Path) -> VideoConfig:
    """[video] and its [[video.camera]] tables; CBEC_VIDEO=off runs no camera."""
    keys = tuple(k for k in _keys(VideoConfig) if k != "cameras") + ("camera",)
    d = checked(d, keys, f"{where} [video]")
    cameras = []
    for c in d.get("camera", []):
        at = f"{where} [[video.camera]] {c.get('site', '?')}/{c.get('name', '?')}" if isinstance(c, dict) else where
        c = checked(c, _keys(Camera), at)
        for key in ("site", "name", "kind", "url"):
            _need(c, key, at)
        cam = Camera(**{k: str(v) for k, v in c.items()})
        if cam.site not in site_codes:
            raise ConfigError(f"{at}: unknown site '{cam.site}'")
        if not _CAMERA_NAME.match(cam.name):
            raise ConfigError(f"{at}: name must be camera-N, the equipment it stands for (camera-1, camera-2, ...)")
        if cam.kind not in CAMERA_KINDS:
            raise ConfigError(f"{at}: kind must be one of {', '.join(CAMERA_KINDS)}")
        if cam.transcode not in ("h264", "copy"):
            raise ConfigError(f"{at}: transcode must be h264 or copy")
        parts = urlsplit(cam.url)
        if parts.scheme not in CAMERA_SCHEMES or (parts.scheme != "test" and not parts.hostname):
            raise ConfigError(f"{at}: url must be rtsp://, rtsps://, http(s):// or test:")
        if parts.username or parts.password:
            # never in the file: it would reach logs, errors and copies of the configuration
            raise ConfigError(f"{at}: the url must not hold credentials; name a variable in credentials_env")
        if cam.credentials_env and not _ENV_NAME.match(cam.credentials_env):
            raise ConfigError(f"{at}: credentials_env must name an environment variable (CBEC_CAM_...)")
        cameras.append(cam)
    ids = [(c.site, c.name) for c in cameras]
    if len(ids) != len(set(ids)):
        raise ConfigError(f"{where}: two [[video.camera]] share a site and name")
    if environment.get("CBEC_VIDEO") == "off":
        cameras = []
    # by default beside the database: two apps on one machine never share a camera's folder
    folder = Path(environment.get("CBEC_VIDEO_DIR") or d.get("folder") or beside_store)
    try:
        video = VideoConfig(
            cameras=tuple(cameras),
            ffmpeg=str(d.get("ffmpeg", "ffmpeg")),
            folder=folder if folder.is_absolute() else ROOT / folder,
            segment_seconds=float(d.get("segment_seconds", 1.0)),
            stale_after_seconds=float(d.get("stale_after_seconds", 6.0)),
            restart_max_seconds=float(d.get("restart_max_seconds", 30.0)),
            rotate_seconds=float(d.get("rotate_seconds", 12.0)),
            test_size=str(d.get("test_size", "640x360")),
            test_fps=int(d.get("test_fps", 12)),
        )
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{where} [video]: {e}") from None
    if not 0.5 <= video.segment_seconds <= 6:
        raise ConfigError(f"{where}: video.segment_seconds must be between 0.5 and 6")
    if video.stale_after_seconds < 2 * video.segment_seconds:
        raise ConfigError(f"{where}: video.stale_after_seconds must be at least twice segment_seconds")
    if video.rotate_seconds < 5:
        raise ConfigError(f"{where}: video.rotate_seconds must be at least 5")
    if not re.match(r"^[1-9][0-9]{1,3}x[1-9][0-9]{1,3}$", video.test_size) or not 1 <= video.test_fps <= 30:
        raise ConfigError(f"{where}: video.test_size must be WxH and test_fps 1 to 30")
    return video


def _base_url(text: str, where: str) -> str:
    url = text.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query:
        raise ConfigError(f"{where}: {text!r} is not a server's base URL (http://host:port)")
    return url


def _instance(d: dict[str, Any], where: str) -> InstanceConfig:
    d = checked(d, _keys(InstanceConfig), f"{where} [instance]")
    role = environment.get("CBEC_ROLE") or str(d.get("role", "primary"))
    if role not in ("primary", "standby"):
        raise ConfigError(f"{where}: instance.role must be 'primary' or 'standby', not {role!r}")
    peer = environment.get("CBEC_PEER_URL") or str(d.get("peer_url", ""))
    takeover, check = float(d.get("takeover_seconds", 30)), float(d.get("check_seconds", 2))
    if not 0 < check <= takeover:
        raise ConfigError(f"{where}: instance.check_seconds must be above 0 and at most takeover_seconds")
    return InstanceConfig(
        name=environment.get("CBEC_INSTANCE_NAME") or str(d.get("name", "")),
        role=role,
        peer_url=_base_url(peer, f"{where} [instance] peer_url") if peer else "",
        takeover_seconds=takeover,
        check_seconds=check,
    )


def _code(value: Any, where: str) -> str:
    code = str(value)
    if not re.fullmatch(r"[0-9]{4}", code):
        raise ConfigError(f"{where}: a district code is a four-digit customs code, not {code!r}")
    return code


def _national(d: dict[str, Any], where: str) -> NationalConfig:
    checked(d, ("prometheus_url", "exports", "stale_after_seconds", "district"), f"{where} [national]")
    districts = []
    for i in d.get("district", []):
        checked(i, _keys(District), f"{where} [[national.district]]")
        code = _code(_need(i, "code", f"{where}: national.district"), f"{where}: national.district")
        districts.append(
            District(code, str(i.get("name_zh", code)), str(i.get("name_en", code)), str(i.get("url", "")))
        )
    if not districts or len({x.code for x in districts}) != len(districts):
        raise ConfigError(f"{where}: [national] needs its districts ([[national.district]]), each code once")
    exports = Path(environment.get("CBEC_EXPORTS") or str(d.get("exports", "var/exports")))
    try:
        stale = float(d.get("stale_after_seconds", 30))
    except (TypeError, ValueError):
        stale = -1.0
    if stale <= 0:
        raise ConfigError(f"{where}: national.stale_after_seconds must be a positive number")
    return NationalConfig(
        prometheus_url=str(_need(d, "prometheus_url", f"{where}: [national]")).rstrip("/"),
        exports=exports if exports.is_absolute() else ROOT / exports,
        districts=tuple(districts),
        stale_after_seconds=stale,
    )


def _access(d: dict[str, Any], where: str) -> AccessConfig:
    from ipaddress import ip_network

    checked(d, ACCESS_KEYS, f"{where} [access]")
    mode = environment.get("CBEC_ACCESS") or str(d.get("mode", "demo"))
    if mode not in ("demo", "signin"):
        raise ConfigError(f"{where}: access.mode must be demo or signin, not {mode!r}")
    role_map = tuple((str(k), str(v)) for k, v in dict(d.get("role_map", {})).items())
    bad = [v for _, v in role_map if v not in ("duty", "leader", "ops", "admin")]
    if bad:
        raise ConfigError(f"{where}: access.role_map: unknown role(s) {', '.join(bad)}")
    try:
        out = AccessConfig(
            mode=mode,
            idle_minutes=float(d.get("idle_minutes", 30)),
            max_failures=int(d.get("max_failures", 5)),
            lockout_minutes=float(d.get("lockout_minutes", 15)),
            metrics_token=str(d.get("metrics_token", "")),
            api_token=str(d.get("api_token", "")),
            oidc=bool(d.get("oidc", False)),
            role_claim=str(d.get("role_claim", "groups")),
            role_map=role_map,
            trusted_proxies=tuple(str(ip_network(str(p), strict=False)) for p in d.get("trusted_proxies", ())),
        )
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{where}: access: {e}") from None
    if out.idle_minutes <= 0 or out.max_failures < 1 or out.lockout_minutes <= 0:
        raise ConfigError(f"{where}: access: idle_minutes, max_failures and lockout_minutes must be positive")
    return out


def _site_shares(table: Any, site_codes: set[str], where: str) -> tuple[tuple[str, float], ...]:
    """A {site code = share} table as pairs: known sites, shares adding up to 1 (or no entry at all)."""
    checked(table, site_codes, f"{where} last_year_site_share")
    try:
        pairs = tuple((code, float(share)) for code, share in table.items())
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: last_year_site_share takes a number for each site") from None
    if pairs and (any(v < 0 for _, v in pairs) or abs(sum(v for _, v in pairs) - 1.0) > 1e-6):
        raise ConfigError(f"{where}: last_year_site_share values must be 0 or more and add up to 1")
    return pairs


def _keys(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


REFERENCE_KEYS = {"site": _keys(Site), "platform": _keys(Platform), "category": _keys(Category),
                  "warehouse": _keys(Warehouse)}  # fmt: skip
SIMULATOR_KEYS = _keys(SimulatorConfig)
# the simulator's rates of the families beside the lists: shares in 0..1, rejects an hour
SIMULATOR_RATES = ("tax_rate", "cancel_share", "refund_share", "refund_line_share", "refund_part_share",
                   "format_rejects_per_hour", "delivered_48h_share", "in_warehouse_time_cut")  # fmt: skip
ACCESS_KEYS = _keys(AccessConfig)


def _reference(path: Path, name: str) -> list[dict[str, Any]]:
    """One reference file: a list of [[name]] tables, every key checked."""
    raw = checked(read_toml(path, f"reference data ({name})"), (name,), str(path))
    items = raw.get(name, [])
    if not items and name != "warehouse":
        raise ConfigError(f"{path}: no [[{name}]] given")
    for i, item in enumerate(items, 1):
        checked(item, REFERENCE_KEYS[name], f"{path} [[{name}]] #{i}")
        for key in ("code", "name_zh", "name_en"):
            _need(item, key, f"{path} [[{name}]] #{i}")
    return items


def _clock_time(text: str, where: str) -> time:
    try:
        return datetime.strptime(text, "%H:%M").time()
    except ValueError:
        raise ConfigError(f"{where}: not a time of day (HH:MM): {text!r}") from None


def _digest(d: dict[str, Any], where: str) -> DigestConfig:
    checked(
        d,
        ("folder", "formats", "webhook_url", "webhook_kind", "webhook_secret", "retries", "job", "parquet_folder"),
        f"{where} [digest]",
    )
    jobs = []
    for j in d.get("job", []):
        checked(j, _keys(DigestJob), f"{where} [[digest.job]]")
        name = str(_need(j, "name", f"{where}: digest.job"))
        report = str(j.get("report", "yesterday"))
        if report not in ("yesterday", "today"):
            raise ConfigError(f"{where}: digest job {name}: report must be 'yesterday' or 'today'")
        jobs.append(
            DigestJob(
                name=name,
                at=_clock_time(str(_need(j, "at", f"{where}: digest job {name}")), f"{where}: digest job {name}"),
                report=report,
                until=_clock_time(str(j["until"]), f"{where}: digest job {name}") if "until" in j else None,
                promotion_days_only=bool(j.get("promotion_days_only", False)),
            )
        )
    if len({j.name for j in jobs}) != len(jobs):
        raise ConfigError(f"{where}: digest job names must be unique")
    formats = tuple(d.get("formats", ["xlsx", "md"]))
    unknown = set(formats) - {"xlsx", "csv", "pdf", "md"}
    if unknown:
        raise ConfigError(f"{where}: digest.formats: unknown {', '.join(sorted(unknown))}")
    kind = str(d.get("webhook_kind", "wecom"))
    if kind not in ("wecom", "dingtalk", "json"):
        raise ConfigError(f"{where}: digest.webhook_kind must be wecom, dingtalk or json")
    folder = Path(environment.get("CBEC_REPORTS") or d.get("folder", "var/reports"))
    parquet = environment.get("CBEC_EXPORTS") or str(d.get("parquet_folder", ""))
    return DigestConfig(
        folder=folder if folder.is_absolute() else ROOT / folder,
        formats=formats,
        webhook_url=str(d.get("webhook_url", "")),
        webhook_kind=kind,
        retries=int(d.get("retries", 3)),
        webhook_secret=str(d.get("webhook_secret", "")),
        jobs=tuple(jobs),
        parquet_folder=(Path(parquet) if Path(parquet).is_absolute() else ROOT / parquet) if parquet else None,
    )


def _wall(w: dict[str, Any], site_codes: set[str], where: str) -> WallConfig:
    checked(w, ("refresh_seconds", "resync_seconds", "plan_yoy_growth", "slide", "servers"), f"{where} [wall]")
    for s in w.get("slide", []):
        checked(s, _keys(Slide), f"{where} [[wall.slide]]")
    slides = tuple(
        Slide(str(s.get("screen", "city")), float(s.get("dwell_seconds", 30))) for s in w.get("slide", [])
    ) or (Slide("city", 30.0),)
    for s in slides:
        if s.screen != "city" and s.screen not in site_codes:
            raise ConfigError(f"{where}: wall.slide names unknown screen '{s.screen}'")
        if s.dwell_seconds < 5:
            raise ConfigError(f"{where}: wall.slide '{s.screen}' dwell_seconds must be at least 5")
    refresh = float(w.get("refresh_seconds", 5))
    if not 1 <= refresh <= 60:
        raise ConfigError(f"{where}: wall.refresh_seconds must be between 1 and 60")
    return WallConfig(
        refresh_seconds=refresh,
        resync_seconds=float(w.get("resync_seconds", 60)),
        plan_yoy_growth=float(w.get("plan_yoy_growth", 0.3)),
        slides=slides,
        servers=wall_servers(environment.get("CBEC_WALL_SERVERS") or w.get("servers", ()), f"{where} [wall] servers"),
    )


def wall_servers(given: str | list | tuple, where: str) -> tuple[str, ...]:
    """Base URLs from a list or a comma-separated text, each checked, in order, without repeats."""
    items = given.split(",") if isinstance(given, str) else list(given)
    return tuple(dict.fromkeys(_base_url(str(u), where) for u in items if str(u).strip()))


def _xml_demo(collectors: tuple[CollectorConfig, ...], broker: bool = False) -> tuple[CollectorConfig, ...]:
    """CBEC_XML_DEMO=1: the simulator writes CEB XML files into the inbox and the
    inbox collector ingests them, so the demo runs through the real path.
    CBEC_XML_DEMO=broker: the simulator publishes them to the broker's exchange
    and the ceb_broker collector consumes them."""
    reader = "ceb_broker" if broker else "ceb_inbox"
    found = next((c.options for c in collectors if c.kind == reader), {})
    if broker:
        where = {"xml_broker": found.get("url", "amqp://guest:guest@127.0.0.1:5672/%2F"),
                 "xml_exchange": found.get("exchange", "cbec.ceb")}  # fmt: skip
    else:
        where = {"xml_inbox": found.get("inbox", "var/inbox")}
    out = []
    for c in collectors:
        if c.kind == reader:
            c = replace(c, enabled=True)
        elif c.kind == "simulator":
            c = replace(c, options={**c.options, **where})
        out.append(c)
    return tuple(out)
