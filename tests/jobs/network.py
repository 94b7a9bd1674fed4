"""A small hand-built lending network for the monitoring tests: one call per row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

from sqlalchemy.orm import Session

from scf.credit.uscc import make
from scf.platform.auth.passwords import hash_password
from scf.platform.models import (
    Commodity,
    CommodityPrice,
    Facility,
    Instalment,
    JointGuaranteeGroup,
    Loan,
    Market,
    Party,
    Receivable,
    Relationship,
    User,
    WarehouseReceipt,
)
from scf.platform.models.enums import (
    FacilityStatus,
    LoanStatus,
    MarketKind,
    MarketStage,
    PartyKind,
    Product,
    ReceiptStatus,
    RelationshipKind,
    RepaymentMethod,
    Role,
)

D = Decimal
_serial = count(1)


class Network:
    """Writes rows through one session and flushes, so ids are there at once."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _add(self, row: object) -> object:
        self.session.add(row)
        self.session.flush()
        return row

    def user(self, username: str, role: Role, market: Market | None = None) -> User:
        user = User(
            username=username,
            display_name=username,
            password_hash=hash_password("a-long-test-password"),
            role=role,
            market_id=None if market is None else market.id,
        )
        self._add(user)
        return user

    def party(
        self, name: str, *, rm: User | None = None, kind: PartyKind = PartyKind.ENTERPRISE
    ) -> Party:
        n = next(_serial)
        party = Party(
            kind=kind,
            uscc=None if kind is PartyKind.PERSON else make(f"91130100T{n:08d}"),
            customer_number=f"T{n:06d}",
            name=name,
            relationship_manager_id=None if rm is None else rm.id,
        )
        self._add(party)
        return party

    def market(self, code: str, administrator: Party | None = None) -> Market:
        market = Market(
            code=code,
            name=f"市场{code}",
            kind=MarketKind.PROFESSIONAL_MARKET,
            stage=MarketStage.MATURE,
        )
        self._add(market)
        if administrator is not None:
            self.edge(RelationshipKind.ADMINISTERS, administrator, market=market)
        return market

    def group(self, code: str) -> JointGuaranteeGroup:
        group = JointGuaranteeGroup(code=code, name=f"联保小组{code}")
        self._add(group)
        return group

    def edge(
        self,
        kind: RelationshipKind,
        source: Party,
        target: Party | None = None,
        *,
        market: Market | None = None,
        group: JointGuaranteeGroup | None = None,
        loan: Loan | None = None,
        amount: str | None = None,
        valid_from: dt.date | None = None,
        valid_to: dt.date | None = None,
    ) -> Relationship:
        edge = Relationship(
            kind=kind,
            source_party_id=source.id,
            target_party_id=None if target is None else target.id,
            target_market_id=None if market is None else market.id,
            target_group_id=None if group is None else group.id,
            loan_id=None if loan is None else loan.id,
            amount=None if amount is None else D(amount),
            valid_from=valid_from,
            valid_to=valid_to,
        )
        self._add(edge)
        return edge

    def facility(
        self,
        party: Party,
        product: Product = Product.GOODS_PLEDGE,
        *,
        limit: str = "10000000",
        start: dt.date = dt.date(2026, 1, 1),
        end: dt.date = dt.date(2027, 12, 31),
        review: dt.date | None = None,
        status: FacilityStatus = FacilityStatus.ACTIVE,
    ) -> Facility:
        facility = Facility(
            code=f"TF{next(_serial):05d}",
            party_id=party.id,
            product=product,
            limit_amount=D(limit),
            start_date=start,
            end_date=end,
            review_date=review,
            status=status,
        )
        self._add(facility)
        return facility

    def loan(
        self,
        party: Party,
        principal: str,
        *,
        product: Product = Product.GOODS_PLEDGE,
        drawn: dt.date = dt.date(2026, 1, 1),
        maturity: dt.date = dt.date(2026, 12, 31),
        lines: list[tuple[dt.date, str, str]] | None = None,
        facility: Facility | None = None,
    ) -> Loan:
        """A loan with its schedule: ``lines`` are (due date, principal, interest)."""
        facility = facility or self.facility(party, product)
        loan = Loan(
            code=f"TL{next(_serial):05d}",
            facility_id=facility.id,
            party_id=party.id,
            product=product,
            principal=D(principal),
            rate_annual=D("0.06"),
            drawn_on=drawn,
            maturity_date=maturity,
            repayment_method=RepaymentMethod.BULLET,
            status=LoanStatus.ACTIVE,
        )
        loan.instalments = [
            Instalment(seq=i, due_date=due, principal_due=D(p), interest_due=D(r))
            for i, (due, p, r) in enumerate(lines or [(maturity, principal, "0")], start=1)
        ]
        self._add(loan)
        return loan

    def commodity(self, code: str = "steel_rebar") -> str:
        if self.session.get(Commodity, code) is None:
            self._add(Commodity(code=code, name=code, unit="ton", category="steel"))
        return code

    def price(self, commodity: str, day: dt.date, price: str) -> None:
        self._add(CommodityPrice(commodity_code=commodity, price_date=day, price=D(price)))

    def receipt(
        self, loan: Loan | None, commodity: str, quantity: str, *, released: str = "0"
    ) -> WarehouseReceipt:
        receipt = WarehouseReceipt(
            number=f"TWR{next(_serial):06d}",
            owner_party_id=loan.party_id if loan else self.party("货主").id,
            warehouse="一号库",
            commodity_code=commodity,
            quantity=D(quantity),
            released_quantity=D(released),
            unit="ton",
            issued_on=dt.date(2026, 1, 1),
            status=ReceiptStatus.PLEDGED if loan else ReceiptStatus.ISSUED,
            pledged_loan_id=None if loan is None else loan.id,
        )
        self._add(receipt)
        return receipt

    def receivable(
        self, supplier: Party, debtor: Party, amount: str, due: dt.date, loan: Loan | None
    ) -> Receivable:
        receivable = Receivable(
            code=f"TAR{next(_serial):05d}",
            creditor_party_id=supplier.id,
            debtor_party_id=debtor.id,
            invoice_number=f"INV{next(_serial):08d}",
            amount=D(amount),
            issued_on=due - dt.timedelta(days=90),
            due_on=due,
            confirmed=True,
            pledged_loan_id=None if loan is None else loan.id,
        )
        self._add(receivable)
        return receivable
