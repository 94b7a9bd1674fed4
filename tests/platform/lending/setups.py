"""Facilities the lending tests set up more than once, in the world of ``lending_world``.

- ``goods_facility``: the dealer's goods pledge of 1,000,000 and its receipt WR1 (100 t
  of rebar at 4,000: 240,000 of lending value at 60%).
- ``related_pair``: two members of one related-party group, each with a credit facility
  in its own programme — the world of the group-limit tests (issue #12, finding 1).
  ``supplier`` controls ``supplier_b`` (a ``controls`` edge makes them one related-party
  group [DOMAIN §9]); the supplier's facility is in the core programme ``PG-CORE``, the
  twin's in the market programme ``PG-MKT``, so no programme or facility row is shared
  and only the group can bind them together. With ``NET_CAPITAL`` = 1,000,000 the group
  may owe 15% = 150,000 and each member 10% = 100,000.
- ``same_world``: a world built in one session, read again in another.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.demo.lending_world import World
from scf.platform.models import Facility, Market, Party, Programme, User
from scf.platform.models.enums import ProgrammeKind, RelationshipKind

D = Decimal
NET_CAPITAL = "1000000"  # group limit 150,000.00; one customer 100,000.00
ON = dt.date(2026, 11, 3)
MATURITY = dt.date(2027, 5, 3)


def credit_facility(world: World, party: str, **kw: object) -> Facility:
    """A credit facility for ``party``: 1,000,000 (the product's cap) unless ``amount``."""
    return world.grant(
        **{
            "party_uscc": world.parties[party].uscc,
            "product": "credit",
            "repayment_method": "equal_principal",
            "registered_and_operating_locally": True,
            "amount": D("1000000"),
            **kw,
        }
    )


def market_programme(world: World, cap: str = "5000000") -> Programme:
    assert world.market is not None
    return world.added(
        Programme(
            code="PG-MKT",
            kind=ProgrammeKind.MARKET,
            market_id=world.market.id,
            name="钢材市场商圈",
            cap=D(cap),
            valid_from=dt.date(2025, 1, 1),
        )
    )


def related_pair(world: World) -> tuple[Facility, Facility]:
    """(the supplier's facility in PG-CORE, its subsidiary's in PG-MKT)."""
    supplier = world.parties["supplier"]
    twin = world.firm(
        "supplier_b",
        12,
        industry="manufacturing",
        established_on=dt.date(2015, 1, 1),
        branch_id=supplier.branch_id,
    )
    world.snapshot(twin)
    world.edge(RelationshipKind.SUPPLIES_TO, twin, world.parties["core"])
    world.edge(RelationshipKind.CONTROLS, supplier, twin)
    market_programme(world)
    return (
        credit_facility(world, "supplier"),
        credit_facility(world, "supplier_b", programme_code="PG-MKT"),
    )


def goods_facility(world: World) -> Facility:
    """The dealer's goods-pledge facility (1,000,000, outside any programme); WR1 holds
    100 t of rebar, 100 × 4,000 × 60% = 240,000 of lending value [003 §七(四)2]."""
    world.receipt("WR1", "100")
    return world.grant(
        party_uscc=world.parties["dealer"].uscc,
        product="goods_pledge",
        programme_code=None,
        amount=D("1000000"),
    )


def same_world(session: Session) -> World:
    """A world built and committed in another session, read again in ``session``."""
    return World(
        session,
        users={u.username: u for u in session.scalars(sa.select(User))},
        parties={p.customer_number: p for p in session.scalars(sa.select(Party))},
        programme=session.scalar(sa.select(Programme).where(Programme.code == "PG-CORE")),
        market=session.scalar(sa.select(Market)),
    )
