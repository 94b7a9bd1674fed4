"""Collateral: receivables, goods and warehouse receipts, other pledges, insurance, prices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from scf.platform.models.base import Base, Timestamps, enum_type
from scf.platform.models.enums import CollateralKind, ReceiptStatus, ReleaseBasis
from scf.platform.models.types import Money, Quantity, Ratio, UnitPrice


class Receivable(Timestamps, Base):
    """A supplier's receivable owed by a debtor (应收账款), pledged or factored.

    Two suppliers may claim the same debtor and invoice number: the database keeps
    both claims so that the double pledge can be detected and explained, instead of
    refusing the second at the door and losing the evidence.
    """

    __tablename__ = "receivables"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    creditor_party_id: Mapped[int] = mapped_column(sa.ForeignKey("parties.id"), index=True)
    debtor_party_id: Mapped[int] = mapped_column(sa.ForeignKey("parties.id"), index=True)
    invoice_number: Mapped[str] = mapped_column(sa.String(64))
    amount: Mapped[Decimal] = mapped_column(Money())
    issued_on: Mapped[dt.date]
    due_on: Mapped[dt.date]
    confirmed: Mapped[bool] = mapped_column(default=False)
    confirmed_on: Mapped[dt.date | None]
    collection_account: Mapped[bool] = mapped_column(default=False)
    paid_on: Mapped[dt.date | None]
    pledged_loan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("loans.id"), index=True)
    pledged_on: Mapped[dt.date | None]

    __table_args__ = (
        sa.UniqueConstraint("creditor_party_id", "debtor_party_id", "invoice_number"),
        sa.Index("ix_receivables_debtor_invoice", "debtor_party_id", "invoice_number"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
    )


class Commodity(Base):
    """A commodity accepted for goods pledge, with its unit (ton, piece)."""

    __tablename__ = "commodities"
    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    unit: Mapped[str] = mapped_column(sa.String(20))
    category: Mapped[str] = mapped_column(sa.String(40))


class CommodityPrice(Base):
    """Daily market price of a commodity, per unit."""

    __tablename__ = "commodity_prices"
    id: Mapped[int] = mapped_column(primary_key=True)
    commodity_code: Mapped[str] = mapped_column(sa.ForeignKey("commodities.code"))
    price_date: Mapped[dt.date]
    price: Mapped[Decimal] = mapped_column(UnitPrice())
    source: Mapped[str | None] = mapped_column(sa.String(100))

    __table_args__ = (
        sa.UniqueConstraint("commodity_code", "price_date"),
        sa.CheckConstraint("price > 0", name="price_positive"),
    )


class WarehouseReceipt(Timestamps, Base):
    """A warehouse receipt (仓单) for goods held by a supervisor; split and released over time."""

    __tablename__ = "warehouse_receipts"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    owner_party_id: Mapped[int] = mapped_column(sa.ForeignKey("parties.id"), index=True)
    supervisor_party_id: Mapped[int | None] = mapped_column(sa.ForeignKey("parties.id"))
    warehouse: Mapped[str] = mapped_column(sa.String(200))
    commodity_code: Mapped[str] = mapped_column(sa.ForeignKey("commodities.code"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    released_quantity: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal("0"))
    unit: Mapped[str] = mapped_column(sa.String(20))
    issued_on: Mapped[dt.date]
    status: Mapped[ReceiptStatus] = mapped_column(enum_type(ReceiptStatus))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("warehouse_receipts.id"))
    pledged_loan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("loans.id"), index=True)

    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint(
            "released_quantity >= 0 AND released_quantity <= quantity", name="release_in_range"
        ),
    )


class ReceiptRelease(Base):
    """Goods taken out of a warehouse receipt (出库): the receipt's ``released_quantity`` is
    the sum of these, and ``scf.platform.services.collateral.receipts.reconcile_receipt`` proves it."""

    __tablename__ = "receipt_releases"
    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(sa.ForeignKey("warehouse_receipts.id"), index=True)
    loan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("loans.id"), index=True)
    released_on: Mapped[dt.date]
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_price: Mapped[Decimal | None] = mapped_column(UnitPrice())
    value: Mapped[Decimal] = mapped_column(Money())
    basis: Mapped[ReleaseBasis] = mapped_column(enum_type(ReleaseBasis))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity_positive"),)


class CollateralItem(Timestamps, Base):
    """Other collateral: real estate, deposits and bonds, equity, patents, trademarks, machinery."""

    __tablename__ = "collateral_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    kind: Mapped[CollateralKind] = mapped_column(enum_type(CollateralKind))
    owner_party_id: Mapped[int] = mapped_column(sa.ForeignKey("parties.id"), index=True)
    description: Mapped[str] = mapped_column(sa.String(500))
    appraised_value: Mapped[Decimal] = mapped_column(Money())
    valued_on: Mapped[dt.date]
    real_estate_use: Mapped[str | None] = mapped_column(sa.String(20))
    purchase_date: Mapped[dt.date | None]
    newness: Mapped[Decimal | None] = mapped_column(Ratio())
    unit_value: Mapped[Decimal | None] = mapped_column(Money())
    general_purpose: Mapped[bool | None]
    listed: Mapped[bool | None]
    maturity_value: Mapped[Decimal | None] = mapped_column(Money())
    pledged_facility_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("facilities.id"), index=True
    )
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class InsurancePolicy(Timestamps, Base):
    """Insurance on collateral: insured ≥ debt, bank first beneficiary, runs ≥ 2 months past the loan [003 §七(三)5]."""

    __tablename__ = "insurance_policies"
    id: Mapped[int] = mapped_column(primary_key=True)
    policy_number: Mapped[str] = mapped_column(sa.String(64), unique=True)
    receipt_id: Mapped[int | None] = mapped_column(sa.ForeignKey("warehouse_receipts.id"))
    collateral_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("collateral_items.id"))
    insurer: Mapped[str] = mapped_column(sa.String(200))
    insured_amount: Mapped[Decimal] = mapped_column(Money())
    bank_first_beneficiary: Mapped[bool]
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
