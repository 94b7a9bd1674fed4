"""Parties and their dated financial snapshots.

A decision must be reproducible as of a date, so figures are never overwritten:
each load adds a snapshot dated ``as_of`` and the credit engine reads the latest
snapshot on or before the date asked about.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scf.platform.models.base import Base, Timestamps, enum_type
from scf.platform.models.enums import PartyKind
from scf.platform.models.types import Money


class Branch(Base):
    """A bank branch (分行/支行); relationship managers and parties belong to one."""

    __tablename__ = "branches"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)


class Party(Timestamps, Base):
    """Any participant: enterprise, individual business, person, guarantee company, supervisor.

    Roles such as core enterprise, supplier, dealer, merchant or market administrator
    are not stored here: they follow from programmes and relationships, so they can
    never disagree with them.
    """

    __tablename__ = "parties"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PartyKind] = mapped_column(enum_type(PartyKind), index=True)
    uscc: Mapped[str | None] = mapped_column(sa.String(18), unique=True)
    # 客户号: the key in the bank's core system (persons have no USCC, so they need one).
    customer_number: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    id_number: Mapped[str | None] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    industry: Mapped[str | None] = mapped_column(sa.String(40))
    province: Mapped[str | None] = mapped_column(sa.String(40))
    city: Mapped[str | None] = mapped_column(sa.String(40))
    established_on: Mapped[dt.date | None]
    birth_date: Mapped[dt.date | None]
    branch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("branches.id"), index=True)
    relationship_manager_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id"), index=True
    )

    snapshots: Mapped[list[FinancialSnapshot]] = relationship(
        back_populates="party", order_by="FinancialSnapshot.as_of"
    )

    __table_args__ = (
        sa.CheckConstraint("kind = 'person' OR uscc IS NOT NULL", name="organisations_have_uscc"),
    )


class FinancialSnapshot(Base):
    """Figures of one party as of a date (财务快照): size inputs, ratios, flags, rating."""

    __tablename__ = "financial_snapshots"
    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("parties.id", ondelete="CASCADE"))
    as_of: Mapped[dt.date]
    employees: Mapped[int | None]
    revenue_12m: Mapped[Decimal | None] = mapped_column(Money())
    revenue_prior_year: Mapped[Decimal | None] = mapped_column(Money())
    total_assets: Mapped[Decimal | None] = mapped_column(Money())
    total_liabilities: Mapped[Decimal | None] = mapped_column(Money())
    net_profit_last_year: Mapped[Decimal | None] = mapped_column(Money())
    net_profit_prior_year: Mapped[Decimal | None] = mapped_column(Money())
    taxable_revenue_last_year: Mapped[Decimal | None] = mapped_column(Money())
    existing_exposure: Mapped[Decimal | None] = mapped_column(Money())
    rating: Mapped[str | None] = mapped_column(sa.String(8))
    bad_credit_3y: Mapped[bool | None]
    controller_bad_credit_1y: Mapped[bool | None]
    prohibited_flags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    tier_factors: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    cautious_factors: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # Individual businesses (个体工商户) [003 §五(一)2]
    household_net_assets: Mapped[Decimal | None] = mapped_column(Money())
    operator_birth_date: Mapped[dt.date | None]
    years_in_trade: Mapped[int | None]
    years_at_premises: Mapped[int | None]
    local_residence: Mapped[bool | None]
    fixed_home: Mapped[bool | None]
    # Industry overlays (e.g. coal [000 第2篇]): figures that only some industries have.
    industry_data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    source: Mapped[str | None] = mapped_column(sa.String(200))

    party: Mapped[Party] = relationship(back_populates="snapshots")

    __table_args__ = (sa.UniqueConstraint("party_id", "as_of"),)
