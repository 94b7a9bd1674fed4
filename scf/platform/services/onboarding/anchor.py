"""What a file is loaded for (its anchor): a core enterprise with a programme in force,
or a market (with its administrator and programme, when it has them).

The anchor decides who may load the file, which columns it needs (a core file names
each row's relation), which edge every firm gets, and who owns a firm the file creates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.uscc import normalize
from scf.platform.auth.access import Actor, may_onboard_for_core, may_onboard_for_market
from scf.platform.auth.not_found import not_found
from scf.platform.errors import ValidationFailed
from scf.platform.models import Market, Party, Programme, Relationship
from scf.platform.models.enums import ProgrammeKind, RelationshipKind


@dataclass(frozen=True)
class Anchor:
    """What a file is loaded for: a core enterprise (with its programme) or a market."""

    core: Party | None
    market: Market | None
    programme: Programme | None
    administrator: Party | None = None

    @property
    def kind(self) -> str:
        return "core" if self.core is not None else "market"

    def edge_target(self) -> dict[str, int | None]:
        return {
            "target_party_id": None if self.core is None else self.core.id,
            "target_market_id": None if self.market is None else self.market.id,
        }


def resolve_anchor(
    session: Session,
    actor: Actor,
    as_of: dt.date,
    *,
    core: str | None = None,
    market: str | int | None = None,
) -> Anchor:
    """The core enterprise (which needs a programme in force) or the market a file is for."""
    if (core is None) == (market is None):
        raise ValidationFailed(
            "请指定核心企业或市场之一 (give either a core enterprise or a market, not both)",
            errors={"target": ["core or market"]},
        )
    if core is not None:
        return _core_anchor(session, actor, as_of, core)
    return _market_anchor(session, actor, as_of, market)


def _core_anchor(session: Session, actor: Actor, as_of: dt.date, core: str) -> Anchor:
    party = session.scalar(sa.select(Party).where(Party.uscc == normalize(core)))
    if party is None:
        raise not_found("party", normalize(core))
    may_onboard_for_core(session, actor, party)
    programme = _programme(session, as_of, ProgrammeKind.CORE, Programme.core_party_id == party.id)
    if programme is None:
        raise ValidationFailed(
            f"{party.name} 在 {as_of} 没有有效的核心企业融资方案 (no core-enterprise "
            "programme in force: create the programme first)",
            errors={"core": ["no programme in force"]},
        )
    return Anchor(core=party, market=None, programme=programme)


def _market_anchor(
    session: Session, actor: Actor, as_of: dt.date, market: str | int | None
) -> Anchor:
    found = _market(session, market)
    checked = may_onboard_for_market(session, actor, found.id, asked=market)
    administrator = session.scalar(
        sa.select(Party)
        .join(Relationship, Relationship.source_party_id == Party.id)
        .where(
            Relationship.kind == RelationshipKind.ADMINISTERS,
            Relationship.target_market_id == checked.id,
            Relationship.valid_on(as_of),
        )
        .limit(1)
    )
    programme = _programme(session, as_of, ProgrammeKind.MARKET, Programme.market_id == checked.id)
    return Anchor(core=None, market=checked, programme=programme, administrator=administrator)


def _market(session: Session, market: str | int | None) -> Market:
    text = str(market).strip()
    query = sa.select(Market).where(Market.code == text)
    if text.isdigit():
        query = sa.select(Market).where(sa.or_(Market.id == int(text), Market.code == text))
    found = session.scalar(query.order_by(Market.id).limit(1))
    if found is None:
        raise not_found("market", market)
    return found


def _programme(
    session: Session, as_of: dt.date, kind: ProgrammeKind, anchored: Any
) -> Programme | None:
    """The programme in force on ``as_of`` (the latest started, if several)."""
    return session.scalar(
        sa.select(Programme)
        .where(
            anchored,
            Programme.kind == kind,
            Programme.in_force(as_of),
        )
        .order_by(Programme.valid_from.desc(), Programme.id)
        .limit(1)
    )
