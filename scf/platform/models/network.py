"""Markets, programmes, joint-guarantee groups and the typed, dated relationships between parties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from scf.platform.models.base import Base, Timestamps, enum_type
from scf.platform.models.enums import MarketKind, MarketStage, ProgrammeKind, RelationshipKind
from scf.platform.models.types import Money, Ratio


class Market(Timestamps, Base):
    """A commerce circle (商圈): professional market, mall, street or trade association.

    Its administrator is the party with a current ``administers`` relationship to it.
    """

    __tablename__ = "markets"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[MarketKind] = mapped_column(enum_type(MarketKind))
    commodity: Mapped[str | None] = mapped_column(sa.String(60))
    stage: Mapped[MarketStage] = mapped_column(enum_type(MarketStage))
    opened_on: Mapped[dt.date | None]
    province: Mapped[str | None] = mapped_column(sa.String(40))
    city: Mapped[str | None] = mapped_column(sa.String(40))


class Programme(Timestamps, Base):
    """A "1+N" core-enterprise programme or a market programme, with its cap (总额度)."""

    __tablename__ = "programmes"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    kind: Mapped[ProgrammeKind] = mapped_column(enum_type(ProgrammeKind))
    core_party_id: Mapped[int | None] = mapped_column(sa.ForeignKey("parties.id"), index=True)
    market_id: Mapped[int | None] = mapped_column(sa.ForeignKey("markets.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    cap: Mapped[Decimal] = mapped_column(Money())
    valid_from: Mapped[dt.date]
    valid_to: Mapped[dt.date | None]

    @classmethod
    def in_force(cls, on: dt.date) -> sa.ColumnElement[bool]:
        """Programmes in force on ``on``: started, and not ended before it (an open end
        runs on). The one place this condition is written."""
        return sa.and_(cls.valid_from <= on, sa.or_(cls.valid_to.is_(None), cls.valid_to >= on))

    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'core' AND core_party_id IS NOT NULL AND market_id IS NULL) OR "
            "(kind = 'market' AND market_id IS NOT NULL AND core_party_id IS NULL)",
            name="anchor_matches_kind",
        ),
        sa.CheckConstraint("cap >= 0", name="cap_not_negative"),
    )


class JointGuaranteeGroup(Timestamps, Base):
    """联保体: members jointly and severally liable [000 §三(一)5] [003 §六(五)]."""

    __tablename__ = "joint_guarantee_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    market_id: Mapped[int | None] = mapped_column(sa.ForeignKey("markets.id"), index=True)
    formed_on: Mapped[dt.date | None]
    margin_pool: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    total_limit: Mapped[Decimal | None] = mapped_column(Money())


class Relationship(Timestamps, Base):
    """A typed, dated edge. The target is a party, a market or a group, exactly one."""

    __tablename__ = "relationships"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RelationshipKind] = mapped_column(enum_type(RelationshipKind), index=True)
    source_party_id: Mapped[int] = mapped_column(sa.ForeignKey("parties.id"), index=True)
    target_party_id: Mapped[int | None] = mapped_column(sa.ForeignKey("parties.id"), index=True)
    target_market_id: Mapped[int | None] = mapped_column(sa.ForeignKey("markets.id"), index=True)
    target_group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("joint_guarantee_groups.id"), index=True
    )
    amount: Mapped[Decimal | None] = mapped_column(Money())
    percentage: Mapped[Decimal | None] = mapped_column(Ratio())
    valid_from: Mapped[dt.date | None]
    valid_to: Mapped[dt.date | None]
    loan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("loans.id"), index=True)
    note: Mapped[str | None] = mapped_column(sa.String(500))

    @classmethod
    def valid_on(cls, as_of: dt.date) -> sa.ColumnElement[bool]:
        """Edges in force on ``as_of`` (open-ended dates count as always)."""
        return sa.and_(
            sa.or_(cls.valid_from.is_(None), cls.valid_from <= as_of),
            sa.or_(cls.valid_to.is_(None), cls.valid_to >= as_of),
        )

    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN target_party_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN target_market_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN target_group_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="exactly_one_target",
        ),
        sa.CheckConstraint(
            "target_party_id IS NULL OR target_party_id <> source_party_id", name="no_self_edge"
        ),
        sa.CheckConstraint(
            # The upper bound (100%) is checked by the service: on SQLite the column is scaled.
            "percentage IS NULL OR percentage >= 0",
            name="percentage_not_negative",
        ),
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from",
            name="dates_in_order",
        ),
    )
