"""The market page's panels: the administrator's guarantees against its capacity
(2 × net assets [003 §七(二)2]) and the market's unresolved alerts.

Access: the market must be visible (``access.visible_market``; a market administrator
only their own, any other id *not found*). A guaranteed borrower the reader may not
see (not a member of this market) is listed without name or amount.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.graph.exposure import capacity_usage
from scf.platform.auth.access import Actor, visible_market, visible_party_ids
from scf.platform.models import Loan
from scf.platform.services.monitoring.queries import UNRESOLVED, AlertView, list_alerts
from scf.platform.services.network.book import network_as_of, network_policy


@dataclass(frozen=True)
class GuaranteeLine:
    borrower: str | None  # None: a party the reader may not see
    borrower_uscc: str | None
    loan: str | None  # None: a general guarantee of all the borrower's loans
    amount: Decimal | None
    guaranteed_balance: Decimal | None


@dataclass(frozen=True)
class AdministratorGuarantees:
    name: str
    uscc: str | None
    used: Decimal  # guaranteed balances, the sum of the lines
    capacity: Decimal | None  # None: net assets unknown
    ratio: Decimal | None
    breached: bool
    clause: str
    policy_version: str
    guarantees: tuple[GuaranteeLine, ...]


def administrator_guarantees(
    session: Session, actor: Actor, market_id: int, as_of: dt.date
) -> tuple[AdministratorGuarantees, ...]:
    """Each administrator of the market: guarantees given, at guaranteed balance
    (min(amount, covered outstanding)), against 2 × net assets."""
    visible_market(session, actor, market_id)
    network = network_as_of(session, as_of)
    policy = network_policy(as_of)
    visible = visible_party_ids(session, actor)
    administrators = sorted(set(network.administrators.get(market_id, [])))
    loan_ids = {
        e.loan_id
        for a in administrators
        for e in network.guarantees_given.get(a, [])
        if e.loan_id is not None
    }
    # Codes from the book, not the network: a loan repaid before the date is not in it.
    codes = dict(session.execute(sa.select(Loan.id, Loan.code).where(Loan.id.in_(loan_ids))).all())
    out = []
    for party_id in administrators:
        usage = capacity_usage(network, party_id, policy)
        lines = []
        for edge in sorted(network.guarantees_given.get(party_id, []), key=lambda e: e.id):
            borrower = edge.target_party
            shown = borrower is not None and (visible is None or borrower in visible)
            facts = network.parties[borrower] if shown and borrower is not None else None
            lines.append(
                GuaranteeLine(
                    facts.name if facts else None,
                    facts.uscc if facts else None,
                    codes.get(edge.loan_id) if edge.loan_id is not None and shown else None,
                    edge.amount if shown else None,
                    network.guaranteed_balance(edge) if shown else None,
                )
            )
        party = network.parties[party_id]
        out.append(
            AdministratorGuarantees(
                party.name,
                party.uscc,
                usage.used,
                usage.capacity,
                usage.ratio,
                usage.breached,
                policy.refs["capacity_administrator"],
                policy.version,
                tuple(lines),
            )
        )
    return tuple(out)


ALERTS_SHOWN = 50


def market_alerts(session: Session, actor: Actor, market_id: int) -> tuple[int, list[AlertView]]:
    """The market's unresolved alerts the reader may see (a market administrator: all of
    their market's; a relationship manager: those on their parties), most severe first."""
    visible_market(session, actor, market_id)
    return list_alerts(session, actor, market=market_id, status=UNRESOLVED, limit=ALERTS_SHOWN)
