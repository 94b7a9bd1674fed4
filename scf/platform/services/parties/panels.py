"""The party page's panels (and the network viewer's side panel): exposure, limits,
collateral, the party's place in the network.

- **Exposure** is ``network.queries.exposure_report``: own, related-party group,
  joint-guarantee groups, chain (core enterprise), market (administrator), with what
  the reader may not see anonymised there.
- **Limits** are the party's facilities with limit, used and available
  (``limit_accounting.facility_position``, as on the lending pages).
- **Collateral**: receivables it is owed (its own, which it may pledge or factor),
  warehouse receipts it owns (remaining quantity at the latest price on or before the
  date), other items (real estate, deposits, machinery…) at their appraised value.

Access: the party must be visible (``access.party_by_reference``), else *not found*; the
collateral belongs to the party, so it is shown with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.availability import LimitPosition
from scf.credit.money import quantize_fen
from scf.graph.ego import in_circle
from scf.graph.network import party_node
from scf.platform.auth.access import Actor, party_by_reference, visible_among
from scf.platform.models import (
    CollateralItem,
    Facility,
    Loan,
    Party,
    Receivable,
    WarehouseReceipt,
)
from scf.platform.models.enums import ReceiptStatus
from scf.platform.services.collateral.pledged import receipt_position
from scf.platform.services.lending.limits import facility_position
from scf.platform.services.network.book import network_as_of
from scf.platform.services.network.queries import exposure_report

LIVE_RECEIPTS = (ReceiptStatus.ISSUED, ReceiptStatus.PLEDGED)


@dataclass(frozen=True)
class ReceivableLine:
    receivable: Receivable
    debtor: str
    pledged_loan: str | None
    open: bool  # not yet paid on the date


@dataclass(frozen=True)
class ReceiptLine:
    receipt: WarehouseReceipt
    remaining: Decimal
    unit_price: Decimal
    market_value: Decimal
    pledged_loan: str | None


@dataclass(frozen=True)
class PartyPanels:
    as_of: dt.date
    exposure: dict[str, Any]
    facilities: tuple[tuple[Facility, LimitPosition], ...]
    receivables: tuple[ReceivableLine, ...]
    receipts: tuple[ReceiptLine, ...]
    items: tuple[CollateralItem, ...]
    in_circle: bool
    relationships: int  # edges at the party in the network on the date

    @property
    def facilities_limit(self) -> Decimal:
        return sum((f.limit_amount for f, _ in self.facilities), Decimal("0"))

    @property
    def facilities_used(self) -> Decimal:
        return sum((p.used for _, p in self.facilities), Decimal("0"))

    @property
    def facilities_available(self) -> Decimal:
        return sum((p.available for _, p in self.facilities), Decimal("0"))

    @property
    def open_receivables(self) -> Decimal:
        return sum((r.receivable.amount for r in self.receivables if r.open), Decimal("0"))

    @property
    def receipts_value(self) -> Decimal:
        return sum((r.market_value for r in self.receipts), Decimal("0"))

    @property
    def items_value(self) -> Decimal:
        return sum((i.appraised_value for i in self.items), Decimal("0"))


def _loan_codes(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(sa.select(Loan.id, Loan.code).where(Loan.id.in_(ids))).all())


def party_panels(session: Session, actor: Actor, reference: str, as_of: dt.date) -> PartyPanels:
    party = party_by_reference(session, actor, reference)
    exposure = exposure_report(session, actor, reference, as_of)
    facilities = session.scalars(
        sa.select(Facility).where(Facility.party_id == party.id).order_by(Facility.id.desc())
    )
    receivables = _receivables_owed(session, party.id, as_of)
    receipts = _receipts_owned(session, party.id, as_of)
    items = tuple(
        session.scalars(
            sa.select(CollateralItem)
            .where(CollateralItem.owner_party_id == party.id)
            .order_by(CollateralItem.code)
        )
    )
    loans = _loan_codes(
        session,
        {r.pledged_loan_id for r in receivables if r.pledged_loan_id}
        | {r.pledged_loan_id for r in receipts if r.pledged_loan_id},
    )
    names = _debtor_names(session, actor, {r.debtor_party_id for r in receivables})
    network = network_as_of(session, as_of)
    node = party_node(party.id)
    return PartyPanels(
        as_of=as_of,
        exposure=exposure,
        facilities=tuple((f, facility_position(session, f)) for f in facilities),
        receivables=tuple(
            ReceivableLine(
                r,
                names.get(r.debtor_party_id, ""),
                loans.get(r.pledged_loan_id) if r.pledged_loan_id else None,
                r.paid_on is None or r.paid_on > as_of,
            )
            for r in receivables
        ),
        receipts=tuple(_receipt_line(session, r, as_of, loans) for r in receipts),
        items=items,
        in_circle=node in network.graph and in_circle(network, node),
        relationships=network.graph.degree(node) if node in network.graph else 0,
    )


def _receivables_owed(session: Session, party_id: int, as_of: dt.date) -> list[Receivable]:
    """Receivables owed to the party, issued by the date (paid or not)."""
    return list(
        session.scalars(
            sa.select(Receivable)
            .where(Receivable.creditor_party_id == party_id, Receivable.issued_on <= as_of)
            .order_by(Receivable.due_on, Receivable.id)
        )
    )


def _receipts_owned(session: Session, party_id: int, as_of: dt.date) -> list[WarehouseReceipt]:
    """Warehouse receipts the party owns, issued by the date and not yet released."""
    return list(
        session.scalars(
            sa.select(WarehouseReceipt)
            .where(
                WarehouseReceipt.owner_party_id == party_id,
                WarehouseReceipt.issued_on <= as_of,
                WarehouseReceipt.status.in_(LIVE_RECEIPTS),
            )
            .order_by(WarehouseReceipt.number)
        )
    )


def _receipt_line(
    session: Session, receipt: WarehouseReceipt, as_of: dt.date, loans: dict[int, str]
) -> ReceiptLine:
    """The remaining quantity at the latest price on or before the date."""
    position = receipt_position(session, receipt, as_of)
    return ReceiptLine(
        receipt,
        position.quantity,
        position.unit_price,
        quantize_fen(position.quantity * position.unit_price),
        loans.get(receipt.pledged_loan_id) if receipt.pledged_loan_id else None,
    )


def _debtor_names(session: Session, actor: Actor, debtor_ids: set[int]) -> dict[int, str]:
    """The debtors' names where the reader may see them; the others stay unnamed."""
    shown = visible_among(session, actor, debtor_ids)
    if not shown:
        return {}
    return dict(session.execute(sa.select(Party.id, Party.name).where(Party.id.in_(shown))).all())
