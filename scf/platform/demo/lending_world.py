"""A small lending world built in one session: a core enterprise and its programme, a
supplier and a dealer that pass admission, users for each role, receivables, receipts.

It lives with the demo, not under ``tests/``, because two kinds of callers build it: the
lending tests (their fixtures and hand-worked figures) and the benchmarks
(``bench/lending.py``), which are scripts run against the installed package and must not
reach into the test suite. Like the seed loader, it is data nobody would enter in
production, and no product code imports it.

Figures the tests work from (the supplier, manufacturing, snapshot 2026-09-30):
  revenue X = 10,000,000; assets 10,000,000, liabilities 4,000,000 → equity Y = 6,000,000
  R = min(X × 0.35, Y × 0.70) − Q = min(3,500,000, 4,200,000) − 0 = 3,500,000 [003 §八]
  debt ratio 40% (< 50%), revenue and profit growing, chain member → key-supported
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TypeVar

from sqlalchemy.orm import Session

from scf.credit.uscc import make
from scf.platform.auth.access import Actor
from scf.platform.models import (
    Base,
    Branch,
    CollateralItem,
    Commodity,
    CommodityPrice,
    Facility,
    FinancialSnapshot,
    Market,
    Party,
    Programme,
    Receivable,
    Relationship,
    User,
    WarehouseReceipt,
)
from scf.platform.models.enums import (
    CollateralKind,
    MarketKind,
    MarketStage,
    PartyKind,
    ProgrammeKind,
    ReceiptStatus,
    RelationshipKind,
    Role,
)
from scf.platform.services.lending.facilities import Proposal, approve_facility, propose_facility

D = Decimal
R = TypeVar("R", bound=Base)
AS_OF = dt.date(2026, 11, 2)  # a Monday
START = dt.date(2026, 11, 1)
END = dt.date(2027, 10, 31)
PRICE_DAY = dt.date(2026, 10, 30)  # a Friday: one business day before AS_OF


def uscc(n: int) -> str:
    return make(f"9113010{n:010d}")


@dataclass
class World:
    session: Session
    users: dict[str, User] = field(default_factory=dict)
    parties: dict[str, Party] = field(default_factory=dict)
    programme: Programme | None = None
    market: Market | None = None

    def actor(self, name: str) -> Actor:
        return Actor.of(self.users[name])

    def added(self, row: R) -> R:
        """``row`` added and flushed (so that it has its id)."""
        self.session.add(row)
        self.session.flush()
        return row

    # -- builders ---------------------------------------------------------------------
    def user(self, name: str, role: Role, level: str | None = None, **kw: object) -> User:
        user = User(
            username=name,
            display_name=name,
            password_hash="x" * 40,
            role=role,
            approval_level=level,
            **kw,
        )
        self.users[name] = self.added(user)
        return user

    def firm(
        self, key: str, n: int, *, kind: PartyKind = PartyKind.ENTERPRISE, **kw: object
    ) -> Party:
        party = Party(
            kind=kind,
            uscc=None if kind is PartyKind.PERSON else uscc(n),
            customer_number=key,
            name=key,
            **kw,
        )
        self.parties[key] = self.added(party)
        return party

    def snapshot(self, party: Party, **figures: object) -> FinancialSnapshot:
        base: dict[str, object] = dict(
            employees=80,
            revenue_12m=D("10000000"),
            revenue_prior_year=D("9000000"),
            total_assets=D("10000000"),
            total_liabilities=D("4000000"),
            net_profit_last_year=D("900000"),
            net_profit_prior_year=D("700000"),
            taxable_revenue_last_year=D("9500000"),
            existing_exposure=D("0"),
            rating="BBB",
            bad_credit_3y=False,
            controller_bad_credit_1y=False,
            tier_factors=["chain_member"],
        )
        snap = FinancialSnapshot(
            party_id=party.id, as_of=dt.date(2026, 9, 30), **{**base, **figures}
        )
        return self.added(snap)

    def edge(self, kind: RelationshipKind, source: Party, target: Party, **kw: object) -> None:
        self.added(
            Relationship(
                kind=kind,
                source_party_id=source.id,
                target_party_id=target.id,
                valid_from=kw.pop("valid_from", dt.date(2024, 1, 1)),
                **kw,
            )
        )

    def receivable(
        self, code: str, amount: str, *, creditor: str = "supplier", **kw: object
    ) -> Receivable:
        base: dict[str, object] = dict(
            debtor_party_id=self.parties["core"].id,
            invoice_number=f"INV-{code}",
            issued_on=dt.date(2026, 10, 1),
            due_on=dt.date(2027, 3, 31),
            confirmed=True,
            confirmed_on=dt.date(2026, 10, 8),
            collection_account=True,
        )
        row = Receivable(
            code=code,
            creditor_party_id=self.parties[creditor].id,
            amount=D(amount),
            **{**base, **kw},
        )
        return self.added(row)

    def receipt(self, number: str, quantity: str, *, owner: str = "dealer") -> WarehouseReceipt:
        row = WarehouseReceipt(
            number=number,
            owner_party_id=self.parties[owner].id,
            supervisor_party_id=self.parties["supervisor"].id,
            warehouse="1号库",
            commodity_code="steel_rebar",
            quantity=D(quantity),
            released_quantity=D("0"),
            unit="ton",
            issued_on=dt.date(2026, 10, 20),
            status=ReceiptStatus.ISSUED,
        )
        return self.added(row)

    def collateral(
        self, code: str, kind: CollateralKind, value: str, owner: str, **kw: object
    ) -> CollateralItem:
        row = CollateralItem(
            code=code,
            kind=kind,
            owner_party_id=self.parties[owner].id,
            description=code,
            appraised_value=D(value),
            valued_on=dt.date(2026, 10, 1),
            **kw,
        )
        return self.added(row)

    # -- lending shortcuts ------------------------------------------------------------
    def proposal(self, **kw: object) -> Proposal:
        base = Proposal(
            party_uscc=self.parties["supplier"].uscc or "",
            product="receivable_pledge",
            amount=D("2000000"),
            start_date=START,
            end_date=END,
            repayment_method="bullet",
            revolving=True,
            programme_code="PG-CORE",
            rate_annual=D("0.06"),
        )
        return replace(base, **kw)  # type: ignore[arg-type]

    def propose(self, by: str = "rm", **kw: object) -> Facility:
        return propose_facility(self.session, self.actor(by), self.proposal(**kw), AS_OF)

    def grant(self, by: str = "rm", approver: str = "director", **kw: object) -> Facility:
        facility = self.propose(by, **kw)
        return approve_facility(self.session, self.actor(approver), facility.id, on=AS_OF)


def build_world(session: Session) -> World:
    w = World(session)
    branch = Branch(name="石家庄分行")
    other = Branch(name="唐山分行")
    session.add_all([branch, other])
    session.flush()
    w.market = market = Market(
        code="MKT1",
        name="钢材市场",
        kind=MarketKind.PROFESSIONAL_MARKET,
        stage=MarketStage.MATURE,
    )
    session.add(market)
    session.flush()
    _staff(w, branch, other, market)
    core = _firms(w, branch)
    w.programme = Programme(
        code="PG-CORE",
        kind=ProgrammeKind.CORE,
        core_party_id=core.id,
        name="核心企业1+N",
        cap=D("10000000"),
        valid_from=dt.date(2025, 1, 1),
    )
    session.add(w.programme)
    session.add(Commodity(code="steel_rebar", name="螺纹钢", unit="ton", category="steel"))
    session.flush()
    session.add(CommodityPrice(commodity_code="steel_rebar", price_date=PRICE_DAY, price=D("4000")))
    session.flush()
    return w


def _staff(w: World, branch: Branch, other: Branch, market: Market) -> None:
    """Two relationship managers at the branch and one at another, risk officers at each
    approval level (and one without), a market administrator and an administrator."""
    w.user("rm", Role.RELATIONSHIP_MANAGER, branch_id=branch.id)
    w.user("rm2", Role.RELATIONSHIP_MANAGER, branch_id=branch.id)
    w.user("rm_far", Role.RELATIONSHIP_MANAGER, branch_id=other.id)
    w.user("supervisor_level", Role.RISK_OFFICER, "sme_risk_supervisor")
    w.user("director", Role.RISK_OFFICER, "branch_risk_director")
    w.user("risk_no_level", Role.RISK_OFFICER)
    w.user(
        "rm_with_level", Role.RELATIONSHIP_MANAGER, "head_office_risk_director", branch_id=branch.id
    )
    w.user("mkt", Role.MARKET_ADMINISTRATOR, market_id=market.id)
    w.user("admin", Role.ADMIN)


def _firms(w: World, branch: Branch) -> Party:
    """The core, its supplier and dealer (with snapshots and edges), a warehouse
    supervisor and a guarantee company; returns the core."""
    core = w.firm("core", 1, industry="manufacturing", established_on=dt.date(1998, 1, 1))
    supplier = w.firm(
        "supplier",
        2,
        industry="manufacturing",
        established_on=dt.date(2015, 1, 1),
        branch_id=branch.id,
        relationship_manager_id=w.users["rm"].id,
    )
    dealer = w.firm(
        "dealer",
        3,
        industry="wholesale",
        established_on=dt.date(2016, 5, 1),
        branch_id=branch.id,
    )
    w.firm("supervisor", 4, kind=PartyKind.WAREHOUSE_SUPERVISOR)
    w.firm("guarantee_co", 5, kind=PartyKind.GUARANTEE_COMPANY, branch_id=branch.id)
    w.snapshot(supplier)
    # dealer, wholesale: X 30,000,000 × 0.20 = 6,000,000; Y 4,000,000 × 1.00 = 4,000,000 → R 4,000,000
    w.snapshot(
        dealer,
        employees=30,
        revenue_12m=D("30000000"),
        revenue_prior_year=D("25000000"),
        total_assets=D("8000000"),
        total_liabilities=D("4000000"),
    )
    w.edge(RelationshipKind.SUPPLIES_TO, supplier, core)
    w.edge(RelationshipKind.DISTRIBUTES_FOR, dealer, core)
    return core
