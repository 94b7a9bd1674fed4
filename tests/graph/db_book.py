"""A small network written to the test database, for service and API tests.

Branch A (relationship manager ``rm_a``) holds firms 1-3; branch B holds firm 4 and
person 5. Market M1 (administrator firm 6, merchants 1 and 2), group G1 (1, 2).
Firm 4 guarantees firm 1's loan L1 (600,000 outstanding of 1,000,000 after a 400,000
repayment); firm 2 guarantees firm 1 generally for 200,000; person 5 controls firm 4.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from scf.credit.uscc import make as make_uscc
from scf.platform.auth.access import Actor
from scf.platform.models import (
    Branch,
    Facility,
    FinancialSnapshot,
    JointGuaranteeGroup,
    Loan,
    Market,
    Party,
    Relationship,
    Repayment,
    User,
)
from scf.platform.models.enums import (
    FacilityStatus,
    LoanStatus,
    MarketKind,
    MarketStage,
    PartyKind,
    Product,
    RelationshipKind,
    RepaymentMethod,
    Role,
)

AS_OF = dt.date(2026, 11, 20)
START = dt.date(2026, 1, 1)


@dataclass
class DbBook:
    session: Session
    parties: dict[int, Party]
    users: dict[str, User]
    market: Market
    group: JointGuaranteeGroup
    loans: dict[str, Loan]

    def actor(self, username: str) -> Actor:
        return Actor.of(self.users[username])

    def uscc(self, n: int) -> str:
        party = self.parties[n]
        return party.uscc or party.customer_number or ""


def build(session: Session) -> DbBook:
    a, b = Branch(name="graph-test A"), Branch(name="graph-test B")
    session.add_all([a, b])
    session.flush()
    market = Market(
        code="GM1", name="测试市场", kind=MarketKind.PROFESSIONAL_MARKET, stage=MarketStage.MATURE
    )
    session.add(market)
    session.flush()
    users = {
        "rm_a": User(
            username="g_rm_a",
            display_name="rm a",
            password_hash="x",
            role=Role.RELATIONSHIP_MANAGER,
            branch_id=a.id,
        ),
        "risk": User(
            username="g_risk", display_name="risk", password_hash="x", role=Role.RISK_OFFICER
        ),
        "mkt": User(
            username="g_mkt",
            display_name="mkt",
            password_hash="x",
            role=Role.MARKET_ADMINISTRATOR,
            market_id=market.id,
        ),
    }
    session.add_all(users.values())
    parties: dict[int, Party] = {}
    for n, branch in ((1, a), (2, a), (3, a), (4, b), (6, b)):
        parties[n] = Party(
            kind=PartyKind.ENTERPRISE,
            uscc=make_uscc(f"9113010{n}GRAPHT{n:03d}"[:17]),
            customer_number=f"GT{n:04d}",
            name=f"图测试企业{n}",
            industry="wholesale",
            branch_id=branch.id,
        )
    parties[5] = Party(
        kind=PartyKind.PERSON, customer_number="GT0005", name="图测试自然人5", branch_id=b.id
    )
    session.add_all(parties.values())
    session.flush()
    for n, (assets, liabilities) in {4: ("3000000", "2000000"), 6: ("9000000", "4000000")}.items():
        session.add(
            FinancialSnapshot(
                party_id=parties[n].id,
                as_of=dt.date(2026, 6, 30),
                employees=50,
                revenue_12m=Decimal("60000000"),
                total_assets=Decimal(assets),
                total_liabilities=Decimal(liabilities),
            )
        )
    group = JointGuaranteeGroup(code="GG1", name="测试联保体", market_id=market.id)
    session.add(group)
    session.flush()
    loans = {}
    for code, n, principal in (("GL1", 1, "1000000"), ("GL2", 2, "300000"), ("GL6", 6, "100000")):
        facility = Facility(
            code=f"F{code}",
            party_id=parties[n].id,
            group_id=group.id if n in (1, 2) else None,
            product=Product.JOINT_GUARANTEE if n in (1, 2) else Product.CREDIT,
            limit_amount=Decimal("2000000"),
            start_date=START,
            end_date=dt.date(2027, 1, 1),
            status=FacilityStatus.ACTIVE,
        )
        session.add(facility)
        session.flush()
        loans[code] = Loan(
            code=code,
            facility_id=facility.id,
            party_id=parties[n].id,
            product=facility.product,
            principal=Decimal(principal),
            rate_annual=Decimal("0.06"),
            drawn_on=dt.date(2026, 2, 1),
            maturity_date=dt.date(2027, 1, 31),
            repayment_method=RepaymentMethod.INSTALMENT_PRINCIPAL,
            status=LoanStatus.ACTIVE,
        )
        session.add(loans[code])
    session.flush()
    session.add(
        Repayment(
            loan_id=loans["GL1"].id,
            paid_on=dt.date(2026, 8, 1),
            amount=Decimal("420000"),
            principal_part=Decimal("400000"),
            interest_part=Decimal("20000"),
        )
    )

    def edge(kind: RelationshipKind, source: int, target: int | None = None, **kw: object) -> None:
        session.add(
            Relationship(
                kind=kind,
                source_party_id=parties[source].id,
                target_party_id=None if target is None else parties[target].id,
                valid_from=START,
                **kw,
            )
        )

    edge(RelationshipKind.GUARANTEES, 4, 1, amount=Decimal("1000000"), loan_id=loans["GL1"].id)
    edge(RelationshipKind.GUARANTEES, 2, 1, amount=Decimal("200000"))
    edge(RelationshipKind.CONTROLS, 5, 4)
    edge(RelationshipKind.MEMBER_OF_MARKET, 1, target_market_id=market.id)
    edge(RelationshipKind.MEMBER_OF_MARKET, 2, target_market_id=market.id)
    edge(RelationshipKind.ADMINISTERS, 6, target_market_id=market.id)
    edge(RelationshipKind.MEMBER_OF_GROUP, 1, target_group_id=group.id)
    edge(RelationshipKind.MEMBER_OF_GROUP, 2, target_group_id=group.id)
    session.flush()
    return DbBook(session, parties, users, market, group, loans)
