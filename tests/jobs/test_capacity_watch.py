"""Job 6, capacity and concentration, on a small hand-built market and group."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from scf.jobs.capacity_watch import ADMINISTRATOR_OVER_CAPACITY, CONCENTRATION_BREACH
from scf.platform.config import Settings
from scf.platform.db import Database
from scf.platform.models import FinancialSnapshot
from scf.platform.models.enums import PartyKind, RelationshipKind, Role, Severity
from tests.jobs.conftest import Runner
from tests.jobs.network import Network

AS_OF = dt.date(2026, 6, 15)
R = RelationshipKind


def test_administrator_over_capacity_and_concentration_breaches(
    net: Network, database: Database, settings: Settings, db_session: Session
) -> None:
    """Net capital 40,000,000: one customer ≤ 10% = 4,000,000, one group ≤ 15% = 6,000,000.

    The administrator's net assets are 30,000,000 − 26,000,000 = 4,000,000, so it may
    guarantee 2 × 4,000,000 = 8,000,000 [003 §七(二)2]. It guarantees merchant X's loan
    of 5,000,000 (for up to 6,000,000: 5,000,000 stands behind it) and merchant Y at large
    (Y owes 4,000,000): 9,000,000 > 8,000,000. X owes 5,000,000 > 4,000,000: a single
    customer breach; Y's 4,000,000 is exactly 10%, not over. One person controls both:
    the group owes 9,000,000 > 6,000,000."""
    runner = Runner(
        database, dataclasses.replace(settings, bank_net_capital="40000000"), db_session
    )
    rm = net.user("rm_cap", Role.RELATIONSHIP_MANAGER)
    administrator = net.party("市场管理方", rm=rm)
    db_session.add(
        FinancialSnapshot(
            party_id=administrator.id,
            as_of=dt.date(2026, 3, 31),
            total_assets=Decimal("30000000"),
            total_liabilities=Decimal("26000000"),
        )
    )
    market = net.market("MCAP", administrator)
    x, y = net.party("商户X", rm=rm), net.party("商户Y", rm=rm)
    for merchant in (x, y):
        net.edge(R.MEMBER_OF_MARKET, merchant, market=market)
    loan_x = net.loan(x, "5000000")
    net.loan(y, "4000000")
    net.edge(R.GUARANTEES, administrator, x, loan=loan_x, amount="6000000")
    general = net.edge(R.GUARANTEES, administrator, y)
    owner = net.party("实际控制人", kind=PartyKind.PERSON)
    net.edge(R.CONTROLS, owner, x)
    net.edge(R.CONTROLS, owner, y)

    assert runner.run("capacity_watch", AS_OF).status == "succeeded"
    (capacity,) = runner.alerts(ADMINISTRATOR_OVER_CAPACITY)
    assert capacity.party_id == administrator.id and capacity.severity is Severity.CRITICAL
    assert (capacity.figures["used"], capacity.figures["capacity"]) == ("9000000.00", "8000000.00")
    breaches = {a.figures["scope"]: a for a in runner.alerts(CONCENTRATION_BREACH)}
    assert set(breaches) == {"single_customer", "related_party_group"}
    assert breaches["single_customer"].party_id == x.id
    assert breaches["single_customer"].figures["limit_amount"] == "4000000.00"
    assert breaches["related_party_group"].figures["exposure"] == "9000000.00"
    assert set(breaches["related_party_group"].figures["party_ids"]) == {owner.id, x.id, y.id}

    # The general guarantee of Y ends: 5,000,000 ≤ 8,000,000, the capacity alert clears.
    general.valid_to = AS_OF
    assert runner.run("capacity_watch", AS_OF + dt.timedelta(days=1)).status == "succeeded"
    assert runner.alerts(ADMINISTRATOR_OVER_CAPACITY) == []
    assert len(runner.alerts(CONCENTRATION_BREACH)) == 2
