"""The plain facts a network is built from, as of one date (no ORM objects, no I/O).

The many-row facts are ``NamedTuple``s: immutable like frozen dataclasses, but built
ten times faster, which matters for half a million relationships.

The platform (``scf.platform.services.network.book``) reads them from the database; tests
and the benchmark write them by hand. Money is ``Decimal``; ratios are ``Decimal``
(0.62, not 62). Ids are the database ids of parties, markets, groups, edges and loans.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from scf.credit.kinds import PartyKind, RelationshipKind

# Party and edge kinds as plain text, from the one list of each (``scf.credit.kinds``).
ENTERPRISE = PartyKind.ENTERPRISE.value
INDIVIDUAL_BUSINESS = PartyKind.INDIVIDUAL_BUSINESS.value
PERSON = PartyKind.PERSON.value
GUARANTEE_COMPANY = PartyKind.GUARANTEE_COMPANY.value
WAREHOUSE_SUPERVISOR = PartyKind.WAREHOUSE_SUPERVISOR.value

# Edge kinds; direction source -> target is documented on ``RelationshipKind``.
SUPPLIES_TO = RelationshipKind.SUPPLIES_TO.value
DISTRIBUTES_FOR = RelationshipKind.DISTRIBUTES_FOR.value
MEMBER_OF_MARKET = RelationshipKind.MEMBER_OF_MARKET.value
ADMINISTERS = RelationshipKind.ADMINISTERS.value
MEMBER_OF_GROUP = RelationshipKind.MEMBER_OF_GROUP.value
GUARANTEES = RelationshipKind.GUARANTEES.value
CONTROLS = RelationshipKind.CONTROLS.value
HOLDS_SHARES = RelationshipKind.HOLDS_SHARES.value
SUPERVISES = RelationshipKind.SUPERVISES.value
LEGAL_REPRESENTATIVE_OF = RelationshipKind.LEGAL_REPRESENTATIVE_OF.value
SPOUSE_OF = RelationshipKind.SPOUSE_OF.value
BUYBACK_FOR = RelationshipKind.BUYBACK_FOR.value

EDGE_KINDS = tuple(kind.value for kind in RelationshipKind)


class PartyFacts(NamedTuple):
    """A party as the network needs it.

    ``net_assets`` is total assets − total liabilities from the latest snapshot on or
    before the as-of date (household net assets for an individual business or a
    person); ``None`` when unknown. ``size_class`` is the 2011/2003 classification of
    that snapshot (large / medium / small / micro), ``None`` when it cannot be made.
    """

    id: int
    kind: str
    name: str
    uscc: str | None = None
    size_class: str | None = None
    net_assets: Decimal | None = None
    is_core: bool = False  # anchors a core-enterprise ("1+N") programme


@dataclass(frozen=True, slots=True)
class MarketFacts:
    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class GroupFacts:
    """A joint-guarantee group (联保体)."""

    id: int
    code: str
    name: str
    market_id: int | None = None


class EdgeFacts(NamedTuple):
    """A relationship in force on the as-of date; exactly one target is set."""

    id: int
    kind: str
    source: int
    target_party: int | None = None
    target_market: int | None = None
    target_group: int | None = None
    amount: Decimal | None = None
    percentage: Decimal | None = None
    loan_id: int | None = None  # the loan a guarantee covers; None = all the borrower's loans


class LoanFacts(NamedTuple):
    """A loan drawn on or before the as-of date with its outstanding principal then.

    ``group_id``: the joint-guarantee group of its facility; ``programme_core``: the
    core enterprise anchoring its facility's programme.
    """

    id: int
    code: str
    borrower: int
    product: str
    outstanding: Decimal
    days_past_due: int = 0
    group_id: int | None = None
    programme_core: int | None = None


class ReceivableFacts(NamedTuple):
    """A receivable pledged to (or factored by) ``loan_id``: its debtor pays the loan back."""

    id: int
    loan_id: int
    creditor: int
    debtor: int
    amount: Decimal


class GoodsPosition(NamedTuple):
    """Goods under a warehouse receipt pledged to ``loan_id``, with the latest price."""

    receipt_id: int
    loan_id: int
    owner: int
    commodity: str
    quantity: Decimal  # not yet released
    price: Decimal | None
    price_date: dt.date | None


@dataclass(frozen=True)
class NetworkData:
    as_of: dt.date
    parties: tuple[PartyFacts, ...]
    edges: tuple[EdgeFacts, ...]
    loans: tuple[LoanFacts, ...] = ()
    markets: tuple[MarketFacts, ...] = ()
    groups: tuple[GroupFacts, ...] = ()
    receivables: tuple[ReceivableFacts, ...] = ()
    goods: tuple[GoodsPosition, ...] = ()
    notes: dict[str, str] = field(default_factory=dict)
