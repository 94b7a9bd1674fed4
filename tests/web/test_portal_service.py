"""A market seen by its administrator: merchants' status and loans, derived on the date asked.

Hand-worked from the seed (seed/README.md, planted cases), as of SEED_AS_OF 2026-11-20:
L0244 (steel receipt pledge, M001 merchant P0704) is 100 days past due → 次级
substandard (91–270 [DOMAIN §11]); L0141 (M001 merchant P0628) 42 days → 关注 special
mention (1–90). They are M001's only overdue loans then; L0223 (300 days, 可疑
doubtful: 271–360) belongs to an M002 merchant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor
from scf.platform.db import Database
from scf.platform.demo.seed_loader import SEED_AS_OF
from scf.platform.errors import NotFound, ValidationFailed
from scf.platform.models import Loan, Repayment, User
from scf.platform.models.types import Money
from scf.platform.services.markets import portal
from tests.web.conftest import party_uscc


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


def test_market_loans_on_the_seed_date(seeded: Session) -> None:
    book = portal.market_loans(seeded, actor(seeded, "mkt_steel"), 1, SEED_AS_OF, limit=100)
    overdue = [
        (x.loan.code, x.days_past_due, x.delinquency_class) for x in book.lines if x.days_past_due
    ]
    assert overdue == [("L0244", 100, "substandard"), ("L0141", 42, "special_mention")]
    assert book.overdue == 2
    assert book.lines[0].loan.code == "L0244"  # most overdue first
    other = portal.market_loans(seeded, actor(seeded, "mkt_home"), 2, SEED_AS_OF, limit=100)
    assert [(x.loan.code, x.delinquency_class) for x in other.lines if x.days_past_due] == [
        ("L0223", "doubtful")
    ]


def test_balances_are_principal_less_principal_repaid(seeded: Session) -> None:
    """Checked against the repayments table summed independently in SQL."""
    book = portal.market_loans(seeded, actor(seeded, "risk"), 1, SEED_AS_OF, limit=1000)
    repaid_sum = sa.type_coerce(sa.func.coalesce(sa.func.sum(Repayment.principal_part), 0), Money())
    rows = seeded.execute(
        sa.select(Loan.code, Loan.principal, repaid_sum)
        .outerjoin(Repayment, Repayment.loan_id == Loan.id)
        .group_by(Loan.code, Loan.principal)
    ).all()
    expected = {code: principal - repaid for code, principal, repaid in rows}
    for line in book.lines:
        assert line.outstanding == expected[line.loan.code]
    assert book.outstanding == sum((line.outstanding for line in book.lines), Decimal("0"))
    assert book.total == len(book.lines) == 64


def test_loans_drawn_after_the_date_are_not_listed(seeded: Session) -> None:
    early = portal.market_loans(seeded, actor(seeded, "risk"), 1, dt.date(2026, 1, 1), limit=1000)
    assert all(line.loan.drawn_on <= dt.date(2026, 1, 1) for line in early.lines)
    assert early.total < 64


def test_merchant_status_is_the_assessment(seeded: Session) -> None:
    """P1008 (M002 merchant) refers: controller bad credit in the last year [003 §五(一)1(6)]."""
    total, merchants = portal.market_merchants(
        seeded, actor(seeded, "mkt_home"), 2, SEED_AS_OF, limit=200
    )
    assert total == 124 and len(merchants) == 124
    by_code = {m.party.uscc: m for m in merchants}
    assert by_code[party_uscc("P1008")].decision == "refer"
    assert all(m.policy_version for m in merchants if m.decision)


def test_market_administrator_cannot_reach_another_market(seeded: Session) -> None:
    steel = actor(seeded, "mkt_steel")
    for call in (
        lambda: portal.market_view(seeded, steel, 2, SEED_AS_OF),
        lambda: portal.market_merchants(seeded, steel, 2, SEED_AS_OF, limit=5),
        lambda: portal.market_loans(seeded, steel, 2, SEED_AS_OF, limit=5),
    ):
        with pytest.raises(NotFound):
            call()
    l0223 = seeded.scalar(sa.text("SELECT id FROM loans WHERE code = 'L0223'"))
    with pytest.raises(NotFound):
        portal.loan_detail(seeded, steel, int(l0223), SEED_AS_OF)


def test_a_future_date_is_refused(seeded: Session) -> None:
    future = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        portal.market_loans(seeded, actor(seeded, "risk"), 1, future, limit=5)
    assert "as_of" in refused.value.errors
