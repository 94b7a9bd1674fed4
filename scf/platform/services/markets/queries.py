"""Markets (商圈) with their current administrator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor, market_filter
from scf.platform.models import Market, Party, Relationship
from scf.platform.models.enums import RelationshipKind


@dataclass
class MarketView:
    market: Market
    administrator: Party | None
    merchant_count: int

    def to_dict(self) -> dict[str, object]:
        admin = self.administrator
        return {
            "id": self.market.id,
            "code": self.market.code,
            "name": self.market.name,
            "kind": self.market.kind.value,
            "commodity": self.market.commodity,
            "stage": self.market.stage.value,
            "administrator": None if admin is None else {"uscc": admin.uscc, "name": admin.name},
            "merchant_count": self.merchant_count,
        }


def list_markets(session: Session, actor: Actor, as_of: dt.date | None = None) -> list[MarketView]:
    as_of = as_of or dt.date.today()
    query = sa.select(Market).order_by(Market.id)
    clause = market_filter(actor)
    if clause is not None:
        query = query.where(clause)
    markets = session.scalars(query).all()
    ids = [m.id for m in markets]
    admins: dict[int, Party] = {}
    counts: dict[int, int] = {}
    if ids:
        for market_id, party in session.execute(
            sa.select(Relationship.target_market_id, Party)
            .join(Party, Party.id == Relationship.source_party_id)
            .where(
                Relationship.kind == RelationshipKind.ADMINISTERS,
                Relationship.target_market_id.in_(ids),
                Relationship.valid_on(as_of),
            )
            .order_by(Relationship.id)
        ):
            admins.setdefault(market_id, party)
        for market_id, count in session.execute(
            sa.select(Relationship.target_market_id, sa.func.count(Relationship.id))
            .where(
                Relationship.kind == RelationshipKind.MEMBER_OF_MARKET,
                Relationship.target_market_id.in_(ids),
                Relationship.valid_on(as_of),
            )
            .group_by(Relationship.target_market_id)
        ):
            counts[market_id] = count
    return [MarketView(m, admins.get(m.id), counts.get(m.id, 0)) for m in markets]
