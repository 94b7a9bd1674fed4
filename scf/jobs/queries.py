"""SQL pieces several jobs share: latest prices, outstanding principal for many loans."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from scf.platform.models import CommodityPrice


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
