"""Loading the network from the database, and keeping the built graph cached.

Caching strategy (issue 4, item 1): **cache with invalidation on writes**, not an
incremental rebuild. A built ``scf.graph.network.Network`` is kept per process, keyed
by (database, as-of date, change stamp). The stamp is read from ``network_changes``
(one indexed query, well under a millisecond); every flush that touches a table the
graph is built from appends a row there in the same transaction (see
``scf.platform.models.network_changes``), so a write in any process — web worker, CLI,
scheduler — makes every other process rebuild on its next read, and a rolled-back
write invalidates nothing. An incremental update would have to replay each kind of
change (a repayment changes one outstanding, a relationship reshapes components and
circles) and be proven equal to a rebuild; a rebuild is one code path, and the
benchmark shows what it costs.

Reading is in a handful of set-based queries; outstanding principal is derived
(principal − Σ principal repaid on or before the as-of date), never stored twice.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.facts import FirmFacts
from scf.credit.money import ZERO, to_decimal
from scf.credit.policy import Policy, load_policy
from scf.credit.size import classify
from scf.graph import data as gd
from scf.graph.network import Network
from scf.graph.policy import NetworkPolicy
from scf.platform.errors import ConfigurationError
from scf.platform.models import (
    Facility,
    FinancialSnapshot,
    JointGuaranteeGroup,
    Loan,
    Market,
    Party,
    Programme,
    Receivable,
    Relationship,
    WarehouseReceipt,
)
from scf.platform.models.collateral import CommodityPrice
from scf.platform.models.enums import LoanStatus, PartyKind, ProgrammeKind, ReceiptStatus
from scf.platform.models.network_changes import NetworkChange
from scf.platform.services.lending.balances import repaid_principal_by_loan

CACHE_SIZE = 2  # built networks kept per process (each is large for a big book)

_cache: OrderedDict[tuple[object, ...], Network] = OrderedDict()
_lock = threading.Lock()


def change_stamp(session: Session) -> tuple[object, ...]:
    """What the network was built from, as seen by this transaction."""
    count = session.scalar(sa.select(sa.func.count(NetworkChange.id))) or 0
    last = session.execute(
        sa.select(NetworkChange.id, NetworkChange.token).order_by(NetworkChange.id.desc()).limit(1)
    ).first()
    return (count, None) if last is None else (count, last.id, last.token)


def network_as_of(session: Session, as_of: dt.date) -> Network:
    """The network on ``as_of``, built once and reused until something it reads changes."""
    key = (str(session.get_bind().engine.url), as_of, change_stamp(session))
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    network = Network(load_network_data(session, as_of))
    with _lock:
        _cache[key] = network
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return network


def network_policy(as_of: dt.date) -> NetworkPolicy:
    return NetworkPolicy.of(load_policy(as_of))


def bank_net_capital() -> Decimal:
    """The bank's net capital (资本净额), the base of the concentration limits: the
    ``SCF_BANK_NET_CAPITAL`` setting (read from the environment like every setting)."""
    from scf.platform.config import Settings

    raw = Settings.from_env(serving=False).bank_net_capital
    value = to_decimal(raw, field="SCF_BANK_NET_CAPITAL")
    if value <= 0:
        raise ConfigurationError(f"SCF_BANK_NET_CAPITAL 必须大于0 (must be positive): {raw}")
    return value


# ------------------------------------------------------------------ loading


def load_network_data(session: Session, as_of: dt.date) -> gd.NetworkData:
    """The plain facts the graph is built from, as they stand on ``as_of``."""
    parties = _parties(session, as_of)
    edges = _edges(session, as_of)
    loans = _loans(session, as_of)
    live = {loan.id for loan in loans}
    return gd.NetworkData(
        as_of=as_of,
        parties=parties,
        edges=edges,
        loans=loans,
        markets=tuple(
            gd.MarketFacts(m.id, m.code, m.name)
            for m in session.execute(sa.select(Market.id, Market.code, Market.name))
        ),
        groups=tuple(
            gd.GroupFacts(g.id, g.code, g.name, g.market_id)
            for g in session.execute(
                sa.select(
                    JointGuaranteeGroup.id,
                    JointGuaranteeGroup.code,
                    JointGuaranteeGroup.name,
                    JointGuaranteeGroup.market_id,
                )
            )
        ),
        receivables=_pledged_receivables(session, live),
        goods=_goods(session, as_of, live),
    )


def _parties(session: Session, as_of: dt.date) -> tuple[gd.PartyFacts, ...]:
    """Every party with its size class and net assets from its latest snapshot, and
    whether it is the core enterprise of a programme in force."""
    policy = load_policy(as_of)
    cores = set(
        session.scalars(
            sa.select(Programme.core_party_id).where(
                Programme.kind == ProgrammeKind.CORE,
                Programme.in_force(as_of),
            )
        )
    )
    snapshots = _latest_snapshots(session, as_of)
    parties = []
    for row in _rows(
        session,
        sa.select(Party.id, _text(Party.kind), Party.name, Party.uscc, Party.industry).order_by(
            Party.id
        ),
    ):
        snapshot = snapshots.get(row.id)
        size_class, net_assets = None, None
        if snapshot is not None:
            net_assets = _net_assets(row.kind, snapshot)
            size_class = _size_class(row.kind, row.industry, snapshot, policy)
        parties.append(
            gd.PartyFacts(
                row.id,
                row.kind,
                row.name,
                row.uscc,
                size_class,
                net_assets,
                row.id in cores,
            )
        )
    return tuple(parties)


def _size_class(
    kind: str, industry: str | None, snapshot: FinancialSnapshot, policy: Policy
) -> str | None:
    """An enterprise's size class (企业划型) by the table in force; None for others."""
    if kind != PartyKind.ENTERPRISE.value or not industry:
        return None
    facts = FirmFacts(
        industry=industry,
        employees=snapshot.employees,
        revenue_12m=snapshot.revenue_12m,
        total_assets=snapshot.total_assets,
    )
    try:
        return classify(facts, policy).size_class
    except KeyError:  # an industry the size table in force does not list
        return None


def _edges(session: Session, as_of: dt.date) -> tuple[gd.EdgeFacts, ...]:
    """The relationships valid on ``as_of``."""
    return tuple(
        gd.EdgeFacts(
            r.id,
            r.kind,
            r.source_party_id,
            r.target_party_id,
            r.target_market_id,
            r.target_group_id,
            r.amount,
            r.percentage,
            r.loan_id,
        )
        for r in _rows(
            session,
            sa.select(
                Relationship.id,
                _text(Relationship.kind),
                Relationship.source_party_id,
                Relationship.target_party_id,
                Relationship.target_market_id,
                Relationship.target_group_id,
                Relationship.amount,
                Relationship.percentage,
                Relationship.loan_id,
            )
            .where(Relationship.valid_on(as_of))
            .order_by(Relationship.id),
        )
    )


def _pledged_receivables(session: Session, live: set[int]) -> tuple[gd.ReceivableFacts, ...]:
    """Receivables pledged to a loan still outstanding."""
    return tuple(
        gd.ReceivableFacts(
            r.id, r.pledged_loan_id, r.creditor_party_id, r.debtor_party_id, r.amount
        )
        for r in session.execute(
            sa.select(
                Receivable.id,
                Receivable.pledged_loan_id,
                Receivable.creditor_party_id,
                Receivable.debtor_party_id,
                Receivable.amount,
            ).where(Receivable.pledged_loan_id.is_not(None))
        )
        if r.pledged_loan_id in live
    )


def _latest_snapshots(session: Session, as_of: dt.date) -> dict[int, FinancialSnapshot]:
    latest = (
        sa.select(FinancialSnapshot.party_id, sa.func.max(FinancialSnapshot.as_of).label("as_of"))
        .where(FinancialSnapshot.as_of <= as_of)
        .group_by(FinancialSnapshot.party_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(
            FinancialSnapshot.party_id,
            FinancialSnapshot.employees,
            FinancialSnapshot.revenue_12m,
            FinancialSnapshot.total_assets,
            FinancialSnapshot.total_liabilities,
            FinancialSnapshot.household_net_assets,
        ).join(
            latest,
            sa.and_(
                latest.c.party_id == FinancialSnapshot.party_id,
                latest.c.as_of == FinancialSnapshot.as_of,
            ),
        )
    )
    return {row.party_id: row for row in rows}  # type: ignore[misc]


def _rows(session: Session, query: sa.Select[Any]) -> Sequence[sa.Row[Any]]:
    """Plain rows through the session's connection: the ORM's row loading doubled the
    time of reading 545,000 relationships (bench/network_db.py)."""
    return session.connection().execute(query).all()


def _text(column: Any) -> Any:
    """An enum column read as its stored text, skipping the enum conversion per row."""
    return sa.type_coerce(column, sa.String()).label(column.key)


def _net_assets(kind: str, snapshot: FinancialSnapshot) -> Decimal | None:
    if kind in (PartyKind.INDIVIDUAL_BUSINESS.value, PartyKind.PERSON.value):
        if snapshot.household_net_assets is not None:
            return snapshot.household_net_assets
    if snapshot.total_assets is None or snapshot.total_liabilities is None:
        return None
    return snapshot.total_assets - snapshot.total_liabilities


def _loans(session: Session, as_of: dt.date) -> tuple[gd.LoanFacts, ...]:
    """Loans drawn by ``as_of`` with principal still outstanding then."""
    repaid = {
        loan_id: amount for loan_id, amount in session.execute(repaid_principal_by_loan(as_of))
    }
    out = []
    for row in _rows(
        session,
        sa.select(
            Loan.id,
            Loan.code,
            Loan.party_id,
            _text(Loan.product),
            Loan.principal,
            Loan.days_past_due,
            Facility.group_id,
            Programme.core_party_id,
        )
        .join(Facility, Facility.id == Loan.facility_id)
        .outerjoin(Programme, Programme.id == Facility.programme_id)
        .where(
            Loan.drawn_on <= as_of,
            Loan.status.in_([LoanStatus.ACTIVE, LoanStatus.REPAID]),
        )
        .order_by(Loan.id),
    ):
        outstanding = row.principal - (repaid.get(row.id) or ZERO)
        if outstanding > 0:
            out.append(
                gd.LoanFacts(
                    row.id,
                    row.code,
                    row.party_id,
                    row.product,
                    outstanding,
                    row.days_past_due,
                    row.group_id,
                    row.core_party_id,
                )
            )
    return tuple(out)


def _goods(session: Session, as_of: dt.date, live: set[int]) -> tuple[gd.GoodsPosition, ...]:
    latest = (
        sa.select(
            CommodityPrice.commodity_code, sa.func.max(CommodityPrice.price_date).label("day")
        )
        .where(CommodityPrice.price_date <= as_of)
        .group_by(CommodityPrice.commodity_code)
        .subquery()
    )
    prices = {
        row.commodity_code: (row.price, row.price_date)
        for row in session.execute(
            sa.select(
                CommodityPrice.commodity_code, CommodityPrice.price, CommodityPrice.price_date
            ).join(
                latest,
                sa.and_(
                    latest.c.commodity_code == CommodityPrice.commodity_code,
                    latest.c.day == CommodityPrice.price_date,
                ),
            )
        )
    }
    out = []
    for row in session.execute(
        sa.select(
            WarehouseReceipt.id,
            WarehouseReceipt.pledged_loan_id,
            WarehouseReceipt.owner_party_id,
            WarehouseReceipt.commodity_code,
            WarehouseReceipt.quantity,
            WarehouseReceipt.released_quantity,
        )
        .where(
            WarehouseReceipt.pledged_loan_id.is_not(None),
            WarehouseReceipt.status == ReceiptStatus.PLEDGED,
        )
        .order_by(WarehouseReceipt.id)
    ):
        if row.pledged_loan_id not in live:
            continue
        price, day = prices.get(row.commodity_code, (None, None))
        out.append(
            gd.GoodsPosition(
                row.id,
                row.pledged_loan_id,
                row.owner_party_id,
                row.commodity_code,
                row.quantity - row.released_quantity,
                price,
                day,
            )
        )
    return tuple(out)
