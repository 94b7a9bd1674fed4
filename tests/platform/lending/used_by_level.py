"""What each limit level has used, computed here from the raw loan rows, independently of
the limit accounting under test: the oracle of the concurrency and property tests.

Used = pending principal (a drawdown not yet paid out) + outstanding principal (paid out
less principal repaid); a one-off facility counts what was drawn instead of what is
outstanding [003 §六(七)]. Levels: facility (its limit), programme (its cap),
joint-guarantee group (its total limit), single customer (10% of net capital) and
related-party group (15%) [DOMAIN §9]; only the group's membership is taken from the
network service.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_FLOOR, Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.policy import load_policy
from scf.graph.policy import NetworkPolicy
from scf.platform.models import Facility, JointGuaranteeGroup, Loan, Programme, Repayment
from scf.platform.models.enums import LoanStatus
from scf.platform.services.network.exposure import related_party_group_for

D = Decimal
ZERO = D("0")
DISBURSED = (LoanStatus.ACTIVE, LoanStatus.REPAID, LoanStatus.WRITTEN_OFF)


def _share(net_capital: Decimal, ratio: Decimal) -> Decimal:
    return (net_capital * ratio).quantize(D("0.01"), rounding=ROUND_FLOOR)


Level = tuple[str, object]  # ("facility", 3), ("related-party group", (2, 6)) …


def used_and_limits(
    session: Session, net_capital: Decimal, on: dt.date
) -> dict[Level, tuple[Decimal, Decimal]]:
    """(used, limit) of every level something is drawn under."""
    repaid = dict(
        session.execute(
            sa.select(Repayment.loan_id, sa.func.sum(Repayment.principal_part)).group_by(
                Repayment.loan_id
            )
        ).all()
    )
    facilities = {f.id: f for f in session.scalars(sa.select(Facility))}
    used: dict[Level, Decimal] = defaultdict(lambda: ZERO)
    for loan in session.scalars(sa.select(Loan)):
        facility = facilities[loan.facility_id]
        pending = loan.principal if loan.status is LoanStatus.PENDING else ZERO
        disbursed = loan.status in DISBURSED
        outstanding = loan.principal - D(repaid.get(loan.id) or 0) if disbursed else ZERO
        drawn = loan.principal if disbursed else ZERO
        used[("facility", facility.id)] += pending + (outstanding if facility.revolving else drawn)
        exposure = pending + outstanding
        used[("customer", loan.party_id)] += exposure
        if facility.programme_id is not None:
            used[("programme", facility.programme_id)] += exposure
        if facility.group_id is not None:
            used[("joint group", facility.group_id)] += exposure
    policy = NetworkPolicy.of(load_policy(on))
    limits: dict[Level, Decimal | None] = {
        **{("facility", f.id): f.limit_amount for f in facilities.values()},
        **{("programme", p.id): p.cap for p in session.scalars(sa.select(Programme))},
        **{
            ("joint group", g.id): g.total_limit
            for g in session.scalars(sa.select(JointGuaranteeGroup))
        },
    }
    customer_limit = _share(net_capital, policy.single_customer_max)
    out = {
        level: (amount, customer_limit if level[0] == "customer" else limits[level])
        for level, amount in used.items()
    }
    group_limit = _share(net_capital, policy.related_party_group_max)
    out.update(_groups(session, used, group_limit, on))
    return {level: (u, limit) for level, (u, limit) in out.items() if limit is not None}


def _groups(
    session: Session, used: dict[Level, Decimal], limit: Decimal, on: dt.date
) -> dict[Level, tuple[Decimal, Decimal | None]]:
    out: dict[Level, tuple[Decimal, Decimal | None]] = {}
    for level, party_id in list(used):
        if level != "customer":
            continue
        assert isinstance(party_id, int)
        members = tuple(m.party_id for m in related_party_group_for(session, party_id, on).members)
        total = sum((used.get(("customer", m), ZERO) for m in members), ZERO)
        out[("related-party group", members)] = (total, limit)
    return out


def levels_over_their_limits(session: Session, net_capital: Decimal, on: dt.date) -> list[str]:
    """``"level id: used > limit"`` for every level over its limit; empty when none is."""
    return [
        f"{level} {key}: {used} > {limit}"
        for (level, key), (used, limit) in used_and_limits(session, net_capital, on).items()
        if used > limit
    ]
