"""The network viewer in a real browser, as the steel group's relationship manager.

Seed (seed/README.md): rm_ts (唐山分行) looks after 冀东恒泰钢铁集团 (P0003, the core
enterprise) and the Tangshan suppliers, among them the mutual guarantee pair
P0308 ↔ P0310 (a §7 breach: two small firms). Their dealers in other branches are
not rm_ts's: they appear anonymised (x1, x2…), never named.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import Visit
from tests.web.conftest import party_name, party_uscc

pytestmark = pytest.mark.browser

AS_OF = "2026-11-20"


def wait_for_graph(visit: Visit) -> None:
    visit.page.wait_for_selector("#cy[data-ready='1']", timeout=30_000)  # type: ignore[attr-defined]
    visit.page.wait_for_selector("#side-panel .panel-fragment", timeout=30_000)  # type: ignore[attr-defined]


def close_up(visit: Visit, selector: str, name: str) -> None:
    """A screenshot of one part of the page (the graph is small in a full-page shot)."""
    visit.page.locator(selector).screenshot(path=str(visit.shot(name).with_suffix(".part.png")))  # type: ignore[attr-defined]


def graph(visit: Visit, script: str) -> object:
    return visit.page.evaluate(f"(() => {{ const cy = window.scfNetwork; {script} }})()")  # type: ignore[attr-defined]


def test_core_enterprise_chain_and_default_what_if(visit: Visit) -> None:
    page = visit.page
    visit.log_in("rm_ts")
    page.click("nav.mainnav >> text=关系网络")
    page.wait_for_load_state()
    assert "/network" in page.url
    chains = page.inner_text("#entry-chains")
    assert "冀东恒泰钢铁集团有限公司" in chains
    visit.shot("network_index_relationship_manager")
    page.fill("input[name=q]", "冀东恒泰钢铁集团")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    assert "冀东恒泰钢铁集团有限公司" in page.inner_text("#network-search-results")
    visit.go(f"/network?as_of={AS_OF}")
    page.click("#entry-chains tbody a >> nth=0")
    wait_for_graph(visit)
    assert page.inner_text("h1") == "冀东恒泰钢铁集团有限公司"
    center = graph(visit, "return cy.nodes('.center').data('label');")
    assert center == "冀东恒泰钢铁集团有限公司"
    # The chain view: supply, distribution, buy-back and guarantee edges only.
    kinds = graph(visit, "return [...new Set(cy.edges().map(e => e.data('kind')))].sort();")
    assert set(kinds) <= {"supplies_to", "distributes_for", "buyback_for", "guarantees"}  # type: ignore[arg-type]
    assert "supplies_to" in kinds  # type: ignore[operator]
    # Dealers in other branches are anonymised stubs, never named.
    hidden = graph(visit, "return cy.nodes('.hidden').map(n => n.data('label'));")
    assert hidden and all(str(h).startswith("x") for h in hidden)  # type: ignore[union-attr]
    assert party_name("P0486") not in page.inner_text("body")
    # The side panel opened on the core: assessment, limits, exposure, collateral.
    side = page.inner_text("#side-panel")
    assert "准入评估" in side and "授信额度" in side and "核心企业供应链" in side
    close_up(visit, ".network-layout", "network_core_chain")

    page.click("#what-if")
    page.wait_for_selector("#cascade-table", timeout=60_000)
    cascade = page.inner_text("#cascade")
    # Round 1: the core itself (情景设定); its suppliers' receivable-financed loans
    # fall with it; round 2: guarantors called beyond what they can pay.
    assert "假设违约：冀东恒泰钢铁集团有限公司" in cascade
    assert "第1轮" in cascade and "第2轮" in cascade
    assert "含无权查看的主体" in cascade  # totals withheld: the cascade leaves rm_ts's book
    defaulted = graph(visit, "return cy.nodes('.defaulted').length;")
    assert defaulted > 1  # type: ignore[operator]
    # Round 2's defaulters are guarantors (persons) outside the chain view's edge types;
    # stepping to round 1 keeps the core, marked as the first round.
    page.click("[data-show-round='1']")
    first_round = graph(visit, "return cy.nodes('.defaulted').map(n => n.data('round'));")
    assert first_round and set(first_round) == {1}  # type: ignore[arg-type]
    assert graph(visit, "return cy.nodes('.center').hasClass('defaulted');") is True
    page.click("[data-show-round='all']")
    close_up(visit, ".network-layout", "network_core_default_what_if")

    with page.expect_download() as download:
        page.click("#export-png")
    png = download.value.path()
    with open(png, "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    assert not visit.errors


def test_firm_in_a_guarantee_circle_is_highlighted(visit: Visit) -> None:
    page = visit.page
    visit.log_in("rm_ts")
    visit.go(f"/network?as_of={AS_OF}")
    circles = page.inner_text("#entry-circles")
    # rm_ts sees one circle: the Tangshan pair, flagged for the §7 breach; the
    # dealers' triangle and the mall's five are other branches' (not offered).
    assert party_name("P0308") in circles and "违规互保" in circles
    assert party_name("P0486") not in circles
    page.click("#entry-circles tbody a >> nth=0")
    wait_for_graph(visit)
    assert page.inner_text("h1") == party_name("P0308")
    assert "types=guarantees" in page.url
    ring = graph(
        visit,
        "return cy.nodes('.circle').map(n => n.data('uscc')).sort();",
    )
    assert ring == sorted([party_uscc("P0308"), party_uscc("P0310")])
    red_edges = graph(visit, "return cy.edges('.circle').map(e => e.data('kind'));")
    assert red_edges == ["guarantees", "guarantees"]  # P0308 → P0310 and back
    assert "身处担保圈" in page.inner_text("#side-panel")
    page.select_option("#colour-by", "delinquency")
    close_up(visit, ".network-layout", "network_guarantee_circle")
    page.click("#what-if")
    page.wait_for_selector("#cascade-table", timeout=60_000)
    cascade = page.inner_text("#cascade")
    assert "假设违约：" + party_name("P0308") in cascade
    # P0310 guarantees P0308's loan: it is called to pay and marked on the graph.
    assert party_name("P0310") in page.inner_text("#calls-table")
    called = graph(visit, "return cy.nodes('.called').map(n => n.data('uscc'));")
    assert called == [party_uscc("P0310")]
    close_up(visit, "#cascade", "network_circle_default_what_if")
    page.click("button[name=language][value=en]")
    wait_for_graph(visit)
    assert page.inner_text("#what-if") == "What if it defaults"
    assert "In a guarantee circle" in page.inner_text("#side-panel")
    page.click("#what-if")
    page.wait_for_selector("#cascade-table", timeout=60_000)
    assert "Calls on guarantors" in page.inner_text("#cascade")
    visit.shot("network_viewer_english")
    page.click("button[name=language][value=zh]")
    page.wait_for_load_state()
    assert not visit.errors


def test_party_page_panels(visit: Visit) -> None:
    page = visit.page
    visit.log_in("rm_ts")
    visit.go(f"/parties/{party_uscc('P0308')}?as_of={AS_OF}")
    limits = page.inner_text("#limits-panel")
    # F0283: limit 1,900,000, used 475,000, available 1,425,000 (万元 on the page)
    assert "F0283" in limits and "190.00" in limits and "47.50" in limits and "142.50" in limits
    assert "AR0333" in page.inner_text("#collateral-panel")
    assert "身处担保圈" in page.inner_text("#network-panel")
    close_up(visit, ".main-col", "party_page_panels")
    page.click("#limits-panel a >> text=F0283")
    page.wait_for_load_state()
    assert "/lending/facilities/" in page.url
    assert not visit.errors


def test_risk_desk_concentrations(visit: Visit) -> None:
    page = visit.page
    visit.log_in("risk")
    assert page.url.endswith("/risk")
    visit.go(f"/risk?as_of={AS_OF}")
    chains = page.inner_text("#chain-concentrations")
    assert "冀东恒泰钢铁集团有限公司" in chains
    markets = page.inner_text("#market-concentrations")
    assert "石家庄冀运钢材市场" in markets and "132,939.08" in markets  # M001's capacity
    circles = page.inner_text("#circle-concentrations")
    assert party_name("P0308") in circles and "[003 §七(二)5]" in circles
    assert "15%" in page.inner_text("#concentrations")
    visit.shot("risk_desk")
    assert not visit.errors
