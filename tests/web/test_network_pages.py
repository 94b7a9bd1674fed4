"""The network viewer's pages, the party page's panels, the risk desk's concentrations,
the market page's capacity panel, and who may run "what if it defaults".

Hand-worked from the seed (seed/README.md), as of 2026-11-20:
- P0308 唐山凯聚矿业 (rm_ts's, Tangshan) and P0310 guarantee each other (the planted
  mutual pair). P0308's only loan L0283: 1,900,000 in 4 equal principal instalments,
  3 paid → outstanding 1,900,000 / 4 = 475,000.00, on revolving facility F0283
  (limit 1,900,000): used = outstanding 475,000 → available 1,425,000.
  P0310 guarantees L0283 (R01626/R01627: 1,700,000 / 1,900,000 ≥ 475,000), so if
  P0308 defaults P0310 is called for 475,000.00, pays, and the loss is 0.
- P0308 is owed receivable AR0333 by P0003: 1,011,000.00, due 2027-02-11, confirmed,
  not pledged.
- Market M001's administrator P0600: net assets 1,007,114,273.00 − 342,418,852.82 =
  664,695,420.18 → capacity 2 × = 1,329,390,840.36 [003 §七(二)2]. Of its six
  guarantees, L0213 (bullet, repaid) has balance 0; L0217 (bullet 1,020,000, unpaid)
  is fully covered: guaranteed balance = min(1,020,000, 1,020,000) = 1,020,000.00.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor
from scf.platform.db import Database
from scf.platform.errors import Forbidden, NotFound, ValidationFailed
from scf.platform.models import User
from scf.platform.services.markets.panels import administrator_guarantees
from scf.platform.services.network.concentrations import concentrations
from scf.platform.services.network.stress import run_stress_scenario
from scf.platform.services.parties.panels import party_panels
from tests.web.conftest import csrf_token, log_in, party_name, party_uscc

AS_OF = dt.date(2026, 11, 20)


@pytest.fixture()
def seeded(seeded_url: str) -> Iterator[Session]:
    database = Database(seeded_url)
    with database.session() as session:
        yield session
        session.rollback()
    database.engine.dispose()


def actor(session: Session, username: str) -> Actor:
    user = session.scalar(sa.select(User).where(User.username == username))
    assert user is not None
    return Actor.of(user)


# ------------------------------------------------------------------ what if it defaults


def test_relationship_manager_runs_the_default_of_their_own_firm(seeded: Session) -> None:
    result = run_stress_scenario(
        seeded, actor(seeded, "rm_ts"), defaults=[party_uscc("P0308")], as_of=AS_OF
    )
    assert result["complete"] is True  # P0308 and P0310 are both rm_ts's
    [round_one] = result["rounds"]
    assert [p["name"] for p in round_one["parties"]] == [party_name("P0308")]
    assert [(x["loan"], x["exposure"]) for x in round_one["loans"]] == [
        ("L0283", Decimal("475000.00"))
    ]
    assert [(c["guarantor"], c["loan"], c["amount"]) for c in round_one["calls"]] == [
        (party_name("P0310"), "L0283", Decimal("475000.00"))
    ]
    assert result["exposure_at_default"] == Decimal("475000.00")
    assert result["total_loss"] == Decimal("0.00")


def test_a_cascade_leaving_the_book_is_anonymised(seeded: Session) -> None:
    rm = actor(seeded, "rm_ts")
    mine = run_stress_scenario(seeded, rm, defaults=[party_uscc("P0003")], as_of=AS_OF)
    full = run_stress_scenario(
        seeded, actor(seeded, "risk"), defaults=[party_uscc("P0003")], as_of=AS_OF
    )
    # Same cascade, same shape: one row per party and loan, whoever reads it.
    assert [len(r["parties"]) for r in mine["rounds"]] == [
        len(r["parties"]) for r in full["rounds"]
    ]
    assert mine["affected_loans"] == full["affected_loans"]
    assert full["complete"] is True and full["total_loss"] is not None
    assert mine["complete"] is False
    assert mine["total_loss"] is None and mine["exposure_at_default"] is None
    hidden = [p for r in mine["rounds"] for p in r["parties"] if p["hidden"]]
    assert hidden, "the steel group's cascade reaches parties outside 唐山分行"
    for party in hidden:
        assert re.fullmatch(r"x\d+", party["name"])
        assert party["uscc"] is None and party["called"] is None and party["node"] is None
    shown = {p["name"] for r in full["rounds"] for p in r["parties"]}
    named = {p["name"] for r in mine["rounds"] for p in r["parties"] if not p["hidden"]}
    assert named < shown
    text = repr(mine)
    for p in (p for r in full["rounds"] for p in r["parties"]):
        if p["name"] not in named:
            assert p["name"] not in text
            assert not p["uscc"] or p["uscc"] not in text
    hidden_loans = [x for x in mine["losses"] if x["loan"] is None]
    assert hidden_loans and all(x["loss"] is None for x in hidden_loans)


@pytest.mark.parametrize(
    ("username", "defaults", "shocks", "error"),
    [
        ("rm_ts", [], {"steel_rebar": Decimal("-0.20")}, Forbidden),  # shocks: risk only
        ("rm_ts", ["P0964"], {}, ValidationFailed),  # M002 merchant: not rm_ts's
        ("rm_sjz", ["P0003"], {}, ValidationFailed),  # the steel group is Tangshan's
        ("mkt_steel", ["P0628"], {}, Forbidden),  # own merchant, but not bank staff
    ],
)
def test_who_may_not_run_what(
    seeded: Session, username: str, defaults: list[str], shocks: dict[str, Decimal], error: type
) -> None:
    codes = [party_uscc(k) for k in defaults]
    with pytest.raises(error) as raised:
        run_stress_scenario(
            seeded, actor(seeded, username), defaults=codes, shocks=shocks, as_of=AS_OF
        )
    if error is ValidationFailed:
        # An invisible party reads like a code that does not exist: no name.
        assert "未知主体" in str(raised.value.errors)
        assert party_name(defaults[0]) not in str(raised.value.errors)


# ------------------------------------------------------------------ panels


def test_party_panels_limits_and_collateral(seeded: Session) -> None:
    panels = party_panels(seeded, actor(seeded, "rm_ts"), party_uscc("P0308"), AS_OF)
    [(facility, position)] = panels.facilities
    assert facility.code == "F0283"
    assert (facility.limit_amount, position.used, position.available) == (
        Decimal("1900000.00"),
        Decimal("475000.00"),
        Decimal("1425000.00"),
    )
    [receivable] = panels.receivables
    assert receivable.receivable.code == "AR0333" and receivable.open
    assert receivable.debtor == party_name("P0003") and receivable.pledged_loan is None
    assert panels.open_receivables == Decimal("1011000.00")
    assert panels.in_circle is True
    assert panels.exposure["own"]["exposure"] == Decimal("475000.00")
    # Not rm_sjz's: not found, as for the party page.
    with pytest.raises(NotFound):
        party_panels(seeded, actor(seeded, "rm_sjz"), party_uscc("P0308"), AS_OF)


def test_market_administrator_capacity(seeded: Session) -> None:
    [admin] = administrator_guarantees(seeded, actor(seeded, "mkt_steel"), 1, AS_OF)
    assert admin.name == party_name("P0600")
    assert admin.capacity == Decimal("1329390840.36")
    assert admin.clause == "[003 §七(二)2]" and admin.breached is False
    lines = {line.loan: line for line in admin.guarantees}
    assert sorted(lines) == ["L0196", "L0200", "L0204", "L0208", "L0213", "L0217"]
    assert lines["L0213"].guaranteed_balance == Decimal("0")
    assert lines["L0217"].guaranteed_balance == Decimal("1020000.00")
    assert admin.used == sum(line.guaranteed_balance or 0 for line in admin.guarantees)
    assert all(line.guaranteed_balance <= line.amount for line in admin.guarantees)  # type: ignore[operator]
    with pytest.raises(NotFound):  # market 2 is not mkt_steel's, whatever id they type
        administrator_guarantees(seeded, actor(seeded, "mkt_steel"), 2, AS_OF)


def test_concentrations_for_the_risk_desk(seeded: Session) -> None:
    desk = concentrations(seeded, actor(seeded, "risk"), AS_OF, net_capital=Decimal("1e9"))
    steel = next(c for c in desk.chains if c.core.uscc == party_uscc("P0003"))
    assert steel.total == steel.own + steel.receivable_financing + steel.dealer_financing
    assert steel.ratio == (steel.total / Decimal("1e9")).quantize(Decimal("0.0001"))
    assert [m.code for m in desk.markets] == ["M001", "M002"]
    m001 = desk.markets[0]
    assert m001.administrators[0].capacity == Decimal("1329390840.36")
    # The controller P0001's group: P0001 → P0002 → P0003 → its subsidiaries.
    group = next(g for g in desk.groups if party_uscc("P0003") in {m.uscc for m in g.members})
    assert {party_uscc(k) for k in ("P0002", "P0003")} <= {m.uscc for m in group.members}
    # 15% of a net capital of 1,000,000,000 = 150,000,000.
    assert group.limit_amount == Decimal("150000000.00")
    assert group.breached is (group.exposure > Decimal("150000000"))
    pair = next(c for c in desk.circles if c["size"] == 2)
    assert pair["breaches"][0]["clause"] == "[003 §七(二)5]"
    assert desk.circle_breaches >= 1
    with pytest.raises(Forbidden):
        concentrations(seeded, actor(seeded, "rm_ts"), AS_OF)


# ------------------------------------------------------------------ pages


def test_network_index_offers_what_touches_the_book(web: FlaskClient) -> None:
    log_in(web, "rm_ts")
    page = web.get("/network?as_of=2026-11-20").get_data(as_text=True)
    assert "冀东恒泰钢铁集团有限公司" in page  # the chain rm_ts looks after
    assert party_name("P0308") in page  # the circle of two of rm_ts's suppliers
    assert party_name("P0486") not in page  # the dealers' triangle is other branches'
    assert "保定美嘉家居城" not in page  # no merchant of M002 is rm_ts's
    found = web.get("/network?q=凯聚矿业").get_data(as_text=True)
    assert f"/network/{party_uscc('P0308')}" in found


def test_viewer_page_and_side_panel(web: FlaskClient) -> None:
    log_in(web, "rm_ts")
    code = party_uscc("P0308")
    page = web.get(f"/network/{code}?as_of=2026-11-20&radius=2&types=guarantees")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert f"/api/v1/network/{code}?radius=2&amp;types=guarantees&amp;as_of=2026-11-20" in body
    assert "vendor/cytoscape/cytoscape.min.js" in body and "<script>" not in body
    panel = web.get(f"/network/{code}/panel?as_of=2026-11-20").get_data(as_text=True)
    assert "F0283" in panel and "142.50" in panel  # available 1,425,000 = 142.50 万元
    assert "身处担保圈" in panel
    bad = web.get(f"/network/{code}?radius=9")
    assert bad.status_code == 422 and "radius" in bad.get_data(as_text=True)


def test_what_if_page_needs_the_csrf_token_and_shows_the_cascade(web: FlaskClient) -> None:
    log_in(web, "rm_ts")
    path = f"/network/{party_uscc('P0308')}/what-if?as_of=2026-11-20"
    assert web.post(path).status_code == 400  # no CSRF token
    response = web.post(path, headers={"X-CSRFToken": csrf_token(web, "/network")})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "假设违约：" + party_name("P0308") in text
    assert "L0283" in text and "47.50" in text  # 475,000 = 47.50 万元, called on P0310
    assert 'data-called-node="p:' in text


def test_party_page_panels(web: FlaskClient) -> None:
    log_in(web, "rm_ts")
    page = web.get(f"/parties/{party_uscc('P0308')}?as_of=2026-11-20").get_data(as_text=True)
    for part in ("limits-panel", "exposure-panel", "collateral-panel", "network-panel"):
        assert f'id="{part}"' in page
    assert "/lending/facilities/" in page and "F0283" in page
    assert "AR0333" in page and "101.10" in page  # 1,011,000 = 101.10 万元
    core = web.get(f"/parties/{party_uscc('P0003')}?as_of=2026-11-20").get_data(as_text=True)
    assert 'id="chain-exposure"' in core  # the chain, for a core enterprise


def test_market_page_shows_the_capacity_only_for_the_own_market(web: FlaskClient) -> None:
    log_in(web, "mkt_steel")
    page = web.get("/portal/markets/1?as_of=2026-11-20").get_data(as_text=True)
    assert 'id="administrator-capacity"' in page
    assert "132,939.08" in page  # 1,329,390,840.36 元 = 132,939.08 万元
    other = web.get("/portal/markets/2?as_of=2026-11-20")
    assert other.status_code == 404
    body = other.get_data(as_text=True)
    assert party_name("P0602") not in body and "保定美嘉家居城" not in body


def test_risk_desk_concentrations_page(web: FlaskClient) -> None:
    log_in(web, "risk")
    page = web.get("/risk?as_of=2026-11-20").get_data(as_text=True)
    for part in ("chain-concentrations", "market-concentrations", "group-concentrations"):
        assert f'id="{part}"' in page
    assert 'id="circle-concentrations"' in page and "[003 §七(二)5]" in page
    assert "冀东恒泰钢铁集团有限公司" in page and "石家庄冀运钢材市场" in page
