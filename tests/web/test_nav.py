"""The navigation each role is offered (web/nav.py), now that every area is registered:
the network viewer, lending and onboarding appear by registering their blueprints.
A convenience, not authorization: tests/web/test_access_table.py checks the pages."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import log_in

EXPECTED = {
    "admin": [
        "工作台",
        "主体查询",
        "关系网络",
        "授信与放款",
        "批量准入",
        "商圈",
        "风险管理",
        "授信政策",
        "系统管理",
    ],
    "risk": ["工作台", "主体查询", "关系网络", "授信与放款", "商圈", "风险管理", "授信政策"],
    "rm_ts": ["工作台", "主体查询", "关系网络", "授信与放款", "批量准入", "商圈", "授信政策"],
    "mkt_steel": ["我的市场", "主体查询", "批量准入"],
}
NAV = re.compile(r'<nav class="mainnav"[^>]*>(.*?)</nav>', re.S)


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_nav_entries_per_role(web: FlaskClient, username: str) -> None:
    log_in(web, username)
    page = web.get("/parties").get_data(as_text=True)
    found = NAV.search(page)
    assert found
    labels = re.findall(r">([^<]+)</a>", found.group(1))
    assert labels == EXPECTED[username]
    for href in re.findall(r'href="([^"]+)"', found.group(1)):
        assert web.get(href).status_code in (200, 302), href  # every entry opens
