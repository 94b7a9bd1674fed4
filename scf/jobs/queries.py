"""SQL pieces several jobs share: latest prices, outstanding principal for many loans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from scf.platform.models import CommodityPrice, Loan, Repayment
from scf.platform.models.types import Money


def latest_prices(as_of: dt.date) -> sa.Subquery:
    """Each commodity's latest price on or before ``as_of``."""
    newest = (
        sa.select(
            CommodityPrice.commodity_code, sa.func.max(CommodityPrice.price_date).label("day")
        )
        .where(CommodityPrice.price_date <= as_of)
        .group_by(CommodityPrice.commodity_code)
        .subquery()
    )
    return (
        sa.select(CommodityPrice.commodity_code, CommodityPrice.price, CommodityPrice.price_date)
        .join(
            newest,
            sa.and_(
                CommodityPrice.commodity_code == newest.c.commodity_code,
                CommodityPrice.price_date == newest.c.day,
            ),
        )
        .subquery()
    )


def outstanding_principal_column() -> tuple[sa.ColumnElement[Decimal], sa.Subquery]:
    """Principal drawn less principal repaid, in SQL: the set-based twin of
    ``loan_book.outstanding_principal`` (the same definition, for many loans at once)."""
    repaid = (
        sa.select(Repayment.loan_id, sa.func.sum(Repayment.principal_part).label("repaid"))
        .group_by(Repayment.loan_id)
        .subquery()
    )
    balance = sa.type_coerce(Loan.principal - sa.func.coalesce(repaid.c.repaid, 0), Money())
    return balance, repaid
