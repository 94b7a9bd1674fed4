"""保兑仓 releases, recomputed with the mark-to-market [003 §六(九)] [DOMAIN §6].

Goods leave the warehouse in step with the margin the dealer pays (随缴保证金随提货):
the cumulative value released may not exceed the cumulative margin paid, and what may
still be released is the difference (``scf.credit.goods.releasable_value``).

What the data holds: the margin paid is the deposits (存单) pledged to the 保兑仓
facility; the goods released are the released quantities of the warehouse receipts
pledged to its loans. The value of past releases is not recorded, so they are valued
at the latest price, like the goods still held: a rise in price can turn a release
that was covered into an excess, which is exactly what the bank wants to see.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.goods import releasable_value
from scf.credit.money import ZERO, format_yuan, quantize_fen
from scf.credit.policy import Policy
from scf.jobs.alert_book import Condition, dec
from scf.jobs.queries import latest_prices
from scf.platform.models import CollateralItem, Facility, Loan, WarehouseReceipt
from scf.platform.models.enums import (
    CollateralKind,
    FacilityStatus,
    Product,
    ReceiptStatus,
    Severity,
)
from scf.platform.models.types import Quantity

OVER_RELEASE = "confirmed_warehouse_over_release"
CLAUSE = "[003 §六(九)]"


@dataclass(frozen=True)
class ReleasePosition:
    facility_id: int
    facility_code: str
    party_id: int
    margin_paid: Decimal
    released_value: Decimal
    unpriced: tuple[str, ...]  # commodities released but without a price: not valued

    @property
    def releasable(self) -> Decimal:
        return releasable_value(self.margin_paid, self.released_value)

    @property
    def excess(self) -> Decimal:
        return quantize_fen(max(self.released_value - self.margin_paid, ZERO))


def release_positions(session: Session, as_of: dt.date, policy: Policy) -> list[ReleasePosition]:
    """Every active 保兑仓 facility: margin paid, goods released (at the latest price)."""
    facilities = session.execute(
        sa.select(Facility.id, Facility.code, Facility.party_id).where(
            Facility.product == Product.CONFIRMED_WAREHOUSE,
            Facility.status == FacilityStatus.ACTIVE,
        )
    ).all()
    if not facilities:
        return []
    ids = [f.id for f in facilities]
    margin = dict(
        session.execute(
            sa.select(
                CollateralItem.pledged_facility_id, sa.func.sum(CollateralItem.appraised_value)
            )
            .where(
                CollateralItem.pledged_facility_id.in_(ids),
                CollateralItem.kind == CollateralKind.DEPOSIT,
            )
            .group_by(CollateralItem.pledged_facility_id)
        ).all()
    )
    prices = latest_prices(as_of)
    released: dict[int, Decimal] = defaultdict(lambda: ZERO)
    unpriced: dict[int, list[str]] = defaultdict(list)
    for facility_id, commodity, quantity, price in session.execute(
        sa.select(
            Loan.facility_id,
            WarehouseReceipt.commodity_code,
            sa.type_coerce(sa.func.sum(WarehouseReceipt.released_quantity), Quantity()),
            prices.c.price,
        )
        .join(Loan, Loan.id == WarehouseReceipt.pledged_loan_id)
        .outerjoin(prices, prices.c.commodity_code == WarehouseReceipt.commodity_code)
        .where(
            Loan.facility_id.in_(ids),
            WarehouseReceipt.status.in_([ReceiptStatus.PLEDGED, ReceiptStatus.RELEASED]),
        )
        .group_by(Loan.facility_id, WarehouseReceipt.commodity_code, prices.c.price)
    ):
        if not quantity:
            continue
        if price is None:
            unpriced[facility_id].append(commodity)
        else:
            released[facility_id] += quantity * price
    return [
        ReleasePosition(
            f.id,
            f.code,
            f.party_id,
            margin.get(f.id) or ZERO,
            quantize_fen(released[f.id]),
            tuple(unpriced[f.id]),
        )
        for f in facilities
    ]


def conditions_for(positions: list[ReleasePosition], policy: Policy) -> Iterator[Condition]:
    """Goods released beyond the margin paid: the excess is out of the bank's control."""
    for p in positions:
        if p.excess <= 0:
            continue
        yield Condition(
            rule=OVER_RELEASE,
            key=f"facility:{p.facility_id}",
            severity=Severity.CRITICAL,
            subject_type="facility",
            subject_id=p.facility_id,
            party_id=p.party_id,
            message=(
                f"保兑仓额度 {p.facility_code} 已提货价值 {format_yuan(p.released_value)} 超过已缴保证金 "
                f"{format_yuan(p.margin_paid)} (goods released beyond the margin paid by {dec(p.excess)})"
            ),
            figures={
                "facility_code": p.facility_code,
                "margin_paid": dec(p.margin_paid),
                "released_value": dec(p.released_value),
                "excess": dec(p.excess),
                "releasable": dec(p.releasable),
                "unpriced": list(p.unpriced),
                "clause": CLAUSE,
                "policy_version": policy.version,
            },
        )
