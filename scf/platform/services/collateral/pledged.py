"""The collateral behind a drawdown and its lending value now (押品可贷价值).

By product (``drawdown.products_backed_by.*`` in the policy):
- receivable pledge and factoring name receivables: eligible ones × advance rate, each
  checked by the credit engine — owed by an approved core enterprise, confirmed, not
  overdue, paid into the collection account, and never pledged before: the same debtor
  and invoice number claimed anywhere else on the books (any supplier) refuses it
  [003 §六(四)];
- goods pledge and 保兑仓 name warehouse receipts: goods left × latest price × advance
  rate, the price not stale [003 §七(四)2]; 保兑仓 adds the cash margin paid with the
  drawdown, which must be ≥ 30% [003 §六(九)];
- other products are secured by the collateral items attached to the facility: their
  lending value less what the facility already owes (blocked + outstanding) [003 §七].

Without named collateral (``receivable_codes=None``), the borrower's unpledged
receivables or receipts are taken, to show on the facility page what could be drawn.
Named rows are locked (``FOR UPDATE``, in id order) so that two drawdowns cannot pledge
the same receivable or receipt.

At disbursal the collateral already pledged to the pending loan is valued again
(``pledged_to``: the loan's own pledge does not count against it): the price may have
fallen, goods may have been released, a receivable may have fallen due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.availability import Candidate, collateral_headroom
from scf.credit.collateral import RECEIPT, RECEIVABLE, receipt_rules
from scf.credit.explain import RuleResult, about
from scf.credit.facility_rules import collateral_rate_kind
from scf.credit.goods import confirmed_warehouse_margin_ok, goods_advance_rate
from scf.credit.guarantees import Collateral, collateral_support
from scf.credit.money import ZERO
from scf.credit.pledges import Position
from scf.credit.policy import Policy
from scf.credit.receivables import Receivable as ReceivableFacts
from scf.credit.receivables import factoring_rules, receivable_limit
from scf.platform.models import (
    CollateralItem,
    Commodity,
    CommodityPrice,
    Facility,
    Programme,
    Receivable,
    Relationship,
    WarehouseReceipt,
)
from scf.platform.models.enums import Product, ProgrammeKind, ReceiptStatus, RelationshipKind


@dataclass
class DrawdownCollateral:
    """What backs one drawdown: its candidate, the rules on each piece, what to pledge."""

    candidate: Candidate | None
    rules: list[RuleResult] = field(default_factory=list)
    receivables: list[Receivable] = field(default_factory=list)
    receipts: list[WarehouseReceipt] = field(default_factory=list)
    detail: dict[str, object] = field(default_factory=dict)


def backing(product: Product, policy: Policy) -> str:
    """``receivables``, ``warehouse_receipts`` or ``facility_items``."""
    for kind in ("receivables", "warehouse_receipts"):
        if product.value in policy.items(f"drawdown.products_backed_by.{kind}"):
            return kind
    return "facility_items"


# ------------------------------------------------------------------- receivables


def _invoice_key(column: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    return sa.func.upper(sa.func.replace(column, " ", ""))


def _facts(r: Receivable, approved_debtors: set[int], pledged_to: int | None) -> ReceivableFacts:
    return ReceivableFacts(
        id=r.code,
        supplier=str(r.creditor_party_id),
        debtor=str(r.debtor_party_id),
        invoice_no=r.invoice_number,
        amount=r.amount,
        due_on=r.due_on,
        # No separate flag is kept: the debtor's confirmation (a rule of its own) is the
        # platform's evidence of a genuine trade.
        genuine_trade=True,
        debtor_approved=r.debtor_party_id in approved_debtors,
        confirmed_by_debtor=r.confirmed,
        collections_to_bank_account=r.collection_account,
        previously_pledged=r.pledged_loan_id not in (None, pledged_to),
        issued_on=r.issued_on,
    )


def _approved_debtors(session: Session, facility: Facility, on: dt.date) -> set[int]:
    """Core enterprises of programmes in force; only the facility's own core if it has one."""
    query = sa.select(Programme.core_party_id).where(
        Programme.kind == ProgrammeKind.CORE,
        Programme.in_force(on),
    )
    if facility.programme_id is not None:
        query = query.where(Programme.id == facility.programme_id)
    return {p for p in session.scalars(query) if p is not None}


def _receivable_rows(
    session: Session, facility: Facility, on: dt.date, codes: list[str] | None
) -> list[Receivable]:
    """The receivables named (locked, in id order), or the borrower's unpledged ones."""
    query = sa.select(Receivable).order_by(Receivable.id)
    if codes is None:
        query = query.where(
            Receivable.creditor_party_id == facility.party_id,
            Receivable.pledged_loan_id.is_(None),
            Receivable.due_on >= on,
        )
    else:
        query = query.where(Receivable.code.in_(codes)).with_for_update()
    return list(session.scalars(query))


def _same_invoices(session: Session, named: list[Receivable]) -> list[Receivable]:
    """Every claim on the books to the same debtors and invoice numbers (any supplier)."""
    if not named:
        return []
    keys = {r.invoice_number.replace(" ", "").upper() for r in named}
    return list(
        session.scalars(
            sa.select(Receivable).where(
                Receivable.debtor_party_id.in_({r.debtor_party_id for r in named}),
                _invoice_key(Receivable.invoice_number).in_(keys),
            )
        )
    )


def _receivables(
    session: Session,
    facility: Facility,
    on: dt.date,
    codes: list[str] | None,
    maturity: dt.date | None,
    policy: Policy,
    pledged_to: int | None,
) -> DrawdownCollateral:
    named = _receivable_rows(session, facility, on, codes)
    out = DrawdownCollateral(None, receivables=named)
    if codes is not None:
        out.rules += _not_found(codes, [r.code for r in named], RECEIVABLE.exists)
        out.rules += [
            about(RECEIVABLE.belongs_to_borrower(r.creditor_party_id, facility.party_id), r.code)
            for r in named
        ]
    approved = _approved_debtors(session, facility, on)
    limit = receivable_limit(
        [_facts(r, approved, pledged_to) for r in named],
        tier=str((facility.decision or {}).get("tier", "general")),
        as_of=on,
        policy=policy,
        reference_limit=Decimal("1e15"),  # the facility limit is a candidate of its own
        all_pledged=[_facts(r, approved, pledged_to) for r in _same_invoices(session, named)],
    )
    if codes is not None:
        for check in limit.checks:
            out.rules += [about(x, check.receivable.id) for x in check.rules if not x.ok]
        if facility.product is Product.FACTORING and named and maturity is not None:
            out.rules += _factoring(session, facility, named, on, maturity, policy)
    else:
        out.receivables = [r for r, c in zip(named, limit.checks, strict=True) if c.eligible]
    out.candidate = collateral_headroom(
        limit.by_receivables,
        ZERO,
        basis=f"应收账款 {limit.eligible_total:,.2f} × 质押率 {limit.advance_rate}",
        clause="[003 §六(四)]",
    )
    out.detail = {
        "eligible_total": str(limit.eligible_total),
        "advance_rate": str(limit.advance_rate),
        "double_pledges": [d.receivable_ids for d in limit.double_pledges],
    }
    return out


def _not_found(
    asked: list[str], found: list[str], exists: Callable[[list[str]], RuleResult]
) -> list[RuleResult]:
    """The ``exists`` rule on what was named but not found, when anything was."""
    missing = sorted(set(asked) - set(found))
    return [exists(missing)] if missing else []


def _factoring(
    session: Session,
    facility: Facility,
    named: list[Receivable],
    on: dt.date,
    maturity: dt.date,
    policy: Policy,
) -> list[RuleResult]:
    """Factoring extras [003 §六(八)]: relationship since, aging, term, maturity = payment date."""
    since = session.scalar(
        sa.select(sa.func.min(Relationship.valid_from)).where(
            Relationship.source_party_id == facility.party_id,
            Relationship.kind == RelationshipKind.SUPPLIES_TO,
            Relationship.target_party_id.in_({r.debtor_party_id for r in named}),
        )
    )
    return list(
        factoring_rules(
            relationship_since=since,
            invoice_date=min(r.issued_on for r in named),
            financing_start=on,
            financing_maturity=maturity,
            contract_payment_date=max(r.due_on for r in named),
            policy=policy,
        )
    )


# ------------------------------------------------------------------- warehouse receipts


def latest_price(session: Session, commodity: str, on: dt.date) -> CommodityPrice | None:
    return session.scalar(
        sa.select(CommodityPrice)
        .where(CommodityPrice.commodity_code == commodity, CommodityPrice.price_date <= on)
        .order_by(CommodityPrice.price_date.desc())
        .limit(1)
    )


def _position(receipt: WarehouseReceipt, price: CommodityPrice | None) -> Position:
    """The goods left on the receipt at ``price`` (0 without one)."""
    return Position(
        receipt.number,
        receipt.quantity - receipt.released_quantity,
        ZERO if price is None else price.price,
    )


def receipt_position(session: Session, receipt: WarehouseReceipt, on: dt.date) -> Position:
    return _position(receipt, latest_price(session, receipt.commodity_code, on))


def _receipt_rows(
    session: Session, facility: Facility, numbers: list[str] | None
) -> list[WarehouseReceipt]:
    """The receipts named (locked, in id order), or the borrower's unpledged ones."""
    query = sa.select(WarehouseReceipt).order_by(WarehouseReceipt.id)
    if numbers is None:
        query = query.where(
            WarehouseReceipt.owner_party_id == facility.party_id,
            WarehouseReceipt.status == ReceiptStatus.ISSUED,
        )
    else:
        query = query.where(WarehouseReceipt.number.in_(numbers)).with_for_update()
    return list(session.scalars(query))


def _valued_receipt(
    session: Session,
    facility: Facility,
    receipt: WarehouseReceipt,
    on: dt.date,
    rate: Decimal,
    policy: Policy,
    pledged_to: int | None,
) -> tuple[Decimal, list[RuleResult]]:
    """One receipt's lending value now and every rule on pledging it (to ``pledged_to``
    it is pledged already: that pledge is the one being valued, not a second one)."""
    price = latest_price(session, receipt.commodity_code, on)
    commodity = session.get(Commodity, receipt.commodity_code)
    own = pledged_to is not None and receipt.pledged_loan_id == pledged_to
    checks = receipt_rules(
        owner=receipt.owner_party_id,
        borrower=facility.party_id,
        status=ReceiptStatus.ISSUED.value if own else receipt.status.value,
        pledged_loan=None if own else receipt.pledged_loan_id,
        price_date=None if price is None else price.price_date,
        category=commodity.category if commodity else receipt.commodity_code,
        confirmed_warehouse=facility.product is Product.CONFIRMED_WAREHOUSE,
        as_of=on,
        policy=policy,
    )
    return _position(receipt, price).lending_value(rate), checks


def _receipts(
    session: Session,
    facility: Facility,
    on: dt.date,
    numbers: list[str] | None,
    margin: Decimal | None,
    amount: Decimal | None,
    policy: Policy,
    pledged_to: int | None,
) -> DrawdownCollateral:
    named = _receipt_rows(session, facility, numbers)
    out = DrawdownCollateral(None, receipts=named)
    rate = goods_advance_rate(policy)
    if numbers is not None:
        out.rules += _not_found(numbers, [r.number for r in named], RECEIPT.exists)
    total = ZERO
    values: dict[str, str] = {}
    for receipt in named:
        value, checks = _valued_receipt(session, facility, receipt, on, rate, policy, pledged_to)
        if numbers is not None:
            out.rules += [about(x, receipt.number) for x in checks if not x.ok]
        values[receipt.number] = str(value)
        total += value
    basis = f"仓单质物 × 最新价格 × 质押率 {rate}"
    if facility.product is Product.CONFIRMED_WAREHOUSE and numbers is not None:
        paid = margin or ZERO
        if amount is not None:
            out.rules.append(confirmed_warehouse_margin_ok(paid, amount, policy))
        total += paid
        basis += f" + 保证金 {paid:,.2f}"
    out.candidate = collateral_headroom(total, ZERO, basis=basis, clause="[003 §七(四)2]")
    out.detail = {"lending_values": values, "advance_rate": str(rate)}
    return out


# ------------------------------------------------------------------- facility items


def facility_items_value(session: Session, facility: Facility, policy: Policy) -> Decimal:
    """Σ appraised value × collateral rate of the items attached to the facility [003 §七]."""
    items = session.scalars(
        sa.select(CollateralItem).where(CollateralItem.pledged_facility_id == facility.id)
    ).all()
    return (
        collateral_support(
            [
                Collateral(
                    collateral_rate_kind(i.kind.value, i.real_estate_use),
                    i.appraised_value,
                    i.maturity_value,
                )
                for i in items
            ],
            policy,
        )
        if items
        else ZERO
    )


def drawdown_collateral(
    session: Session,
    facility: Facility,
    on: dt.date,
    *,
    exposure: Decimal,
    policy: Policy,
    receivable_codes: list[str] | None = None,
    receipt_numbers: list[str] | None = None,
    margin: Decimal | None = None,
    amount: Decimal | None = None,
    maturity: dt.date | None = None,
    pledged_to: int | None = None,
) -> DrawdownCollateral:
    """The collateral candidate for a drawdown (or, without names, for the facility page;
    ``pledged_to``: a pending loan's own collateral, valued again at its disbursal)."""
    kind = backing(facility.product, policy)
    if kind == "receivables":
        return _receivables(session, facility, on, receivable_codes, maturity, policy, pledged_to)
    if kind == "warehouse_receipts":
        return _receipts(session, facility, on, receipt_numbers, margin, amount, policy, pledged_to)
    has_items = session.scalar(
        sa.select(sa.func.count(CollateralItem.id)).where(
            CollateralItem.pledged_facility_id == facility.id
        )
    )
    if not has_items:
        return DrawdownCollateral(None)
    value = facility_items_value(session, facility, policy)
    return DrawdownCollateral(
        collateral_headroom(
            value, exposure, basis="额度项下抵质押物", clause="[003 §七(三)] [003 §七(四)]"
        ),
        detail={"lending_value": str(value), "secured": str(exposure)},
    )
