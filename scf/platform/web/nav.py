"""The navigation bar: which areas each role is offered.

This is a convenience, not authorization: every page still asks
``scf.platform.auth.access``. An entry whose endpoint is not registered (an area
still being built on another branch) is simply left out, so an area slots in by
registering its blueprint and, if it is new, adding one line here.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from scf.platform.auth.access import Actor
from scf.platform.models.enums import Role

ALL_ROLES = frozenset(Role)
BANK_STAFF = frozenset({Role.ADMIN, Role.RISK_OFFICER, Role.RELATIONSHIP_MANAGER})


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: LazyString
    roles: frozenset[Role]


NAV: tuple[NavItem, ...] = (
    NavItem("home.index", _l("工作台"), BANK_STAFF),
    NavItem("portal.index", _l("我的市场"), frozenset({Role.MARKET_ADMINISTRATOR})),
    NavItem("parties.search", _l("主体查询"), ALL_ROLES),
    NavItem("network_pages.index", _l("关系网络"), BANK_STAFF),
    NavItem("lending.facilities", _l("授信与放款"), BANK_STAFF),
    NavItem(
        "onboarding.upload",
        _l("批量准入"),
        frozenset({Role.ADMIN, Role.RELATIONSHIP_MANAGER, Role.MARKET_ADMINISTRATOR}),
    ),
    NavItem("portal.markets", _l("商圈"), BANK_STAFF),
    NavItem("risk.index", _l("风险管理"), frozenset({Role.ADMIN, Role.RISK_OFFICER})),
    NavItem("risk.policy", _l("授信政策"), BANK_STAFF),
    NavItem("admin.users", _l("系统管理"), frozenset({Role.ADMIN})),
)


def has_endpoint(endpoint: str) -> bool:
    """Whether a page exists in this build (guards links to areas built elsewhere)."""
    return endpoint in current_app.view_functions


def nav_for(actor: Actor | None, endpoint: str | None) -> list[tuple[NavItem, bool]]:
    """The entries offered to ``actor``, each with whether it is the current area: the
    entry of this very page, else the first entry of the page's blueprint."""
    if actor is None or actor.role is None:
        return []
    items = [item for item in NAV if actor.role in item.roles and has_endpoint(item.endpoint)]
    current = next((i for i in items if i.endpoint == endpoint), None)
    if current is None and endpoint:
        area = endpoint.split(".")[0]
        current = next((i for i in items if i.endpoint.split(".")[0] == area), None)
    return [(item, item is current) for item in items]
