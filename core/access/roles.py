"""Roles, the pages each may open and the actions each may take.

Each role has what the one below it has: duty (live screens) < leader
(+ reports and exports) < ops (+ alerts, acknowledgement, silences, thresholds,
collectors and drills) < admin (+ users, tokens, audit). A kiosk token is not a
role of a person: it shows the wall screens it is scoped to, and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("duty", "leader", "ops", "admin")
KIOSK = "kiosk"

# page → the least role that opens it
PAGES = {
    "overview": "duty",
    "wall": "duty",
    "video": "duty",
    "warehouses": "duty",
    "system_health": "duty",
    "report": "leader",
    "national": "duty",
    "national_report": "leader",
    "alerts": "ops",
    "collectors": "ops",
    "users": "admin",
    "audit": "admin",
}

# action → the least role that may take it
ACTIONS = {
    "report.export": "leader",
    "alert.ack": "ops",
    "alert.silence": "ops",
    "alert.rule_edit": "ops",
    "simulator.fault": "ops",
    "user.manage": "admin",
    "token.manage": "admin",
}


class Forbidden(PermissionError):
    """An action or page the viewer's role does not allow; the message says which."""


@dataclass(frozen=True)
class Viewer:
    """Who is looking: an account, a kiosk token, or the open demo."""

    name: str
    role: str  # one of ROLES, or KIOSK
    via: str  # password | oidc | kiosk | demo | cli
    source: str = ""  # the client's address
    screens: tuple[str, ...] = ()  # a kiosk token's screens; ("*",) for all
    token_id: str = ""
    stamp: str = ""  # a password session: its account's password fingerprint when it signed in


def _rank(role: str) -> int:
    return ROLES.index(role) if role in ROLES else -1


def may_open(role: str, page: str) -> bool:
    if role == KIOSK:
        return page == "wall"
    return page in PAGES and _rank(role) >= _rank(PAGES[page])


def may(role: str, action: str) -> bool:
    return action in ACTIONS and _rank(role) >= _rank(ACTIONS[action])


def pages_for(role: str) -> list[str]:
    return [p for p in PAGES if may_open(role, p)]


def require(viewer: Viewer, action: str) -> None:
    if not may(viewer.role, action):
        need = ACTIONS.get(action, "?")
        raise Forbidden(f"{viewer.name} ({viewer.role}) may not {action}: it needs the {need} role")


def role_from_claims(claims: dict, claim: str, mapping: dict[str, str]) -> str | None:
    """The strongest role that an OIDC claim (a string or a list of groups) maps to."""
    values = claims.get(claim)
    if isinstance(values, str):
        values = [values]
    roles = [mapping[v] for v in values or () if isinstance(v, str) and mapping.get(v) in ROLES]
    return max(roles, key=_rank) if roles else None
