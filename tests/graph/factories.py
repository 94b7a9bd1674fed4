"""Hand-built networks: a small builder so each test states only what matters to it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from scf.credit.policy import load_policy
from scf.graph import data as d
from scf.graph.network import Network
from scf.graph.policy import NetworkPolicy

AS_OF = dt.date(2026, 11, 20)
POLICY = NetworkPolicy.of(load_policy(AS_OF))


def D(value: str | int) -> Decimal:
    return Decimal(str(value))


@dataclass
class Book:
    parties: list[d.PartyFacts] = field(default_factory=list)
    edges: list[d.EdgeFacts] = field(default_factory=list)
    loans: list[d.LoanFacts] = field(default_factory=list)
    markets: list[d.MarketFacts] = field(default_factory=list)
    groups: list[d.GroupFacts] = field(default_factory=list)
    receivables: list[d.ReceivableFacts] = field(default_factory=list)
    goods: list[d.GoodsPosition] = field(default_factory=list)

    def party(
        self,
        id: int,
        *,
        kind: str = d.ENTERPRISE,
        size: str | None = "small",
        net_assets: str | int | None = None,
        core: bool = False,
    ) -> int:
        self.parties.append(
            d.PartyFacts(
                id,
                kind,
                f"party {id}",
                uscc=None if kind == d.PERSON else f"USCC{id:014d}",
                size_class=None if kind == d.PERSON else size,
                net_assets=None if net_assets is None else D(net_assets),
                is_core=core,
            )
        )
        return id

    def edge(
        self,
        kind: str,
        source: int,
        target: int,
        *,
        amount: str | int | None = None,
        percentage: str | None = None,
        loan: int | None = None,
        market: bool = False,
        group: bool = False,
    ) -> int:
        id = len(self.edges) + 1
        self.edges.append(
            d.EdgeFacts(
                id,
                kind,
                source,
                target_party=None if market or group else target,
                target_market=target if market else None,
                target_group=target if group else None,
                amount=None if amount is None else D(amount),
                percentage=None if percentage is None else D(percentage),
                loan_id=loan,
            )
        )
        return id

    def guarantee(
        self, guarantor: int, borrower: int, amount: str | int | None, loan: int | None = None
    ) -> int:
        return self.edge(d.GUARANTEES, guarantor, borrower, amount=amount, loan=loan)

    def loan(
        self,
        id: int,
        borrower: int,
        outstanding: str | int,
        *,
        product: str = "credit",
        group: int | None = None,
        core: int | None = None,
    ) -> int:
        self.loans.append(
            d.LoanFacts(id, f"L{id}", borrower, product, D(outstanding), 0, group, core)
        )
        return id

    def network(self) -> Network:
        return Network(
            d.NetworkData(
                AS_OF,
                tuple(self.parties),
                tuple(self.edges),
                tuple(self.loans),
                tuple(self.markets),
                tuple(self.groups),
                tuple(self.receivables),
                tuple(self.goods),
            )
        )
