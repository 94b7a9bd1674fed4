"""The platform in a real browser: market wall, finding a firm, English, API docs.

Screenshots of each key page are saved to tests/artifacts/screenshots/ for a person
to look at.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import Visit

pytestmark = pytest.mark.browser


def test_market_administrator_sees_only_their_market(visit: Visit) -> None:
    page = visit.page
    visit.go("/login")
    visit.shot("login")
    visit.log_in("mkt_steel")
    assert page.url.endswith("/portal/markets/1")
    assert page.inner_text("h1").startswith("石家庄冀运钢材市场")
    assert page.locator("#merchant-list tbody tr").count() == 25
    nav = page.inner_text("nav.mainnav")
    assert "我的市场" in nav and "系统管理" not in nav and "商圈" not in nav
    visit.shot("portal_market_administrator")
    page.click("text=查看贷款")
    assert "/portal/markets/1/loans" in page.url
    assert page.locator("#loan-list tbody tr").count() > 0
    visit.shot("portal_loans")
    response = visit.go("/portal/markets/2")
    assert response.status == 404
    body = page.inner_text("body")
    assert "保定美嘉家居城" not in body and "M002" not in body
    visit.shot("portal_other_market_404")
    assert not [e for e in visit.errors if "404" not in e]


def test_relationship_manager_finds_a_firm_and_reads_its_assessment(visit: Visit) -> None:
    page = visit.page
    visit.log_in("rm_ts")
    visit.shot("home_relationship_manager")
    page.fill("input[name=q]", "康川矿业")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    assert "/parties?q=" in page.url
    visit.shot("party_search")
    page.click("#party-results tbody a")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "唐山康川矿业有限公司"
    page.fill("input[name=as_of]", "2026-11-20")
    page.click("form.asof button")
    page.wait_for_load_state()
    assert "as_of=2026-11-20" in page.url
    assessment = page.inner_text("#assessment")
    assert "不予准入" in assessment and "debt_ratio_within_limit" in assessment
    assert "[003 §五(一)1(4)]" in assessment and "1,035,704.91" in assessment
    assert re.search(r"hebei-2012@\S+#[0-9a-f]{8}", assessment)
    visit.shot("party_page")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: one column, no overflow
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    visit.shot("party_page_phone")
    assert not visit.errors


def test_switch_to_english_and_back(visit: Visit) -> None:
    page = visit.page
    visit.log_in("rm_ts")
    visit.go("/parties?q=康川矿业")
    page.click("#party-results tbody a")
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert "Assessment" in page.inner_text("#assessment")
    assert "Parties" in page.inner_text("nav.mainnav")
    visit.shot("party_page_english")
    visit.go("/login")  # logged in: redirected home, still in English
    assert "Workspace" in page.inner_text("h1")
    page.click("button[name=language][value=zh]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert "工作台" in page.inner_text("h1")
    assert not visit.errors


def test_administrator_and_risk_officer_pages(visit: Visit) -> None:
    page = visit.page
    visit.log_in("admin")
    visit.go("/admin/users")
    assert page.locator("#user-list tbody tr").count() >= 8
    visit.shot("admin_users")
    visit.go("/admin/users/mkt_steel")
    visit.shot("admin_user")
    visit.log_in("risk")
    assert page.url.endswith("/risk")
    assert re.search(r"#[0-9a-f]{8}", page.inner_text("#policy-in-force"))
    visit.shot("risk_desk")
    visit.go("/risk/policy?assumed=1")
    assert page.locator("tr.assumed").count() > 0
    visit.shot("policy_assumed")
    assert not visit.errors


def test_api_docs_render_offline(visit: Visit) -> None:
    page = visit.page
    visit.go("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20000)
    assert "scf" in page.inner_text(".swagger-ui .info .title")
    page.get_by_text("/api/v1/markets/{market_id}/loans").first.wait_for()
    visit.shot("api_docs")
    assert not visit.errors
