"""Pending drawdowns reserve exposure at every level, and disbursal checks again
(issue #12, finding 1).

A drawdown waiting to be paid out has blocked its amount: it counts wherever outstanding
principal counts for a limit — facility, collateral, programme, related-party group
(15% of net capital), single customer (10%), joint-guarantee group (its total limit).
Paying it out later checks availability again under the same locks, leaving the loan
itself out: the limit may have shrunk in between, and a refusal writes nothing.

World (``related_pair``): the supplier controls supplier_b, one related-party group;
their credit facilities sit in different programmes. Net capital 1,000,000: the group
may owe 150,000, each member 100,000 [DOMAIN §9].
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from scf.platform.demo.lending_world import World
from scf.platform.errors import Conflict, RuleRefused
from scf.platform.models import CommodityPrice, Drawdown, Facility, JointGuaranteeGroup, Loan
from scf.platform.models.enums import DrawdownStatus, LoanStatus
from scf.platform.services.lending import limits
from scf.platform.services.lending.drawdowns import (
    DrawdownRequest,
    disburse_drawdown,
    request_drawdown,
)
from scf.platform.services.lending.facilities import approve_facility, propose_limit_change
from scf.platform.services.network.concentrations import concentrations
from scf.platform.services.network.exposure import related_party_group_for
from scf.platform.services.network.queries import exposure_report
from tests.platform.lending.setups import (
    MATURITY,
    NET_CAPITAL,
    ON,
    goods_facility,
    related_pair,
)
from tests.web_login import sign_in

D = Decimal


def draw(world: World, facility: Facility, amount: str, **kw: object) -> Drawdown:
    request = DrawdownRequest(
        amount=D(amount),
        requested_on=ON,
        maturity_date=MATURITY,
        instalments=6,
        disburse=bool(kw.pop("disburse", False)),
        **kw,  # type: ignore[arg-type]
    )
    return request_drawdown(world.session, world.actor("rm"), facility.id, request)


def disburse(world: World, drawdown: Drawdown, on: dt.date = ON) -> Loan:
    return disburse_drawdown(world.session, world.actor("rm"), drawdown.id, on=on)


def binding(error: RuleRefused) -> str:
    """The threshold of the refusing ``within_availability`` rule, e.g. ``≤ 50,000.00 (…)``."""
    rules = {r["id"]: r for r in error.errors["rules"] if r["result"] == "fail"}
    assert set(rules) == {"within_availability"}, rules
    return str(rules["within_availability"]["threshold"])


def loans_by_status(world: World) -> dict[str, int]:
    rows = world.session.execute(
        sa.select(Loan.status, sa.func.count(Loan.id)).group_by(Loan.status)
    ).all()
    return {status.value: count for status, count in rows}


@pytest.fixture()
def pair(world: World, monkeypatch: pytest.MonkeyPatch) -> tuple[Facility, Facility]:
    monkeypatch.setenv("SCF_BANK_NET_CAPITAL", NET_CAPITAL)
    return related_pair(world)


# ------------------------------------------------------------------ reserving at request


def test_three_pending_draws_cannot_overdraw_the_group_headroom(
    world: World, pair: tuple[Facility, Facility]
) -> None:
    """The finding: 150,000 of group headroom, three pending draws of 100,000. The first
    reserves 100,000; the second and third would take the group to 200,000 and are
    refused by the group rule; 50,000 still fits exactly, one fen more does not."""
    a, b = pair
    first = draw(world, a, "100000")
    for _ in range(2):
        with pytest.raises(RuleRefused) as refused:
            draw(world, b, "100000")
        assert binding(refused.value) == "≤ 50,000.00 (group_headroom)"
    last = draw(world, b, "50000")
    with pytest.raises(RuleRefused) as refused:
        draw(world, b, "0.01")
    assert binding(refused.value) == "≤ 0.00 (group_headroom)"
    assert loans_by_status(world) == {"pending": 2}
    # paying both out stays within the group: 100,000 + 50,000 = 150,000
    disburse(world, first)
    disburse(world, last)
    assert loans_by_status(world) == {"active": 2}
    view = related_party_group_for(world.session, a.party_id, ON)
    assert (view.exposure, view.limit_amount) == (D("150000.00"), D("150000.00"))


def test_a_pending_draw_reserves_the_customers_own_ten_percent(
    world: World, pair: tuple[Facility, Facility]
) -> None:
    a, _ = pair
    draw(world, a, "100000")
    with pytest.raises(RuleRefused) as refused:
        draw(world, a, "0.01")
    assert binding(refused.value) == "≤ 0.00 (customer_headroom)"


def test_the_group_view_shows_reserved_beside_outstanding(
    world: World, pair: tuple[Facility, Facility]
) -> None:
    """Reports keep exposure = outstanding; what pending drawdowns reserve is shown
    beside it and taken off the headroom."""
    a, b = pair
    draw(world, a, "60000", disburse=True)
    draw(world, b, "30000")
    view = related_party_group_for(world.session, b.party_id, ON)
    assert (view.exposure, view.reserved) == (D("60000.00"), D("30000.00"))
    assert view.group_headroom == D("60000.00")  # 150,000 − 60,000 − 30,000
    assert (view.customer_exposure, view.customer_reserved) == (D("0"), D("30000.00"))
    assert view.customer_headroom == D("70000.00")  # 100,000 − 0 − 30,000
    assert view.headroom == D("60000.00")
    assert view.breached is False


def test_a_joint_guarantee_groups_total_limit_counts_pending_draws(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two facilities of one joint-guarantee group with a total limit of 120,000
    [003 §六(五)]: 100,000 pending leaves 20,000 for the other member."""
    a, b = related_pair(world)  # net capital stays at its default: no concentration binds
    group = world.added(JointGuaranteeGroup(code="JG1", name="联保体", total_limit=D("120000")))
    a.group_id = b.group_id = group.id
    world.session.flush()
    draw(world, a, "100000")
    with pytest.raises(RuleRefused) as refused:
        draw(world, b, "20000.01")
    assert binding(refused.value) == "≤ 20,000.00 (joint_group_remaining)"
    draw(world, b, "20000")


# ------------------------------------------------------------------ checking again at disbursal


def test_disbursal_refuses_when_the_group_limit_shrank_and_writes_nothing(
    world: World, pair: tuple[Facility, Facility], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Net capital revised down to 800,000 after both requests: the group may owe
    120,000 and each member 80,000. Paying out the supplier's 100,000 beside its twin's
    50,000 would be 150,000: refused by the group (120,000 − 50,000 = 70,000)."""
    a, b = pair
    first = draw(world, a, "100000")
    draw(world, b, "50000")
    monkeypatch.setenv("SCF_BANK_NET_CAPITAL", "800000")
    with pytest.raises(RuleRefused) as refused:
        disburse(world, first)
    assert binding(refused.value) == "≤ 70,000.00 (group_headroom)"
    loan = world.session.get(Loan, first.loan_id)
    assert loan is not None and loan.status is LoanStatus.PENDING and not loan.instalments
    assert world.session.get(Drawdown, first.id).status is DrawdownStatus.PENDING  # type: ignore[union-attr]


def test_disbursal_refuses_when_the_facility_limit_was_lowered(world: World) -> None:
    """Limit lowered from 1,000,000 to 300,000 (proposed and approved) while 400,000 was
    pending: paying it out would use 400,000 of 300,000."""
    a, _ = related_pair(world)  # net capital stays at its default: no concentration binds
    pending = draw(world, a, "400000")
    propose_limit_change(world.session, world.actor("rm"), a.id, amount=D("300000"), as_of=ON)
    approve_facility(world.session, world.actor("director"), a.id, on=ON)
    with pytest.raises(RuleRefused) as refused:
        disburse(world, pending)
    assert binding(refused.value) == "≤ 300,000.00 (facility_remaining)"


def test_disbursal_refuses_after_a_price_fall_under_the_goods_lending_value(
    world: World,
) -> None:
    """100 t of rebar at 4,000 × 60% = 240,000 backs a pending 240,000; the price falls
    to 3,900 on the day of disbursal: 100 × 3,900 × 60% = 234,000 [003 §七(四)2]."""
    pending = draw(world, goods_facility(world), "240000", receipt_numbers=("WR1",))
    world.added(CommodityPrice(commodity_code="steel_rebar", price_date=ON, price=D("3900")))
    with pytest.raises(RuleRefused) as refused:
        disburse(world, pending)
    assert binding(refused.value) == "≤ 234,000.00 (collateral_headroom)"
    # without the fall it goes out (the 2026-10-30 price is still current)
    world.session.execute(sa.delete(CommodityPrice).where(CommodityPrice.price_date == ON))
    assert disburse(world, pending).status is LoanStatus.ACTIVE


# ------------------------------------------------------------------ what the pages show


def test_the_exposure_report_and_the_risk_desk_show_reserved_beside_outstanding(
    world: World, pair: tuple[Facility, Facility]
) -> None:
    """Outstanding stays what reports called exposure (60,000); the 30,000 pending is shown
    as reserved and taken off the headroom: 150,000 − 60,000 − 30,000 = 60,000."""
    a, b = pair
    draw(world, a, "60000", disburse=True)
    draw(world, b, "30000")
    report = exposure_report(world.session, world.actor("rm"), world.parties["supplier"].uscc, ON)
    group = report["related_party_group"]
    assert (group["exposure"], group["reserved"], group["headroom"]) == (
        D("60000.00"),
        D("30000.00"),
        D("60000.00"),
    )
    assert (report["own"]["exposure"], report["own"]["reserved"]) == (D("60000.00"), D("0"))
    desk = concentrations(world.session, world.actor("director"), ON)
    (line,) = [g for g in desk.groups if len(g.members) == 2]
    assert (line.exposure, line.reserved, line.headroom) == (
        D("60000.00"),
        D("30000.00"),
        D("60000.00"),
    )


def test_the_party_and_facility_pages_show_what_pending_drawdowns_reserve(
    world: World, pair: tuple[Facility, Facility], client: FlaskClient
) -> None:
    a, _ = pair
    draw(world, a, "30000")
    sign_in(client, world.users["rm"])
    party = client.get(f"/parties/{world.parties['supplier'].uscc}?as_of={ON}").get_data(
        as_text=True
    )
    panel = party[party.index('id="exposure-panel"') :]
    assert "待放款预留" in panel and "3.00" in panel  # 30,000 = 3.00 万元
    facility = client.get(f"/lending/facilities/{a.id}?as_of={ON}").get_data(as_text=True)
    for text in ("关联集团集中度余量", "单一客户集中度余量", "待放款预留 30,000.00"):
        assert text in facility, text


def test_a_pending_receivable_drawdown_is_not_refused_by_its_own_pledge(world: World) -> None:
    """Valued again at disbursal, AR1 is pledged to this very loan: that is the pledge
    being paid out, not a second one. 1,000,000 × 80% (key-supported) = 800,000."""
    world.receivable("AR1", "1000000")
    facility = world.grant(amount=D("2000000"))
    pending = draw(world, facility, "800000", receivable_codes=("AR1",))
    loan = disburse(world, pending, on=ON + dt.timedelta(days=7))
    assert (loan.status, loan.drawn_on) == (LoanStatus.ACTIVE, dt.date(2026, 11, 10))


def test_a_group_that_changed_while_the_drawdown_waited_is_a_conflict_to_retry(
    world: World, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The group lock is taken by the group read before it; read again under the lock, a
    different group (a controlling link committed meanwhile) means the wrong lock is
    held: refused, nothing written, retry (PostgreSQL: SQLite holds one write lock)."""
    if backend != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; SQLite serialises every writer")
    a, _ = related_pair(world)
    anchors = iter([a.party_id, a.party_id + 100])
    monkeypatch.setattr(
        limits,
        "related_party_group_for",
        lambda *_args, **_kw: SimpleNamespace(anchor_party_id=next(anchors)),
    )
    with pytest.raises(Conflict, match="retry"):
        draw(world, a, "1000")
    assert loans_by_status(world) == {}
