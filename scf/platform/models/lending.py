"""Facilities (granted limits), loans, their repayment schedules and repayments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scf.platform.models.base import Base, Timestamps, enum_type
from scf.platform.models.enums import (
    DrawdownStatus,
    FacilityStatus,
    GuarantorKind,
    LoanStatus,
    Product,
    RepaymentMethod,
    Role,
)
from scf.platform.models.types import Money, Ratio, UTCDateTime


class Facility(Timestamps, Base):
    """A limit granted to a party for one product (授信额度)."""

    __tablename__ = "facilities"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("parties.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("joint_guarantee_groups.id"), index=True
    )
    product: Mapped[Product] = mapped_column(enum_type(Product))
    limit_amount: Mapped[Decimal] = mapped_column(Money())
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]
    revolving: Mapped[bool] = mapped_column(default=False)
    status: Mapped[FacilityStatus] = mapped_column(enum_type(FacilityStatus))
    review_date: Mapped[dt.date | None]
    policy_version: Mapped[str | None] = mapped_column(sa.String(120))
    decision: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Defaults for drawdowns, fixed when the facility is granted (priced and checked then).
    repayment_method: Mapped[RepaymentMethod | None] = mapped_column(enum_type(RepaymentMethod))
    rate_annual: Mapped[Decimal | None] = mapped_column(Ratio())

    loans: Mapped[list[Loan]] = relationship(back_populates="facility")
    guarantees: Mapped[list[FacilityGuarantee]] = relationship(
        back_populates="facility", cascade="all, delete-orphan", order_by="FacilityGuarantee.id"
    )

    __table_args__ = (
        sa.CheckConstraint("limit_amount >= 0", name="limit_not_negative"),
        sa.CheckConstraint("end_date >= start_date", name="dates_in_order"),
    )


class FacilityGuarantee(Base):
    """A guarantee attached to a facility (保证): who, what kind, the amount it covers.

    Collateral (抵质押物) is attached through ``CollateralItem.pledged_facility_id``;
    receivables and warehouse receipts are named per drawdown and pledged to the loan.
    """

    __tablename__ = "facility_guarantees"
    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(
        sa.ForeignKey("facilities.id", ondelete="CASCADE"), index=True
    )
    guarantor_party_id: Mapped[int] = mapped_column(sa.ForeignKey("parties.id"), index=True)
    kind: Mapped[GuarantorKind] = mapped_column(enum_type(GuarantorKind))
    amount: Mapped[Decimal] = mapped_column(Money())

    facility: Mapped[Facility] = relationship(back_populates="guarantees")

    __table_args__ = (
        sa.UniqueConstraint("facility_id", "guarantor_party_id"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
    )


class FacilityFreeze(Base):
    """The freeze in force on a facility (冻结): who froze it, in which role, when and why
    — the role decides who may lift it (``services.lending.facility_status``) — and an
    unfreeze one risk officer proposed, awaiting another's approval.

    One row while the facility is frozen; lifting the freeze removes it (the audit log
    keeps every step). A facility frozen before freezes were recorded has no row, or one
    without ``frozen_at`` once an unfreeze is proposed, and is treated as a risk
    officer's freeze."""

    __tablename__ = "facility_freezes"
    facility_id: Mapped[int] = mapped_column(
        sa.ForeignKey("facilities.id", ondelete="CASCADE"), primary_key=True
    )
    frozen_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # None: system
    frozen_by_role: Mapped[Role | None] = mapped_column(enum_type(Role))
    frozen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())  # None: unrecorded
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    unfreeze_proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    unfreeze_proposed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    unfreeze_reason: Mapped[str | None] = mapped_column(sa.String(500))


class Approval(Base):
    """One maker-checker step on a facility (proposal, approval, send-back) [000 §五 差别化授权]."""

    __tablename__ = "approvals"
    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facilities.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(32))
    amount: Mapped[Decimal | None] = mapped_column(Money())
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    comment: Mapped[str | None] = mapped_column(sa.String(1000))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Loan(Timestamps, Base):
    """A drawdown under a facility (贷款/放款)."""

    __tablename__ = "loans"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facilities.id"), index=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("parties.id"), index=True)
    product: Mapped[Product] = mapped_column(enum_type(Product))
    principal: Mapped[Decimal] = mapped_column(Money())
    rate_annual: Mapped[Decimal] = mapped_column(Ratio())
    drawn_on: Mapped[dt.date]
    maturity_date: Mapped[dt.date]
    repayment_method: Mapped[RepaymentMethod] = mapped_column(enum_type(RepaymentMethod))
    status: Mapped[LoanStatus] = mapped_column(enum_type(LoanStatus))
    days_past_due: Mapped[int] = mapped_column(default=0)
    delinquency_class: Mapped[str] = mapped_column(sa.String(20), default="normal")

    facility: Mapped[Facility] = relationship(back_populates="loans")
    instalments: Mapped[list[Instalment]] = relationship(
        back_populates="loan", order_by="Instalment.seq", cascade="all, delete-orphan"
    )
    repayments: Mapped[list[Repayment]] = relationship(
        back_populates="loan", order_by="Repayment.paid_on", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("principal > 0", name="principal_positive"),
        sa.CheckConstraint("maturity_date >= drawn_on", name="dates_in_order"),
    )


class Drawdown(Timestamps, Base):
    """A request to draw on a facility. While pending it blocks (earmarks) part of the limit;
    once utilised it points at the loan it became; refused ones keep their reason."""

    __tablename__ = "drawdowns"
    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facilities.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    requested_on: Mapped[dt.date]
    status: Mapped[DrawdownStatus] = mapped_column(enum_type(DrawdownStatus), index=True)
    loan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("loans.id"))
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)


class Instalment(Base):
    """One line of a repayment schedule (还款计划)."""

    __tablename__ = "instalments"
    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(sa.ForeignKey("loans.id", ondelete="CASCADE"))
    seq: Mapped[int]
    due_date: Mapped[dt.date]
    principal_due: Mapped[Decimal] = mapped_column(Money())
    interest_due: Mapped[Decimal] = mapped_column(Money())
    principal_paid: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    interest_paid: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))

    loan: Mapped[Loan] = relationship(back_populates="instalments")

    __table_args__ = (sa.UniqueConstraint("loan_id", "seq"),)


class Repayment(Base):
    """Money received on a loan, split interest first, then principal."""

    __tablename__ = "repayments"
    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(sa.ForeignKey("loans.id", ondelete="CASCADE"))
    paid_on: Mapped[dt.date]
    amount: Mapped[Decimal] = mapped_column(Money())
    principal_part: Mapped[Decimal] = mapped_column(Money())
    interest_part: Mapped[Decimal] = mapped_column(Money())
    # The part of ``principal_part`` paid before it was due (提前还款); it reshaped the schedule.
    prepaid_principal: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal("0"), server_default="0"
    )
    reference: Mapped[str | None] = mapped_column(sa.String(64))

    loan: Mapped[Loan] = relationship(back_populates="repayments")

    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)


class MarginDeposit(Base):
    """Cash margin paid on a 保兑仓 loan (保证金): goods are released in step with it
    (随缴保证金随提货) [003 §六(九)] [000 §三(二)5]."""

    __tablename__ = "margin_deposits"
    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(sa.ForeignKey("loans.id", ondelete="CASCADE"), index=True)
    paid_on: Mapped[dt.date]
    amount: Mapped[Decimal] = mapped_column(Money())
    reference: Mapped[str | None] = mapped_column(sa.String(64))

    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)
